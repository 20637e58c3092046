"""Shared fixtures: every test gets its own database; a developer's own is never touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines import config, load, warehouse

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = ROOT.parent / "shared" / "real_data"
SAMPLE_DATA = ROOT / "sample_data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("TURNOUT_DB", str(home / "turnout.duckdb"))


@pytest.fixture
def db(tmp_path) -> Path:
    """A new, empty database with its key, as `turnout init` makes it."""
    path = tmp_path / "turnout.duckdb"
    os.environ["TURNOUT_DB"] = str(path)
    warehouse.create(path)
    config.ensure_secret(path)
    return path


@pytest.fixture
def cal(db) -> Path:
    """A new database with the events calendar of the person-level fixtures imported."""
    run_import(db, ROOT / "tests" / "fixtures" / "people" / "calendar.csv")
    return db


@pytest.fixture
def rally_db(db, tmp_path) -> Path:
    """A new database whose events calendar holds one event, rally-1 (import_helpers.py)."""
    from tests.import_helpers import CALENDAR

    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    return db


@pytest.fixture
def wide_console(monkeypatch):
    """The command's output on lines wide enough for long file names (a zip's members)."""
    from pipelines.commands import output

    for console in (output.console, output.errors):
        monkeypatch.setattr(console, "_width", 2000)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def run_import(db: Path, path: Path, **options) -> load.ImportResult:
    return load.import_file(db, path, load.ImportOptions(**options))


def upgrade_from(db: Path, version: int) -> None:
    """Apply the schema's migrations from ``version`` on, as the next writer of a file that
    older code wrote does (again, on a file already upgraded)."""
    import duckdb

    with duckdb.connect(str(db)) as con:
        con.execute("delete from schema_version where version >= ?", [version])
    with warehouse.writer(db):
        pass


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with warehouse.reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def real_file(name: str) -> Path:
    path = REAL_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not here (real data lives next to the checkout)")
    return path


# the dashboard's tests: imported when a test asks, so that other tests never load Streamlit


@pytest.fixture
def fresh_caches():
    """Streamlit's cached reads and the dashboard's last results emptied around a test, so that
    no page shows what another test's database held."""
    import streamlit as st

    from dashboard import data

    st.cache_data.clear()
    data._LAST.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="session")
def sample_source() -> Path:
    """The sample campaign's database, built once and shared; tests read copies of it."""
    from tests.dashboard_helpers import built_database
    from tests.sample_db import CACHE

    if not any(SAMPLE_DATA.glob("*.csv")):
        pytest.skip("sample_data/ has no campaign yet")
    return built_database(CACHE, "sample", [SAMPLE_DATA])


@pytest.fixture(scope="session")
def small_source() -> Path:
    """The small campaign of the per-format fixtures, built once and shared."""
    from tests.dashboard_helpers import SMALL_FILES, built_database
    from tests.sample_db import CACHE

    return built_database(CACHE, "small", SMALL_FILES)


def _own_copy(source: Path, tmp_path: Path, monkeypatch) -> Path:
    from tests.dashboard_helpers import copy_database

    copy = copy_database(source, tmp_path)
    monkeypatch.setenv("TURNOUT_DB", str(copy))
    return copy


@pytest.fixture
def sample_db(sample_source, tmp_path, monkeypatch) -> Path:
    """The test's own copy of the sample database, named by TURNOUT_DB."""
    return _own_copy(sample_source, tmp_path, monkeypatch)


@pytest.fixture
def small_db(small_source, tmp_path, monkeypatch) -> Path:
    """The test's own copy of the small campaign's database, named by TURNOUT_DB."""
    return _own_copy(small_source, tmp_path, monkeypatch)


# the synthetic campaign, read from its files (tests/sample_files.py)


@pytest.fixture(scope="module")
def sample_campaign(tmp_path_factory) -> Path:
    """The synthetic campaign written with the generator's defaults, once for a test module."""
    from pipelines import sample

    out = tmp_path_factory.mktemp("campaign")
    sample.generate(out)
    return out


@pytest.fixture(scope="module")
def sample_views(sample_campaign):
    """A DuckDB connection with the synthetic campaign's files as views."""
    import duckdb

    from tests.sample_files import load_views

    con = duckdb.connect()
    load_views(con, sample_campaign)
    yield con
    con.close()
