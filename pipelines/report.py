"""The report: pure functions from a read-only connection to plain dicts.

Every number is read from the marts (see docs/metrics.md); these functions only
filter them (campaign, dates: always bound parameters) and shape the result. A
database whose marts were never built (nothing imported yet) gives zeros and nulls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines import funnel as funnel_sql
from pipelines import spreadsheet, warehouse
from pipelines.terminal import safe

if TYPE_CHECKING:
    from rich.console import Console

STAGES = ("awareness", "engagement", "commitment", "action")
EVENT_KEYS = ("event_id", "name", "starts_at", "facebook_going", "facebook_interested",
              "registered", "attended", "no_show", "attendance_unknown", "walk_ins",
              "show_up_rate", "facebook_going_conversion", "attendance_coverage")
EVENT_EXTRA = ("campaign", "kind", "is_online", "weekday", "has_attendance_data",
               "show_up_rate_low", "show_up_rate_high")


def parse_bound(text: str | None, end: bool = False) -> datetime | None:
    """A --since/--until value: a date (whole day) or a date and time."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    if end and len(text) <= 10:  # a bare date: --until includes that whole day
        return value + timedelta(days=1)
    return value


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return warehouse.scalar(
        con, "select count(*) from information_schema.tables where table_name = ?", [table]) > 0


