"""A change to the SQL of marts or models, old against new, on one database.

``python -m benchmarks.compare_sql DB REV [--rounds 2] [--same-rows]``

Every mart (``pipelines/sql/marts``) and model query (``pipelines/sql/models``) whose SQL
differs between the git revision REV and the working tree is run both ways on DB, in
turns (the new one first in every other round: interleaved A/B on a shared machine), each
inside a transaction rolled back under the import's memory limit, as a full rebuild
writes it: into a table. Prints each one's seconds per round; with ``--same-rows``, also
whether the two give the same rows (``EXCEPT ALL`` both ways: minutes at 10M). The model
queries of the follow-up list run as of the campaign's latest activity. DB is left as
it was.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import duckdb

from benchmarks import command_line
from pipelines import marts, pyramid, warehouse

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("pipelines/sql/marts", "pipelines/sql/models")


def changed(rev: str) -> list[tuple[str, str, str]]:
    """(name, SQL at REV, SQL now) of each mart and model query that differs."""
    listed = subprocess.run(
        ["git", "diff", "--name-only", rev, "--", *FOLDERS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = []
    for name in listed:
        path = ROOT / name
        if not path.exists() or path.name.startswith("_") or name.endswith(".delta.sql"):
            continue
        old = subprocess.run(
            ["git", "show", f"{rev}:{name}"], cwd=ROOT, capture_output=True, text=True
        )
        if old.returncode == 0:  # a new file has nothing to compare with
            found.append((path.stem, old.stdout, path.read_text(encoding="utf-8")))
    return found


def compare(db: Path, pairs: list[tuple[str, str, str]], rounds: int, same_rows: bool) -> str:
    lines = ["| SQL | old s | new s | same rows |", "|---|---|---|---|"]
    with warehouse.writer(db) as con:
        con.execute("set TimeZone = 'UTC'")
        marts.install_macros(con)
        pyramid.install_rules(con)
        parameters = _as_of(con)
        for name, old, new in pairs:
            seconds: dict[str, list[float]] = {"old": [], "new": []}
            for round_no in range(rounds):
                for which in ("old", "new") if round_no % 2 == 0 else ("new", "old"):
                    sql = old if which == "old" else new
                    seconds[which].append(_timed(con, sql, _used(sql, parameters)))
            same = _same_rows(con, old, new, parameters) if same_rows else "not compared"
            lines.append(
                f"| {name} | {_listed(seconds['old'])} | {_listed(seconds['new'])} | {same} |"
            )
    return "\n".join(lines)


def _as_of(con: duckdb.DuckDBPyConnection) -> dict:
    from pipelines.models import follow_up

    found = follow_up.windows(con)
    return {} if found is None else {"cutoff": found.as_of, "until": found.as_of}


def _used(sql: str, parameters: dict) -> dict:
    return {k: v for k, v in parameters.items() if f"${k}" in sql}


def _timed(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict) -> float:
    con.execute("begin transaction")
    try:
        begun = time.perf_counter()
        con.execute(f"create temp table compared as {sql}", parameters)
        return time.perf_counter() - begun
    finally:
        con.execute("rollback")


def _same_rows(con: duckdb.DuckDBPyConnection, old: str, new: str, parameters: dict) -> str:
    con.execute("begin transaction")
    try:
        con.execute(f"create temp table compared_old as {old}", _used(old, parameters))
        con.execute(f"create temp table compared_new as {new}", _used(new, parameters))
        only_old, only_new = warehouse.one_row(
            con,
            "select (select count(*) from (from compared_old except all from compared_new)), "
            "(select count(*) from (from compared_new except all from compared_old))",
        )
    finally:
        con.execute("rollback")
    return "yes" if only_old == only_new == 0 else f"**no**: {only_old:,} old, {only_new:,} new"


def _listed(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main(argv: list[str] | None = None) -> None:
    parser = command_line("benchmarks.compare_sql", __doc__)
    parser.add_argument("db", type=Path, help="a Turnout database (left unchanged)")
    parser.add_argument("rev", help="the git revision to compare with, e.g. HEAD~3")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, in turns")
    parser.add_argument("--same-rows", action="store_true", help="compare their rows too")
    args = parser.parse_args(argv)
    print(compare(args.db, changed(args.rev), args.rounds, args.same_rows))


if __name__ == "__main__":
    main()
