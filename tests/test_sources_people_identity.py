"""Person-level formats together: one person across sources by email, phone and platform id,
and after every person-level fixture is imported, no email or phone stored anywhere and no
reject reason that quotes a person."""

from __future__ import annotations

import re

from tests.conftest import query, run_import
from tests.people_files import AN_SIGNATURES, AN_SIGNATURES_NAME, EVENTBRITE, FIXTURES, person_of

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
