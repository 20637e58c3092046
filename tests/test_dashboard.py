"""The dashboard, page by page, with Streamlit's AppTest (no browser): every page opens in
both roles and languages and speaks from the catalogue, the key figures match an independent
count, filters hold between pages, and an empty or unusable database opens on a page that
says what to do. Its other themes have modules of their own: test_dashboard_*.py."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dashboard import data, i18n
from pipelines import cli
from tests import sample_expected
from tests.dashboard_helpers import (
    BOARD_PAGES,
    PAGES,
    SMALL_FILES,
    app,
    metrics,
    no_exception,
    not_in_catalogue,
    strings,
)
from tests.funnel_reference import window_figures

pytestmark = pytest.mark.usefixtures("fresh_caches")


def data_values(db: Path) -> set[str]:
    """Strings that come from the data (names, ids, channels), not from the catalogue."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            select name from events union select event_id from events
            union select campaign from mart_funnel_facts union select channel from mart_funnel_facts
            union select campaign from mart_event_gap union select first_channel from mart_channels
        """).fetchall()
    return {str(r[0]) for r in rows if r[0] is not None} | {"Turnout"}


def report_json(*args: str) -> dict:
    result = CliRunner().invoke(cli.app, ["report", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# every page, both roles, both languages ----------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("role", ("lead", "board"))
def test_every_page_opens_and_speaks_from_the_catalogue(sample_db, lang, role):
    at = app(lang, role)
    no_exception(at)
    known = data_values(sample_db)
    pages = PAGES if role == "lead" else {k: PAGES[k] for k in BOARD_PAGES}
    for name, path in pages.items():
        at.switch_page(path).run()
        no_exception(at)
        assert at.title, name
        assert not_in_catalogue(strings(at), known) == [], name
    for name in set(PAGES) - set(pages):
        with pytest.raises(ValueError):  # the board is never offered People or Data
            at.switch_page(PAGES[name])


@pytest.mark.parametrize("period", ("all", "90", "365"))
def test_key_figures_match_an_independent_count(sample_db, period):
    """All time: the sample files, read on their own; a window (the files give no date to
    every record): the funnel counted in pandas from the facts, the events from the files.
    The report, which reads the same SQL, must give the same."""
    at = app("en", "lead", f_period=period)
    no_exception(at)
    ctx = at.session_state["ctx"]
    args = []
    if ctx.since is None:
        want = sample_expected.key_figures()
    else:
        args = [
            "--since",
            ctx.since.date().isoformat(),
            "--until",
            (ctx.until - timedelta(days=1)).date().isoformat(),
        ]
        want = {
            **window_figures(sample_db, ctx.since, ctx.until),
            **sample_expected.event_figures(ctx.since, ctx.until),
        }
    assert want["acted"] > 0 and want["show_up"] is not None
    shown = metrics(at)
    t = lambda key: i18n.t("en", key)  # noqa: E731
    assert shown[t("kpi.reached")] == i18n.number("en", want["reached"])
    assert shown[t("kpi.committed")] == i18n.number("en", want["committed"])
    assert shown[t("kpi.acted")] == i18n.number("en", want["acted"])
    assert shown[t("kpi.slacktivism")] == i18n.percent("en", want["slacktivism"])
    assert shown[t("kpi.show_up")] == i18n.percent("en", want["show_up"])
    assert shown[t("kpi.going_conversion")] == i18n.percent("en", want["going_conversion"])
    at.switch_page(PAGES["funnel"]).run()
    assert metrics(at)[t("kpi.per_1000")] == i18n.number("en", want["per_1000"], 1)
    report = report_json(*args)
    assert (report["funnel"]["people"]["commitment"], report["funnel"]["people"]["action"]) == (
        want["committed"],
        want["acted"],
    )
    assert report["slacktivism_index"] == pytest.approx(want["slacktivism"])
    assert report["actions_per_1000_engagements"] == pytest.approx(want["per_1000"])


def test_key_figures_for_one_campaign_match_the_files(sample_db):
    campaigns = data.options()["campaign"]
    at = app("fr", "lead", f_campaign=campaigns[0])
    people, _ = sample_expected.people_funnel(campaigns[0])
    assert people["action"] > 0
    shown = metrics(at)
    assert shown[i18n.t("fr", "kpi.acted")] == i18n.number("fr", people["action"])
    assert shown[i18n.t("fr", "kpi.committed")] == i18n.number("fr", people["commitment"])
    # no post, email or list of the files names a campaign: nobody was reached under one
    assert shown[i18n.t("fr", "kpi.reached")] == i18n.number("fr", 0)


def test_filters_are_kept_between_pages(sample_db):
    at = app()
    campaign = data.options()["campaign"][-1]
    at.selectbox(key="w_campaign").set_value(campaign).run()
    at.selectbox(key="w_period").set_value("365").run()
    before = metrics(at)
    at.switch_page(PAGES["about"]).run()  # a page without filters
    at.switch_page(PAGES["funnel"]).run()
    assert at.selectbox(key="w_campaign").value == campaign
    assert at.selectbox(key="w_period").value == "365"
    at.switch_page(PAGES["overview"]).run()
    assert metrics(at) == before


def test_filters_that_match_nothing_show_a_message_not_an_empty_chart(small_db):
    start, end = date(2025, 4, 1), date(2025, 4, 2)
    with duckdb.connect(str(small_db), read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from mart_funnel_facts where occurred_at >= ? and occurred_at < ?",
                [start, end],
            ).fetchone()[0]
            == 0
        )
    at = app("fr", f_period="custom")
    at.date_input(key="w_dates").set_value((start, end)).run()
    assert at.session_state["ctx"].since.date() == start
    no_exception(at)
    assert any(i.value == i18n.t("fr", "empty.no_data") for i in at.info)


# empty states --------------------------------------------------------------------------


def test_empty_database_opens_on_the_welcome_page(db):
    at = app()
    no_exception(at)
    assert at.title[0].value == i18n.t("en", "welcome.title")
    labels = [b.label for b in at.button]
    assert i18n.t("en", "welcome.load_sample") in labels
    assert i18n.t("en", "welcome.go_upload") in labels
    assert not at.get("plotly_chart")


def test_no_database_file_at_all_opens_on_the_welcome_page(tmp_path, monkeypatch):
    monkeypatch.setenv("TURNOUT_DB", str(tmp_path / "nothing" / "turnout.duckdb"))
    at = app("fr")
    no_exception(at)
    assert at.title[0].value == i18n.t("fr", "welcome.title")


def test_welcome_loads_the_sample_through_the_importer(db, tmp_path, monkeypatch):
    from dashboard import loading

    folder = tmp_path / "sample"
    folder.mkdir()
    for path in SMALL_FILES[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(loading, "SAMPLE_DATA", folder)
    at = app()
    at.button(key="load_sample").click().run()
    no_exception(at)
    assert at.title[0].value == i18n.t("en", "page.overview")
    assert at.metric


def test_a_database_without_schema_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "bare.duckdb"
    duckdb.connect(str(path)).close()  # a file, but never `turnout init`
    monkeypatch.setenv("TURNOUT_DB", str(path))
    at = app()
    no_exception(at)
    assert at.error[0].value == i18n.t("en", "database.problem")
    assert "turnout init" in at.caption[0].value


def test_the_board_on_an_empty_database_gets_a_message_not_buttons(db):
    at = app("fr", "board")
    no_exception(at)
    assert at.title[0].value == i18n.t("fr", "welcome.title")
    assert any(i.value == i18n.t("fr", "welcome.board") for i in at.info)
    assert "load_sample" not in [b.key for b in at.button]
