"""Models brought up to date after every batch: the turnout forecast and the follow-up list.

Each mart keeps a fingerprint of the data and code it was made from (``inputs_hash``):
a batch that changed nothing a model reads (a post export, say) leaves it as it is. Each
model keeps its fit (``fits.py``) and is refitted only when its training data changed
enough; otherwise the kept fit predicts again from the new data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pandas as pd

CODE = sorted(Path(__file__).parent.glob("*.py")) + sorted(
    (Path(__file__).parent.parent / "sql" / "models").glob("*.sql"))


STEPS = ("forecast", "follow-up list")


def refresh(con: duckdb.DuckDBPyConnection, progress=None, refit: str = ""
            ) -> dict[str, str]:
    """Bring both models' marts up to date, inside the refresh's transaction (``refit``:
    why both are refitted whatever changed); what each did."""
    from pipelines.models import follow_up, forecast

    step = progress or (lambda _name: None)
    step(STEPS[0])
    done = {STEPS[0]: forecast.refresh(con, refit)}
    step(STEPS[1])
    done[STEPS[1]] = follow_up.refresh(con, refit)
    return done


def fingerprint(*frames: pd.DataFrame) -> str:
    import numpy as np
    import pandas as pd  # only when a model is refitted: `turnout report` never needs it

    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.read_bytes())
    for frame in frames:
        digest.update(",".join(map(str, frame.columns)).encode())
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        digest.update(np.sort(rows).tobytes())  # the same rows in any order: the same data
    return digest.hexdigest()


def stored_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    has = con.execute("select count(*) from duckdb_columns() where table_name = ? "
                      "and column_name = 'inputs_hash'", [table]).fetchone()[0]
    if not has:
        return None
    return con.execute(f"select any_value(inputs_hash) from {table}").fetchone()[0]
