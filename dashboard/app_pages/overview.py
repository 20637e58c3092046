"""Overview, the board view: key figures against the previous period, funnel, 12-month trend,
and the PDF board pack."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import board_pack, board_tables, charts, data, i18n, ui

COUNTS = ("reached", "reached_people", "committed", "acted")
RATES = ("slacktivism", "show_up", "going_conversion")
INVERSE = {"slacktivism"}  # a lower slacktivism index is better


def period_rows(
    c: ui.Context, since: datetime | None, until: datetime | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The funnel and the events of a period, within the filters."""
    return (
        data.funnel(c.campaign, c.channel, since, until),
        data.within(data.events(), "starts_at", c.campaign, since, until),
    )


def show_figures(c: ui.Context, shown: board_tables.Shown, now: dict, before: dict | None) -> None:
    for names in (COUNTS, RATES):
        columns = st.columns(len(names))
        for column, name in zip(columns, names, strict=True):
            column.metric(
                c.t(f"kpi.{name}"),
                ui.figure(c, shown, name, now),
                ui.figure_delta(c, shown, name, now, before),
                delta_color="inverse" if name in INVERSE else "normal",
                help=c.t(f"kpi.{name}.help"),
            )


def funnel_block(c: ui.Context, rows: pd.DataFrame, shown: board_tables.Shown) -> None:
    if not rows["people"].any():
        st.info(c.t("empty.no_data"))
        return
    labels = [c.t(f"stage.{s}") for s in rows["stage"]]
    keys = [("people", "", s) for s in rows["stage"]]
    fig = charts.funnel(
        labels,
        [shown.value(k) for k in keys],
        [shown.text(k) for k in keys],
        c.t("chart.funnel_people"),
        [charts.STAGE_COLOURS[s] for s in rows["stage"]],
    )
    table = pd.DataFrame(
        {c.t("col.stage"): labels, c.t("col.people"): [shown.text(k) for k in keys]}
    )
    ui.chart(fig, table, c.t("chart.funnel_people.def"), "overview-funnel")


def unrecorded_months(c: ui.Context, months: Iterable[pd.Timestamp]) -> set[pd.Timestamp]:
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
    shown = board_tables.trend(c.lang, c.board, wide)
    missing = unrecorded_months(c, wide.index)

    def value(stage: str, month: pd.Timestamp) -> int | None:
        return None if stage == "action" and month in missing else shown.value((stage, month))

    series = {c.t(f"stage.{s}"): [value(s, m) for m in wide.index] for s in stages}
    colours = {c.t(f"stage.{s}"): charts.STAGE_COLOURS[s] for s in stages}
    labels = [i18n.month(c.lang, m) for m in wide.index]
    fig = charts.lines(
        labels,
        series,
        c.t("chart.trend"),
        c.t("unit.people"),
        colours,
        missing=[i18n.month(c.lang, m) for m in wide.index if m in missing],
        missing_text=c.t("chart.not_recorded"),
    )
    table = pd.DataFrame(
        {
            c.t("col.month"): [m.strftime("%Y-%m") for m in wide.index],
            **{
                c.t(f"stage.{s}"): [
                    c.t("chart.not_recorded")
                    if s == "action" and m in missing
                    else shown.text((s, m))
                    for m in wide.index
                ]
                for s in stages
            },
        }
    )
    ui.chart(fig, table, c.t("chart.trend.def"), "overview-trend")
    if missing:
        st.caption(
            c.t(
                "chart.not_recorded.note",
                months=", ".join(i18n.month(c.lang, m) for m in sorted(missing)),
            )
        )


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
        st.download_button(
            c.t("pack.download"),
            ready["pdf"],
            ready["name"],
            "application/pdf",
            key="pack_download",
            on_click="ignore",
            type="primary",
        )


c = ui.context()
st.title(c.t("page.overview"))
funnel_now, events_now = period_rows(c, c.since, c.until)
now = data.key_figures(funnel_now, events_now)
before, funnel_before, events_before = None, None, None
if c.since is not None:
    funnel_before, events_before = period_rows(c, c.prev_since, c.prev_until)
    before = data.key_figures(funnel_before, events_before)
shown = board_tables.figures(c.lang, c.board, funnel_now, events_now, funnel_before, events_before)
st.caption(c.window_text() + (" · " + c.t("period.compared") if before else ""))
show_figures(c, shown, now, before)
if c.channel is not None:
    st.caption(c.t("filter.channel_events_note"))
left, right = st.columns(2)
with left:
    funnel_block(c, funnel_now, shown)
with right:
    trend_block(c)
ui.disclosure_note(c, shown)
board_pack_block(c)
if c.board:
    st.caption(c.t("small_numbers_note"))
