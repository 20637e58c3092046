"""Overview, the board view: key figures against the previous period, funnel, 12-month trend,
and the PDF board pack."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from dashboard import board_pack, charts, data, i18n, ui

COUNTS = ("reached", "committed", "acted")
RATES = ("slacktivism", "show_up", "going_conversion")
INVERSE = {"slacktivism"}  # a lower slacktivism index is better


def figures(c: ui.Context, since, until) -> dict:
    rows = data.funnel(c.campaign, c.channel, since, until)
    events = data.within(data.events(), "starts_at", c.campaign, since, until)
    return data.key_figures(rows, events)


def show_figures(c: ui.Context, now: dict, before: dict | None) -> None:
    columns = st.columns(3)
    for i, name in enumerate(COUNTS):
        delta = ui.count_delta(c, now[name], before[name] if before else None)
        columns[i].metric(c.t(f"kpi.{name}"), c.count(now[name]), delta,
                          help=c.t(f"kpi.{name}.help"))
    columns = st.columns(3)
    for i, name in enumerate(RATES):
        delta = ui.rate_delta(c, name, now, before)
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


def unrecorded_months(c: ui.Context, months) -> set:
    """Months with events but no attendance recorded for any of them: their actions are
    missing, not 0 (a rally whose sign-in sheet is not imported yet)."""
    events = data.within(data.events(), "starts_at", c.campaign, None, None)
    if events.empty:
        return set()
    month_of = pd.to_datetime(events["starts_at"]).dt.to_period("M").dt.start_time
    recorded = events["has_attendance_data"].astype(bool).groupby(month_of).any()
    return {m for m in months if m in recorded.index and not recorded[m]}


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
    missing = unrecorded_months(c, wide.index)

    def value(stage: str, month, v):
        return None if stage == "action" and month in missing else v

    series = {c.t(f"stage.{s}"): [c.shown(value(s, m, v)) for m, v in wide[s].items()]
              for s in stages}
    colours = {c.t(f"stage.{s}"): charts.STAGE_COLOURS[s] for s in stages}
    labels = [i18n.month(c.lang, m) for m in wide.index]
    fig = charts.lines(labels, series, c.t("chart.trend"), c.t("unit.people"), colours,
                       missing=[i18n.month(c.lang, m) for m in wide.index if m in missing],
                       missing_text=c.t("chart.not_recorded"))
    table = pd.DataFrame({c.t("col.month"): [m.strftime("%Y-%m") for m in wide.index],
                          **{c.t(f"stage.{s}"): [c.t("chart.not_recorded")
                                                 if value(s, m, v) is None else c.count(v)
                                                 for m, v in wide[s].items()]
                             for s in stages}})
    ui.chart(fig, table, c.t("chart.trend.def"), "overview-trend")
    if missing:
        st.caption(c.t("chart.not_recorded.note", months=", ".join(
            i18n.month(c.lang, m) for m in sorted(missing))))


def board_pack_block(c: ui.Context) -> None:
    """The PDF for the board, made on request and kept until a filter or the data
    changes."""
    st.subheader(c.t("pack.heading"))
    st.caption(c.t("pack.help"))
    key = (c, data.stamp())
    ready = st.session_state.get("board_pack")
    if ready and ready["key"] != key:
        ready = None
    slot = st.empty()  # the "prepare" button, gone once the pack is ready
    if ready is None and slot.button(c.t("pack.prepare"), key="pack_prepare"):
        slot.empty()
        with st.spinner(c.t("pack.preparing")):
            try:
                pack = board_pack.collect(c)
                pdf, route = board_pack.build(pack)
            except data.Unavailable:
                raise
            except Exception:  # neither a browser nor fpdf2 could make it: say so
                logging.getLogger(__name__).exception("board pack")
                st.warning(c.t("pack.failed"))
                return
        ready = {"key": key, "pdf": pdf, "route": route, "name": board_pack.file_name(pack)}
        st.session_state["board_pack"] = ready
    if ready:
        if ready["route"] == "drawn":
            st.info(c.t("pack.drawn"))
        st.download_button(c.t("pack.download"), ready["pdf"], ready["name"], "application/pdf",
                           key="pack_download", on_click="ignore", type="primary")


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
board_pack_block(c)
if c.board:
    st.caption(c.t("small_numbers_note"))
