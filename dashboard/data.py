"""Cached, read-only queries over the marts: all of the dashboard's SQL lives here.

- Every query opens a short read-only connection (``pipelines.warehouse.reader``) and binds
  its parameters; results are cached with ``st.cache_data`` for ``TTL`` seconds, keyed by
  the query, its parameters and the database file's modification time, so an import from
  the command line shows up at the next rerun.
- Small marts (events, channels, tier flow, retention, imports) are read whole and filtered
  in pandas outside the cache. Person-level marts are only aggregated in SQL or cut to the
  rows a page shows (the follow-up list; its CSV is streamed whole on request).
- The funnel for all time comes from ``mart_funnel``'s cells; within a period it is counted
  from the facts, because people must be counted distinctly within the window.
- A database busy with an import is waited for; when it stays busy the last data read is
  shown with a notice (``busy()``), never a lock error.
- Only marts are read, plus ``imports``/``rejects`` (Data page) and ``events`` (event picker).
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import streamlit as st

from pipelines import config, warehouse
from pipelines.errors import DatabaseBusy

TTL = 300  # seconds; the file's modification time invalidates sooner
WAIT_SECONDS = 20.0
LAST_KEPT = 300  # results kept to show while an import holds the database
STAGES = ("awareness", "engagement", "commitment", "action")
# one import at a time per process, and no reader while it writes (DuckDB refuses a
# read-write open in a process that has a read-only connection to the same file)
PROCESS_LOCK = threading.RLock()
_LAST: dict[tuple, pd.DataFrame] = {}
_BUSY = threading.local()
T = TypeVar("T")


class Unavailable(Exception):
    """The database could not be read even after waiting: the page says so politely."""


def db_path() -> Path:
    return config.database_path()


def _token(path: Path) -> tuple:
    """Changes whenever the file (or its write-ahead log) changes."""
    stamps = []
    for p in (path, path.with_name(path.name + ".wal")):
        stamps.append(p.stat().st_mtime_ns if p.exists() else 0)
    return tuple(stamps)


def _run(path: Path, sql: str, params: tuple) -> pd.DataFrame:
    return _read(path, lambda con: con.execute(sql, list(params)).df())


def _read(path: Path, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``work`` on a short read-only connection, waiting while an import holds the file."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        remaining = max(deadline - time.monotonic(), 0.1)
        if not PROCESS_LOCK.acquire(timeout=remaining):
            raise DatabaseBusy("busy")
        try:
            with warehouse.reader(path, wait=remaining) as con:
                return work(con)
        except duckdb.ConnectionException:
            # a writer in this same process (an upload) holds the file: wait for it
            if time.monotonic() >= deadline:
                raise DatabaseBusy("busy") from None
        finally:
            PROCESS_LOCK.release()
        time.sleep(0.05)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=500)
def _cached(path: str, token: tuple, sql: str, params: tuple) -> pd.DataFrame:
    return _run(Path(path), sql, params)


def frame(sql: str, params: tuple = ()) -> pd.DataFrame:
    """The query's result; the last one read if the database stays busy."""
    path = db_path()
    key = (str(path), sql, params)
    try:
        result = _cached(str(path), _token(path), sql, params)
    except DatabaseBusy:
        if key in _LAST:
            _BUSY.flag = True
            return _LAST[key].copy()
        raise Unavailable() from None
    _LAST.pop(key, None)
    _LAST[key] = result  # the newest last: the oldest are dropped beyond LAST_KEPT
    while len(_LAST) > LAST_KEPT:
        _LAST.pop(next(iter(_LAST)))
    return result.copy()


def stamp() -> tuple:
    """Changes whenever the database changes (what a result made from it is kept against)."""
    return _token(db_path())


def busy() -> bool:
    """Whether this run showed data from before a running import (and reset the flag)."""
    flag = getattr(_BUSY, "flag", False)
    _BUSY.flag = False
    return flag


@contextmanager
def writing():
    """Hold off this process's readers while an upload imports, then drop every cache."""
    with PROCESS_LOCK:
        yield
    st.cache_data.clear()


# state ------------------------------------------------------------------------------

