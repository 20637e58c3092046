"""Turnout forecast: expected attendance of every event, with an 80% interval and its method.

Refitted after every import (``refresh``) into ``mart_event_forecast``; evaluated on the
campaign's past events by leave-one-event-out cross-validation (``evaluate``).

* ``registration model`` (``showup.py``) when at least ``MIN_EVENTS`` past events have
  attendance data and registrations. Its 80% interval is expected ± t(0.9, n−1) ×
  √(φ × variance × (1 + 1/n)), where φ ≥ 1 is the overdispersion seen on the other past
  events' leave-one-out forecasts (mean squared standardised error): the model's own
  variance covers the coin flips of each registrant and the walk-ins, φ the rest.
* below ``MIN_EVENTS``, or for events without registrations: ``fallback.py``.

A past event is forecast as of its start (registrations made before it, the last Facebook
count before it, and the attendance of earlier events only), from a model fitted on the
*other* past events; an upcoming one as of the latest recorded activity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
from scipy.special import stdtrit
from threadpoolctl import threadpool_limits

from pipelines.models import fallback, fits, forecast_inputs, kept_inputs, showup
from pipelines.models.fingerprints import fingerprint, stored_fingerprint
from pipelines.models.forecast_inputs import Frames, frames_of, past_of, read_events

log = logging.getLogger(__name__)
MIN_EVENTS = 8  # past events with attendance data and registrations, for the model
MODEL, RATE, FACEBOOK, SIMILAR, NONE = (
    "registration model",
    "historical rate",
    "facebook conversion",
    "similar events",
    "no data",
)


def load(con: duckdb.DuckDBPyConnection) -> Frames:
    return frames_of(read_events(con), con.execute(kept_inputs.sql(forecast_inputs.QUERY)).df())


# the model, leave-one-event-out ---------------------------------------------------------


def _known_at_forecast(frames: Frames, event: pd.Series) -> pd.DataFrame:
    rows = frames.by_event.get(event["event_id"], frames.registrations.iloc[:0])
    return rows[rows["registered_at"] <= event["forecast_at"]]


def _model_forecasts(
    frames: Frames,
    train_ids: list[str],
    targets: pd.DataFrame,
    shared: showup.ShowUpModel | None = None,
    matrix: np.ndarray | None = None,
) -> pd.DataFrame:
    """Expected attendance and variance of ``targets``; a target among the training events
    is forecast by a model fitted without it, any other by ``shared`` (fitted on every
    training event when not given). ``matrix``: the registrations' design, if built."""
    regs, events = frames.registrations, frames.events
    outcomes = regs[["came", "lead_days"]]  # all a fit needs besides the design matrix
    matrix = showup.design(regs) if matrix is None else matrix
    # each registration's event as a number, compared once per event left out: as text,
    # the comparisons took 0.8 s of a refit at 10M
    event_of, event_ids = pd.factorize(regs["event_id"])
    number_of = {event_id: number for number, event_id in enumerate(event_ids)}
    in_training = _of_events(regs, train_ids)
    out = []
    for _, event in targets.iterrows():
        if event["event_id"] in train_ids:
            left_out = number_of.get(event["event_id"], -2)  # -1: factorize's unknown
            rows = _sampled(in_training & (event_of != left_out))
            model = showup.fit(
                outcomes.iloc[rows], _events_of(events, train_ids, event["event_id"]), matrix[rows]
            )
        else:
            shared = shared or _shared_model(frames, train_ids, matrix)
            model = shared
        known = _known_at_forecast(frames, event)
        # its rows of the whole design: building each event's own again cost a refit at 10M
        # about 0.04 s of its 0.97 s
        own = matrix[regs.index.get_indexer(known.index)]
        expected, variance = showup.expected_attendance(model, event, known, own)
        out.append((event["event_id"], expected, variance))
    return pd.DataFrame(out, columns=["event_id", "expected", "variance"]).set_index("event_id")


