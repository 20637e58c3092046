"""The People and Channels pages: the pyramid drawn as one, with the About page's tiers and the
month the period ends in; cohorts that start within the period; a note where a chart does not
follow the chosen campaign."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from dashboard import data, i18n
from tests.dashboard_helpers import PAGES, ROOT, app, decode, figures, no_exception

pytestmark = pytest.mark.usefixtures("fresh_caches")


def pyramid_tiers() -> list[str]:
    """The tiers of the default rules (pipelines/pyramid.toml), from the bottom up."""
    import tomllib

    rules = tomllib.loads((ROOT / "pipelines" / "pyramid.toml").read_text(encoding="utf-8"))
    return [tier["name"] for tier in rules["tier"]]


def _pyramid_counts(at) -> dict[str, int]:
    spec = next(s for s in figures(at) if s["data"][0].get("meta") == "pyramid")
    return {layer["name"]: decode(layer["customdata"])[0] for layer in spec["data"]}


def test_the_pyramid_is_drawn_as_a_pyramid_with_the_tiers_of_the_about_page(sample_db):
    at = app("en", "lead").switch_page(PAGES["people"]).run()
    spec = next(s for s in figures(at) if s["data"][0].get("meta") == "pyramid")
    layers = spec["data"]
    widths = [max(decode(layer["x"])) - min(decode(layer["x"])) for layer in layers]
    bottoms = [min(decode(layer["y"])) for layer in layers]
    # from the top tier down: each layer lower and wider than the one above it
    assert bottoms == sorted(bottoms, reverse=True) and widths == sorted(widths)
    assert len(set(widths)) == len(widths)
    for lang in ("en", "fr"):
        names = [i18n.label(lang, "tier", t) for t in ("observing", *pyramid_tiers())]
        about = i18n.t(lang, "about.def.pyramid")
        assert [n for n in names if n in about] == names  # every tier, bottom up
        assert sorted(names, key=about.index) == names
    drawn = [layer["name"] for layer in layers][::-1]  # bottom up, the tiers with people
    tiers = [i18n.label("en", "tier", t) for t in ("observing", *pyramid_tiers())]
    assert len(drawn) >= 3 and drawn == [t for t in tiers if t in drawn]


def test_people_pyramid_follows_the_period_and_says_which_month(sample_db):
    at = app("en", "lead", f_period="90").switch_page(PAGES["people"]).run()
    no_exception(at)
    ctx = at.session_state["ctx"]
    last_day = ctx.until - timedelta(days=1)
    with duckdb.connect(str(sample_db), read_only=True) as con:
        (month,) = con.execute(
            "select max(month) from mart_person_months where month <= ?",
            [last_day.date().replace(day=1)],
        ).fetchone()
        counts = con.execute(
            "select tier, count(*) from mart_person_months where month = ? group by tier", [month]
        ).fetchall()
        now = dict(
            con.execute("select tier, count(*) from mart_person_tiers group by tier").fetchall()
        )
    expected = {i18n.label("en", "tier", tier): n for tier, n in counts}
    assert _pyramid_counts(at) == expected
    title = i18n.t("en", "chart.pyramid_at", month=i18n.month("en", month))
    assert title in [s["layout"]["title"]["text"] for s in figures(at)]
    every = app("en", "lead").switch_page(PAGES["people"]).run()
    assert _pyramid_counts(every) == {i18n.label("en", "tier", t): n for t, n in now.items()}


def test_people_cohorts_start_within_the_period(sample_db):
    at = app("en", "lead", f_period="365").switch_page(PAGES["people"]).run()
    since = at.session_state["ctx"].since
    heatmap = next(s for s in figures(at) if s["data"][0]["type"] == "heatmap")
    with duckdb.connect(str(sample_db), read_only=True) as con:
        months = [
            m
            for (m,) in con.execute(
                "select distinct cohort_month from mart_retention where cohort_month >= ? "
                "order by 1",
                [since.date().replace(day=1)],
            ).fetchall()
        ][-12:]
    assert len(heatmap["data"][0]["y"]) == len(months) > 0
    assert all(
        name.startswith(i18n.month("en", m))
        for name, m in zip(heatmap["data"][0]["y"], months, strict=True)
    )


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_charts_without_campaigns_say_so_when_one_is_chosen(sample_db, lang):
    campaign = data.options()["campaign"][0]
    at = app(lang, "lead", f_campaign=campaign, f_period="365")
    at.switch_page(PAGES["people"]).run()
    no_exception(at)
    assert i18n.t(lang, "people.every_campaign", campaign=campaign) in [i.value for i in at.info]
    at.switch_page(PAGES["channels"]).run()
    notes = [i.value for i in at.info]
    assert i18n.t(lang, "channels.every_campaign", campaign=campaign) in notes
    assert i18n.t(lang, "channels.all_time") in notes
    plain = app(lang, "lead").switch_page(PAGES["channels"]).run()
    assert not {i18n.t(lang, "channels.all_time")} & {i.value for i in plain.info}
