"""What "a week of new data" (``benchmarks.incremental``) gives: the section of
``analysis.md`` with its targets, each met or missed against the baselines measured
alongside its rounds (``week_baselines.py``).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

BEGIN, END = "<!-- incremental:begin -->", "<!-- incremental:end -->"
SHEET_ROWS = 200  # the week's sign-in sheet

BATCH_TARGET_SECONDS = 10.0
SHEET_TARGET_SECONDS = 3.0
FULL_TARGET_SECONDS = 30.0
READ_CSV_TARGET_RATIO = 4.0
PANDAS_TARGET_RATIO = 10.0
IDENTICAL = "yes: every mart and every person's links"
# reading back after the week is "no worse" than before it when within this factor: the
# two sides are timed in turns, but a page's or the report's runs still spread by about this
NO_WORSE_WITHIN = 1.10
TARGETS_AT = 10_000_000  # the targets are set for 10M interactions on 2 cores


def _picked(found: dict, mode: str, pick: Callable[[dict], float]) -> list[float]:
    return [pick(r) for r in found["runs"] if r["mode"] == mode]


def _median(found: dict, mode: str, pick: Callable[[dict], float]) -> float | None:
    values = _picked(found, mode, pick)
    return statistics.median(values) if values else None


def _sheet_seconds(found: dict) -> list[float]:
    return [r["seconds"] for r in found.get("sheet_runs", [])]


def _marts_seconds(run: dict) -> float:
    return sum(m["seconds"] for m in run["marts"].values())


def _batch(found: dict) -> tuple[str, bool] | None:
    seconds = _median(found, "incremental", lambda r: r["refresh_seconds"])
    return None if seconds is None else (f"{seconds:.1f} s", seconds <= BATCH_TARGET_SECONDS)


def _sheet(found: dict) -> tuple[str, bool] | None:
    values = _sheet_seconds(found)
    if not values:
        return None
    seconds = statistics.median(values)
    return f"{seconds:.1f} s", seconds <= SHEET_TARGET_SECONDS


def _full(found: dict) -> tuple[str, bool] | None:
    whole = _median(found, "full", lambda r: r["refresh_seconds"])
    marts = _median(found, "full", _marts_seconds)
    if whole is None or marts is None:
        return None
    return f"{whole:.1f} s (its marts {marts:.1f} s)", whole <= FULL_TARGET_SECONDS


def _read_csv(found: dict) -> tuple[str, bool] | None:
    largest = found.get("largest") or {}
    if not largest.get("import_seconds"):
        return None
    ratio = largest["import_seconds"] / largest["read_csv_seconds"]
    return (
        f"{ratio:.1f}× ({largest['import_seconds']:.2f} s against "
        f"{largest['read_csv_seconds']:.2f} s, {largest['file']})",
        ratio <= READ_CSV_TARGET_RATIO,
    )


def _pandas(found: dict) -> tuple[str, bool] | None:
    pandas = found.get("pandas")
    batch = _median(
        found,
        "incremental",
        lambda r: r["import_seconds"] + r["refresh_seconds"] + r.get("checkpoint_seconds", 0.0),
    )
    if not pandas or batch is None:
        return None
    ratio = pandas["seconds"] / batch
    same = pandas["differences"] == []
    said = "same numbers" if same else f"**different numbers**: {pandas['differences']}"
    if any("checkpoint_seconds" not in r for r in found["runs"]):
        said += " (the batch's closing checkpoint was not timed in this run)"
    return (
        f"{ratio:.2f}× as fast (the batch {batch:.1f} s, pandas {pandas['seconds']:.1f} s); "
        + said,
        ratio >= PANDAS_TARGET_RATIO and same,
    )


def _reading_back(found: dict) -> tuple[str, bool] | None:
    read = [r["read_back"] for r in found["runs"] if "read_back" in r]
    peaks = [r["peak_rss_mb"] for r in found["runs"] if r.get("peak_rss_mb")]
    if not read or not peaks:
        return None
    after, pages = _read_medians(read)
    text = (
        f"report {after[0]:.2f} s, slowest page {after[1]:.2f} s ({pages}), "
        f"peak {max(peaks):,.0f} MB"
    )
    was, pages_before = _read_medians([r["before"] for r in read])  # in turns, same run
    text += f"; before the week, in turns: {was[0]:.2f} s, {was[1]:.2f} s ({pages_before})"
    imported = found.get("before")
    if not imported:
        return text, False
    text += f"; the whole campaign's import: peak {imported['peak_rss_mb']:,.0f} MB"
    timed = all(a <= b * NO_WORSE_WITHIN for a, b in zip(after, was, strict=True))
    return text, timed and max(peaks) <= imported["peak_rss_mb"]


def _read_medians(read: list[dict]) -> tuple[tuple[float, float], str]:
    """The report's and the slowest page's medians over the rounds, and which pages."""
    medians = tuple(
        statistics.median(r[name] for r in read)
        for name in ("report_seconds", "slowest_page_seconds")
    )
    return (medians[0], medians[1]), ", ".join(sorted({r["slowest_page"] for r in read}))


# (figure, target, how a scale's results give it: (text, met), or None when not measured)
TARGETS = (
    ("refresh after the week's batch (incremental)", f"≤ {BATCH_TARGET_SECONDS:.0f} s", _batch),
    (
        f"the {SHEET_ROWS}-row sign-in sheet alone, import + refresh, end to end",
        f"≤ {SHEET_TARGET_SECONDS:.0f} s",
        _sheet,
    ),
    ("full refresh (`turnout refresh --full`)", f"≤ {FULL_TARGET_SECONDS:.0f} s", _full),
    (
        "the week's largest export: its import (the file's own transaction) against bare "
        "`read_csv`",
        f"≤ {READ_CSV_TARGET_RATIO:.0f}×",
        _read_csv,
    ),
    (
        "the week's batch (import + refresh) against the pandas script on every file",
        f"≥ {PANDAS_TARGET_RATIO:.0f}× as fast, same numbers",
        _pandas,
    ),
    (
        "reading back after the week: `turnout report`, the slowest dashboard page (cold, "
        "server-side), the peak memory of the week's import and refresh (either mode)",
        f"no worse than before (the report and the slowest page: on the campaign before the "
        f"week, in turns in the same run, within {NO_WORSE_WITHIN - 1:.0%} for this shared "
        "machine's noise; the peak: the whole campaign's import, `benchmarks.run` at this "
        "scale)",
        _reading_back,
    ),
)


def table(every: list[dict]) -> list[str]:
    """One row per target, one column per scale; met or missed is said only where the
    target is set (10M): the smaller scales show how the figure grows."""
    lines = [
        "| figure | target at 10M | " + " | ".join(f"{f['scale']:,}" for f in every) + " |",
        "|---|---|" + "---|" * len(every),
    ]
    for name, target, figure in TARGETS:
        cells = []
        for found in every:
            got = figure(found)
            if got is None:
                cells.append("not measured")
                continue
            text, met = got
            verdict = ("met" if met else "**missed**") if found["scale"] >= TARGETS_AT else ""
            cells.append(f"{text}{'; ' + verdict if verdict else ''}")
        lines.append(f"| {name} | {target} | " + " | ".join(cells) + " |")
    return lines


def _spread(values: list[float]) -> tuple[float, float, float]:
    """Median, min and max."""
    return statistics.median(values), min(values), max(values)


def section(every: list[dict]) -> str:
    """The "Incremental refresh" section: every scale measured, one table."""
    lines = [
        BEGIN,
        "",
        "### Incremental refresh: a week of new data",
        "",
        "A campaign that grows: the generated campaign without a week's files, then a "
        "batch of the last newsletter's activity, a newer export of the latest past "
        'Eventbrite event (statuses changed: "Attending" → "Checked In") and a '
        f"{SHEET_ROWS}-row sign-in sheet. Interleaved A/B on copies of one database, "
        "medians of the rounds with their range (min–max). Refresh = linking people, "
        "every mart and both models, in one transaction.",
        "",
    ]
    lines += [
        "| scale | week's rows | incremental refresh s | full refresh (`--full`) s | "
        "ratio | marts: incremental / full s | identical to a full rebuild | load "
        f"| the {SHEET_ROWS}-row sheet alone: import + refresh s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for found in every:
        inc = _spread(_picked(found, "incremental", lambda r: r["refresh_seconds"]))
        full = _spread(_picked(found, "full", lambda r: r["refresh_seconds"]))
        marts_inc = _spread(_picked(found, "incremental", _marts_seconds))
        marts_full = _spread(_picked(found, "full", _marts_seconds))
        same = all(not r.get("differences") for r in found["runs"] if r["mode"] == "incremental")
        loads = [r["load_before"] for r in found["runs"]]
        m = found["machine"]
        lines.append(
            f"| {found['scale']:,} | {sum(w['rows'] for w in found['week']):,} "
            f"| {inc[0]:.2f} ({inc[1]:.2f}–{inc[2]:.2f}) "
            f"| {full[0]:.2f} ({full[1]:.2f}–{full[2]:.2f}) | {inc[0] / full[0]:.2f}× "
            f"| {marts_inc[0]:.2f} / {marts_full[0]:.2f} "
            f"| {IDENTICAL if same else '**no**'} "
            f"| {min(loads):.1f}–{max(loads):.1f} (before {m['load_average_before'][0]:.1f}, "
            f"after {m['load_average'][0]:.1f}) | {_sheet_cell(found)} |"
        )
    lines += [
        "",
        "The targets for a week of new data, each ratio against its baseline in the same "
        "run (the week's largest export read by DuckDB's bare `read_csv`; the pandas script "
        "re-run on every file of the campaign as it stands after the week, compared number "
        "by number with `turnout report`):",
        "",
        *table(every),
    ]
    lines += [
        "",
        "Reproduce: "
        + ", ".join(
            f"`python -m benchmarks.incremental --scale {f['scale']} --rounds {f['rounds']}`"
            for f in every
        )
        + ". Load: the 1-minute load average of the 2-core machine "
        "before each refresh (a shared machine).",
        "",
    ]
    for found in every:
        lines += _steps_table(found)
    lines += [END]
    return "\n".join(lines)


def _sheet_cell(found: dict) -> str:
    values = _sheet_seconds(found)
    if not values:
        return "not measured"
    median, low, high = _spread(values)
    return f"{median:.2f} ({low:.2f}–{high:.2f})"


def _steps_table(found: dict) -> list[str]:
    """Median seconds of each step at one scale, incremental next to full."""

    def median_of(mode: str, name: str) -> float:
        values = [r["steps"].get(name, 0.0) for r in found["runs"] if r["mode"] == mode]
        return statistics.median(values) if values else 0.0

    names = list(dict.fromkeys(n for r in found["runs"] for n in r["steps"]))
    incremental = next(r for r in found["runs"] if r["mode"] == "incremental")

    lines = [
        f"At {found['scale']:,} (median seconds per step; how: the incremental "
        "refresh's way for that mart):",
        "",
        "| step | incremental | full | how |",
        "|---|---|---|---|",
    ]
    for name in names:
        how = incremental["marts"].get(name, {})
        said = how.get("how", "")
        if said == "incremental":
            said = f"incremental, {how['keys']:,} keys"
        elif said == "full":
            said = f"full ({how['why']})"
        lines.append(
            f"| {name} | {median_of('incremental', name):.2f} "
            f"| {median_of('full', name):.2f} | {said} |"
        )
    models = "; ".join(f"{k}: {v}" for k, v in incremental["models"].items())
    return lines + ["", f"Models after the incremental refresh: {models or '–'}.", ""]
