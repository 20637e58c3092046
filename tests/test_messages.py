"""The importer's messages: one catalogue in English and French, a code for every message the
pipelines raise or store, and the English the command line has always printed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from pipelines import messages, warehouse, wording
from pipelines.errors import ImportRefused, TurnoutError
from tests.conftest import query, run_import, write

PIPELINES = Path(__file__).resolve().parent.parent / "pipelines"
CALENDAR = (
    "event_id,name,starts_at,kind,campaign\n"
    "rally-1,Rassemblement,2026-03-05 18:30,rally,bienvenue\n"
)
NO_BREAK = "\u00a0"


@pytest.fixture
def calendar(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    return db


# the catalogue --------------------------------------------------------------------------


def test_both_languages_have_the_same_codes_and_placeholders():
    english, french = messages.catalogue("en"), messages.catalogue("fr")
    assert set(english) == set(french)
    for code, entry in english.items():
        assert wording.placeholders(entry) == wording.placeholders(french[code]), code
        for text in wording.forms(entry) + wording.forms(french[code]):
            assert text.strip(), code


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_plural_entries_name_forms_of_their_language(lang):
    known = set(wording.PLURAL_FORMS) | {"plural"}
    for code, entry in messages.catalogue(lang).items():
        if isinstance(entry, dict):
            assert "other" in entry and set(entry) <= known, code


def test_french_punctuation_takes_a_no_break_space():
    for code, entry in messages.catalogue("fr").items():
        for text in wording.forms(entry):
            assert not re.search(r" [:;?!»]|« ", text), code


def _codes_in_source() -> set[str]:
    prefixes = {code.split(".")[0] for code in messages.catalogue("en") if "." in code}
    alternatives = "|".join(sorted(prefixes))
    pattern = re.compile(rf"""["']((?:{alternatives})\.[a-z_]+)["']""")
    found = set()
    for path in [*PIPELINES.rglob("*.py"), *PIPELINES.rglob("*.sql")]:
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_code_the_pipelines_use_is_in_the_catalogue_and_every_entry_is_used():
    used = _codes_in_source()
    assert {"row.not_a_number", "file.empty", "rows.mostly_rejected"} <= used  # the pattern works
    catalogue = set(messages.catalogue("en"))
    assert used <= catalogue, sorted(used - catalogue)
    assert catalogue - used == {"refused"}, sorted(catalogue - used - {"refused"})


def test_row_messages_can_be_worded_in_sql():
    rows = [code for code in messages.catalogue("en") if code.startswith(messages.ROW)]
    with duckdb.connect() as con:
        con.execute(messages.reason_macro())
        for code in rows:
            params = {
                name: f"<{name}>" for name in wording.placeholders(messages.catalogue("en")[code])
            }
            in_sql = con.execute(
                "select turnout_reason(?, ?::json)", [code, json.dumps(params) if params else None]
            ).fetchone()[0]
            assert in_sql == messages.text("en", code, params), code


# refused files: a code, English on the command line, French on demand ----------------

REFUSALS = [
    ("empty.csv", b"", "file.empty", None),
    ("book.csv", b"PK\x03\x04rest of a zip", "file.workbook", None),
    ("binary.csv", bytes(range(256)) * 4, "file.binary", None),
    ("colours.csv", b"colour,shape,size\nred,round,3\n", "file.unknown_format", None),
    (
        "quote.csv",
        CALENDAR.encode() + b'vigil-1,"Vigile,2026-03-12 19:00,vigil,bienvenue\n',
        "file.unterminated_quote",
        3,
    ),
    ("broken.json", b'{"data": [1, 2', "json.unparsable", None),
    (
        "misread.csv",
        b"event_id,name,starts_at\nr1,A,not a date\nr2,B,never\n",
        "rows.mostly_rejected",
        None,
    ),
]


@pytest.mark.parametrize("name, content, code, line", REFUSALS)
def test_a_refused_file_has_a_code_and_a_message_in_each_language(
    db, tmp_path, name, content, code, line
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as caught:
        run_import(db, path)
    error = caught.value
    assert error.code == code and error.line == line
    english, french = str(error), error.text("fr")
    assert english == error.text("en") and english.endswith("Nothing was written.")
    assert french.startswith(name) and french.endswith("Rien n'a été écrit.")
    if line:
        assert f"line {line}:" in english and f"ligne {line}{NO_BREAK}:" in french
    assert "{" not in french and french != english
    assert query(db, "select count(*) from imports") == [(0,)]


def test_the_command_line_english_is_unchanged(db, tmp_path):
    path = write(
        tmp_path, "quote.csv", CALENDAR + 'vigil-1,"Vigile,2026-03-12 19:00,vigil,bienvenue\n'
    )
    with pytest.raises(ImportRefused) as caught:
        run_import(db, path)
    assert str(caught.value) == (
        "quote.csv, line 3: A quoted value opens here and is never "
        'closed (an unterminated "). Nothing was written.'
    )


def test_a_misread_file_names_its_first_problem_in_either_language(calendar, tmp_path):
    path = write(
        tmp_path, "sheet.csv", "event_id,name,email,signed_in_at\nnowhere,Ana,a@example.org,18:40\n"
    )
    with pytest.raises(ImportRefused) as caught:
        run_import(calendar, path)
    error = caught.value
    assert str(error).startswith("sheet.csv: 1 of 1 row would be rejected")
    assert "The first problem: line 2, column 'event_id': The event 'nowhere' is not in" in str(
        error
    )
    french = error.text("fr")
    assert french.startswith(f"sheet.csv{NO_BREAK}: 1 ligne sur 1 serait rejetée")
    assert f"ligne 2, colonne «{NO_BREAK}event_id{NO_BREAK}»{NO_BREAK}: L'événement" in french
    assert "Ana" not in french and "a@example.org" not in french


def test_errors_outside_a_file_have_codes_too(db, tmp_path):
    from pipelines import sources

    with pytest.raises(TurnoutError) as caught:
        sources.get("no_such_format")
    assert caught.value.code == "format.unknown"
    assert str(caught.value).startswith("There is no format called 'no_such_format'.")
    assert caught.value.text("fr").startswith(f"Il n'y a pas de format nommé «{NO_BREAK}")
    assert TurnoutError("As written.").text("fr") == "As written."


# rejected rows: code and parameters stored next to the English reason ----------------


def test_rejected_rows_keep_code_and_parameters(calendar, tmp_path):
    sheet = write(
        tmp_path,
        "counts.csv",
        (
            "event_id,snapshot_at,going,interested\n"
            "rally-1,2026-03-01 10:00,12,30\n"
            "rally-1,2026-03-02 10:00,14,31\n"
            "rally-1,2026-03-03 10:00,15,33\n"
            "rally-1,yesterday,16,34\n"
            "rally-1,2026-03-05 10:00,-2,35\n"
            "rally-1,2026-03-06 10:00,lots,36\n"
        ),
    )
    result = run_import(calendar, sheet, source="facebook_event_counts")
    codes = {r["line"]: (r["code"], r["params"]) for r in result.rejects}
    assert codes == {
        5: ("row.not_a_date", {"value": "yesterday", "example": "2026-03-05 18:30"}),
        6: ("row.negative_count", {"value": "-2"}),
        7: ("row.not_a_number", {"value": "lots"}),
    }
    stored = query(
        calendar, "select line, reason, reject_code, reject_params from rejects order by line"
    )
    for line, reason, code, params in stored:
        assert (code, json.loads(params)) == codes[line]
        assert reason == messages.text("en", code, json.loads(params))
    assert (
        messages.reason_text("fr", *stored[2][2:])
        == f"«{NO_BREAK}lots{NO_BREAK}» n'est pas un nombre."
    )


def test_rows_from_an_older_database_keep_their_english(tmp_path):
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute((PIPELINES / "sql" / "schema" / "001_initial.sql").read_text())
        con.execute(
            "create table schema_version (version integer primary key, "
            "applied_at timestamp not null default current_timestamp)"
        )
        con.execute("insert into schema_version (version) values (1)")
        con.execute("insert into rejects values (1, 4, 'going', 'Some older reason.')")
    warehouse.create(db)
    [(code, params, reason)] = query(db, "select reject_code, reject_params, reason from rejects")
    assert code is None and params is None
    assert messages.reason_text("fr", code, params, reason) == "Some older reason."
