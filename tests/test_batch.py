"""pipelines.batch: the dashboard's batch of imports goes on past a refused file, refreshes
the figures once, and says where it is."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from pipelines import batch, load, marts
from pipelines.errors import TurnoutError
from tests.conftest import query, write

CALENDAR = "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
SHEET = "event_id,name,email,signed_in_at\nrally-1,Ana,ana@example.org,18:00\n"
NOT_AN_EXPORT = "colour,flavour\nred,sweet\n"


@pytest.fixture
def files(tmp_path):
    return [
        batch.BatchFile.at(write(tmp_path, "calendar.csv", CALENDAR)),
        batch.BatchFile.at(write(tmp_path, "colours.csv", NOT_AN_EXPORT)),
        batch.BatchFile.at(write(tmp_path, "sheet.csv", SHEET)),
    ]


def test_a_refused_file_is_noted_and_the_next_one_imported(db, files):
    outcome = batch.import_all(db, files)
    assert [name for name, _ in outcome.files] == ["calendar.csv", "colours.csv", "sheet.csv"]
    assert [(name, r.status) for name, r in outcome.results] == [
        ("calendar.csv", "imported"),
        ("sheet.csv", "imported"),
    ]
    [(name, error)] = outcome.refusals
    assert name == "colours.csv" and isinstance(error, TurnoutError)
    assert outcome.not_refreshed is None
    assert query(db, "select count(*) from checkins") == [(1,)]
    assert query(db, "select count(*) from pending_refresh") == [(0,)]


def test_the_figures_are_refreshed_once_for_the_whole_batch(db, files, monkeypatch):
    refresh, rebuilds = marts.refresh, []
    monkeypatch.setattr(
        marts, "refresh", lambda *args, **kwargs: rebuilds.append(1) or refresh(*args, **kwargs)
    )
    batch.import_all(db, files)
    assert rebuilds == [1]
    assert query(db, "select count(*) from people") == [(1,)]


def test_progress_says_which_file_then_its_steps_then_the_refresh(db, files):
    seen: list[batch.Step] = []
    batch.import_all(db, files, seen.append)
    starts = [(s.index, s.file) for s in seen if s.file is not None and s.step is None]
    assert starts == [(0, "calendar.csv"), (1, "colours.csv"), (2, "sheet.csv")]
    assert batch.Step(2, 3, "sheet.csv", "checking") in seen
    refresh = [s.step for s in seen if s.file is None]
    assert refresh and all(s.index == s.total == 3 for s in seen if s.file is None)
    assert seen.index(batch.Step(3, 3, None, refresh[0])) > seen.index(
        batch.Step(2, 3, "sheet.csv", "checking")
    )


def test_a_file_that_cannot_be_put_on_disk_is_refused_and_removed_whatever_happens(db, tmp_path):
    opened, closed = [], []

    @contextmanager
    def on_disk(path):
        opened.append(path.name)
        try:
            yield path
        finally:
            closed.append(path.name)

    def full_disk():
        raise OSError("no space left on device")

    sheet = write(tmp_path, "sheet.csv", SHEET)
    calendar = write(tmp_path, "calendar.csv", CALENDAR)
    outcome = batch.import_all(
        db,
        [
            batch.BatchFile("calendar.csv", lambda: on_disk(calendar)),
            batch.BatchFile("upload.csv", full_disk),
            batch.BatchFile(
                "sheet.csv", lambda: on_disk(sheet), load.ImportOptions(event_id="rally-1")
            ),
        ],
    )
    assert opened == closed == ["calendar.csv", "sheet.csv"]
    [(name, error)] = outcome.refusals
    assert name == "upload.csv" and isinstance(error, OSError)
    assert [r.status for _, r in outcome.results] == ["imported", "imported"]


def test_figures_that_fail_to_refresh_are_reported_and_the_files_stay(db, files, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("marts could not be rebuilt")

    monkeypatch.setattr(marts, "refresh", broken)
    outcome = batch.import_all(db, files)
    assert isinstance(outcome.not_refreshed, TurnoutError)
    assert outcome.refusals[-1] == (None, outcome.not_refreshed)
    assert [r.status for _, r in outcome.results] == ["imported", "imported"]
    assert query(db, "select count(*) from pending_refresh") == [(2,)]


def _opens(tmp_path, name: str, first: int, people: int):
    rows = "".join(
        f'"p{i}@example.org","open","2026-10-15 10:{i % 60:02d}:03",\n'
        for i in range(first, first + people)
    )
    return write(tmp_path, name, '"Email Address","Action","Timestamp","URL"\n' + rows)


def test_a_batch_is_checkpointed_once_when_it_ends(db, tmp_path):
    # four files of 40,000 opens leave about 20 MB in the write-ahead log (about 126 bytes
    # a row): DuckDB's own threshold (16 MiB) would checkpoint inside the fourth file's
    # commit
    files = [_opens(tmp_path, f"mailchimp_activity_{n}.csv", n * 40_000, 40_000) for n in range(4)]
    wal = db.with_name(db.name + ".wal")
    with load.session(db, refresh_figures=False) as batch_session:
        for path in files:
            assert batch_session.import_file(path).status == "imported"
        assert wal.stat().st_size > 16 * 2**20  # the four commits, not checkpointed
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed as the batch ended
    assert query(db, "select count(*) from email_activity") == [(160_000,)]
