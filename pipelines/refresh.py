"""The figures built from every import: people linked, marts refreshed, models refitted.

After a batch, only what the batch touched is redone: people are relinked from its records,
each mart is updated from its new, changed and removed rows as the mart declares
(``pipelines/marts.py``), and the models are refitted only when the data changed enough
(``pipelines/models``). ``full=True`` rebuilds everything from every row instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb

from pipelines import batch_changes, identity, marts, models, warehouse
from pipelines.errors import TurnoutError
from pipelines.import_types import Progress

# the steps besides one per mart, in order (the command line's progress bar counts them)
STEPS_BEFORE = ("reading the batch", "linking people")
STEPS_AFTER = (*models.STEPS, "saving")


@dataclass
class Refreshed:
    """What one refresh did."""

    imports: list[int]
    full: bool
    relinked: str  # "batch" (its records only) | "everyone"
    new_keys: int  # keys seen for the first time
    moved_keys: int  # keys now another person's: two people merged, or one split
    marts: list[marts.MartRefresh] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)  # model → refitted | kept | ...
    seconds: float = 0.0


def step_count() -> int:
    return len(STEPS_BEFORE) + len(marts.marts()) + len(STEPS_AFTER)


def refresh(con: duckdb.DuckDBPyConnection, progress: Progress | None = None) -> bool:
    """Bring the figures up to date with every pending import; False if none was."""
    return run(con, progress) is not None


def run(
    con: duckdb.DuckDBPyConnection, progress: Progress | None = None, full: bool = False
) -> Refreshed | None:
    """Relink people, refresh the marts and the models for the pending imports (``full``:
    rebuild everything from every row). None when nothing needed it.

    One transaction: if it fails, the imports stay pending and the error says so.
    """
    pending = [
        i
        for (i,) in con.execute(
            "select import_id from pending_refresh order by import_id"
        ).fetchall()
    ]
    if not (pending or full or marts.stale(con)):
        return None
    step = progress or (lambda _name: None)
    begun = time.perf_counter()
    con.execute("begin transaction")
    try:
        step(STEPS_BEFORE[0])
        batch_changes.lay_out(con, pending)
        done = _relink(con, pending, full, step)
        done.marts = marts.refresh(con, full=full, progress=step)
        done.models = models.refresh(con, step, refit=_refit_models(con, full))
        step(STEPS_AFTER[-1])  # writing what changed: the commit
        batch_changes.consume(con)
        con.execute("delete from pending_refresh")
        con.execute("commit")
    except Exception as error:
        con.execute("rollback")
        raise TurnoutError(code="figures.not_refreshed", error=type(error).__name__) from error
    done.seconds = time.perf_counter() - begun
    return done


def _refit_models(con: duckdb.DuckDBPyConnection, full: bool) -> str:
    """Why the models are refitted whatever changed: a full refresh, or an undo (the figures
    of a campaign that never had the import, not of one that had it for a while)."""
    if full:
        return "a full refresh"
    return "an import was undone" if batch_changes.undone(con) else ""


def _relink(
    con: duckdb.DuckDBPyConnection, pending: list[int], full: bool, step: Progress
) -> Refreshed:
    # relink everyone when a key or a link may have gone; else only the batch's people
    empty = not warehouse.scalar(con, "select count(*) from person_keys")
    everyone = full or empty or batch_changes.links_may_break(con)
    step(STEPS_BEFORE[1])
    if full:  # every mart is rebuilt: who moved does not matter
        identity.resolve_people(con)
        return Refreshed(pending, full, "everyone", 0, 0)
    if everyone:
        batch_changes.before_linking(con)
        identity.resolve_people(con)
        new, moved = batch_changes.after_linking(con)
    else:  # the linking knows whose keys it moved
        identity.resolve_people(con, added_by=pending, moves="moved_keys")
        new, moved = batch_changes.moves(con)
    return Refreshed(pending, full, "everyone" if everyone else "batch", new, moved)
