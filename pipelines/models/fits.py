"""A model's fit, kept between refreshes: refitted only when its training data changed enough.

A refresh refits a model when it has no fit yet, when its code changed, when a full
refresh is asked for (``turnout refresh --full``) or an import was undone (the figures are
then those of a campaign that never had it), when the events it learns from changed
(the forecast: a new past event with attendance), or when its training rows or their
outcomes grew or shrank by more than ``CHANGED_ENOUGH``. Otherwise the kept fit predicts
again from today's data, and the forecast says when it was fitted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import duckdb

from pipelines import warehouse
from pipelines.models.fingerprints import CODE

CHANGED_ENOUGH = 0.05  # a share of the training rows, or of those who came / acted


@dataclass
class Fit:
    model: str  # forecast | follow_up
    fitted_at: datetime
    code_hash: str
    training_rows: int
    training_positives: int
    training_events: list[str] | None
    parameters: dict
    sample: list[float] | None = None


def code_hash() -> str:
    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored(con: duckdb.DuckDBPyConnection, model: str) -> Fit | None:
    has = warehouse.scalar(
        con, "select count(*) from information_schema.tables where table_name = 'model_fits'"
    )
    # fetched to the end: a result left open stops the connection registering a frame
    found = (
        con.execute("select * from model_fits where model = ?", [model]).fetchall() if has else []
    )
    if not found:
        return None
    model, fitted_at, code, rows, positives, events, parameters, sample = found[0]
    return Fit(model, fitted_at, code, rows, positives, events, json.loads(parameters), sample)


def save(con: duckdb.DuckDBPyConnection, fit: Fit) -> None:
    con.execute(
        "insert or replace into model_fits values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            fit.model,
            fit.fitted_at,
            fit.code_hash,
            fit.training_rows,
            fit.training_positives,
            fit.training_events,
            json.dumps(fit.parameters),
            fit.sample,
        ],
    )


def why_refit(
    fit: Fit | None, rows: int, positives: int, events: list[str] | None, asked: str = ""
) -> str:
    """Why the model is refitted now (``asked``: the refresh's own reason), or '' to keep
    ``fit``."""
    if asked:
        return asked
    if fit is None:
        return "no fit kept yet"
    if fit.code_hash != code_hash():
        return "its code changed"
    if events is not None and sorted(events) != sorted(fit.training_events or []):
        return "the past events it learns from changed"
    for name, before, now in (
        ("training rows", fit.training_rows, rows),
        ("outcomes", fit.training_positives, positives),
    ):
        if abs(now - before) > CHANGED_ENOUGH * max(before, 1):
            return f"its {name} changed by more than {CHANGED_ENOUGH:.0%} ({before:,} → {now:,})"
    return ""


def kept(fit: Fit) -> str:
    return (
        f"kept the fit of {fit.fitted_at:%Y-%m-%d %H:%M} (its training data changed by "
        f"{CHANGED_ENOUGH:.0%} or less)"
    )
