"""The baselines "a week of new data" (``benchmarks.incremental``) measures alongside its
rounds: the week's largest export read by DuckDB's bare ``read_csv``; a volunteer's pandas
script re-run on every file of the campaign as it stands after the week, number by number
against ``turnout report``; the report and every dashboard page on the campaign before the
week and after it, in turns; the peak memory of each refresh.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path


def as_of_week(folder: Path, week: list, out: Path) -> Path:
    """The campaign's files as they stand once the week is in: every generated file, the
    week's own copies in place of theirs (the 200-row sheet for the whole sheet; the
    Eventbrite report is the generated one). Links, not copies."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    own = {path.name: path for path, _ in week}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        (out / path.name).symlink_to(own.get(path.name, path).resolve())
    return out


def measure(folder: Path, week: list, work: Path, found: dict) -> dict:
    """The pandas script on the campaign after the week, compared with the report of the
    first incremental refresh; and the week's largest export read bare."""
    from benchmarks import pandas_way
    from benchmarks.child import bare_read_csv
    from benchmarks.run import measure_pandas

    largest = max((path for path, _ in week), key=lambda p: p.stat().st_size)
    scratch = work / "bare.duckdb"
    bare = bare_read_csv(largest, scratch)
    scratch.unlink(missing_ok=True)
    imported = [r["import_each"][largest.name] for r in found["runs"] if "import_each" in r]
    pandas = measure_pandas(as_of_week(folder, week, work / "as-of-week"), work, 1)[0]
    report = next((r["report"] for r in found["runs"] if "report" in r), None)
    for run in found["runs"]:  # compared below; the results keep the differences only
        run.pop("report", None)
    return {
        "largest": {
            "file": largest.name,
            "read_csv_seconds": bare,
            "import_seconds": statistics.median(imported) if imported else None,
        },
        "pandas": {
            "seconds": pandas["seconds"],
            "differences": pandas_way.differences(pandas["result"], report) if report else None,
        },
    }


def reset_peak_rss() -> None:
    """Count this process's peak resident memory from now on (Linux: ``clear_refs``)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # elsewhere the peak stays the process's own, from its start
        pass


def peak_since_reset_mb() -> float | None:
    """This process's peak resident memory since ``reset_peak_rss`` (Linux), in MB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


def read_back(
    before_db: Path, after_db: Path, work: Path, runs: int, page_turns: int
) -> tuple[dict, dict]:
    """`turnout report` and every dashboard page (cold, server-side, as ``benchmarks.run``
    times them) on the campaign before the week (``before_db``) and after it, in turns:
    figures of another run are not comparable on a shared machine. The report runs ``runs``
    times on each, the side that goes first alternating; the pages in ``page_turns`` turns on
    each, each turn a process that times every page ``runs`` times (its median: a page's
    first run in its process imports what it needs). Returns the figures after the week,
    with those before it under "before", and the report after the week (the numbers the
    pandas script is compared with)."""
    from benchmarks.run import _child, measure_report

    sides = {"before": before_db, "after": after_db}
    reports: dict[str, list[float]] = {side: [] for side in sides}
    pages: dict[str, list[dict]] = {side: [] for side in sides}
    report: dict = {}
    for turn in range(runs):
        for side in _in_turn(turn):
            seconds, found = measure_report(sides[side], 1)
            reports[side] += seconds
            report = found if side == "after" else report
    for turn in range(page_turns):
        for side in _in_turn(turn):
            out = work / f"pages-{side}.json"
            _child("dashboard", str(sides[side]), str(out), "--runs", str(runs))
            pages[side].append(json.loads(out.read_text()))
            out.unlink()
    after, before = (_read_figures(reports[side], pages[side]) for side in ("after", "before"))
    return {**after, "before": before}, report


def _in_turn(turn: int) -> tuple[str, str]:
    return ("before", "after") if turn % 2 == 0 else ("after", "before")


def _read_figures(report_seconds: list[float], pages: list[dict]) -> dict:
    """One side's figures: the report's median, and each page's median over the turns."""
    names = [name for name in pages[0]["cold_seconds"] if name != "(first load)"]
    cold = {name: statistics.median(p["cold_seconds"][name] for p in pages) for name in names}
    slowest = max(cold, key=lambda name: cold[name])
    return {
        "report_seconds": statistics.median(report_seconds),
        "report_runs": report_seconds,
        "slowest_page": slowest,
        "slowest_page_seconds": cold[slowest],
        "page_errors": {name: error for p in pages for name, error in p["errors"].items()},
    }


def before(scale: int, kept: Path) -> dict | None:
    """The peak memory of ``benchmarks.run``'s import of the whole campaign at this scale
    (an earlier run, kept in ``results/scale-N.json``): what the week's is measured against."""
    from benchmarks import results

    path = kept / f"scale-{scale}.json"
    if not path.exists():
        return None
    found = results.figures(json.loads(path.read_text(encoding="utf-8")))
    return {"peak_rss_mb": found["import_peak_rss_mb"]}
