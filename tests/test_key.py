"""The hashing key: never lost silently, never empty, never readable by others; settings that
cannot break the commands that read them."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import shutil
import stat
import tomllib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines import cli, config, keys, load, warehouse
from pipelines.errors import TurnoutError
from tests.conftest import ROOT, query

FIXTURES = ROOT / "tests" / "fixtures" / "people"
CALENDAR = FIXTURES / "calendar.csv"
EVENTBRITE = FIXTURES / "eventbrite_1234567890123.csv"
LATER = FIXTURES / "eventbrite_1234567890123_later.csv"  # one attendee's status changed
OTHER_KEY = "f" * 64 + "\n"
runner = CliRunner()


def turnout(*args: str):
    return runner.invoke(cli.app, list(args))


def everything(db: Path) -> dict[str, list]:
    """Every row of every table, in order: what "the database is unchanged" compares."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables order by table_name"
            ).fetchall()
        ]
        return {
            t: sorted(map(repr, con.execute(f'select * from "{t}"').fetchall())) for t in tables
        }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """`turnout init`, then the calendar and the first Eventbrite export, built once."""
    db = tmp_path_factory.mktemp("built") / "turnout.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TURNOUT_DB", str(db))
        assert turnout("init").exit_code == 0
        result = turnout("import", str(CALENDAR), str(EVENTBRITE))
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def campaign(built, tmp_path, monkeypatch) -> Path:
    """A copy of ``built``: 6 registrations of 4 people (4 distinct emails in the file)."""
    db = tmp_path / "turnout.duckdb"
    for made in (built, config.key_path(built), config.settings_path(built)):
        shutil.copy2(made, tmp_path / made.name)
    monkeypatch.setenv("TURNOUT_DB", str(db))
    assert _counts(db) == (6, 4)
    return db


class said:
    """What a command printed, read without the spaces and line breaks the terminal adds
    (a long path or flag is folded anywhere)."""

    def __init__(self, result):
        self.text = "".join(result.output.split())

    def __contains__(self, needle: str) -> bool:
        return "".join(needle.split()) in self.text


def _counts(db: Path) -> tuple[int, int]:
    return query(db, "select (select count(*) from registrations), (select count(*) from people)")[
        0
    ]


# a lost key ------------------------------------------------------------------------------


def test_a_lost_key_refuses_init_and_import_and_changes_nothing(campaign):
    key = config.key_path(campaign)
    backup = key.read_bytes()
    key.unlink()
    config.settings_path(campaign).unlink()
    before = everything(campaign)

    init = turnout("init")
    assert init.exit_code == 1
    assert "is missing" in said(init) and "backup" in said(init)
    assert "turnout rekey --i-understand-people-will-split" in said(init)
    assert not key.exists() and not config.settings_path(campaign).exists()

    later = turnout("import", str(LATER))
    assert later.exit_code == 1 and "Traceback" not in later.output
    assert "is missing" in said(later)
    assert "Import summary" not in later.output  # no empty table before the reason
    assert not key.exists()
    assert everything(campaign) == before
    assert _counts(campaign) == (6, 4)

    key.write_bytes(backup)  # the key restored: the later export matches the people it had
    result = load.import_file(campaign, LATER)
    assert (result.rows_loaded, result.rows_duplicate) == (1, 5)
    assert _counts(campaign) == (6, 4)


def test_a_different_key_is_refused(campaign):
    config.key_path(campaign).write_text(OTHER_KEY)
    before = everything(campaign)
    with pytest.raises(TurnoutError) as refused:
        load.import_file(campaign, LATER)
    assert refused.value.code == "key.different"
    assert "not the key" in refused.value.text("en") and "clé" in refused.value.text("fr")
    assert everything(campaign) == before
    # the figures are not refreshed under it either
    assert turnout("init").exit_code == 1
    assert everything(campaign) == before


