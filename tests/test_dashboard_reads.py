"""What the dashboard reads: a rerun comes from the cache, the funnel and its breakdowns count
as the facts say, the filters offer every campaign and channel, and a page reads only what it
shows."""

from __future__ import annotations

import duckdb
import pytest

from dashboard import data, i18n, ui
from tests import sample_expected
from tests.dashboard_helpers import PAGES, app, figures, no_exception
from tests.funnel_reference import reference_funnel

pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_a_rerun_reads_nothing_again(sample_db, monkeypatch):
    at = app()
    reads = []
    real = data._run
    monkeypatch.setattr(data, "_run", lambda *args: reads.append(args[1]) or real(*args))
    for name in ("overview", "funnel", "events", "people", "channels"):
        at.switch_page(PAGES[name]).run()
        read = len(reads)
        at.run()
        no_exception(at)
        assert len(reads) == read, name  # the second run came from the cache


@pytest.mark.parametrize("period", ("all", "90"))
@pytest.mark.parametrize("campaign", (None, 0))
@pytest.mark.parametrize("channel", (None, 0, -1))
def test_funnel_and_breakdowns_count_as_the_facts_say(sample_db, period, campaign, channel):
    found = data.options()
    campaign = None if campaign is None else found["campaign"][campaign]
    channel = None if channel is None else found["channel"][channel]
    since, until = ui.window(period, data.date_range()[1])[:2]
    columns = ["stage", "interactions", "people"]
    expected = reference_funnel(sample_db, campaign, channel, since, until)
    if campaign is None and channel is None:
        assert expected[0][3] > 0
    assert [
        [""] + r for r in data.funnel(campaign, channel, since, until)[columns].values.tolist()
    ] == expected
    for group in ("channel", "campaign"):
        expected = reference_funnel(sample_db, campaign, channel, since, until, group)
        found = data.funnel_by(group, campaign, channel, since, until)
        assert found[["group_value", *columns]].values.tolist() == expected, group
        together = data.funnel(campaign, channel, since, until, group=group)
        assert together.equals(data.funnel(campaign, channel, since, until)), group


def test_filter_options_are_every_campaign_and_channel_of_the_facts(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        campaigns = {
            r[0]
            for r in con.execute(
                "select campaign from mart_funnel_facts where campaign is not null "
                "union select campaign from mart_event_gap where campaign is not null"
            ).fetchall()
        }
        channels = {
            r[0] for r in con.execute("select distinct channel from mart_funnel_facts").fetchall()
        }
    found = data.options()
    assert found["campaign"] == sorted(campaigns) and campaigns
    assert found["channel"] == sorted(channels) and len(channels) > 3


def test_the_funnel_page_reads_only_the_open_breakdown(sample_db, monkeypatch):
    groups = []
    real = data.funnel_by
    monkeypatch.setattr(
        data, "funnel_by", lambda group, *a: groups.append(group) or real(group, *a)
    )
    at = app().switch_page(PAGES["funnel"]).run()
    assert groups == ["channel"]
    at.session_state["funnel_breakdown"] = i18n.t("en", "tab.by_campaign")
    at.run()
    no_exception(at)
    assert groups == ["channel", "campaign"]
    titles = [spec["layout"]["title"]["text"] for spec in figures(at)]
    assert i18n.t("en", "chart.by_campaign") in titles
    assert i18n.t("en", "chart.by_channel") not in titles


def test_events_page_shows_the_files_rates_without_reading_the_funnel(sample_db, monkeypatch):
    at = app("en", "lead", f_period="365")
    ctx = at.session_state["ctx"]
    want = sample_expected.event_figures(ctx.since, ctx.until)  # read from the files
    monkeypatch.setattr(data, "funnel", lambda *a, **k: pytest.fail("the funnel was read"))
    at.switch_page(PAGES["events"]).run()
    no_exception(at)
    assert want["show_up"] is not None
    pooled = next(m.value for m in at.metric if m.label == i18n.t("en", "kpi.show_up"))
    assert pooled == i18n.percent("en", want["show_up"])
