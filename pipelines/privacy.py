"""Personal data outside the keys: one definition, in SQL, for rows and for names.

The checks live in ``sql/staging/_privacy.sql``; rows use them inside the import's SQL.
File names and campaign names, which are not rows, go through the same macros here.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from typing import overload

import duckdb

_lock = threading.Lock()  # the dashboard serves each browser session in a thread


@cache
def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        (resources.files("pipelines") / "sql" / "staging" / "_privacy.sql").read_text(
            encoding="utf-8"
        )
    )
    return con


@overload
def masked(text: str) -> str: ...
@overload
def masked(text: None) -> None: ...
def masked(text: str | None) -> str | None:
    """``text`` with every email and phone number in it replaced by [...]."""
    if not text:
        return text
    with _lock:
        row = _connection().execute("select turnout_masked(?)", [text]).fetchone()
    if row is None:  # a select without a from clause returns one row
        raise LookupError("turnout_masked returned no row")
    return row[0]


def masked_file_name(name: str) -> str:
    """A file name with its emails and phones masked, its extension kept."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 5:
        return masked(name)
    return f"{masked(stem)}.{extension}"
