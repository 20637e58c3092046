"""The figures built from every import: people linked, marts rebuilt, models refitted."""

from __future__ import annotations

import duckdb

from pipelines import identity, marts, models
from pipelines.errors import TurnoutError
from pipelines.import_types import Progress


def refresh(con: duckdb.DuckDBPyConnection, progress: Progress | None = None) -> bool:
    """Relink people, rebuild the marts and refit the models for the pending imports.

    One transaction: if it fails, the imports stay pending and the error says so.
    """
    pending = con.execute(
        "select import_id, replaced_records from pending_refresh order by import_id").fetchall()
    if not pending:
        return False
    step = progress or (lambda _name: None)
    con.execute("begin transaction")
    try:
        step("linking people")
        # imports that replaced no record removed no key or link: relink only their people
        replaced = any(replaced for _, replaced in pending)
        identity.resolve_people(
            con, added_by=None if replaced else [import_id for import_id, _ in pending])
        step("rebuilding marts")
        marts.rebuild(con)
        models.refresh(con)  # forecast and follow-up list, refitted on the new data
        con.execute("delete from pending_refresh")
        con.execute("commit")
    except Exception as error:
        con.execute("rollback")
        raise TurnoutError(code="figures.not_refreshed", error=type(error).__name__) \
            from error
    return True