def _shared_model(
    frames: Frames, train_ids: list[str], matrix: np.ndarray | None = None
) -> showup.ShowUpModel:
    """The model of every training event: it forecasts the events outside them."""
    regs = frames.registrations
    matrix = showup.design(regs) if matrix is None else matrix
    rows = _sampled(_of_events(regs, train_ids))
    return showup.fit(
        regs[["came", "lead_days"]].iloc[rows], _events_of(frames.events, train_ids), matrix[rows]
    )


def _of_events(regs: pd.DataFrame, ids: list[str]) -> np.ndarray:
    """Whether each registration is of one of the events ``ids``."""
    return regs["event_id"].isin(ids).to_numpy(bool)


def _sampled(keep: np.ndarray) -> np.ndarray:
    """Positions of the rows to fit on: all of them, or a fixed random sample of a big campaign."""
    rows = np.flatnonzero(keep)
    if len(rows) <= showup.MAX_TRAINING_ROWS:
        return rows
    return np.sort(np.random.default_rng(0).choice(rows, showup.MAX_TRAINING_ROWS, replace=False))


def _events_of(events: pd.DataFrame, ids: list[str], leave_out: str | None = None) -> pd.DataFrame:
    return events[events["event_id"].isin(ids) & (events["event_id"] != leave_out)]


def _interval(expected: float, variance: float, dispersion: float, n: int) -> tuple[float, float]:
    # the Student t quantile (scipy.stats.t.ppf is this function, and takes 0.5 s to load)
    half = stdtrit(max(1, n - 1), 0.9) * np.sqrt(dispersion * variance * (1 + 1 / max(1, n)))
    return max(0.0, expected - half), expected + half


def _dispersion(checked: pd.DataFrame, actual: pd.Series) -> float:
    """Mean squared standardised error of leave-one-out forecasts, never below 1."""
    z2 = (actual.loc[checked.index] - checked["expected"]) ** 2 / checked["variance"].clip(1e-9)
    return max(1.0, float(z2.mean())) if len(z2) else 1.0


# every event ------------------------------------------------------------------------------


@dataclass
class Fitted:
    """What forecasting more events needs, besides the data: kept between refreshes."""

    model: showup.ShowUpModel | None  # None: too few past events for the model
    dispersion: float  # of the past events' leave-one-out forecasts
    checked: int  # how many past events that dispersion is measured on


def forecast(frames: Frames, allow_model: bool = True) -> pd.DataFrame:
    """One row per event: expected, low, high, method (the content of the mart)."""
    return fit_and_forecast(frames, allow_model)[0]


def fit_and_forecast(frames: Frames, allow_model: bool = True) -> tuple[pd.DataFrame, Fitted]:
    with threadpool_limits(1):  # small fits: BLAS threads only fight each other
        return _forecast(frames, allow_model)


def _forecast(frames: Frames, allow_model: bool) -> tuple[pd.DataFrame, Fitted]:
    past = frames.past
    use_model = allow_model and len(past) >= MIN_EVENTS
    ids = list(past["event_id"])
    # the registrations' design, built once for the shared model and every model left out
    matrix = showup.design(frames.registrations) if use_model else None
    shared = _shared_model(frames, ids, matrix) if use_model else None
    checked = (
        _model_forecasts(
            frames, ids, frames.events[frames.events["registered"] > 0], shared, matrix
        )
        if use_model
        else None
    )
    actual = past.set_index("event_id")["attended"]
    rows: list[tuple[object, ...]] = []
    for _, event in frames.events.iterrows():
        others = past[past["event_id"] != event["event_id"]]
        registered = len(_known_at_forecast(frames, event))
        if registered and checked is not None:  # checked: whenever the model is used
            expected, variance = checked.loc[event["event_id"]]
            out_of_sample = checked.loc[checked.index.isin(others["event_id"])]
            low, high = _interval(
                expected, variance, _dispersion(out_of_sample, actual), len(out_of_sample)
            )
            rows.append((event["event_id"], registered, expected, low, high, MODEL))
        else:
            rows.append(
                (event["event_id"], registered, *_fallback(frames, event, others, registered))
            )
    result = pd.DataFrame(
        rows, columns=["event_id", "registered_then", "expected", "low", "high", "method"]
    )
    in_sample = checked.loc[checked.index.isin(ids)] if checked is not None else None
    fitted = Fitted(
        shared,
        _dispersion(in_sample, actual) if in_sample is not None else 1.0,
        0 if in_sample is None else len(in_sample),
    )
    return frames.events.merge(result, on="event_id"), fitted