STATE_SQL = """
    select (select count(*) from information_schema.tables where table_name = 'mart_funnel'),
           (select count(*) from imports)
"""


def state() -> str:
    """'missing' (no database file), 'empty' (nothing imported yet) or 'ready'."""
    if not db_path().exists():
        return "missing"
    row = frame(STATE_SQL).iloc[0]
    return "ready" if row.iloc[0] and row.iloc[1] else "empty"


# filters ----------------------------------------------------------------------------

OPTIONS_SQL = """
    -- the funnel mart's all-time cells name every campaign and channel of the facts
    select 'campaign' as kind, campaign as value from mart_funnel
    where period = 'all' and campaign not in ('(all)', '(none)')
    union select 'campaign', campaign from mart_event_gap where campaign is not null
    union select 'channel', channel from mart_funnel where period = 'all' and channel <> '(all)'
    order by kind, value
"""
RANGE_SQL = """
    with activity as (
        -- what happened up to now; the calendar's future events do not end a period
        select cast(occurred_at as date) as day from mart_funnel_facts
        where occurred_at <= current_timestamp::timestamp
    ),
    calendar as (select cast(starts_at as date) as day from mart_event_gap)
    select coalesce((select min(day) from activity), (select min(day) from calendar))
               as first_day,
           coalesce((select max(day) from activity), (select max(day) from calendar))
               as last_day
"""


def options() -> dict[str, list[str]]:
    df = frame(OPTIONS_SQL)
    return {kind: df.loc[df["kind"] == kind, "value"].tolist() for kind in ("campaign", "channel")}


def date_range() -> tuple:
    row = frame(RANGE_SQL).iloc[0]
    return row["first_day"], row["last_day"]


# funnel -----------------------------------------------------------------------------

FACT_FILTER = """
    (?::varchar is null or campaign = ?)
    and (?::varchar is null or channel = ?)
    and (?::timestamp is null or occurred_at >= ?)
    and (?::timestamp is null or occurred_at < ?)
"""
STAGES_SQL = """
    select * from (values ('awareness', 1), ('engagement', 2), ('commitment', 3),
                          ('action', 4)) as s (stage, stage_rank)
"""
# all time: the funnel mart already holds every campaign × channel cell, people counted
CELL_SQL = f"""
    with stages as ({STAGES_SQL}),
    cell as (select stage, interactions, people from mart_funnel
             where period = 'all' and campaign = ? and channel = ?)
    select s.stage, s.stage_rank, coalesce(c.interactions, 0) as interactions,
           coalesce(c.people, 0) as people
    from stages as s left join cell as c using (stage)
    order by s.stage_rank
"""
CELLS_BY_SQL = {  # the breakdown's cells: every value of one column, the other one fixed
    "channel": """
        select channel as group_value, stage, stage_rank, interactions, people
        from mart_funnel
        where period = 'all' and campaign = ? and channel <> '(all)'
          and (?::varchar is null or channel = ?)
        order by group_value, stage_rank
    """,
    "campaign": """
        select campaign as group_value, stage, stage_rank, interactions, people
        from mart_funnel
        where period = 'all' and channel = ? and campaign <> '(all)'
          and (?::varchar is null or campaign = ?)
        order by group_value, stage_rank
    """,
}
# a window: people are counted distinctly within it, so from the facts
FUNNEL_SQL = f"""
    with facts as (select * from mart_funnel_facts where {FACT_FILTER}),
    interactions as (
        select stage, sum(interactions) as n from facts group by stage
    ),
    tops as (
        select person_id, max(stage_rank) as top_rank from facts
        where person_id is not null group by person_id
    ),
    stages as ({STAGES_SQL})
    select s.stage, s.stage_rank,
           cast(coalesce(i.n, 0) as bigint) as interactions,
           (select count(*) from tops where top_rank >= s.stage_rank) as people
    from stages as s left join interactions as i using (stage)
    order by s.stage_rank
"""
# a window and a breakdown: the totals come in the same pass over the facts
FUNNEL_BY_SQL = f"""
    with facts as (select *, {{group}} as group_value from mart_funnel_facts
                   where {FACT_FILTER}),
    interactions as (
        select grouping(group_value) = 1 as is_total, group_value, stage,
               sum(interactions) as interactions
        from facts
        group by grouping sets ((group_value, stage), (stage))
    ),
    top_counts as (
        -- how many people reached each stage as their highest, per group and over all
        select is_total, group_value, top_rank, count(*) as n
        from (select grouping(group_value) = 1 as is_total, group_value,
                     max(stage_rank) as top_rank
              from facts where person_id is not null
              group by grouping sets ((group_value, person_id), (person_id)))
        group by all
    ),
    cells as (
        select distinct false as is_total, group_value from facts
        union all select true, null
    ),
    stages as ({STAGES_SQL}),
    people as (
        select c.is_total, c.group_value, s.stage, s.stage_rank, coalesce(sum(t.n), 0) as people
        from cells as c cross join stages as s
        left join top_counts as t on t.is_total = c.is_total
            and t.group_value is not distinct from c.group_value and t.top_rank >= s.stage_rank
        group by all
    )
    select p.is_total, p.group_value, p.stage, p.stage_rank,
           cast(coalesce(i.interactions, 0) as bigint) as interactions,
           cast(p.people as bigint) as people
    from people as p
    left join interactions as i on i.is_total = p.is_total
        and i.group_value is not distinct from p.group_value and i.stage = p.stage
    order by p.is_total, p.group_value, p.stage_rank
"""
GROUPS = {"channel": "channel", "campaign": "coalesce(campaign, '(none)')"}
TREND_SQL = """
    select period_start as month, stage, stage_rank, interactions, people from mart_funnel
    where period = 'month' and campaign = ? and channel = ?
    order by period_start, stage_rank
"""


