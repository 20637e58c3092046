"""How well the turnout forecast did on the campaign's own past (`turnout forecast
--evaluate`, the forecast notebook): leave-one-event-out, and replayed in time order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from pipelines.models import fallback
from pipelines.models.forecast import (
    MIN_EVENTS,
    MODEL,
    RATE,
    Frames,
    _dispersion,
    _interval,
    _known_at_forecast,
    _model_forecasts,
)


def evaluate(frames: Frames) -> tuple[pd.DataFrame, dict]:
    """Leave-one-event-out over the past events: each one forecast from the others only
    (its interval's dispersion from the others' own leave-one-out errors), next to the
    fallback and the three baselines. Returns one row per event and the summary."""
    with threadpool_limits(1):
        return _evaluate(frames)


def _evaluate(frames: Frames) -> tuple[pd.DataFrame, dict]:
    past = frames.past
    ids = list(past["event_id"])
    actual = past.set_index("event_id")["attended"]
    outer = _model_forecasts(frames, ids, past)
    rows = []
    for _, event in past.iterrows():
        k, others = event["event_id"], past[past["event_id"] != event["event_id"]]
        inner = _model_forecasts(frames, list(others["event_id"]), others)
        expected, variance = outer.loc[k]
        low, high = _interval(expected, variance, _dispersion(inner, actual), len(others))
        registered = len(_known_at_forecast(frames, event))
        rate = others["attended"].sum() / others["registered"].sum()
        rows.append(
            {
                "event_id": k,
                "starts_at": event["starts_at"],
                "kind": event["kind"],
                "registered": registered,
                "facebook_going": event["facebook_going"],
                "actual": event["attended"],
                "expected": expected,
                "low": low,
                "high": high,
                **dict(
                    zip(
                        ("fallback", "fallback_low", "fallback_high"),
                        fallback.historical_rate(others, registered, event["is_online"]),
                        strict=True,
                    )
                ),
                "going": event["facebook_going"],
                "halves": 0.5 * event["facebook_going"],
                "rate_x_registered": rate * registered,
            }
        )
    table = pd.DataFrame(rows)
    return table, {**summarise(table), "time_ordered": _time_ordered(frames, table)}


def _time_ordered(frames: Frames, table: pd.DataFrame) -> dict:
    """The stricter replay: each past event forecast only from the events before it (from
    the MIN_EVENTS + 1-th on), as the campaign would have seen it live."""
    past = frames.past.sort_values(["starts_at", "event_id"])
    actual = past.set_index("event_id")["attended"]
    rows = []
    for position in range(MIN_EVENTS, len(past)):
        earlier, event = past.iloc[:position], past.iloc[[position]]
        ids = list(earlier["event_id"])
        expected, variance = _model_forecasts(frames, ids, event).iloc[0]
        dispersion = _dispersion(_model_forecasts(frames, ids, earlier), actual)
        low, high = _interval(expected, variance, dispersion, len(ids))
        rows.append(
            {"event_id": event["event_id"].iloc[0], "expected": expected, "low": low, "high": high}
        )
    if not rows:
        return {"events": 0}
    ordered = pd.DataFrame(rows).merge(
        table[["event_id", "actual", "going", "halves"]], on="event_id"
    )
    registered: pd.Series[int] = table.set_index("event_id")["registered"]
    ordered["rate_x_registered"] = [
        past.iloc[:i]["attended"].sum() / past.iloc[:i]["registered"].sum() * registered[e]
        for i, e in zip(range(MIN_EVENTS, len(past)), ordered["event_id"], strict=True)
    ]
    inside = (ordered["actual"] >= np.floor(ordered["low"])) & (
        ordered["actual"] <= np.ceil(ordered["high"])
    )
    with_going = ordered[ordered["going"].notna()]
    return {
        "events": len(ordered),
        "events_with_facebook_going": len(with_going),
        "mae": {
            MODEL: _mae(ordered, "expected"),
            "baseline: historical rate × registered": _mae(ordered, "rate_x_registered"),
        },
        "mae_events_with_facebook_going": {
            MODEL: _mae(with_going, "expected"),
            "baseline: Facebook going": _mae(with_going, "going"),
            "baseline: 0.5 × going": _mae(with_going, "halves"),
        },
        "coverage_80": {MODEL: round(float(inside.mean()), 3)},
    }


def _mae(rows: pd.DataFrame, column: str) -> float | None:
    return None if rows.empty else round(float((rows[column] - rows["actual"]).abs().mean()), 2)


def summarise(table: pd.DataFrame) -> dict:
    def mae(column: str, rows: pd.DataFrame) -> float | None:
        return None if rows.empty else round(float((rows[column] - rows["actual"]).abs().mean()), 2)

    def coverage(prefix: str) -> float | None:
        low, high = table[f"{prefix}low"], table[f"{prefix}high"]
        inside = (table["actual"] >= np.floor(low)) & (table["actual"] <= np.ceil(high))
        return None if table.empty else round(float(inside.mean()), 3)

    if table.empty:
        return {
            "events": 0,
            "events_with_facebook_going": 0,
            "mae": {},
            "mae_events_with_facebook_going": {},
            "coverage_80": {},
            "mean_interval_width": {},
        }
    with_going = table[table["going"].notna()]
    return {
        "events": len(table),
        "events_with_facebook_going": len(with_going),
        "mae": {
            name: mae(column, table)
            for name, column in [
                (MODEL, "expected"),
                (RATE, "fallback"),
                ("baseline: historical rate × registered", "rate_x_registered"),
            ]
        },
        "mae_events_with_facebook_going": {
            name: mae(column, with_going)
            for name, column in [
                (MODEL, "expected"),
                (RATE, "fallback"),
                ("baseline: historical rate × registered", "rate_x_registered"),
                ("baseline: Facebook going", "going"),
                ("baseline: 0.5 × going", "halves"),
            ]
        },
        "coverage_80": {MODEL: coverage(""), RATE: coverage("fallback_")},
        "mean_interval_width": {
            MODEL: round(float((table["high"] - table["low"]).mean()), 1),
            RATE: round(float((table["fallback_high"] - table["fallback_low"]).mean()), 1),
        },
    }
