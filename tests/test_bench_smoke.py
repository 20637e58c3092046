"""The benchmark harness at 10,000 interactions: every figure is there, the pandas way
agrees with Turnout. No timing is asserted (the machine may be shared)."""

from __future__ import annotations

import json
import math

from benchmarks import results, run


def test_the_harness_measures_every_figure(tmp_path):
    found = run.run(scale=10_000, runs=1, import_runs=1, work=tmp_path / "work")
    json_path, markdown = results.save(found, tmp_path / "out")

    saved = json.loads(json_path.read_text())
    for name, value in results.figures(saved).items():
        assert value is not None and not math.isnan(value), name
    assert saved["interactions"] > 5_000
    assert any(f["large"] for f in saved["import"]["formats"].values())
    for fmt in saved["import"]["formats"].values():
        assert fmt["read_csv_seconds"] > 0 and fmt["import_seconds"] > 0
    assert "overview.py" in saved["pages"]["cold_seconds"]
    assert not saved["pages"]["errors"]
    assert saved["pandas"]["differences"] == []
    assert saved["pandas"]["numbers"]["funnel"] == {
        stage: saved["report_funnel"]["interactions"][stage]
        for stage in ("awareness", "engagement", "action")}

    text = markdown.read_text()
    for target, _ in results.TARGETS.values():
        assert target in text
    assert "python -m benchmarks.run --scale 10000" in text
