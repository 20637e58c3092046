"""The committed sample campaign read independently: expected numbers worked out from the
sample files with Python's csv module and a small union-find of our own, never by reading
the marts. The sample report, the dashboard and the board pack are checked against them.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import phonenumbers

from tests.conftest import SAMPLE_DATA

STAGES = ("awareness", "engagement", "commitment", "action")


def rows(name: str, encoding: str = "utf-8-sig") -> list[dict]:
    return list(csv.DictReader(io.StringIO((SAMPLE_DATA / name).read_text(encoding=encoding))))


def email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def phone(value: str | None) -> str | None:
    if not (value or "").strip():
        return None
    number = phonenumbers.parse(value, "CA")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class People:
    """Union-find over emails and phones: records sharing a key are one person."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def link(self, *keys: str | None) -> str | None:
        present = [k for k in keys if k]
        for other in present[1:]:
            self.parent[self.find(other)] = self.find(present[0])
        return present[0] if present else None


def zoom_sections(path: Path) -> tuple[str, list[dict]]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    webinar = next(csv.DictReader(io.StringIO("\n".join(lines[2:4]))))["Webinar ID"]
    start = lines.index("Attendee Details") + 1
    return webinar, list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))


def expected_events() -> dict[str, dict]:
    calendar = rows("events_calendar.csv")
    by_platform = {
        (k, e[k]): e["event_id"]
        for e in calendar
        for k in ("eventbrite_event_id", "zoom_webinar_id", "mobilize_event_id")
        if e[k]
    }
    people = People()
    registrations, attendance = [], []  # (event, key); (event, key or None, came)
    for path in sorted(SAMPLE_DATA.glob("eventbrite_attendees_*.csv")):
        event = by_platform[("eventbrite_event_id", path.stem.rsplit("_", 1)[1])]
        for r in rows(path.name):
            status = r["Attendee Status"].strip().lower()
            key = people.link(email(r["Email"]))
            if status != "not attending":
                registrations.append((event, key))
            if status == "checked in":
                attendance.append((event, key, True))
    for path in sorted(SAMPLE_DATA.glob("zoom_webinar_*.csv")):
        webinar, attendees = zoom_sections(path)
        event = by_platform[("zoom_webinar_id", webinar)]
        for r in attendees:
            key = people.link(email(r["Email"]), phone(r["Phone"]))
            registrations.append((event, key))
            attendance.append((event, key, r["Attended"] == "Yes"))
    for r in rows("mobilize_participations.csv"):
        event = by_platform[("mobilize_event_id", r["event_id"])]
        key = people.link(
            email(r["user__email_address"]),
            phone(r["user__phone_number"]),
            "mobilize:" + r["user_id"],
        )
        if r["status"] != "CANCELLED":
            registrations.append((event, key))
        if r["attended"] in ("true", "false"):
            attendance.append((event, key, r["attended"] == "true"))
    sheets = [(r["event_id"], r["email"], r["phone"]) for r in rows("signin_sheets.csv")]
    for path in sorted(SAMPLE_DATA.glob("feuille_presence_*.csv")):
        sheets += [
            (r["evenement_id"], r["courriel"], r["telephone"])
            for r in rows(path.name, encoding="cp1252")
        ]
    anonymous = defaultdict(int)
    for event, mail, tel in sheets:
        key = people.link(email(mail), phone(tel))
        if key is None:
            anonymous[event] += 1
        attendance.append((event, key, True))
    for r in rows("petition_signatures.csv"):  # links keys, nothing else here
        people.link(email(r["email"]), phone(r["phone"]))

    expected = {}
    for e in calendar:
        event = e["event_id"]
        registered = {people.find(k) for ev, k in registrations if ev == event}
        marked = [(k, came) for ev, k, came in attendance if ev == event]
        came = {people.find(k) for k, c in marked if c and k}
        row = {"registered": len(registered), "attendance_unknown": 0}
        if marked:
            row |= {
                "attended": len(came) + anonymous[event],
                "no_show": len(registered - came),
                "walk_ins": len(came - registered) + anonymous[event],
                "show_up_rate": (len(registered & came) / len(registered) if registered else None),
            }
        else:
            row |= {
                "attended": None,
                "no_show": None,
                "walk_ins": None,
                "show_up_rate": None,
                "attendance_unknown": len(registered),
            }
        expected[event] = row
    for r in rows("facebook_event_counts.csv"):  # the latest snapshot of each event
        row = expected[r["event_id"]]
        if r["snapshot_at"] >= row.get("_snapshot", ""):
            row |= {
                "_snapshot": r["snapshot_at"],
                "facebook_going": int(r["going"]),
                "facebook_interested": int(r["interested"]),
            }
    return expected


