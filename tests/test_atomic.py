"""One file is one transaction: a failure or a kill -9 leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import duckdb
import pytest

from pipelines import load, marts, warehouse
from pipelines import merge as merge_module
from pipelines.errors import ImportRefused, TurnoutError
from tests.conftest import ROOT, query, run_import, write
from tests.import_helpers import CALENDAR, import_process, snapshot

ONE_ROW = "event_id,name,email,signed_in_at\nrally-1,Ana,ana@example.org,18:00\n"


def big_sheet(path, rows: int) -> None:
    con = duckdb.connect()
    con.execute(f"""
        copy (
            select 'rally-1' as event_id, 'Person ' || i as name,
                   'p' || i || '@example.org' as email, null as phone,
                   '18:' || lpad((i % 60)::varchar, 2, '0') as signed_in_at,
                   'flyer' as heard_from
            from range({rows}) t(i)
        ) to '{path}' (header, delimiter ',')
    """)
    con.close()


def import_killed_at(db, path, step: str) -> list[str]:
    """Import ``path`` in another process, kill -9 it when it reaches ``step``; the steps
    it printed."""
    child = import_process(db, path)
    seen = []
    for line in child.stdout:
        seen.append(line.strip())
        if line.strip() == step:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    return seen


@pytest.mark.slow
def test_kill_9_in_the_middle_leaves_the_database_as_it_was(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    run_import(db, write(tmp_path, "small.csv", ONE_ROW))
    before = snapshot(db)
    big = tmp_path / "big.csv"
    big_sheet(big, 600_000)
    seen = import_killed_at(db, big, "merging")  # rows are being written; the commit is later
    assert "merging" in seen and "done" not in seen
    assert snapshot(db) == before
    # and the database is healthy: the next import lands whole
    result = run_import(
        db,
        write(
            tmp_path,
            "after.csv",
            "event_id,name,email,signed_in_at\nrally-1,Bo,bo@example.org,18:05\n",
        ),
    )
    assert result.rows_loaded == 1
    assert query(db, "select count(*) from checkins") == [(before["checkins"][0] + 1,)]


def import_one_row(db, folder, refused: type[Exception]) -> Exception:
    """The error raised by the import of a one-row sign-in sheet, s.csv."""
    with pytest.raises(refused) as caught:
        run_import(db, write(folder, "s.csv", ONE_ROW))
    return caught.value


def test_an_error_mid_import_rolls_everything_back(db, tmp_path, monkeypatch):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    before = snapshot(db)
    merge = merge_module.merge

    def merge_then_fail(*args):
        merge(*args)  # the rows are in the table, inside the transaction
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(merge_module, "merge", merge_then_fail)
    error = import_one_row(db, tmp_path, ImportRefused)
    assert "s.csv" in str(error) and "Nothing was written" in str(error)
    assert snapshot(db) == before


def test_figures_that_fail_to_refresh_keep_the_files_and_are_refreshed_next_time(
    db, tmp_path, monkeypatch
):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    refresh = marts.refresh

    def broken(con, **options):
        raise RuntimeError("marts could not be refreshed")

    monkeypatch.setattr(marts, "refresh", broken)
    error = import_one_row(db, tmp_path, TurnoutError)
    assert "saved" in str(error) and "turnout init" in str(error)
    # the file landed; the figures wait, and say so
    assert query(db, "select count(*) from checkins") == [(1,)]
    assert query(db, "select count(*) from pending_refresh") == [(1,)]
    assert query(db, "select count(*) from people") == [(0,)]
    assert query(db, "select attended from mart_event_gap where event_id = 'rally-1'") == [(None,)]

    monkeypatch.setattr(marts, "refresh", refresh)
    with load.session(db) as batch:
        assert batch.refresh() is True
    assert query(db, "select count(*) from pending_refresh") == [(0,)]
    assert query(db, "select count(*) from people") == [(1,)]
    assert query(db, "select attended from mart_event_gap where event_id = 'rally-1'") == [(1,)]


def test_a_reader_waits_for_a_writer_in_the_same_process(db):
    import threading
    import time

    opened = threading.Event()

    def hold_the_writer():
        with warehouse.writer(db):
            opened.set()
            time.sleep(0.5)

    thread = threading.Thread(target=hold_the_writer)
    thread.start()
    opened.wait()
    started = time.monotonic()
    with warehouse.reader(db, wait=10) as con:
        assert con.execute("select count(*) from imports").fetchone() == (0,)
    thread.join()
    assert time.monotonic() - started >= 0.3  # it waited rather than failing


@pytest.mark.slow
def test_kill_9_while_refreshing_keeps_the_file_and_init_brings_the_figures_up_to_date(
    db, tmp_path
):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    big = tmp_path / "big.csv"
    big_sheet(big, 50_000)
    import_killed_at(db, big, "linking people")
    assert query(db, "select count(*) from checkins") == [(50_000,)]
    assert query(db, "select count(*) from pending_refresh") == [(1,)]
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "init"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    assert query(db, "select count(*) from pending_refresh") == [(0,)]
    assert query(db, "select attended from mart_event_gap") == [(50_000,)]
