"""Disclosure control on the board's pages and pack, on the sample campaign, for windows of all
time and 7, 30 and 90 days: from the Events, Channels, Overview and Funnel pages, the board
pack and the relations between their numbers, the attacker pins no count shown as "<5"; no
chart draws a hidden value."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from dashboard import board_pack, data, i18n, ui
from tests.dashboard_helpers import PAGES, app, decode, figures, shown
from tests.disclosure_attacker import BIG, RATE_HIDDEN, SMALL_TEXT, WITHHELD, Attacker

pytestmark = pytest.mark.usefixtures("fresh_caches")

PERIODS = ("all", "7", "30", "90")


def window(period: str) -> dict:
    """The app's filters for a window of ``period`` days ending on the last day with data."""
    if period in ui.PERIODS:
        return {"f_period": period}
    _, last = data.date_range()
    return {
        "f_period": "custom",
        "w_period": "custom",
        "w_dates": (last - timedelta(days=int(period) - 1), last),
    }


def _col(key: str) -> str:
    return i18n.t("en", f"col.{key}")


def _metric(at, key: str):
    return next(m for m in at.metric if m.label == i18n.t("en", key))


def _number(text) -> int | None:
    text = str(text).replace(",", "")
    return int(text) if text.isdigit() else None


def events_attack(at, lead) -> Attacker:
    """The Events page: every event's counts, its rates, and the pooled rates; ``lead`` is
    the same page as the campaign lead sees it (the true counts)."""
    a = Attacker()
    table = shown(at.dataframe[0])
    truth = shown(lead.dataframe[0])
    pooled_came, pooled_registered, pooled_attended, pooled_going = {}, {}, {}, {}
    for (_, row), (_, true) in zip(table.iterrows(), truth.iterrows(), strict=True):
        registered, attended = a.cell(row[_col("registered")]), a.cell(row[_col("attended")])
        walk_ins, no_show = a.cell(row[_col("walk_ins")]), a.cell(row[_col("no_show")])
        unknown = a.cell(row[_col("attendance_unknown")])
        came = a.var()  # registered people who came: seen through the show-up rate
        if _number(true[_col("no_show")]) is not None:
            a.secret(came, _number(true[_col("registered")]) - _number(true[_col("no_show")]))
        going_text = str(row[_col("facebook_going")]).replace(",", "")
        going = int(going_text) if going_text.isdigit() else 0
        if attended is not None:
            a.equal({registered: 1, came: -1, no_show: -1})
            a.equal({attended: 1, came: -1, walk_ins: -1})
            a.share({came: 1}, {registered: 1}, row[_col("show_up_rate")])
            pooled_came[came], pooled_registered[registered] = 1, 1
            if going:
                a.rows.append(({attended: 1}, 0, np.inf))
                a.share({attended: 1}, {a.var(going, going): 1}, row[_col("going_conversion")])
                pooled_attended[attended] = 1
                pooled_going[a.var(going, going)] = 1
        elif unknown is not None and registered is not None:
            a.equal({unknown: 1, registered: -1})
    a.share(pooled_came, pooled_registered, _metric(at, "kpi.show_up").value)
    a.share(pooled_attended, pooled_going, _metric(at, "kpi.going_conversion").value)
    return a


def channels_attack(at, lead) -> Attacker:
    a = Attacker()
    for (_, row), (_, true) in zip(
        shown(at.dataframe[0]).iterrows(), shown(lead.dataframe[0]).iterrows(), strict=True
    ):
        people, committed = a.cell(row[_col("people")]), a.cell(row[_col("committed")])
        acted, never = a.cell(row[_col("acted")]), a.var()
        a.secret(never, _number(true[_col("committed")]) - _number(true[_col("acted")]))
        a.at_least(people, committed)
        a.at_least(committed, acted)
        a.equal({committed: 1, acted: -1, never: -1})
        a.share({never: 1}, {committed: 1}, row[_col("slacktivism")])
    return a