def post_totals() -> tuple[int, int]:
    """(awareness, engagement) of the posts: the latest export of each post only."""
    latest: dict[str, tuple[str, int, int]] = {}
    for name in sorted(p.name for p in SAMPLE_DATA.glob("facebook_posts_*.csv")):
        for r in rows(name):  # file names sort by export date
            latest["fb" + r["Post ID"]] = (
                name,
                int(r["Reach"]),
                int(r["Reactions"]) + int(r["Comments"]) + int(r["Shares"]),
            )
    for r in rows("instagram_posts.csv"):
        latest["ig" + r["Post ID"]] = (
            "",
            int(r["Reach"]),
            int(r["Likes"]) + int(r["Comments"]) + int(r["Shares"]),
        )
    number = lambda text: int(text.replace(",", ""))  # noqa: E731
    for path in SAMPLE_DATA.glob("account_analytics_content_*.csv"):
        for r in rows(path.name):
            latest["x" + r["Post id"]] = (
                "",
                number(r["Impressions"]),
                number(r["Likes"]) + number(r["Replies"]) + number(r["Reposts"]),
            )
    return sum(v[1] for v in latest.values()), sum(v[2] for v in latest.values())


def email_activity() -> tuple[int, int]:
    """Distinct (address, email campaign) opens and clicks."""
    seen = {"open": set(), "click": set()}
    for path in SAMPLE_DATA.glob("mailchimp_activity_*.csv"):
        for r in rows(path.name):
            seen[r["Action"].strip().lower()].add((email(r["Email Address"]), path.stem))
    return len(seen["open"]), len(seen["click"])


Record = tuple[str | None, int, str | None]  # (a key of the person, stage rank, event)


def _calendar_ids() -> dict[tuple[str, str], str]:
    """(platform column, platform's event id) → the calendar's event_id."""
    return {
        (k, e[k]): e["event_id"]
        for e in rows("events_calendar.csv")
        for k in ("eventbrite_event_id", "zoom_webinar_id", "mobilize_event_id")
        if e[k]
    }


def _eventbrite_records(people: People) -> list[Record]:
    records = []
    for path in sorted(SAMPLE_DATA.glob("eventbrite_attendees_*.csv")):
        event = _calendar_ids()[("eventbrite_event_id", path.stem.rsplit("_", 1)[1])]
        for r in rows(path.name):
            status = r["Attendee Status"].strip().lower()
            key = people.link(email(r["Email"]))
            if status != "not attending":
                records.append((key, 3, event))
            if status == "checked in":
                records.append((key, 4, event))
    return records


def _zoom_records(people: People) -> list[Record]:
    records = []
    for path in sorted(SAMPLE_DATA.glob("zoom_webinar_*.csv")):
        webinar, attendees = zoom_sections(path)
        event = _calendar_ids()[("zoom_webinar_id", webinar)]
        for r in attendees:
            key = people.link(email(r["Email"]), phone(r["Phone"]))
            records.append((key, 4 if r["Attended"] == "Yes" else 3, event))
    return records


def _mobilize_records(people: People) -> list[Record]:
    records = []
    for r in rows("mobilize_participations.csv"):
        event = _calendar_ids()[("mobilize_event_id", r["event_id"])]
        key = people.link(
            email(r["user__email_address"]),
            phone(r["user__phone_number"]),
            "mobilize:" + r["user_id"],
        )
        if r["status"] != "CANCELLED":
            records.append((key, 3, event))
        if r["attended"] == "true":
            records.append((key, 4, event))
    return records


def _sheet_records(people: People) -> list[Record]:
    sheets = [(r["event_id"], r["email"], r["phone"]) for r in rows("signin_sheets.csv")]
    for path in sorted(SAMPLE_DATA.glob("feuille_presence_*.csv")):
        sheets += [
            (r["evenement_id"], r["courriel"], r["telephone"])
            for r in rows(path.name, encoding="cp1252")
        ]
    return [(people.link(email(mail), phone(tel)), 4, event) for event, mail, tel in sheets]


