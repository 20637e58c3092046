"""A row that a file gives twice (the same record, the same event) is loaded once: its first
row in the file's order is compared with the stored one, the later ones are duplicates
(``merge.merge`` ranks a file's rows only when a key comes back)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import config, warehouse
from tests.conftest import query, run_import
from tests.people_files import FIXTURES

NEWSLETTER = FIXTURES / "mailchimp_activity_with_action.csv"
CALENDAR = FIXTURES / "calendar.csv"


def _new_database(folder: Path) -> Path:
    """A second database, as the ``db`` fixture makes the first."""
    folder.mkdir()
    path = folder / "turnout.duckdb"
    warehouse.create(path)
    config.ensure_secret(path)
    return path


def _with_line_again(source: Path, folder: Path, again: str) -> Path:
    """``source`` with the line ``again`` written at its end."""
    text = source.read_text(encoding="utf-8")
    folder.mkdir()
    path = folder / source.name
    path.write_text(text + ("" if text.endswith("\n") else "\n") + again + "\n", encoding="utf-8")
    return path


# what two databases store alike: each hashes with its own key, and a new file's export
# time is its modification time
COMPARED = {
    "email_activity": "source, email_campaign_id, campaign, action, occurred_at",
    "events": "* exclude (import_id)",
}


@pytest.mark.parametrize(
    ("source", "table"), [(NEWSLETTER, "email_activity"), (CALENDAR, "events")]
)
def test_a_row_given_twice_is_loaded_once(db, tmp_path, source, table):
    once = run_import(db, source)
    assert once.rows_loaded >= 2
    first_row = source.read_text(encoding="utf-8").splitlines()[1]
    twice_db = _new_database(tmp_path / "twice")
    twice = run_import(twice_db, _with_line_again(source, tmp_path / "file", first_row))
    assert (twice.rows_read, twice.rows_loaded, twice.rows_duplicate, twice.rows_rejected) == (
        once.rows_read + 1,
        once.rows_loaded,
        once.rows_duplicate + 1,
        once.rows_rejected,
    )
    stored = f"select {COMPARED[table]} from {table} order by all"
    assert query(twice_db, stored) == query(db, stored)


def test_of_two_rows_of_one_event_the_first_in_the_file_is_stored(db, tmp_path):
    """The calendar's first event given again at the end under another name: the name of
    the first row is stored, the later row is a duplicate."""
    first = CALENDAR.read_text(encoding="utf-8").splitlines()[1]
    event_id, name = first.split(",")[:2]
    renamed = first.replace(f",{name},", ",Another name,", 1)
    assert renamed != first
    result = run_import(db, _with_line_again(CALENDAR, tmp_path / "file", renamed))
    assert result.rows_duplicate == 1
    assert query(db, "select name from events where event_id = ?", [event_id]) == [(name,)]