def _filter_params(campaign, channel, since, until) -> tuple:
    return (campaign, campaign, channel, channel, since, since, until, until)


def funnel(campaign: str | None, channel: str | None, since: datetime | None,
           until: datetime | None, group: str | None = None) -> pd.DataFrame:
    """One row per stage: interactions and (cumulative) people, as the report counts them.
    Within a period, ``group`` reads them in one pass with that breakdown (``funnel_by``)."""
    if since is None and until is None:
        return frame(CELL_SQL, (campaign or "(all)", channel or "(all)"))
    if group is None:
        return frame(FUNNEL_SQL, _filter_params(campaign, channel, since, until))
    rows = _window_by(group, campaign, channel, since, until)
    return rows[rows["is_total"]].drop(columns=["is_total", "group_value"]).reset_index(
        drop=True)


def funnel_by(group: str, campaign, channel, since, until) -> pd.DataFrame:
    """One row per value of ``group`` (channel or campaign) and stage, within the filters."""
    if since is None and until is None:
        fixed, chosen = (campaign, channel) if group == "channel" else (channel, campaign)
        return frame(CELLS_BY_SQL[group], (fixed or "(all)", chosen, chosen))
    rows = _window_by(group, campaign, channel, since, until)
    return rows[~rows["is_total"]].drop(columns="is_total").reset_index(drop=True)


def _window_by(group: str, campaign, channel, since, until) -> pd.DataFrame:
    sql = FUNNEL_BY_SQL.replace("{group}", GROUPS[group])  # a fixed expression, not input
    return frame(sql, _filter_params(campaign, channel, since, until))


def trend(campaign: str | None, channel: str | None) -> pd.DataFrame:
    """Per month: interactions and people per stage (people counted within the month)."""
    return frame(TREND_SQL, (campaign or "(all)", channel or "(all)"))


# events -----------------------------------------------------------------------------

EVENTS_SQL = "select * from mart_event_gap order by starts_at nulls last, event_id"
EVENT_CHOICES_SQL = "select event_id, name, starts_at from events order by starts_at, event_id"


def events() -> pd.DataFrame:
    return frame(EVENTS_SQL)


def event_choices() -> pd.DataFrame:
    return frame(EVENT_CHOICES_SQL)


