"""Marts: a contract for every mart; the funnel of a small campaign that touches them all, and a
mart that became a view. More "given these rows, expect these numbers" tests are in
test_marts_attendance.py, test_marts_counting.py and test_marts_pyramid.py.

Expected values are worked out by hand in each test from METRICS.md; key hashes are
stand-in strings ("ann@" is Ann's email key, "ann#" her phone key, "ann:" a platform id).
"""

from __future__ import annotations

import pytest

from pipelines import marts, warehouse
from tests.conftest import query
from tests.funnel_reference import reference_period_cells
from tests.given import event, funnel, given

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


def test_a_mart_that_became_a_view_replaces_the_old_table(db):
    with warehouse.writer(db) as con:
        con.execute("create table mart_person_months as select 1 as person_id")
        marts.rebuild(con)
        kind = con.execute(
            "select table_type from information_schema.tables "
            "where table_name = 'mart_person_months'"
        ).fetchall()
    assert kind == [("VIEW",)]


def test_the_funnel_of_every_week_and_month_counts_as_the_facts_say(sample_db):
    # people with facts of two channels in one week count once in the week's total, at
    # their highest stage, and in each channel at their highest stage there
    mixed = query(
        sample_db,
        "select count(*) from (select person_id from mart_funnel_facts "
        "where person_id is not null group by person_id, date_trunc('week', occurred_at) "
        "having count(distinct coalesce(campaign, '') || channel) > 1)",
    )
    assert mixed[0][0] > 0
    cells = query(
        sample_db,
        "select campaign, coalesce(channel, '(none)'), period, period_start, stage, "
        "interactions, people from mart_funnel where period <> 'all'",
    )
    assert set(cells) == reference_period_cells(sample_db)
    assert len(cells) == len(set(cells))
