"""The refresh after a week's batch, mart by mart: a git revision's code against the working
tree's, in turns.

``python -m benchmarks.week_ab REV [--scale 1000000] [--rounds 2] [--work DIR] [--sheet]
[--full | --end-to-end] [--settled] [--rebuilt]``

The campaign's database without the week is the one ``benchmarks.incremental`` keeps at that
scale (built here by the revision's code when missing); a side whose schema is newer reads a
copy of it upgraded and refreshed in full by its own code (kept too). Each round copies it once
per side, imports the week's three files (``--sheet``: the sign-in sheet alone) with the
refresh held back, then times ``pipelines.refresh.run`` step by step (``--full``: the full
rebuild, as ``turnout refresh --full``; ``--end-to-end``: the files' import and the refresh
after it together, as ``turnout import`` runs them in a new process, the models' code loaded by
the refresh itself); the side that goes first alternates from round to round (interleaved A/B
on a shared machine). The revision's code runs from a ``git worktree`` of it; each side's code
is compiled to bytecode before the first round, as an installed copy runs. Each copy is written
through to the disk before the clock starts (``benchmarks.incremental._copy``): its first
checkpoint would otherwise write the whole copy out. ``--settled``: each copy also goes through
one checkpoint that has something to write first (a table made and dropped; with the copy
written through, the sheet's closing checkpoint took as long either way). Both sides count the
marts and the models' kept inputs as built by their own code, as a database refreshed by that
code would be: right only when both build the same rows (the property test,
``benchmarks.compare_sql --same-rows``). ``--rebuilt``, for a change to what a mart's rows are
(a key's type, say): each side reads a copy of the campaign refreshed in full by its own code
instead (made once, kept next to it under a digest of that code's marts). Prints each step's
seconds per round, side by side (linking people, each mart, the two models, saving), and how
each mart was refreshed (incremental, with how many keys, or full).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def child(
    base: Path,
    place: Path,
    scale: int,
    sheet: bool,
    full: bool = False,
    end_to_end: bool = False,
    settled: bool = False,
    rebuilt: bool = False,
) -> dict:
    """One side, in a process whose ``pipelines`` is that side's code."""
    from benchmarks.incremental import _copy, _import, _steps, week_files
    from benchmarks.profile_import import _as_this_code
    from benchmarks.run import ROWS_PER_PERSON, sample_folder
    from pipelines import load
    from pipelines import refresh as figures
    from pipelines.models import follow_up_inputs, forecast_inputs
    from pipelines.models import kept_inputs as kept

    # the models' modules load before the clock starts, as in a running app; end to end,
    # as in a new `turnout import`, the refresh loads them
    for module in () if end_to_end else ("pipelines.models.forecast", "pipelines.models.follow_up"):
        importlib.import_module(module)

    work = base.parent.parent
    folder = sample_folder(work.parent, round(scale / ROWS_PER_PERSON), 2026)
    _, week = week_files(folder, work)
    own = _base_for_this_code(base)
    db = _copy(_rebuilt_by_this_code(own) if rebuilt else own, place)
    if settled:
        _settle(db)
    files = week[-1:] if sheet else week
    if not end_to_end:
        _import(db, files, refresh=False)
    with load.session(db, refresh_figures=False) as batch:
        con = batch.con
        _as_this_code(con)
        for table, queries in (
            (forecast_inputs.BASIS, (forecast_inputs.QUERY,)),
            (follow_up_inputs.BASIS, follow_up_inputs.QUERIES),
        ):
            con.execute(f"update {table} set code_hash = ?", [kept.code_hash(con, *queries)])
        if not end_to_end:
            marks: list[tuple[str, float]] = []  # each step's start
            begun = time.perf_counter()
            done = figures.run(
                con, lambda step: marks.append((step.split(":")[0], time.perf_counter())), full
            )
            seconds = time.perf_counter() - begun
    if end_to_end:
        seconds = _import(db, files, refresh=True)
        shutil.rmtree(place)
        return {"refresh_seconds": seconds, "steps": {}, "marts": {}, "models": {}}
    shutil.rmtree(place)
    return {
        "refresh_seconds": seconds,
        "steps": _steps(marks, begun + seconds),
        "marts": {m.mart: [m.seconds, m.how, m.keys] for m in done.marts},
        "models": done.models,
    }


