"""The refresh after a batch updates the marts from the batch's rows: always the same marts
as a full rebuild of every row (``pipelines/marts.py``, ``pipelines/mart_delta.py``).

The property test imports random small campaigns as random sequences of batches (new
files, email list membership among them, newer exports of the same Facebook counts,
changed Eventbrite statuses, a sign-in sheet that merges two people, a file imported
twice, a calendar that moves an event, an undo) and compares every mart with a full
rebuild after each batch. The ways a batch reaches
the marts, one by one: test_refresh_incremental_cases.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines import mart_delta, marts
from tests.conftest import query
from tests.refresh_campaign import EVENTS, PEOPLE, STATUSES, Campaign, first_batch

# strategies: one batch at a time ---------------------------------------------------------

events = st.sampled_from(list(EVENTS))
people = st.integers(0, PEOPLE - 1)
months = st.integers(1, 6)

sign_in_rows = st.lists(
    st.tuples(
        events,
        people,
        people,
        st.booleans(),
        st.booleans(),
        st.integers(0, 59),
        st.sampled_from(["", "flyer", "friend"]),
    ),
    min_size=1,
    max_size=4,
)
new_file = st.one_of(
    st.tuples(st.just("sign-in"), sign_in_rows),
    st.tuples(
        st.just("eventbrite"),
        events,
        st.lists(
            st.tuples(people, st.sampled_from(STATUSES), st.integers(1, 28)),
            min_size=1,
            max_size=4,
            unique_by=lambda r: r[0],
        ),
    ),
    st.tuples(
        st.just("mailchimp"),
        st.sampled_from(["news-1", "news-2"]),
        st.lists(
            st.tuples(people, st.sampled_from(["open", "click"]), months), min_size=1, max_size=4
        ),
    ),
    st.tuples(st.just("petition"), st.lists(st.tuples(people, months), min_size=1, max_size=3)),
    st.tuples(st.just("audience"), st.lists(st.tuples(people, months), min_size=1, max_size=3)),
    st.tuples(st.just("facebook"), events, st.integers(1, 28), st.integers(0, 50)),
    st.tuples(
        st.just("calendar"),
        events,  # an event moved in time, or to another campaign
        st.sampled_from(["2026-01-15 18:00", "2026-06-02 18:00"]),
        st.sampled_from(["alpha", "beta", ""]),
    ),
    st.tuples(st.just("again"), st.integers(0, 50)),  # an earlier file, imported again
    # one row with the email of someone known by email and the phone of someone known by
    # phone (first_batch): two people become one
    st.tuples(st.just("merge"), events, st.sampled_from([0, 2]), st.sampled_from([1, 3])),
)
batches = st.lists(
    st.one_of(
        st.tuples(st.just("files"), st.lists(new_file, min_size=1, max_size=2)),
        st.tuples(st.just("undo"), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=3,
)


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> Campaign:
    """The first batch of every campaign, imported once: each example starts from a copy."""
    with mock.patch("pipelines.models.refresh", lambda *a, **k: {}):  # not marts
        made = Campaign(tmp_path_factory.mktemp("started"))
        made.run(first_batch())
    assert made.differences() == {}
    return made


# every kind of batch at least once on every run, whatever the random ones draw
EVERY_KIND = [
    (
        "files",
        [
            ("merge", "vigil-b", 0, 1),
            ("eventbrite", "rally-a", [(0, "Attending", 2), (4, "Attending", 3)]),
        ],
    ),
    (
        "files",
        [
            ("eventbrite", "rally-a", [(0, "Checked In", 2), (4, "Not Attending", 3)]),
            ("facebook", "vigil-b", 20, 40),
        ],
    ),
    ("undo", -3),
    ("files", [("again", 3), ("calendar", "rally-a", "2026-06-02 18:00", "beta")]),
    ("files", [("audience", [(1, 2), (5, 3)])]),  # list membership: no email campaign
    ("undo", -1),
]


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sequence=batches,
    small=st.sampled_from([0, 0, 12, 40]),
    share=st.sampled_from([marts.FULL_SHARE, 1000.0]),
    within=st.sampled_from([mart_delta.WITHIN_VALUES, 0]),
    few=st.sampled_from([mart_delta.FEW_KEYS, 0]),
)
@example(sequence=EVERY_KIND, small=0, share=1000.0, within=mart_delta.WITHIN_VALUES, few=0)
@example(sequence=EVERY_KIND, small=0, share=1000.0, within=0, few=mart_delta.FEW_KEYS)
def test_every_mart_equals_a_full_rebuild_after_every_batch(
    started, sequence, small, share, within, few
):
    # small: below it a mart is rebuilt in full and leaves its change for the marts after
    # it; the sizes drawn put the campaign's tables on both sides. share: above it a batch
    # reaches too many people for the marts kept per person; any batch of a campaign of six
    # people reaches a tenth of them, so a share of 1000 keeps those marts incremental.
    # within: above it a delta's partitions are too many to narrow the search for old rows.
    # few: at most that many keys, an input said "as a table when few" is a table, not a view
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch("pipelines.models.refresh", lambda *a, **k: {}),
        mock.patch.object(marts, "SMALL_INPUT_ROWS", small),
        mock.patch.object(marts, "FULL_SHARE", share),
        mock.patch.object(mart_delta, "WITHIN_VALUES", within),
        mock.patch.object(mart_delta, "FEW_KEYS", few),
    ):
        campaign = Campaign(Path(folder), start_from=started)
        for batch in sequence:
            campaign.run(batch)
            assert query(campaign.db, "select count(*) from pending_refresh") == [(0,)]
            assert campaign.differences() == {}, batch
