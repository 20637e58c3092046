"""Channels: which channels bring the people who act, offline channels included."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui


def _none(value):
    return None if pd.isna(value) else value


c = ui.context()
st.title(c.t("page.channels"))
st.caption(c.t("channels.scope"))
rows = data.channels()
if rows.empty:
    st.info(c.t("empty.no_people"))
    st.stop()
names = [c.label("channel", ch) for ch in rows["first_channel"]]
counted = {k: ([c.shown(v) for v in rows[col]], [c.count(v) for v in rows[col]])
           for k, col in (("people", "count_people"), ("committed", "count_committed"),
                          ("acted", "count_acted"))}
series = {c.t(f"col.{k}"): v for k, v in counted.items()}
table = pd.DataFrame({c.t("col.channel"): names,
                      **{name: texts for name, (_, texts) in series.items()},
                      c.t("col.slacktivism"): [c.pct(_none(v)) for v in rows["slacktivism_index"]],
                      c.t("col.interval"): [c.t("interval", low=c.pct(_none(lo)),
                                                 high=c.pct(_none(hi)))
                                            if _none(lo) is not None else c.t("unknown")
                                            for lo, hi in zip(rows["slacktivism_low"],
                                                              rows["slacktivism_high"],
                                                              strict=True)]})
left, right = st.columns(2)
with left:
    fig = charts.bars(names, series, c.t("chart.channels"), c.t("unit.people"), horizontal=True)
    ui.chart(fig, table, c.t("chart.channels.def"), "channels-people")
with right:
    values = [_none(v) for v in rows["slacktivism_index"]]
    if c.board:  # a share of fewer than 5 people is not shown to the board
        values = [v if n >= 5 else None for v, n in zip(values, rows["count_committed"],
                                                        strict=True)]
    fig = charts.rates(names, values, [_none(v) for v in rows["slacktivism_low"]],
                       [_none(v) for v in rows["slacktivism_high"]],
                       [c.pct(v) for v in values], c.t("chart.slacktivism"),
                       c.t("unit.share"), charts.STAGE_COLOURS["commitment"])
    ui.chart(fig, table, c.t("chart.slacktivism.def"), "channels-slacktivism")
st.dataframe(table, hide_index=True, width="stretch")
if c.board:
    st.caption(c.t("small_numbers_note"))
