"""Channels: which channels bring the people who act, offline channels included."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import board_tables, charts, data, i18n, ui


def _none(value: float | None) -> float | None:
    return None if pd.isna(value) else value


c = ui.context()
st.title(c.t("page.channels"))
st.caption(c.t("channels.scope"))
rows = data.channels()
if rows.empty:
    st.info(c.t("empty.no_people"))
    st.stop()
# the channels mart has neither campaign nor period: say so when one is chosen
if c.campaign is not None:
    st.info(c.t("channels.every_campaign", campaign=c.campaign))
if c.since is not None:
    st.info(c.t("channels.all_time"))
names = [c.label("channel", ch) for ch in rows["first_channel"]]
shown = board_tables.channels(c.lang, c.board, rows)
ids = rows["first_channel"].tolist()
series = {
    c.t(f"col.{k}"): ([shown.value((k, ch)) for ch in ids], [shown.text((k, ch)) for ch in ids])
    for k in ("people", "committed", "acted")
}
# the index shows committed, acted and those who never acted: shown only if all three are
visible = [shown.visible(("committed", ch), ("acted", ch), ("never_acted", ch)) for ch in ids]
index = [_none(v) if ok else None for v, ok in zip(rows["slacktivism_index"], visible, strict=True)]
lows = [_none(v) if ok else None for v, ok in zip(rows["slacktivism_low"], visible, strict=True)]
highs = [_none(v) if ok else None for v, ok in zip(rows["slacktivism_high"], visible, strict=True)]
table = pd.DataFrame(
    {
        c.t("col.channel"): names,
        **{name: texts for name, (_, texts) in series.items()},
        c.t("col.slacktivism"): [
            c.pct(v) if ok else c.t("rate.hidden") for v, ok in zip(index, visible, strict=True)
        ],
        c.t("col.interval"): [
            i18n.interval(c.lang, lo, hi) if ok else c.t("rate.hidden")
            for lo, hi, ok in zip(lows, highs, visible, strict=True)
        ],
    }
)
left, right = st.columns(2)
with left:
    fig = charts.bars(names, series, c.t("chart.channels"), c.t("unit.people"), horizontal=True)
    ui.chart(fig, table, c.t("chart.channels.def"), "channels-people")
with right:
    fig = charts.rates(
        names,
        index,
        lows,
        highs,
        [c.pct(v) if ok else c.t("rate.hidden") for v, ok in zip(index, visible, strict=True)],
        c.t("chart.slacktivism"),
        c.t("unit.share"),
        charts.STAGE_COLOURS["commitment"],
    )
    ui.chart(fig, table, c.t("chart.slacktivism.def"), "channels-slacktivism")
st.dataframe(table, hide_index=True, width="stretch")
ui.disclosure_note(c, shown)
if c.board:
    st.caption(c.t("small_numbers_note"))
