"""Person-level formats of the organizing and email tools: Mobilize (with a French Excel copy),
Action Network's signatures and RSVPs, OSDI JSON people, attendances and signatures, and
Mailchimp's audience and activity exports.

Fixtures in tests/fixtures/people/ were written by hand from the platforms' headers; the
expected values below are read off those rows."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.errors import ImportRefused
from tests.conftest import query, run_import, write
from tests.people_files import (
    AN_SIGNATURES,
    FIXTURES,
    imported_with_event,
    person_of,
    registrations,
)

# Mobilize ------------------------------------------------------------------------


def test_mobilize_mapping(cal):
    result = run_import(cal, FIXTURES / "mobilize_participations.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    [reject] = result.rejects
    assert reject["line"] == 6
    assert "'mobilize:999' is not in the events calendar" in reject["reason"]
    got = registrations(cal, "mobilize")
    assert got["3001"][:4] == ("canvass-2026-03", "confirmed", False, True)
    assert got["3001"][4:] == (datetime(2026, 2, 25, 6, 13, 20), "facebook")
    assert got["3002"][1:4] == ("registered", False, None)  # empty attended: unknown
    assert got["3003"][1:4] == ("cancelled", True, None)
    assert got["3004"][0] == "canvass-2026-04"
    assert got["3004"][3] is False and got["3004"][5] == "friend"
    assert query(cal, "select count(*) from registrations where platform_key is null") == [(0,)]


def test_mobilize_french_excel_copy(cal):
    result = run_import(cal, FIXTURES / "mobilize_participations_fr.csv")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    got = registrations(cal, "mobilize")
    assert got["3101"][:4] == ("canvass-2026-03", "confirmed", False, True)
    assert got["3101"][4:] == (datetime(2026, 3, 25, 18, 30), "flyer")
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
    result = imported_with_event(
        cal,
        FIXTURES / "actionnetwork_rsvps_vigil.csv",
        "vigil-2026-04",
        source="actionnetwork_rsvps",
    )
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
