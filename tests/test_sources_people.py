"""Person-level formats (FORMATS.md §3-§8): detection, mapping, quirks, identity, privacy.

Fixtures in tests/fixtures/people/ were written by hand from the headers in FORMATS.md;
the expected values below are read off those rows.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from pipelines import load, reader
from pipelines.errors import ImportRefused
from tests.conftest import query, run_import, write

FIXTURES = Path(__file__).parent / "fixtures" / "people"
EVENTBRITE = FIXTURES / "eventbrite_1234567890123.csv"
AN_SIGNATURES_NAME = "actionnetwork_signatures_export-2026-03-22-csv_report_332566_1774185600.csv"
AN_SIGNATURES = FIXTURES / AN_SIGNATURES_NAME


@pytest.fixture
def cal(db):
    run_import(db, FIXTURES / "calendar.csv")
    return db


def person_of(db, table: str, where: str) -> set[str]:
    """The person ids of the rows of ``table`` matching ``where``."""
    keys = "t.email_key, t.phone_key, t.platform_key"
    if table == "email_activity":
        keys = "t.email_key"
    rows = query(
        db,
        f"""
        select distinct person_keys.person_id from {table} as t
        join person_keys on person_keys.key_hash in ({keys})
        where {where}
    """,
    )
    return {r[0] for r in rows}


def registrations(db, source: str) -> dict[str, tuple]:
    rows = query(
        db,
        """
        select source_ref, event_id, status, is_cancelled, attended, registered_at, channel
        from registrations where source = ? order by source_ref
    """,
        [source],
    )
    return {r[0]: r[1:] for r in rows}


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
    path = FIXTURES / "eventbrite_older_cp1252.csv"
    with pytest.raises(ImportRefused, match="--event"):
        run_import(cal, path)
    result = run_import(cal, path, event_id="rally-2026-03")
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
    path = FIXTURES / "zoom_webinar_us_dates.csv"
    with pytest.raises(ImportRefused, match="--event"):
        run_import(cal, path)
    result = run_import(cal, path, event_id="townhall-2026-03")
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


# Mobilize ------------------------------------------------------------------------


def test_mobilize_mapping(cal):
    result = run_import(cal, FIXTURES / "mobilize_participations.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    [reject] = result.rejects
    assert reject["line"] == 6
    assert "'mobilize:999' is not in the events calendar" in reject["reason"]
    got = registrations(cal, "mobilize")
    assert got["3001"] == (
        "canvass-2026-03",
        "confirmed",
        False,
        True,
        datetime(2026, 2, 25, 6, 13, 20),
        "facebook",
    )
    assert got["3002"][1:4] == ("registered", False, None)  # empty attended: unknown
    assert got["3003"][1:4] == ("cancelled", True, None)
    assert got["3004"][0] == "canvass-2026-04"
    assert got["3004"][3] is False and got["3004"][5] == "friend"
    assert query(cal, "select count(*) from registrations where platform_key is null") == [(0,)]


def test_mobilize_french_excel_copy(cal):
    result = run_import(cal, FIXTURES / "mobilize_participations_fr.csv")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    got = registrations(cal, "mobilize")
    assert got["3101"] == (
        "canvass-2026-03",
        "confirmed",
        False,
        True,
        datetime(2026, 3, 25, 18, 30),
        "flyer",
    )
    assert got["3102"][1:5] == ("registered", False, None, datetime(2026, 3, 3, 9, 5))


# Action Network CSV --------------------------------------------------------------


def test_actionnetwork_signatures(db, tmp_path):
    result = run_import(db, AN_SIGNATURES, campaign="transit")
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    rows = query(db, "select distinct petition_id, campaign from signatures")
    assert rows == [("actionnetwork:332566", "transit")]
    assert query(
        db,
        "select count(*) from signatures where platform_key is not null "
        "and source_ref like '5f2c1d9a-%'",
    ) == [(3,)]
    # another report (other bytes) without a report number in its name: the name is the petition
    renamed = write(
        tmp_path,
        "petition_transit.csv",
        AN_SIGNATURES.read_text(encoding="utf-8")
        + "5f2c1d9a-1111-4a4a-9c9c-000000000009,Vi,Lam,vi.lam@example.org,H2T 1A1,"
        ",,,,,subscribed,\n",
    )
    run_import(db, renamed)
    assert query(db, "select count(*) from signatures where petition_id = 'petition_transit'") == [
        (4,)
    ]


def test_actionnetwork_rsvps_need_source_and_event(cal):
    path = FIXTURES / "actionnetwork_rsvps_vigil.csv"
    with pytest.raises(ImportRefused, match="--event"):
        run_import(cal, path, source="actionnetwork_rsvps")
    result = run_import(cal, path, source="actionnetwork_rsvps", event_id="vigil-2026-04")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    rows = query(
        cal,
        "select event_id, status, is_cancelled, attended, phone_key is not null "
        "from registrations order by source_ref",
    )
    assert rows == [
        ("vigil-2026-04", "accepted", False, None, False),
        ("vigil-2026-04", "accepted", False, None, True),
    ]  # "Phone Number"


# OSDI JSON -----------------------------------------------------------------------


def test_osdi_people_attendances_signatures(cal):
    run_import(
        cal,
        FIXTURES / "actionnetwork_rsvps_vigil.csv",
        source="actionnetwork_rsvps",
        event_id="vigil-2026-04",
    )
    people = run_import(cal, FIXTURES / "osdi_people.json")
    assert (people.rows_loaded, people.rows_rejected) == (2, 0)
    assert query(
        cal,
        "select count(*) from identities where email_key is not null and platform_key is not null",
    ) == [(2,)]
    # Noor: the RSVP (email + phone) and the OSDI person (primary email, phone, uuid) join
    noor = person_of(cal, "identities", "source_ref like '%0004'")
    assert noor == person_of(cal, "registrations", "source_ref like '%0004'")

    attendances = run_import(cal, FIXTURES / "osdi_attendances.json")
    counts = (attendances.rows_read, attendances.rows_loaded, attendances.rows_rejected)
    assert counts == (4, 3, 1)
    assert (
        "'a1b2c3-not-in-calendar' is not in the events calendar" in attendances.rejects[0]["reason"]
    )
    rows = query(
        cal,
        """
        select status, is_cancelled, attended from registrations
        where source = 'osdi_attendances' order by registered_at
    """,
    )
    assert rows == [
        ("accepted", False, True),
        ("declined", True, None),
        ("needs action", False, False),
    ]
    assert (
        person_of(cal, "registrations", "source = 'osdi_attendances' and status = 'accepted'")
        == noor
    )

    signatures = run_import(cal, FIXTURES / "osdi_signatures.json")
    assert signatures.rows_loaded == 2
    assert query(cal, "select distinct petition_id from signatures") == [("actionnetwork:pet-42",)]
    assert person_of(cal, "signatures", "source_ref like '%0004'") == noor


# Mailchimp -----------------------------------------------------------------------


def test_mailchimp_audience_subscribed_and_unsubscribed(db):
    run_import(db, FIXTURES / "mailchimp_audience_subscribed.csv", campaign="transit")
    run_import(db, FIXTURES / "mailchimp_audience_unsubscribed.csv", campaign="transit")
    rows = query(
        db,
        "select action, occurred_at, email_campaign_id, campaign "
        "from email_activity order by occurred_at",
    )
    assert rows == [
        ("subscribed", datetime(2015, 3, 16, 14, 40, 47), None, "transit"),
        ("subscribed", datetime(2019, 5, 1, 12, 0), None, "transit"),  # unsubscribed later
        ("subscribed", datetime(2024, 6, 1, 10, 0), None, "transit"),  # CONFIRM_TIME only
    ]


def test_mailchimp_activity_action_from_file_name_or_column(db):
    run_import(db, FIXTURES / "mailchimp_spring-appeal_clicked.csv")
    run_import(db, FIXTURES / "mailchimp_spring-appeal_opened.csv")
    with_action = run_import(db, FIXTURES / "mailchimp_activity_with_action.csv")
    assert (with_action.rows_loaded, with_action.rows_rejected) == (2, 1)
    assert "bounce" in with_action.rejects[0]["reason"].lower()
    rows = query(
        db,
        "select email_campaign_id, action, count(*) from email_activity group by all order by all",
    )
    assert rows == [
        ("c0ffee02", "click", 1),
        ("c0ffee02", "open", 1),
        ("mailchimp_spring-appeal", "click", 2),
        ("mailchimp_spring-appeal", "open", 3),
    ]
    # the same address clicked and opened the same campaign: one person
    assert (
        len(
            person_of(
                db,
                "email_activity",
                "occurred_at::date = '2026-03-02' and occurred_at::time < '10:30'",
            )
        )
        == 1
    )


def test_mailchimp_activity_without_any_action_is_refused(db):
    with pytest.raises(ImportRefused, match="open.*click|Rename"):
        run_import(db, FIXTURES / "mailchimp_activity_export.csv")
    assert query(db, "select count(*) from email_activity") == [(0,)]


# identity and privacy ------------------------------------------------------------


def test_transitive_identity_across_sources(cal):
    run_import(cal, EVENTBRITE)  # marie@example.org alone
    run_import(cal, FIXTURES / "mobilize_participations.csv")  # same email + 514-555-0101
    run_import(cal, AN_SIGNATURES)  # (514) 555-0101 alone (and a uuid)
    by_email = person_of(cal, "registrations", "source_ref = '7001'")
    both = person_of(cal, "registrations", "source_ref = '3001'")
    by_phone = person_of(cal, "signatures", "source_ref like '%0001'")
    assert query(
        cal,
        "select email_key is null, phone_key is not null from signatures "
        "where source_ref like '%0001'",
    ) == [(True, True)]
    assert len(by_email) == 1 and by_email == both == by_phone


ALL_IMPORTS = [
    ("calendar.csv", {}),
    ("eventbrite_1234567890123.csv", {}),
    ("eventbrite_1234567890123_later.csv", {}),
    ("eventbrite_older_cp1252.csv", {"event_id": "rally-2026-03"}),
    ("zoom_webinar_attendee_report.csv", {}),
    ("zoom_webinar_us_dates.csv", {"event_id": "townhall-2026-03"}),
    ("mobilize_participations.csv", {}),
    ("mobilize_participations_fr.csv", {}),
    (AN_SIGNATURES_NAME, {}),
    (
        "actionnetwork_rsvps_vigil.csv",
        {"source": "actionnetwork_rsvps", "event_id": "vigil-2026-04"},
    ),
    ("osdi_people.json", {}),
    ("osdi_attendances.json", {}),
    ("osdi_signatures.json", {}),
    ("mailchimp_audience_subscribed.csv", {}),
    ("mailchimp_audience_unsubscribed.csv", {}),
    ("mailchimp_spring-appeal_clicked.csv", {}),
    ("mailchimp_spring-appeal_opened.csv", {}),
    ("mailchimp_activity_with_action.csv", {}),
]


def _secrets_in_fixtures() -> set[str]:
    found: set[str] = set()
    for path in FIXTURES.iterdir():
        text = path.read_bytes().decode("utf-8", errors="replace")
        found |= {m.strip().lower() for m in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text)}
        for phone in re.findall(r"\(?\d{3}\)?[ -]?\d{3}[ -]\d{4}|1514\d{7}", text):
            found.add(re.sub(r"\D", "", phone)[-7:])  # the subscriber part, in any form
    return found


def test_no_email_or_phone_is_stored_anywhere(db):
    for name, options in ALL_IMPORTS:
        run_import(db, FIXTURES / name, **options)
    secrets = _secrets_in_fixtures()
    assert "marie@example.org" in secrets and "5550101" in secrets
    columns = query(
        db,
        "select table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema = 'main'",
    )
    assert len(columns) > 20
    for table, column in columns:
        values = query(
            db, f'select distinct lower("{column}") from "{table}" where "{column}" is not null'
        )
        for (value,) in values:
            # hashes (keys, record ids, person ids) are hex: their digits mean nothing
            digits = "" if re.fullmatch(r"p?[0-9a-f]{15,64}", value) else re.sub(r"\D", "", value)
            leaks = [s for s in secrets if s in value or (s.isdigit() and s in digits)]
            assert not leaks, f"{table}.{column} holds personal data"


def test_reject_reasons_never_quote_people(cal):
    run_import(cal, FIXTURES / "zoom_webinar_attendee_report.csv")
    run_import(cal, FIXTURES / "mobilize_participations.csv")
    run_import(cal, FIXTURES / "mailchimp_activity_with_action.csv")
    reasons = " ".join(r[0] for r in query(cal, "select reason from rejects")).lower()
    assert reasons
    assert not any(s in reasons for s in _secrets_in_fixtures())
    assert "walk in" not in reasons and "zed" not in reasons
