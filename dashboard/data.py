"""Cached, read-only queries over the marts; their SQL is in ``queries.py``.

- Every query opens a short read-only connection (``pipelines.warehouse.reader``) and binds
  its parameters; results are cached with ``st.cache_data`` for ``TTL`` seconds, keyed by
  the query, its parameters and the database file's modification time, so an import from
  the command line shows up at the next rerun.
- Small marts (events, channels, tier flow, retention, imports) are read whole and filtered
  in pandas outside the cache. Person-level marts are only aggregated in SQL or cut to the
  rows a page shows (the follow-up list; its CSV is streamed whole on request).
- The funnel for all time comes from ``mart_funnel``'s cells; within a period it is counted
  from the facts, because people must be counted distinctly within the window. Both are
  ``pipelines.funnel``'s SQL, the report's own, and come with their rates (slacktivism
  index, actions per 1,000 engagements): the key figures read them, never recompute them.
- A database busy with an import is waited for; when it stays busy the last data read is
  shown with a notice (``busy()``), never a lock error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from dashboard import queries, units
from pipelines import config, spreadsheet, warehouse
from pipelines import funnel as funnel_sql
from pipelines.errors import DatabaseBusy

TTL = 300  # seconds; the file's modification time invalidates sooner
WAIT_SECONDS = 20.0
LAST_KEPT = 300  # results kept to show while an import holds the database
STAGES = ("awareness", "engagement", "commitment", "action")
# one import at a time per process, and no reader while it writes (DuckDB refuses a
# read-write open in a process that has a read-only connection to the same file)
PROCESS_LOCK = threading.RLock()
_LAST: dict[tuple[str, str, tuple[object, ...]], pd.DataFrame] = {}
_BUSY = threading.local()
T = TypeVar("T")


class Unavailable(Exception):
    """The database could not be read even after waiting: the page says so politely."""


def db_path() -> Path:
    return config.database_path()


def _token(path: Path) -> tuple[int, ...]:
    """Changes whenever the file (or its write-ahead log) changes."""
    stamps = []
    for p in (path, path.with_name(path.name + ".wal")):
        stamps.append(p.stat().st_mtime_ns if p.exists() else 0)
    return tuple(stamps)


def _run(path: Path, sql: str, params: tuple[object, ...], rates: bool = False) -> pd.DataFrame:
    def work(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        if rates:  # the funnel's rates are the marts' macros
            funnel_sql.install(con)
        return con.execute(sql, list(params)).df()

    return _read(path, work)


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
def _cached(
    path: str, token: tuple[int, ...], sql: str, params: tuple[object, ...], rates: bool
) -> pd.DataFrame:
    return _run(Path(path), sql, params, rates)


def frame(sql: str, params: tuple[object, ...] = (), rates: bool = False) -> pd.DataFrame:
    """The query's result; the last one read if the database stays busy. ``rates``: the
    query uses the marts' macros (``pipelines.funnel``)."""
    path = db_path()
    key = (str(path), sql, params)
    try:
        result = _cached(str(path), _token(path), sql, params, rates)
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


def stamp() -> tuple[int, ...]:
    """Changes whenever the database changes (what a result made from it is kept against)."""
    return _token(db_path())


def busy() -> bool:
    """Whether this run showed data from before a running import (and reset the flag)."""
    flag = getattr(_BUSY, "flag", False)
    _BUSY.flag = False
    return flag


@contextmanager
def writing() -> Iterator[None]:
    """Hold off this process's readers while an upload imports, then drop every cache."""
    with PROCESS_LOCK:
        yield
    st.cache_data.clear()


# state ------------------------------------------------------------------------------


def state() -> str:
    """'missing' (no database file), 'empty' (nothing imported yet) or 'ready'."""
    if not db_path().exists():
        return "missing"
    row = frame(queries.STATE_SQL).iloc[0]
    return "ready" if row.iloc[0] and row.iloc[1] else "empty"


