"""One mart brought up to date after a batch, as its ``<stem>.delta.sql`` says.

A mart declaring ``-- refresh: incremental by <key columns>`` has a delta file beside it
with up to four sections, each opened by a comment line:

``-- keys:``
    the values of the key columns whose rows the batch may have changed (more rows than
    needed is only slower; fewer is wrong). It may give more columns, for the sections
    below. It reads what the batch changed (``batch_<table>``, ``moved_keys``: see
    ``pipelines/batch_changes.py``), what the marts before it changed
    (``removed_<mart>``, ``added_<mart>``: below) and the mart itself, as it was before
    the batch.

    ``-- keys: within <columns>`` says more: the keys also give these columns of the
    mart (a record's event, petition or email campaign), and each row of a key in the
    mart has the values that one of that key's rows in the keys gives. Its old rows are then
    read only where one of these columns holds one of the values the keys give (or where
    all are null, when a key gives none), written into the query as constants when they
    are at most ``WITHIN_VALUES``: DuckDB then skips the rest of the mart by its row
    groups' bounds instead of comparing every stored key (a sign-in sheet's records are
    looked for among its event's rows only).
``-- input <table>:`` (any number)
    the rows of an upstream table that the mart's own SQL needs to rebuild those keys; it
    may read ``redo_keys`` (the keys above), and the inputs before it as
    ``redo_input_<table>``. The mart's own SQL then runs with each such table (read with
    ``from <table>`` or ``join <table>``) replaced by these rows: its result is
    ``rebuilt`` (a table only when the mart declares ``rows``, below, which may read it).
    The rows are a view, read where the mart reads them, only the columns it uses;
    ``-- input <table>: as a table`` copies them into a table once instead, for a mart
    that reads its input more than once (``30_mart_funnel.delta.sql``); ``... as a table
    when few`` does so only when the keys are at most ``FEW_KEYS``, for a mart whose
    plan depends on knowing how few rows the input has (``10_mart_person_records.delta.sql``).
``-- rows:`` (optional)
    the mart's new rows for the keys, when its own SQL over fewer rows cannot give them
    (a count over everyone, say); it may read ``rebuilt``, ``redo_keys`` and ``old_rows``
    (the rows of the keys before the refresh, with one more column, ``turnout_row_at``:
    name the columns it needs). Without it, the new rows are ``rebuilt``.
``-- full when: <why>`` (optional)
    true when the mart must be rebuilt in full instead; the refresh's summary says why.
    It is asked before the keys, unless it reads them (``redo_key_values``, one row per
    key): then once they are known, and the mart is rebuilt in full when it is true.

The runner keeps only the new rows of the keys and compares them with the keys' old rows:
the net change is ``removed_<mart>`` (rows that went) and ``added_<mart>`` (rows that
came); a row put back unchanged is in neither. It deletes the rows that went (by their
place in the table, found when they were read: the mart is not read a second time) and
inserts the rows that came, and leaves both tables for the marts after it.
"""

from __future__ import annotations

import re

import duckdb

from pipelines import warehouse
from pipelines.mart_types import Mart, MartRefresh

ROW_AT = "turnout_row_at"  # old_rows' extra column: the row's place in the mart
WITHIN_VALUES = 100  # at most this many values of a delta's ``within`` columns are written out
# at most this many keys, an input said ``as a table when few`` is copied into a table: a
# sign-in sheet's 200 (the records of one at 10M 0.16-0.27 s -> 0.07-0.10 s), not a week's
# newsletter's 73,768 at 1M or 740,195 at 10M (there the copy cost more than it saved)
FEW_KEYS = 10_000
WORK_TABLES = ("redo_keys", "redo_key_values", "old_rows", "old_key_values", "new_rows", "rebuilt")


