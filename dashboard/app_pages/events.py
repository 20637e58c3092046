"""Events: Facebook RSVPs against registrations and real attendance, per event."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import board_tables, charts, data, i18n, ui

COUNTS = (
    "facebook_going",
    "facebook_interested",
    "registered",
    "attended",
    "walk_ins",
    "no_show",
    "attendance_unknown",
)
COMPARED = ("facebook_going", "registered", "attended")


def _none(value: float | None) -> float | None:
    return None if pd.isna(value) else value


# the table's columns, most telling first: the show-up rate stays in view at 1280 px
TABLE_COUNTS = ("registered", "attended")
LATER_COUNTS = (
    "no_show",
    "walk_ins",
    "facebook_going",
    "facebook_interested",
    "attendance_unknown",
)
# pixels of date, event, registered, came and show-up rate: in view on a 1280 px screen
LEADING_WIDTHS = (100, 240, 85, 75, 130)
DOUBTFUL_BELOW = 0.25  # attendance coverage under which the show-up rate is doubtful
HIDDEN_RANK = i18n.SMALL / 2  # where a hidden count sorts: between 0 and 5, never its value


def doubtful(row: pd.Series) -> bool:
    """Too few registrants accounted for by the attendance data to trust the show-up rate."""
    coverage = _none(row["attendance_coverage"])
    return coverage is not None and coverage < DOUBTFUL_BELOW


def _count_column(shown: board_tables.Shown, name: str, ids: list) -> tuple[list, list[str]]:
    """Sort values (numbers; a hidden count a constant, unknown empty) and what is shown."""
    ranks = []
    for event_id in ids:
        key = (name, "", event_id)
        value = _none(shown.table.values.get(key))
        ranks.append(None if value is None else value if shown.visible(key) else HIDDEN_RANK)
    return ranks, [shown.text((name, "", e)) for e in ids]


def show_up_visible(shown: board_tables.Shown, event_id: Hashable) -> bool:
    """The show-up rate and its interval show registered, came and no-shows."""
    return shown.visible(
        *(("registered", "", event_id), ("came", "", event_id), ("no_show", "", event_id))
    )


def event_table(
    c: ui.Context, events: pd.DataFrame, shown: board_tables.Shown
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The events as numbers (so that columns sort as numbers) and as shown: unknown stays
    "unknown", never 0; a doubtful show-up rate says so."""
    ranks = pd.DataFrame(
        {
            c.t("col.date"): pd.to_datetime(events["starts_at"]).tolist(),
            c.t("col.event"): events["name"].fillna(events["event_id"]).tolist(),
        }
    )
    texts = pd.DataFrame(
        {
            c.t("col.date"): [i18n.day(c.lang, d) for d in events["starts_at"]],
            c.t("col.event"): ranks[c.t("col.event")].tolist(),
        }
    )

    def add(name: str, rank: list, text: list[str]) -> None:
        ranks[name] = pd.array(rank, dtype="Float64")
        texts[name] = text

    ids = events["event_id"].tolist()
    for name in TABLE_COUNTS:
        add(c.t(f"col.{name}"), *_count_column(shown, name, ids))
    hidden = [not show_up_visible(shown, e) for e in ids]
    rows = [row for _, row in events.iterrows()]  # one per event, a few hundred at most
    add(
        c.t("col.show_up_rate"),
        [None if h else _none(r["show_up_rate"]) for r, h in zip(rows, hidden, strict=True)],
        [
            c.t("rate.hidden")
            if h
            else c.t("events.doubtful_rate", rate=c.pct(_none(r["show_up_rate"])))
            if doubtful(r)
            else c.pct(_none(r["show_up_rate"]))
            for r, h in zip(rows, hidden, strict=True)
        ],
    )
    ranks[c.t("col.interval")] = texts[c.t("col.interval")] = [
        c.t("rate.hidden")
        if h
        else i18n.interval(c.lang, _none(r["show_up_rate_low"]), _none(r["show_up_rate_high"]))
        for r, h in zip(rows, hidden, strict=True)
    ]
    for name in LATER_COUNTS:
        add(c.t(f"col.{name}"), *_count_column(shown, name, ids))
    going_hidden = [not shown.visible(("attended", "", e)) for e in ids]
    add(
        c.t("col.going_conversion"),
        [
            None if h else _none(r["facebook_going_conversion"])
            for r, h in zip(rows, going_hidden, strict=True)
        ],
        [
            c.t("rate.hidden") if h else c.pct(_none(r["facebook_going_conversion"]))
            for r, h in zip(rows, going_hidden, strict=True)
        ],
    )
    return ranks, texts


def show_table(
    c: ui.Context, events: pd.DataFrame, ranks: pd.DataFrame, shown: pd.DataFrame
) -> None:
    """Sorted by the numbers, shown as formatted text; doubtful show-up rates explained."""
    styler = ranks.style
    texts = shown.to_numpy()
    # Styler keeps one display function per cell: the numbers sort, the texts show
    for (i, j), text in np.ndenumerate(texts):
        # pandas-stubs leave out Styler's private per-cell display functions
        styler._display_funcs[(i, j)] = lambda _, text=text: text  # type: ignore[attr-defined]
    widths = dict(zip(ranks.columns, LEADING_WIDTHS, strict=False))
    st.dataframe(
        styler,
        hide_index=True,
        width="stretch",
        column_config={name: st.column_config.Column(width=w) for name, w in widths.items()},
    )
    flagged = [row for _, row in events.iterrows() if doubtful(row)]
    if flagged:
        st.caption(c.t("events.doubtful.note", count=len(flagged)))


