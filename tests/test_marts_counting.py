"""How the marts count, "given these rows, expect these numbers": the latest snapshot replaces
older ones, one person across keys, the petition's max rule, an event and a petition with the
same id, and records of the same moment that give the same channel on every rebuild.

Expected values are worked out by hand in each test from METRICS.md; key hashes are
stand-in strings as in test_marts.py."""

from __future__ import annotations

from pipelines import marts, warehouse
from tests.conftest import query
from tests.given import event, funnel, gap, given, person


def test_latest_snapshot_replaces_older_ones(db):
    given(
        db,
        events=[event("e1")],
        post_snapshots=[
            {
                "post_id": "fb1",
                "platform": "facebook",
                "exported_at": "2026-02-08",
                "reach": 900,
                "reactions": 40,
                "comments": 5,
                "shares": 3,
            },
            {
                "post_id": "fb1",
                "platform": "facebook",
                "exported_at": "2026-02-15",
                "reach": 1200,
                "reactions": 50,
                "comments": 6,
                "shares": 4,
            },
            {
                "post_id": "x1",
                "platform": "x",
                "exported_at": "2026-02-08",
                "impressions": 300,
                "reactions": 5,
                "comments": 1,
                "shares": 1,
            },
            {
                "post_id": "x1",
                "platform": "x",
                "exported_at": "2026-02-15",
                "impressions": 500,
                "reactions": 10,
                "comments": 2,
                "shares": 3,
            },
        ],
        facebook_event_snapshots=[
            {"event_id": "e1", "snapshot_at": "2026-03-01", "going": 30, "interested": 70},
            {"event_id": "e1", "snapshot_at": "2026-03-04", "going": 28, "interested": 90},
        ],
        petition_snapshots=[
            {"petition_id": "p1", "snapshot_at": "2026-03-01", "signature_count": 20},
            {"petition_id": "p1", "snapshot_at": "2026-03-08", "signature_count": 25},
        ],
    )
    counts = funnel(db)
    assert counts["awareness"] == (1200 + 500, 0)  # X has no reach: its impressions
    assert counts["engagement"] == ((50 + 6 + 4) + (10 + 2 + 3) + 90, 0)
    assert counts["commitment"] == (28 + 25, 0)  # going fell from 30 to 28: 28 counts
    row = gap(db, "e1")
    assert (row["facebook_going"], row["facebook_interested"]) == (28, 90)


def test_transitive_identity(db):
    given(
        db,
        events=[event("e1")],
        # email ↔ platform id on the registration, platform id ↔ phone on the signature,
        # the phone alone on the sign-in sheet: all one person
        registrations=[
            {"event_id": "e1", "email_key": "ann@", "platform_key": "mob:7", "source": "mobilize"}
        ],
        signatures=[{"petition_id": "p1", "phone_key": "ann#", "platform_key": "mob:7"}],
        checkins=[{"event_id": "e1", "phone_key": "ann#"}],
        email_activity=[{"email_campaign_id": "m1", "email_key": "ann@", "action": "open"}],
    )
    assert query(db, "select count(distinct person_id) from person_keys") == [(1,)]
    assert query(db, "select count(distinct person_id) from mart_person_records") == [(1,)]
    # interactions: 1 open; 1 registration + 1 signature; 1 attendance. One person throughout.
    assert funnel(db) == {
        "awareness": (1, 1),
        "engagement": (0, 1),
        "commitment": (2, 1),
        "action": (1, 1),
    }
    row = gap(db, "e1")
    assert (row["registered"], row["attended"], row["walk_ins"], row["show_up_rate"]) == (
        1,
        1,
        0,
        1.0,
    )


def test_petition_max_rule(db):
    given(
        db,
        signatures=[
            {"petition_id": "p1", "email_key": "ann@"},
            {"petition_id": "p1", "email_key": "bob@"},
            {"petition_id": "p1", "email_key": "ann@"},  # Ann signed twice: once
            *[
                {"petition_id": "p2", "email_key": f"{name}@"}
                for name in ("cat", "dan", "eve", "fay", "gus")
            ],
            {"petition_id": "p3", "email_key": "ann@"},
        ],
        petition_snapshots=[
            {"petition_id": "p1", "snapshot_at": "2026-03-01", "signature_count": 10},
            {"petition_id": "p2", "snapshot_at": "2026-03-01", "signature_count": 2},
        ],
    )
    # p1: max(2 signers, 10) = 10; p2: max(5, 2) = 5; p3: 1 signer, no total = 1
    assert funnel(db)["commitment"] == (16, 7)


def test_a_signature_without_a_time_still_came_through_its_petition(db):
    # no time and no export time: no earliest record, but a petition's channel is itself
    given(db, signatures=[{"petition_id": "p1", "email_key": "ann@", "source": "change_org"}])
    assert query(db, "select channel, occurred_at from mart_funnel_facts") == [("petition", None)]


def test_an_event_and_a_petition_with_the_same_id_stay_apart(db):
    given(
        db,
        events=[event("x1")],
        registrations=[{"event_id": "x1", "email_key": "ann@"}],
        signatures=[{"petition_id": "x1", "email_key": "ann@"}],
    )
    assert funnel(db)["commitment"] == (2, 1)  # one registration + one signature; Ann


def test_records_at_the_same_moment_give_the_same_channel_on_every_rebuild(db):
    # Ann signed two sheets at the same minute, and registered twice at the same second
    given(
        db,
        events=[
            event("rally", "2026-03-05 18:30", campaign="b"),
            event("vigil", "2026-03-12 18:30", campaign="a"),
        ],
        checkins=[
            {
                "event_id": "rally",
                "email_key": "ann@",
                "signed_in_at": "2026-03-05 18:31",
                "source": source,
                "channel": channel,
            }
            for source, channel in (
                ("signin_sheet", "radio"),
                ("mobilize", "flyer"),
                ("zoom_webinar", "friend"),
            )
        ],
        registrations=[
            {
                "event_id": "rally",
                "email_key": "ann@",
                "source": source,
                "registered_at": "2026-03-01 10:00:00",
            }
            for source in ("mobilize", "eventbrite", "actionnetwork_rsvps")
        ],
    )
    seen = set()
    for _ in range(3):
        with warehouse.writer(db) as con:
            marts.rebuild(con)
        seen.add(
            (
                tuple(
                    query(
                        db,
                        "select stage, channel from mart_funnel_facts "
                        f"where person_id = {person('ann@')} order by stage",
                    )
                ),
                tuple(
                    query(
                        db,
                        "select first_channel from mart_person_channels "
                        f"where person_id = {person('ann@')}",
                    )
                ),
            )
        )
    # the earliest record wins; among records of the same moment, the first by name
    assert seen == {
        ((("action", "mobilize"), ("commitment", "actionnetwork_rsvps")), (("flyer",),))
    }
