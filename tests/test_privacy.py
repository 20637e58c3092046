"""No personal data outside the keyed hashes, on any path (docs/security.md).

The checks one value at a time, then each path on its own: reject reasons, free text,
file and campaign names, the column mapping, the spill folder, an older database.
Every format at once: ``test_privacy_canaries.py``.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import duckdb
import pytest

from pipelines import load, privacy, staging, warehouse
from pipelines.errors import ImportRefused
from tests.conftest import query, run_import, write

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = ROOT / "tests" / "fixtures" / "people"

CANARY_EMAIL = "zephirine.quarkwell@canary-example.org"
CANARY_PHONE = "(438) 555-0147"
CANARY_NAME = "Zéphirine Quarkwell"
CANARIES = (CANARY_EMAIL, CANARY_PHONE, "+1 438 555 0147", CANARY_NAME, f"par {CANARY_EMAIL}")


def leaks(text: str) -> list[str]:
    """The canaries found in ``text``, in any case and any way of writing the phone."""
    lowered = text.lower()
    found = [needle for needle in ("quarkwell", "canary-example") if needle in lowered]
    if "4385550147" in re.sub(r"[\s().+\-\u00a0]", "", lowered):
        found.append("the phone")
    return found


def file_leaks(folder: Path) -> dict[str, list[str]]:
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            hits = leaks(path.read_bytes().decode("utf-8", errors="replace"))
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def table_leaks(db: Path) -> dict[str, list[str]]:
    found = {}
    with warehouse.reader(db) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        ]
        assert {"imports", "rejects", "registrations", "mart_import_quality"} <= set(tables)
        for table in tables:
            rows = con.execute(f'select * from "{table}"').fetchall()
            hits = leaks(repr(rows))
            if hits:
                found[table] = hits
    return found


# the macros, one value at a time ---------------------------------------------------------

PERSONAL = [
    "helene@example.org",
    "par marie@exemple.ca",
    "@marie_t",
    "514 555 0199",
    "(514) 555-0199",
    "+1 514 555 0199",
    "5145550199",
    "15145550199",
    "+33 6 12 34 56 78",
    "06 12 34 56 78",
    "Hélène Côté",
    "MARIE",
    "J. de la Cruz",
    "Zéphirine Quarkwell",
]
NOT_PERSONAL = [
    "2026-03-05 18:30",
    "31/02/2026",
    "yesterday",
    "n/a",
    "12abc",
    "1741200000",
    "1234567890123",
    "81234567890",
    "1 234 567",
    "rally 2026-03-14",
    "-2",
    "lots",
    "csv_report_332566",
]


@pytest.fixture(scope="module")
def macros():
    con = duckdb.connect()
    con.execute(staging.sql_text("staging", "_privacy.sql"))
    yield con
    con.close()


@pytest.mark.parametrize("value", PERSONAL)
def test_personal_values_are_recognised(macros, value):
    assert macros.execute("select turnout_looks_personal(?)", [value]).fetchone()[0]


@pytest.mark.parametrize("value", NOT_PERSONAL)
def test_dates_numbers_and_ids_are_not_taken_for_personal_data(macros, value):
    assert not macros.execute("select turnout_looks_personal(?)", [value]).fetchone()[0]


def test_masking_keeps_the_rest_of_a_name():
    assert (
        privacy.masked_file_name("inscrits marie@exemple.ca (514) 555-0199.csv")
        == "inscrits […].csv"
    )
    assert privacy.masked("printemps 514-555-0199") == "printemps […]"
    assert (
        privacy.masked_file_name("eventbrite_1234567890123.csv") == "eventbrite_1234567890123.csv"
    )


# each path on its own -------------------------------------------------------------------

SHEET_HEADER = "event_id,name,email,phone,signed_in_at,heard_from\n"


def test_a_shifted_row_is_rejected_without_quoting_its_email(cal, tmp_path):
    # the second row lost its name: the email moved into `name`, the phone into `email`...
    # and the date column of an Eventbrite-like file gets a name
    sheet = write(
        tmp_path,
        "sheet.csv",
        SHEET_HEADER + "rally-2026-03,Ana,ana@example.org,,2026-03-14 10:00,flyer\n"
        "rally-2026-03,Bob,bob@example.org,,2026-03-14 10:01,radio\n"
        "rally-2026-03,Cy,cy@example.org,,2026-03-14 10:02,radio\n"
        f"rally-2026-03,{CANARY_EMAIL},,{CANARY_NAME},flyer\n",
    )
    result = run_import(cal, sheet)
    # the shifted row's sign-in time is "flyer": rejected as no time, quoting no email
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)
    assert CANARY_EMAIL not in str(result.rejects) and CANARY_NAME not in str(result.rejects)
    signed = write(
        tmp_path,
        "petition.csv",
        "petition_id,signed_at,name,email,phone\n"
        "p1,2026-03-14 10:00,Ana,ana@example.org,\n"
        "p1,2026-03-14 10:01,Bob,bob@example.org,\n"
        "p1,2026-03-14 10:02,Cy,cy@example.org,\n"
        f"p1,{CANARY_EMAIL},,,\n"
        f"p1,{CANARY_NAME},,,\n"
        "p1,2026-13-45,,dee@example.org,\n",
    )
    result = run_import(cal, signed)
    reasons = {r["line"]: (r["code"], r["params"], r["reason"]) for r in result.rejects}
    assert reasons[5][0] == reasons[6][0] == "row.not_a_date_personal"
    assert reasons[7][:2] == (
        "row.not_a_date",
        {"value": "2026-13-45", "example": "2026-03-05 18:30"},
    )
    assert "looks like personal data" in reasons[5][2]
    assert not leaks(repr(result.rejects))
    assert not table_leaks(cal)


def test_free_text_with_an_email_phone_or_name_counts_as_other(cal, tmp_path):
    rows = [
        ("par " + CANARY_EMAIL, "other"),
        ("514 555 0199", "other"),
        (CANARY_NAME, "other"),
        ("Le bouche à oreille", "friend"),
        ("Facebook", "facebook"),
        ("site web", "site web"),
    ]
    sheet = write(
        tmp_path,
        "sheet.csv",
        SHEET_HEADER
        + "".join(
            f"rally-2026-03,,p{i}@example.org,,2026-03-14 10:0{i},{text}\n"
            for i, (text, _) in enumerate(rows)
        ),
    )
    run_import(cal, sheet)
    stored = query(cal, "select channel from checkins order by signed_in_at")
    assert [c for (c,) in stored] == [channel for _, channel in rows]


def test_file_and_campaign_names_are_stored_masked(cal, tmp_path):
    name = f"signatures {CANARY_EMAIL} {CANARY_PHONE}.csv"
    signed = write(
        tmp_path,
        name,
        "petition_id,signed_at,name,email,phone\np1,2026-03-14 10:00,Ana,ana@example.org,\n",
    )
    result = run_import(cal, signed, campaign=f"printemps {CANARY_PHONE}")
    assert result.file_name == "signatures […].csv"
    assert query(
        cal, "select file_name, campaign from imports where import_id = ?", [result.import_id]
    ) == [("signatures […].csv", "printemps […]")]
    with pytest.raises(ImportRefused) as refused:
        run_import(cal, write(tmp_path, f"vide {CANARY_EMAIL}.csv", ""))
    assert not leaks(str(refused.value)) and not leaks(refused.value.text("fr"))


def test_a_mapping_cannot_store_an_email_or_phone_outside_the_keys(cal, tmp_path):
    mapping = write(
        tmp_path,
        "map.toml",
        'target = "registrations"\n[columns]\n'
        'email = "Courriel"\nstatus = "Statut"\nchannel = "Canal"\n'
        '[constants]\nevent_id = "rally-2026-03"\n',
    )
    data = write(
        tmp_path,
        "inscrits.csv",
        "Courriel,Statut,Canal\n"
        "a@example.org,confirmed,radio\n"
        "b@example.org,confirmed,radio\n"
        "c@example.org,confirmed,radio\n"
        f"d@example.org,{CANARY_EMAIL},{CANARY_PHONE}\n"
        f"e@example.org,confirmed,{CANARY_PHONE}\n",
    )
    result = run_import(cal, data, mapping=mapping)
    assert [(r["line"], r["code"], r["params"]) for r in result.rejects] == [
        (5, "row.personal_data", {"column": "Statut"})
    ]
    assert query(cal, "select status, channel from registrations order by channel") == [
        ("confirmed", "other"),
        ("confirmed", "radio"),
        ("confirmed", "radio"),
        ("confirmed", "radio"),
    ]
    assert not table_leaks(cal)


# the spill folder -------------------------------------------------------------------------


def test_the_spill_folder_is_private_and_a_dead_imports_spill_is_removed(db):
    folder = db.with_name(db.name + ".tmp")
    folder.mkdir()
    left = folder / "duckdb_temp_99999_0_storage_DEFAULT-0.tmp"  # a killed import's spill
    left.write_text(f"{CANARY_EMAIL}\n" * 100)
    os.chmod(folder, 0o755)
    with warehouse.writer(db) as con:
        assert not left.exists()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert con.execute("select current_setting('temp_directory')").fetchone()[0] == str(folder)
    left.parent.mkdir(exist_ok=True)
    left.write_text(CANARY_EMAIL)
    warehouse.create(db)  # `turnout init` cleans it too
    assert not left.exists()


def test_typed_rows_hold_no_clear_key(cal, tmp_path, monkeypatch):
    """From the moment rows are typed, emails and platform ids are keyed hashes."""
    from pipelines import identity

    seen = {}
    original = identity.attach_keys

    def spy(con, *args, **kwargs):
        seen["typed"] = repr(con.execute("select * from typed").fetchall())
        return original(con, *args, **kwargs)

    monkeypatch.setattr(identity, "attach_keys", spy)
    sheet = write(
        tmp_path,
        "sheet.csv",
        SHEET_HEADER + f"rally-2026-03,Zed,{CANARY_EMAIL},,2026-03-14 10:00,flyer\n",
    )
    load.import_file(cal, sheet)
    assert "canary-example" not in seen["typed"]


# databases written before the checks ----------------------------------------------------


def test_an_older_database_loses_the_personal_data_it_holds_on_upgrade(cal, tmp_path):
    sheet = write(
        tmp_path,
        "sheet.csv",
        SHEET_HEADER + "rally-2026-03,,ana@example.org,,2026-03-14 10:00,flyer\n",
    )
    run_import(cal, sheet)
    with duckdb.connect(str(cal)) as con:  # what an older version stored
        # schema 7 and every later one again (each later migration can run twice)
        con.execute("delete from schema_version where version >= 7")
        con.execute(
            "update imports set file_name = ?, campaign = ?",
            [f"inscrits {CANARY_EMAIL}.csv", f"printemps {CANARY_PHONE}"],
        )
        con.execute("update checkins set channel = ?", [f"par {CANARY_EMAIL}"])
        con.execute(
            "insert into rejects values (2, 5, 'signed_at', ?, 'row.not_a_date', ?), "
            "(2, 6, 'signed_at', 'x', 'row.not_a_date', ?), "
            "(1, 7, null, ?, null, null)",
            [
                f"'{CANARY_NAME}' is not a date and time (expected something like "
                "2026-03-05 18:30).",
                json.dumps({"value": CANARY_NAME, "example": "2026-03-05 18:30"}),
                json.dumps({"value": "2026-13-45", "example": "2026-03-05 18:30"}),
                f"'{CANARY_EMAIL}' is not a date.",
            ],
        )
    with warehouse.writer(cal):
        pass
    assert query(cal, "select count(*) from pending_refresh") == [(1,)]  # marts to rebuild
    with load.session(cal):  # what `turnout init` does next
        pass
    assert not table_leaks(cal)
    assert [
        (code, json.loads(params) if params else None)
        for code, params in query(
            cal, "select reject_code, reject_params from rejects order by line"
        )
    ] == [
        ("row.not_a_date_personal", {"example": "2026-03-05 18:30"}),
        ("row.not_a_date", {"value": "2026-13-45", "example": "2026-03-05 18:30"}),
        (None, None),
    ]
    assert query(cal, "select channel from checkins") == [("other",)]
    assert query(cal, "select file_name, campaign from imports where import_id = 2") == [
        ("inscrits […]", "printemps […]")
    ]
