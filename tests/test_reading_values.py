"""Every value of a file is read the same way, however strange: a count out of range is one
rejected row, time zones and summer time become Montréal's wall time, and dates outside a
plausible window are rejected (an event may be scheduled ahead, not a century ahead)."""

from __future__ import annotations

import functools

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import staging
from pipelines.sources import Field
from tests.conftest import query, run_import, write

# numbers ---------------------------------------------------------------------------------

GOOD_COUNTS = [f"rally-1,2026-02-0{day} 10:00,{200 + day}" for day in range(1, 6)]


def test_an_out_of_range_count_is_one_rejected_row(rally_db, tmp_path):
    rows = [
        "rally-1,2026-03-01 11:00,99999999999999999999",
        "rally-1,2026-03-01 12:00,1e308",
        "rally-1,2026-03-01 13:00,inf",
        "rally-1,2026-03-01 14:00,nan",
    ] + GOOD_COUNTS
    path = write(tmp_path, "counts.csv", "event_id,snapshot_at,going\n" + "\n".join(rows) + "\n")
    result = run_import(rally_db, path, source="facebook_event_counts")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (9, 5, 4)
    assert [(r["line"], r["column"], r["code"]) for r in result.rejects] == [
        (line, "going", "row.number_out_of_range") for line in (2, 3, 4, 5)
    ]
    assert query(rally_db, "select sum(going) from facebook_event_snapshots") == [(1015,)]


# dates -----------------------------------------------------------------------------------


def test_time_zone_offsets_become_montreal_wall_time(rally_db, tmp_path):
    # the same moment, 23:30 UTC = 18:30 in Montréal in March (EST, UTC-5), four ways
    rows = [
        "2026-03-02 04:30+05:00",
        "2026-03-01T23:30:00Z",
        "2026-03-01 18:30 EST",
        "2026-03-01 18:30:00-05:00",
    ]
    text = "event_id,snapshot_at,going\n" + "".join(
        f"rally-{i},{when},{10 + i}\n" for i, when in enumerate(rows, start=1)
    )
    run_import(
        rally_db,
        write(
            tmp_path,
            "calendar2.csv",
            "event_id,name,starts_at\n"
            + "".join(f"rally-{i},Rally {i},2026-03-05 18:30\n" for i in range(2, 5)),
        ),
    )
    result = run_import(
        rally_db, write(tmp_path, "counts.csv", text), source="facebook_event_counts"
    )
    assert result.rows_loaded == 4
    stored = query(rally_db, "select distinct snapshot_at from facebook_event_snapshots")
    assert [str(when) for (when,) in stored] == ["2026-03-01 18:30:00"]


def test_dates_outside_a_plausible_window_are_rejected(rally_db, tmp_path):
    rows = [
        "rally-1,0000-01-01,5",
        "rally-1,1999-12-31 23:00,6",
        "rally-1,9999-12-31,1",
        "rally-1,2026-03-01 10:00,223",
    ] + GOOD_COUNTS
    text = "event_id,snapshot_at,going\n" + "\n".join(rows) + "\n"
    result = run_import(
        rally_db, write(tmp_path, "counts.csv", text), source="facebook_event_counts"
    )
    assert (result.rows_loaded, result.rows_rejected) == (6, 3)
    assert [(r["line"], r["code"]) for r in result.rejects] == [
        (2, "row.date_out_of_range"),
        (3, "row.date_out_of_range"),
        (4, "row.date_in_future"),
    ]
    # the snapshot dated 9999 never becomes "the latest": going stays 223 (2026-03-01's)
    assert query(
        rally_db, "select facebook_going from mart_event_gap where event_id = 'rally-1'"
    ) == [(223,)]


def test_an_event_may_be_scheduled_ahead_but_not_a_century_ahead(db, tmp_path):
    text = "event_id,name,starts_at\nsoon,Soon,{soon}\nlater,Later,2099-03-05 18:30\n"
    soon = query(db, "select strftime(current_date + interval 60 day, '%Y-%m-%d 18:30')")[0][0]
    result = run_import(db, write(tmp_path, "calendar.csv", text.format(soon=soon)))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert result.rejects[0]["code"] == "row.date_out_of_range"


@pytest.mark.parametrize(
    ("written", "montreal"),
    [
        ("2026-07-05 18:30 EDT", "2026-07-05 18:30:00"),  # summer: Montréal is on EDT itself
        ("2026-07-05 18:30 NDT", "2026-07-05 17:00:00"),  # Newfoundland, UTC-2:30
        ("2026-07-05 18:30 PST", "2026-07-05 22:30:00"),  # UTC-8: 02:30 UTC, 22:30 EDT
        ("2026-07-05T22:30:00Z", "2026-07-05 18:30:00"),
        ("2026-07-05 18:30", "2026-07-05 18:30:00"),  # no zone: kept as written
    ],
)
def test_named_zones_and_summer_time(written, montreal):
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    staging.install_macros(con)
    assert (
        str(con.execute("select turnout_timestamp(?, false)", [written]).fetchone()[0]) == montreal
    )


ZONES = ("", "Z", "z", "+05:00", "-0400", "-04", " EST", " EDT", " NDT", " UTC", " America/Toronto")
WRITTEN = st.builds(
    lambda at, form, zone, space: f"{space}{at.strftime(form)}{zone}{space}",
    st.datetimes(),
    st.sampled_from(
        [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S.%f",
            "%Y-%m-%d",
            "%d/%m/%Y %H:%M",
            "%m-%d-%y",
            "%Y-%m-%d %H:%M:%S,%f",
        ]
    ),
    st.sampled_from(ZONES),
    st.sampled_from(["", " "]),
)


@settings(max_examples=300, deadline=None)
@given(written=st.one_of(WRITTEN, st.text(alphabet="0123456789-:T .Z+/", max_size=30)))
def test_a_time_is_read_as_every_way_of_writing_it_reads_it(written):
    """The shortcut for times written 2026-10-05 18:30:00 gives what reading the text in
    any of its forms gives (turnout_timestamp_in_any_form), zone or not."""
    quick, slow = (
        _shared_macros()
        .execute(
            "select turnout_timestamp(?, false), turnout_timestamp_in_any_form(?, false)",
            [written, written],
        )
        .fetchone()
    )
    assert quick == slow


@pytest.mark.parametrize(
    ("written", "day_first"),
    [("13/02/2026", True), ("02/13/2026", False), (" 13.02.2026 18:30", True)],
)
def test_day_first_is_decided_from_slash_dates_among_iso_times(written, day_first):
    con = _macros()
    con.execute(
        "create table raw as "
        "select * from (values ('2026-02-14 10:00:00'), (?), (null)) as t(c001)",
        [written],
    )
    column = staging.Column(Field("occurred_at", ("Timestamp",), "timestamp"), "c001", "Timestamp")
    assert staging.decide_day_first(con, [column], ",") is day_first


@functools.cache
def _shared_macros() -> duckdb.DuckDBPyConnection:
    return _macros()


def _macros() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    staging.install_macros(con)
    return con