def _signature_records(people: People) -> list[Record]:
    records = [
        (people.link(email(r["email"]), phone(r["phone"])), 3, None)
        for r in rows("petition_signatures.csv")
    ]
    for path in SAMPLE_DATA.glob("export-*-csv_report_*.csv"):  # Action Network
        records += [
            (
                people.link(
                    email(r["email"]), phone(r["can2_phone"]), "action_network:" + r["uuid"]
                ),
                3,
                None,
            )
            for r in rows(path.name)
        ]
    return records


def _email_records(people: People) -> list[Record]:
    records = [
        (people.link(email(r["Email Address"])), 1, None)
        for r in rows("mailchimp_audience_subscribed.csv")
    ]  # on the list: aware
    for path in SAMPLE_DATA.glob("mailchimp_activity_*.csv"):
        records += [
            (
                people.link(email(r["Email Address"])),
                2 if r["Action"].strip().lower() == "click" else 1,
                None,
            )
            for r in rows(path.name)
        ]
    return records


def people_funnel(campaign: str | None = None) -> tuple[dict[str, int], int]:
    """People per stage, cumulative (that stage or higher), anonymous sign-ins included,
    and the number of anonymous sign-ins: each is a person of its own, at action. With a
    campaign: only the records of its events (no other record of the files names one)."""
    people = People()  # every file links keys, whatever the campaign
    records = (
        _eventbrite_records(people)
        + _zoom_records(people)
        + _mobilize_records(people)
        + _sheet_records(people)
        + _signature_records(people)
        + _email_records(people)
    )
    if campaign is not None:
        events = {e["event_id"] for e in rows("events_calendar.csv") if e["campaign"] == campaign}
        records = [r for r in records if r[2] in events]
    top: dict[str, int] = {}
    anonymous = 0
    for key, rank, _ in records:
        if key is None:
            anonymous += 1  # only a sign-in row can be without any key
            continue
        person = people.find(key)
        top[person] = max(top.get(person, 0), rank)
    counts = {
        stage: sum(1 for r in top.values() if r >= rank) + anonymous
        for rank, stage in enumerate(STAGES, start=1)
    }
    return counts, anonymous


def event_figures(since: datetime | None = None, until: datetime | None = None) -> dict:
    """The events' key figures over the events starting in [since, until): the pooled
    show-up rate and the Facebook "going" conversion (METRICS.md)."""
    starts = {
        e["event_id"]: datetime.fromisoformat(e["starts_at"]) for e in rows("events_calendar.csv")
    }
    events = [
        row
        for event, row in expected_events().items()
        if (since is None or starts[event] >= since) and (until is None or starts[event] < until)
    ]
    marked = [e for e in events if e["attended"] is not None]
    registered = sum(e["registered"] for e in marked)
    came = sum(e["registered"] - e["no_show"] for e in marked)
    with_going = [e for e in marked if e.get("facebook_going")]
    going = sum(e["facebook_going"] for e in with_going)
    return {
        "show_up": came / registered if registered else None,
        "going_conversion": (sum(e["attended"] for e in with_going) / going if going else None),
    }


def key_figures() -> dict:
    """The all-time key figures (METRICS.md) from the files: counts, slacktivism index,
    actions per 1,000 engagements, pooled show-up rate, Facebook "going" conversion."""
    events = expected_events()
    reach, post_engagement = post_totals()
    opens, clicks = email_activity()
    interested = sum(e.get("facebook_interested", 0) for e in events.values())
    engagements = post_engagement + clicks + interested
    actions = sum(e["attended"] or 0 for e in events.values())
    people, anonymous = people_funnel()
    committed, acted = people["commitment"], people["action"]
    return {
        "reached": reach + opens,
        "engaged": engagements,
        "actions": actions,
        "people": people,
        "anonymous": anonymous,
        "committed": committed,
        "acted": acted,
        "slacktivism": (committed - acted) / committed if committed else None,
        "per_1000": 1000 * actions / engagements if engagements else None,
        **event_figures(),
    }
