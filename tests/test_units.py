"""Every key figure and column names the unit it counts, and a label that says people is
only ever fed a count of people (``dashboard/units.py`` declares each measure's unit)."""

from __future__ import annotations

import re

import pytest

from dashboard import board_pack, data, i18n, ui, units
from tests import frames, sample_expected
from tests.dashboard_helpers import BOARD_PAGES, PAGES, app, metrics
from tests.funnel_reference import window_figures

pytestmark = pytest.mark.usefixtures("fresh_caches")

# the words a reader takes for each unit, written here apart from the catalogues
WORDS = {
    units.PEOPLE: {"en": r"\bpeople\b|\bperson", "fr": r"personne"},
    units.INTERACTIONS: {
        "en": r"views|opens|clicks|interactions|engagements",
        "fr": r"vues|ouvertures|clics|interactions",
    },
    units.EVENTS: {"en": r"\bevents?\b", "fr": r"événements?"},
    units.SHARE: {
        "en": r"rate|index|\bper\b|share|drop-off|kept",
        "fr": r"taux|indice|\bpar\b|\bpour\b|part|perte|conservé",
    },
}


def says(lang: str, unit: str, label: str) -> bool:
    return re.search(WORDS[unit][lang], label, re.IGNORECASE) is not None


def check_label(lang: str, unit: str | None, label: str) -> None:
    """A people label is fed people (or a share of them); any other unit is named."""
    if unit is None:
        return
    assert says(lang, unit, label), (lang, unit, label)
    if unit not in (units.PEOPLE, units.SHARE):
        assert not says(lang, units.PEOPLE, label), (lang, unit, label)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_declared_figure_and_column_names_its_unit(lang):
    for name, (unit, _) in units.FIGURES.items():
        key = f"kpi.{name}"
        if key in i18n.catalogue(lang):
            check_label(lang, unit, i18n.t(lang, key))
    for name, unit in units.COLUMNS.items():
        check_label(lang, unit, i18n.t(lang, f"col.{name}"))


def test_the_check_catches_a_people_label_on_an_interaction_count():
    with pytest.raises(AssertionError):
        check_label("en", units.INTERACTIONS, "People reached")
    with pytest.raises(AssertionError):
        check_label("fr", units.PEOPLE, "Portée\u00a0: vues et ouvertures")


def test_counted_figures_are_read_from_the_column_their_unit_names():
    rows = frames.funnel(
        [9000, 700, 60, 50],
        [300, 40, 20, 10],
        # the rates come with the funnel (pipelines.funnel), by hand here
        slacktivism_index=(20 - 10) / 20,
        actions_per_1000_engagements=1000 * 50 / 700,
    )
    figures = data.key_figures(rows, frames.no_events())
    # by hand from the frame above
    assert figures["reached"] == 9000 and figures["reached_people"] == 300
    assert figures["committed"] == 20 and figures["acted"] == 10
    assert figures["slacktivism"] == pytest.approx(0.5)
    assert figures["per_1000"] == pytest.approx(1000 * 50 / 700)


def _key(lang: str, prefix: str, label: str) -> str | None:
    """The catalogue key a rendered label came from."""
    found = [k for k, v in i18n.catalogue(lang).items() if k.startswith(prefix) and v == label]
    return found[0][len(prefix) :] if found else None


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("role", ("lead", "board"))
def test_every_rendered_figure_and_column_says_its_unit(sample_db, lang, role):
    at = app(lang, role)
    for page in BOARD_PAGES:
        at.switch_page(PAGES[page]).run()
        for metric in at.metric:
            name = _key(lang, "kpi.", metric.label)
            if name is None:  # a column label reused for one event's counts
                name = _key(lang, "col.", metric.label)
                assert name in units.COLUMNS, (page, metric.label)
                check_label(lang, units.COLUMNS[name], metric.label)
                continue
            assert name in units.FIGURES, (page, metric.label)
            check_label(lang, units.unit(name), metric.label)
        for frame in at.dataframe:
            for header in frame.value.columns:
                name = _key(lang, "col.", str(header))
                if says(lang, units.PEOPLE, str(header)):
                    assert units.COLUMNS.get(name) in (units.PEOPLE, units.SHARE), header
                if name in units.COLUMNS:
                    check_label(lang, units.COLUMNS[name], str(header))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_reach_shows_views_and_opens_beside_the_people_reached(sample_db, lang):
    counted = sample_expected.key_figures()  # from the sample files, read on their own
    at = app(lang, "board")
    shown = metrics(at)
    assert shown[i18n.t(lang, "kpi.reached")] == i18n.number(lang, counted["reached"])
    assert shown[i18n.t(lang, "kpi.reached_people")] == i18n.number(
        lang, counted["people"]["awareness"]
    )
    assert counted["reached"] != counted["people"]["awareness"]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_board_pack_says_each_figures_unit(sample_db, lang):
    _, last = data.date_range()
    pack = board_pack.collect(ui.Context(lang, ui.LEAD, None, None, "30", *ui.window("30", last)))
    counted = window_figures(sample_db, pack.c.since, pack.c.until)  # pandas, from the facts
    rows = {label: now for label, now, *_ in board_pack.key_figure_rows(pack)}
    for name in board_pack.KEY_FIGURES:
        check_label(lang, units.unit(name), i18n.t(lang, f"kpi.{name}"))
    assert rows[i18n.t(lang, "kpi.reached")] == i18n.number(lang, counted["reached"])
    people = counted["reached_people"]
    assert rows[i18n.t(lang, "kpi.reached_people")] in (
        i18n.number(lang, people),
        i18n.t(lang, "small_count"),
    )
    _, series = board_pack.gap_series(pack)
    for name in series:
        assert _key(lang, "col.", name) in units.COLUMNS, name
        check_label(lang, units.COLUMNS[_key(lang, "col.", name)], name)
