"""The report: pure functions from a read-only connection to plain dicts.

Every number is read from the marts (see docs/metrics.md); these functions only
filter them (campaign, dates: always bound parameters) and shape the result. A
database whose marts were never built (nothing imported yet) gives zeros and nulls.
``to_json`` writes the result as `turnout report --format json` prints it;
``report_formats`` writes it as CSV files or a table for the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from pipelines import funnel as funnel_sql
from pipelines import warehouse

STAGES = ("awareness", "engagement", "commitment", "action")
EVENT_KEYS = (
    "event_id",
    "name",
    "starts_at",
    "facebook_going",
    "facebook_interested",
    "registered",
    "attended",
    "no_show",
    "attendance_unknown",
    "walk_ins",
    "show_up_rate",
    "facebook_going_conversion",
    "attendance_coverage",
)
EVENT_EXTRA = (
    "campaign",
    "kind",
    "is_online",
    "weekday",
    "has_attendance_data",
    "show_up_rate_low",
    "show_up_rate_high",
)


def parse_bound(text: str | None, end: bool = False) -> datetime | None:
    """A --since/--until value: a date (whole day) or a date and time."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    if end and len(text) <= 10:  # a bare date: --until includes that whole day
        return value + timedelta(days=1)
    return value


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return (
        warehouse.scalar(
            con, "select count(*) from information_schema.tables where table_name = ?", [table]
        )
        > 0
    )


def _rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _iso(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


RATES = ("slacktivism_index", "slacktivism_low", "slacktivism_high", "actions_per_1000_engagements")


def funnel(
    con: duckdb.DuckDBPyConnection,
    campaign: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Interactions and people per stage (people cumulative: that stage or higher), the
    funnel's rates and the anonymous attendees, as ``pipelines.funnel`` counts them."""
    interactions = dict.fromkeys(STAGES, 0)
    people = dict.fromkeys(STAGES, 0)
    result: dict[str, Any] = {
        "interactions": interactions,
        "people": people,
        "anonymous_attendees": 0,
        **dict.fromkeys(RATES),
    }
    if not _has(con, "mart_funnel_facts"):
        return result
    funnel_sql.install(con)
    if campaign is None and since is None and until is None and _has(con, "mart_funnel"):
        rows = _rows(con, funnel_sql.CELL_SQL, ["(all)", "(all)"])  # the whole campaign
    else:
        rows = _rows(
            con, funnel_sql.window_sql(None), funnel_sql.params(campaign, None, since, until)
        )
    for row in (r for r in rows if r["is_total"]):
        interactions[row["stage"]] = int(row["interactions"])
        people[row["stage"]] = int(row["people"])
        result |= {rate: row[rate] for rate in RATES}
    result["anonymous_attendees"] = int(
        warehouse.scalar(
            con, funnel_sql.ANONYMOUS_SQL, funnel_sql.params(campaign, None, since, until)
        )
    )
    return result


def events(
    con: duckdb.DuckDBPyConnection,
    campaign: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict[str, Any]]:
    """The RSVP gap of every event starting in the window, by start time then id."""
    if not _has(con, "mart_event_gap"):
        return []
    rows = _rows(
        con,
        f"""
        select {", ".join(EVENT_KEYS + EVENT_EXTRA)} from mart_event_gap
        where (?::varchar is null or campaign = ?)
          and (?::timestamp is null or starts_at >= ?)
          and (?::timestamp is null or starts_at < ?)
        order by starts_at nulls last, event_id
    """,
        [campaign, campaign, since, since, until, until],
    )
    return [{key: _iso(value) for key, value in row.items()} for row in rows]


def imports(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = warehouse.one_row(
        con,
        """
        select count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0),
               coalesce(sum(rows_rejected), 0)
        from imports
    """,
    )
    return dict(
        zip(
            ("files", "rows_read", "rows_loaded", "rows_rejected"),
            (int(v) for v in row),
            strict=True,
        )
    )


def _mart_list(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> list[dict[str, Any]]:
    if not _has(con, table):
        return []
    return [{k: _iso(v) for k, v in row.items()} for row in _rows(con, sql)]


def pyramid(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _mart_list(
        con,
        "mart_person_tiers",
        """
        select tier, tier_rank, count(*) as people from mart_person_tiers
        group by tier, tier_rank order by tier_rank
    """,
    )


def channels(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _mart_list(
        con,
        "mart_channels",
        """
        select first_channel as channel, count_people as people,
               count_committed as committed, count_acted as acted, slacktivism_index,
               slacktivism_low, slacktivism_high
        from mart_channels order by count_acted desc, first_channel
    """,
    )


def retention(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _mart_list(
        con,
        "mart_retention",
        """
        select cohort_month, months_after, cohort_size, count_acting, share_acting
        from mart_retention order by cohort_month, months_after
    """,
    )


def time_to_action(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    if not _has(con, "mart_person_milestones"):
        return {"people": 0, "median_days": None}
    people, median = warehouse.one_row(
        con,
        """
        select count(days_commitment_to_action), median(days_commitment_to_action)
        from mart_person_milestones
    """,
    )
    return {"people": int(people), "median_days": median}


def data_quality(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    rows = _mart_list(
        con,
        "mart_data_quality",
        "select check_name, count_found from mart_data_quality order by check_name",
    )
    return {row["check_name"]: row["count_found"] for row in rows}


def build(
    con: duckdb.DuckDBPyConnection,
    campaign: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The whole report: METRICS.md's JSON object, plus extra sections."""
    counts = funnel(con, campaign, since, until)
    return {
        "campaign": campaign,
        "since": _iso(since),
        "until": _iso(until),
        "funnel": {"interactions": counts["interactions"], "people": counts["people"]},
        "slacktivism_index": counts["slacktivism_index"],
        "slacktivism_interval": [counts["slacktivism_low"], counts["slacktivism_high"]],
        "actions_per_1000_engagements": counts["actions_per_1000_engagements"],
        "anonymous_attendees": counts["anonymous_attendees"],
        "events": events(con, campaign, since, until),
        "imports": imports(con),
        "pyramid": pyramid(con),
        "channels": channels(con),
        "retention": retention(con),
        "time_to_action": time_to_action(con),
        "data_quality": data_quality(con),
    }


def to_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, default=_iso)
