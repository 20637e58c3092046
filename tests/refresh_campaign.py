"""Small campaigns for the tests of the incremental refresh: their files written as the exports
write them, and a database that imports batches of them (new files, newer exports, a sign-in
row that merges two people, a file imported again, a calendar that moves an event, an undo)
and tells how its marts differ from a full rebuild."""

from __future__ import annotations

import itertools
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from pipelines import config, load, warehouse
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


def audience(rows: list[tuple[int, int]]) -> str:
    """A Mailchimp audience export: who joined the list, and in which month."""
    lines = ['"Email Address",MEMBER_RATING,OPTIN_TIME,CONFIRM_TIME,LAST_CHANGED,LEID']
    lines += [
        f'"{email(p)}",2,"2026-{month:02d}-05 09:00:00",,"2026-{month:02d}-05 09:00:00",{p}'
        for p, month in rows
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
        if kind == "audience":
            return self.file("mailchimp_audience_subscribed.csv", audience(args[0]))
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
