"""Events: Facebook RSVPs against registrations and real attendance, per event."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import board_tables, charts, data, i18n, ui

COUNTS = ("facebook_going", "facebook_interested", "registered", "attended", "walk_ins",
          "no_show", "attendance_unknown")
COMPARED = ("facebook_going", "registered", "attended")


def _none(value):
    return None if pd.isna(value) else value


def event_table(c: ui.Context, events: pd.DataFrame, shown: board_tables.Shown
                ) -> pd.DataFrame:
    """One formatted row per event: unknown stays "unknown", never 0."""
    table = pd.DataFrame({
        c.t("col.date"): [i18n.day(c.lang, d) for d in events["starts_at"]],
        c.t("col.event"): events["name"].fillna(events["event_id"]).tolist(),
    })
    ids = events["event_id"].tolist()
    for name in COUNTS:
        table[c.t(f"col.{name}")] = [shown.text((name, "", e)) for e in ids]
    visible = [show_up_visible(shown, e) for e in ids]
    table[c.t("col.show_up_rate")] = [c.pct(_none(v)) if ok else c.t("rate.hidden")
                                      for v, ok in zip(events["show_up_rate"], visible,
                                                       strict=True)]
    table[c.t("col.interval")] = [i18n.interval(c.lang, _none(lo), _none(hi)) if ok else
                                  c.t("rate.hidden") for lo, hi, ok in
                                  zip(events["show_up_rate_low"], events["show_up_rate_high"],
                                      visible, strict=True)]
    table[c.t("col.going_conversion")] = [
        c.pct(_none(v)) if shown.visible(("attended", "", e)) else c.t("rate.hidden")
        for v, e in zip(events["facebook_going_conversion"], ids, strict=True)]
    return table


def show_up_visible(shown: board_tables.Shown, event_id) -> bool:
    """The show-up rate and its interval show registered, came and no-shows."""
    return shown.visible(*(("registered", "", event_id), ("came", "", event_id),
                           ("no_show", "", event_id)))


def comparison_chart(c: ui.Context, events: pd.DataFrame, table: pd.DataFrame,
                     shown: board_tables.Shown) -> None:
    names = [f"{n} · {i18n.day(c.lang, d, 'short')}" for n, d in
             zip(events["name"].fillna(events["event_id"]), events["starts_at"], strict=True)]
    ids = events["event_id"].tolist()
    series = {c.t(f"col.{k}"): ([shown.value((k, "", e)) for e in ids],
                                [shown.text((k, "", e)) for e in ids]) for k in COMPARED}
    fig = charts.bars(names, series, c.t("chart.rsvp_gap"), c.t("unit.people_or_clicks"),
                      horizontal=True)
    ui.chart(fig, table, c.t("chart.rsvp_gap.def"), "events-gap")


def pooled(c: ui.Context, events: pd.DataFrame, shown: board_tables.Shown) -> None:
    figures = data.event_figures(events)  # the funnel is not needed here
    left, middle, right = st.columns(3)
    left.metric(c.t("kpi.events"), i18n.number(c.lang, len(events)))  # events, not people
    middle.metric(c.t("kpi.show_up"), ui.figure(c, shown, "show_up", figures),
                  help=c.t("kpi.show_up.help"))
    right.metric(c.t("kpi.going_conversion"), ui.figure(c, shown, "going_conversion", figures),
                 help=c.t("kpi.going_conversion.help"))


def detail(c: ui.Context, events: pd.DataFrame, shown: board_tables.Shown) -> None:
    st.subheader(c.t("events.detail"))
    ids = events["event_id"].tolist()
    by_id = events.set_index("event_id")
    chosen = st.selectbox(c.t("events.choose"), ids, key="event_detail", format_func=lambda e:
                          c.t("events.option", name=by_id.at[e, "name"] or e,
                              date=i18n.day(c.lang, by_id.at[e, "starts_at"])))
    row = by_id.loc[chosen]
    columns = st.columns(4)
    for i, name in enumerate(COUNTS):
        columns[i % 4].metric(c.t(f"col.{name}"), shown.text((name, "", chosen)))
    visible = show_up_visible(shown, chosen)
    st.metric(c.t("col.show_up_rate"),
              c.pct(_none(row["show_up_rate"])) if visible else c.t("rate.hidden"),
              i18n.interval(c.lang, _none(row["show_up_rate_low"]),
                            _none(row["show_up_rate_high"])) if visible else None,
              delta_color="off", help=c.t("kpi.show_up.help"))
    if not row["has_attendance_data"]:
        st.info(c.t("events.no_attendance"))
    labels = [c.t(f"col.{k}") for k in COUNTS]
    fig = charts.bars(labels, {c.t("col.count"): ([shown.value((k, "", chosen)) for k in COUNTS],
                                                  [shown.text((k, "", chosen)) for k in COUNTS])},
                      c.t("chart.event_detail", name=row["name"] or chosen),
                      c.t("unit.people_or_clicks"))
    table = pd.DataFrame({c.t("col.measure"): labels, c.t("col.count"):
                          [shown.text((k, "", chosen)) for k in COUNTS]})
    ui.chart(fig, table, c.t("chart.event_detail.def"), "event-detail")


def forecast_block(c: ui.Context, events: pd.DataFrame, shown: board_tables.Shown) -> None:
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
            # who came is the events table's count, hidden the same way
            c.t("col.attended"): [shown.text(("attended", "", e)) for e in past["event_id"]],
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
shown = board_tables.events(c.lang, c.board, events)
pooled(c, events, shown)
table = event_table(c, events, shown)
comparison_chart(c, events, table, shown)
st.dataframe(table, hide_index=True, width="stretch")
ui.disclosure_note(c, shown)
detail(c, events, shown)
forecast_block(c, events, shown)
if c.board:
    st.caption(c.t("small_numbers_note"))
