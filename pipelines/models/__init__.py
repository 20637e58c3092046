"""Models brought up to date after every batch: the turnout forecast and the follow-up list.

Each mart keeps a fingerprint of the data and code it was made from (``inputs_hash``,
``fingerprints.py``; the follow-up list's in ``model_follow_up_written``): a batch that
changed nothing a model reads (a post export, say) leaves it as it is. Each model keeps its
fit (``fits.py``) and is refitted only when its training data changed enough; otherwise the
kept fit predicts again from the new data.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

STEPS = ("forecast", "follow-up list")


def refresh(
    con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] | None = None, refit: str = ""
) -> dict[str, str]:
    """Bring both models' marts up to date, inside the refresh's transaction (``refit``:
    why both are refitted whatever changed); what each did."""
    step = progress or (lambda _name: None)
    step(STEPS[0])  # before loading the models' code: the forecast's time, not a mart's
    # only when the models are refreshed: `turnout report` never loads it. scikit-learn
    # (about 1.4 s to load) is loaded only to fit: a kept fit predicts with numpy and SQL
    from pipelines.models import follow_up, forecast

    done = {STEPS[0]: forecast.refresh(con, refit)}
    step(STEPS[1])
    done[STEPS[1]] = follow_up.refresh(con, refit)
    return done
