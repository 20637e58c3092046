"""The follow-up list: people who committed but never acted, most likely to act first.

A logistic regression learns, from the campaign's own past, who among the people who had
committed and not yet acted at a cutoff went on to act within the next ``horizon`` days:
from how recently and how often they did anything, their registrations still to come,
their no-shows, signatures, email opens and clicks, and the channel they came through.

Time-split validation: fitted on a first cutoff (features before it, acting in the
following window), checked on a second, later cutoff, against ranking by recency alone.
The list itself is scored as of the latest activity by a model fitted on both windows.
With too few people acting in a window it ranks by recency and says so (``method``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from pipelines import warehouse
from pipelines.models import fits, follow_up_inputs, follow_up_list, kept_inputs
from pipelines.models.fingerprints import fingerprint
from pipelines.models.follow_up_list import COUNTS, MART_COLUMNS, MODEL, RECENCY
from pipelines.models.showup import SOCIAL, as_matrix

if TYPE_CHECKING:  # loaded where a model is fitted (about 1.4 s): a kept fit ranks in SQL
    from sklearn.linear_model import LogisticRegression

log = logging.getLogger(__name__)
MIN_POSITIVES = 10  # people acting in each window, for the model to be fitted and checked
MIN_HORIZON_DAYS = 30


def _sql(name: str) -> str:
    return (resources.files("pipelines") / "sql" / "models" / f"{name}.sql").read_text("utf-8")


def people(con: duckdb.DuckDBPyConnection, cutoff: datetime, until: datetime) -> pd.DataFrame:
    return con.execute(_sql("follow_up_people"), {"cutoff": cutoff, "until": until}).df()


def design(rows: pd.DataFrame) -> np.ndarray:
    """The model's inputs, one row per person: ``follow_up_list.FEATURES`` computed in
    pandas."""
    channel = rows["channel"]
    social = channel.isin(SOCIAL).to_numpy()
    email = (channel == "email").to_numpy()
    unknown = channel.isna().to_numpy()
    count = {c: np.log1p(rows[c].to_numpy(float)) for c in COUNTS}
    return as_matrix(
        [
            np.log1p(rows["days_since_last"].to_numpy(float).clip(0)),
            np.log1p(rows["days_since_first"].to_numpy(float).clip(0)),
            *count.values(),
            rows["on_list"].fillna(False).to_numpy(bool),
            social,
            email,
            unknown,
            ~(social | email | unknown),
        ]
    )


def recency_score(rows: pd.DataFrame) -> np.ndarray:
    return -rows["days_since_last"].to_numpy(float)


@dataclass
class Windows:
    as_of: datetime
    horizon: timedelta

    @property
    def cutoffs(self) -> tuple[datetime, datetime]:
        second = self.as_of - self.horizon
        return second - self.horizon, second


def windows(con: duckdb.DuckDBPyConnection) -> Windows | None:
    """Two windows of a third of the campaign's life each (from its first commitment or
    action), ending at the latest activity."""
    first, last = warehouse.one_row(
        con,
        "select min(occurred_at) filter (where stage in ('commitment', 'action')), "
        "max(occurred_at) from mart_person_records where not is_anonymous",
    )
    if first is None or last is None:
        return None
    days = max(MIN_HORIZON_DAYS, (last - first).days // 3)
    return Windows(last, timedelta(days=days))


def _fit(rows: pd.DataFrame) -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=200).fit(
        design(rows), rows["acted"].to_numpy(bool)
    )


def _enough(rows: pd.DataFrame) -> bool:
    acted = int(rows["acted"].sum())
    return acted >= MIN_POSITIVES and len(rows) - acted >= MIN_POSITIVES


def evaluate(con: duckdb.DuckDBPyConnection) -> dict:
    """AUC of the model fitted on the first window and checked on the second, and of
    recency alone on the same people."""
    found = windows(con)
    if found is None:
        return {"method": RECENCY, "reason": "no records"}
    first, second = found.cutoffs
    train, test = people(con, first, second), people(con, second, found.as_of)
    summary = {
        "cutoffs": [first.isoformat(), second.isoformat()],
        "horizon_days": found.horizon.days,
        "as_of": found.as_of.isoformat(),
        "train_people": len(train),
        "train_acted": int(train["acted"].sum()),
        "test_people": len(test),
        "test_acted": int(test["acted"].sum()),
    }
    if not (_enough(train) and _enough(test)):
        return {**summary, "method": RECENCY, "reason": "too few people acted in a window"}
    from sklearn.metrics import roc_auc_score

    with threadpool_limits(1):
        scores = _fit(train).predict_proba(design(test))[:, 1]
    return {
        **summary,
        "method": MODEL,
        "auc": round(float(roc_auc_score(test["acted"], scores)), 3),
        "auc_recency": round(float(roc_auc_score(test["acted"], recency_score(test))), 3),
    }


def score(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The list as of the latest activity: person_id, probability, rank, method."""
    found = windows(con)
    if found is None:
        return pd.DataFrame(columns=["person_id", "probability", "method"])
    now, history = _frames(con, found)
    return _rank(now, history)


