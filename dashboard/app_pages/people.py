"""People (campaign leads only): pyramid, tier flow, retention and the follow-up list.

People are not split by campaign in the tier marts: the page says so when a campaign is
chosen. The period applies to all three (the pyramid at its end, the moves and the cohorts
within it); the campaign applies to the follow-up list.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import charts, data, downloads, i18n, ui


def pyramid_block(c: ui.Context) -> None:
    rows = data.pyramid(c.until).sort_values("tier_rank", ascending=False)
    if rows.empty:
        st.info(c.t("empty.no_people"))
        return
    title, definition = c.t("chart.pyramid"), c.t("chart.pyramid.def")
    if "month" in rows:  # where people stood when the period ended
        title = c.t("chart.pyramid_at", month=i18n.month(c.lang, rows["month"].iloc[0]))
        definition = c.t("chart.pyramid_at.def")
    labels = [c.label("tier", t) for t in rows["tier"]]
    fig = charts.pyramid(
        labels, rows["people"].tolist(), [c.count(v) for v in rows["people"]], title
    )
    table = pd.DataFrame({c.t("col.tier"): labels, c.t("col.people"): rows["people"].tolist()})
    ui.chart(fig, table, definition, "people-pyramid")


def flow_block(c: ui.Context) -> None:
    rows = data.tier_flow()
    rows = data.within(rows.assign(campaign=None), "month", None, c.since, c.until)
    moves = rows[rows["direction"] != "stay"]
    if moves.empty:
        st.info(c.t("empty.no_moves"))
        return
    summed = moves.groupby(["from_rank", "from_tier", "to_rank", "to_tier"], as_index=False)[
        "count_people"
    ].sum()
    tiers = (
        pd.concat(
            [
                summed[["from_rank", "from_tier"]].set_axis(["rank", "tier"], axis=1),
                summed[["to_rank", "to_tier"]].set_axis(["rank", "tier"], axis=1),
            ]
        )
        .drop_duplicates()
        .sort_values("rank")
    )
    # a tier appears twice: where people left it (left) and where they arrived (right)
    left = {t: i for i, t in enumerate(tiers["tier"])}
    right = {t: len(left) + i for i, t in enumerate(tiers["tier"])}
    nodes = [c.label("tier", t) for t in tiers["tier"]] * 2
    fig = charts.sankey(
        nodes,
        [left[t] for t in summed["from_tier"]],
        [right[t] for t in summed["to_tier"]],
        summed["count_people"].tolist(),
        c.t("chart.tier_flow"),
        list(range(len(left))) * 2,
    )
    table = pd.DataFrame(
        {
            c.t("col.from_tier"): [c.label("tier", t) for t in summed["from_tier"]],
            c.t("col.to_tier"): [c.label("tier", t) for t in summed["to_tier"]],
            c.t("col.people"): summed["count_people"].tolist(),
        }
    )
    ui.chart(fig, table, c.t("chart.tier_flow.def"), "people-flow")


def retention_block(c: ui.Context) -> None:
    rows = data.retention()
    if c.since is not None:  # the cohorts whose first action falls in the period
        first_month = pd.Timestamp(c.since).to_period("M").to_timestamp()
        rows = data.within(rows, "cohort_month", None, first_month, c.until)
    if rows.empty:
        st.info(c.t("empty.no_cohorts"))
        return
    cohorts = sorted(rows["cohort_month"].unique())[-12:]
    rows = rows[rows["cohort_month"].isin(cohorts) & (rows["months_after"] <= 12)]
    wide = rows.pivot(index="cohort_month", columns="months_after", values="share_acting")
    sizes = rows.groupby("cohort_month")["cohort_size"].first()
    names = [
        c.t("retention.cohort", month=i18n.month(c.lang, m), people=i18n.number(c.lang, sizes[m]))
        for m in wide.index
    ]
    shares = [[None if pd.isna(v) else float(v) for v in r] for r in wide.to_numpy()]
    texts = [["" if v is None else c.pct(v) for v in r] for r in shares]
    fig = charts.heatmap(
        names,
        [str(m) for m in wide.columns],
        shares,
        texts,
        c.t("chart.retention"),
        c.t("unit.months_after"),
        c.t("col.cohort"),
    )
    table = rows.rename(
        columns={
            "cohort_month": c.t("col.cohort"),
            "months_after": c.t("unit.months_after"),
            "cohort_size": c.t("col.cohort_size"),
            "count_acting": c.t("col.acting"),
            "share_acting": c.t("col.share_acting"),
        }
    )
    ui.chart(fig, table, c.t("chart.retention.def"), "people-retention")


def follow_up_block(c: ui.Context) -> None:
    st.subheader(c.t("people.follow_up"))
    st.caption(c.t("people.follow_up.def"))
    rows = data.follow_up(c.campaign)
    total = data.follow_up_count(c.campaign)
    st.metric(c.t("people.follow_up.count"), i18n.number(c.lang, total))
    table = pd.DataFrame(
        {
            c.t("col.rank"): rows["rank"],
            c.t("col.probability"): [
                i18n.percent(c.lang, p) if pd.notna(p) else c.t("unknown")
                for p in rows["probability"]
            ],
            c.t("col.registrations"): rows["registrations"],
            c.t("col.signatures"): rows["signatures"],
            c.t("col.days_since_last"): rows["days_since_last"].round(0),
            # a tool the person never came through: an empty cell, not "None"
            c.t("col.action_network_uuid"): rows["action_network_uuid"].fillna(""),
            c.t("col.mobilize_user_id"): rows["mobilize_user_id"].fillna(""),
            c.t("col.eventbrite_attendee"): rows["eventbrite_attendee_number"].fillna(""),
            c.t("col.zoom_hash"): rows["zoom_registrant_email_hash"].fillna(""),
            c.t("col.forecast_method"): [
                c.t(f"people.follow_up.method.{m}") for m in rows["method"]
            ],
        }
    )
    if total > len(rows):
        st.caption(
            c.t(
                "people.follow_up.first",
                shown=i18n.number(c.lang, len(rows)),
                total=i18n.number(c.lang, total),
            )
        )
    st.dataframe(table, hide_index=True, width="stretch")
    # the whole list, written only when asked for
    downloads.on_request(
        c,
        c.t("people.follow_up.prepare"),
        c.t("download_csv"),
        partial(data.follow_up_csv, c.campaign, list(table.columns), c.lang),
        "turnout-follow-up.csv",
        "text/csv",
        key="csv_follow_up",
    )


c = ui.context()
if c.board:  # the router never offers this page to the board; a direct link stops here
    st.stop()
st.title(c.t("page.people"))
st.caption(c.t("people.filters"))
if c.campaign is not None:  # the tier marts have no campaign
    st.info(c.t("people.every_campaign", campaign=c.campaign))
left, right = st.columns(2)
with left:
    pyramid_block(c)
with right:
    flow_block(c)
retention_block(c)
follow_up_block(c)
