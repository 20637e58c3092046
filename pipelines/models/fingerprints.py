"""What a model was fitted from: a fingerprint of its code and its input rows, kept in
its mart's ``inputs_hash`` so that a refit is skipped when neither changed."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines import warehouse

if TYPE_CHECKING:
    import pandas as pd

CODE = sorted(Path(__file__).parent.glob("*.py")) + sorted(
    (Path(__file__).parent.parent / "sql" / "models").glob("*.sql")
)


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
    has = warehouse.scalar(
        con,
        "select count(*) from duckdb_columns() where table_name = ? "
        "and column_name = 'inputs_hash'",
        [table],
    )
    if not has:
        return None
    return warehouse.scalar(con, f"select any_value(inputs_hash) from {table}")