def test_init_on_a_database_that_holds_data_never_creates_a_key(tmp_path, monkeypatch):
    db = tmp_path / "turnout.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    warehouse.create(db)
    config.ensure_secret(db)
    load.import_file(db, CALENDAR)
    # made before fingerprints were kept: data, no fingerprint, and now no key
    with duckdb.connect(str(db)) as con:
        con.execute("delete from key_fingerprints")
    config.key_path(db).unlink()
    result = turnout("init")
    assert result.exit_code == 1 and "is missing" in said(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["turnout.duckdb"]


def test_init_on_a_database_without_data_makes_its_key(tmp_path, monkeypatch):
    db = tmp_path / "turnout.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    assert turnout("init").exit_code == 0
    config.key_path(db).unlink()  # lost before anything was imported: nobody to split
    assert turnout("init").exit_code == 0
    assert load.import_file(db, CALENDAR).rows_loaded == 5


def test_the_fingerprint_is_a_keyed_hash_and_never_the_key(campaign):
    secret = config.key_path(campaign).read_text().strip()
    expected = hmac.new(secret.encode(), keys.FINGERPRINT_TEXT, hashlib.sha256).hexdigest()
    assert query(campaign, "select fingerprint, reason from key_fingerprints") == [
        (expected, "new_database")
    ]
    assert not any(secret in row for rows in everything(campaign).values() for row in rows)


def test_a_database_made_before_fingerprints_records_the_key_present(campaign):
    with duckdb.connect(str(campaign)) as con:
        con.execute("delete from key_fingerprints")
    load.import_file(campaign, LATER)
    secret = config.key_path(campaign).read_bytes().strip()
    assert query(campaign, "select fingerprint, reason, after_import from key_fingerprints") == [
        (hmac.new(secret, keys.FINGERPRINT_TEXT, hashlib.sha256).hexdigest(), "existing_data", 2)
    ]
    config.key_path(campaign).write_text(OTHER_KEY)
    with pytest.raises(TurnoutError, match="not the key"):
        load.import_file(campaign, CALENDAR)


# turnout rekey -----------------------------------------------------------------------------


def test_rekey_without_the_flag_changes_nothing(campaign):
    config.key_path(campaign).unlink()
    before = everything(campaign)
    result = turnout("rekey")
    assert result.exit_code == 1 and "--i-understand-people-will-split" in said(result)
    assert not config.key_path(campaign).exists()
    assert everything(campaign) == before


def test_rekey_with_the_flag_starts_a_new_key_and_warns_in_the_history(campaign):
    old_key = config.key_path(campaign).read_bytes()
    config.key_path(campaign).unlink()
    result = turnout("rekey", "--i-understand-people-will-split")
    assert result.exit_code == 0, result.output
    key = config.key_path(campaign)
    assert len(key.read_text().strip()) == 64 and stat.S_IMODE(key.stat().st_mode) == 0o600
    # deliberately split: the later export's people are new people
    later = load.import_file(campaign, LATER)
    assert (later.rows_loaded, later.rows_duplicate) == (6, 0)
    history = turnout("imports")
    assert "Warning: On " in said(history)
    assert "after import #2, the hashing key was replaced" in said(history)
    with warehouse.reader(campaign) as con:
        assert keys.replacements(con)[0]["params"]["after_import"] == 2
    # the old key, found again later, is now the wrong one
    key.write_bytes(old_key)
    assert turnout("rekey").exit_code == 1
    with pytest.raises(TurnoutError, match="not the key"):
        load.import_file(campaign, CALENDAR)


def test_rekey_adopts_a_present_key_and_says_when_nothing_changes(campaign):
    assert "nothing changed" in said(turnout("rekey"))
    config.key_path(campaign).write_text(OTHER_KEY)
    assert turnout("rekey", "--i-understand-people-will-split").exit_code == 0
    assert load.import_file(campaign, LATER).status == "imported"
    assert query(campaign, "select reason from key_fingerprints order by recorded_at") == [
        ("new_database",),
        ("rekey",),
    ]


# an empty, short or readable key -----------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n", "   \n", "a" * 31 + "\n"])
def test_an_empty_or_short_key_is_refused(campaign, text):
    config.key_path(campaign).write_text(text)
    before = everything(campaign)
    with pytest.raises(TurnoutError) as refused:
        load.import_file(campaign, LATER)
    assert refused.value.code == "key.too_short"
    assert everything(campaign) == before


def test_a_key_of_32_characters_is_long_enough(db):
    config.key_path(db).write_text("k" * 32)
    assert config.read_secret(db) == b"k" * 32


def test_a_key_readable_by_others_is_made_private_with_a_warning(campaign, caplog):
    key = config.key_path(campaign)
    os.chmod(key, 0o644)
    with caplog.at_level(logging.WARNING, logger="turnout"):
        assert load.import_file(campaign, LATER).status == "imported"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "could be read by other users" in caplog.text and "0644" in caplog.text


def test_a_key_readable_by_its_group_is_made_private_from_the_command_line(campaign):
    key = config.key_path(campaign)
    os.chmod(key, 0o640)
    assert turnout("imports").exit_code == 0  # readers never open the key
    assert stat.S_IMODE(key.stat().st_mode) == 0o640
    assert turnout("init").exit_code == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


# settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["ZZ", 'C"A', "C\nA", "", "CAN"])
def test_init_refuses_a_region_phone_numbers_cannot_use(tmp_path, monkeypatch, region):
    db = tmp_path / "turnout.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    result = turnout("init", "--region", region)
    assert result.exit_code == 1
    assert "not a country code" in said(result) and "CA, US, FR" in said(result)
    assert not config.settings_path(db).exists() and not config.key_path(db).exists()


def test_a_region_is_written_as_toml_and_read_back(tmp_path, monkeypatch):
    db = tmp_path / "turnout.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    assert turnout("init", "--region", "fr").exit_code == 0
    text = config.settings_path(db).read_text()
    assert tomllib.loads(text) == {"default_region": "FR"}
    assert config.load_settings(db).default_region == "FR"
    assert turnout("init").exit_code == 0  # without --region, the settings are kept
    assert config.load_settings(db).default_region == "FR"
    with pytest.raises(TurnoutError):
        config.write_settings(db, config.Settings(default_region='C"A'))


def test_the_settings_file_is_written_as_toml_whatever_the_value(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "check_region", lambda region: region)  # the writer alone
    db = tmp_path / "turnout.duckdb"
    config.write_settings(db, config.Settings(default_region='C"A\\\n'))
    assert tomllib.loads(config.settings_path(db).read_text()) == {"default_region": 'C"A\\\n'}


@pytest.mark.parametrize(
    "text, why",
    [
        ('default_region = "C"A"\n', "cannot be read"),
        ('default_region = "ZZ"\n', "not valid"),
        (b"\xff\xfe".decode("latin-1"), "cannot be read"),
    ],
)
def test_a_settings_file_that_cannot_be_used_is_named(campaign, text, why):
    path = config.settings_path(campaign)
    path.write_text(text, encoding="latin-1")
    result = turnout("import", str(LATER))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert why in said(result) and path.name in said(result)
    assert turnout("init", "--region", "CA").exit_code == 0  # the way out the message names
    assert config.load_settings(campaign).default_region == "CA"


# the dashboard only reads ------------------------------------------------------------------


def test_no_dashboard_code_creates_a_key():
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "ensure_secret" not in text and "create_secret" not in text, path


def test_the_dashboard_never_creates_a_missing_key(campaign, monkeypatch):
    from dashboard import loading
    from tests.dashboard_helpers import app, no_exception

    key = config.key_path(campaign)
    key.unlink()
    at = app()
    no_exception(at)
    at.switch_page("app_pages/imports.py").run()
    no_exception(at)
    assert not key.exists()
    outcome = loading.import_batch([loading.uploaded(LATER.name, LATER.read_bytes())])
    codes = {getattr(error, "code", None) for _, error in outcome.refusals}
    assert codes == {"key.missing"}, outcome.refusals
    assert not key.exists()


def test_the_welcome_page_asks_for_turnout_init_instead_of_making_a_key(tmp_path, monkeypatch):
    from dashboard import loading
    from tests.dashboard_helpers import app, no_exception

    db = tmp_path / "turnout.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    folder = tmp_path / "sample"
    folder.mkdir()
    (folder / CALENDAR.name).write_bytes(CALENDAR.read_bytes())
    monkeypatch.setattr(loading, "SAMPLE_DATA", folder)
    at = app("fr")
    at.button(key="load_sample").click().run()
    no_exception(at)
    assert any("turnout init" in e.value for e in at.error)
    assert not config.key_path(db).exists()


def test_the_data_page_shows_where_people_split(campaign):
    from tests.dashboard_helpers import app, no_exception

    config.key_path(campaign).unlink()
    assert turnout("rekey", "--i-understand-people-will-split").exit_code == 0
    at = app("fr")
    at.switch_page("app_pages/imports.py").run()
    no_exception(at)
    warnings = [w.value for w in at.warning if "clé de hachage a été remplacée" in w.value]
    assert len(warnings) == 1 and "après l'importation nº 2" in warnings[0]
