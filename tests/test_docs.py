"""The docs stay true: every format is documented, every command has help, every mart
and every figure of the JSON report is in docs/metrics.md."""

from __future__ import annotations

import hashlib
import json
import re
import statistics

import pytest
from typer.testing import CliRunner

from pipelines import load, marts, sources
from pipelines.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT_NAMES = sorted(sources.REGISTRY)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_is_in_the_readme_table(name):
    assert re.search(rf"^\| `{name}` \|", README, re.MULTILINE), (
        f"add `{name}` to the README's table of formats"
    )


def example_file(name: str):
    """The file a format names as its example, in sample_data/ or tests/fixtures/."""
    wanted = sources.REGISTRY[name].sample_file
    places = [ROOT / "sample_data" / wanted, *(ROOT / "tests" / "fixtures").rglob(wanted)]
    return next((p for p in places if wanted and p.is_file()), None)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_has_an_example_file_that_is_recognised(name):
    source = sources.REGISTRY[name]
    assert source.example_header and source.title
    path = example_file(name)
    assert path is not None, (
        f"{name}: sample_file should name a file in sample_data/ or tests/fixtures/"
    )
    if source.auto_detect:
        assert load.recognise(path, load.ImportOptions()).name == name


def test_every_command_is_documented():
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    for command in commands:
        assert f"turnout {command}" in README, f"document `turnout {command}` in the README"
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and len(result.output.splitlines()) > 3


def test_sources_command_lists_every_format():
    result = CliRunner().invoke(app, ["sources"], terminal_width=400)
    for name in FORMAT_NAMES:
        assert name in result.output


# docs/metrics.md: every mart and every figure of the JSON report ----------------------

METRICS_DOC = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
STAGES = ("awareness", "engagement", "commitment", "action")


def documented(name: str) -> bool:
    """A line of one of docs/metrics.md's tables starts with ``name`` in backticks."""
    return re.search(rf"^\| `{re.escape(name)}` \|", METRICS_DOC, re.MULTILINE) is not None


@pytest.mark.parametrize("mart", [marts.table_name(stem) for stem, _ in marts.mart_files()])
def test_every_mart_is_in_the_metrics_doc(mart):
    assert documented(mart), f"add `{mart}` to the table of marts in docs/metrics.md"


def figures(value, path: str = "") -> set[str]:
    """The report's figures by path: ``funnel.people`` (one number per stage),
    ``events[].registered`` (a field of each row), ``data_quality.imports``."""
    if isinstance(value, dict) and set(value) != set(STAGES):
        found: set[str] = set()
        for key, inner in value.items():
            found |= figures(inner, f"{path}.{key}" if path else key)
        return found
    if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        return set().union(*(figures(row, f"{path}[]") for row in value))
    return {path}


def test_every_figure_of_the_json_report_is_in_the_metrics_doc(db):
    from pipelines import report, warehouse
    from tests.given import given
    from tests.test_marts import campaign_rows

    given(db, **campaign_rows())  # every section of the report has rows
    with warehouse.reader(db) as con:
        built = json.loads(report.to_json(report.build(con)))
    found = figures(built)
    assert {
        "funnel.people",
        "events[].registered",
        "channels[].slacktivism_index",
        "data_quality.anonymous_signins",
        "time_to_action.median_days",
    } <= found
    missing = sorted(path for path in found if not documented(path))
    assert missing == [], f"add these to the JSON report's table in docs/metrics.md: {missing}"


# the README says what the code does -----------------------------------------------------


def test_the_readme_hash_formula_is_what_is_stored(db):
    """`sha256(secret || kind || ':' || key)`, worked out here for one Mobilize row: Marie,
    user 3001, marie@example.org, 514-555-0101 (tests/fixtures/people)."""
    from pipelines import config
    from tests.conftest import query, run_import

    assert "`sha256(secret || kind || ':' || key)`" in README
    people = ROOT / "tests" / "fixtures" / "people"
    run_import(db, people / "calendar.csv")
    run_import(db, people / "mobilize_participations.csv")
    secret = config.read_secret(db).decode()

    def formula(kind: str, key: str) -> int:
        # its first 128 bits: the number of its first 32 hex digits
        return int(hashlib.sha256(f"{secret}{kind}:{key}".encode()).hexdigest()[:32], 16)

    stored = query(
        db, "select email_key, phone_key, platform_key from registrations where source_ref = '3001'"
    )
    assert stored == [
        (
            formula("email", "marie@example.org"),
            formula("phone", "+15145550101"),
            formula("platform", "mobilize:3001"),
        )
    ]


