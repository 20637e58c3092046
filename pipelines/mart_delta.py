"""One mart brought up to date after a batch, as its ``<stem>.delta.sql`` says.

A mart declaring ``-- refresh: incremental by <key columns>`` has a delta file beside it
with up to four sections, each opened by a comment line:

``-- keys:``
    the values of the key columns whose rows the batch may have changed (more rows than
    needed is only slower; fewer is wrong). It may give more columns, for the sections
    below. It reads what the batch changed (``batch_<table>``, ``moved_keys``: see
    ``pipelines/batch_changes.py``) and what the marts before it changed
    (``removed_<mart>``, ``added_<mart>``: below).
``-- input <table>:`` (any number)
    the rows of an upstream table that the mart's own SQL needs to rebuild those keys; it
    may read ``redo_keys`` (the keys above). The mart's own SQL then runs unchanged, with
    each such table replaced by these rows: its result is ``rebuilt``.
``-- rows:`` (optional)
    the mart's new rows for the keys, when its own SQL over fewer rows cannot give them
    (a count over everyone, say); it may read ``rebuilt``, ``redo_keys`` and ``old_rows``
    (the rows of the keys before the refresh). Without it, the new rows are ``rebuilt``.
``-- full when: <why>`` (optional)
    true when the mart must be rebuilt in full instead; the refresh's summary says why.

The runner keeps only the new rows of the keys, deletes the keys' old rows, inserts the new
ones, and leaves the net change for the marts after it: ``removed_<mart>`` (rows that went)
and ``added_<mart>`` (rows that came); a row put back unchanged is in neither.
"""

from __future__ import annotations

import duckdb

from pipelines import warehouse
from pipelines.mart_types import Mart, MartRefresh

WORK_TABLES = ("redo_keys", "redo_key_values", "old_rows", "new_rows", "rebuilt")


def run(con: duckdb.DuckDBPyConnection, mart: Mart) -> MartRefresh:
    name, delta = mart.name, mart.required_delta()
    columns = ", ".join(r[0] for r in con.execute(f"describe {name}").fetchall())
    keys = ", ".join(mart.keys)
    con.execute(f"create or replace temp table redo_keys as {delta.keys}")
    con.execute(f"create or replace temp table redo_key_values as "
                f"select distinct {keys} from redo_keys")
    count = warehouse.scalar(con, "select count(*) from redo_key_values")
    if count == 0:  # nothing of this mart changed: nothing to read
        for change in ("removed", "added"):
            con.execute(f"create or replace temp table {change}_{name} as "
                        f"select {columns} from {name} limit 0")
        return MartRefresh(name, "incremental")
    con.execute(f"create or replace temp table old_rows as select m.* from {name} as m "
                f"semi join redo_key_values as k on {_match('m', 'k', mart.keys)}")
    if delta.inputs:
        _rebuild_from_inputs(con, mart)
    con.execute(f"create or replace temp table new_rows as "
                f"select r.* from ({delta.rows or 'select * from rebuilt'}) as r "
                f"semi join redo_key_values as k on {_match('r', 'k', mart.keys)}")
    con.execute(f"delete from {name} as m using redo_key_values as k "
                f"where {_match('m', 'k', mart.keys)}")
    con.execute(f"insert into {name} by name select {columns} from new_rows")
    con.execute(f"create or replace temp table removed_{name} as "
                f"select {columns} from old_rows except all select {columns} from new_rows")
    con.execute(f"create or replace temp table added_{name} as "
                f"select {columns} from new_rows except all select {columns} from old_rows")
    removed, added = (warehouse.scalar(con, f"select count(*) from {change}_{name}")
                      for change in ("removed", "added"))
    return MartRefresh(name, "incremental", keys=count, removed=removed, added=added)


def _match(left: str, right: str, keys: tuple[str, ...]) -> str:
    # a key column may be null (mart_funnel's period_start of the all-time cells)
    return " and ".join(f"{left}.{k} is not distinct from {right}.{k}" for k in keys)


def _rebuild_from_inputs(con: duckdb.DuckDBPyConnection, mart: Mart) -> None:
    """The mart's own SQL over the input rows: each input is read in full before any
    upstream table is replaced, then temporary views of the same names stand in for them
    (a temporary name comes first) while the mart's SQL runs."""
    inputs = mart.required_delta().inputs
    tables = list(inputs)
    for table, sql in inputs.items():
        con.execute(f"create or replace temp table redo_input_{table} as {sql}")
    try:
        for table in tables:
            con.execute(f"create temp view {table} as select * from redo_input_{table}")
        con.execute(f"create or replace temp table rebuilt as {mart.sql}")
    finally:
        for table in tables:
            con.execute(f"drop view if exists temp.{table}")
            con.execute(f"drop table if exists temp.redo_input_{table}")


def clear(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Drop the refresh's working tables and the marts' changes."""
    for table in [*WORK_TABLES, *(f"{change}_{name}" for name in names
                                  for change in ("removed", "added"))]:
        con.execute(f"drop table if exists temp.{table}")
