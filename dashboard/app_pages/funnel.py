"""Funnel: interactions or people, by channel and campaign, drop-off between stages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import board_tables, charts, data, ui

MEASURES = ("interactions", "people")
BREAKDOWNS = {"channel": "tab.by_channel", "campaign": "tab.by_campaign"}


def drop_off(
    c: ui.Context, rows: pd.DataFrame, measure: str, shown: board_tables.Shown
) -> pd.DataFrame:
    """Each stage's count, its share of the stage before, and the drop-off (a share shows
    both its counts: shown only if both are)."""
    keys = [(measure, "", s) for s in rows["stage"]]
    values = [int(v) for v in rows[measure]]
    shares = [None] + [b / a if a else None for a, b in zip(values, values[1:], strict=False)]
    pairs = [()] + list(zip(keys, keys[1:], strict=False))
    return pd.DataFrame(
        {
            c.t("col.stage"): [c.t(f"stage.{s}") for s in rows["stage"]],
            c.t(f"col.{measure}"): [shown.text(k) for k in keys],
            c.t("col.kept"): [
                "" if s is None else c.pct(s) if shown.visible(*pair) else c.t("rate.hidden")
                for s, pair in zip(shares, pairs, strict=True)
            ],
            c.t("col.drop_off"): [
                "" if s is None else c.pct(1 - s) if shown.visible(*pair) else c.t("rate.hidden")
                for s, pair in zip(shares, pairs, strict=True)
            ],
        }
    )


def funnel_block(
    c: ui.Context, rows: pd.DataFrame, measure: str, shown: board_tables.Shown
) -> None:
    if not rows[measure].any():
        st.info(c.t("empty.no_data"))
        return
    labels = [c.t(f"stage.{s}") for s in rows["stage"]]
    keys = [(measure, "", s) for s in rows["stage"]]
    fig = charts.funnel(
        labels,
        [shown.value(k) for k in keys],
        [shown.text(k) for k in keys],
        c.t(f"chart.funnel_{measure}"),
        [charts.STAGE_COLOURS[s] for s in rows["stage"]],
    )
    table = drop_off(c, rows, measure, shown)
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
    shown = board_tables.breakdown(c.lang, c.board, rows, measure)
    series = {
        c.t(f"stage.{stage}"): (
            [shown.value((g, stage)) for g in groups],
            [shown.text((g, stage)) for g in groups],
        )
        for stage in data.STAGES
    }
    fig = charts.stage_panels(
        names, series, c.t(f"chart.by_{group}"), list(charts.STAGE_COLOURS.values())
    )
    table = pd.DataFrame(
        {c.t(f"col.{group}"): names, **{name: texts for name, (_, texts) in series.items()}}
    )
    ui.chart(
        fig,
        table,
        c.t(f"chart.by_{group}.def", measure=c.t(f"unit.{measure}")),
        f"funnel-by-{group}",
    )


c = ui.context()
st.title(c.t("page.funnel"))
st.caption(c.window_text())
measure = st.radio(
    c.t("funnel.measure"),
    MEASURES,
    horizontal=True,
    key="funnel_measure",
    format_func=lambda m: c.t(f"measure.{m}"),
)
st.caption(c.t(f"measure.{measure}.help"))
labels = {c.t(key): group for group, key in BREAKDOWNS.items()}
open_group = labels.get(st.session_state.get("funnel_breakdown", ""), "channel")  # the open tab
rows = data.funnel(c.campaign, c.channel, c.since, c.until, group=open_group)
figures = data.key_figures(rows, data.events().head(0))
shown = board_tables.figures(c.lang, c.board, rows, data.events().head(0))
left, right = st.columns([3, 2])
with left:
    funnel_block(c, rows, measure, shown)
with right:
    for name in ("per_1000", "slacktivism"):
        st.metric(
            c.t(f"kpi.{name}"), ui.figure(c, shown, name, figures), help=c.t(f"kpi.{name}.help")
        )
    ui.disclosure_note(c, shown)
# only the open tab is read and drawn ("rerun": switching tabs runs the page again)
tabs = st.tabs(list(labels), key="funnel_breakdown", on_change="rerun")
for tab, group in zip(tabs, labels.values(), strict=True):
    if tab.open:
        with tab:
            breakdown(c, group, measure)
