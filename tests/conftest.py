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


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def run_import(db: Path, path: Path, **options) -> load.ImportResult:
    return load.import_file(db, path, load.ImportOptions(**options))


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with warehouse.reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def real_file(name: str) -> Path:
    path = REAL_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not here (real data lives next to the checkout)")
    return path
