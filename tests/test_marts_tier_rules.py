"""mart_person_tier_spans under any pyramid rules: its spans, spelt out month by month, equal
each person's tier counted out by hand for every month, whatever the rules, the window and
the records (an item done in several months, a higher count placing on a lower tier, a
metric no rule uses)."""

from __future__ import annotations

from datetime import date

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import marts, pyramid

SQL = dict(marts.mart_files())["30_mart_person_tier_spans"]

# each metric's record kind and the column its item is in
KINDS = {
    "on_list": ("email_subscribed", None),
    "email_opens": ("email_open", "email_campaign_id"),
    "email_clicks": ("email_click", "email_campaign_id"),
    "signatures": ("signature", "petition_id"),
    "registrations": ("registration", "event_id"),
    "events_attended": ("checkin", "event_id"),
}
COUNTED = tuple(KINDS)
ID_COLUMNS = ("event_id", "petition_id", "email_campaign_id")


def _month(index: int) -> date:
    return date(2025 + index // 12, index % 12 + 1, 1)


def _by_hand(records: list[tuple[int, int, str, str]], rules: dict) -> dict:
    """{(person, month index): tier rank} from each person's first month to the last one with
    data: the highest tier with a condition met, a metric's count being its distinct items
    done in the month or the window's months before (window 0: ever)."""
    window = rules["window_months"]
    last = max(month for _, month, _, _ in records)
    ranks = {}
    for who in {person for person, _, _, _ in records}:
        mine = [(month, metric, item) for person, month, metric, item in records if person == who]
        for now in range(min(month for month, _, _ in mine), last + 1):
            counts = {
                metric: len(
                    {
                        "list" if metric == "on_list" else item  # one list: one item
                        for month, m, item in mine
                        if m == metric and month <= now and (window == 0 or month > now - window)
                    }
                )
                for metric in COUNTED
            }
            ranks[(who, now)] = max(
                [0]
                + [
                    rank
                    for rank, tier in enumerate(rules["tiers"], start=1)
                    for metric, at_least in tier["any_of"].items()
                    if counts.get(metric, 0) >= at_least
                ]
            )
    return ranks


def _spans(records: list[tuple[int, int, str, str]], rules: dict) -> list[tuple]:
    rows = [
        [person, KINDS[metric][0], _month(month).replace(day=1 + day % 28)]
        + [item if KINDS[metric][1] == column else None for column in ID_COLUMNS]
        for day, (person, month, metric, item) in enumerate(records)
    ]
    with duckdb.connect() as con:
        marts.install_macros(con)
        pyramid.install_rules(con, rules)
        con.execute(
            "create table mart_person_records (person_id bigint, is_anonymous boolean, "
            "record_kind varchar, occurred_at timestamp, event_id varchar, petition_id varchar, "
            "email_campaign_id varchar)"
        )
        con.executemany("insert into mart_person_records values (?, false, ?, ?, ?, ?, ?)", rows)
        return con.execute(
            f"select person_id, from_month, to_month, tier_rank from ({SQL}) "
            "order by person_id, from_month"
        ).fetchall()


@st.composite
def campaigns(draw) -> tuple[list[tuple[int, int, str, str]], dict]:
    """Records of two or three metrics (so that counts reach the rules' thresholds and items
    come back after the window) and rules over them and one more."""
    metrics = draw(st.lists(st.sampled_from(COUNTED), min_size=2, max_size=3, unique=True))
    records = draw(
        st.lists(
            st.tuples(
                st.integers(1, 2),  # person
                st.integers(0, 11),  # month
                st.sampled_from(metrics),
                st.sampled_from(("a", "b", "c")),  # item
            ),
            min_size=1,
            max_size=20,
        )
    )
    condition = st.dictionaries(
        st.sampled_from(metrics + [draw(st.sampled_from(COUNTED))]), st.integers(1, 3), max_size=2
    )
    tiers = draw(st.lists(condition, min_size=1, max_size=4))
    rules = {
        "window_months": draw(st.integers(0, 4)),
        "tiers": [{"name": f"tier {n}", "any_of": any_of} for n, any_of in enumerate(tiers)],
    }
    return records, rules


@settings(max_examples=60, deadline=None)
@given(campaign=campaigns())
def test_spans_spelt_out_by_month_equal_the_tiers_counted_by_hand(campaign):
    records, rules = campaign
    spans = _spans(records, rules)
    spelt_out = {}
    for person, start, end, rank in spans:
        month = (start.year - 2025) * 12 + start.month - 1
        while _month(month) <= end:
            spelt_out[(person, month)] = rank
            month += 1
    assert spelt_out == _by_hand(records, rules)
    # consecutive spans of a person differ in tier
    for before, after in zip(spans, spans[1:], strict=False):
        if before[0] == after[0]:
            assert before[3] != after[3]


def test_a_higher_count_placing_on_a_lower_tier_keeps_the_higher_one():
    """Rules need not rise with the count: one event attended places on the top tier here,
    three on a lower one; a person with three stays on the top tier, as both conditions hold."""
    rules = {
        "window_months": 0,
        "tiers": [
            {"name": "low", "any_of": {"events_attended": 3}},
            {"name": "top", "any_of": {"events_attended": 1}},
        ],
    }
    records = [
        (1, 0, "events_attended", "a"),
        (1, 1, "events_attended", "b"),
        (1, 2, "events_attended", "c"),
    ]
    assert _spans(records, rules) == [(1, date(2025, 1, 1), date(2025, 3, 1), 2)]
