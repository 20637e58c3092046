"""Helpers for the tests of reading and importing files: a one-event calendar and sign-in
sheets of any length, a snapshot of every table, a refusal that must leave the database as it
was, and an import run in a child process that prints its steps."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipelines import warehouse
from pipelines.errors import ImportRefused
from tests.conftest import ROOT, run_import, write

CALENDAR = "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
SHEET_HEADER = "event_id,name,email,signed_in_at,heard_from\n"


def new_event_files(folder: Path, *rows: str) -> tuple[Path, Path]:
    """A calendar that adds the event new-1, and a sign-in sheet of ``rows``
    (event_id,name,email,signed_in_at), written in ``folder``."""
    calendar = write(
        folder, "calendar.csv", "event_id,name,starts_at\nnew-1,New,2026-03-30 18:00\n"
    )
    sheet = write(folder, "sheet.csv", "event_id,name,email,signed_in_at\n" + "".join(rows))
    return calendar, sheet


def sheet_rows(count: int, start: int = 0) -> str:
    """Sign-in rows for rally-1, one person each, without the header."""
    return "".join(
        f"rally-1,Person {i},p{i}@example.org,2026-03-05 18:{i % 60:02d},flyer\n"
        for i in range(start, start + count)
    )


def snapshot(db) -> dict:
    """Every table's row count and a checksum of its content, read in one connection."""
    with warehouse.reader(db) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' order by 1"
            ).fetchall()
        ]
        return {
            t: con.execute(f"select count(*), bit_xor(hash(columns(*))) from {t}").fetchone()
            for t in tables
        }


def refusal(db, path, **options) -> ImportRefused:
    """The refusal of ``path``, checking that the database is exactly as it was."""
    before = snapshot(db)
    with pytest.raises(ImportRefused) as caught:
        run_import(db, path, **options)
    assert snapshot(db) == before
    return caught.value


def import_process(db: Path, path: Path) -> subprocess.Popen:
    """``path`` imported into ``db`` by another process, which prints each step of the import
    as it reaches it, then "done"."""
    script = textwrap.dedent(f"""
        from pathlib import Path
        from pipelines import load
        def step(name):
            print(name, flush=True)
        load.import_file(Path({str(db)!r}), Path({str(path)!r}), progress=step)
        print("done", flush=True)
    """)
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def turnout_process(db: Path, script: str) -> subprocess.Popen:
    """``script`` run by another Python process from the project's folder, with ``db`` as its
    database and a wide terminal; what it prints (and its errors) readable as text."""
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TURNOUT_DB": str(db), "COLUMNS": "200"},
    )