def pending_files() -> int:
    """Imported files whose rows are not in the marts yet (an interrupted refresh)."""
    return int(frame(queries.PENDING_SQL)["files"].iloc[0])


# filters ----------------------------------------------------------------------------


def options() -> dict[str, list[str]]:
    df = frame(queries.OPTIONS_SQL)
    return {kind: df.loc[df["kind"] == kind, "value"].tolist() for kind in ("campaign", "channel")}


def date_range() -> tuple[pd.Timestamp, pd.Timestamp]:
    row = frame(queries.RANGE_SQL).iloc[0]
    return row["first_day"], row["last_day"]


# funnel -----------------------------------------------------------------------------


def funnel(
    campaign: str | None,
    channel: str | None,
    since: datetime | None,
    until: datetime | None,
    group: str | None = None,
) -> pd.DataFrame:
    """One row per stage: interactions and (cumulative) people, as the report counts them,
    with the funnel's rates on every row. Within a period, ``group`` reads them in one pass
    with that breakdown (``funnel_by``)."""
    if since is None and until is None:
        rows = frame(funnel_sql.CELL_SQL, (campaign or "(all)", channel or "(all)"), rates=True)
    else:
        rows = _window_by(group, campaign, channel, since, until)
    return rows[rows["is_total"]].drop(columns=["is_total", "group_value"]).reset_index(drop=True)


def funnel_by(
    group: str,
    campaign: str | None,
    channel: str | None,
    since: datetime | None,
    until: datetime | None,
) -> pd.DataFrame:
    """One row per value of ``group`` (channel or campaign) and stage, within the filters."""
    if since is None and until is None:
        fixed, chosen = (campaign, channel) if group == "channel" else (channel, campaign)
        return frame(queries.CELLS_BY_SQL[group], (fixed or "(all)", chosen, chosen))
    rows = _window_by(group, campaign, channel, since, until)
    return rows[~rows["is_total"]].drop(columns="is_total").reset_index(drop=True)


def _window_by(
    group: str | None,
    campaign: str | None,
    channel: str | None,
    since: datetime | None,
    until: datetime | None,
) -> pd.DataFrame:
    return frame(
        funnel_sql.window_sql(group),
        tuple(funnel_sql.params(campaign, channel, since, until)),
        rates=True,
    )


def trend(campaign: str | None, channel: str | None) -> pd.DataFrame:
    """Per month: interactions and people per stage (people counted within the month)."""
    return frame(queries.TREND_SQL, (campaign or "(all)", channel or "(all)"))


# events -----------------------------------------------------------------------------


def events() -> pd.DataFrame:
    return frame(queries.EVENTS_SQL)


def event_choices() -> pd.DataFrame:
    return frame(queries.EVENT_CHOICES_SQL)


def event_attendance(event_id: str) -> pd.DataFrame:
    """Who came to one event: each listed person's attendance and source ids."""
    return frame(queries.EVENT_ATTENDANCE_SQL, (event_id,))


def forecasts() -> pd.DataFrame:
    """Each event's forecast (refitted by every import); empty before the first such import."""
    if frame(queries.HAS_FORECAST_SQL)["n"].iloc[0] == 0:
        return pd.DataFrame()
    return frame(queries.FORECAST_SQL)


def within(
    df: pd.DataFrame,
    column: str,
    campaign: str | None,
    since: datetime | None,
    until: datetime | None,
) -> pd.DataFrame:
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

FOLLOW_UP_SHOWN = 500  # rows on the page; the CSV download holds the whole list
CSV_BATCH_ROWS = 50_000


def pyramid(until: datetime | None = None) -> pd.DataFrame:
    """People per tier: now, or (with ``month``) at the end of the last month with data of a
    period that ends before ``until``."""
    if until is None:
        return frame(queries.PYRAMID_SQL)
    return frame(queries.PYRAMID_AT_SQL, (until - timedelta(days=1),))


