"""What a model was fitted from: a fingerprint of its code and its input rows, kept in
its mart's ``inputs_hash`` so that a refit is skipped when neither changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines import warehouse

if TYPE_CHECKING:
    import pandas as pd

CODE = sorted(Path(__file__).parent.glob("*.py")) + sorted(
    (Path(__file__).parent.parent / "sql" / "models").glob("*.sql")
)


def fingerprint(con: duckdb.DuckDBPyConnection, *frames: pd.DataFrame | str) -> str:
    """The same code and the same rows in any order give the same fingerprint (of a frame,
    or of a table named by a string, read in ``con``'s transaction).

    DuckDB sums each row's hash: at 10M, 0.05 s where hashing the rows in pandas took 1.0 s.
    The hash is DuckDB's own; a new version of DuckDB may change it, which costs one rewrite.
    """
    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.read_bytes())
    for frame in frames:
        columns = con.table(frame).columns if isinstance(frame, str) else frame.columns
        digest.update(",".join(map(str, columns)).encode())
        digest.update(f"|{_rows_hash(con, frame)}|".encode())
    return digest.hexdigest()


def _rows_hash(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame | str) -> tuple:
    """How many rows, and the sum of their hashes (a 128-bit sum: no overflow, no order)."""
    if isinstance(frame, str):
        return _table_hash(con, frame)
    if not len(frame.columns):
        return (len(frame), None)
    columns = _quoted(frame.columns)
    # its own cursor: the frame is hashed apart from the transaction and any open result
    with con.cursor() as cursor:
        cursor.register("fingerprinted_rows", frame)
        return cursor.execute(
            f"select count(*), sum(hash({columns})::hugeint) from fingerprinted_rows"
        ).fetchall()[0]


def _table_hash(con: duckdb.DuckDBPyConnection, table: str) -> tuple:
    row = con.execute(
        f"select count(*), sum(hash({_quoted(con.table(table).columns)})::hugeint) from {table}"
    ).fetchone()
    return tuple(row) if row else (0, None)


def _quoted(columns: Iterable[object]) -> str:
    return ", ".join('"' + str(c).replace('"', '""') + '"' for c in columns)


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