FORECAST_SQL = """
    select f.*, g.name, g.campaign
    from mart_event_forecast as f join mart_event_gap as g using (event_id)
    order by f.starts_at, f.event_id
"""
HAS_FORECAST_SQL = ("select count(*) as n from duckdb_tables() "
                    "where table_name = 'mart_event_forecast'")


def forecasts() -> pd.DataFrame:
    """Each event's forecast (refitted by every import); empty before the first such import."""
    if frame(HAS_FORECAST_SQL)["n"].iloc[0] == 0:
        return pd.DataFrame()
    return frame(FORECAST_SQL)


def within(df: pd.DataFrame, column: str, campaign, since, until) -> pd.DataFrame:
    """Rows of ``df`` in the campaign and the window [since, until): filtering outside the cache."""
    keep = pd.Series(True, index=df.index)
    if campaign is not None:
        keep &= df["campaign"] == campaign
    if since is not None:
        keep &= df[column] >= pd.Timestamp(since)
    if until is not None:
        keep &= df[column] < pd.Timestamp(until)
    return df[keep]


# people (campaign leads only) ----------------------------------------------------------

PYRAMID_SQL = """
    select tier, tier_rank, count(*) as people from mart_person_tiers
    group by tier, tier_rank order by tier_rank
"""
PYRAMID_AT_SQL = """
    -- where the people known by then stood at the end of the month the period ends in: each
    -- person-month is one move in the tier flow, counted under the tier it moved to
    with chosen as (
        select max(month) as month from mart_tier_flow
        where month <= cast(date_trunc('month', ?::timestamp) as date)
    )
    select month, to_tier as tier, to_rank as tier_rank, sum(count_people) as people
    from mart_tier_flow
    where month = (select month from chosen)
    group by all order by tier_rank
"""
TIER_FLOW_SQL = "select * from mart_tier_flow order by month, from_rank, to_rank"
RETENTION_SQL = "select * from mart_retention order by cohort_month, months_after"
FOLLOW_UP_LISTED = """
    select * from mart_follow_up
    where ?::varchar is null or person_id in (
        select person_id from mart_person_records where stage = 'commitment' and campaign = ?
    )
"""
FOLLOW_UP_SQL = f"""
    with listed as ({FOLLOW_UP_LISTED})
    select rank, probability, method, registrations, upcoming, signatures, days_since_last,
           action_network_uuid, mobilize_user_id, eventbrite_attendee_number,
           zoom_registrant_email_hash
    from listed
    order by rank
    limit ?
"""
FOLLOW_UP_COUNT_SQL = f"with listed as ({FOLLOW_UP_LISTED}) select count(*) as n from listed"
# a cell a spreadsheet would run as a formula gets an apostrophe, as in ui.csv_bytes
SAFE_CELL = r"""case when regexp_matches({c}, '^[=+\-@\t\r]') then '''' || {c} else {c} end"""
FOLLOW_UP_CSV_SQL = f"""
    with listed as ({FOLLOW_UP_LISTED})
    select rank, probability, registrations, signatures,
           cast(round(days_since_last) as integer) as days_since_last,
           {SAFE_CELL.format(c="action_network_uuid")},
           {SAFE_CELL.format(c="mobilize_user_id")},
           {SAFE_CELL.format(c="eventbrite_attendee_number")},
           {SAFE_CELL.format(c="zoom_registrant_email_hash")},
           {SAFE_CELL.format(c="method")}
    from listed
    order by rank
"""
FOLLOW_UP_SHOWN = 500  # rows on the page; the CSV download holds the whole list
CSV_BATCH_ROWS = 50_000


def pyramid(until: datetime | None = None) -> pd.DataFrame:
    """People per tier: now, or (with ``month``) at the end of the last month with data of a
    period that ends before ``until``."""
    if until is None:
        return frame(PYRAMID_SQL)
    return frame(PYRAMID_AT_SQL, (until - timedelta(days=1),))


def tier_flow() -> pd.DataFrame:
    return frame(TIER_FLOW_SQL)


def retention() -> pd.DataFrame:
    return frame(RETENTION_SQL)


