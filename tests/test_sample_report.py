"""The committed sample campaign, imported whole: the report against numbers computed
independently from the sample files, and a privacy scan of every stored value.

The expected numbers are worked out from the CSV files with Python's csv module and a
small union-find of our own (tests/sample_expected.py), never by reading the marts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipelines import load, report, warehouse
from tests.conftest import SAMPLE_DATA
from tests.sample_db import sample_database
from tests.sample_expected import (
    email_activity,
    expected_events,
    key_figures,
    people_funnel,
    post_totals,
    rows,
)

pytestmark = pytest.mark.skipif(
    not (SAMPLE_DATA / "events_calendar.csv").exists(), reason="no sample campaign"
)


@pytest.fixture(scope="module")
def sample_db() -> Path:
    db = sample_database()  # every file imported, as `turnout import` orders them
    with warehouse.reader(db) as con:
        files, rejected = con.execute("select count(*), sum(rows_rejected) from imports").fetchone()
    assert (files, rejected) == (len(load.expand([SAMPLE_DATA], load.ImportOptions())[0]), 0)
    return db


@pytest.fixture(scope="module")
def sample_report(sample_db) -> dict:
    with warehouse.reader(sample_db) as con:
        return json.loads(json.dumps(report.build(con), default=str))


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


def test_people_funnel_and_its_rates_match_the_files(sample_report):
    people, anonymous = people_funnel()
    expected = key_figures()
    assert sample_report["funnel"]["people"] == people
    assert sample_report["anonymous_attendees"] == anonymous > 0
    assert sample_report["slacktivism_index"] == pytest.approx(expected["slacktivism"])
    low, high = sample_report["slacktivism_interval"]
    assert low < expected["slacktivism"] < high
    assert sample_report["actions_per_1000_engagements"] == pytest.approx(expected["per_1000"])


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
            values = [
                v
                for (v,) in con.execute(
                    f'select distinct "{column}" from "{table}" where "{column}" is not null'
                ).fetchall()
            ]
            for value in values:
                # a phone however it was written: separators dropped, digits kept together
                compact = re.sub(r"[\s().+-]", "", value)
                assert not EMAIL.search(value), (table, column)
                assert not any(p in compact for p in phones), (table, column)
                assert value not in names, (table, column)
