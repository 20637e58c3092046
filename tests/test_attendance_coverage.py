"""Attendance coverage: the share of an event's registrants whose attendance (came or not) the
event's data vouches for. Each expected value is counted by hand from the rows given."""

from __future__ import annotations

import pytest

from pipelines import report, warehouse
from tests.given import event, given


def gap(db, event_id: str) -> dict:
    with warehouse.reader(db) as con:
        cursor = con.execute("select * from mart_event_gap where event_id = ?", [event_id])
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def rsvp(event_id: str, who: str, source: str = "actionnetwork_rsvps", **extra) -> dict:
    return {"event_id": event_id, "email_key": f"{who}@", "source": source, **extra}


@pytest.fixture
def covered(db):
    given(
        db,
        events=[event(f"e{i}", f"2026-03-0{i} 18:30") for i in range(1, 7)],
        registrations=[
            # e1: four RSVPs, a sign-in sheet with only two walk-ins on it
            *[rsvp("e1", who) for who in ("ann", "bob", "cat", "dan")],
            # e2: two RSVPs, one of them signs the sheet
            rsvp("e2", "ann"),
            rsvp("e2", "bob"),
            # e3: Eventbrite's check-in list in use (Ann checked in, Bob not), Cat's RSVP
            # comes from a system that says nothing about showing up
            rsvp("e3", "ann", "eventbrite", attended=True),
            rsvp("e3", "bob", "eventbrite", status="attending"),
            rsvp("e3", "cat"),
            # e4: RSVPs and nobody recorded who came
            rsvp("e4", "ann"),
            rsvp("e4", "bob"),
            # e6: Zoom marks everyone, Yes or No
            rsvp("e6", "ann", "zoom", attended=False),
            rsvp("e6", "bob", "zoom", attended=False),
        ],
        checkins=[
            {"event_id": "e1", "email_key": "eve@"},
            {"event_id": "e1", "email_key": "fay@"},
            {"event_id": "e2", "email_key": "ann@"},
            # e5: a sheet, no registrations
            {"event_id": "e5", "email_key": "ann@"},
        ],
    )
    return db


@pytest.mark.parametrize(
    ("event_id", "coverage"),
    [
        ("e1", 0.0),  # none of the 4 registrants is on the sheet
        ("e2", 1 / 2),  # Ann on the sheet; Bob's absence is not vouched for
        ("e3", 2 / 3),  # Eventbrite marks Ann and Bob; Cat's RSVP is silent
        ("e4", None),  # no attendance data
        ("e5", None),  # no registrations
        ("e6", 1.0),  # Zoom marks both: two confident no-shows
    ],
)
def test_attendance_coverage(covered, event_id, coverage):
    assert gap(covered, event_id)["attendance_coverage"] == coverage


def test_the_walk_in_only_sheet_keeps_its_counts_but_loses_its_confidence(covered):
    row = gap(covered, "e1")
    assert (row["registered"], row["walk_ins"], row["no_show"]) == (4, 2, 4)
    assert row["show_up_rate"] == 0.0
    assert row["attendance_coverage"] == 0.0


def test_the_json_report_gives_each_event_its_coverage(covered):
    with warehouse.reader(covered) as con:
        events = {e["event_id"]: e for e in report.events(con)}
    assert events["e1"]["attendance_coverage"] == 0.0
    assert events["e3"]["attendance_coverage"] == pytest.approx(2 / 3)
    assert events["e4"]["attendance_coverage"] is None