def run(con: duckdb.DuckDBPyConnection, mart: Mart) -> MartRefresh:
    name, delta = mart.name, mart.required_delta()
    columns = ", ".join(r[0] for r in con.execute(f"describe {name}").fetchall())
    keys = ", ".join(mart.keys)
    con.execute(f"create or replace temp table redo_keys as {delta.keys}")
    con.execute(
        f"create or replace temp table redo_key_values as select distinct {keys} from redo_keys"
    )
    count = warehouse.scalar(con, "select count(*) from redo_key_values")
    if count == 0:  # nothing of this mart changed: nothing to read
        for change in ("removed", "added"):
            con.execute(
                f"create or replace temp table {change}_{name} as "
                f"select {columns} from {name} limit 0"
            )
        return MartRefresh(name, "incremental")
    if delta.full_when and delta.full_when_reads_keys and warehouse.scalar(con, delta.full_when):
        return MartRefresh(name, "full", delta.full_when_reason, keys=count)
    # each old row with its place in the table: deleting by place reads no column again
    within, values = _within(con, delta.within)
    con.execute(
        f"create or replace temp table old_rows as select m.*, m.rowid as {ROW_AT} "
        f"from {name} as m semi join redo_key_values as k on {_match('m', 'k', mart.keys)} "
        f"where {within}",
        values,
    )
    new_rows = (
        "create or replace temp table new_rows as select r.* from (\nROWS\n) as r "
        f"semi join redo_key_values as k on {_match('r', 'k', mart.keys)}"
    )
    few = count <= FEW_KEYS
    if delta.inputs and not delta.rows:
        # the new rows straight from the mart's SQL: a table of it first would be a second
        # copy, and every work table of the refresh stays in memory until it commits
        _rebuild_from_inputs(con, mart, new_rows, few)
    else:
        if delta.inputs:
            _rebuild_from_inputs(con, mart, "create or replace temp table rebuilt as ROWS", few)
        con.execute(new_rows.replace("ROWS", delta.rows or "select * from rebuilt"))
    _changes(con, mart, columns)
    # only what changed is written: the old rows that went, found by their place in the
    # table, and the rows that came (a mart's rows are distinct, so the two make the new
    # rows of every key)
    every_column = tuple(columns.split(", "))
    con.execute(
        f"delete from {name} where rowid in (select o.{ROW_AT} from old_rows as o "
        f"semi join removed_{name} as r on {_match('o', 'r', every_column)})"
    )
    con.execute(f"insert into {name} by name select {columns} from added_{name}")
    removed, added = (
        warehouse.scalar(con, f"select count(*) from {change}_{name}")
        for change in ("removed", "added")
    )
    return MartRefresh(name, "incremental", keys=count, removed=removed, added=added)


def _changes(con: duckdb.DuckDBPyConnection, mart: Mart, columns: str) -> None:
    """``removed_<mart>`` (old rows that are not new) and ``added_<mart>`` (new rows that
    are not old). A mart's rows are distinct (its contract's key is unique): set
    differences suffice. When the new rows outnumber the old more than twice (a week's
    new records), only the keys that had rows before are compared, and ``new_rows``
    itself becomes ``added_<mart>`` without the rows that were there before: every work
    table stays in memory until the refresh commits, and a copy would be a second one."""
    name, keys = mart.name, ", ".join(mart.keys)
    old, new = (
        warehouse.scalar(con, f"select count(*) from {t}") for t in ("old_rows", "new_rows")
    )
    if 2 * old >= new:  # comparing everything costs less than finding the keys first
        for change, first, second in (
            ("removed", "old_rows", "new_rows"),
            ("added", "new_rows", "old_rows"),
        ):
            con.execute(
                f"create or replace temp table {change}_{name} as "
                f"select {columns} from {first} except select {columns} from {second}"
            )
        return
    con.execute(
        f"create or replace temp table old_key_values as select distinct {keys} from old_rows"
    )
    had_rows = f"semi join old_key_values as k on {_match('r', 'k', mart.keys)}"
    con.execute(
        f"create or replace temp table removed_{name} as "
        f"select {columns} from old_rows except select {columns} from new_rows as r {had_rows}"
    )
    con.execute(f"drop table if exists temp.added_{name}")
    if ", ".join(r[0] for r in con.execute("describe new_rows").fetchall()) != columns:
        con.execute(f"create temp table added_{name} as select {columns} from new_rows")
    else:
        con.execute(f"alter table temp.new_rows rename to added_{name}")
    every_column = tuple(columns.split(", "))
    con.execute(
        f"delete from added_{name} where rowid in (select r.rowid from added_{name} as r "
        f"{had_rows} semi join old_rows as o on {_match('r', 'o', every_column)})"
    )


