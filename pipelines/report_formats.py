"""The report as `turnout report` gives it besides JSON: one CSV per section
(``--format csv``), and a readable summary for the terminal (``--format table``).

Both take the plain dict that ``report.build`` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines import spreadsheet
from pipelines.report import EVENT_EXTRA, EVENT_KEYS, STAGES
from pipelines.terminal import safe

if TYPE_CHECKING:
    from rich.console import Console


def write_csv(
    report: Mapping[str, Any], folder: Path, form: spreadsheet.Dialect | None = None
) -> list[Path]:
    """One CSV per section, in the spreadsheet dialect ``form``; returns the files written."""
    funnel_rows = [
        {
            "stage": s,
            "interactions": report["funnel"]["interactions"][s],
            "people": report["funnel"]["people"][s],
        }
        for s in STAGES
    ]
    summary = [
        {
            key: report[key]
            for key in (
                "campaign",
                "since",
                "until",
                "slacktivism_index",
                "actions_per_1000_engagements",
                "anonymous_attendees",
            )
        }
    ]
    sections = {
        "summary": summary,
        "funnel": funnel_rows,
        "events": report["events"],
        "imports": [report["imports"]],
        "pyramid": report["pyramid"],
        "channels": report["channels"],
        "retention": report["retention"],
        "time_to_action": [report["time_to_action"]],
        "data_quality": [{"check": k, "count": v} for k, v in report["data_quality"].items()],
    }
    written = []
    for name, rows in sections.items():
        path = folder / f"{name}.csv"
        columns = list(rows[0]) if rows else _EMPTY_COLUMNS.get(name, [])
        spreadsheet.write_file(
            path,
            columns,
            ([row.get(c) for c in columns] for row in rows),
            form or spreadsheet.dialect(None),
        )
        written.append(path)
    return written


_EMPTY_COLUMNS = {
    "events": list(EVENT_KEYS + EVENT_EXTRA),
    "pyramid": ["tier", "tier_rank", "people"],
    "channels": [
        "channel",
        "people",
        "committed",
        "acted",
        "slacktivism_index",
        "slacktivism_low",
        "slacktivism_high",
    ],
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
    window = " ".join(
        p
        for p in (
            f"from {report['since']}" if report["since"] else "",
            f"before {report['until']}" if report["until"] else "",
        )
        if p
    )
    console.print(f"[bold]Turnout report[/] — {scope} {window}".rstrip())
    table = Table(title="Funnel: interactions and people (people: that stage or higher)")
    for column in ("stage", "interactions", "people"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in STAGES:
        table.add_row(
            stage,
            _fmt(report["funnel"]["interactions"][stage]),
            _fmt(report["funnel"]["people"][stage]),
        )
    console.print(table)
    low, high = report["slacktivism_interval"]
    interval = f" (95%: {_fmt(low, True)}–{_fmt(high, True)})" if low is not None else ""
    console.print(
        f"Slacktivism index: {_fmt(report['slacktivism_index'], True)}{interval} of "
        "the people who committed never acted."
    )
    console.print(f"Actions per 1,000 engagements: {_fmt(report['actions_per_1000_engagements'])}")
    events_table = Table(
        title="Events: RSVPs against real attendance",
        box=box.MINIMAL_HEAVY_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
        caption="? = unknown: no record of who came (or no Facebook counts)",
    )
    for column in (
        "date",
        "event",
        "going",
        "reg.",
        "came",
        "no-show",
        "unk.",
        "walk-in",
        "show-up",
    ):
        events_table.add_column(
            column,
            justify="left" if column in ("date", "event") else "right",
            no_wrap=True,
            overflow="ellipsis",
            min_width=WIDTHS.get(column, len(column)),
            max_width=15 if column == "event" else None,
        )
    for e in report["events"]:
        cells = [
            e["facebook_going"],
            e["registered"],
            e["attended"],
            e["no_show"],
            e["attendance_unknown"],
            e["walk_ins"],
        ]
        events_table.add_row(
            (e["starts_at"] or "")[2:10],
            safe(e["name"] or e["event_id"]),
            *["?" if v is None else f"{v:,}" for v in cells],
            "?" if e["show_up_rate"] is None else _fmt(e["show_up_rate"], True),
        )
    console.print(events_table)
    tiers = ", ".join(f"{t['tier']} {t['people']:,}" for t in report["pyramid"]) or "nobody yet"
    console.print(f"Engagement pyramid (now): {tiers}")
    for c in report["channels"]:
        console.print(
            f"  came first through {safe(c['channel'])}: {c['acted']:,} acted, "
            f"slacktivism {_fmt(c['slacktivism_index'], True)}"
        )
    i = report["imports"]
    console.print(
        f"Imports: {i['files']:,} files, {i['rows_read']:,} rows read, "
        f"{i['rows_loaded']:,} loaded, {i['rows_rejected']:,} rejected."
    )