def _settle(db: Path) -> None:
    """One checkpoint with something to write (a table made and dropped)."""
    with duckdb.connect(str(db)) as con:
        con.execute("create table benchmark_settled (x integer)")
        con.execute("drop table benchmark_settled")
        con.execute("checkpoint")


def _base_for_this_code(base: Path) -> Path:
    """The campaign as this side's code would have built it: ``base``, or, when this code's
    schema is newer than the one ``base`` was written with, a copy upgraded and refreshed in
    full by this code (made once, kept next to ``base`` under the schema's version)."""
    from pipelines import warehouse

    with duckdb.connect(str(base), read_only=True) as con:
        written_with = warehouse.schema_version(con)
    latest = warehouse.latest_version()
    if written_with >= latest:
        return base
    return _refreshed_in_full(base, base.parent.parent / f"base-schema-{latest}" / base.name)


def _rebuilt_by_this_code(base: Path) -> Path:
    """A copy of ``base`` refreshed in full by this code, made once and kept next to it
    under a digest of this code's marts."""
    import hashlib

    from pipelines import marts, pyramid

    with duckdb.connect(str(base), read_only=True) as con:
        rules = pyramid.rules_for(con)
    code = hashlib.sha256("".join(marts.fingerprint(m, rules) for m in marts.marts()).encode())
    own = base.parent.parent / f"{base.parent.name}-rebuilt-{code.hexdigest()[:12]}" / base.name
    return _refreshed_in_full(base, own)


def _refreshed_in_full(base: Path, own: Path) -> Path:
    """``own``: a copy of ``base`` refreshed in full by this code (its schema upgraded on
    opening), made when missing."""
    from benchmarks.incremental import _copy
    from pipelines import load
    from pipelines import refresh as figures

    if not own.exists():
        partial = _copy(base, own.parent.with_name(own.parent.name + "-partial"))
        with load.session(partial, refresh_figures=False) as batch:
            figures.run(batch.con, full=True)
        partial.parent.rename(own.parent)
    return own