def follow_up(campaign: str | None, limit: int | None = None) -> pd.DataFrame:
    """The first ``limit`` (``FOLLOW_UP_SHOWN``) people who committed but never acted, most
    likely to act first; source ids only. ``follow_up_count`` counts the whole list."""
    return frame(FOLLOW_UP_SQL, (campaign, campaign, limit or FOLLOW_UP_SHOWN))


def follow_up_count(campaign: str | None) -> int:
    return int(frame(FOLLOW_UP_COUNT_SQL, (campaign, campaign))["n"].iloc[0])


def follow_up_csv(campaign: str | None, headers: list[str]) -> bytes:
    """The whole follow-up list as CSV under ``headers`` (the page's column names, in its
    order), written batch by batch from DuckDB's Arrow stream."""
    def write(con: duckdb.DuckDBPyConnection) -> bytes:
        batches = con.cursor().sql(FOLLOW_UP_CSV_SQL, params=[campaign, campaign]).to_arrow_reader(
            CSV_BATCH_ROWS)
        schema = pa.schema([f.with_name(h) for f, h in zip(batches.schema, headers,
                                                              strict=True)])
        sink = io.BytesIO()
        sink.write("\ufeff".encode())  # the BOM lets Excel read accents
        with pa_csv.CSVWriter(sink, schema) as writer:
            for batch in batches:
                writer.write_batch(batch.rename_columns(headers))
        return sink.getvalue()

    return _read(db_path(), write)


# channels ---------------------------------------------------------------------------

CHANNELS_SQL = "select * from mart_channels order by count_acted desc, first_channel"


def channels() -> pd.DataFrame:
    return frame(CHANNELS_SQL)


# data page --------------------------------------------------------------------------

IMPORTS_SQL = "select * from mart_import_quality order by import_id desc"
REJECTS_SQL = """
    select r.import_id, i.file_name, r.line, r.column_name, r.reason
    from rejects as r join imports as i using (import_id)
    order by r.import_id desc, r.line
"""
QUALITY_SQL = "select check_name, count_found from mart_data_quality order by check_name"


def imports() -> pd.DataFrame:
    return frame(IMPORTS_SQL)


def rejects() -> pd.DataFrame:
    return frame(REJECTS_SQL)


def quality() -> pd.DataFrame:
    return frame(QUALITY_SQL)


# key figures (pure: from frames already read) ---------------------------------------------

def event_figures(event_rows: pd.DataFrame) -> dict:
    """The key figures made of events alone: show-up and "going" conversion, with their parts."""
    with_data = event_rows[event_rows["has_attendance_data"].fillna(False).astype(bool)]
    registered = int(with_data["registered"].sum())
    came = int(with_data["registered_attended"].fillna(0).sum())
    both = event_rows[event_rows["attended"].notna() & (event_rows["facebook_going"] > 0)]
    going = int(both["facebook_going"].sum())
    return {
        "show_up": came / registered if registered else None,
        "going_conversion": int(both["attended"].sum()) / going if going else None,
        "parts": {"show_up": (registered, came, registered - came),
                  "going_conversion": (int(both["attended"].sum()), going)},
    }


def key_figures(funnel_rows: pd.DataFrame, event_rows: pd.DataFrame) -> dict:
    """The Overview's figures, as METRICS.md and `turnout report` define them."""
    interactions = dict(zip(funnel_rows["stage"], funnel_rows["interactions"], strict=True))
    people = dict(zip(funnel_rows["stage"], funnel_rows["people"], strict=True))
    committed, acted = int(people["commitment"]), int(people["action"])
    events = event_figures(event_rows)
    return {
        "reached": int(interactions["awareness"]),
        "engaged": int(interactions["engagement"]),
        "actions": int(interactions["action"]),
        "committed": committed,
        "acted": acted,
        "slacktivism": (committed - acted) / committed if committed else None,
        "show_up": events["show_up"],
        "going_conversion": events["going_conversion"],
        "per_1000": 1000 * int(interactions["action"]) / int(interactions["engagement"])
        if int(interactions["engagement"]) else None,
        # the counts each share is made of: the board sees a share only if none is 1–4
        "parts": {"slacktivism": (committed, acted, committed - acted),
                  **events["parts"],
                  "per_1000": (int(interactions["action"]),)},
    }
