"""Marts: a contract for every mart, and "given these rows, expect these numbers" tests.

Expected values are worked out by hand in each test from METRICS.md; key hashes are
stand-in strings ("ann@" is Ann's email key, "ann#" her phone key, "ann:" a platform id).
"""

from __future__ import annotations

import pytest

from pipelines import marts, warehouse
from tests.conftest import query
from tests.given import event, given

STAGES = ("awareness", "engagement", "commitment", "action")
TIERS = ("observing", "following", "endorsing", "contributing", "owning", "leading")

CONTRACTS = {
    "mart_person_records": {
        "key": ("record_id", "stage"),
        "not_null": ("person_id", "record_kind", "stage_rank", "is_anonymous", "source"),
        "accepted": {
            "stage": STAGES,
            "record_kind": (
                "registration",
                "attendance",
                "checkin",
                "signature",
                "email_subscribed",
                "email_open",
                "email_click",
            ),
        },
    },
    "mart_aggregate_facts": {
        "key": ("fact_id",),
        "not_null": ("stage", "channel", "interactions"),
        "accepted": {"stage": ("awareness", "engagement", "commitment")},
    },
    "mart_funnel_facts": {
        "key": ("fact_id",),
        "not_null": ("stage", "stage_rank", "channel", "interactions"),
        "accepted": {"stage": STAGES},
    },
    "mart_funnel": {
        "key": ("campaign", "channel", "period", "period_label", "stage"),
        "not_null": ("interactions", "people", "stage_rank"),
        "accepted": {"stage": STAGES, "period": ("all", "week", "month")},
    },
    "mart_person_funnel_stage": {
        "key": ("campaign", "channel", "person_id"),
        "not_null": ("stage_rank", "stage"),
        "accepted": {"stage": STAGES},
    },
    "mart_event_gap": {
        "key": ("event_id",),
        "not_null": ("registered", "attendance_unknown", "has_attendance_data"),
        "accepted": {},
    },
    "mart_event_attendance": {
        "key": ("event_id", "person_id"),
        "not_null": ("attendance", "is_registered"),
        "accepted": {"attendance": ("came", "no_show", "unknown", "walk_in")},
    },
    "mart_event_gap_groups": {
        "key": ("breakdown", "group_value"),
        "not_null": ("count_events", "registered"),
        "accepted": {"breakdown": ("kind", "setting", "weekday")},
    },
    "mart_import_quality": {
        "key": ("import_id",),
        "not_null": ("file_name", "rows_read", "rows_rejected", "count_reject_lines"),
        "accepted": {},
    },
    "mart_person_tier_spans": {
        "key": ("person_id", "from_month"),
        "not_null": ("to_month", "tier", "tier_rank"),
        "accepted": {"tier": TIERS},
    },
    "mart_person_months": {
        "key": ("person_id", "month"),
        "not_null": ("tier", "tier_rank"),
        "accepted": {"tier": TIERS},
    },
    "mart_person_tiers": {
        "key": ("person_id",),
        "not_null": ("tier", "highest_tier"),
        "accepted": {"tier": TIERS, "highest_tier": TIERS},
    },
    "mart_tier_flow": {
        "key": ("month", "from_tier", "to_tier"),
        "not_null": ("count_people", "direction"),
        "accepted": {"direction": ("up", "stay", "down"), "from_tier": TIERS, "to_tier": TIERS},
    },
    "mart_person_milestones": {
        "key": ("person_id",),
        "not_null": (),
        "accepted": {},
    },
    "mart_retention": {
        "key": ("cohort_month", "months_after"),
        "not_null": ("cohort_size", "count_acting", "share_acting"),
        "accepted": {},
    },
    "mart_person_channels": {
        "key": ("person_id",),
        "not_null": ("first_channel", "stage_rank"),
        "accepted": {},
    },
    "mart_channels": {
        "key": ("first_channel",),
        "not_null": ("count_people", "count_committed", "count_acted"),
        "accepted": {},
    },
    "mart_data_quality": {
        "key": ("check_name",),
        "not_null": ("count_found",),
        "accepted": {
            "check_name": (
                "imports",
                "rows_rejected",
                "anonymous_signins",
                "events_without_attendance",
                "events_without_facebook_counts",
            )
        },
    },
}

MART_NAMES = [marts.table_name(stem) for stem, _ in marts.mart_files()]


