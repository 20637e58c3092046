"""Marts of people over time: pyramid tiers (rules from TOML), tier flow, retention, channels.

Stand-in key hashes as in test_marts.py: a person's id is 'p' + their smallest key
(person("ann@") is Ann), because identity labels a person by one of their keys.
"""

from __future__ import annotations

from importlib import resources

from pipelines import marts, warehouse
from tests.conftest import ROOT, query, run_import
from tests.given import event, given, person, registration

FIXTURES = ROOT / "tests" / "fixtures"


# pyramid, tier flow, retention, channels ---------------------------------------------


def pyramid_rows() -> dict:
    """Ann comes in January, February and March; Bob in March; Dan is on the list; Eve clicks."""
    months = ("2026-01-15 18:30", "2026-02-15 18:30", "2026-03-15 18:30")
    return {
        "events": [event(f"e{i}", when) for i, when in enumerate(months, start=1)],
        "registrations": [
            {
                "event_id": "e1",
                "email_key": "ann@",
                "registered_at": "2026-01-01",
                "channel": "facebook",
            }
        ],
        "checkins": [
            {"event_id": "e1", "email_key": "ann@"},
            {"event_id": "e2", "email_key": "ann@"},
            {"event_id": "e3", "email_key": "ann@"},
            {"event_id": "e3", "email_key": "bob@"},
        ],
        "email_activity": [
            {"email_key": "dan@", "action": "subscribed", "occurred_at": "2026-01-02"},
            {
                "email_campaign_id": "m1",
                "email_key": "eve@",
                "action": "click",
                "occurred_at": "2026-02-02",
            },
        ],
    }


def tiers(db) -> dict:
    return dict(query(db, "select person_id, tier from mart_person_tiers"))


def tier_flow(db, month: str) -> list[tuple]:
    """The moves between tiers in ``month``: (from_tier, to_tier, direction, count_people)."""
    return query(
        db,
        "select from_tier, to_tier, direction, count_people from mart_tier_flow "
        "where month = ?::date order by all",
        [month],
    )


def test_default_pyramid_tiers(db):
    given(db, **pyramid_rows())
    assert sorted(tiers(db).values()) == ["contributing", "endorsing", "following", "owning"]
    assert tiers(db)[person("ann@")] == "owning"  # three events within twelve months
    months = query(
        db,
        "select month, tier from mart_person_months where person_id = ? order by month",
        [person("ann@")],
    )
    assert [tier for _, tier in months] == ["contributing", "contributing", "owning"]


def test_pyramid_rules_come_from_the_toml_file(db):
    # the database's own rules: one event makes an owner; only last month counts
    db.with_name(db.stem + ".pyramid.toml").write_text(
        "window_months = 1\n"
        '[[tier]]\nname = "following"\nany_of = { on_list = 1 }\n'
        '[[tier]]\nname = "owning"\nany_of = { events_attended = 1 }\n',
        encoding="utf-8",
    )
    given(db, **pyramid_rows())
    found = tiers(db)
    assert (found[person("ann@")], found[person("bob@")]) == ("owning", "owning")
    # Dan was listed in January: with a one-month window he is back to observing by March
    assert found[person("dan@")] == "observing"
    assert found[person("eve@")] == "observing"  # clicks place nobody in these rules
    # February: Dan following → observing (down), Ann owning → owning, Eve new, observing
    assert tier_flow(db, "2026-02-01") == [
        ("following", "observing", "down", 1),
        ("observing", "observing", "stay", 1),
        ("owning", "owning", "stay", 1),
    ]


def test_tier_flow_counts_moves(db):
    given(db, **pyramid_rows())
    # Ann contributing → owning; Bob new → contributing; Dan and Eve stay
    assert tier_flow(db, "2026-03-01") == [
        ("contributing", "owning", "up", 1),
        ("endorsing", "endorsing", "stay", 1),
        ("following", "following", "stay", 1),
        ("observing", "contributing", "up", 1),
    ]


def test_retention_and_time_to_action(db):
    given(db, **pyramid_rows())
    cohorts = query(
        db,
        "select cohort_month, months_after, cohort_size, count_acting "
        "from mart_retention order by all",
    )
    # January cohort: Ann (acts again in February and March); March cohort: Bob
    assert [(str(c), m, s, n) for c, m, s, n in cohorts] == [
        ("2026-01-01", 0, 1, 1),
        ("2026-01-01", 1, 1, 1),
        ("2026-01-01", 2, 1, 1),
        ("2026-03-01", 0, 1, 1),
    ]
    # Ann registered on 1 January for the event of 15 January
    assert query(
        db,
        "select days_commitment_to_action from mart_person_milestones where person_id = ?",
        [person("ann@")],
    ) == [(14,)]


def test_channels_and_their_slacktivism(db):
    given(
        db,
        events=[event("e1")],
        registrations=[
            registration(
                "e1", "ann@", channel="facebook", registered_at="2026-02-01", attended=True
            )
        ],
        signatures=[
            {
                "petition_id": "p1",
                "email_key": "bob@",
                "channel": "facebook",
                "signed_at": "2026-02-02",
            }
        ],
        checkins=[
            {"event_id": "e1", "phone_key": "cat#"},
            {"event_id": "e1", "phone_key": "gus#", "channel": "flyer"},
        ],
    )
    rows = query(
        db,
        "select first_channel, count_committed, count_acted, slacktivism_index "
        "from mart_channels order by first_channel",
    )
    # Facebook brought Ann (came) and Bob (signed only): index 1/2. The sheet without
    # "heard from" is offline; the flyer brought Gus.
    assert rows == [("facebook", 2, 1, 0.5), ("flyer", 1, 1, 0.0), ("offline", 1, 1, 0.0)]


