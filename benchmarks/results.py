"""Results: one JSON file per scale, and RESULTS.md with every figure next to its target.

``python -m benchmarks.results`` renders RESULTS.md again from the kept results
(``results/``) and ``analysis.md``, after an edit of the analysis: nothing is measured.
"""

from __future__ import annotations

import json
from pathlib import Path

TARGETS = {  # figure: (target text, test on the figure)
    "import_ratio": ("≤ 2× bare read_csv (each large per-person export)", lambda v: v <= 2),
    "mart_rebuild_seconds": ("< 10 s", lambda v: v < 10),
    "report_seconds": ("< 1 s", lambda v: v < 1),
    "slowest_page_seconds": ("< 2 s (every page, server-side)", lambda v: v < 2),
    "import_peak_rss_mb": ("< 2048 MB", lambda v: v < 2048),
    "dashboard_peak_rss_mb": ("< 2048 MB", lambda v: v < 2048),
    "pandas_ratio": ("≥ 3× faster than pandas, same numbers", lambda v: v >= 3),
}
HERE = Path(__file__).resolve().parent


def figures(found: dict) -> dict[str, float]:
    """The headline figures of one run, by the names of TARGETS."""
    large = [f for f in found["import"]["formats"].values() if f["large"]]
    pages = {p: s for p, s in found["pages"]["cold_seconds"].items() if p != "(first load)"}
    return {
        "import_ratio": max((f["ratio"] for f in large), default=found["import"]["ratio"]),
        "mart_rebuild_seconds": found["mart_rebuild_seconds"],
        "report_seconds": found["report_seconds"],
        "slowest_page_seconds": max(pages.values()),
        "import_peak_rss_mb": found["import"]["peak_rss_mb"],
        "dashboard_peak_rss_mb": found["pages"]["peak_rss_mb"],
        "pandas_ratio": found["pandas"]["end_to_end_ratio"],
    }


def keep(found: dict, out: Path, kind: str = "scale") -> Path:
    """One run's results as ``out/results/<kind>-<scale>.json``."""
    folder = out / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{found['scale']}.json"
    path.write_text(json.dumps(found, indent=1, default=str) + "\n")
    return path


def kept(out: Path, kind: str = "scale") -> list[dict]:
    """Every run of ``kind`` kept in ``out``, the smallest scale first."""
    return sorted(
        (json.loads(p.read_text()) for p in (out / "results").glob(f"{kind}-*.json")),
        key=lambda found: found["scale"],
    )


def save(found: dict, out: Path) -> tuple[Path, Path]:
    return keep(found, out), write_markdown(out)


def write_markdown(out: Path = HERE) -> Path:
    """``out/RESULTS.md`` rendered again from the results kept in ``out``."""
    markdown = out / "RESULTS.md"
    markdown.write_text(render(kept(out)))
    return markdown


def put_in_analysis(out: Path, section: str, begin: str, end: str) -> None:
    """``section`` (from its marker line ``begin`` to ``end``) in ``out/analysis.md``, in
    place of the one between the same markers or else at its end; then RESULTS.md again,
    when ``out`` is this folder (RESULTS.md ends with this folder's analysis)."""
    analysis = out / "analysis.md"
    text = analysis.read_text(encoding="utf-8") if analysis.exists() else ""
    if begin in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    analysis.write_text(text, encoding="utf-8")
    every = kept(out)
    if every and out == HERE:
        (out / "RESULTS.md").write_text(render(every))


