"""Funnel: interactions or people, by channel and campaign, drop-off between stages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, i18n, ui

MEASURES = ("interactions", "people")
BREAKDOWNS = {"channel": "tab.by_channel", "campaign": "tab.by_campaign"}


def drop_off(c: ui.Context, rows: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Each stage's count, its share of the stage before, and the drop-off."""
    values = [int(v) for v in rows[measure]]
    shares = [None] + [b / a if a else None for a, b in zip(values, values[1:], strict=False)]
    pairs = [()] + [(a, b, a - b) for a, b in zip(values, values[1:], strict=False)]
    return pd.DataFrame({
        c.t("col.stage"): [c.t(f"stage.{s}") for s in rows["stage"]],
        c.t(f"col.{measure}"): [c.count(v) for v in values],
        c.t("col.kept"): ["" if s is None else c.rate(s, *pair)
                          for s, pair in zip(shares, pairs, strict=True)],
        c.t("col.drop_off"): ["" if s is None else c.rate(1 - s, *pair)
                              for s, pair in zip(shares, pairs, strict=True)],
    })


def funnel_block(c: ui.Context, rows: pd.DataFrame, measure: str) -> None:
    if not rows[measure].any():
        st.info(c.t("empty.no_data"))
        return
    labels = [c.t(f"stage.{s}") for s in rows["stage"]]
    fig = charts.funnel(labels, [c.shown(v) for v in rows[measure]],
                        [c.count(v) for v in rows[measure]], c.t(f"chart.funnel_{measure}"),
                        [charts.STAGE_COLOURS[s] for s in rows["stage"]])
    table = drop_off(c, rows, measure)
    ui.chart(fig, table, c.t(f"chart.funnel_{measure}.def"), f"funnel-{measure}")
    st.dataframe(table, hide_index=True, width="stretch")


def breakdown(c: ui.Context, group: str, measure: str) -> None:
    rows = data.funnel_by(group, c.campaign, c.channel, c.since, c.until)
    if rows.empty:
        st.info(c.t("empty.no_data"))
        return
    prefix = "channel" if group == "channel" else "campaign"
    # a channel or campaign with nothing at any stage is no row at all
    counted = rows[rows[measure].fillna(0) > 0]
    groups = list(dict.fromkeys(counted["group_value"]))
    if not groups:
        st.info(c.t("empty.no_data"))
        return
    names = [c.label(prefix, g) for g in groups]
    series = {}
    for stage in data.STAGES:
        values = rows[rows["stage"] == stage].set_index("group_value")[measure]
        series[c.t(f"stage.{stage}")] = ([c.shown(values.get(g)) for g in groups],
                                         [c.count(values.get(g)) for g in groups])
    fig = charts.stage_panels(names, series, c.t(f"chart.by_{group}"),
                              list(charts.STAGE_COLOURS.values()))
    table = pd.DataFrame({c.t(f"col.{group}"): names,
                          **{name: texts for name, (_, texts) in series.items()}})
    ui.chart(fig, table, c.t(f"chart.by_{group}.def", measure=c.t(f"unit.{measure}")),
             f"funnel-by-{group}")


c = ui.context()
st.title(c.t("page.funnel"))
st.caption(c.window_text())
measure = st.radio(c.t("funnel.measure"), MEASURES, horizontal=True, key="funnel_measure",
                   format_func=lambda m: c.t(f"measure.{m}"))
st.caption(c.t(f"measure.{measure}.help"))
labels = {c.t(key): group for group, key in BREAKDOWNS.items()}
shown = labels.get(st.session_state.get("funnel_breakdown"), "channel")  # the open tab
rows = data.funnel(c.campaign, c.channel, c.since, c.until, group=shown)
figures = data.key_figures(rows, data.events().head(0))
left, right = st.columns([3, 2])
with left:
    funnel_block(c, rows, measure)
with right:
    per_1000 = c.t("rate.hidden") if c.hides(*figures["parts"]["per_1000"]) else \
        i18n.number(c.lang, figures["per_1000"], 1)
    st.metric(c.t("kpi.per_1000"), per_1000,
              help=c.t("kpi.per_1000.help"))
    st.metric(c.t("kpi.slacktivism"), c.rate(figures["slacktivism"],
                                             *figures["parts"]["slacktivism"]),
              help=c.t("kpi.slacktivism.help"))
# only the open tab is read and drawn ("rerun": switching tabs runs the page again)
tabs = st.tabs(list(labels), key="funnel_breakdown", on_change="rerun")
for tab, group in zip(tabs, labels.values(), strict=True):
    if tab.open:
        with tab:
            breakdown(c, group, measure)
