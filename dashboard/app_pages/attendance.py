"""Who came (campaign leads only): per event, every registrant with came / did not come /
unknown, named by the ids of the tools they came from, and the list as a CSV (written only
when asked for: a large event lists tens of thousands of people)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import data, downloads, i18n, ui

STATUSES = ("came", "no_show", "unknown", "walk_in")
# the ids the source systems know a person by, as in the follow-up list
SOURCE_IDS = {
    "eventbrite_attendee_number": "col.eventbrite_attendee",
    "mobilize_user_id": "col.mobilize_user_id",
    "action_network_uuid": "col.action_network_uuid",
    "zoom_registrant_email_hash": "col.zoom_hash",
}


def choose_event(c: ui.Context) -> str | None:
    events = data.event_choices()
    if events.empty:
        st.info(c.t("attendance.empty"))
        return None
    names = dict(zip(events["event_id"], events["name"], strict=True))
    days = dict(zip(events["event_id"], events["starts_at"], strict=True))
    return st.selectbox(
        c.t("attendance.event"),
        events["event_id"].tolist(),
        key="w_attendance",
        format_func=lambda e: f"{names[e] or e} · {i18n.day(c.lang, days[e])}",
    )


def attendance_block(c: ui.Context, event_id: str) -> None:
    rows = data.event_attendance(event_id)
    if rows.empty:
        st.info(c.t("attendance.empty"))
        return
    counts = rows["attendance"].value_counts()
    st.markdown(
        c.t(
            "attendance.counts", **{s: i18n.number(c.lang, int(counts.get(s, 0))) for s in STATUSES}
        )
    )
    table = pd.DataFrame(
        {
            c.t("col.attendance"): rows["attendance"].map(
                {s: c.label("attendance", s) for s in STATUSES}
            ),
            **{c.t(label): rows[name].fillna("").tolist() for name, label in SOURCE_IDS.items()},
            c.t("col.person"): rows["person_id"].tolist(),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(c.t("attendance.def"))
    downloads.on_request(
        c,
        c.t("attendance.prepare"),
        c.t("download_csv"),
        partial(ui.csv_bytes, table, c.lang),
        f"turnout-attendance-{event_id}.csv",
        "text/csv",
        key="csv_attendance",
    )


c = ui.context()
if c.board:  # the router never offers this page to the board; a direct link stops here
    st.stop()
st.title(c.t("page.attendance"))
if (chosen := choose_event(c)) is not None:
    attendance_block(c, chosen)
