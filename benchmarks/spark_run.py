"""Spark at scale: a campaign of N interactions exported to Parquet and refreshed on Spark.

``python -m benchmarks.spark_run [--scale 1000000] [--master local[2]] [--work DIR]``

Imports the generated campaign into DuckDB, times DuckDB's own linking and mart rebuild
(rolled back), exports the canonical tables to Parquet, then times Spark's linking and
marts, and each mart's row count against DuckDB's. Spark's fixed cost is measured on an
empty export in the same session: what is left is the work a cluster shares out.
Writes ``results/spark-N.json`` and the "Spark" section of ``analysis.md`` (between its
markers), then renders ``RESULTS.md`` again from every result file.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from benchmarks import results
from benchmarks.run import HERE, ROWS_PER_PERSON, machine, sample_folder

BEGIN, END = "<!-- spark:begin -->", "<!-- spark:end -->"
WORKERS = (1, 2, 4, 8, 16)  # workers of 2 cores each, for the projection


def import_campaign(folder: Path, db: Path) -> float:
    from pipelines import config, load, warehouse

    warehouse.create(db)
    config.ensure_secret(db)
    files, _ = load.expand([folder], load.ImportOptions())
    started = time.perf_counter()
    with load.session(db) as batch:
        for path in files:
            batch.import_file(path)
    return time.perf_counter() - started


def duckdb_refresh(db: Path) -> float:
    """DuckDB linking every person and rebuilding every mart, rolled back."""
    from pipelines import identity, marts, warehouse

    with warehouse.writer(db) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        started = time.perf_counter()
        identity.resolve_people(con)
        marts.rebuild(con)
        seconds = time.perf_counter() - started
        con.execute("rollback")
    return seconds


def spark_refresh(session, export: Path, out: Path) -> tuple[float, dict[str, float]]:
    from pipelines.engines import spark

    steps, last = {}, [time.perf_counter(), None]

    def step(name: str) -> None:
        now = time.perf_counter()
        if last[1] is not None:
            steps[last[1]] = now - last[0]
        last[0], last[1] = now, name

    started = time.perf_counter()
    spark.refresh(session, export, out, step=step)
    step("")
    return time.perf_counter() - started, steps


def row_counts(db: Path, out: Path, names: list[str]) -> dict[str, list[int]]:
    from pipelines import warehouse

    counts = {}
    with warehouse.reader(db) as con:
        for name in names:
            files = str(out / name / "*.parquet")
            counts[name] = [
                con.execute(f"select count(*) from {name}").fetchone()[0],
                con.execute("select count(*) from read_parquet(?)", [files]).fetchone()[0],
            ]
    return counts


def measure(scale: int, master: str, work: Path, fixed_seconds: float | None = None) -> dict:
    from pipelines import config, warehouse
    from pipelines.engines import handover, pooled, spark

    folder = sample_folder(work, round(scale / ROWS_PER_PERSON), 2026)  # as benchmarks.run
    db = work / f"spark-{scale}.duckdb"
    for old in (db, config.key_path(db)):
        old.unlink(missing_ok=True)
    before = os.getloadavg()
    people = round(scale / ROWS_PER_PERSON)
    found = {
        "scale": scale,
        "master": master,
        "people": people,
        "import_s": import_campaign(folder, db),
    }
    found["duckdb_refresh_s"] = duckdb_refresh(db)
    started = time.perf_counter()
    manifest = handover.export([db], work / "export")
    found["export_s"] = time.perf_counter() - started
    found["rows"] = manifest["rows"]
    found["parquet_mb"] = sum(p.stat().st_size for p in (work / "export").rglob("*.parquet")) / 1e6
    started = time.perf_counter()
    session = spark.start(master, app_name="turnout-benchmark")
    found["spark_start_s"] = time.perf_counter() - started
    if fixed_seconds is None:
        empty = work / "empty.duckdb"
        for old in (empty, config.key_path(empty)):
            old.unlink(missing_ok=True)
        warehouse.create(empty)
        config.ensure_secret(empty)
        handover.export([empty], work / "export-empty")
        fixed_seconds, _ = spark_refresh(session, work / "export-empty", work / "out-empty")
        found["spark_fixed_measured"] = True
    found["spark_fixed_s"] = fixed_seconds
    found["spark_refresh_s"], found["spark_steps_s"] = spark_refresh(
        session, work / "export", work / "out"
    )
    session.stop()
    built = pooled.read_manifest(work / "out")
    found["row_counts"] = row_counts(
        db, work / "out", ["person_keys"] + [n for n in built["marts"] if n not in built["views"]]
    )
    found["machine"] = {
        **machine(),
        "load_average_before": list(before),
        "load_average": list(os.getloadavg()),
    }
    return found


def projection(found: dict) -> list[tuple[int, float]]:
    """Seconds expected on N workers of 2 cores: the fixed cost, plus the work shared out."""
    fixed = found["spark_fixed_s"]
    work = max(found["spark_refresh_s"] - fixed, 0.0)
    return [(n, fixed + work / n) for n in WORKERS]


def section(found: dict) -> str:
    counts = found["row_counts"]
    same = sum(1 for duck, spark in counts.values() if duck == spark)
    m = found["machine"]
    lines = [
        BEGIN,
        "",
        "### Spark",
        "",
        f"Reproduce: `python -m benchmarks.spark_run --scale {found['scale']} --master "
        f"{found['master']}`. One run, {found['people']:,} simulated people; load average "
        "before/after "
        f"{', '.join(f'{x:.1f}' for x in m['load_average_before'])} / "
        f"{', '.join(f'{x:.1f}' for x in m['load_average'])} (a shared machine).",
        "",
        "| Step | Seconds |",
        "|---|---|",
        f"| import into DuckDB (for reference) | {found['import_s']:.1f} |",
        f"| DuckDB: link people and rebuild every mart | {found['duckdb_refresh_s']:.1f} |",
        f"| `turnout export --parquet` ({found['parquet_mb']:.0f} MB of Parquet) "
        f"| {found['export_s']:.1f} |",
        f"| Spark: start the session | {found['spark_start_s']:.1f} |",
        f"| Spark: link people and build every mart, "
        f"{'empty export' if found.get('spark_fixed_measured') else 'given with --fixed-seconds'}"
        f" (the fixed cost) | {found['spark_fixed_s']:.1f} |",
        f"| Spark: link people and build every mart, {found['master']} "
        f"| {found['spark_refresh_s']:.1f} |",
        "",
        f"Rows: {same} of {len(counts)} tables have as many rows on Spark as on DuckDB "
        "(the parity tests compare every row on smaller data).",
        "",
        "Slowest steps on Spark: "
        + ", ".join(
            f"{name} {seconds:.1f} s"
            for name, seconds in sorted(found["spark_steps_s"].items(), key=lambda item: -item[1])[
                :4
            ]
        )
        + ".",
        "",
        "Expected on a cluster of N workers of 2 cores (a model, not a measurement: the "
        "fixed cost stays, the rest is shared out; shuffles over a network add to it):",
        "",
        "| Workers | Expected seconds |",
        "|---|---|",
        *[f"| {n} | {seconds:.0f} |" for n, seconds in projection(found)],
        "",
        END,
    ]
    return "\n".join(lines)


def write(found: dict, out: Path) -> None:
    results.keep(found, out, "spark")
    results.put_in_analysis(out, section(found), BEGIN, END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument(
        "--fixed-seconds",
        type=float,
        default=None,
        help="Spark's fixed cost measured before (e.g. the parity test's "
        "small chain), instead of a run on an empty export",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="turnout-spark-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    found = measure(args.scale, args.master, work, args.fixed_seconds)
    write(found, args.out)
    print(section(found))


if __name__ == "__main__":
    main()