def overview_attack(at, lead) -> Attacker:
    """Key figures, their changes, and the funnel of people they are part of."""
    a = Attacker()
    funnel = [f for f in (s["data"][0] for s in figures(at)) if f.get("type") == "funnel"]
    stages = [a.cell(t) for t in funnel[0]["text"]] if funnel else [None] * 4
    for larger, smaller in zip(stages, stages[1:], strict=False):
        if larger is not None and smaller is not None:
            a.at_least(larger, smaller)
    kpis = {}
    for key, stage in (("kpi.committed", 2), ("kpi.acted", 3), ("kpi.reached_people", 0)):
        metric = _metric(at, key)
        kpis[key] = a.cell(metric.value)
        if kpis[key] is not None and stages[stage] is not None:
            a.equal({kpis[key]: 1, stages[stage]: -1})
        before = a.var()  # the period before, seen only through the change
        if metric.delta and kpis[key] is not None:
            change = int(metric.delta.replace(",", "").replace("+", ""))
            a.equal(
                {
                    kpis[key]: 1,
                    before: -1,
                    a.var(change + BIG, change + BIG): -1,
                    a.var(BIG, BIG): 1,
                }
            )
    never = a.var()
    a.secret(
        never,
        _number(_metric(lead, "kpi.committed").value) - _number(_metric(lead, "kpi.acted").value),
    )
    a.equal({kpis["kpi.committed"]: 1, kpis["kpi.acted"]: -1, never: -1})
    a.share({never: 1}, {kpis["kpi.committed"]: 1}, _metric(at, "kpi.slacktivism").value)
    return a


def pack_attack(pack: board_pack.Pack) -> Attacker:
    """The board pack: key figures now, before and their change; funnel; RSVP gap."""
    a = Attacker()
    rows = {label: row for label, *row in board_pack.key_figure_rows(pack)}
    _, _, texts, _ = board_pack.funnel_series(pack)
    stages = [a.cell(t) for t in texts]
    for larger, smaller in zip(stages, stages[1:], strict=False):
        a.at_least(larger, smaller)
    cells = {}
    for key, stage in (("committed", 2), ("acted", 3), ("reached_people", 0)):
        now, before, change = rows[i18n.t("en", f"kpi.{key}")]
        cells[key] = (a.cell(now), a.cell(before) if before else None)
        if cells[key][0] is not None:
            a.equal({cells[key][0]: 1, stages[stage]: -1})
        if change and None not in cells[key]:
            value = int(change.replace(",", "").replace("+", ""))
            a.equal(
                {
                    cells[key][0]: 1,
                    cells[key][1]: -1,
                    a.var(value + BIG, value + BIG): -1,
                    a.var(BIG, BIG): 1,
                }
            )
    for period, true in enumerate((pack.now, pack.before)):
        committed, acted = cells["committed"][period], cells["acted"][period]
        if committed is None or acted is None:
            continue
        never = a.var()
        a.secret(never, true["committed"] - true["acted"])
        a.equal({committed: 1, acted: -1, never: -1})
        a.share({never: 1}, {committed: 1}, rows[i18n.t("en", "kpi.slacktivism")][period])
    _, series = board_pack.gap_series(pack)
    registered = [a.cell(t) for t in series[_col("registered")][1]]
    attended = [a.cell(t) for t in series[_col("attended")][1]]
    if len(pack.events) <= board_pack.MAX_EVENTS:  # every event of the period is drawn
        came, whole = {}, {}
        truth = board_pack.gap_events(pack)["registered_attended"]
        for r, t, true in zip(registered, attended, truth, strict=True):
            if r is None or t is None:
                continue
            c = a.var()
            a.secret(c, None if true != true else int(true))
            a.at_least(r, c)
            a.at_least(t, c)
            came[c], whole[r] = 1, 1
        a.share(came, whole, rows[i18n.t("en", "kpi.show_up")][0])
    return a


def charts_carry_no_hidden_value(at) -> None:
    """Every bar or funnel whose text says "<5" or "hidden" has no length: nothing to read."""
    for spec in figures(at):
        for trace in spec["data"]:
            if trace.get("meta") != "count" or "text" not in trace:
                continue
            axis = "y" if trace.get("orientation") != "h" and trace.get("type") == "bar" else "x"
            values = decode(trace.get(axis))
            for value, text in zip(values, trace["text"], strict=True):
                if text in (SMALL_TEXT, WITHHELD):
                    assert value is None or value != value, (trace.get("name"), text, value)


# the board's pages and pack on the sample campaign ---------------------------------------


@pytest.mark.parametrize("period", PERIODS)
def test_the_events_page_gives_no_small_count_away(sample_db, period):
    board = app("en", "board", **window(period)).switch_page(PAGES["events"]).run()
    if not board.dataframe:
        pytest.skip("no event in this window")
    lead = app("en", "lead", **window(period)).switch_page(PAGES["events"]).run()
    assert events_attack(board, lead).pinned() == []
    charts_carry_no_hidden_value(board)
    lead_cells = shown(lead.dataframe[0]).to_numpy()
    board_cells = shown(board.dataframe[0]).to_numpy()
    for lead_cell, board_cell in zip(lead_cells.ravel(), board_cells.ravel(), strict=True):
        assert board_cell in (lead_cell, SMALL_TEXT, WITHHELD, *RATE_HIDDEN)


