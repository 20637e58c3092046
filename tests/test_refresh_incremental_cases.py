"""The ways a batch reaches the marts, one by one: an incremental refresh that says so, a sign-in
row that merges two people, a mart whose SQL changed, an undo, a mart rebuilt for being small,
the refresh command; and every mart declares how it is refreshed. After each, every mart
equals a full rebuild."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines import load, mart_delta, marts, refresh, warehouse
from tests.conftest import query
from tests.refresh_campaign import Campaign, email, first_batch


@pytest.fixture
def campaign(tmp_path, monkeypatch):
    monkeypatch.setattr("pipelines.models.refresh", lambda *a, **k: {})  # not marts
    monkeypatch.setattr(marts, "SMALL_INPUT_ROWS", 0)  # a small campaign, kept incrementally
    # any batch reaches a tenth of its six people: the marts kept per person too
    monkeypatch.setattr(marts, "FULL_SHARE", 1000.0)
    made = Campaign(tmp_path)
    made.run(first_batch())
    return made


def refreshed(campaign: Campaign, batch: tuple) -> refresh.Refreshed:
    """Run a batch without its refresh, then refresh and return what it did."""
    kind, files = batch
    with load.session(campaign.db, refresh_figures=False) as session:
        for spec in files:
            session.import_file(*campaign.make(spec))
        return refresh.run(session.con)


def how(done: refresh.Refreshed) -> dict[str, str]:
    return {m.mart: m.how for m in done.marts}


def test_a_batch_is_refreshed_incrementally_and_says_so(campaign):
    done = refreshed(campaign, ("files", [("sign-in", [("rally-a", 3, 3, True, False, 9, "")])]))
    assert how(done)["mart_person_records"] == "incremental"
    assert how(done)["mart_funnel"] == "incremental"
    for per_person in (
        "mart_person_channels",
        "mart_person_milestones",
        "mart_person_tiers",
        "mart_tier_flow",
        "mart_retention",
    ):
        assert how(done)[per_person] == "incremental", per_person
    records = next(m for m in done.marts if m.mart == "mart_person_records")
    assert (records.keys, records.removed, records.added) == (1, 0, 1)
    assert how(done)["mart_channels"] == "full"
    assert done.relinked == "batch"
    assert campaign.differences() == {}


def test_a_sign_in_row_that_merges_two_people_moves_their_rows(campaign):
    # person 0 signed in with an email, person 1 with a phone: now one row carries both
    signed_in = (
        "select count(distinct person_id) from mart_person_records where record_kind = 'checkin'"
    )
    assert query(campaign.db, signed_in) == [(3,)]
    done = refreshed(campaign, ("files", [("merge", "rally-a", 0, 1)]))
    assert done.moved_keys >= 1
    assert query(campaign.db, signed_in) == [(2,)]
    assert campaign.differences() == {}


def test_a_mart_whose_sql_changed_is_rebuilt_in_full_with_the_marts_that_read_it(campaign):
    def built_with_older_sql(mart: str) -> None:
        with warehouse.writer(campaign.db) as con:
            con.execute("update mart_refresh_state set code_hash = 'old' where mart = ?", [mart])

    built_with_older_sql("mart_aggregate_facts")
    done = refreshed(campaign, ("files", [("petition", [(4, 2)])]))
    assert how(done)["mart_aggregate_facts"] == "full"
    assert how(done)["mart_funnel_facts"] == "incremental"  # it reads what changed in it
    assert how(done)["mart_funnel"] == "full"  # it reads which cells its rows fall in
    why = next(m.why for m in done.marts if m.mart == "mart_funnel")
    assert why == "mart_aggregate_facts was rebuilt in full"
    assert campaign.differences() == {}
    # the people of mart_funnel's all-time cells come from what changed in
    # mart_person_funnel_stage: rebuilt, it leaves that change
    built_with_older_sql("mart_person_funnel_stage")
    done = refreshed(campaign, ("files", [("petition", [(6, 2)])]))
    assert how(done)["mart_person_funnel_stage"] == "full"
    assert how(done)["mart_funnel"] == "incremental"
    assert campaign.differences() == {}
    # a mart whose keys come from what changed in the one rebuilt stays incremental: the
    # rebuild leaves that change (its old rows against its new ones)
    built_with_older_sql("mart_funnel_facts")
    done = refreshed(campaign, ("files", [("petition", [(5, 3)])]))
    assert how(done)["mart_funnel_facts"] == "full"
    assert how(done)["mart_person_funnel_stage"] == "incremental"
    assert how(done)["mart_funnel"] == "incremental"
    assert campaign.differences() == {}


def test_an_upgrade_that_changes_every_mart_compares_no_mart_before_and_after(
    campaign, monkeypatch
):
    # a new version whose macros every mart uses: each is rebuilt in full, and no mart
    # after it can read what changed in it, so its rows are not compared
    with warehouse.writer(campaign.db) as con:
        con.execute("update mart_refresh_state set code_hash = 'old'")
    compared = []
    compare = mart_delta.change_of_rebuild
    monkeypatch.setattr(
        mart_delta,
        "change_of_rebuild",
        lambda con, name: compared.append(name) or compare(con, name),
    )
    done = refreshed(campaign, ("files", [("petition", [(4, 2)])]))
    assert set(how(done).values()) == {"full", "view"}
    assert compared == []
    assert campaign.differences() == {}
    # one mart built with older SQL: the marts after it that read its change still do
    with warehouse.writer(campaign.db) as con:
        con.execute(
            "update mart_refresh_state set code_hash = 'old' where mart = 'mart_funnel_facts'"
        )
    done = refreshed(campaign, ("files", [("petition", [(5, 3)])]))
    assert "mart_funnel_facts" in compared
    assert how(done)["mart_person_funnel_stage"] == "incremental"
    assert campaign.differences() == {}


def test_undo_takes_the_rows_out_of_the_marts(campaign):
    with load.session(campaign.db) as session:
        extra, options = campaign.make(("eventbrite", "vigil-b", [(5, "Checked In", 3)]))
        imported = session.import_file(extra, options)
    assert query(
        campaign.db, "select count(*) from mart_person_records where event_id = 'vigil-b'"
    ) == [(2,)]
    load.undo_import(campaign.db, imported.import_id)
    assert query(
        campaign.db, "select count(*) from mart_person_records where event_id = 'vigil-b'"
    ) == [(0,)]
    assert query(campaign.db, "select count(*) from registrations_removed") == [(0,)]
    assert campaign.differences() == {}


def test_every_mart_declares_how_it_is_refreshed():
    folder = Path(marts.__file__).parent / "sql" / "marts"
    deltas = {p.name.removesuffix(".delta.sql") for p in folder.glob("*.delta.sql")}
    for mart in marts.marts():
        if mart.is_view:
            continue
        assert mart.incremental or mart.why_full != "no refresh declared", (
            f"{mart.stem}.sql: add '-- refresh: incremental by <keys>' or '-- refresh: full (why)'"
        )
        if mart.incremental:
            assert mart.stem in deltas, f"{mart.stem}.delta.sql is missing"
            assert not set(mart.delta.inputs) - _upstream_tables(mart), mart.stem
    incremental = {m.stem for m in marts.marts() if m.incremental}
    assert deltas == incremental, "a delta file without '-- refresh: incremental by' in its mart"


def test_a_delta_input_is_a_view_unless_it_says_as_a_table():
    delta = marts.parse_delta(
        "-- keys:\nselect 1 as k\n-- input facts: as a table\nselect * from facts\n"
        "-- input people:\nselect * from people\n"
    )
    assert delta.inputs == {"facts": "select * from facts", "people": "select * from people"}
    assert delta.input_tables == {"facts"}
    assert delta.input_tables_when_few == set()
    few = marts.parse_delta(
        "-- keys:\nselect 1 as k\n-- input facts: as a table when few\nselect * from facts\n"
    )
    assert (few.input_tables, few.input_tables_when_few) == (set(), {"facts"})
    with pytest.raises(ValueError, match="only 'as a table' or 'as a table when few'"):
        marts.parse_delta("-- keys:\nselect 1 as k\n-- input facts: copied\nselect 1\n")


def _upstream_tables(mart: marts.Mart) -> set[str]:
    return marts._tokens(mart.sql)


def test_the_command_refreshes_what_changed_and_everything_with_full(campaign, monkeypatch):
    from typer.testing import CliRunner

    from pipelines.cli import app

    monkeypatch.setenv("TURNOUT_DB", str(campaign.db))
    runner = CliRunner()
    assert "--full" in runner.invoke(app, ["refresh", "--help"]).output
    nothing = runner.invoke(app, ["refresh"])
    assert nothing.exit_code == 0, nothing.output
    assert "already up to date" in nothing.output
    with load.session(campaign.db, refresh_figures=False) as session:  # cut short
        session.import_file(*campaign.make(("petition", [(5, 3)])))
    done = runner.invoke(app, ["refresh"])
    assert done.exit_code == 0, done.output
    assert "(1 import;" in done.output
    assert re.search(r"mart_person_records: incremental: 1 key checked", done.output), done.output
    assert query(campaign.db, "select count(*) from pending_refresh") == [(0,)]
    full = runner.invoke(app, ["refresh", "--full"])
    assert full.exit_code == 0, full.output
    assert re.search(r"mart_person_records: full \(asked for", full.output), full.output
    assert campaign.differences() == {}


def test_a_mart_rebuilt_for_being_small_leaves_its_change_to_the_marts_after_it(
    campaign, monkeypatch
):
    monkeypatch.setattr(
        marts, "_small", lambda mart, sizes: "small" if mart.name == "mart_person_records" else ""
    )
    done = refreshed(
        campaign,
        ("files", [("merge", "rally-a", 2, 3), ("mailchimp", "news-2", [(4, "click", 5)])]),
    )
    assert how(done)["mart_person_records"] == "full"
    assert how(done)["mart_funnel_facts"] == "incremental"
    assert next(m for m in done.marts if m.mart == "mart_funnel_facts").added >= 1
    assert campaign.differences() == {}


def spans(campaign: Campaign) -> list[tuple]:
    return query(
        campaign.db,
        "select person_id, from_month, to_month, tier from mart_person_tier_spans order by all",
    )


def test_records_that_cannot_move_a_tier_leave_the_spans_unread(campaign):
    # first_batch: person 0 opened an email in January and came to the rally in February
    # (following, then contributing); person 2 clicked in February (endorsing). February
    # is the last month with data, and stays so.
    before = spans(campaign)
    done = refreshed(
        campaign, ("files", [("mailchimp", "news-2", [(2, "open", 2), (0, "open", 1)])])
    )
    tier_spans = next(m for m in done.marts if m.mart == "mart_person_tier_spans")
    assert (tier_spans.how, tier_spans.keys) == ("incremental", 0)  # an open reaches following
    assert spans(campaign) == before
    assert campaign.differences() == {}


def test_records_that_can_move_a_tier_redo_the_persons_spans(campaign):
    done = refreshed(
        campaign,
        (
            "files",
            [
                ("mailchimp", "news-2", [(0, "click", 1)]),  # following in January: endorsing
                ("petition", [(2, 1)]),  # a month before person 2's first: spans start earlier
            ],
        ),
    )
    assert campaign.differences() == {}  # the spans a full rebuild gives
    tier_spans = next(m for m in done.marts if m.mart == "mart_person_tier_spans")
    assert (tier_spans.how, tier_spans.keys) == ("incremental", 2)
    assert tier_spans.added >= 2


def keys_of(done: refresh.Refreshed) -> dict[str, tuple[str, int]]:
    return {m.mart: (m.how, m.keys) for m in done.marts}


def test_records_that_cannot_change_a_persons_row_leave_it_unread(campaign):
    # person 0 acted in February (first_batch); an email opened that month after their
    # first channel brings no commitment, no action, no higher stage, no earlier channel
    done = refreshed(campaign, ("files", [("mailchimp", "news-2", [(0, "open", 2)])]))
    assert campaign.differences() == {}
    for per_person in ("mart_person_milestones", "mart_person_channels", "mart_person_tier_spans"):
        assert keys_of(done)[per_person] == ("incremental", 0), per_person
    assert keys_of(done)["mart_person_records"] == ("incremental", 1)


def test_records_that_can_change_a_persons_row_redo_it(campaign):
    done = refreshed(
        campaign,
        (
            "files",
            [
                ("petition", [(0, 1)]),  # person 0's first commitment; below their stage
                ("sign-in", [("rally-a", 2, 2, True, False, 30, "flyer")]),  # 2's first action
            ],
        ),
    )
    assert campaign.differences() == {}  # the rows a full rebuild gives
    assert keys_of(done)["mart_person_milestones"] == ("incremental", 2)
    assert keys_of(done)["mart_person_channels"] == ("incremental", 1)


def test_a_mart_whose_keys_reach_a_tenth_of_people_is_rebuilt_in_full(campaign, monkeypatch):
    monkeypatch.setattr(marts, "FULL_SHARE", 0.1)  # one person of six is more than a tenth
    done = refreshed(campaign, ("files", [("sign-in", [("rally-a", 2, 2, True, False, 30, "")])]))
    milestones = next(m for m in done.marts if m.mart == "mart_person_milestones")
    assert (milestones.how, milestones.why) == (
        "full",
        "more than a tenth of people are redone: rebuilding is as fast",
    )
    assert campaign.differences() == {}


def test_a_fact_at_the_first_instant_of_its_week_and_month_stays_in_their_cells(campaign):
    # 1 June 2026 is a Monday: a signature at midnight opens both its week and its month;
    # a later one the same week redoes those cells from the facts of that week and month
    def signature(person: int, at: str) -> tuple[str, str]:
        return "petition_signatures.csv", (
            f"petition_id,signed_at,name,email,phone\npet-1,{at},Name {person},{email(person)},\n"
        )

    people_in_june = (
        "select period, people from mart_funnel where campaign = '(all)' and channel = '(all)'"
        " and period_start = date '2026-06-01' and stage = 'commitment' order by period"
    )
    with load.session(campaign.db) as session:
        session.import_file(*campaign.file(*signature(7, "2026-06-01 00:00")))
    assert query(campaign.db, people_in_june) == [("month", 1), ("week", 1)]
    with load.session(campaign.db, refresh_figures=False) as session:
        session.import_file(*campaign.file(*signature(8, "2026-06-03 12:00")))
        done = refresh.run(session.con)
    assert how(done)["mart_funnel"] == "incremental"
    assert query(campaign.db, people_in_june) == [("month", 2), ("week", 2)]
    assert campaign.differences() == {}


def test_a_batch_of_mostly_new_records_still_finds_the_records_it_changed(campaign):
    # the runner compares old and new rows only for the keys that had rows before when the
    # new rows outnumber the old; here person 4's ticket changes among new signatures
    def batch(status: str, signers: list[int]) -> refresh.Refreshed:
        return refreshed(
            campaign,
            (
                "files",
                [
                    ("eventbrite", "vigil-b", [(4, status, 2)]),
                    ("petition", [(p, 3) for p in signers]),
                ],
            ),
        )

    def records(done: refresh.Refreshed) -> tuple:
        found = next(m for m in done.marts if m.mart == "mart_person_records")
        return found.how, found.keys, found.removed, found.added

    with load.session(campaign.db) as session:
        session.import_file(*campaign.make(("eventbrite", "vigil-b", [(4, "Attending", 2)])))
    # checked in: the ticket's record gains its attendance row (1 old row, 6 new)
    assert records(batch("Checked In", [0, 1, 2, 3])) == ("incremental", 5, 0, 5)
    assert campaign.differences() == {}
    # not attending after all: both of the ticket's rows go (2 old rows, 5 new)
    assert records(batch("Not Attending", [6, 7, 8, 9, 10])) == ("incremental", 6, 2, 5)
    assert campaign.differences() == {}


def test_undoing_every_fact_leaves_the_funnel_without_a_cell(campaign):
    # the totals' cell of no facts at all is no cell, as in a full rebuild
    campaign.run(("undo", 1))
    campaign.run(("undo", 1))
    assert query(campaign.db, "select count(*) from mart_funnel_facts") == [(0,)]
    assert query(campaign.db, "select count(*) from mart_funnel") == [(0,)]
    assert campaign.differences() == {}
