"""Aggregate formats that count people without naming them: Facebook event counts (Graph API
JSON, one event or a page of them) and petition totals (the UK Parliament's petitions).

Every expected number below is read off the fixture files in tests/fixtures/aggregate/ (or
the real files in ../shared/real_data), not from the code under test."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.conftest import query, real_file, run_import

FIXTURES = Path(__file__).parent / "fixtures" / "aggregate"
MARCH_1 = datetime(2026, 3, 1, 9, 0)
MARCH_8 = datetime(2026, 3, 8, 9, 0)


# Facebook events (Graph API JSON) ------------------------------------------------------------


def event_counts(db: Path) -> list[tuple]:
    return query(
        db,
        "select event_id, snapshot_at, going, interested, maybe, declined "
        "from facebook_event_snapshots order by event_id, snapshot_at",
    )


def test_facebook_event_graph_single_object(db):
    run_import(db, FIXTURES / "events_calendar.csv")
    result = run_import(db, FIXTURES / "facebook_event.json", exported_at=MARCH_1)
    assert result.source == "facebook_event_graph" and result.rows_loaded == 1
    assert event_counts(db) == [("E1", MARCH_1, 85, 240, 12, 3)]


def test_facebook_event_graph_data_page_rejects_unknown_events(db):
    run_import(db, FIXTURES / "events_calendar.csv")
    result = run_import(db, FIXTURES / "facebook_events_page.json", exported_at=MARCH_8)
    assert result.source == "facebook_event_graph"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert result.rejects[0]["line"] == 3
    assert "'facebook:9990009' is not in the events calendar" in result.rejects[0]["reason"]
    assert event_counts(db) == [
        ("E1", MARCH_8, 90, 251, 13, 4),
        ("E2", MARCH_8, 40, 120, None, None),
    ]


def test_facebook_event_graph_event_chosen_on_the_command_line(db):
    run_import(db, FIXTURES / "events_calendar.csv")
    result = run_import(db, FIXTURES / "facebook_event.json", exported_at=MARCH_1, event_id="E3")
    assert result.rows_loaded == 1
    assert event_counts(db) == [("E3", MARCH_1, 85, 240, 12, 3)]


# Petitions -------------------------------------------------------------------------------------


def test_uk_petition_real_file(db):
    result = run_import(db, real_file("uk_petition_266925.json"))
    assert result.source == "uk_petition" and result.rows_loaded == 1
    assert query(
        db,
        "select petition_id, petition_name, snapshot_at, signature_count from petition_snapshots",
    ) == [
        (
            "ukparl:266925",
            "Rule out any prospect of granting an amnesty on illegal immigration",
            datetime(2019, 11, 4, 23, 55, 2),
            35444,
        )
    ]  # 04:55:02Z, 23:55:02 EST the day before


def test_uk_petition_without_updated_at_is_a_snapshot_at_the_export_time(db):
    result = run_import(
        db, FIXTURES / "uk_petition_700123.json", exported_at=MARCH_8, campaign="streets"
    )
    assert result.source == "uk_petition"
    assert query(
        db,
        "select petition_id, petition_name, campaign, snapshot_at, signature_count "
        "from petition_snapshots",
    ) == [
        ("ukparl:700123", "Fund safe cycle lanes on every school street", "streets", MARCH_8, 10482)
    ]
