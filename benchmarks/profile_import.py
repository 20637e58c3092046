"""Where one file's import spends its time: every step and every SQL statement.

``python -m benchmarks.profile_import DB FILE [--refresh [--same-code]]``

Imports FILE into DB (use a copy: the file lands) as a batch of one and prints the
seconds of each import step and of the slowest SQL statements, next to DuckDB's bare
``read_csv`` of the same file in the same process. With ``--refresh``, the refresh of the
figures (people, marts, models) that follows a batch is timed too, step by step; without
it, it is left pending for the next import or ``turnout init``. The checkpoint that ends
the batch is timed either way. ``--same-code`` counts the kept model fits and marts as made by this
code, so that a database built before a change to the models or the marts is refreshed as
one built after it would be (nothing refitted or rebuilt once for the change).
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import duckdb

from benchmarks import command_line
from benchmarks.child import bare_read_csv, read_csv_arguments
from pipelines import load, warehouse


class _TimedConnection:
    """A connection whose ``execute`` adds its seconds to ``spent[statement]``."""

    def __init__(self, con, spent: dict[str, float]):
        self._con = con
        self._spent = spent

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, sql, *args):
        begun = time.perf_counter()
        try:
            return self._con.execute(sql, *args)
        finally:
            self._spent[" ".join(sql.split())[:100]] += time.perf_counter() - begun


def hashed_read_csv(path: Path, scratch: Path) -> float:
    """Seconds for read_csv plus the least an import that keeps no clear email must add:
    a keyed sha256 of the first column and an md5 of each row as its id (each as the 128-bit
    number the warehouse keeps), into a table."""
    import duckdb

    arguments = read_csv_arguments(path)
    con = duckdb.connect(str(scratch))
    try:
        begun = time.perf_counter()
        con.execute(
            """
            create or replace table hashed as
            select cast('0x' || md5(concat_ws('|', *columns(*))) as uhugeint) as record_id,
                   cast('0x' || left(sha256('secret:' || coalesce(#1, '')), 32) as uhugeint)
                       as key_hash, *
            from read_csv(?, header=true, skip=?, encoding=?)
        """,
            arguments,
        )
        return time.perf_counter() - begun
    finally:
        con.close()
        scratch.unlink(missing_ok=True)


def _as_this_code(con: duckdb.DuckDBPyConnection) -> None:
    from pipelines import marts, pyramid
    from pipelines.models import fits

    con.execute("update model_fits set code_hash = ?", [fits.code_hash()])
    rules = pyramid.rules_for(con)
    for mart in marts.marts():
        con.execute(
            "update mart_refresh_state set code_hash = ? where mart = ?",
            [marts.fingerprint(mart, rules), mart.name],
        )


def profile(db: Path, path: Path, refresh: bool, top: int = 15, same_code: bool = False) -> str:
    spent: dict[str, float] = defaultdict(float)
    opened = warehouse._open
    warehouse._open = lambda *a, **k: _TimedConnection(opened(*a, **k), spent)
    marks: list[tuple[str, float]] = []

    def mark(step: str) -> None:
        marks.append((step, time.perf_counter()))

    try:
        with load.session(db, refresh_figures=False) as batch:
            if same_code:
                _as_this_code(batch.con)
            begun = time.perf_counter()
            result = batch.import_file(path, load.ImportOptions(), progress=mark)
            imported = time.perf_counter()
            if refresh:
                batch.refresh(progress=mark)
            pending = batch.con.execute("select count(*) from pending_refresh").fetchone()[0]
            mark("checkpoint")  # as the batch ends
        ended = time.perf_counter()
    finally:
        warehouse._open = opened
    bare = bare_read_csv(path, db.with_name("bare-profile.duckdb"))
    db.with_name("bare-profile.duckdb").unlink(missing_ok=True)
    hashed = hashed_read_csv(path, db.with_name("hashed-profile.duckdb"))
    lines = [
        f"{path.name}: {result.status}; rows read {result.rows_read:,}, "
        f"loaded {result.rows_loaded:,}",
        f"the file's transaction {imported - begun:.2f} s; bare read_csv {bare:.2f} s "
        f"(ratio {(imported - begun) / bare:.1f}×)"
        + (
            f"; refresh {ended - imported:.2f} s"
            if refresh
            else f"; refresh left pending ({pending} import(s))"
        ),
        f"read_csv with a keyed hash and a row id per row, the least a private import "
        f"writes: {hashed:.2f} s ({hashed / bare:.1f}× bare read_csv)",
        "",
        "steps:",
    ]
    for (step, at), (_, following) in zip(marks, marks[1:] + [("end", ended)], strict=True):
        lines.append(f"  {step:<20} {following - at:7.2f} s")
    lines += ["", "slowest statements:"]
    for sql, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {seconds:7.2f} s  {sql}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = command_line("benchmarks.profile_import", __doc__)
    parser.add_argument("db", type=Path, help="a database (a copy: the file is imported)")
    parser.add_argument("file", type=Path, help="the export file to import")
    parser.add_argument(
        "--refresh", action="store_true", help="also time the refresh of the figures"
    )
    parser.add_argument(
        "--same-code",
        action="store_true",
        help="count the database's model fits and marts as made by this code",
    )
    args = parser.parse_args(argv)
    print(profile(args.db, args.file, args.refresh, same_code=args.same_code))


if __name__ == "__main__":
    main()
