"""The models' inputs kept between refreshes and read again for the people a batch could have
changed only (``pipelines/models/kept_inputs.py``): after every batch, the same rows as
reading every person again, for the follow-up list (``follow_up.people``,
``follow_up_sources.sql``) and for the forecast (``forecast_registrations.sql``, in its
order), and the follow-up list written again for those people only (with everyone's rank
renumbered) the same as written in full.

The campaigns and their batches are those of the incremental marts' property test: new
files, newer exports, changed Eventbrite statuses, a sign-in row merging two people, a file
imported twice, a calendar moving an event, an undo.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings

from pipelines import marts, warehouse
from pipelines.models import (
    fits,
    follow_up,
    follow_up_inputs,
    follow_up_list,
    forecast_inputs,
    kept_inputs,
)
from tests.refresh_campaign import Campaign, first_batch
from tests.test_refresh_incremental import EVERY_KIND, batches


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> Campaign:
    made = Campaign(tmp_path_factory.mktemp("started"))
    made.run(first_batch())
    return made


def kept_and_read_again(db: Path) -> tuple[tuple[pd.DataFrame, pd.DataFrame], ...]:
    """(kept, read for everyone) for the follow-up list's people and their sources; none
    when there is no record left (an undo of everything): then nothing is kept."""
    with warehouse.reader(db) as con:
        found = follow_up.windows(con)
        if found is None:
            kept_tables = con.execute(
                "select count(*) from duckdb_tables() where table_name like 'model_follow_up%'"
            ).fetchall()
            assert kept_tables == [(0,)]
            return ()
        people = follow_up.people(con, found.as_of, found.as_of)
        people = people.drop(columns=list(follow_up_inputs.AS_OF_COLUMNS))
        sources = con.execute(kept_inputs.sql("follow_up_sources")).df()
        sources = sources[sources["person_id"].isin(people["person_id"])]
        kept = [
            con.execute(f"select * from {table} order by person_id").df()
            for table in (follow_up_inputs.PEOPLE, follow_up_inputs.SOURCES)
        ]
    return (kept[0], people), (kept[1], sources)


def assert_forecast_rows_as_read_for_everyone(db: Path) -> None:
    """The forecast's kept registrations: the same rows in the same order (its model is
    fitted on a sample picked by position)."""
    with warehouse.reader(db) as con:
        everyone = con.execute(kept_inputs.sql(forecast_inputs.QUERY)).df()
        kept = con.execute(
            f"select * from {forecast_inputs.REGISTRATIONS} order by event_id, person_id"
        ).df()
    pd.testing.assert_frame_equal(kept, everyone, check_dtype=False)


def assert_list_as_written_in_full(db: Path) -> None:
    """The follow-up list as the refresh left it: the rows ``follow_up_list.write`` writes for
    every kept person with the kept fit, in a table of the same name that shadows it."""
    with warehouse.reader(db) as con:
        if not kept_inputs.exists(con, follow_up_list.WRITTEN):
            return
        listed = con.execute("select * from mart_follow_up order by rank").df()
        fit, found = fits.stored(con, "follow_up"), follow_up.windows(con)
        con.execute(f"create temp table mart_follow_up ({follow_up_list.MART_COLUMNS})")
        if kept_inputs.exists(con, follow_up_inputs.PEOPLE) and fit and found:
            follow_up_list.write(con, fit.parameters, found.as_of)
        in_full = con.execute("select * from temp.mart_follow_up order by rank").df()
    pd.testing.assert_frame_equal(listed, in_full)


def assert_same_rows(kept: pd.DataFrame, everyone: pd.DataFrame) -> None:
    order = sorted(everyone.columns)
    pd.testing.assert_frame_equal(
        _unknown_as_none(kept[order].sort_values(order).reset_index(drop=True)),
        _unknown_as_none(everyone[order].sort_values(order).reset_index(drop=True)),
        check_dtype=False,
    )


def _unknown_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """A column with no value comes out of DuckDB as None in one frame and NaN in another,
    by the other values it is read with: the same unknown either way."""
    return frame.astype(object).where(frame.notna(), None)


def run_checking(
    started: Campaign, sequence: list, people: dict[str, list[int]] | None = None
) -> dict[str, int]:
    """Run the batches, checking the kept inputs and the follow-up list after each; how many
    refreshes read only some people again, for each model (``people``: how many people each
    of them read), and wrote only their rows of the list. The models keep their fits
    however much their training data changed, as in a campaign large enough, so that the
    list is written again for the people read again whenever the batch allows it."""
    read_again = {follow_up_inputs.EVENTS: 0, forecast_inputs.EVENTS: 0}
    listed_again = []
    real_write = follow_up_list.write

    def writing(con, parameters, as_of, changed=None):
        written = real_write(con, parameters, as_of, changed)
        if changed is not None:
            listed_again.append(written)
        return written

    people = {} if people is None else people
    real = kept_inputs.choose_people

    def counting(con, events, *tables, **into):
        count = real(con, events, *tables, **into)
        if events is None:  # the follow-up list's ids in other systems
            people.setdefault(follow_up_inputs.SOURCES, []).append(count)
            return count
        read_again[events] += 1
        people.setdefault(events, []).append(count)
        return count

    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(kept_inputs, "choose_people", counting),
        mock.patch.object(follow_up_list, "write", writing),
        mock.patch.object(fits, "CHANGED_ENOUGH", float("inf")),
    ):
        campaign = Campaign(Path(folder), start_from=started)
        for batch in sequence:
            campaign.run(batch)
            for kept, everyone in kept_and_read_again(campaign.db):
                assert_same_rows(kept, everyone)
            assert_forecast_rows_as_read_for_everyone(campaign.db)
            assert_list_as_written_in_full(campaign.db)
    return {
        "follow-up": read_again[follow_up_inputs.EVENTS],
        "forecast": read_again[forecast_inputs.EVENTS],
        "list": len(listed_again),
    }


# after a newsletter in May (the latest activity from then on), batches that do not move it;
# each one changes someone on the list who is not on its own rows, or takes someone off it
WITHIN_THE_SAME_LATEST_ACTIVITY = [
    ("files", [("mailchimp", "news-2", [(5, "open", 5)])]),
    ("files", [("petition", [(2, 2), (4, 3)])]),  # 2 and 4 sign: on the list
    ("files", [("eventbrite", "talk-c", [(5, "Attending", 2), (4, "Attending", 3)])]),
    # 4 comes to talk-c: it has attendance data now, and 5, who did not, a no-show
    ("files", [("sign-in", [("talk-c", 4, 4, True, False, 5, "flyer")])]),
    # talk-c moved after the latest activity: 5's registration is upcoming, not a no-show
    ("files", [("calendar", "talk-c", "2026-06-02 18:00", "")]),
    # 2 (a signer, by email) and 3 (known by phone) become one, who came: off the list
    ("files", [("merge", "vigil-b", 2, 3)]),
    ("undo", -2),  # read for everyone
    ("files", [("again", 2)]),  # imported already: nothing to refresh
]


def test_batches_that_keep_the_latest_activity_read_again_only_whom_they_changed(started):
    # the undo asks for everyone, the file imported again changes nothing; the newsletter
    # moves the latest activity, which the follow-up list counts the days since from: its
    # people are read again as the batch changed them, and the list written again in full
    assert run_checking(started, WITHIN_THE_SAME_LATEST_ACTIVITY) == {
        "follow-up": 6,
        "forecast": 6,
        "list": 5,
    }


def test_the_latest_activity_moving_past_an_event_has_its_people_read_again(started):
    """4 registers in January for talk-c (April 10), upcoming then. A newsletter opened in
    May moves the latest activity past its start: 4's registration is no longer upcoming,
    and 4, on none of the newsletter's rows, is read again for it (the rows are checked
    against reading everyone)."""
    said: list[str] = []
    real = follow_up_inputs.update

    def update(*args):
        said.append(real(*args))
        return said[-1]

    sequence = [
        ("files", [("eventbrite", "talk-c", [(4, "Attending", 1)])]),
        ("files", [("mailchimp", "news-2", [(0, "open", 5)])]),  # 0 acted: not on the list
    ]
    with mock.patch.object(follow_up_inputs, "update", update):
        read = run_checking(started, sequence)
    assert (read["follow-up"], read["list"]) == (2, 1)  # the list in full after the move
    assert said == [
        "read again for 1 person",
        "read again for 1 person (the latest activity moved)",
    ]


def test_someone_leaving_the_list_alone_moves_the_ranks_behind_them(started):
    """2 and 4 sign, 4 later (ranked first: with too few people for a model, the most recent
    first). 4 then signs in at rally-a, whose sign-ins are in already: 4 acted, and leaves
    the list, and no one's row is written again; 2 is now first (the ranks are checked
    against the list written in full)."""
    sequence = [
        ("files", [("mailchimp", "news-2", [(5, "open", 5)])]),  # the latest activity: May
        ("files", [("petition", [(2, 2), (4, 3)])]),
        ("files", [("sign-in", [("rally-a", 4, 4, True, False, 9, "flyer")])]),
    ]
    # the newsletter moved the latest activity (the list in full); then twice in part
    assert run_checking(started, sequence)["list"] == 2


def test_email_activity_alone_has_no_one_read_again_for_the_forecast(started):
    # the forecast leaves email records out; the follow-up list counts the opens and clicks
    # of the people on it, and neither 0 nor 2 is (neither registered nor signed)
    people: dict[str, list[int]] = {}
    newsletter = [("files", [("mailchimp", "news-2", [(0, "open", 2), (2, "click", 2)])])]
    assert run_checking(started, newsletter, people) == {"follow-up": 1, "forecast": 1, "list": 0}
    assert people == {
        follow_up_inputs.EVENTS: [0],
        follow_up_inputs.SOURCES: [0],  # nor their ids in other systems
        forecast_inputs.EVENTS: [0],
    }


def test_a_newsletter_has_only_its_people_on_the_list_read_again(started):
    """Opens and clicks change what the list knows of the people on it (their opens, their
    days since), and cannot put anyone on it or take anyone off: of a newsletter's three
    people, 4 alone, who signed, is read again (the rows are checked against reading
    everyone)."""
    people: dict[str, list[int]] = {}
    sequence = [
        ("files", [("mailchimp", "news-2", [(5, "open", 5)])]),  # the latest activity: May
        ("files", [("petition", [(4, 3)])]),  # 4 signs: on the list
        ("files", [("mailchimp", "news-3", [(4, "click", 4), (0, "open", 4), (2, "open", 4)])]),
    ]
    run_checking(started, sequence, people)
    assert people[follow_up_inputs.EVENTS][-1] == 1  # of the last newsletter's three


def test_a_registration_has_its_people_ids_read_again(started):
    """A registration gives a person an id in another system: theirs are read again, and
    no one else's (the batches' kept ids are checked against reading everyone)."""
    people: dict[str, list[int]] = {}
    talk = [("files", [("eventbrite", "talk-c", [(4, "Attending", 3)])])]
    run_checking(started, talk, people)
    assert people[follow_up_inputs.SOURCES] == [1]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=batches)
@example(sequence=EVERY_KIND)
def test_random_batches_keep_the_same_inputs_as_reading_everyone(started, sequence):
    run_checking(started, sequence)


def test_a_new_version_of_the_marts_they_read_has_everyone_read_again(started, tmp_path):
    """A new version of mart_person_records may change every person's records: rebuilt in
    full, it leaves no batch of people to read again."""
    said = []
    real = {module: module.update for module in (follow_up_inputs, forecast_inputs)}

    def spying(module):
        def update(*args):
            said.append(real[module](*args))  # how each model's kept rows were read
            return said[-1]

        return update

    campaign = Campaign(tmp_path, start_from=started)
    built_by = marts.fingerprint

    def new_version(mart, rules):
        return built_by(mart, rules) + ("+1" if mart.name == "mart_person_records" else "")

    with (
        mock.patch.object(marts, "fingerprint", new_version),
        mock.patch.object(follow_up_inputs, "update", spying(follow_up_inputs)),
        mock.patch.object(forecast_inputs, "update", spying(forecast_inputs)),
    ):
        campaign.run(("files", [("petition", [(4, 2)])]))
    assert said == ["read for everyone: its SQL, or that of the marts it reads, changed"] * 2
    for kept, everyone in kept_and_read_again(campaign.db):
        assert_same_rows(kept, everyone)
    assert_forecast_rows_as_read_for_everyone(campaign.db)
