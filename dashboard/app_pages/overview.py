"""Overview, the board view: key figures against the previous period, funnel, 12-month trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, i18n, ui

COUNTS = ("reached", "committed", "acted")
RATES = ("slacktivism", "show_up", "going_conversion")
INVERSE = {"slacktivism"}  # a lower slacktivism index is better


def figures(c: ui.Context, since, until) -> dict:
    rows = data.funnel(c.campaign, c.channel, since, until)
    events = data.within(data.events(), "starts_at", c.campaign, since, until)
    return data.key_figures(rows, events)


def count_delta(c: ui.Context, now, before) -> str | None:
    if before is None or (c.board and (0 < now < i18n.SMALL or 0 < before < i18n.SMALL)):
        return None
    return ("+" if now >= before else "") + i18n.number(c.lang, now - before)


def rate_delta(c: ui.Context, name: str, now: dict, before: dict | None) -> str | None:
    if before is None or now[name] is None or before[name] is None or \
            c.hides(*now["parts"][name], *before["parts"][name]):
        return None
    now, before = now[name], before[name]
    points = 100 * (now - before)
    return c.t("delta.points", value=("+" if points >= 0 else "") + i18n.number(c.lang, points))


def show_figures(c: ui.Context, now: dict, before: dict | None) -> None:
    columns = st.columns(3)
    for i, name in enumerate(COUNTS):
        delta = count_delta(c, now[name], before[name] if before else None)
        columns[i].metric(c.t(f"kpi.{name}"), c.count(now[name]), delta,
                          help=c.t(f"kpi.{name}.help"))
    columns = st.columns(3)
    for i, name in enumerate(RATES):
        delta = rate_delta(c, name, now, before)
        columns[i].metric(c.t(f"kpi.{name}"), c.rate(now[name], *now["parts"][name]), delta,
                          delta_color="inverse" if name in INVERSE else "normal",
                          help=c.t(f"kpi.{name}.help"))


def funnel_block(c: ui.Context) -> None:
    rows = data.funnel(c.campaign, c.channel, c.since, c.until)
    if not rows["people"].any():
        st.info(c.t("empty.no_data"))
        return
    labels = [c.t(f"stage.{s}") for s in rows["stage"]]
    fig = charts.funnel(labels, [c.shown(v) for v in rows["people"]],
                        [c.count(v) for v in rows["people"]], c.t("chart.funnel_people"),
                        [charts.STAGE_COLOURS[s] for s in rows["stage"]])
    table = pd.DataFrame({c.t("col.stage"): labels,
                          c.t("col.people"): [c.count(v) for v in rows["people"]]})
    ui.chart(fig, table, c.t("chart.funnel_people.def"), "overview-funnel")


def trend_block(c: ui.Context) -> None:
    rows = data.trend(c.campaign, c.channel)
    if rows.empty:
        st.info(c.t("empty.no_data"))
        return
    end = pd.Timestamp(c.until) if c.until is not None else rows["month"].max()
    months = sorted(m for m in rows["month"].unique() if m < end)[-12:]
    rows = rows[rows["month"].isin(months)]
    wide = rows.pivot_table(index="month", columns="stage", values="people", aggfunc="sum")
    stages = [s for s in ("commitment", "action") if s in wide]
    series = {c.t(f"stage.{s}"): [c.shown(v) for v in wide[s]] for s in stages}
    colours = {c.t(f"stage.{s}"): charts.STAGE_COLOURS[s] for s in stages}
    fig = charts.lines([i18n.month(c.lang, m) for m in wide.index], series,
                       c.t("chart.trend"), c.t("unit.people"), colours)
    table = pd.DataFrame({c.t("col.month"): [m.strftime("%Y-%m") for m in wide.index],
                          **{c.t(f"stage.{s}"): [c.count(v) for v in wide[s]] for s in stages}})
    ui.chart(fig, table, c.t("chart.trend.def"), "overview-trend")


c = ui.context()
st.title(c.t("page.overview"))
now = figures(c, c.since, c.until)
before = figures(c, c.prev_since, c.prev_until) if c.since is not None else None
st.caption(c.window_text() + (" · " + c.t("period.compared") if before else ""))
show_figures(c, now, before)
if c.channel is not None:
    st.caption(c.t("filter.channel_events_note"))
left, right = st.columns(2)
with left:
    funnel_block(c)
with right:
    trend_block(c)
# the one-page PDF board pack (a later change) is offered here, from `now`, `before`,
# data.funnel(...) and the events of the period, with the same chart builders
if c.board:
    st.caption(c.t("small_numbers_note"))
