"""The committed sample campaign, imported whole: the report against numbers computed
independently from the sample files, and a privacy scan of every stored value.

The expected numbers are worked out here from the CSV files with Python's csv module
and a small union-find of our own, never by reading the marts.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import phonenumbers
import pytest

from pipelines import load, report, warehouse
from tests.conftest import SAMPLE_DATA
from tests.sample_db import sample_database

pytestmark = pytest.mark.skipif(not (SAMPLE_DATA / "events_calendar.csv").exists(),
                                reason="no sample campaign")


@pytest.fixture(scope="module")
def sample_db() -> Path:
    db = sample_database()  # every file imported, as `turnout import` orders them
    with warehouse.reader(db) as con:
        files, rejected = con.execute(
            "select count(*), sum(rows_rejected) from imports").fetchone()
    assert (files, rejected) == (len(load.expand([SAMPLE_DATA], load.ImportOptions())[0]), 0)
    return db


@pytest.fixture(scope="module")
def sample_report(sample_db) -> dict:
    with warehouse.reader(sample_db) as con:
        return json.loads(json.dumps(report.build(con), default=str))


# independent reading of the sample files -----------------------------------------------

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
    by_platform = {(k, e[k]): e["event_id"] for e in calendar
                   for k in ("eventbrite_event_id", "zoom_webinar_id", "mobilize_event_id") if e[k]}
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
        key = people.link(email(r["user__email_address"]), phone(r["user__phone_number"]),
                          "mobilize:" + r["user_id"])
        if r["status"] != "CANCELLED":
            registrations.append((event, key))
        if r["attended"] in ("true", "false"):
            attendance.append((event, key, r["attended"] == "true"))
    sheets = [(r["event_id"], r["email"], r["phone"]) for r in rows("signin_sheets.csv")]
    for path in sorted(SAMPLE_DATA.glob("feuille_presence_*.csv")):
        sheets += [(r["evenement_id"], r["courriel"], r["telephone"])
                   for r in rows(path.name, encoding="cp1252")]
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
            row |= {"attended": len(came) + anonymous[event],
                    "no_show": len(registered - came),
                    "walk_ins": len(came - registered) + anonymous[event],
                    "show_up_rate": (len(registered & came) / len(registered)
                                     if registered else None)}
        else:
            row |= {"attended": None, "no_show": None, "walk_ins": None, "show_up_rate": None,
                    "attendance_unknown": len(registered)}
        expected[event] = row
    for r in rows("facebook_event_counts.csv"):  # the latest snapshot of each event
        row = expected[r["event_id"]]
        if r["snapshot_at"] >= row.get("_snapshot", ""):
            row |= {"_snapshot": r["snapshot_at"], "facebook_going": int(r["going"]),
                    "facebook_interested": int(r["interested"])}
    return expected


def post_totals() -> tuple[int, int]:
    """(awareness, engagement) of the posts: the latest export of each post only."""
    latest: dict[str, tuple[str, int, int]] = {}
    for name in sorted(p.name for p in SAMPLE_DATA.glob("facebook_posts_*.csv")):
        for r in rows(name):  # file names sort by export date
            latest["fb" + r["Post ID"]] = (
                name, int(r["Reach"]), int(r["Reactions"]) + int(r["Comments"]) + int(r["Shares"]))
    for r in rows("instagram_posts.csv"):
        latest["ig" + r["Post ID"]] = ("", int(r["Reach"]),
                                       int(r["Likes"]) + int(r["Comments"]) + int(r["Shares"]))
    number = lambda text: int(text.replace(",", ""))  # noqa: E731
    for path in SAMPLE_DATA.glob("account_analytics_content_*.csv"):
        for r in rows(path.name):
            latest["x" + r["Post id"]] = ("", number(r["Impressions"]),
                                          number(r["Likes"]) + number(r["Replies"])
                                          + number(r["Reposts"]))
    return sum(v[1] for v in latest.values()), sum(v[2] for v in latest.values())


def email_activity() -> tuple[int, int]:
    """Distinct (address, email campaign) opens and clicks."""
    seen = {"open": set(), "click": set()}
    for path in SAMPLE_DATA.glob("mailchimp_activity_*.csv"):
        for r in rows(path.name):
            seen[r["Action"].strip().lower()].add((email(r["Email Address"]), path.stem))
    return len(seen["open"]), len(seen["click"])


# the tests ----------------------------------------------------------------------------

def test_every_event_gap_matches_the_files(sample_report):
    expected = expected_events()
    got = {e["event_id"]: e for e in sample_report["events"]}
    assert set(got) == set(expected)
    for event, want in expected.items():
        for field, value in want.items():
            if field.startswith("_"):
                continue
            if field == "show_up_rate" and value is not None:
                assert got[event][field] == pytest.approx(value), (event, field)
            else:
                assert got[event][field] == value, (event, field)
    for event in set(got) - {e for e, w in expected.items() if "facebook_going" in w}:
        assert got[event]["facebook_going"] is None


def test_interaction_funnel_matches_the_files(sample_report):
    reach, post_engagement = post_totals()
    opens, clicks = email_activity()
    events = expected_events()
    interested = sum(e.get("facebook_interested", 0) for e in events.values())
    funnel = sample_report["funnel"]["interactions"]
    assert funnel["awareness"] == reach + opens
    assert funnel["engagement"] == post_engagement + clicks + interested
    assert funnel["action"] == sum(e["attended"] or 0 for e in events.values())


def test_events_are_sorted_by_start_then_id(sample_report):
    keys = [(e["starts_at"], e["event_id"]) for e in sample_report["events"]]
    assert keys == sorted(keys)


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def sample_phones() -> set[str]:
    """The ten digits of every phone number in the sample files."""
    found = set()
    for path in SAMPLE_DATA.glob("*.csv"):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for match in re.finditer(r"\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}", text):
            found.add(re.sub(r"\D", "", match.group())[-10:])
    return found


def test_no_email_phone_or_name_is_stored(sample_db):
    phones = sample_phones()
    assert len(phones) > 100
    names = {r["Last Name"] for r in rows("eventbrite_attendees_1186234500011.csv")}
    with warehouse.reader(sample_db) as con:
        columns = con.execute("""
            select table_name, column_name from information_schema.columns
            where table_schema = 'main' and data_type = 'VARCHAR'
        """).fetchall()
        for table, column in columns:
            values = [v for (v,) in con.execute(
                f'select distinct "{column}" from "{table}" where "{column}" is not null'
            ).fetchall()]
            for value in values:
                # a phone however it was written: separators dropped, digits kept together
                compact = re.sub(r"[\s().+-]", "", value)
                assert not EMAIL.search(value), (table, column)
                assert not any(p in compact for p in phones), (table, column)
                assert value not in names, (table, column)
