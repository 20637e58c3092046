"""Turnout's benchmark: a synthetic campaign of N interactions, imported and read back.

``python -m benchmarks.run [--scale N] [--runs K] [--out DIR]`` (``make bench``: 10 million).

Every figure is the median of K runs, and every ratio is taken against a baseline
measured in the same run (the machine may be shared). The import, the dashboard and
the pandas way each run in their own subprocess, so that each peak memory is its own.
Results go to ``DIR/results/scale-N.json`` and ``DIR/RESULTS.md`` (every scale found).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import command_line, pandas_way, results

DEFAULT_SCALE = 10_000_000
ROWS_PER_PERSON = 6.7  # interactions per simulated person (pipelines/sample/model.py), measured
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# from this scale, one whole-campaign import by default (each takes minutes)
ONE_IMPORT_FROM = 5_000_000
LARGE_SHARE = 0.05  # a per-person format with at least this share of the rows is "large"
PERSON_TARGETS = {"registrations", "checkins", "signatures", "email_activity", "identities"}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _child(*args: str, env: dict | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "benchmarks.child", *args],
        cwd=ROOT,
        check=True,
        env={**os.environ, **(env or {})},
    )


def sample_folder(work: Path, people: int, seed: int) -> Path:
    """The generated campaign, kept between runs of the harness (same people, same seed)."""
    from pipelines import sample

    folder = work / f"sample-{people}-{seed}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        sample.generate(folder, people, seed)
        (folder / ".complete").write_text("ok")
    return folder


def measure_imports(folder: Path, work: Path, runs: int, mart_runs: int) -> tuple[list, Path]:
    """Import the whole campaign ``runs`` times into new databases; the last one is kept."""
    measured = []
    for run in range(runs):
        place = work / f"db-{run}"
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        last = run == runs - 1
        out = place / "import.json"
        _child(
            "import",
            str(folder),
            str(place / "turnout.duckdb"),
            str(out),
            "--mart-runs",
            str(mart_runs if last else 0),
        )
        measured.append(json.loads(out.read_text()))
        if not last:
            shutil.rmtree(place)
    return measured, place / "turnout.duckdb"


def measure_report(db: Path, runs: int) -> tuple[list[float], dict]:
    # what the `turnout` script runs, from this checkout (not whichever one is installed)
    command = [sys.executable, "-c", "from pipelines.cli import app; app()"]
    seconds, report = [], {}
    for _ in range(runs):
        begun = time.perf_counter()
        done = subprocess.run(
            [*command, "report", "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "TURNOUT_DB": str(db)},
        )
        seconds.append(time.perf_counter() - begun)
        report = json.loads(done.stdout)
    return seconds, report


def measure_pandas(folder: Path, work: Path, runs: int) -> list[dict]:
    measured = []
    for run in range(runs):
        out = work / f"pandas-{run}.json"
        _child("pandas", str(folder), str(out))
        measured.append(json.loads(out.read_text()))
    return measured


def by_format(imports: list[dict], total_rows: int) -> dict[str, dict]:
    """Import against bare read_csv, per per-person format (sums over its files)."""
    from pipelines import sources

    found: dict[str, dict] = {}
    for name in sorted({f["source"] for f in imports[0]["files"] if f["source"]}):
        source = sources.REGISTRY.get(name)
        if source is None or source.target not in PERSON_TARGETS:
            continue

        def total(run: dict, pick, name=name) -> float:
            return sum(pick(f) for f in run["files"] if f["source"] == name)

        rows = total(imports[0], lambda f: f["rows"])
        seconds = median([total(r, lambda f: f["seconds"]) for r in imports])
        bare = median([total(r, lambda f: f["read_csv_seconds"]) for r in imports])
        found[name] = {
            "files": sum(1 for f in imports[0]["files"] if f["source"] == name),
            "rows": int(rows),
            "large": rows >= LARGE_SHARE * total_rows,
            "import_seconds": seconds,
            "read_csv_seconds": bare,
            "ratio": seconds / bare if bare else None,
        }
    return found


def machine() -> dict:
    import duckdb
    import pandas
    import streamlit

    meminfo = (
        Path("/proc/meminfo").read_text().split("\n") if Path("/proc/meminfo").exists() else []
    )
    total_kb = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")), 0)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in (
                Path("/proc/cpuinfo").read_text().split("\n")
                if Path("/proc/cpuinfo").exists()
                else []
            )
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "system": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
        "load_average": list(os.getloadavg()),
    }


def run(scale: int, runs: int, import_runs: int, work: Path, seed: int = 2026) -> dict:
    people = max(150, round(scale / ROWS_PER_PERSON))
    began = time.perf_counter()
    load_before = list(os.getloadavg())
    generated = time.perf_counter()
    folder = sample_folder(work, people, seed)
    generate_seconds = time.perf_counter() - generated
    imports, db = measure_imports(folder, work, import_runs, runs)
    total_rows = sum(f["rows"] for f in imports[0]["files"])
    report_seconds, report = measure_report(db, runs)
    page_out = work / "dashboard.json"
    _child("dashboard", str(db), str(page_out), "--runs", str(runs))
    pages = json.loads(page_out.read_text())
    pandas_runs = measure_pandas(folder, work, runs)
    pandas_numbers = json.loads(json.dumps(pandas_runs[0]["result"]))
    import_seconds = median([r["import_seconds"] for r in imports])
    read_csv_seconds = median([sum(f["read_csv_seconds"] for f in r["files"]) for r in imports])
    pandas_seconds = median([r["seconds"] for r in pandas_runs])
    report_median = median(report_seconds)
    steps: dict[str, float] = {}
    for name in {s for r in imports for f in r["files"] for s in f["steps"]}:
        steps[name] = median([sum(f["steps"].get(name, 0) for f in r["files"]) for r in imports])
    refresh = {
        name: median([r["refresh_steps"].get(name, 0) for r in imports])
        for name in {s for r in imports for s in r["refresh_steps"]}
    }
    return {
        "scale": scale,
        "people": people,
        "seed": seed,
        "interactions": total_rows,
        "files": len(imports[0]["files"]),
        "runs": runs,
        "import_runs": import_runs,
        "command": f"python -m benchmarks.run --scale {scale} --runs {runs}"
        + (f" --import-runs {import_runs}" if import_runs != runs else ""),
        "machine": machine() | {"load_average_before": load_before},
        "generate_seconds": generate_seconds,
        "import": {
            "seconds": import_seconds,
            "read_csv_seconds": read_csv_seconds,
            "ratio": import_seconds / read_csv_seconds if read_csv_seconds else None,
            "files_seconds": median([sum(f["seconds"] for f in r["files"]) for r in imports]),
            "steps_seconds": steps,
            "refresh_seconds": median([r["refresh_seconds"] for r in imports]),
            "refresh_steps": refresh,
            "close_seconds": median([r["close_seconds"] for r in imports]),
            "formats": by_format(imports, total_rows),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in imports),
            "import_peak_rss_mb": max(r["import_peak_rss_mb"] for r in imports),
            "rows_per_second": total_rows / import_seconds if import_seconds else None,
        },
        "mart_rebuild_seconds": median(imports[-1]["mart_rebuild_seconds"]),
        "report_seconds": report_median,
        "pages": pages,
        "pandas": {
            "seconds": pandas_seconds,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in pandas_runs),
            "end_to_end_ratio": pandas_seconds / (import_seconds + report_median),
            "answer_ratio": pandas_seconds / report_median,
            "differences": pandas_way.differences(pandas_numbers, report),
            "numbers": pandas_numbers,
        },
        "report_funnel": report["funnel"],
        "harness_seconds": time.perf_counter() - began,
    }


def main(argv: list[str] | None = None) -> None:
    parser = command_line("benchmarks.run", __doc__)
    parser.add_argument(
        "--scale",
        type=int,
        default=DEFAULT_SCALE,
        help="interactions in the campaign (default 10 million)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--import-runs",
        type=int,
        default=None,
        help="whole-campaign imports (default: --runs, and 1 from "
        f"{ONE_IMPORT_FROM:,} interactions: each takes minutes there)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE,
        help="folder for results/ and RESULTS.md (default benchmarks/)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="scratch folder for the campaign files and databases "
        "(default: a temporary folder; the files are kept there)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.gettempdir()) / "turnout-bench"
    work.mkdir(parents=True, exist_ok=True)
    import_runs = args.import_runs or (1 if args.scale >= ONE_IMPORT_FROM else args.runs)
    found = run(args.scale, args.runs, import_runs, work, args.seed)
    written = results.save(found, args.out)
    print(f"Wrote {written[0]} and {written[1]}")
    print(results.headline(found))


if __name__ == "__main__":
    main()
