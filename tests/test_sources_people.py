"""Person-level formats (FORMATS.md §3-§8): every one recognised, and Eventbrite's and Zoom's
mapped with their quirks (tickets of one buyer, older headers, re-exports, rejoins, US dates).
The other tools: test_sources_people_tools.py; identity and privacy across them:
test_sources_people_identity.py.

Fixtures in tests/fixtures/people/ were written by hand from the headers in FORMATS.md;
the expected values below are read off those rows.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from pipelines import load, reader
from tests.conftest import query, run_import
from tests.people_files import (
    AN_SIGNATURES_NAME,
    EVENTBRITE,
    FIXTURES,
    imported_with_event,
    person_of,
    registrations,
)

# detection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("eventbrite_1234567890123.csv", "eventbrite"),
        ("eventbrite_older_cp1252.csv", "eventbrite"),
        ("zoom_webinar_attendee_report.csv", "zoom_webinar"),
        ("zoom_webinar_us_dates.csv", "zoom_webinar"),
        ("mobilize_participations.csv", "mobilize"),
        ("mobilize_participations_fr.csv", "mobilize"),
        (AN_SIGNATURES_NAME, "actionnetwork_signatures"),
        # the same header: RSVPs need --source
        ("actionnetwork_rsvps_vigil.csv", "actionnetwork_signatures"),
        ("osdi_people.json", "osdi_people"),
        ("osdi_attendances.json", "osdi_attendances"),
        ("osdi_signatures.json", "osdi_signatures"),
        ("mailchimp_audience_subscribed.csv", "mailchimp_audience"),
        ("mailchimp_audience_unsubscribed.csv", "mailchimp_audience"),
        ("mailchimp_spring-appeal_clicked.csv", "mailchimp_activity"),
        ("mailchimp_activity_with_action.csv", "mailchimp_activity"),
    ],
)
def test_detection(name, expected):
    assert load.recognise(FIXTURES / name, load.ImportOptions()).name == expected


def test_zoom_header_is_the_attendee_section_not_the_host_one():
    path = FIXTURES / "zoom_webinar_attendee_report.csv"
    encoding, text = reader.read_head_text(path)
    source, layout = reader.find_layout(path, text, encoding, None)
    assert source.name == "zoom_webinar"
    assert layout.header_line == 12  # "Attendee Details" is line 11; host header is line 6
    assert "Registration Time" in layout.headers


# Eventbrite ----------------------------------------------------------------------


def test_eventbrite_mapping(cal):
    result = run_import(cal, EVENTBRITE)  # the event id is in the file name
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 6, 0)
    got = registrations(cal, "eventbrite")
    assert got["7001"][:4] == ("rally-2026-03", "checked in", False, True)
    assert got["7001"][4] == datetime(2026, 3, 1, 9, 15)
    assert got["7001"][5] == "friend"
    for ticket in ("7002", "7003", "7004"):  # Attending, attending, ATTENDING: says nothing
        assert got[ticket][1:4] == ("attending", False, None)
        assert got[ticket][5] == "flyer"
    assert got["7005"][1:4] == ("not attending", True, None)
    assert got["7006"][1:4] == ("checked in", False, True)  # "CHECKED IN"
    assert got["7006"][5] == "facebook"


def test_eventbrite_three_tickets_one_person(cal):
    run_import(cal, EVENTBRITE)
    assert query(
        cal, "select count(*) from registrations where source_ref in ('7002', '7003', '7004')"
    ) == [(3,)]
    assert len(person_of(cal, "registrations", "source_ref in ('7002', '7003', '7004')")) == 1


def test_eventbrite_older_header_windows_1252_needs_an_event(cal):
    result = imported_with_event(cal, FIXTURES / "eventbrite_older_cp1252.csv", "rally-2026-03")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    got = registrations(cal, "eventbrite")
    assert got["8101"][:4] == ("rally-2026-03", "checked in", False, True)
    assert got["8101"][4] == datetime(2026, 3, 10, 12, 5)
    assert got["8102"][2:4] == (False, None)


def test_email_with_capitals_and_spaces_is_the_same_person(cal):
    # " Helene.Gagne@Example.ORG " on an Eventbrite ticket; helene.gagne@... on Mobilize
    run_import(cal, FIXTURES / "eventbrite_older_cp1252.csv", event_id="rally-2026-03")
    run_import(cal, FIXTURES / "mobilize_participations_fr.csv")
    eventbrite = person_of(cal, "registrations", "source_ref = '8101'")
    mobilize = person_of(cal, "registrations", "source_ref = '3101'")
    assert len(eventbrite) == 1 and eventbrite == mobilize


def test_eventbrite_reexport_with_one_status_changed(cal):
    run_import(cal, EVENTBRITE)
    later = run_import(cal, FIXTURES / "eventbrite_1234567890123_later.csv")
    assert (later.rows_loaded, later.rows_duplicate, later.rows_rejected) == (1, 5, 0)
    assert registrations(cal, "eventbrite")["7002"][1:4] == ("checked in", False, True)
    assert query(cal, "select count(*) from registrations") == [(6,)]


@pytest.mark.parametrize("newer_first", (False, True), ids=("older_first", "newer_first"))
def test_an_older_export_never_overwrites_a_newer_one(cal, tmp_path, newer_first):
    """Ticket 7002 says Attending in the export of 6 March and Checked In in the one of 7
    March (the files' modification times): whichever is imported last, 7 March's counts."""
    older = _copy_exported(EVENTBRITE, tmp_path / "older", datetime(2026, 3, 6, 9))
    newer = _copy_exported(
        FIXTURES / "eventbrite_1234567890123_later.csv", tmp_path / "newer", datetime(2026, 3, 7, 9)
    )
    first, second = (newer, older) if newer_first else (older, newer)
    assert run_import(cal, first).status == "imported"
    result = run_import(cal, second)
    # the older export second: its Attending is stale, all 6 rows are known already
    assert (result.rows_loaded, result.rows_duplicate) == ((0, 6) if newer_first else (1, 5))
    assert registrations(cal, "eventbrite")["7002"][1:4] == ("checked in", False, True)
    assert query(cal, "select exported_at from registrations where source_ref = '7002'") == [
        (datetime(2026, 3, 7, 9),)
    ]


def _copy_exported(path: Path, folder: Path, exported: datetime) -> Path:
    """A copy of ``path`` whose modification time (its export time: no date in its name)
    is ``exported``."""
    folder.mkdir()
    copy = folder / path.name
    copy.write_bytes(path.read_bytes())
    os.utime(copy, (exported.timestamp(), exported.timestamp()))
    return copy


def test_same_file_twice_is_already_imported(cal):
    run_import(cal, EVENTBRITE)
    again = run_import(cal, EVENTBRITE)
    assert again.status == "already imported"
    assert query(cal, "select count(*) from registrations") == [(6,)]


# Zoom ----------------------------------------------------------------------------


def test_zoom_rejoins_no_shows_and_other_sections(cal):
    result = run_import(cal, FIXTURES / "zoom_webinar_attendee_report.csv")
    # 5 attendee rows (Linus twice), then the 3 lines of an "Other Attended" section
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (8, 5, 3)
    assert [r["line"] for r in result.rejects] == [18, 19, 20]
    assert all("section" in r["reason"] for r in result.rejects)
    rows = query(
        cal,
        """
        select registered_at, attended, minutes_attended, status, event_id, exported_at
        from registrations order by registered_at
    """,
    )
    assert len(rows) == 4  # host, panelist and the later section are not registrations
    linus, marie, sam, ana = rows
    assert linus[:3] == (datetime(2025, 3, 20, 10, 2, 11), True, 84.0)  # 39 + 45 minutes
    assert marie[1:3] == (True, 91.0)
    assert sam[1:4] == (False, None, "approved")  # Attended = No: a real no-show
    assert ana[1] is False
    assert {r[4] for r in rows} == {"townhall-2026-03"}  # Webinar ID 852 1234 5678
    assert {r[5] for r in rows} == {datetime(2025, 3, 23, 18, 26)}  # Report Generated


def test_zoom_us_dates_and_event_from_the_command_line(cal):
    result = imported_with_event(cal, FIXTURES / "zoom_webinar_us_dates.csv", "townhall-2026-03")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    rows = query(
        cal,
        "select registered_at, attended, minutes_attended, exported_at "
        "from registrations order by registered_at",
    )
    assert rows == [
        (datetime(2026, 7, 30, 9, 0), True, 30.0, datetime(2026, 8, 2, 10, 45)),
        (datetime(2026, 7, 31, 13, 15), False, None, datetime(2026, 8, 2, 10, 45)),
    ]