def _frames(con: duckdb.DuckDBPyConnection, found: Windows) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The people to rank (as of the latest activity) and the two windows to learn from."""
    first, second = found.cutoffs
    return (
        people(con, found.as_of, found.as_of),
        pd.concat([people(con, first, second), people(con, second, found.as_of)]),
    )


def _rank(now: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    return _rank_with(now, _fitted(history) if len(now) else None)


def _fitted(history: pd.DataFrame) -> LogisticRegression | None:
    """The model learnt from the two windows, or None: too few acted, or it failed."""
    if not _enough(history):
        return None
    try:
        with threadpool_limits(1):
            return _fit(history)
    except Exception:  # a model that cannot be fitted must not stop an import
        log.exception("the follow-up model failed; the list is ranked by recency")
        return None


def _rank_with(now: pd.DataFrame, model: LogisticRegression | None) -> pd.DataFrame:
    """The people of ``now``, in person_id order (as ``follow_up_people.sql`` reads them),
    ranked: ties stay in that order (a stable sort), as ``follow_up_list.write`` ranks them
    in SQL."""
    method = RECENCY
    if model is not None and len(now):
        with threadpool_limits(1):
            probability = model.predict_proba(design(now))[:, 1]
        method = MODEL
    if method == RECENCY:  # a ranking, not a probability: more recent first
        probability = np.full(len(now), np.nan)
        order = np.argsort(now["days_since_last"].to_numpy(float), kind="stable")
    else:
        order = np.argsort(-probability, kind="stable")
    ranked = now.iloc[order].assign(probability=probability[order], method=method)
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    return ranked


def refresh(con: duckdb.DuckDBPyConnection, refit: str = "") -> str:
    """Bring ``mart_follow_up`` up to date (inside the refresh's transaction), unless nothing
    it is made from changed: refitted when the people it learns from changed enough, or a
    month went by (``pipelines/models/fits.py``), or ``refit`` says why, else ranked again
    with the kept coefficients. With the kept coefficients and only some people read again,
    only their rows are written again and, if a row came or went, everyone's rank
    renumbered. Says which."""
    try:
        return _refresh(con, refit)
    finally:
        follow_up_inputs.forget_changed(con)


def _refresh(con: duckdb.DuckDBPyConnection, refit: str) -> str:
    found = windows(con)
    if found:  # only the people the batch could have changed are read again
        read = follow_up_inputs.update(con, found.as_of, refit)
        ranked = follow_up_inputs.count(con)
        kept: tuple[pd.DataFrame | str, ...] = (follow_up_inputs.PEOPLE, follow_up_inputs.SOURCES)
    else:
        read, ranked, kept = "", 0, (pd.DataFrame(), pd.DataFrame())
        follow_up_inputs.forget(con)
    fit = fits.stored(con, "follow_up")
    committed, acted = warehouse.one_row(
        con, "select count(first_commitment_at), count(first_action_at) from mart_person_milestones"
    )
    why = fits.why_refit(fit, committed, acted, None, refit)
    if not why and fit is not None:  # why_refit gives a reason whenever no fit is kept
        why = _a_month_later(fit, found)
    if why or fit is None:
        model = (
            _fitted(
                pd.concat([people(con, *found.cutoffs), people(con, found.cutoffs[1], found.as_of)])
            )
            if found and ranked
            else None
        )
        fit = fits.Fit(
            "follow_up",
            datetime.now().replace(microsecond=0),
            fits.code_hash(),
            committed,
            acted,
            None,
            _parameters(model, found),
        )
    # what it ranks, the coefficients it ranks them with, and the latest activity the days
    # since count from
    ranked_with = json.dumps(
        {"fit": fit.parameters, "as_of": found.as_of.isoformat() if found else None},
        sort_keys=True,
    )
    inputs = fingerprint(con, *kept, pd.DataFrame({"ranked_with": [ranked_with]}))
    written = follow_up_list.written(con)
    if written is not None and written[0] == inputs:
        return "unchanged: nothing it reads changed"
    if why:
        fits.save(con, fit)
    changed = follow_up_inputs.changed(con)
    done = f"refitted: {why}" if why else fits.kept(fit)
    if found and ranked and changed and written is not None and written[1] == ranked_with:
        rewritten = follow_up_list.write(con, fit.parameters, found.as_of, changed)
        done = f"{done}; {read}; {kept_inputs.people(rewritten)} written again in the list"
    else:
        con.execute(f"create or replace table mart_follow_up ({MART_COLUMNS})")
        if found and ranked:
            follow_up_list.write(con, fit.parameters, found.as_of)
        done = f"{done}; {read}" if read else done
    if found:
        follow_up_list.keep_written(con, inputs, ranked_with)
    else:  # no records, nothing kept: the empty list is written again each time
        con.execute(f"drop table if exists {follow_up_list.WRITTEN}")
    return done


def _a_month_later(fit: fits.Fit, found: Windows | None) -> str:
    """The windows it learnt from moved by a month or more: refit."""
    if found is None or fit.parameters.get("as_of") is None:
        return ""
    moved = found.as_of - datetime.fromisoformat(fit.parameters["as_of"])
    if abs(moved) >= timedelta(days=MIN_HORIZON_DAYS):
        return f"its windows moved by {abs(moved).days} days"
    return ""


def _parameters(model: LogisticRegression | None, found: Windows | None) -> dict:
    return {
        "as_of": found.as_of.isoformat() if found else None,
        "coef": None if model is None else model.coef_.tolist(),
        "intercept": None if model is None else model.intercept_.tolist(),
    }


def mart_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rows of ``mart_follow_up``, computed without writing (for a database filled
    before the list existed)."""
    found = windows(con)
    if found is None:
        return pd.DataFrame(columns=[c.split()[0] for c in MART_COLUMNS.split(",")])
    now, history = _frames(con, found)
    return _mart_rows(now, history, con.execute(_sql("follow_up_sources")).df())


def _mart_rows(now: pd.DataFrame, history: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    return _list(_rank(now, history), sources)


def _list(ranked: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    columns = [c.split()[0] for c in MART_COLUMNS.split(",")][:-1]
    shown = [c for c in columns if c in ranked.columns]
    return _rounded(ranked[shown]).merge(sources, on="person_id", how="left")[columns]


def _rounded(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranking's columns rounded as the list shows them."""
    return ranked.assign(
        probability=ranked["probability"].round(4),
        days_since_last=ranked["days_since_last"].round(1),
    )