def _n(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _times(ratio: float | None) -> str:
    """A ratio as 3.2× or, below 0.1, as 1/250×."""
    if ratio is None:
        return "–"
    return f"1/{1 / ratio:,.0f}×" if 0 < ratio < 0.1 else f"{ratio:,.2f}×"


def _scale(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


def headline(found: dict) -> str:
    lines = []
    for name, value in figures(found).items():
        target, ok = TARGETS[name]
        lines.append(f"{name}: {_n(value)} (target {target}) {'met' if ok(value) else 'MISSED'}")
    same = not found["pandas"]["differences"]
    lines.append(f"pandas numbers equal Turnout's: {same}")
    return "\n".join(lines)


def _main_table(found: dict) -> list[str]:
    values = figures(found)
    shown = {
        "import_ratio": f"{_n(values['import_ratio'], 1)}× (whole campaign "
        f"{_n(found['import']['ratio'], 1)}×: {_n(found['import']['seconds'], 1)}"
        f" s vs {_n(found['import']['read_csv_seconds'], 1)} s)",
        "mart_rebuild_seconds": f"{_n(values['mart_rebuild_seconds'])} s",
        "report_seconds": f"{_n(values['report_seconds'])} s",
        "slowest_page_seconds": f"{_n(values['slowest_page_seconds'])} s (slowest page, cold)",
        "import_peak_rss_mb": f"{_n(values['import_peak_rss_mb'], 0)} MB",
        "dashboard_peak_rss_mb": f"{_n(values['dashboard_peak_rss_mb'], 0)} MB",
        "pandas_ratio": f"{_times(values['pandas_ratio'])} end to end (pandas "
        f"{_n(found['pandas']['seconds'], 1)} s vs import + report); "
        f"{_times(found['pandas']['answer_ratio'])} to answer again; "
        + (
            "same numbers"
            if not found["pandas"]["differences"]
            else f"**{len(found['pandas']['differences'])} numbers differ**"
        ),
    }
    names = {
        "import_ratio": "Import vs bare `read_csv`",
        "mart_rebuild_seconds": "Mart rebuild",
        "report_seconds": "`turnout report --format json`",
        "slowest_page_seconds": "Dashboard pages",
        "import_peak_rss_mb": "Peak RSS, import",
        "dashboard_peak_rss_mb": "Peak RSS, dashboard",
        "pandas_ratio": "vs the pandas way",
    }
    lines = ["| Figure | Target | Result | Met |", "|---|---|---|---|"]
    for name, (target, ok) in TARGETS.items():
        lines.append(
            f"| {names[name]} | {target} | {shown[name]} | "
            f"{'yes' if ok(values[name]) else '**no**'} |"
        )
    return lines


def _details(found: dict) -> list[str]:
    imp = found["import"]
    lines = [
        "",
        "### Import, per per-person format (sum over its files)",
        "",
        "Each file's own transaction, from reading it to its commit; the figures are "
        "refreshed once for the whole campaign (below).",
        "",
        "| Format | Files | Rows | Large | Import s | read_csv s | Ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in imp["formats"].items():
        lines.append(
            f"| {name} | {f['files']} | {f['rows']:,} | {'yes' if f['large'] else ''} "
            f"| {_n(f['import_seconds'])} | {_n(f['read_csv_seconds'])} | "
            f"{_n(f['ratio'], 1)}× |"
        )
    refresh = imp["refresh_steps"]
    parts = [f"{name} {_n(seconds)} s" for name, seconds in sorted(refresh.items())]
    commit = imp["refresh_seconds"] - sum(refresh.values())
    lines += [
        "",
        "### Import, where the time goes (whole campaign)",
        "",
        f"{_n(imp['seconds'], 1)} s in all: the files {_n(imp['files_seconds'], 1)} s, "
        f"then one refresh of the figures {_n(imp['refresh_seconds'], 1)} s ("
        + ", ".join(parts)
        + f", commit {_n(commit)} s), then closing the database "
        f"{_n(imp['close_seconds'])} s.",
        "",
        "| Step of a file's import (all files) | Seconds | Share |",
        "|---|---|---|",
    ]
    steps = imp["steps_seconds"]
    total = sum(steps.values()) or 1
    for name, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {_n(seconds)} | {seconds / total:.0%} |")
    lines += [
        "",
        "### Dashboard pages, server-side (AppTest), median seconds",
        "",
        "| Page | Cold (caches cleared) | Warm (rerun) |",
        "|---|---|---|",
    ]
    warm = found["pages"]["warm_seconds"]
    for page, seconds in found["pages"]["cold_seconds"].items():
        lines.append(f"| {page} | {_n(seconds)} | {_n(warm.get(page))} |")
    if found["pages"].get("errors"):
        lines += [
            "",
            "Pages that raised: "
            + "; ".join(f"{p}: {e}" for p, e in found["pages"]["errors"].items()),
        ]
    if found["pandas"]["differences"]:
        lines += [
            "",
            "Numbers where pandas and Turnout differ: "
            + "; ".join(found["pandas"]["differences"][:20]),
        ]
    return lines


SCALED = {  # label, how to read it from a result
    "interactions (rows read)": lambda r: r["interactions"],
    "import, whole campaign (s)": lambda r: r["import"]["seconds"],
    "bare read_csv, same files (s)": lambda r: r["import"]["read_csv_seconds"],
    "import / read_csv": lambda r: r["import"]["ratio"],
    "the files' own transactions (s)": lambda r: r["import"]["files_seconds"],
    "files / read_csv": lambda r: r["import"]["files_seconds"] / r["import"]["read_csv_seconds"],
    "refresh of the figures (s)": lambda r: r["import"]["refresh_seconds"],
    "one mart rebuild (s)": lambda r: r["mart_rebuild_seconds"],
    "report (s)": lambda r: r["report_seconds"],
    "slowest page, cold (s)": lambda r: figures(r)["slowest_page_seconds"],
    "peak RSS import (MB)": lambda r: r["import"]["peak_rss_mb"],
    "peak RSS dashboard (MB)": lambda r: r["pages"]["peak_rss_mb"],
    "pandas way (s)": lambda r: r["pandas"]["seconds"],
    "pandas / (import + report)": lambda r: r["pandas"]["end_to_end_ratio"],
}


def _scaling(every: list[dict]) -> list[str]:
    if len(every) < 2:
        return []
    head = " | ".join(_scale(r["scale"]) for r in every)
    growth = " | ".join(
        f"×{_n(b['scale'] / a['scale'], 0)} data" for a, b in zip(every, every[1:], strict=False)
    )
    lines = [
        "",
        "## Scaling curve",
        "",
        "Each figure at each scale, then how much it grew for each step in data size "
        "(linear growth = the same factor as the data).",
        "",
        f"| Figure | {head} | {growth} |",
        "|---|" + "---|" * (2 * len(every) - 1),
    ]
    for label, pick in SCALED.items():
        values = [pick(r) for r in every]
        grown = [
            f"×{_n(b / a, 1)}" if a and b else "–" for a, b in zip(values, values[1:], strict=False)
        ]
        digits = 0 if label.startswith(("interactions", "peak")) else 2
        lines.append(
            f"| {label} | "
            + " | ".join(_n(v, digits) for v in values)
            + " | "
            + " | ".join(grown)
            + " |"
        )
    return lines


def render(every: list[dict]) -> str:
    main = every[-1]
    m = main["machine"]
    lines = [
        "# Turnout benchmarks",
        "",
        "Generated by `python -m benchmarks.run` (`make bench`); do not edit by hand: the "
        "analysis below comes from `benchmarks/analysis.md`.",
        "",
        f"## {_scale(main['scale'])} interactions ({main['interactions']:,} rows in "
        f"{main['files']} files, {main['people']:,} simulated people)",
        "",
        f"Reproduce: `{main['command']}`. Medians of {main['runs']} runs "
        f"({main['import_runs']} whole-campaign imports).",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['system']}; Python "
        f"{m['python']}, DuckDB {m['duckdb']}, pandas {m['pandas']}, Streamlit {m['streamlit']}. "
        f"Load average before/after: {', '.join(f'{x:.1f}' for x in m['load_average_before'])}"
        f" / {', '.join(f'{x:.1f}' for x in m['load_average'])} (a shared machine).",
        "",
    ]
    lines += _main_table(main) + _details(main) + _scaling(every)
    analysis = HERE / "analysis.md"
    if analysis.exists():
        lines += ["", analysis.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    from benchmarks import command_line

    command_line("benchmarks.results", __doc__).parse_args(argv)
    print(write_markdown())


if __name__ == "__main__":
    main()