def test_the_thirty_days_events_hide_the_no_shows_and_say_why(sample_db):
    board = app("en", "board", f_period="30").switch_page(PAGES["events"]).run()
    cells = set(shown(board.dataframe[0]).to_numpy().ravel())
    assert SMALL_TEXT in cells and WITHHELD in cells
    assert i18n.t("en", "disclosure.note") in [c.value for c in board.caption]


def test_the_channels_page_gives_no_small_count_away(sample_db):
    board = app("en", "board").switch_page(PAGES["channels"]).run()
    lead = app("en", "lead").switch_page(PAGES["channels"]).run()
    assert SMALL_TEXT in set(shown(board.dataframe[0]).to_numpy().ravel())
    assert channels_attack(board, lead).pinned() == []
    charts_carry_no_hidden_value(board)


@pytest.mark.parametrize("period", PERIODS)
def test_the_overview_gives_no_small_count_away(sample_db, period):
    board = app("en", "board", **window(period))
    lead = app("en", "lead", **window(period))
    assert overview_attack(board, lead).pinned() == []
    charts_carry_no_hidden_value(board)


@pytest.mark.parametrize("period", PERIODS)
def test_the_board_pack_gives_no_small_count_away(sample_db, period):
    _, last = data.date_range()
    c = ui.Context("en", ui.LEAD, None, None, period, *ui.window(period, last))
    pack = board_pack.collect(c)
    assert pack_attack(pack).pinned() == []


@pytest.mark.parametrize("period", PERIODS)
def test_the_pack_and_the_events_page_hide_the_same_counts(sample_db, period):
    _, last = data.date_range()
    c = ui.Context("en", ui.BOARD, None, None, period, *ui.window(period, last))
    pack = board_pack.collect(c)
    board = app("en", "board", **window(period)).switch_page(PAGES["events"]).run()
    if not board.dataframe:
        pytest.skip("no event in this window")
    page = shown(board.dataframe[0]).set_index(_col("event"))
    names, series = board_pack.gap_series(pack)
    for key in ("registered", "attended"):
        for name, text in zip(names, series[_col(key)][1], strict=True):
            assert page.at[name.rsplit(" · ", 1)[0], _col(key)] == text, (key, name)
    rows = board_pack.key_figure_rows(pack)
    show_up = next(r for r in rows if r[0] == i18n.t("en", "kpi.show_up"))[1]
    assert _metric(board, "kpi.show_up").value == show_up


def test_the_number_of_events_is_not_a_count_of_people(sample_db):
    board = app("en", "board", **window("7")).switch_page(PAGES["events"]).run()
    events = len(shown(board.dataframe[0]))
    assert 0 < events < 5, "the sample's last week should hold a few events"
    assert _metric(board, "kpi.events").value == str(events)


def funnel_attack(at, lead) -> Attacker:
    """The Funnel page in people: stages, what each keeps of the one before, slacktivism."""
    a = Attacker()
    table, truth = shown(at.dataframe[0]), shown(lead.dataframe[0])
    stages = [a.cell(t) for t in table[_col("people")]]
    for i, (larger, smaller) in enumerate(zip(stages, stages[1:], strict=False)):
        a.at_least(larger, smaller)
        a.share({smaller: 1}, {larger: 1}, table[_col("kept")].iloc[i + 1])
    committed, acted = stages[2], stages[3]
    never = a.var()
    a.secret(never, _number(truth[_col("people")].iloc[2]) - _number(truth[_col("people")].iloc[3]))
    a.equal({committed: 1, acted: -1, never: -1})
    a.share({never: 1}, {committed: 1}, _metric(at, "kpi.slacktivism").value)
    return a


@pytest.mark.parametrize("period", PERIODS)
def test_the_funnel_page_gives_no_small_count_away(sample_db, period):
    pages = [
        app("en", role, funnel_measure="people", **window(period))
        .switch_page(PAGES["funnel"])
        .run()
        for role in ("board", "lead")
    ]
    if not pages[0].dataframe:
        pytest.skip("nobody in this window")
    assert funnel_attack(*pages).pinned() == []
    charts_carry_no_hidden_value(pages[0])