def _rows(con: duckdb.DuckDBPyConnection, sql: str,
          params: Sequence[object] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _iso(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


RATES = ("slacktivism_index", "slacktivism_low", "slacktivism_high",
         "actions_per_1000_engagements")


def funnel(con: duckdb.DuckDBPyConnection, campaign: str | None = None,
           since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
    """Interactions and people per stage (people cumulative: that stage or higher), the
    funnel's rates and the anonymous attendees, as ``pipelines.funnel`` counts them."""
    interactions = dict.fromkeys(STAGES, 0)
    people = dict.fromkeys(STAGES, 0)
    result: dict[str, Any] = {"interactions": interactions, "people": people,
                              "anonymous_attendees": 0, **dict.fromkeys(RATES)}
    if not _has(con, "mart_funnel_facts"):
        return result
    funnel_sql.install(con)
    if campaign is None and since is None and until is None and _has(con, "mart_funnel"):
        rows = _rows(con, funnel_sql.CELL_SQL, ["(all)", "(all)"])  # the whole campaign
    else:
        rows = _rows(con, funnel_sql.window_sql(None),
                     funnel_sql.params(campaign, None, since, until))
    for row in (r for r in rows if r["is_total"]):
        interactions[row["stage"]] = int(row["interactions"])
        people[row["stage"]] = int(row["people"])
        result |= {rate: row[rate] for rate in RATES}
    result["anonymous_attendees"] = int(warehouse.scalar(
        con, funnel_sql.ANONYMOUS_SQL, funnel_sql.params(campaign, None, since, until)))
    return result


def events(con: duckdb.DuckDBPyConnection, campaign: str | None = None,
           since: datetime | None = None, until: datetime | None = None) -> list[dict[str, Any]]:
    """The RSVP gap of every event starting in the window, by start time then id."""
    if not _has(con, "mart_event_gap"):
        return []
    rows = _rows(con, f"""
        select {', '.join(EVENT_KEYS + EVENT_EXTRA)} from mart_event_gap
        where (?::varchar is null or campaign = ?)
          and (?::timestamp is null or starts_at >= ?)
          and (?::timestamp is null or starts_at < ?)
        order by starts_at nulls last, event_id
    """, [campaign, campaign, since, since, until, until])
    return [{key: _iso(value) for key, value in row.items()} for row in rows]


def imports(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = warehouse.one_row(con, """
        select count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0),
               coalesce(sum(rows_rejected), 0)
        from imports
    """)
    return dict(zip(("files", "rows_read", "rows_loaded", "rows_rejected"),
                    (int(v) for v in row), strict=True))


def _mart_list(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> list[dict[str, Any]]:
    if not _has(con, table):
        return []
    return [{k: _iso(v) for k, v in row.items()} for row in _rows(con, sql)]


def pyramid(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _mart_list(con, "mart_person_tiers", """
        select tier, tier_rank, count(*) as people from mart_person_tiers
        group by tier, tier_rank order by tier_rank
    """)


def channels(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _mart_list(con, "mart_channels", """
        select first_channel as channel, count_people as people,
               count_committed as committed, count_acted as acted, slacktivism_index,
               slacktivism_low, slacktivism_high
        from mart_channels order by count_acted desc, first_channel
    """)


def retention(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _mart_list(con, "mart_retention", """
        select cohort_month, months_after, cohort_size, count_acting, share_acting
        from mart_retention order by cohort_month, months_after
    """)


def time_to_action(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    if not _has(con, "mart_person_milestones"):
        return {"people": 0, "median_days": None}
    people, median = warehouse.one_row(con, """
        select count(days_commitment_to_action), median(days_commitment_to_action)
        from mart_person_milestones
    """)
    return {"people": int(people), "median_days": median}


def data_quality(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    rows = _mart_list(con, "mart_data_quality",
                      "select check_name, count_found from mart_data_quality order by check_name")
    return {row["check_name"]: row["count_found"] for row in rows}


def build(con: duckdb.DuckDBPyConnection, campaign: str | None = None,
          since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
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


def write_csv(report: Mapping[str, Any], folder: Path,
              form: spreadsheet.Dialect | None = None) -> list[Path]:
    """One CSV per section, in the spreadsheet dialect ``form``; returns the files written."""
    funnel_rows = [{"stage": s, "interactions": report["funnel"]["interactions"][s],
                    "people": report["funnel"]["people"][s]} for s in STAGES]
    summary = [{key: report[key] for key in (
        "campaign", "since", "until", "slacktivism_index", "actions_per_1000_engagements",
        "anonymous_attendees")}]
    sections = {
        "summary": summary, "funnel": funnel_rows, "events": report["events"],
        "imports": [report["imports"]], "pyramid": report["pyramid"],
        "channels": report["channels"], "retention": report["retention"],
        "time_to_action": [report["time_to_action"]],
        "data_quality": [{"check": k, "count": v} for k, v in report["data_quality"].items()],
    }
    written = []
    for name, rows in sections.items():
        path = folder / f"{name}.csv"
        columns = list(rows[0]) if rows else _EMPTY_COLUMNS.get(name, [])
        spreadsheet.write_file(path, columns, ([row.get(c) for c in columns] for row in rows),
                               form or spreadsheet.dialect(None))
        written.append(path)
    return written


_EMPTY_COLUMNS = {
    "events": list(EVENT_KEYS + EVENT_EXTRA),
    "pyramid": ["tier", "tier_rank", "people"],
    "channels": ["channel", "people", "committed", "acted", "slacktivism_index",
                 "slacktivism_low", "slacktivism_high"],
    "retention": ["cohort_month", "months_after", "cohort_size", "count_acting", "share_acting"],
    "data_quality": ["check", "count"],
}


def _fmt(value: Any, percent: bool = False) -> str:
    if value is None:
        return "unknown"
    if percent:
        return f"{100 * value:.0f}%"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


WIDTHS = {"date": 8, "event": 6}


def render(report: Mapping[str, Any], console: Console) -> None:
    """The table format: a readable Rich summary of the report."""
    from rich import box
    from rich.table import Table

    scope = safe(report["campaign"] or "all campaigns")
    window = " ".join(p for p in (f"from {report['since']}" if report["since"] else "",
                                  f"before {report['until']}" if report["until"] else "") if p)
    console.print(f"[bold]Turnout report[/] — {scope} {window}".rstrip())
    table = Table(title="Funnel: interactions and people (people: that stage or higher)")
    for column in ("stage", "interactions", "people"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in STAGES:
        table.add_row(stage, _fmt(report["funnel"]["interactions"][stage]),
                      _fmt(report["funnel"]["people"][stage]))
    console.print(table)
    low, high = report["slacktivism_interval"]
    interval = f" (95%: {_fmt(low, True)}–{_fmt(high, True)})" if low is not None else ""
    console.print(f"Slacktivism index: {_fmt(report['slacktivism_index'], True)}{interval} of "
                  "the people who committed never acted.")
    console.print("Actions per 1,000 engagements: "
                  f"{_fmt(report['actions_per_1000_engagements'])}")
    events_table = Table(title="Events: RSVPs against real attendance",
                         box=box.MINIMAL_HEAVY_HEAD, padding=(0, 1), collapse_padding=True,
                         pad_edge=False,
                         caption="? = unknown: no record of who came (or no Facebook counts)")
    for column in ("date", "event", "going", "reg.", "came", "no-show", "unk.",
                   "walk-in", "show-up"):
        events_table.add_column(column, justify="left" if column in ("date", "event")
                                else "right", no_wrap=True, overflow="ellipsis",
                                min_width=WIDTHS.get(column, len(column)),
                                max_width=15 if column == "event" else None)
    for e in report["events"]:
        cells = [e["facebook_going"], e["registered"], e["attended"], e["no_show"],
                 e["attendance_unknown"], e["walk_ins"]]
        events_table.add_row(
            (e["starts_at"] or "")[2:10], safe(e["name"] or e["event_id"]),
            *["?" if v is None else f"{v:,}" for v in cells],
            "?" if e["show_up_rate"] is None else _fmt(e["show_up_rate"], True))
    console.print(events_table)
    tiers = ", ".join(f"{t['tier']} {t['people']:,}" for t in report["pyramid"]) or "nobody yet"
    console.print(f"Engagement pyramid (now): {tiers}")
    for c in report["channels"]:
        console.print(f"  came first through {safe(c['channel'])}: {c['acted']:,} acted, "
                      f"slacktivism {_fmt(c['slacktivism_index'], True)}")
    i = report["imports"]
    console.print(f"Imports: {i['files']:,} files, {i['rows_read']:,} rows read, "
                  f"{i['rows_loaded']:,} loaded, {i['rows_rejected']:,} rejected.")
