"""Person-level formats together: one person across sources by email, phone and platform id,
and after every person-level fixture is imported, no email or phone stored anywhere and no
reject reason that quotes a person."""

from __future__ import annotations

import re

import duckdb

from pipelines import identity
from tests.conftest import query, run_import, upgrade_from
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


# person ids ------------------------------------------------------------------------


def test_a_person_id_is_the_number_of_the_smallest_keys_first_15_hex_digits(cal):
    run_import(cal, EVENTBRITE)
    run_import(cal, FIXTURES / "mobilize_participations.csv")  # the same email + a phone
    rows = query(
        cal,
        "select min(key_hash), any_value(person_id), count(*) from person_keys "
        "group by person_id having count(*) > 1",
    )
    assert rows, "the fixtures give someone two keys"
    for smallest, person_id, _ in rows:
        digits = format(smallest, "032x")  # a key: the first 32 hex digits of its sha256
        assert person_id == int(digits[:15], 16)
        assert identity.person_label(person_id) == "p" + digits[:15]
    with duckdb.connect() as con:  # and the SQL says it as Python does, anonymous ones too
        for number in (rows[0][1], 0, 5, 2**60 - 1, -1, -27, -(2**60)):
            said = con.execute(f"select {identity.person_label_sql('$1::bigint')}", [number])
            assert said.fetchone() == (identity.person_label(number),)
    assert identity.person_label(-27) == "anon:00000000000001a"


def test_an_older_database_numbers_its_people_on_upgrade_and_again_changes_nothing(cal):
    run_import(cal, EVENTBRITE)
    run_import(cal, FIXTURES / "mobilize_participations.csv")
    before = query(cal, "select key_hash, person_id from person_keys order by key_hash")
    people = query(cal, "select person_id, count_keys from people order by person_id")
    text = "'p' || lpad(lower(hex(person_id::bigint)), 15, '0')"
    with duckdb.connect(str(cal)) as con:  # ids as text, as version 12 stored them
        for table in ("person_keys", "people"):
            con.execute(f"alter table {table} alter person_id type varchar")
            con.execute(f"update {table} set person_id = {text}")
        assert con.execute("select min(person_id) from people").fetchone()[0].startswith("p")
    for _ in range(2):  # the migration, then the same migration on numbers
        upgrade_from(cal, 13)
        assert query(cal, "select key_hash, person_id from person_keys order by key_hash") == before
        assert query(cal, "select person_id, count_keys from people order by person_id") == people
    assert query(cal, "select count(*) from mart_refresh_state") == [(0,)]  # rebuilt next