def _readme_section(title: str) -> str:
    start = README.index(f"## {title}\n")
    return README[start : README.index("\n## ", start + 1)]


def test_the_readme_export_time_rule_names_every_step_in_the_codes_order():
    rule = _readme_section("Importing: what to expect")
    rule = rule[rule.index("**Export time.**") :]
    steps = [
        "`--exported-at`",
        "preamble",
        "latest date written in its name",
        "period's",
        "modification time",
        "never dated before the newest post",
    ]
    found = [rule.find(step) for step in steps]
    assert -1 not in found and found == sorted(found), dict(zip(steps, found, strict=True))


# the README's performance table, row by row: each cell's figures as kept by the benchmarks
def _scale_figures(found: dict) -> dict[str, list[float]]:
    cold = [s for page, s in found["pages"]["cold_seconds"].items() if page != "(first load)"]
    large = [f["ratio"] for f in found["import"]["formats"].values() if f["large"]]
    return {
        "`turnout report --format json`": [found["report_seconds"]],
        "slowest dashboard page (cold)": [max(cold)],
        "peak memory, import / dashboard": [
            found["import"]["peak_rss_mb"],
            found["pages"]["peak_rss_mb"],
        ],
        "one mart rebuild": [found["mart_rebuild_seconds"]],
        "import of the largest export / bare `read_csv`": [max(large)],
        "whole campaign: import + one refresh": [found["import"]["seconds"]],
        "the pandas way, files to numbers": [found["pandas"]["seconds"]],
        "Turnout's speed against it: end to end (import + report)": [
            found["pandas"]["end_to_end_ratio"]
        ],
        "Turnout's speed against it: to answer again (report)": [found["pandas"]["answer_ratio"]],
    }


def _week_figures(found: dict) -> dict[str, list[float]]:
    def median(mode: str) -> float:
        return statistics.median(r["refresh_seconds"] for r in found["runs"] if r["mode"] == mode)

    sheet = statistics.median(r["seconds"] for r in found["sheet_runs"])
    return {
        "refresh after a week's new data: incremental / `--full`": [
            median("incremental"),
            median("full"),
        ],
        "a 200-row sign-in sheet alone: import + refresh": [sheet],
    }


def _kept(kind: str) -> dict[int, dict]:
    folder = ROOT / "benchmarks" / "results"
    return {
        found["scale"]: found
        for found in (json.loads(p.read_text()) for p in folder.glob(f"{kind}-*.json"))
    }


def _written(cell: str) -> list[tuple[float, int]]:
    """The numbers of a table cell, each with the decimals it is written with."""
    return [
        (float(n.replace(",", "")), len(n.partition(".")[2]))
        for n in re.findall(r"\d[\d,]*(?:\.\d+)?", cell)
    ]


def test_the_readme_performance_table_gives_the_figures_the_benchmarks_kept():
    header = "| | 100k | 1M | 10M | Target |"
    lines = README.split(header, 1)[1].split("\n\n", 1)[0].strip().splitlines()[1:]
    scales = (100_000, 1_000_000, 10_000_000)  # the header's columns
    by_scale, by_week = _kept("scale"), _kept("incremental")
    checked = set()
    for line in lines:
        label, *cells, _target = [c.strip() for c in line.strip("|").split("|")]
        for scale, cell in zip(scales, cells, strict=True):
            expected = {**_scale_figures(by_scale[scale]), **_week_figures(by_week[scale])}
            assert label in expected, f"README performance row {label!r}: no kept figure"
            written = _written(cell)
            assert len(written) == len(expected[label]), (label, cell)
            for (number, decimals), figure in zip(written, expected[label], strict=True):
                assert abs(number - figure) <= 0.5 * 10**-decimals + 1e-9, (
                    f"README performance row {label!r} at {scale:,}: {cell!r}, but the "
                    f"benchmarks kept {figure:.3f} (benchmarks/results/)"
                )
            checked.add(label)
    assert len(checked) == 11


def test_the_benchmark_results_end_with_the_analysis_as_it_stands():
    """RESULTS.md is generated from the kept results and ends with benchmarks/analysis.md:
    an edit of the analysis is not seen there until RESULTS.md is rendered again."""
    from benchmarks import results

    written = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    assert written == results.render(results.kept(results.HERE)), (
        "render benchmarks/RESULTS.md again: python -m benchmarks.results"
    )
