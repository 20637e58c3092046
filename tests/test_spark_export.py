"""The Parquet hand-over and the pooled database, without Spark.

``adversarial_db`` is the harder fixture the Spark parity tests also run: ties at the
same moment, a first record without a campaign or a channel, timestamps late at night and
mid-month, rejected rows with a tie between reasons, a petition's total beside its signers,
and people whose records come from several sources and keys.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines import config, load, marts, warehouse
from pipelines.cli import app
from pipelines.engines import handover, pooled
from pipelines.errors import TurnoutError
from tests.conftest import ROOT

SPARK_FIXTURES = ROOT / "tests" / "fixtures" / "spark"
ADVERSARIAL_FILES = [
    ("events_calendar.csv", {}),
    ("signin_sheets.csv", {}),
    ("petition_signatures.csv", {}),  # no campaign; two rejected rows, one reason each
    ("petition_signatures_campagne_b.csv", {"campaign": "Campagne B"}),
    ("petition_signatures_campagne_a.csv", {"campaign": "Campagne A"}),
    ("../aggregate/uk_petition_700123.json", {"campaign": "Campagne A"}),
    ("eventbrite_attendees_5550001.csv", {}),
    ("facebook_event_counts.csv", {}),
    ("mailchimp_activity.csv", {"campaign": "Infolettre"}),
]


def build(db: Path, files: list[tuple[str, dict]]) -> Path:
    warehouse.create(db)
    config.ensure_secret(db)
    with load.session(db) as batch:
        for name, options in files:
            result = batch.import_file(SPARK_FIXTURES / name, load.ImportOptions(**options))
            assert result.status == "imported", (name, result.message)
    return db


@pytest.fixture(scope="session")
def adversarial_db(tmp_path_factory) -> Path:
    """The harder fixture imported once per test process, in pytest's temporary folder (which
    pytest clears in later runs); tests only read it."""
    return build(tmp_path_factory.mktemp("adversarial") / "turnout.duckdb", ADVERSARIAL_FILES)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    return sorted(con.execute(sql, params or []).fetchall(), key=repr)


def test_the_fixture_holds_the_cases_it_is_made_for(adversarial_db):
    with warehouse.reader(adversarial_db) as con:
        # two reasons rejected once each in one file: a tie for "the most common reason"
        assert rows(con, "select reject_code, count(*) from rejects group by all") == [
            ("row.no_person_key", 1),
            ("row.not_a_date", 1),
        ]
        # carol signed one petition twice at the same minute, from two campaigns
        assert con.execute(
            "select count(distinct campaign), count(distinct signed_at) "
            "from signatures where signed_at = '2026-03-20 12:00'"
        ).fetchone() == (2, 1)
        # alice's first signature has no campaign and no channel
        assert con.execute(
            "select campaign, channel from signatures where signed_at = '2026-03-10 09:00'"
        ).fetchone() == (None, None)


def test_the_key_fingerprint_is_a_keyed_hash_of_a_constant():
    """The fingerprint a database keeps of its key: an HMAC of a fixed text, never the key."""
    assert (
        handover.key_fingerprint(b"0123abcd")
        == hmac.new(
            b"0123abcd",
            b"turnout: fingerprint of the key that hashes emails and phone numbers",
            hashlib.sha256,
        ).hexdigest()
    )
    assert handover.key_fingerprint(b"0123abcd") != handover.key_fingerprint(b"0123abce")


# the columns a database keeps as 128-bit numbers and the hand-over writes as hex digits
DIGESTS = ("record_id", "row_hash", "email_key", "phone_key", "platform_key", "key_hash")


def _with_hex_digests(con: duckdb.DuckDBPyConnection, table: str) -> list:
    """The rows of ``table`` with record ids and row hashes written as their 32 hex digits,
    as Spark reads them."""
    cursor = con.execute(f"select * from {table}")
    names = [d[0] for d in cursor.description]
    digest = [name in DIGESTS for name in names]
    return sorted(
        (
            tuple(
                format(v, "032x") if is_digest and v is not None else v
                for v, is_digest in zip(row, digest, strict=True)
            )
            for row in cursor.fetchall()
        ),
        key=repr,
    )


def test_record_ids_row_hashes_and_keys_are_numbers_written_as_their_hex_digits(
    adversarial_db, tmp_path
):
    """Inside DuckDB a record id, a row hash and a person's key are 128-bit numbers; the
    export writes each as its 32 hex digits (loading Spark's marts back: the test below)."""
    handover.export([adversarial_db], tmp_path / "export")
    with warehouse.reader(adversarial_db) as con:
        assert warehouse.digest_columns(con, "registrations") == {
            "record_id",
            "row_hash",
            "email_key",
            "phone_key",
            "platform_key",
        }
        assert warehouse.digest_columns(con, "person_keys") == {"key_hash"}
        assert warehouse.digest_columns(con, "mart_person_records") == {"record_id"}
        stored = con.execute(
            "select record_id, row_hash, email_key from registrations "
            "where email_key is not null order by record_id limit 1"
        ).fetchone()
        written = con.execute(
            "select record_id, row_hash, email_key from read_parquet(?) where record_id = ?",
            [str(tmp_path / "export" / "registrations" / "*.parquet"), format(stored[0], "032x")],
        ).fetchall()
    assert len(written) == 1
    assert [len(v) for v in written[0]] == [32, 32, 32]
    assert [int(v, 16) for v in written[0]] == list(stored)


def test_export_writes_every_canonical_row_and_never_the_key(adversarial_db, tmp_path):
    db = adversarial_db
    manifest = handover.export([db], tmp_path / "export")
    with warehouse.reader(db) as con:
        for table in handover.CANONICAL_TABLES:
            files = str(tmp_path / "export" / table / "*.parquet")
            assert _with_hex_digests(con, table) == rows(
                con, "select * from read_parquet(?)", [files]
            ), table
    written = b"".join(p.read_bytes() for p in (tmp_path / "export").rglob("*") if p.is_file())
    assert config.read_secret(db) not in written
    assert manifest["key_fingerprint"] == handover.key_fingerprint(config.read_secret(db))


def _section(folder: Path, files: list[tuple[str, dict]], key_from: Path | None) -> Path:
    db = folder / "turnout.duckdb"
    folder.mkdir()
    if key_from is not None:
        shutil.copy(config.key_path(key_from), config.key_path(db))
    return build(db, files)


OTHER_SECTION = [
    ("mailchimp_activity.csv", {"campaign": "Infolettre"}),
    ("petition_signatures_campagne_b.csv", {"campaign": "Campagne B"}),
]


def test_sections_sharing_the_key_pool_with_import_ids_that_never_collide(tmp_path):
    first = _section(tmp_path / "est", ADVERSARIAL_FILES[:3], None)
    second = _section(tmp_path / "ouest", OTHER_SECTION, key_from=first)
    manifest = handover.export([first, second], tmp_path / "pooled")
    with duckdb.connect() as con:
        imports = rows(
            con,
            "select import_id, file_name from read_parquet(?)",
            [str(tmp_path / "pooled" / "imports" / "*.parquet")],
        )
        emails = con.execute(
            "select count(*), min(import_id), max(import_id) from read_parquet(?)",
            [str(tmp_path / "pooled" / "email_activity" / "*.parquet")],
        ).fetchone()
    # 3 imports in the first section, then the second's two, numbered after them
    assert imports == [
        (1, "events_calendar.csv"),
        (2, "signin_sheets.csv"),
        (3, "petition_signatures.csv"),
        (4, "mailchimp_activity.csv"),
        (5, "petition_signatures_campagne_b.csv"),
    ]
    assert emails == (6, 4, 4)
    assert manifest["rows"]["signatures"] == 5 + 2 and manifest["databases"] == 2


def test_the_same_file_in_two_sections_is_refused_and_an_earlier_export_kept(tmp_path):
    first = _section(tmp_path / "est", ADVERSARIAL_FILES[:2], None)
    second = _section(tmp_path / "ouest", ADVERSARIAL_FILES[:2], key_from=first)
    handover.export([first], tmp_path / "pooled")
    before = {p: p.read_bytes() for p in (tmp_path / "pooled").rglob("*") if p.is_file()}
    with pytest.raises(TurnoutError) as refused:
        handover.export([first, second], tmp_path / "pooled")
    assert refused.value.code == "export.same_rows"
    assert refused.value.params == {"count": 3, "table": "events"}
    assert {p: p.read_bytes() for p in (tmp_path / "pooled").rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["est", "ouest", "pooled"]


def test_sections_with_different_keys_are_refused_and_the_folder_is_left_alone(tmp_path):
    first = _section(tmp_path / "est", ADVERSARIAL_FILES[:1], None)
    other = _section(tmp_path / "ouest", ADVERSARIAL_FILES[:1], None)  # its own new key
    handover.export([first], tmp_path / "pooled")
    before = {p: p.read_bytes() for p in (tmp_path / "pooled").rglob("*") if p.is_file()}
    with pytest.raises(TurnoutError) as refused:
        handover.export([first, other], tmp_path / "pooled")
    assert refused.value.code == "export.different_keys"
    assert refused.value.params["database"] == str(other)
    assert {p: p.read_bytes() for p in (tmp_path / "pooled").rglob("*") if p.is_file()} == before


def test_an_export_never_writes_into_a_folder_of_other_files(adversarial_db, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(TurnoutError) as refused:
        handover.export([adversarial_db], tmp_path)
    assert refused.value.code == "export.folder_not_empty"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def _marts_as_parquet(db: Path, export: Path, out: Path) -> list[str]:
    """What `refresh --engine spark` writes, written here by DuckDB from its own marts."""
    names = [marts.table_name(stem) for stem, sql in marts.mart_files() if not marts.is_view(sql)]
    with warehouse.reader(db) as con:
        for name in names + ["person_keys"]:
            (out / name).mkdir(parents=True)
            digests = warehouse.digest_columns(con, name)
            select = ", ".join(
                f"printf('%032x', {c}) as {c}" if c in digests else c
                for c in warehouse.columns(con, name)
            )  # Spark reads record ids as hex digits, and writes them so
            con.execute(
                f"copy (select {select} from {name}) to '{out / name / 'part.parquet'}' "
                "(format parquet)"
            )
    pooled.write_manifest(
        out,
        export,
        names + ["mart_person_months"],
        ["mart_person_months"],
        handover.read_manifest(export)["key_fingerprint"],
    )
    return names


def test_load_marts_gives_the_dashboard_a_database_with_the_same_marts(adversarial_db, tmp_path):
    db = adversarial_db
    handover.export([db], tmp_path / "export")
    names = _marts_as_parquet(db, tmp_path / "export", tmp_path / "out")
    target = tmp_path / "pooled.duckdb"
    pooled.load(tmp_path / "out", target)
    with warehouse.reader(db) as mine, warehouse.reader(target) as pooled_con:
        for name in names + ["mart_person_months", "person_keys", "registrations"]:
            assert rows(pooled_con, f"select * from {name}") == rows(mine, f"select * from {name}")
            assert (
                pooled_con.execute(f"describe {name}").fetchall()
                == mine.execute(f"describe {name}").fetchall()
            ), name
        # the models were refitted on the pooled data
        assert rows(pooled_con, "select event_id, expected from mart_event_forecast") == rows(
            mine, "select event_id, expected from mart_event_forecast"
        )
    with pytest.raises(TurnoutError) as refused:
        pooled.load(tmp_path / "out", target)
    assert refused.value.code == "spark.database_exists"


def test_the_commands_export_refresh_and_say_what_spark_needs(tmp_path, monkeypatch):
    db = build(tmp_path / "turnout.duckdb", ADVERSARIAL_FILES[:2])
    monkeypatch.setenv("TURNOUT_DB", str(db))
    runner = CliRunner()
    exported = runner.invoke(app, ["export", "--parquet", str(tmp_path / "export")])
    assert exported.exit_code == 0, exported.output
    assert (
        json.loads((tmp_path / "export" / handover.MANIFEST).read_text())["rows"]["checkins"] == 8
    )
    with warehouse.reader(db) as con:
        before = rows(con, "select * from mart_person_records")
    refreshed = runner.invoke(app, ["refresh"])
    assert refreshed.exit_code == 0, refreshed.output
    with warehouse.reader(db) as con:
        assert rows(con, "select * from mart_person_records") == before
        assert con.execute("select count(*) from pending_refresh").fetchone()[0] == 0
    missing = runner.invoke(app, ["refresh", "--engine", "spark"])
    assert missing.exit_code == 1
    assert "--engine spark needs --input" in missing.output
