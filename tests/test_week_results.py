"""How the week's benchmark reads back its campaign: before the week and after it, in turns,
and when it says reading back is no worse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import run, week_baselines, week_results


def test_reading_back_times_both_sides_in_turns_and_keeps_the_report_after_the_week(
    tmp_path, monkeypatch
):
    before, after = tmp_path / "before.duckdb", tmp_path / "after.duckdb"
    calls = []
    seconds = {before: [0.40, 0.44], after: [0.50, 0.54]}
    page_seconds = {before: [0.30, 0.36], after: [0.20, 0.26]}

    def measure_report(db: Path, runs: int):
        calls.append(("report", db))
        return [seconds[db].pop(0)], {"from": db.name}

    def child(kind: str, db: str, out: str, *options: str):
        calls.append((kind, Path(db)))
        cold = {"(first load)": 9.0, "people.py": page_seconds[Path(db)].pop(0), "about.py": 0.1}
        Path(out).write_text(json.dumps({"cold_seconds": cold, "errors": {}}))

    monkeypatch.setattr(run, "measure_report", measure_report)
    monkeypatch.setattr(run, "_child", child)
    read, report = week_baselines.read_back(before, after, tmp_path, runs=2, page_turns=2)

    sides = [db for _, db in calls]
    assert [kind for kind, _ in calls] == ["report"] * 4 + ["dashboard"] * 4
    assert sides == [before, after, after, before] * 2  # the last report read: before
    assert report == {"from": "after.duckdb"}
    assert read["report_runs"] == [0.50, 0.54]
    assert read["report_seconds"] == pytest.approx(0.52)
    assert read["before"]["report_seconds"] == pytest.approx(0.42)
    # each page's median over the turns, the first load left out
    assert read["slowest_page"] == read["before"]["slowest_page"] == "people.py"
    assert read["slowest_page_seconds"] == pytest.approx(0.23)
    assert read["before"]["slowest_page_seconds"] == pytest.approx(0.33)


def _found(after: tuple[float, float], before: tuple[float, float], peak: float) -> dict:
    side = {"report_seconds": after[0], "slowest_page_seconds": after[1], "slowest_page": "p.py"}
    was = {"report_seconds": before[0], "slowest_page_seconds": before[1], "slowest_page": "p.py"}
    return {
        "runs": [
            {"mode": "incremental", "read_back": {**side, "before": was}, "peak_rss_mb": peak}
        ],
        "before": {"report_seconds": 9.0, "slowest_page_seconds": 9.0, "peak_rss_mb": 1000.0},
    }


def test_reading_back_is_no_worse_within_the_machines_noise_and_not_beyond():
    text, met = week_results._reading_back(_found((0.54, 0.32), (0.50, 0.30), 900.0))
    assert met and "before the week, in turns: 0.50 s, 0.30 s (p.py)" in text
    assert not week_results._reading_back(_found((0.56, 0.30), (0.50, 0.30), 900.0))[1]
    assert not week_results._reading_back(_found((0.50, 0.34), (0.50, 0.30), 900.0))[1]
    assert not week_results._reading_back(_found((0.50, 0.30), (0.50, 0.30), 1001.0))[1]
