"""The keys a refresh says moved (``moved_keys``, which the incremental marts and the models'
kept inputs read): after every batch of the incremental marts' property test, exactly the
keys whose person is not the one they had before the batch, or that had none, from
``person_keys`` as it was before and after. When a batch only added records, the linking
writes them itself (``identity.resolve_people(moves=...)``); otherwise they are found by
comparing every key (``batch_changes.after_linking``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings

from pipelines import batch_changes, identity
from tests.conftest import query
from tests.refresh_campaign import Campaign, first_batch
from tests.test_refresh_incremental import EVERY_KIND, batches

# the first batch, then a sign-in row that merges 0 and 1, and a new person's registration:
# both kinds of move, with records only added (the linking's own account)
MERGE_AND_NEW = [
    ("files", [("merge", "vigil-b", 0, 1)]),
    ("files", [("eventbrite", "talk-c", [(5, "Attending", 3)])]),
]


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> Campaign:
    with mock.patch("pipelines.models.refresh", lambda *a, **k: {}):  # not the models
        made = Campaign(tmp_path_factory.mktemp("started"))
        made.run(first_batch())
    return made


def run_checking(started: Campaign, sequence: list) -> list[str]:
    """Run the batches, checking ``moved_keys`` after each refresh against ``person_keys``
    before and after it; how each refresh linked people ('batch' or 'everyone')."""
    seen: list[set[tuple]] = []
    real = batch_changes.moves

    def keeping(con):
        seen.append({tuple(row) for row in con.execute("select * from moved_keys").fetchall()})
        return real(con)

    linked: list[str] = []
    real_resolve = identity.resolve_people

    def telling(con, added_by=None, moves=""):
        linked.append("everyone" if added_by is None else "batch")
        return real_resolve(con, added_by, moves)

    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch("pipelines.models.refresh", lambda *a, **k: {}),
        mock.patch.object(batch_changes, "moves", keeping),
        mock.patch.object(identity, "resolve_people", telling),
    ):
        campaign = Campaign(Path(folder), start_from=started)
        for batch in sequence:
            before = dict(query(campaign.db, "select key_hash, person_id from person_keys"))
            seen.clear()
            campaign.run(batch)
            after = dict(query(campaign.db, "select key_hash, person_id from person_keys"))
            expected = {
                (key, before.get(key), after.get(key))
                for key in before.keys() | after.keys()
                if before.get(key) != after.get(key)
            }
            assert seen in ([expected], []), batch  # [] when the batch refreshed nothing
            if not seen:
                assert expected == set(), batch
    return linked


def test_a_merge_and_a_new_person_are_the_keys_the_linking_moved(started):
    assert run_checking(started, MERGE_AND_NEW) == ["batch", "batch"]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=batches)
@example(sequence=EVERY_KIND)
def test_the_keys_said_to_move_are_those_whose_person_changed(started, sequence):
    run_checking(started, sequence)