def change_of_rebuild(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """After a full rebuild, what changed (``removed_<name>``, ``added_<name>``) from the
    rows kept in ``before_<name>``; False when the columns changed and rows cannot be
    compared."""
    before = [r[:2] for r in con.execute(f"describe before_{name}").fetchall()]
    now = [r[:2] for r in con.execute(f"describe {name}").fetchall()]
    if before == now:
        columns = ", ".join(column for column, _ in now)
        for change, first, second in (
            ("removed", f"before_{name}", name),
            ("added", name, f"before_{name}"),
        ):
            con.execute(
                f"create or replace temp table {change}_{name} as select {columns} "
                f"from {first} except all select {columns} from {second}"
            )
    con.execute(f"drop table temp.before_{name}")
    return before == now


def _within(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> tuple[str, list]:
    """The condition on the mart's rows (``m``) that keeps those in the partitions the keys
    give for ``columns``, and its values; ``true`` when there are none, or too many to
    write out."""
    if not columns:
        return "true", []
    distinct = ", ".join(f"count(distinct {c})" for c in columns)
    all_null = " and ".join(f"{c} is null" for c in columns)
    found = con.execute(
        f"select {distinct}, count(*) filter (where {all_null}) from redo_keys"
    ).fetchone()
    *counts, unpartitioned = found or (0,) * (len(columns) + 1)
    if sum(counts) > WITHIN_VALUES:
        return "true", []
    clauses, values = [], []
    for column, count in zip(columns, counts, strict=True):
        if count:
            values += [
                value
                for (value,) in con.execute(
                    f"select distinct {column} from redo_keys where {column} is not null"
                ).fetchall()
            ]
            clauses.append(f"m.{column} in ({', '.join('?' * count)})")
    if unpartitioned:
        clauses.append("(" + " and ".join(f"m.{c} is null" for c in columns) + ")")
    return "(" + " or ".join(clauses) + ")", values


def _match(left: str, right: str, keys: tuple[str, ...]) -> str:
    # a key column may be null (mart_funnel's period_start of the all-time cells)
    return " and ".join(f"{left}.{k} is not distinct from {right}.{k}" for k in keys)


def _rebuild_from_inputs(
    con: duckdb.DuckDBPyConnection, mart: Mart, statement: str, few: bool = False
) -> None:
    """Run ``statement`` with ``ROWS`` in it replaced by the mart's own SQL over the input
    rows: each upstream table it names in a ``from`` or a ``join`` is read from a temporary
    view of the input's rows instead (read lazily, so that only the columns the mart uses
    are read), or from a temporary table of them when the delta says ``as a table`` (or
    ``as a table when few`` and the keys are ``few``)."""
    sql, delta = mart.sql, mart.required_delta()
    tables = delta.input_tables | (delta.input_tables_when_few if few else frozenset())
    kinds = {table: "table" if table in tables else "view" for table in delta.inputs}
    for table, query in delta.inputs.items():
        con.execute(f"create or replace temp {kinds[table]} redo_input_{table} as {query}")
        sql, found = _FROM_OR_JOIN[table].subn(rf"\g<1>redo_input_{table}", sql)
        if not found or table in _names(sql):
            raise ValueError(
                f"{mart.stem}.sql must read {table} with 'from {table}' or "
                f"'join {table}' only, for its delta's input"
            )
    try:
        con.execute(statement.replace("ROWS", sql))
    finally:
        for table, kind in kinds.items():
            con.execute(f"drop {kind} if exists temp.redo_input_{table}")


class _Patterns(dict[str, re.Pattern[str]]):
    def __missing__(self, table: str) -> re.Pattern[str]:
        self[table] = re.compile(rf"(?i)\b((?:from|join)\s+){re.escape(table)}\b")
        return self[table]


_FROM_OR_JOIN = _Patterns()


def _names(sql: str) -> set[str]:
    """The names in SQL code, outside comments and quoted text."""
    code = re.sub(r"--[^\n]*|'[^']*'", "", sql)
    return set(re.findall(r"[a-z_][a-z0-9_]*", code.lower()))


def clear(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Drop the refresh's working tables and the marts' changes."""
    for table in [
        *WORK_TABLES,
        *(f"{change}_{name}" for name in names for change in ("removed", "added")),
    ]:
        con.execute(f"drop table if exists temp.{table}")
