"""Marts of people over time: pyramid tiers (rules from TOML), tier flow, retention, channels.

Stand-in key hashes as in test_marts.py: a person's id is 'p' + their smallest key
("pann@" is Ann), because identity labels a person by one of their keys.
"""

from __future__ import annotations

from tests.conftest import query
from tests.given import event, given

# pyramid, tier flow, retention, channels ---------------------------------------------

def pyramid_rows() -> dict:
    """Ann comes in January, February and March; Bob in March; Dan is on the list; Eve clicks."""
    months = ("2026-01-15 18:30", "2026-02-15 18:30", "2026-03-15 18:30")
    return {
        "events": [event(f"e{i}", when) for i, when in enumerate(months, start=1)],
        "registrations": [{"event_id": "e1", "email_key": "ann@", "registered_at": "2026-01-01",
                           "channel": "facebook"}],
        "checkins": [{"event_id": "e1", "email_key": "ann@"},
                     {"event_id": "e2", "email_key": "ann@"},
                     {"event_id": "e3", "email_key": "ann@"},
                     {"event_id": "e3", "email_key": "bob@"}],
        "email_activity": [
            {"email_key": "dan@", "action": "subscribed", "occurred_at": "2026-01-02"},
            {"email_campaign_id": "m1", "email_key": "eve@", "action": "click",
             "occurred_at": "2026-02-02"},
        ],
    }


def tiers(db) -> dict:
    return dict(query(db, "select person_id, tier from mart_person_tiers"))


def test_default_pyramid_tiers(db):
    given(db, **pyramid_rows())
    assert sorted(tiers(db).values()) == ["contributing", "endorsing", "following", "owning"]
    assert tiers(db)["pann@"] == "owning"  # three events within twelve months
    months = query(db, "select month, tier from mart_person_months where person_id = 'pann@' "
                   "order by month")
    assert [tier for _, tier in months] == ["contributing", "contributing", "owning"]


def test_pyramid_rules_come_from_the_toml_file(db):
    # the database's own rules: one event makes an owner; only last month counts
    db.with_name(db.stem + ".pyramid.toml").write_text(
        'window_months = 1\n'
        '[[tier]]\nname = "following"\nany_of = { on_list = 1 }\n'
        '[[tier]]\nname = "owning"\nany_of = { events_attended = 1 }\n', encoding="utf-8")
    given(db, **pyramid_rows())
    found = tiers(db)
    assert (found["pann@"], found["pbob@"]) == ("owning", "owning")
    # Dan was listed in January: with a one-month window he is back to observing by March
    assert found["pdan@"] == "observing"
    assert found["peve@"] == "observing"  # clicks place nobody in these rules
    flow = query(db, "select from_tier, to_tier, direction, count_people from mart_tier_flow "
                 "where month = date '2026-02-01' order by all")
    # February: Dan following → observing (down), Ann owning → owning, Eve new, observing
    assert flow == [("following", "observing", "down", 1), ("observing", "observing", "stay", 1),
                    ("owning", "owning", "stay", 1)]


def test_tier_flow_counts_moves(db):
    given(db, **pyramid_rows())
    march = query(db, "select from_tier, to_tier, direction, count_people from mart_tier_flow "
                  "where month = date '2026-03-01' order by all")
    # Ann contributing → owning; Bob new → contributing; Dan and Eve stay
    assert march == [("contributing", "owning", "up", 1), ("endorsing", "endorsing", "stay", 1),
                     ("following", "following", "stay", 1),
                     ("observing", "contributing", "up", 1)]


def test_retention_and_time_to_action(db):
    given(db, **pyramid_rows())
    cohorts = query(db, "select cohort_month, months_after, cohort_size, count_acting "
                    "from mart_retention order by all")
    # January cohort: Ann (acts again in February and March); March cohort: Bob
    assert [(str(c), m, s, n) for c, m, s, n in cohorts] == [
        ("2026-01-01", 0, 1, 1), ("2026-01-01", 1, 1, 1), ("2026-01-01", 2, 1, 1),
        ("2026-03-01", 0, 1, 1)]
    # Ann registered on 1 January for the event of 15 January
    assert query(db, "select days_commitment_to_action from mart_person_milestones "
                 "where person_id = 'pann@'") == [(14,)]


def test_channels_and_their_slacktivism(db):
    given(
        db,
        events=[event("e1")],
        registrations=[{"event_id": "e1", "email_key": "ann@", "channel": "facebook",
                        "registered_at": "2026-02-01", "attended": True}],
        signatures=[{"petition_id": "p1", "email_key": "bob@", "channel": "facebook",
                     "signed_at": "2026-02-02"}],
        checkins=[{"event_id": "e1", "phone_key": "cat#"},
                  {"event_id": "e1", "phone_key": "gus#", "channel": "flyer"}],
    )
    rows = query(db, "select first_channel, count_committed, count_acted, slacktivism_index "
                 "from mart_channels order by first_channel")
    # Facebook brought Ann (came) and Bob (signed only): index 1/2. The sheet without
    # "heard from" is offline; the flyer brought Gus.
    assert rows == [("facebook", 2, 1, 0.5), ("flyer", 1, 1, 0.0), ("offline", 1, 1, 0.0)]
