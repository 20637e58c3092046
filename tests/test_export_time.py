"""When an export was taken: kept in the import history when nothing dated it (migration
009), shown by `turnout imports` and the Data page's history in both languages; and an
export is never dated before the newest post it holds."""

from __future__ import annotations

import os
from datetime import datetime
from importlib import resources

import duckdb
import pytest
from typer.testing import CliRunner

from dashboard import i18n
from pipelines import warehouse
from pipelines.cli import app
from tests.conftest import query, run_import, write
from tests.dashboard_helpers import PAGES, no_exception
from tests.dashboard_helpers import app as dashboard

X_HEADER = "Post id,Date,Post text,Link,Impressions,Likes,Replies,Reposts,Url clicks\n"
NEWEST_POST = datetime(2025, 2, 10)  # "Mon Feb 10 2025", the later of the two posts
TWEETS = X_HEADER + (
    "1888959709614682283,Mon Feb 10 2025,Hi,https://x.com/a/status/1,1,1,0,0,0\n"
    "1887000000000000000,Wed Feb 05 2025,Earlier,https://x.com/a/status/2,1,1,0,0,0\n"
)
A_LONG_TIME_AGO = datetime(2020, 1, 1, 12, 0).timestamp()


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    """No figures cached from another test's database; the command's tables unwrapped."""
    import streamlit as st

    from pipelines.commands import output

    st.cache_data.clear()
    for console in (output.console, output.errors):
        monkeypatch.setattr(console, "_width", 300)
    yield
    st.cache_data.clear()


@pytest.fixture
def undated_and_dated(db, tmp_path):
    """A file nothing dates (a plain name, a copy's modification time) and one imported
    with --exported-at."""
    undated = write(tmp_path, "my_tweets.csv", TWEETS)
    os.utime(undated, (A_LONG_TIME_AGO, A_LONG_TIME_AGO))
    first = run_import(db, undated)
    second = run_import(
        db,
        write(tmp_path, "more_tweets.csv", TWEETS.replace("Hi", "Hello")),
        exported_at=datetime(2025, 3, 1, 9, 0),
    )
    assert (first.exported_at_unknown, second.exported_at_unknown) == (True, False)
    return db


def test_the_history_keeps_whether_the_export_time_was_unknown(undated_and_dated):
    assert query(
        undated_and_dated,
        "select file_name, is_export_time_unknown from imports order by import_id",
    ) == [("my_tweets.csv", True), ("more_tweets.csv", False)]
    result = CliRunner().invoke(app, ["imports"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the table wraps its cells
    assert text.count("(unknown: the file's date)") == 1
    # the undated file: its modification time was in 2020, its newest post is later
    assert "2025-02-10 00:00:00 (unknown: the file's date)" in text
    assert "2025-03-01 09:00:00 │" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_data_page_history_says_which_export_time_was_unknown(undated_and_dated, lang):
    at = dashboard(lang).switch_page(PAGES["data"]).run()
    no_exception(at)
    column = i18n.t(lang, "col.exported_at")
    history = next(f.value for f in at.dataframe if column in f.value.columns)
    files = history[i18n.t(lang, "col.file")].tolist()
    exported = dict(zip(files, history[column], strict=True))
    assert exported == {
        "my_tweets.csv": i18n.t(lang, "data.exported_unknown", day=i18n.day(lang, NEWEST_POST)),
        "more_tweets.csv": i18n.day(lang, datetime(2025, 3, 1)),
    }


# never before the newest post ------------------------------------------------------------


def test_an_export_is_never_dated_before_the_newest_post_it_holds(db, tmp_path):
    # the name says the period ends on 3 February; the file holds a post of 10 February
    named = write(tmp_path, "account_analytics_content_20250101_20250203.csv", TWEETS)
    result = run_import(db, named)
    assert (result.exported_at, result.exported_at_unknown) == (NEWEST_POST, False)
    # nothing dates this copy, and its modification time is older than its posts
    copy = write(tmp_path, "copy.csv", TWEETS.replace("Hi", "Copy"))
    os.utime(copy, (A_LONG_TIME_AGO, A_LONG_TIME_AGO))
    result = run_import(db, copy)
    assert (result.exported_at, result.exported_at_unknown) == (NEWEST_POST, True)
    assert query(db, "select file_name, exported_at from imports order by import_id") == [
        (named.name, NEWEST_POST),
        ("copy.csv", NEWEST_POST),
    ]
    assert query(db, "select distinct exported_at from post_snapshots") == [(NEWEST_POST,)]


def test_a_period_ending_after_the_newest_post_is_kept(db, tmp_path):
    named = write(tmp_path, "account_analytics_content_20250101_20250228.csv", TWEETS)
    assert run_import(db, named).exported_at == datetime(2025, 2, 28)


# the migration ---------------------------------------------------------------------------


def test_migration_009_runs_twice_and_leaves_older_imports_unknown(db):
    sql = (
        resources.files("pipelines") / "sql" / "schema" / "009_export_time_unknown.sql"
    ).read_text(encoding="utf-8")
    with warehouse.writer(db) as con:
        con.execute("alter table imports drop column is_export_time_unknown")
        con.execute(
            "insert into imports (import_id, file_name, sha256, source, imported_at, "
            "rows_read, rows_loaded, rows_duplicate, rows_rejected) values "
            "(1, 'old.csv', 'x', 'x_posts', current_timestamp::timestamp, 1, 1, 0, 0)"
        )
        con.execute(sql)
        con.execute(sql)  # again: nothing changes, nothing fails
        columns = [r[0] for r in con.execute("describe imports").fetchall()]
    assert columns.count("is_export_time_unknown") == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select is_export_time_unknown from imports").fetchall() == [(None,)]
