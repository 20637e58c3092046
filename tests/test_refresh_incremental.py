"""The refresh after a batch updates the marts from the batch's rows: always the same marts
as a full rebuild of every row (``pipelines/marts.py``, ``pipelines/mart_delta.py``).

The property test imports random small campaigns as random sequences of batches (new
files, newer exports of the same Facebook counts, changed Eventbrite statuses, a sign-in
sheet that merges two people, a file imported twice, a calendar that moves an event, an
undo) and compares every mart with a full rebuild after each batch.
"""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines import config, load, marts, refresh, warehouse
from pipelines.errors import TurnoutError
from pipelines.mart_check import differences
from tests.conftest import query, write

EVENTS = {  # event id → (default start, kind, campaign)
    "rally-a": ("2026-02-05 18:30", "rally", "alpha"),
    "vigil-b": ("2026-03-20 19:00", "vigil", "beta"),
    "talk-c": ("2026-04-10 18:00", "workshop", ""),
}
CALENDAR_HEADER = "event_id,name,starts_at,kind,campaign,online,reminder_sent\n"
EVENTBRITE_HEADER = (
    "Order #,Order Date,First Name,Last Name,Email,Quantity,Price Tier,Ticket Type,Attendee #,"
    "Group,Order Type,Currency,Total Paid,Fees Paid,Eventbrite Fees,"
    "Eventbrite Payment Processing,Attendee Status,Home Address 1,Home Address 2,Home City,"
    "Home State,Home Zip,Home Country,How did you hear about this event?,Job Title,Company\n"
)
STATUSES = ("Attending", "Checked In", "Not Attending")
PEOPLE = 6
counter = itertools.count()


def email(person: int) -> str:
    return f"person{person}@example.org"


def phone(person: int) -> str:
    return f"514 555 01{person:02d}"


# the files of a campaign, as their exports write them ---------------------------------


def calendar(starts: dict[str, str], campaigns: dict[str, str]) -> str:
    return CALENDAR_HEADER + "".join(
        f"{e},Event {e},{starts[e]},{kind},{campaigns[e]},false,true\n"
        for e, (_, kind, _) in EVENTS.items()
    )


def sign_in_sheet(rows: list[tuple]) -> str:
    """rows: (event, person, with email, with phone, minute, heard from); a row may also
    carry one person's email and another's phone (person2), which merges the two."""
    lines = ["event_id,name,email,phone,signed_in_at,heard_from"]
    for event, person, person2, with_email, with_phone, minute, heard in rows:
        day = EVENTS[event][0][:10]
        lines.append(
            f"{event},Name {person},{email(person) if with_email else ''},"
            f"{phone(person2) if with_phone else ''},{day} 18:{minute:02d},{heard}"
        )
    return "\n".join(lines) + "\n"


def eventbrite(event: str, statuses: list[tuple[int, str, int]]) -> str:
    index = list(EVENTS).index(event)
    lines = [EVENTBRITE_HEADER]
    for person, status, day in statuses:
        attendee = 100 * (index + 1) + person
        lines.append(
            f"{attendee + 5000},01/{day:02d}/26 10:00,First,Last,{email(person)},1,,"
            f"General,{attendee},,Free Order,CAD,0.00,0.00,0.00,0.00,{status},,,"
            f"Montréal,QC,,CA,facebook,,\n"
        )
    return "".join(lines)


def mailchimp(rows: list[tuple[int, str, int]]) -> str:
    lines = ['"Email Address","Action","Timestamp","URL"']
    lines += [
        f'"{email(p)}","{action}","2026-{month:02d}-03 10:00:00",' for p, action, month in rows
    ]
    return "\n".join(lines) + "\n"


def petition(rows: list[tuple[int, int]]) -> str:
    lines = ["petition_id,signed_at,name,email,phone"]
    lines += [f"pet-1,2026-{month:02d}-12 12:00,Name {p},{email(p)}," for p, month in rows]
    return "\n".join(lines) + "\n"


def facebook_counts(event: str, day: int, going: int) -> str:
    return (
        "event_id,snapshot_at,going,interested\n"
        f"{event},2026-01-{day:02d} 10:00,{going},{going * 3}\n"
    )


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


