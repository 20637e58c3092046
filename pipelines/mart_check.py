"""Every mart, and the people linked, against a full rebuild of the same database, rolled
back: the promise of the incremental refresh (``pipelines/refresh.py``), checked by its
tests and its benchmark."""

from __future__ import annotations

import duckdb

from pipelines import identity, marts

TOLERANCE = 1e-9  # floats summed in another order may differ in their last bits
FLOATS = ("DOUBLE", "FLOAT", "REAL")
LINKED = ("person_keys", "people")  # one row per key, one per person: kept so by linking


def differences(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each mart (and ``person_keys``, ``people``) whose rows differ from what a full
    rebuild gives (everyone linked again, every mart rebuilt), and how; {} when every one is
    the same. Runs in a transaction that is rolled back: the database is unchanged."""
    con.execute("begin transaction")
    try:
        names = [*LINKED, *(m.name for m in marts.marts() if not m.is_view)]
        for name in names:
            con.execute(f"create or replace temp table kept_{name} as select * from {name}")
        identity.resolve_people(con)
        marts.rebuild(con)
        found = {}
        for name in names:
            problem = _compare(con, f"kept_{name}", name)
            if problem:
                found[name] = problem
        return found
    finally:
        con.execute("rollback")


def _compare(con: duckdb.DuckDBPyConnection, kept: str, built: str) -> str:
    described = con.execute(f"describe {built}").fetchall()
    kept_columns = [r[0] for r in con.execute(f"describe {kept}").fetchall()]
    columns = [r[0] for r in described]
    if kept_columns != columns:
        return f"columns {kept_columns} instead of {columns}"
    listed = ", ".join(columns)
    only_kept = con.execute(
        f"select {listed} from {kept} except all select {listed} from {built}"
    ).fetchall()
    only_built = con.execute(
        f"select {listed} from {built} except all select {listed} from {kept}"
    ).fetchall()
    if not only_kept and not only_built:
        return ""
    floats = [i for i, r in enumerate(described) if r[1] in FLOATS]
    if floats and len(only_kept) == len(only_built) and _close(only_kept, only_built, floats):
        return ""
    return (
        f"{len(only_kept)} row(s) only in the refreshed mart, e.g. {only_kept[:3]}; "
        f"{len(only_built)} only in the full rebuild, e.g. {only_built[:3]}"
    )


def _close(left: list[tuple], right: list[tuple], floats: list[int]) -> bool:
    """The rows pair up on every other column, and their floats are within TOLERANCE."""

    def exact(row: tuple) -> tuple:
        return tuple(v for i, v in enumerate(row) if i not in floats)

    def near(a: float | None, b: float | None) -> bool:
        return (a is None and b is None) or (
            a is not None and b is not None and abs(a - b) <= TOLERANCE
        )

    waiting = sorted(right, key=lambda r: repr(exact(r)))
    for row in sorted(left, key=lambda r: repr(exact(r))):
        match = next(
            (
                i
                for i, other in enumerate(waiting)
                if exact(other) == exact(row) and all(near(row[i], other[i]) for i in floats)
            ),
            None,
        )
        if match is None:
            return False
        waiting.pop(match)
    return not waiting