def _forecast_again(
    frames: Frames, fitted: Fitted, kept: pd.DataFrame, known_then: dict[str, int]
) -> pd.DataFrame:
    """Every event forecast with a kept fit: the events of ``kept`` (the mart's rows of the
    events it learnt from) keep their forecast, the others are forecast from today's
    registrations (``frames`` may hold only theirs); ``known_then``: each event's
    registrations known when it is forecast."""
    past = frames.past
    kept = kept.set_index("event_id")
    rows = []
    for _, event in frames.events.iterrows():
        event_id = event["event_id"]
        registered = known_then.get(event_id, 0)
        if event_id in kept.index:
            before = kept.loc[event_id]
            rows.append(
                (
                    event_id,
                    registered,
                    before["expected"],
                    before["low"],
                    before["high"],
                    before["method"],
                )
            )
        elif registered and fitted.model is not None:
            known = _known_at_forecast(frames, event)
            expected, variance = showup.expected_attendance(fitted.model, event, known)
            low, high = _interval(expected, variance, fitted.dispersion, fitted.checked)
            rows.append((event_id, registered, expected, low, high, MODEL))
        else:
            others = past[past["event_id"] != event_id]
            rows.append((event_id, registered, *_fallback(frames, event, others, registered)))
    result = pd.DataFrame(
        rows, columns=["event_id", "registered_then", "expected", "low", "high", "method"]
    )
    return frames.events.merge(result, on="event_id")


def _fallback(
    frames: Frames, event: pd.Series, others: pd.DataFrame, registered: int
) -> tuple[float | None, float | None, float | None, str]:
    if registered:
        days_left = (event["starts_at"] - event["forecast_at"]).total_seconds() / 86400
        leads = np.sort(
            frames.registrations.loc[
                frames.registrations["event_id"].isin(others["event_id"]), "lead_days"
            ].to_numpy(float)
        )
        projected = registered / showup.share_of_registrations(leads, days_left)
        return (*fallback.historical_rate(others, projected, event["is_online"]), RATE)
    going = event["facebook_going"]
    if pd.notna(going) and going > 0:
        return (*fallback.facebook_conversion(others, float(going)), FACEBOOK)
    similar = fallback.similar_events(others, event["kind"])
    if similar is None:
        return None, None, None, NONE
    return (*similar, SIMILAR)


# the mart ---------------------------------------------------------------------------------

MART_COLUMNS = """
    event_id varchar primary key, starts_at timestamp, kind varchar, is_online boolean,
    is_upcoming boolean, forecast_at timestamp, registered_then integer,
    facebook_going_then bigint, expected double, low double, high double,
    method varchar not null, actual double, is_covered boolean, fitted_at timestamp,
    inputs_hash varchar
"""


def refresh(con: duckdb.DuckDBPyConnection, refit: str = "") -> str:
    """Rewrite ``mart_event_forecast`` (inside the refresh's transaction), unless nothing it
    is made from changed: refitted when its training data changed enough
    (``pipelines/models/fits.py``) or ``refit`` says why, else forecast again with the kept
    fit. Says which."""
    read = forecast_inputs.update(con, refit)
    events = read_events(con)
    inputs = fingerprint(con, events.drop(columns=["as_of"]), forecast_inputs.REGISTRATIONS)
    if not refit and inputs == stored_fingerprint(con, "mart_event_forecast"):
        return "unchanged: nothing it reads changed"
    con.execute(f"create table if not exists mart_event_forecast ({MART_COLUMNS})")
    if events.empty:
        con.execute(f"create or replace table mart_event_forecast ({MART_COLUMNS})")
        return "no events"
    trained = list(past_of(events)["event_id"])
    rows, came = forecast_inputs.training(con, trained)
    fit = fits.stored(con, "forecast")
    why = fits.why_refit(fit, rows, came, trained, refit)
    if why or fit is None:  # why_refit gives a reason whenever no fit is kept
        result, fitted = _fitted_or_fallback(forecast_inputs.frames(con, events))
        fit = _fit_record(fitted, trained, rows, came)
        said = f"refitted: {why}"
    else:
        result = _forecast_with(con, events, _kept(fit), set(trained))
        said = fits.kept(fit)
    con.execute(f"create or replace table mart_event_forecast ({MART_COLUMNS})")
    if why:
        fits.save(con, fit)
    table = _table(result, fit.fitted_at).assign(inputs_hash=inputs)
    con.register("forecast_rows", table)
    try:
        con.execute("insert into mart_event_forecast select * from forecast_rows")
    finally:
        con.unregister("forecast_rows")
    return f"{said}; {read}"


