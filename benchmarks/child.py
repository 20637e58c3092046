"""What the harness runs in a subprocess, so that each one's peak memory is its own.

``python -m benchmarks.child import FOLDER DB OUT.json [--mart-runs K]``
``python -m benchmarks.child dashboard DB OUT.json [--runs K]``
``python -m benchmarks.child pandas FOLDER OUT.json``

Each writes a JSON file with its timings and ``peak_rss_mb`` (getrusage of itself:
the whole process, DuckDB's native memory included).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def _steps(marks: list[tuple[str, float]], end: float) -> dict[str, float]:
    steps: dict[str, float] = {}
    for (name, at), (_, following) in zip(marks, marks[1:] + [("end", end)], strict=True):
        steps[name] = steps.get(name, 0.0) + following - at
    return steps


def read_csv_arguments(path: Path) -> list:
    """The path, lines to skip before the header and encoding, for DuckDB's read_csv."""
    from pipelines import reader

    encoding, text = reader.read_head_text(path)
    _, layout = reader.find_layout(path, text, encoding, None)
    return [
        str(path),
        layout.header_line - 1,
        {"utf-8": "utf-8", "utf-8-sig": "utf-8"}.get(encoding, "latin-1"),
    ]


def bare_read_csv(path: Path, scratch: Path) -> float:
    """Seconds for DuckDB's own read_csv of the file into a table of an on-disk database."""
    import duckdb

    arguments = read_csv_arguments(path)
    con = duckdb.connect(str(scratch))
    try:
        started = time.perf_counter()
        con.execute(
            "create or replace table bare as select * from read_csv(?, header=true, "
            "skip=?, encoding=?)",
            arguments,
        )
        seconds = time.perf_counter() - started
        con.execute("drop table bare")
    finally:
        con.close()
    return seconds


def _timed(module, name: str, spent: dict[str, float], label: str) -> None:
    """Wrap ``module.name`` to add the seconds of each call to ``spent[label]``."""
    inner = getattr(module, name)

    def wrapper(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - begun

    setattr(module, name, wrapper)


def run_import(folder: Path, db: Path, out: Path, mart_runs: int) -> None:
    """Import the folder as `turnout import FOLDER` does: one batch, each file its own
    transaction, then one refresh of the figures (people links, marts, models)."""
    from pipelines import config, identity, load, marts, models, warehouse

    spent: dict[str, float] = {}
    _timed(identity, "resolve_people", spent, "linking people")
    _timed(marts, "rebuild", spent, "marts (SQL)")
    _timed(models, "refresh", spent, "models")
    warehouse.create(db)
    config.ensure_secret(db)
    files, skipped = load.expand([folder], load.ImportOptions())
    result: dict = {"files": [], "skipped": [str(p) for p, _ in skipped]}
    started = time.perf_counter()
    with load.session(db) as batch:
        for path in files:
            marks: list[tuple[str, float]] = []
            begun = time.perf_counter()
            imported = batch.import_file(
                path,
                load.ImportOptions(),
                progress=lambda step, marks=marks: marks.append((step, time.perf_counter())),
            )
            ended = time.perf_counter()
            result["files"].append(
                {
                    "file": path.name,
                    "source": imported.source,
                    "status": imported.status,
                    "rows": imported.rows_read,
                    "rejected": imported.rows_rejected,
                    "seconds": ended - begun,
                    "steps": _steps(marks, ended),
                }
            )
        begun = time.perf_counter()
        batch.refresh()
        refreshed = time.perf_counter()
        result["refresh_seconds"] = refreshed - begun
        result["refresh_steps"] = dict(spent)  # the rest of refresh_seconds is the commit
    result["close_seconds"] = time.perf_counter() - refreshed  # the final checkpoint
    result["import_seconds"] = time.perf_counter() - started
    result["import_peak_rss_mb"] = peak_rss_mb()
    scratch = db.with_name("bare.duckdb")
    for entry in result["files"]:
        entry["read_csv_seconds"] = bare_read_csv(folder / entry["file"], scratch)
    scratch.unlink(missing_ok=True)
    rebuilds = []
    with warehouse.writer(db) as con:
        con.execute("set TimeZone = 'UTC'")
        for _ in range(mart_runs):
            begun = time.perf_counter()
            con.execute("begin transaction")
            marts.rebuild(con)
            con.execute("commit")
            rebuilds.append(time.perf_counter() - begun)
    result["mart_rebuild_seconds"] = rebuilds
    result["peak_rss_mb"] = peak_rss_mb()
    out.write_text(json.dumps(result, indent=1))


def run_dashboard(db: Path, out: Path, runs: int) -> None:
    os.environ["TURNOUT_DB"] = str(db)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    root = Path(__file__).resolve().parent.parent
    app = str(root / "dashboard" / "app.py")
    pages = sorted(
        p.name for p in (root / "dashboard" / "app_pages").glob("*.py") if p.name != "__init__.py"
    )

    def fresh() -> None:
        st.cache_data.clear()
        getattr(data, "_LAST", {}).clear()

    cold: dict[str, list[float]] = {p: [] for p in ["(first load)"] + pages}
    warm: dict[str, list[float]] = {p: [] for p in pages}
    errors: dict[str, str] = {}
    skipped: set[str] = set()
    for _ in range(runs):
        fresh()
        at = AppTest.from_file(app, default_timeout=900)
        at.session_state["lang"] = "en"
        at.session_state["preview_board"] = False
        begun = time.perf_counter()
        at.run()
        cold["(first load)"].append(time.perf_counter() - begun)
        for page in pages:
            fresh()
            try:
                at.switch_page(f"app_pages/{page}")
            except ValueError:  # not in the navigation with data (the welcome page)
                skipped.add(page)
                continue
            begun = time.perf_counter()
            at.run()
            cold[page].append(time.perf_counter() - begun)
            begun = time.perf_counter()
            at.run()
            warm[page].append(time.perf_counter() - begun)
            if at.exception:
                errors[page] = "; ".join(e.message for e in at.exception)[:300]
    out.write_text(
        json.dumps(
            {
                "cold_seconds": {p: statistics.median(v) for p, v in cold.items() if v},
                "warm_seconds": {p: statistics.median(v) for p, v in warm.items() if v},
                "not_in_navigation": sorted(skipped),
                "runs": runs,
                "errors": errors,
                "peak_rss_mb": peak_rss_mb(),
            },
            indent=1,
        )
    )


def run_pandas(folder: Path, out: Path) -> None:
    begun = time.perf_counter()
    import pandas  # noqa: F401  (the import is part of a volunteer's script)

    from benchmarks import pandas_way

    result = pandas_way.compute(folder)
    seconds = time.perf_counter() - begun
    out.write_text(
        json.dumps(
            {"seconds": seconds, "result": result, "peak_rss_mb": peak_rss_mb()}, default=str
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.child")
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import")
    imp.add_argument("folder", type=Path)
    imp.add_argument("db", type=Path)
    imp.add_argument("out", type=Path)
    imp.add_argument("--mart-runs", type=int, default=3)
    dash = commands.add_parser("dashboard")
    dash.add_argument("db", type=Path)
    dash.add_argument("out", type=Path)
    dash.add_argument("--runs", type=int, default=3)
    pan = commands.add_parser("pandas")
    pan.add_argument("folder", type=Path)
    pan.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "import":
        run_import(args.folder, args.db, args.out, args.mart_runs)
    elif args.command == "dashboard":
        run_dashboard(args.db, args.out, args.runs)
    else:
        run_pandas(args.folder, args.out)


if __name__ == "__main__":
    sys.exit(main())
