"""Marts of events and who came, "given these rows, expect these numbers": walk-ins, attendance
not recorded (never a no-show), anonymous sign-ins, several tickets or Zoom joins of one
person, cancelled registrations, an event without records.

Expected values are worked out by hand in each test from METRICS.md; key hashes are
stand-in strings ("ann@" is Ann's email key, "ann#" her phone key, "ann:" a platform id)."""

from __future__ import annotations

import pytest

from tests.conftest import query
from tests.given import event, funnel, gap, given, registration


def test_walk_ins(db):
    given(
        db,
        events=[event("e1")],
        registrations=[
            {"event_id": "e1", "email_key": "ann@"},
            {"event_id": "e1", "email_key": "bob@"},
        ],
        checkins=[
            {"event_id": "e1", "email_key": "ann@"},
            {"event_id": "e1", "phone_key": "cat#"},
            {"event_id": "e1"},
        ],
    )
    row = gap(db, "e1")
    # came: Ann (registered), Cat and one anonymous person (not registered); Bob did not
    assert (row["registered"], row["attended"], row["walk_ins"], row["no_show"]) == (2, 3, 2, 1)
    assert row["show_up_rate"] == 0.5
    # Wilson, 1 of 2, z = 1.96: centre (0.5 + 0.9604) / 2.9208 = 0.5,
    # half 1.96 * sqrt(0.125 + 0.2401) / 2.9208 = 0.40547
    assert row["show_up_rate_low"] == pytest.approx(0.09453, abs=1e-4)
    assert row["show_up_rate_high"] == pytest.approx(0.90547, abs=1e-4)


@pytest.mark.parametrize(
    "registrations",
    [
        pytest.param(
            [
                # Eventbrite "Attending": a ticket holder; says nothing about showing up
                {"event_id": "e1", "email_key": "ann@", "status": "attending"},
                {"event_id": "e1", "email_key": "bob@", "status": "attending"},
                # Zoom Attended Yes / No
                {"event_id": "e2", "email_key": "ann@", "source": "zoom", "attended": True},
                {"event_id": "e2", "email_key": "bob@", "source": "zoom", "attended": False},
            ],
            id="eventbrite_and_zoom",
        ),
        pytest.param(
            [
                # Mobilize's attended left empty: nobody marked at e1; at e2, one marked, so
                # the event has attendance data and the unmarked registrant did not attend
                {"event_id": "e1", "platform_key": "mob:1", "source": "mobilize"},
                {"event_id": "e1", "platform_key": "mob:2", "source": "mobilize"},
                {"event_id": "e2", "platform_key": "mob:1", "source": "mobilize", "attended": True},
                {"event_id": "e2", "platform_key": "mob:2", "source": "mobilize"},
            ],
            id="mobilize_attended_null",
        ),
    ],
)
def test_unknown_is_not_a_no_show(db, registrations):
    given(
        db,
        events=[event("e1"), event("e2", "2026-03-12 18:30")],
        registrations=registrations,
        facebook_event_snapshots=[
            {"event_id": "e1", "snapshot_at": "2026-03-01", "going": 30},
            {"event_id": "e2", "snapshot_at": "2026-03-10", "going": 4},
        ],
    )
    e1, e2 = gap(db, "e1"), gap(db, "e2")
    assert e1["has_attendance_data"] is False
    assert (e1["registered"], e1["attendance_unknown"]) == (2, 2)
    assert [
        e1[k]
        for k in ("attended", "no_show", "walk_ins", "show_up_rate", "facebook_going_conversion")
    ] == [None] * 5
    assert [
        e2[k] for k in ("registered", "attended", "no_show", "attendance_unknown", "walk_ins")
    ] == [2, 1, 1, 0, 0]
    assert e2["show_up_rate"] == 0.5
    assert e2["facebook_going_conversion"] == 1 / 4
    assert query(
        db,
        "select count_found from mart_data_quality where check_name = 'events_without_attendance'",
    ) == [(1,)]


def test_anonymous_sign_ins(db):
    given(
        db,
        events=[event("e1")],
        checkins=[
            {"event_id": "e1"},
            {"event_id": "e1"},  # two people with names only
            {"event_id": "e1", "phone_key": "cat#"},
            {"event_id": "e1", "phone_key": "cat#"},
        ],  # Cat signed twice
    )
    row = gap(db, "e1")
    assert (row["attended"], row["walk_ins"], row["registered"]) == (3, 3, 0)
    assert funnel(db)["action"] == (3, 3)  # anonymous: once per row; Cat once
    assert query(
        db, "select count_found from mart_data_quality where check_name = 'anonymous_signins'"
    ) == [(2,)]
    assert query(db, "select count(*) from mart_person_tiers") == [(1,)]  # Cat only


def test_several_eventbrite_tickets_to_one_email(db):
    given(
        db,
        events=[event("e1")],
        registrations=[
            registration("e1", "ann@", source_ref="1001", status="checked in", attended=True),
            registration("e1", "ann@", source_ref="1002", status="attending"),
            registration("e1", "ann@", source_ref="1003", status="attending"),
        ],
    )
    row = gap(db, "e1")
    # one buyer is one person: registered once, came once
    assert (row["registered"], row["attended"], row["no_show"], row["walk_ins"]) == (1, 1, 0, 0)
    assert funnel(db)["commitment"] == (1, 1)


def test_zoom_rejoins(db):
    given(
        db,
        events=[event("e1"), event("e2", "2026-03-12 18:30")],
        registrations=[
            # Ann joined twice (40 + 55 minutes), merged upstream into one registration
            registration("e1", "ann@", source="zoom", attended=True, minutes_attended=95.0),
            registration("e1", "bob@", source="zoom", attended=False, minutes_attended=0.0),
            # had the rows not been merged, Ann would still be one attendee
            registration("e2", "ann@", source="zoom", attended=True),
            registration("e2", "ann@", source="zoom", attended=True),
        ],
    )
    e1, e2 = gap(db, "e1"), gap(db, "e2")
    assert (e1["registered"], e1["attended"], e1["no_show"], e1["show_up_rate"]) == (2, 1, 1, 0.5)
    assert (e2["registered"], e2["attended"], e2["no_show"]) == (1, 1, 0)
    assert funnel(db)["action"] == (2, 1)  # (Ann, e1) and (Ann, e2)


def test_cancelled_registrations(db):
    given(
        db,
        events=[event("e1")],
        registrations=[
            registration("e1", "ann@", status="not attending", is_cancelled=True),
            registration("e1", "bob@", source="osdi", status="declined"),
            registration("e1", "cat@", status="attending"),
        ],
        checkins=[{"event_id": "e1", "email_key": "ann@"}],  # Ann came after all
    )
    row = gap(db, "e1")
    assert (row["registered"], row["attended"], row["walk_ins"], row["no_show"]) == (1, 1, 1, 1)
    # Bob cancelled and did nothing else: on no stage. Ann acted, Cat committed.
    assert funnel(db) == {
        "awareness": (0, 2),
        "engagement": (0, 2),
        "commitment": (1, 2),
        "action": (1, 1),
    }


def test_event_without_records(db):
    given(db, events=[event("e1")])
    row = gap(db, "e1")
    assert (row["registered"], row["attendance_unknown"]) == (0, 0)
    assert [
        row[k]
        for k in (
            "attended",
            "no_show",
            "walk_ins",
            "show_up_rate",
            "facebook_going",
            "facebook_going_conversion",
        )
    ] == [None] * 6
    assert funnel(db) == {}  # no facts: no funnel rows (the report shows zeros)
