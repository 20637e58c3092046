"""Disclosure control on the cases found by hand, tested as an attacker would: the engine
(``dashboard/disclosure.py``) hides a cell more where the relations between the numbers would
give a count shown as "<5" away, never hides a count that is not of people, and the key
figures cover a slacktivism of 2 of 46 and hide its change. The board's pages and pack are
attacked in test_disclosure_pages.py, with the attacker of disclosure_attacker.py."""

from __future__ import annotations

import pytest

from dashboard import board_tables, data, disclosure, i18n, ui
from tests import frames
from tests.disclosure_attacker import SMALL_TEXT, WITHHELD, Attacker

pytestmark = pytest.mark.usefixtures("fresh_caches")

# the engine on the cases found by hand ---------------------------------------------------


def test_the_no_shows_of_registered_48_came_68_walk_ins_24_cannot_be_worked_out():
    table = disclosure.Table()
    for name, value in (
        ("registered", 48),
        ("came_registered", 44),
        ("no_show", 4),
        ("attended", 68),
        ("walk_ins", 24),
    ):
        table.add(name, value)
    table.total("registered", "came_registered", "no_show")
    table.total("attended", "came_registered", "walk_ins")
    table.share("came_registered", "registered", "no_show")
    hidden = disclosure.protect(table)
    assert hidden.small == {"no_show"} and len(hidden.cover) == 1  # one more, not three
    a = Attacker()
    shown = {
        k: a.cell(WITHHELD if k in hidden.cover else SMALL_TEXT if k in hidden.small else f"{v}")
        for k, v in table.values.items()
        if k != "came_registered"
    }
    came = a.var()
    a.equal({shown["registered"]: 1, came: -1, shown["no_show"]: -1})
    a.equal({shown["attended"]: 1, came: -1, shown["walk_ins"]: -1})
    assert a.pinned() == []


def test_primary_suppression_alone_gives_the_small_count_away():
    """The attacker finds 4 when only the small cell is hidden (what the board saw before)."""
    a = Attacker()
    registered, no_show, attended, walk_ins = (a.cell(t) for t in ("48", "<5", "68", "24"))
    came = a.var()
    a.equal({registered: 1, came: -1, no_show: -1})
    a.equal({attended: 1, came: -1, walk_ins: -1})
    assert [v for _, v in a.pinned()] == [4]


def test_a_slacktivism_of_2_of_46_is_covered():
    table = disclosure.Table()
    table.add("people", 50)
    table.add("committed", 46)
    table.add("acted", 44)
    table.add("never", 2)
    table.total("committed", "acted", "never")
    table.share("never", "committed", "acted")
    table.at_least("people", "committed")
    table.at_least("committed", "acted")
    hidden = disclosure.protect(table)
    assert "never" in hidden.small and hidden.cover
    assert disclosure.exposed(table, hidden) == []


def test_counts_that_are_not_people_are_never_hidden():
    table = disclosure.Table()
    table.add("events", 3, people=False)
    table.add("going", 2, people=False)
    table.add("registered", 3)
    hidden = disclosure.protect(table)
    assert hidden.small == {"registered"} and not hidden.cover


def test_key_figures_cover_a_slacktivism_of_2_of_46_and_hide_its_change():
    now = frames.funnel([900, 90, 60, 44], [300, 80, 46, 44], slacktivism_index=2 / 46)
    before = frames.funnel([800, 80, 50, 40], [280, 70, 40, 30], slacktivism_index=10 / 40)
    none = frames.no_events()
    shown = board_tables.figures("en", True, now, none, before, none)
    assert ("never_acted", "") in shown.hidden.small
    assert {("people", "", "commitment"), ("people", "", "action")} & shown.hidden.cover
    assert disclosure.exposed(shown.table, shown.hidden) == []
    c = ui.Context("en", ui.BOARD)
    figures_now, figures_before = data.key_figures(now, none), data.key_figures(before, none)
    assert ui.figure(c, shown, "slacktivism", figures_now) == i18n.t("en", "rate.hidden")
    assert ui.figure_delta(c, shown, "slacktivism", figures_now, figures_before) is None
    hidden = [n for n in ("committed", "acted") if ui.figure(c, shown, n, figures_now) == WITHHELD]
    assert (
        len(hidden) == 1
        and ui.figure_delta(c, shown, hidden[0], figures_now, figures_before) is None
    )
    lead = board_tables.figures("en", False, now, none, before, none)
    assert ui.figure(c, lead, "slacktivism", figures_now) == i18n.percent("en", 2 / 46)