def main() -> None:
    from benchmarks import command_line

    parser = command_line("benchmarks.week_ab", __doc__)
    parser.add_argument("rev", help="the git revision to compare the working tree with")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--sheet", action="store_true", help="the sign-in sheet alone")
    timed = parser.add_mutually_exclusive_group()
    timed.add_argument(
        "--full", action="store_true", help="time the full rebuild after the batch instead"
    )
    timed.add_argument(
        "--end-to-end",
        action="store_true",
        help="time the batch's import and the refresh after it together, in a new process",
    )
    parser.add_argument(
        "--settled",
        action="store_true",
        help="one checkpoint with something to write before the clock starts",
    )
    parser.add_argument(
        "--rebuilt",
        action="store_true",
        help="each side reads the campaign refreshed in full by its own code",
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build-base", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_base:
        _build_base(args.scale, args.build_base)
        return
    if args.child:
        base, place = args.child
        found = child(
            base,
            place,
            args.scale,
            args.sheet,
            args.full,
            args.end_to_end,
            args.settled,
            args.rebuilt,
        )
        print(json.dumps(found))
        return
    work = args.work or Path(tempfile.gettempdir()) / "turnout-bench"
    print(
        compare(
            args.rev,
            args.scale,
            args.rounds,
            work,
            args.sheet,
            args.full,
            args.end_to_end,
            args.settled,
            args.rebuilt,
        )
    )


def compare(
    rev: str,
    scale: int,
    rounds: int,
    work: Path,
    sheet: bool = False,
    full: bool = False,
    end_to_end: bool = False,
    settled: bool = False,
    rebuilt: bool = False,
) -> str:
    """Both sides' seconds per step, as a table (``main`` without its command line)."""
    base = work / f"incremental-{scale}" / "base" / "turnout.duckdb"
    checkout = Path(tempfile.mkdtemp(prefix="turnout-ab-"))
    git = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run([*git, "add", "--detach", str(checkout), rev], check=True, capture_output=True)
    try:
        if not base.exists():  # by the revision's code: a newer schema upgrades a copy
            _run(checkout, ["--scale", str(scale), "--build-base", str(work)])
        sides = {rev: checkout, "working tree": ROOT}
        for root in sides.values():  # untimed: each side's code compiled, as it runs installed
            subprocess.run(
                [sys.executable, "-c", f"import {', '.join(COMPILED)}"], env=_env(root), check=True
            )
        runs: dict[str, list[dict]] = {side: [] for side in sides}
        timed = (sheet, full, end_to_end, settled, rebuilt)
        for round_no in range(rounds):
            order = list(sides) if round_no % 2 == 0 else list(sides)[::-1]
            for side in order:
                place = base.parent.parent / "ab"
                runs[side].append(_side(sides[side], base, place, scale, *timed))
        return _table(runs)
    finally:
        subprocess.run([*git, "remove", "--force", str(checkout)], check=True)


def _side(
    root: Path,
    base: Path,
    place: Path,
    scale: int,
    sheet: bool,
    full: bool,
    end_to_end: bool,
    settled: bool = False,
    rebuilt: bool = False,
) -> dict:
    """One side's run, in a process that imports that side's code."""
    arguments = ["--scale", str(scale), "--child", str(base), str(place)]
    arguments += (["--sheet"] if sheet else []) + (["--full"] if full else [])
    arguments += (["--end-to-end"] if end_to_end else []) + (["--settled"] if settled else [])
    arguments += ["--rebuilt"] if rebuilt else []
    return json.loads(_run(root, arguments).splitlines()[-1])


def _run(root: Path, arguments: list[str]) -> str:
    """This script with ``arguments``, in a process that imports the code under ``root``;
    what it printed. A failure shows what the process said on stderr."""
    found = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "-", *arguments],
        env=_env(root),
        capture_output=True,
        text=True,
    )
    if found.returncode:
        raise RuntimeError(f"{root} {' '.join(arguments)} failed:\n{found.stderr[-4000:]}")
    return found.stdout.strip()


# what a refresh loads: compiled before the rounds, so that no round compiles it
COMPILED = (
    "pipelines.load",
    "pipelines.refresh",
    "pipelines.models.forecast",
    "pipelines.models.follow_up",
)


def _env(root: Path) -> dict[str, str]:
    """The environment of a process that imports the code under ``root``, and keeps the
    bytecode Python compiles it to (as an installed copy does, whatever this shell says)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _build_base(scale: int, work: Path) -> None:
    from benchmarks.incremental import build_base, week_files
    from benchmarks.run import ROWS_PER_PERSON, sample_folder

    folder = sample_folder(work, round(scale / ROWS_PER_PERSON), 2026)
    base_files, _ = week_files(folder, work / f"incremental-{scale}")
    build_base(work / f"incremental-{scale}" / "base" / "turnout.duckdb", base_files)


def _table(runs: dict[str, list[dict]]) -> str:
    before, after = runs.values()
    lines = [
        f"| step | {' | '.join(runs)} | how, keys |",
        "|---|---|---|---|",
        f"| {'whole refresh' if after[0]['steps'] else 'import and refresh'} | "
        + " | ".join(
            ", ".join(f"{r['refresh_seconds']:.2f}" for r in side) for side in runs.values()
        )
        + " | |",
    ]

    def seconds(run: dict, step: str) -> float:  # a mart's own time, or the step's
        return run["marts"][step][0] if step in run["marts"] else run["steps"][step]

    for step in after[0]["steps"]:
        cells = [
            ", ".join(f"{seconds(r, step):.2f}" for r in side if step in r["steps"])
            for side in (before, after)
        ]
        keys = " → ".join(
            f"{side[0]['marts'][step][1]} {side[0]['marts'][step][2]:,}"
            for side in (before, after)
            if step in side[0]["marts"]
        )
        lines.append(f"| {step} | {cells[0]} | {cells[1]} | {keys} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