class Campaign:
    """A database and the files written for it so far."""

    def __init__(self, folder: Path, start_from: Campaign | None = None):
        self.folder = folder
        self.db = folder / "turnout.duckdb"
        if start_from is None:
            warehouse.create(self.db)
            config.ensure_secret(self.db)
        else:  # a copy of a campaign already imported: its files, key and database
            shutil.copytree(start_from.folder, folder, dirs_exist_ok=True)
        self.starts = {e: start for e, (start, _, _) in EVENTS.items()}
        self.campaigns = {e: campaign for e, (_, _, campaign) in EVENTS.items()}
        self.written: list[tuple[Path, load.ImportOptions]] = []
        if start_from is not None:
            self.starts, self.campaigns = dict(start_from.starts), dict(start_from.campaigns)
            self.written = list(start_from.written)

    def file(self, name: str, text: str, **options) -> tuple[Path, load.ImportOptions]:
        folder = self.folder / f"f{next(counter)}"  # the same name may hold other bytes
        folder.mkdir()
        made = (write(folder, name, text), load.ImportOptions(**options))
        self.written.append(made)
        return made

    def make(self, spec: tuple) -> tuple[Path, load.ImportOptions]:
        kind, *args = spec
        if kind == "sign-in":
            return self.file("sheet.csv", sign_in_sheet(args[0]))
        if kind == "merge":
            event, by_email, by_phone = args
            return self.file(
                "sheet.csv", sign_in_sheet([(event, by_email, by_phone, True, True, 45, "")])
            )
        if kind == "eventbrite":
            event, statuses = args
            return self.file(
                "attendees.csv",
                eventbrite(event, statuses),
                source="eventbrite",
                event_id=event,
                exported_at=datetime(2026, 1, 28) + timedelta(hours=next(counter)),
            )
        if kind == "mailchimp":
            return self.file(f"mailchimp_activity_{args[0]}.csv", mailchimp(args[1]))
        if kind == "petition":
            return self.file("petition_signatures.csv", petition(args[0]))
        if kind == "facebook":
            return self.file("facebook_event_counts.csv", facebook_counts(*args))
        if kind == "calendar":
            event, start, campaign = args
            self.starts[event], self.campaigns[event] = start, campaign
            return self.file("events_calendar.csv", calendar(self.starts, self.campaigns))
        return self.written[args[0] % len(self.written)]  # "again"

    def run(self, batch: tuple) -> None:
        kind, what = batch
        if kind == "undo":
            imported = [
                i for (i,) in query(self.db, "select import_id from imports order by import_id")
            ]
            try:
                load.undo_import(self.db, imported[what % len(imported)])
            except TurnoutError as error:  # a calendar whose events are in use stays
                assert error.code == "undo.events_in_use", error.code
            return
        with load.session(self.db) as session:
            for spec in what:
                path, options = self.make(spec)
                try:
                    session.import_file(path, options)
                except TurnoutError:  # a file nothing of is importable: refused whole
                    pass

    def differences(self) -> dict[str, str]:
        with warehouse.writer(self.db) as con:
            return differences(con)


def first_batch() -> tuple:
    return (
        "files",
        [
            ("calendar", "rally-a", EVENTS["rally-a"][0], "alpha"),
            (
                "sign-in",
                [
                    ("rally-a", 0, 0, True, False, 5, "flyer"),
                    ("rally-a", 1, 1, False, True, 7, ""),
                    ("rally-a", 3, 3, False, True, 8, "friend"),
                ],
            ),
            ("mailchimp", "news-1", [(0, "open", 1), (2, "click", 2)]),
        ],
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
]


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=batches, small=st.sampled_from([0, 0, 12, 40]))
@example(sequence=EVERY_KIND, small=0)
def test_every_mart_equals_a_full_rebuild_after_every_batch(started, sequence, small):
    # small: below it a mart is rebuilt in full and leaves its change for the marts after
    # it; the sizes drawn put the campaign's tables on both sides
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch("pipelines.models.refresh", lambda *a, **k: {}),
        mock.patch.object(marts, "SMALL_INPUT_ROWS", small),
    ):
        campaign = Campaign(Path(folder), start_from=started)
        for batch in sequence:
            campaign.run(batch)
            assert query(campaign.db, "select count(*) from pending_refresh") == [(0,)]
            assert campaign.differences() == {}, batch


# the ways a batch reaches the marts, one by one --------------------------------------------


@pytest.fixture
def campaign(tmp_path, monkeypatch):
    monkeypatch.setattr("pipelines.models.refresh", lambda *a, **k: {})  # not marts
    monkeypatch.setattr(marts, "SMALL_INPUT_ROWS", 0)  # a small campaign, kept incrementally
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

    built_with_older_sql("mart_person_funnel_stage")
    done = refreshed(campaign, ("files", [("petition", [(4, 2)])]))
    assert how(done)["mart_funnel_facts"] == "incremental"
    assert how(done)["mart_person_funnel_stage"] == "full"
    assert how(done)["mart_funnel"] == "full"  # it counts people in that mart's rows
    why = next(m.why for m in done.marts if m.mart == "mart_funnel")
    assert why == "mart_person_funnel_stage was rebuilt in full"
    assert campaign.differences() == {}
    # a mart whose keys come from what changed in the one rebuilt stays incremental: the
    # rebuild leaves that change (its old rows against its new ones)
    built_with_older_sql("mart_funnel_facts")
    done = refreshed(campaign, ("files", [("petition", [(5, 3)])]))
    assert how(done)["mart_funnel_facts"] == "full"
    assert how(done)["mart_person_funnel_stage"] == "incremental"
    assert how(done)["mart_funnel"] == "incremental"
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
