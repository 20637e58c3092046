"""What `turnout forecast` and `turnout follow-up` print and write."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console, JustifyMethod
from rich.table import Table

from pipelines import identity, messages, spreadsheet, warehouse
from pipelines.models import evaluation as leave_one_out
from pipelines.models import follow_up, forecast
from pipelines.terminal import safe

FORECAST_KEYS = [
    "event_id",
    "starts_at",
    "kind",
    "is_upcoming",
    "expected",
    "low",
    "high",
    "method",
    "registered_then",
    "facebook_going_then",
    "actual",
    "is_covered",
    "fitted_at",
]
FOLLOW_UP_COLUMNS = [
    "rank",
    "person_id",
    "probability",
    "method",
    "days_since_last",
    "registrations",
    "upcoming",
    "signatures",
    "action_network_uuid",
    "mobilize_user_id",
    "eventbrite_attendee_number",
    "zoom_registrant_email_hash",
]
SHORT = {
    forecast.MODEL: "model",
    forecast.RATE: "rate",
    forecast.FACEBOOK: "fb",
    forecast.SIMILAR: "similar",
    forecast.NONE: "none",
}
# the forecast reads the last Facebook copy made before it; the report, the last one imported
GOING_NOTE = (
    'going = Facebook "going" in the last copy imported before the forecast was '
    "made (a past event: before it started); `turnout report` gives the last copy "
    "imported, which can be later."
)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        warehouse.scalar(
            con, "select count(*) from information_schema.tables where table_name = ?", [name]
        )
    )


def forecast_rows(con: duckdb.DuckDBPyConnection, event_id: str | None = None) -> list[dict]:
    """The forecast of every event (or one), from the mart; computed on the spot when the
    database was filled before forecasts existed."""
    if _has_table(con, "mart_event_forecast"):
        frame = con.execute("select * from mart_event_forecast order by starts_at, event_id").df()
    else:
        frame = forecast.mart_rows(forecast.load(con))
    if event_id is not None:
        frame = frame[frame["event_id"] == event_id]
    frame = frame.astype(object).where(frame.notna(), None)
    rows = []
    for record in frame[FORECAST_KEYS].to_dict("records"):
        for key in ("low", "high", "actual", "registered_then", "facebook_going_then"):
            if record[key] is not None:
                record[key] = int(record[key])
        for key in ("starts_at", "fitted_at"):
            record[key] = record[key] and record[key].isoformat()
        for key in ("is_upcoming", "is_covered"):
            record[key] = None if record[key] is None else bool(record[key])
        rows.append(record)
    return rows


def render_forecast(rows: list[dict], console: Console) -> None:
    caption = (
        ", ".join(f"{short} = {method}" for method, short in SHORT.items()) + "\n" + GOING_NOTE
    )
    fitted = {row["fitted_at"] for row in rows if row["method"] == forecast.MODEL}
    if fitted:  # the model's fit is kept until the data changed enough: say how old it is
        caption += "\n" + messages.text(
            messages.ENGLISH, "forecast.fitted", {"fitted": max(fitted).replace("T", " ")[:16]}
        )
    table = Table(title="Turnout forecast (80% range)", caption=caption)
    columns: list[tuple[str, JustifyMethod]] = [
        ("event", "left"),
        ("reg.", "right"),
        ("going", "right"),
        ("expect", "right"),
        ("80% range", "right"),
        ("came", "right"),
        ("method", "left"),
    ]
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=name != "event")
    for row in rows:
        expected = "?" if row["expected"] is None else f"{row['expected']:.0f}"
        span = "?" if row["low"] is None else f"{row['low']}–{row['high']}"
        table.add_row(
            safe(row["event_id"]),
            str(row["registered_then"]),
            _text(row["facebook_going_then"]),
            expected,
            span,
            _text(row["actual"]),
            SHORT.get(row["method"], row["method"]),
        )
    console.print(table)


def _text(value: object) -> str:
    return "?" if value is None else str(value)


def evaluation(con: duckdb.DuckDBPyConnection) -> dict:
    events, summary = leave_one_out.evaluate(forecast.load(con))
    return {
        "forecast": summary,
        "follow_up": follow_up.evaluate(con),
        "events": events.astype(object).where(events.notna(), None).to_dict("records"),
    }


def render_evaluation(result: dict, console: Console) -> None:
    summary, follow = result["forecast"], result["follow_up"]
    console.print(
        f"Forecast, leave-one-event-out over {summary['events']} past events "
        f"({summary['events_with_facebook_going']} with Facebook counts):"
    )
    table = Table()
    for name in ("method", "MAE, all events", "MAE, events with Facebook going"):
        table.add_column(name, justify="left" if name == "method" else "right")
    names = list(summary["mae_events_with_facebook_going"])
    for name in names:
        table.add_row(
            name,
            _number(summary["mae"].get(name)),
            _number(summary["mae_events_with_facebook_going"][name]),
        )
    console.print(table)
    for name, share in summary["coverage_80"].items():
        console.print(
            f"80% interval of the {name}: covers {_share(share)} of past events "
            f"(mean width {summary['mean_interval_width'][name]})."
        )
    ordered = summary.get("time_ordered", {})
    if ordered.get("events"):
        mae, going = ordered["mae"], ordered["mae_events_with_facebook_going"]
        console.print(
            f"Time-ordered replay (each of the last {ordered['events']} past events from the "
            f"events before it only): MAE {_number(mae[forecast.MODEL])} against "
            f"{_number(mae['baseline: historical rate × registered'])} for historical rate × "
            f"registered; on the {ordered['events_with_facebook_going']} with Facebook counts "
            f"{_number(going[forecast.MODEL])} against {_number(going['baseline: 0.5 × going'])}"
            f" for 0.5 × going and {_number(going['baseline: Facebook going'])} for going; the "
            f"80% range covers {_share(ordered['coverage_80'][forecast.MODEL])}."
        )
    if follow.get("method") == follow_up.MODEL:
        console.print(
            f"Follow-up list, time split (fitted to {follow['cutoffs'][0][:10]}, "
            f"checked on {follow['cutoffs'][1][:10]}, next {follow['horizon_days']} "
            f"days): AUC {follow['auc']} against {follow['auc_recency']} for "
            "recency alone."
        )
    else:
        console.print(f"Follow-up list: ranked by recency ({follow.get('reason')}).")


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _share(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def write_follow_up(
    con: duckdb.DuckDBPyConnection, path: Path, form: spreadsheet.Dialect | None = None
) -> int:
    rows: Iterable[Sequence[Any]]
    if _has_table(con, "mart_follow_up"):
        columns = [
            identity.person_label_sql(c) if c == "person_id" else c for c in FOLLOW_UP_COLUMNS
        ]
        rows = con.execute(
            f"select {', '.join(columns)} from mart_follow_up order by rank"
        ).fetchall()
    else:  # a database filled before the list existed: worked out on the spot
        frame = follow_up.mart_rows(con)[FOLLOW_UP_COLUMNS]
        frame["person_id"] = frame["person_id"].map(identity.person_label)
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    return spreadsheet.write_file(path, FOLLOW_UP_COLUMNS, rows, form or spreadsheet.dialect(None))