def campaign_rows() -> dict:
    """A small campaign touching every mart: two events, a petition, posts, email."""
    return {
        "imports": [
            {
                "import_id": 1,
                "file_name": "attendees.csv",
                "rows_read": 5,
                "rows_loaded": 4,
                "rows_rejected": 1,
            }
        ],
        "rejects": [{"import_id": 1, "line": 3, "reason": "no usable email"}],
        "events": [
            event("e1", kind="rally", is_online=False),
            event("e2", "2026-04-09 19:00", kind="webinar", is_online=True),
        ],
        "registrations": [
            {
                "event_id": "e1",
                "email_key": "ann@",
                "registered_at": "2026-02-20",
                "attended": True,
                "channel": "facebook",
            },
            {"event_id": "e1", "email_key": "bob@", "registered_at": "2026-02-21"},
            {
                "event_id": "e2",
                "email_key": "ann@",
                "registered_at": "2026-04-01",
                "source": "zoom",
                "attended": True,
            },
        ],
        "checkins": [
            {"event_id": "e1", "phone_key": "cat#", "channel": "flyer"},
            {"event_id": "e1"},
        ],
        "signatures": [
            {
                "petition_id": "p1",
                "campaign": "welcome",
                "email_key": "bob@",
                "signed_at": "2026-02-10",
                "channel": "x",
            }
        ],
        "email_activity": [
            {
                "email_campaign_id": None,
                "campaign": "welcome",
                "email_key": "dan@",
                "action": "subscribed",
                "occurred_at": "2026-01-05",
            },
            {
                "email_campaign_id": "m1",
                "campaign": "welcome",
                "email_key": "dan@",
                "action": "click",
                "occurred_at": "2026-02-01",
            },
        ],
        "post_snapshots": [
            {
                "post_id": "fb1",
                "platform": "facebook",
                "campaign": "welcome",
                "published_at": "2026-02-01",
                "exported_at": "2026-02-08",
                "reach": 900,
                "reactions": 40,
                "comments": 5,
                "shares": 3,
            }
        ],
        "facebook_event_snapshots": [
            {"event_id": "e1", "snapshot_at": "2026-03-01", "going": 30, "interested": 70}
        ],
        "petition_snapshots": [
            {
                "petition_id": "p1",
                "campaign": "welcome",
                "snapshot_at": "2026-03-01",
                "signature_count": 25,
            }
        ],
    }


# contracts ---------------------------------------------------------------------------


def test_every_mart_has_a_contract():
    assert sorted(MART_NAMES) == sorted(CONTRACTS), "add a contract for each new mart"


@pytest.mark.parametrize("mart", MART_NAMES)
def test_mart_contract(db, mart):
    assert mart in CONTRACTS, f"{mart} has no contract in tests/test_marts.py"
    contract = CONTRACTS[mart]
    given(db, **campaign_rows())
    key = ", ".join(contract["key"])
    assert query(db, f"select count(*) from {mart}")[0][0] > 0, f"{mart} is empty"
    nulls = " or ".join(f"{c} is null" for c in contract["key"] + contract["not_null"])
    assert query(db, f"select count(*) from {mart} where {nulls}")[0][0] == 0
    repeated = query(db, f"select {key}, count(*) from {mart} group by all having count(*) > 1")
    assert repeated == [], f"{mart}: key ({key}) is not unique"
    for column, accepted in contract["accepted"].items():
        found = {row[0] for row in query(db, f"select distinct {column} from {mart}")}
        assert found <= set(accepted) | {None}, f"{mart}.{column}: {found - set(accepted)}"


def test_marts_build_on_an_empty_database(db):
    with warehouse.writer(db) as con:
        assert sorted(marts.rebuild(con)) == sorted(CONTRACTS)
    assert query(db, "select count(*) from mart_funnel")[0][0] == 0


def test_marts_hold_person_ids_only(db):
    """Marts name people by person_id; no key hash, email, phone or name column."""
    given(db, **campaign_rows())
    columns = query(
        db,
        "select table_name, column_name from information_schema.columns "
        "where table_name like 'mart_%'",
    )
    personal = [
        (t, c)
        for t, c in columns
        if c.endswith("_key")
        or c in ("email", "phone", "first_name", "last_name")
        or (c == "name" and t != "mart_event_gap")
    ]
    assert personal == []


# helpers -----------------------------------------------------------------------------


def funnel(db, campaign: str = "(all)", channel: str = "(all)") -> dict:
    rows = query(
        db,
        "select stage, interactions, people from mart_funnel where campaign = ? "
        "and channel = ? and period = 'all'",
        [campaign, channel],
    )
    return {stage: (interactions, people) for stage, interactions, people in rows}


def gap(db, event_id: str) -> dict:
    with warehouse.reader(db) as con:
        cursor = con.execute("select * from mart_event_gap where event_id = ?", [event_id])
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


# given these rows, expect these numbers ---------------------------------------------


def test_small_campaign_funnel(db):
    given(db, **campaign_rows())
    # awareness: reach 900; engagement: 40+5+3 + Dan's click 1 + interested 70 = 119;
    # commitment: going 30 + (Ann,e1) (Bob,e1) (Ann,e2) + max(1 signer, total 25) = 58;
    # action: e1 Ann, Cat, one anonymous + e2 Ann = 4.
    # People: Ann, Cat, anonymous acted; Bob committed; Dan clicked.
    assert funnel(db) == {
        "awareness": (900, 5),
        "engagement": (119, 5),
        "commitment": (58, 4),
        "action": (4, 3),
    }
    assert funnel(db, campaign="welcome") == funnel(db)
    assert funnel(db, channel="facebook") == {
        "awareness": (900, 0),
        "engagement": (118, 0),
        "commitment": (30, 0),
        "action": (0, 0),
    }
    march = query(
        db,
        "select interactions, people from mart_funnel where campaign = '(all)' "
        "and channel = '(all)' and period = 'month' and period_label = '2026-03' "
        "and stage = 'action'",
    )
    assert march == [(3, 3)]  # e1 (Thursday 5 March): Ann, Cat, the anonymous attendee
    week = query(
        db,
        "select interactions from mart_funnel where campaign = '(all)' and "
        "channel = '(all)' and period = 'week' and stage = 'action' "
        "and period_label = '2026-03-02'",
    )
    assert week == [(3,)]  # weeks are labelled by their Monday


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


