"""Undo one import: remove exactly its rows and put back what it replaced.

An import adds rows (each canonical row carries its ``import_id``) and may replace rows
(moved to ``<table>_replaced`` with ``replaced_by``; see ``merge.merge``). Undoing it, in
one transaction:

1. rows it replaced that a later import has replaced again now count as replaced by that
   later import (undoing the later one must bring them back);
2. its own rows go, and the rows it replaced come back;
3. versions of its rows that later imports replaced go too;
4. its import record and rejected rows go, and a line in ``undone_imports`` says so.

People are then relinked in full and the figures refreshed, as after any import: the same
figures as if the file had never been imported. The rows removed wait in
``<table>_removed`` until that refresh has taken them out of the marts.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines import warehouse
from pipelines.errors import TurnoutError
from pipelines.targets import TARGETS

# rows that name an event the calendar must still hold
EVENT_USERS = ("registrations", "checkins", "facebook_event_snapshots")


@dataclass
class Undone:
    import_id: int
    file_name: str
    rows_removed: int
    rows_restored: int


def undo(con: duckdb.DuckDBPyConnection, import_id: int) -> Undone:
    """Remove import ``import_id`` and restore what it replaced; the figures are refreshed
    by the caller (``refresh.refresh``). Raises TurnoutError when it cannot be undone."""
    found = con.execute(
        "select file_name, source, imported_at from imports where import_id = ?", [import_id]
    ).fetchone()
    if found is None:
        raise TurnoutError(code="undo.unknown_import", import_id=import_id)
    file_name, source, imported_at = found
    _refuse_if_its_events_are_used(con, import_id, file_name)
    removed = restored = 0
    con.execute("begin transaction")
    try:
        for target in TARGETS.values():
            removed_here, restored_here = _undo_table(con, target.table, target.key, import_id)
            removed += removed_here
            restored += restored_here
        con.execute("delete from rejects where import_id = ?", [import_id])
        con.execute("delete from imports where import_id = ?", [import_id])
        con.execute(
            "insert into undone_imports values (?, ?, ?, ?, current_timestamp::timestamp, ?, ?)",
            [import_id, file_name, source, imported_at, removed, restored],
        )
        # keys may have gone: people are relinked in full by the next refresh
        con.execute("delete from pending_refresh where import_id = ?", [import_id])
        con.execute("insert into pending_refresh values (?, true)", [import_id])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return Undone(import_id, file_name, removed, restored)


def _undo_table(
    con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...], import_id: int
) -> tuple[int, int]:
    match = " and ".join(f"kept.{k} = now.{k}" for k in key)
    # what this import replaced and a later import replaced again stays replaced, by it
    con.execute(
        f"""
        update {table}_replaced as kept set replaced_by = now.import_id
        from {table} as now
        where kept.replaced_by = ? and now.import_id <> ? and {match}
    """,
        [import_id, import_id],
    )
    removed = warehouse.scalar(
        con, f"select count(*) from {table} where import_id = ?", [import_id]
    )
    # kept until the refresh has taken them out of the marts (pipelines/batch_changes.py)
    con.execute(
        f"insert into {table}_removed by name select *, ? as removed_by from {table} "
        "where import_id = ?",
        [import_id, import_id],
    )
    con.execute(f"delete from {table} where import_id = ?", [import_id])
    restored = warehouse.scalar(
        con, f"select count(*) from {table}_replaced where replaced_by = ?", [import_id]
    )
    con.execute(
        f"""
        insert into {table} by name
        select * exclude (replaced_by) from {table}_replaced where replaced_by = ?
    """,
        [import_id],
    )
    con.execute(
        f"delete from {table}_replaced where replaced_by = ? or import_id = ?",
        [import_id, import_id],
    )
    return int(removed), int(restored)


def _refuse_if_its_events_are_used(
    con: duckdb.DuckDBPyConnection, import_id: int, file_name: str
) -> None:
    """A calendar whose new events later files refer to cannot go first: those files would
    point at events that no longer exist."""
    users = " union all ".join(
        f"select event_id from {table} where import_id <> $import_id" for table in EVENT_USERS
    )
    used = con.execute(
        f"""
        select distinct e.event_id
        from events as e
        where e.import_id = $import_id
          and e.event_id not in (select event_id from events_replaced
                                 where replaced_by = $import_id)
          and e.event_id in ({users})
        order by e.event_id
        limit 5
    """,
        {"import_id": import_id},
    ).fetchall()
    if used:
        raise TurnoutError(
            code="undo.events_in_use",
            import_id=import_id,
            file=file_name,
            events=", ".join(event_id for (event_id,) in used),
        )