def comparison_chart(
    c: ui.Context, events: pd.DataFrame, table: pd.DataFrame, shown: board_tables.Shown
) -> None:
    names = [
        f"{n} · {i18n.day(c.lang, d, 'short')}"
        for n, d in zip(events["name"].fillna(events["event_id"]), events["starts_at"], strict=True)
    ]
    ids = events["event_id"].tolist()
    series = {
        c.t(f"col.{k}"): (
            [shown.value((k, "", e)) for e in ids],
            [shown.text((k, "", e)) for e in ids],
        )
        for k in COMPARED
    }
    fig = charts.bars(
        names, series, c.t("chart.rsvp_gap"), c.t("unit.people_or_clicks"), horizontal=True
    )
    ui.chart(fig, table, c.t("chart.rsvp_gap.def"), "events-gap")


def pooled(c: ui.Context, events: pd.DataFrame, shown: board_tables.Shown) -> None:
    figures = data.event_figures(events)  # the funnel is not needed here
    left, middle, right = st.columns(3)
    left.metric(c.t("kpi.events"), i18n.number(c.lang, len(events)))  # events, not people
    middle.metric(
        c.t("kpi.show_up"), ui.figure(c, shown, "show_up", figures), help=c.t("kpi.show_up.help")
    )
    right.metric(
        c.t("kpi.going_conversion"),
        ui.figure(c, shown, "going_conversion", figures),
        help=c.t("kpi.going_conversion.help"),
    )


def detail(c: ui.Context, events: pd.DataFrame, shown: board_tables.Shown) -> None:
    st.subheader(c.t("events.detail"))
    ids = events["event_id"].tolist()
    by_id = events.set_index("event_id")
    starts = dict(zip(ids, events["starts_at"], strict=True))
    chosen = st.selectbox(
        c.t("events.choose"),
        ids,
        key="event_detail",
        format_func=lambda e: c.t(
            "events.option", name=by_id.at[e, "name"] or e, date=i18n.day(c.lang, starts[e])
        ),
    )
    row = by_id.loc[chosen]
    columns = st.columns(4)
    for i, name in enumerate(COUNTS):
        columns[i % 4].metric(c.t(f"col.{name}"), shown.text((name, "", chosen)))
    visible = show_up_visible(shown, chosen)
    rate = c.pct(_none(row["show_up_rate"])) if visible else c.t("rate.hidden")
    if visible and doubtful(row):
        rate = c.t("events.doubtful_rate", rate=rate)
    # the 95 % range is said beside the rate, never drawn as a change with an arrow
    st.metric(c.t("col.show_up_rate"), rate, help=c.t("kpi.show_up.help"))
    low, high = _none(row["show_up_rate_low"]), _none(row["show_up_rate_high"])
    if visible and low is not None:
        st.caption(c.t("events.interval", interval=i18n.interval(c.lang, low, high)))
    if not row["has_attendance_data"]:
        st.info(c.t("events.no_attendance"))
    elif doubtful(row):
        st.warning(c.t("events.doubtful.note", count=1))
    labels = [c.t(f"col.{k}") for k in COUNTS]
    fig = charts.bars(
        labels,
        {
            c.t("col.count"): (
                [shown.value((k, "", chosen)) for k in COUNTS],
                [shown.text((k, "", chosen)) for k in COUNTS],
            )
        },
        c.t("chart.event_detail", name=row["name"] or chosen),
        c.t("unit.people_or_clicks"),
    )
    table = pd.DataFrame(
        {
            c.t("col.measure"): labels,
            c.t("col.count"): [shown.text((k, "", chosen)) for k in COUNTS],
        }
    )
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
        values = {
            "name": row["name"] or row["event_id"],
            "date": i18n.day(c.lang, row["starts_at"]),
            "expected": c.count(round(row["expected"])),
            "low": c.count(row["low"]),
            "high": c.count(row["high"]),
            "going": c.count(going),
            "registered": c.count(row["registered_then"]),
        }
        key = "events.forecast.expect" if going is None else "events.forecast.expect_going"
        method = _method(c, row)
        st.markdown(c.t(key, **values) + " · " + method)
    past = found[~found["is_upcoming"] & found["event_id"].isin(events["event_id"])]
    if not past.empty:
        st.caption(c.t("events.forecast.past"))
        st.dataframe(
            pd.DataFrame(
                {
                    c.t("col.event"): past["name"].fillna(past["event_id"]).tolist(),
                    # who came is the events table's count, hidden the same way
                    c.t("col.attended"): [
                        shown.text(("attended", "", e)) for e in past["event_id"]
                    ],
                    c.t("col.forecast"): [c.count(_none(v) and round(v)) for v in past["expected"]],
                    c.t("col.forecast_range"): [
                        f"{c.count(_none(lo))}–{c.count(_none(hi))}"
                        for lo, hi in zip(past["low"], past["high"], strict=True)
                    ],
                    c.t("col.forecast_method"): [
                        c.t(f"forecast.method.{m}") for m in past["method"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _method(c: ui.Context, row: pd.Series) -> str:
    """The method, and for the registration model when it was fitted: its fit is kept until
    the past events it learns from change enough."""
    method = c.t(f"forecast.method.{row['method']}")
    if row["method"] == "registration model" and pd.notna(row.get("fitted_at")):
        return c.t(
            "events.forecast.method_fitted", method=method, date=i18n.day(c.lang, row["fitted_at"])
        )
    return c.t("events.forecast.method", method=method)


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
ranks, table = event_table(c, events, shown)
comparison_chart(c, events, table, shown)
show_table(c, events, ranks, table)
ui.disclosure_note(c, shown)
detail(c, events, shown)
forecast_block(c, events, shown)
if c.board:
    st.caption(c.t("small_numbers_note"))