def _forecast_with(
    con: duckdb.DuckDBPyConnection, events: pd.DataFrame, fitted: Fitted, trained: set[str]
) -> pd.DataFrame:
    """Every event forecast with a kept fit. The events it learnt from keep their forecast:
    only the others' registrations become frames, unless the fallback needs every past
    event's lead times (no model)."""
    kept = con.execute("select event_id, expected, low, high, method from mart_event_forecast").df()
    kept = kept[kept["event_id"].isin(trained)]
    again = [e for e in events["event_id"] if e not in set(kept["event_id"])]
    frames = forecast_inputs.frames(con, events, None if fitted.model is None else again)
    known_then = forecast_inputs.known_then(con, events)
    with threadpool_limits(1):
        return _forecast_again(frames, fitted, kept, known_then)


def _fitted_or_fallback(frames: Frames) -> tuple[pd.DataFrame, Fitted]:
    try:
        return fit_and_forecast(frames)
    except Exception:  # a model that cannot be fitted must not stop an import
        log.exception("the registration model failed; every event gets the fallback")
        return fit_and_forecast(frames, allow_model=False)


def _fit_record(fitted: Fitted, trained: list[str], rows: int, came: int) -> fits.Fit:
    parameters: dict = {"dispersion": fitted.dispersion, "checked": fitted.checked, "model": None}
    leads = None
    if fitted.model is not None:
        parameters["model"], leads = showup.to_parameters(fitted.model)
    return fits.Fit(
        "forecast",
        datetime.now().replace(microsecond=0),
        fits.code_hash(),
        rows,
        came,
        trained,
        parameters,
        leads,
    )


def _kept(fit: fits.Fit) -> Fitted:
    model = fit.parameters["model"]
    return Fitted(
        None if model is None else showup.from_parameters(model, fit.sample or []),
        fit.parameters["dispersion"],
        fit.parameters["checked"],
    )


def mart_rows(frames: Frames) -> pd.DataFrame:
    """The mart's rows, fitted now (for a database filled before forecasts existed)."""
    return _table(_fitted_or_fallback(frames)[0], datetime.now().replace(microsecond=0))


def _table(result: pd.DataFrame, fitted_at: datetime) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "event_id": result["event_id"],
            "starts_at": result["starts_at"],
            "kind": result["kind"],
            "is_online": result["is_online"],
            "is_upcoming": result["is_upcoming"],
            "forecast_at": result["forecast_at"],
            "registered_then": result["registered_then"],
            "facebook_going_then": result["facebook_going"],
            "expected": result["expected"].astype(float).round(1),
            "low": np.floor(result["low"].astype(float)),
            "high": np.ceil(result["high"].astype(float)),
            "method": result["method"],
            "actual": result["attended"].astype(float),
        }
    )
    inside = (table["actual"] >= table["low"]) & (table["actual"] <= table["high"])
    unknown = table["actual"].isna() | table["low"].isna()
    # the stubs take neither None as a value of np.where nor object as a Series dtype
    table["is_covered"] = pd.Series(
        np.where(unknown, None, inside),  # type: ignore[call-overload]
        dtype=object,  # type: ignore[arg-type]
    )
    table["fitted_at"] = fitted_at
    return table
