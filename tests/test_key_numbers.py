"""A person's keys are kept as 128-bit numbers (schema version 15).

A database from before stored each key as the 64 hex digits of its keyed sha256. Its upgrade
keeps the number the first 32 digits write, which is what an import now stores: everyone
keeps their person number, and the same files imported again are known, record by record.
"""

from __future__ import annotations

import hashlib

import duckdb

from pipelines import config
from tests.conftest import query, run_import, upgrade_from, write
from tests.people_files import FIXTURES

EVENTBRITE = FIXTURES / "eventbrite_1234567890123.csv"
EVENTBRITE_LATER = FIXTURES / "eventbrite_1234567890123_later.csv"
MOBILIZE = FIXTURES / "mobilize_participations.csv"  # an Eventbrite email, with a phone
ZOOM = FIXTURES / "zoom_webinar_attendee_report.csv"
# a sign-in's reference is made from its keys: an identified walk-in, and an anonymous one
SHEET = (
    "event_id,name,email,phone,signed_in_at,heard_from\n"
    "vigil-2026-04,,,,2026-04-14 19:05,affiche\n"
    "vigil-2026-04,,walkin@example.org,514-555-0199,2026-04-14 19:10,\n"
)
KEYS = {
    "registrations": ("email_key", "phone_key", "platform_key"),
    "checkins": ("email_key", "phone_key"),
    "signatures": ("email_key", "phone_key", "platform_key"),
    "email_activity": ("email_key",),
    "identities": ("email_key", "phone_key", "platform_key"),
}
# the rest of a version-14 key's 64 digits: the upgrade keeps the first 32 only
TAIL = "0123456789abcdef" * 2


def _as_version_14(db) -> dict[str, list[tuple]]:
    """Store every key as 64 hex digits, as version 14 did; the text, table by table."""
    text = {}
    with duckdb.connect(str(db)) as con:
        for table, columns in {**KEYS, "person_keys": ("key_hash",)}.items():
            for copy in ("", "_replaced", "_removed") if table in KEYS else ("",):
                for column in columns:
                    con.execute(
                        f"alter table {table}{copy} alter {column} set data type varchar "
                        f"using printf('%032x', {column}) || '{TAIL}'"
                    )
            text[table] = con.execute(
                f"select {', '.join(columns)} from {table} order by all"
            ).fetchall()
    return text


def _in_order(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda row: tuple((k is None, k or 0) for k in row))


def _by_hand(rows: list[tuple]) -> list[tuple]:
    """Each 64-digit key as the number its first 32 hex digits write."""
    return _in_order([tuple(None if k is None else int(k[:32], 16) for k in row) for row in rows])


def test_an_older_database_numbers_its_keys_and_knows_its_people_and_records_again(cal, tmp_path):
    sheet = write(tmp_path, "feuille_presence_vigil.csv", SHEET)
    for path in (EVENTBRITE, MOBILIZE, ZOOM, sheet):
        run_import(cal, path)
    people = query(cal, "select record_kind, person_id from mart_person_records order by all")
    keys = query(cal, "select key_hash, key_kind, person_id from person_keys order by all")
    assert len({person for _, _, person in keys}) < len(keys)  # someone has two keys
    text = _as_version_14(cal)
    assert all(len(k) == 64 for rows in text.values() for row in rows for k in row if k)
    for _ in range(2):  # the migration, then the same migration on numbers
        upgrade_from(cal, 15)
        for table, columns in {**KEYS, "person_keys": ("key_hash",)}.items():
            stored = query(cal, f"select {', '.join(columns)} from {table}")
            assert _in_order(stored) == _by_hand(text[table]), table
        assert query(cal, "select key_hash, key_kind, person_id from person_keys order by all") == (
            keys
        )
    # a sign-in's record id, by hand: made from the 64 digits of its keys, as before
    secret = config.read_secret(cal).decode()

    def key(kind: str, value: str) -> str:
        return hashlib.sha256(f"{secret}{kind}:{value}".encode()).hexdigest()

    ref = f"vigil-2026-04|{key('email', 'walkin@example.org')}|{key('phone', '+15145550199')}"
    record_id = int(hashlib.md5(f"{secret}signin_sheet:{ref}".encode()).hexdigest(), 16)
    assert query(cal, "select count(*) from checkins where record_id = ?", [str(record_id)]) == [
        (1,)
    ]
    # and its row hash, which a copy of the sheet is compared by: from the 64 digits too (the
    # columns compared, in their order, each as text; no channel given)
    compared = ["signin_sheet", "vigil-2026-04", key("email", "walkin@example.org")]
    compared += [key("phone", "+15145550199"), "2026-04-14 19:10:00", "\u2205"]
    row_hash = int(hashlib.md5("|".join(compared).encode()).hexdigest(), 16)
    assert query(cal, "select row_hash from checkins where record_id = ?", [str(record_id)]) == [
        (row_hash,)
    ]
    # the next import refreshes the figures: the same people, and every record known again.
    # The newer export (by hand, from the two files): the same six attendees, one of them now
    # checked in: five duplicates, one replaced by its new version
    later = run_import(cal, EVENTBRITE_LATER)
    assert (later.rows_read, later.rows_loaded, later.rows_duplicate, later.rows_replaced) == (
        6,
        1,
        5,
        1,
    )
    # the same sign-ins, copied into another sheet (its columns in another order)
    copy = "\n".join(",".join(reversed(line.split(","))) for line in SHEET.splitlines())
    again = run_import(cal, write(tmp_path, "feuille_presence_vigil_copie.csv", copy + "\n"))
    assert (again.rows_read, again.rows_loaded, again.rows_duplicate) == (2, 0, 2)
    assert query(cal, "select count(*), count(distinct record_id) from checkins") == [(2, 2)]
    # nobody new: the same keys of the same people, and the records' same people
    assert query(cal, "select key_hash, key_kind, person_id from person_keys order by all") == keys
    assert query(cal, "select distinct person_id from mart_person_records order by all") == sorted(
        {(person,) for _, person in people}
    )
