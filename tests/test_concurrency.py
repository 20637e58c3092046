"""Two imports at once: the second waits, then stops with a clean "busy" message, and nothing
is lost or doubled. (The dashboard reloaded during an import is in test_browser_busy.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, query, run_import, write
from tests.import_helpers import turnout_process

CALENDAR = "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"


def sheet(folder: Path, name: str, first: int, count: int) -> Path:
    rows = "".join(
        f"rally-1,P{i},p{i}@example.org,18:{i % 60:02d}\n" for i in range(first, first + count)
    )
    return write(folder, name, "event_id,name,email,signed_in_at\n" + rows)


def holding_import(db: Path, path: Path, release: Path) -> subprocess.Popen:
    """`turnout import path` in another process, holding the database from the moment its
    file is read until ``release`` exists; it prints 'holding' then."""
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from pipelines import cli, file_import
        real = file_import.import_one
        def held(*args, **kwargs):
            print("holding", flush=True)
            while not Path({str(release)!r}).exists():
                time.sleep(0.05)
            return real(*args, **kwargs)
        file_import.import_one = held
        cli.app(["import", {str(path)!r}])
    """)
    return turnout_process(db, script)


def turnout_import(db: Path, path: Path, wait: float) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "TURNOUT_DB": str(db),
        "TURNOUT_LOCK_WAIT_SECONDS": str(wait),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "import", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.slow
def test_a_second_import_stops_busy_and_nothing_is_lost_or_doubled(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    first, second = sheet(tmp_path, "first.csv", 0, 40), sheet(tmp_path, "second.csv", 30, 40)
    release = tmp_path / "release"
    holder = holding_import(db, first, release)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        busy = turnout_import(db, second, wait=2)
        waited = time.monotonic() - started
    finally:
        release.touch()
    output, _ = holder.communicate(timeout=120)
    assert holder.returncode == 0, output
    assert busy.returncode == 1
    said = " ".join(busy.stderr.split())
    assert "stayed busy for 2 s" in said and "Traceback" not in busy.stderr + busy.stdout
    assert 2 <= waited < 60
    # the first landed whole, the second not at all
    assert query(db, "select file_name, rows_loaded from imports order by import_id") == [
        ("calendar.csv", 1),
        ("first.csv", 40),
    ]
    again = turnout_import(db, second, wait=2)
    assert again.returncode == 0, again.stdout + again.stderr
    # P30–P39 are in both files, at the same minute: 10 duplicates, 70 people, 70 check-ins
    assert query(
        db,
        "select rows_read, rows_loaded, rows_duplicate from imports where file_name = 'second.csv'",
    ) == [(40, 30, 10)]
    assert query(db, "select count(*) from people") == [(70,)]
    assert query(db, "select count(*) from checkins") == [(70,)]