def test_unknown_is_not_a_no_show(db):
    given(
        db,
        events=[event("e1"), event("e2", "2026-03-12 18:30")],
        registrations=[
            # Eventbrite "Attending": a ticket holder; says nothing about showing up
            {"event_id": "e1", "email_key": "ann@", "status": "attending"},
            {"event_id": "e1", "email_key": "bob@", "status": "attending"},
            # Zoom Attended Yes / No
            {"event_id": "e2", "email_key": "ann@", "source": "zoom", "attended": True},
            {"event_id": "e2", "email_key": "bob@", "source": "zoom", "attended": False},
        ],
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
            {
                "event_id": "e1",
                "email_key": "ann@",
                "source_ref": "1001",
                "status": "checked in",
                "attended": True,
            },
            {"event_id": "e1", "email_key": "ann@", "source_ref": "1002", "status": "attending"},
            {"event_id": "e1", "email_key": "ann@", "source_ref": "1003", "status": "attending"},
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
            {
                "event_id": "e1",
                "email_key": "ann@",
                "source": "zoom",
                "attended": True,
                "minutes_attended": 95.0,
            },
            {
                "event_id": "e1",
                "email_key": "bob@",
                "source": "zoom",
                "attended": False,
                "minutes_attended": 0.0,
            },
            # had the rows not been merged, Ann would still be one attendee
            {"event_id": "e2", "email_key": "ann@", "source": "zoom", "attended": True},
            {"event_id": "e2", "email_key": "ann@", "source": "zoom", "attended": True},
        ],
    )
    e1, e2 = gap(db, "e1"), gap(db, "e2")
    assert (e1["registered"], e1["attended"], e1["no_show"], e1["show_up_rate"]) == (2, 1, 1, 0.5)
    assert (e2["registered"], e2["attended"], e2["no_show"]) == (1, 1, 0)
    assert funnel(db)["action"] == (2, 1)  # (Ann, e1) and (Ann, e2)


def test_mobilize_attended_null(db):
    given(
        db,
        events=[event("e1"), event("e2", "2026-03-12 18:30")],
        registrations=[
            {"event_id": "e1", "platform_key": "mob:1", "source": "mobilize"},
            {"event_id": "e1", "platform_key": "mob:2", "source": "mobilize"},
            {"event_id": "e2", "platform_key": "mob:1", "source": "mobilize", "attended": True},
            {"event_id": "e2", "platform_key": "mob:2", "source": "mobilize"},
        ],
    )
    e1, e2 = gap(db, "e1"), gap(db, "e2")
    # nobody marked: unknown, never a no-show
    assert (e1["attended"], e1["no_show"], e1["attendance_unknown"]) == (None, None, 2)
    # one marked: the event has attendance data; the unmarked registrant did not attend
    assert (e2["attended"], e2["no_show"], e2["attendance_unknown"]) == (1, 1, 0)
    assert query(
        db,
        "select count_found from mart_data_quality where check_name = 'events_without_attendance'",
    ) == [(1,)]


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


def test_cancelled_registrations(db):
    given(
        db,
        events=[event("e1")],
        registrations=[
            {
                "event_id": "e1",
                "email_key": "ann@",
                "status": "not attending",
                "is_cancelled": True,
            },
            {"event_id": "e1", "email_key": "bob@", "source": "osdi", "status": "declined"},
            {"event_id": "e1", "email_key": "cat@", "status": "attending"},
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


def test_an_event_and_a_petition_with_the_same_id_stay_apart(db):
    given(
        db,
        events=[event("x1")],
        registrations=[{"event_id": "x1", "email_key": "ann@"}],
        signatures=[{"petition_id": "x1", "email_key": "ann@"}],
    )
    assert funnel(db)["commitment"] == (2, 1)  # one registration + one signature; Ann


def test_a_mart_that_became_a_view_replaces_the_old_table(db):
    from pipelines import marts, warehouse

    with warehouse.writer(db) as con:
        con.execute("create table mart_person_months as select 1 as person_id")
        marts.rebuild(con)
        kind = con.execute(
            "select table_type from information_schema.tables "
            "where table_name = 'mart_person_months'"
        ).fetchall()
    assert kind == [("VIEW",)]


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
                        "where person_id = 'pann@' order by stage",
                    )
                ),
                tuple(
                    query(
                        db,
                        "select first_channel from mart_person_channels where person_id = 'pann@'",
                    )
                ),
            )
        )
    # the earliest record wins; among records of the same moment, the first by name
    assert seen == {
        ((("action", "mobilize"), ("commitment", "actionnetwork_rsvps")), (("flyer",),))
    }