CHANNEL_FILES = (
    "events_calendar.csv",
    "mailchimp_activity_newsletter.csv",
    "petition_signatures.csv",
    "signin_sheets.csv",
)


def test_a_channel_whose_people_did_not_all_commit(db):
    """The index is a share of the people who committed, not of everyone a channel brought.

    By hand from tests/fixtures/channels/: the newsletter (channel email) brought Ann
    (clicked), Bea (opened), Cy (opened on 2 Feb, signed on 10 Feb, never came) and Fay
    (opened on 3 Feb, came to the rally): 4 people, 2 committed (Cy; Fay, who acted), 1
    acted, index (2 - 1) / 2 = 0.5 (over all 4 people it would be 0.25). A flyer brought
    Dee (signed, then came) and Eli (came): 2 people, both committed and acted, index 0.
    """
    for name in CHANNEL_FILES:
        assert run_import(db, FIXTURES / "channels" / name).status == "imported", name
    rows = query(
        db,
        "select first_channel, count_people, count_committed, count_acted, "
        "slacktivism_index from mart_channels order by first_channel",
    )
    assert rows == [("email", 4, 2, 1, 0.5), ("flyer", 2, 2, 2, 0.0)]


def _tiers_month_by_month(activity: list[tuple[str, str, str, str]], window: int) -> dict:
    """Each person's tier rank in each month, counted out month by month with the default
    tiers: (person, 'YYYY-MM', metric, item) → {(person, 'YYYY-MM'): rank}."""
    rules = {
        "on_list": [(1, 1)],
        "email_opens": [(1, 1)],
        "email_clicks": [(1, 2)],
        "signatures": [(1, 2)],
        "registrations": [(1, 2)],
        "events_attended": [(1, 3), (3, 4)],
    }

    def index(month: str) -> int:
        return int(month[:4]) * 12 + int(month[5:]) - 1

    last = max(index(m) for _, m, _, _ in activity)
    ranks = {}
    for who in {p for p, _, _, _ in activity}:
        mine = [(index(m), metric, item) for p, m, metric, item in activity if p == who]
        for month in range(min(i for i, _, _ in mine), last + 1):
            rank = 0
            for metric, thresholds in rules.items():
                items = {
                    item
                    for i, m, item in mine
                    if m == metric and i <= month and (window == 0 or i > month - window)
                }
                rank = max([rank] + [r for at_least, r in thresholds if len(items) >= at_least])
            ranks[(who, f"{month // 12}-{month % 12 + 1:02d}")] = rank
    return ranks


def test_tier_spans_equal_a_month_by_month_count_for_any_window(db):
    rows = pyramid_rows()
    # Dan stays on the list and opens an email in April; Ann comes back in June
    rows["email_activity"] += [
        {"email_key": "dan@", "action": "subscribed", "occurred_at": "2026-03-02"},
        {
            "email_campaign_id": "m2",
            "email_key": "dan@",
            "action": "open",
            "occurred_at": "2026-04-09",
        },
    ]
    rows["events"].append(event("e4", "2026-06-15 18:30"))
    rows["checkins"].append({"event_id": "e4", "email_key": "ann@"})
    activity = [
        (person("ann@"), "2026-01", "registrations", "e1"),
        (person("ann@"), "2026-01", "events_attended", "e1"),
        (person("ann@"), "2026-02", "events_attended", "e2"),
        (person("ann@"), "2026-03", "events_attended", "e3"),
        (person("ann@"), "2026-06", "events_attended", "e4"),
        (person("bob@"), "2026-03", "events_attended", "e3"),
        (person("dan@"), "2026-01", "on_list", "list"),
        (person("dan@"), "2026-03", "on_list", "list"),
        (person("dan@"), "2026-04", "email_opens", "m2"),
        (person("eve@"), "2026-02", "email_clicks", "m1"),
    ]
    given(db, **rows)
    for window in (0, 1, 2, 3, 12):
        db.with_name(db.stem + ".pyramid.toml").write_text(
            (resources.files("pipelines") / "pyramid.toml")
            .read_text(encoding="utf-8")
            .replace("window_months = 12", f"window_months = {window}"),
            encoding="utf-8",
        )
        with warehouse.writer(db) as con:
            marts.rebuild(con)
        found = {
            (p, str(m)[:7]): r
            for p, m, r in query(db, "select person_id, month, tier_rank from mart_person_months")
        }
        assert found == _tiers_month_by_month(activity, window), f"window_months = {window}"
        spans = query(
            db,
            "select person_id, from_month, to_month, tier_rank "
            "from mart_person_tier_spans order by person_id, from_month",
        )
        pairs = zip(spans, spans[1:], strict=False)
        for (who, _, end, rank), (following, start, _, next_rank) in pairs:
            if who == following:  # spans meet, and differ in tier
                assert end.year * 12 + end.month + 1 == start.year * 12 + start.month
                assert rank != next_rank