def tier_flow() -> pd.DataFrame:
    return frame(queries.TIER_FLOW_SQL)


def retention() -> pd.DataFrame:
    return frame(queries.RETENTION_SQL)


def follow_up(campaign: str | None, limit: int | None = None) -> pd.DataFrame:
    """The first ``limit`` (``FOLLOW_UP_SHOWN``) people who committed but never acted, most
    likely to act first; source ids only. ``follow_up_count`` counts the whole list."""
    return frame(queries.FOLLOW_UP_SQL, (campaign, campaign, limit or FOLLOW_UP_SHOWN))


def follow_up_count(campaign: str | None) -> int:
    return int(frame(queries.FOLLOW_UP_COUNT_SQL, (campaign, campaign))["n"].iloc[0])


def follow_up_csv(campaign: str | None, headers: list[str], dialect: str = "fr") -> bytes:
    """The whole follow-up list as CSV under ``headers`` (the page's column names, in its
    order) in the spreadsheet ``dialect``, written batch by batch from DuckDB's Arrow stream."""

    def write(con: duckdb.DuckDBPyConnection) -> bytes:
        result = con.cursor().sql(queries.FOLLOW_UP_CSV_SQL, params=[campaign, campaign])
        return spreadsheet.arrow_bytes(
            result.to_arrow_reader(CSV_BATCH_ROWS), headers, spreadsheet.dialect(dialect)
        )

    return _read(db_path(), write)


# channels ---------------------------------------------------------------------------


def channels() -> pd.DataFrame:
    return frame(queries.CHANNELS_SQL)


# data page --------------------------------------------------------------------------


def imports() -> pd.DataFrame:
    return frame(queries.IMPORTS_SQL)


def key_replacements() -> pd.DataFrame:
    return frame(queries.KEY_REPLACED_SQL)


def rejects() -> pd.DataFrame:
    return frame(queries.REJECTS_SQL)


def quality() -> pd.DataFrame:
    return frame(queries.QUALITY_SQL)


# key figures (pure: from frames already read) ---------------------------------------------


def event_figures(event_rows: pd.DataFrame) -> dict[str, float | None]:
    """The key figures made of events alone: show-up and "going" conversion."""
    with_data = event_rows[event_rows["has_attendance_data"].fillna(False).astype(bool)]
    registered = int(with_data["registered"].sum())
    came = int(with_data["registered_attended"].fillna(0).sum())
    both = event_rows[event_rows["attended"].notna() & (event_rows["facebook_going"] > 0)]
    going = int(both["facebook_going"].sum())
    return {
        "show_up": came / registered if registered else None,
        "going_conversion": int(both["attended"].sum()) / going if going else None,
    }


def key_figures(funnel_rows: pd.DataFrame, event_rows: pd.DataFrame) -> dict[str, float | None]:
    """The Overview's figures, as METRICS.md and `turnout report` define them; each count is
    read from the funnel column its unit names (``units.FIGURES``), each rate from the
    funnel's rate columns (``pipelines.funnel``)."""
    by_stage = funnel_rows.set_index("stage").to_dict()  # {column: {stage: value}}
    counted = {
        name: int(by_stage[unit][stage])
        for name, (unit, stage) in units.FIGURES.items()
        if stage is not None
    }
    rates: pd.Series | dict[str, Any] = funnel_rows.iloc[0] if len(funnel_rows) else {}
    events = event_figures(event_rows)
    return {
        **counted,
        "slacktivism": _number(rates.get("slacktivism_index")),
        "show_up": events["show_up"],
        "going_conversion": events["going_conversion"],
        "per_1000": _number(rates.get("actions_per_1000_engagements")),
    }


def _number(value: float | None) -> float | None:
    """A rate as read from a frame: None for SQL's null (NaN in pandas)."""
    return None if value is None or pd.isna(value) else float(value)
