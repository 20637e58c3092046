"""Charts read at a glance: the by-channel funnel on linear scales without empty rows, rate
labels clear of their error bars."""

from __future__ import annotations

import pytest

from dashboard import charts, i18n
from tests.dashboard_helpers import PAGES, app, decode, figures, no_exception

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.mark.parametrize("measure", ("interactions", "people"))
def test_the_funnel_by_channel_has_linear_scales_and_no_empty_rows(sample_db, measure):
    at = app("en", "lead", f_period="all", funnel_measure=measure)
    at.switch_page(PAGES["funnel"]).run()
    no_exception(at)
    title = i18n.t("en", "chart.by_channel")
    spec = next(f for f in figures(at) if f["layout"].get("title", {}).get("text") == title)
    axes = {k: v for k, v in spec["layout"].items() if k.startswith("xaxis")}
    assert axes and all(a.get("type", "linear") != "log" for a in axes.values())
    rows: dict[str, float] = {}
    for trace in spec["data"]:
        for name, value in zip(trace["y"], decode(trace["x"]), strict=True):
            rows[name] = rows.get(name, 0) + (value or 0)
    assert rows and all(total > 0 for total in rows.values()), rows


def test_rate_labels_sit_clear_of_the_error_bars():
    fig = charts.rates(
        ["a", "b"], [0.2, 0.9], [0.1, 0.8], [0.35, 1.0], ["20%", "90%"], "t", "share"
    ).to_plotly_json()
    bar, labels = fig["data"]
    assert not bar.get("text")  # no text on the bar, where an error bar may cross it
    assert min(decode(labels["x"])) > max(h for h in (0.35, 1.0))
    assert list(labels["text"]) == ["20%", "90%"]
