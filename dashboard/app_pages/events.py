"""Events: Facebook RSVPs against registrations and real attendance, per event."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, i18n, ui

COUNTS = ("facebook_going", "facebook_interested", "registered", "attended", "walk_ins",
          "no_show", "attendance_unknown")
COMPARED = ("facebook_going", "registered", "attended")


def _none(value):
    return None if pd.isna(value) else value


def event_table(c: ui.Context, events: pd.DataFrame) -> pd.DataFrame:
    """One formatted row per event: unknown stays "unknown", never 0."""
    table = pd.DataFrame({
        c.t("col.date"): [i18n.day(c.lang, d) for d in events["starts_at"]],
        c.t("col.event"): events["name"].fillna(events["event_id"]).tolist(),
    })
    for name in COUNTS:
        table[c.t(f"col.{name}")] = [c.count(_none(v)) for v in events[name]]
    hidden = [c.hides(r, a, n) for r, a, n in zip(events["registered"],
                                                  events["registered_attended"],
                                                  events["no_show"], strict=True)]
    table[c.t("col.show_up_rate")] = [c.t("rate.hidden") if h else c.pct(_none(v))
                                      for v, h in zip(events["show_up_rate"], hidden, strict=True)]
    table[c.t("col.interval")] = [c.t("rate.hidden") if h else
                                  i18n.interval(c.lang, _none(lo), _none(hi)) for lo, hi, h in
                                  zip(events["show_up_rate_low"], events["show_up_rate_high"],
                                      hidden, strict=True)]
    table[c.t("col.going_conversion")] = [
        c.rate(_none(v), _none(a), _none(g)) for v, a, g in
        zip(events["facebook_going_conversion"], events["attended"], events["facebook_going"],
            strict=True)]
    return table


def comparison_chart(c: ui.Context, events: pd.DataFrame, table: pd.DataFrame) -> None:
    names = [f"{n} · {i18n.day(c.lang, d, 'short')}" for n, d in
             zip(events["name"].fillna(events["event_id"]), events["starts_at"], strict=True)]
    series = {c.t(f"col.{k}"): ([c.shown(_none(v)) for v in events[k]],
                                [c.count(_none(v)) for v in events[k]]) for k in COMPARED}
    fig = charts.bars(names, series, c.t("chart.rsvp_gap"), c.t("unit.people"),
                      horizontal=True)
    ui.chart(fig, table, c.t("chart.rsvp_gap.def"), "events-gap")


def pooled(c: ui.Context, events: pd.DataFrame) -> None:
    figures = data.event_figures(events)  # the funnel is not needed here
    left, middle, right = st.columns(3)
    left.metric(c.t("kpi.events"), c.count(len(events)))
    middle.metric(c.t("kpi.show_up"), c.rate(figures["show_up"], *figures["parts"]["show_up"]),
                  help=c.t("kpi.show_up.help"))
    right.metric(c.t("kpi.going_conversion"),
                 c.rate(figures["going_conversion"], *figures["parts"]["going_conversion"]),
                 help=c.t("kpi.going_conversion.help"))


def detail(c: ui.Context, events: pd.DataFrame) -> None:
    st.subheader(c.t("events.detail"))
    ids = events["event_id"].tolist()
    by_id = events.set_index("event_id")
    chosen = st.selectbox(c.t("events.choose"), ids, key="event_detail", format_func=lambda e:
                          c.t("events.option", name=by_id.at[e, "name"] or e,
                              date=i18n.day(c.lang, by_id.at[e, "starts_at"])))
    row = by_id.loc[chosen]
    columns = st.columns(4)
    for i, name in enumerate(COUNTS):
        columns[i % 4].metric(c.t(f"col.{name}"), c.count(_none(row[name])))
    parts = (row["registered"], _none(row["registered_attended"]), _none(row["no_show"]))
    st.metric(c.t("col.show_up_rate"), c.rate(_none(row["show_up_rate"]), *parts),
              None if c.hides(*parts) else i18n.interval(
                  c.lang, _none(row["show_up_rate_low"]), _none(row["show_up_rate_high"])),
              delta_color="off", help=c.t("kpi.show_up.help"))
    if not row["has_attendance_data"]:
        st.info(c.t("events.no_attendance"))
    labels = [c.t(f"col.{k}") for k in COUNTS]
    values = [_none(row[k]) for k in COUNTS]
    fig = charts.bars(labels, {c.t("col.people"): ([c.shown(v) for v in values],
                                                   [c.count(v) for v in values])},
                      c.t("chart.event_detail", name=row["name"] or chosen), c.t("unit.people"))
    table = pd.DataFrame({c.t("col.measure"): labels, c.t("col.people"):
                          [c.count(v) for v in values]})
    ui.chart(fig, table, c.t("chart.event_detail.def"), "event-detail")


def forecast_block(c: ui.Context, events: pd.DataFrame) -> None:
    """Upcoming events: what to expect; past ones: the forecast against who came."""
    found = data.forecasts()
    if found.empty:
        return
    found = data.within(found, "starts_at", c.campaign, None, None)
    st.subheader(c.t("events.forecast"))
    st.caption(c.t("events.forecast.def"))
    for _, row in found[found["is_upcoming"] & found["expected"].notna()].iterrows():
        going = _none(row["facebook_going_then"])
        values = {"name": row["name"] or row["event_id"],
                  "date": i18n.day(c.lang, row["starts_at"]),
                  "expected": c.count(round(row["expected"])), "low": c.count(row["low"]),
                  "high": c.count(row["high"]), "going": c.count(going),
                  "registered": c.count(row["registered_then"])}
        key = "events.forecast.expect" if going is None else "events.forecast.expect_going"
        method = c.t("events.forecast.method", method=c.t(f"forecast.method.{row['method']}"))
        st.markdown(c.t(key, **values) + " · " + method)
    past = found[~found["is_upcoming"] & found["event_id"].isin(events["event_id"])]
    if not past.empty:
        st.caption(c.t("events.forecast.past"))
        st.dataframe(pd.DataFrame({
            c.t("col.event"): past["name"].fillna(past["event_id"]).tolist(),
            c.t("col.attended"): [c.count(_none(v)) for v in past["actual"]],
            c.t("col.forecast"): [c.count(_none(v) and round(v)) for v in past["expected"]],
            c.t("col.forecast_range"): [f"{c.count(_none(lo))}–{c.count(_none(hi))}"
                                        for lo, hi in zip(past["low"], past["high"], strict=True)],
            c.t("col.forecast_method"): [c.t(f"forecast.method.{m}") for m in past["method"]],
        }), hide_index=True, width="stretch")


c = ui.context()
st.title(c.t("page.events"))
st.caption(c.window_text())
if c.channel is not None:
    st.caption(c.t("filter.channel_events_note"))
events = data.within(data.events(), "starts_at", c.campaign, c.since, c.until)
if events.empty:
    st.info(c.t("empty.no_events"))
    st.stop()
pooled(c, events)
table = event_table(c, events)
comparison_chart(c, events, table)
st.dataframe(table, hide_index=True, width="stretch")
detail(c, events)
forecast_block(c, events)
if c.board:
    st.caption(c.t("small_numbers_note"))
