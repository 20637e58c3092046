"""Record ids and row hashes are md5 digests kept as 128-bit numbers (schema version 14).

A database from before stored them as 32 hex digits. Its upgrade turns each into the number
those digits write, so a newer export of the same records is still recognised, record by
record, and an anonymous sign-in keeps its person number.
"""

from __future__ import annotations

import hashlib

import duckdb

from pipelines import staging
from tests.conftest import query, run_import, upgrade_from, write
from tests.people_files import FIXTURES

EVENTBRITE = FIXTURES / "eventbrite_1234567890123.csv"
EVENTBRITE_LATER = FIXTURES / "eventbrite_1234567890123_later.csv"
# a walk-in with neither email nor phone is an anonymous person, numbered from its record id
SHEET = (
    "event_id,name,email,phone,signed_in_at,heard_from\n"
    "vigil-2026-04,,,,2026-04-14 19:05,affiche\n"
    "vigil-2026-04,,walkin@example.org,,2026-04-14 19:10,\n"
)
RECORD_TABLES = ("registrations", "checkins")


def _as_version_13(db) -> dict[str, list[tuple[str, str]]]:
    """Store the record ids and row hashes as hex text, as version 13 did; the text."""
    text = {}
    with duckdb.connect(str(db)) as con:
        for table in RECORD_TABLES:
            for column in ("record_id", "row_hash"):
                con.execute(
                    f"alter table {table} alter {column} set data type varchar "
                    f"using printf('%032x', {column})"
                )
            text[table] = con.execute(
                f"select record_id, row_hash from {table} order by record_id"
            ).fetchall()
        con.execute(
            "alter table mart_person_records alter record_id set data type varchar "
            "using printf('%032x', record_id)"
        )
    return text


def test_an_older_database_numbers_its_records_on_upgrade_and_knows_them_again(cal, tmp_path):
    run_import(cal, EVENTBRITE)
    run_import(cal, write(tmp_path, "feuille_presence_vigil.csv", SHEET))
    people = query(cal, "select record_kind, person_id from mart_person_records order by all")
    assert min(person for _, person in people) < 0  # the anonymous walk-in
    text = _as_version_13(cal)
    assert all(len(r) == 32 and len(h) == 32 for rows in text.values() for r, h in rows)
    for _ in range(2):  # the migration, then the same migration on numbers
        upgrade_from(cal, 14)
        for table, rows in text.items():
            # by hand: each hex text read as a base-16 number
            expected = sorted((int(r, 16), int(h, 16)) for r, h in rows)
            assert query(cal, f"select record_id, row_hash from {table} order by all") == expected
        assert (
            query(cal, "select record_kind, person_id from mart_person_records order by all")
            == people
        )
    # the newer export (by hand, from the two files): the same six attendees, one of them
    # now checked in. Found by their ids: five duplicates, one replaced by its new version
    assert len(text["registrations"]) == 6
    later = run_import(cal, EVENTBRITE_LATER)
    assert (later.rows_read, later.rows_loaded, later.rows_duplicate, later.rows_replaced) == (
        6,
        1,
        5,
        1,
    )
    assert query(cal, "select count(*), count(distinct record_id) from registrations") == [(6, 6)]


def test_a_digest_is_the_number_the_hex_digits_of_its_md5_write():
    """What versions before 14 stored as text is what the import now computes as a number:
    the same records keep the same ids across the upgrade."""
    con = duckdb.connect()
    staging.install_macros(con)
    texts = ["", "k3y" + "eventbrite:7001", "é|∅|2026-03-01", *(str(n) for n in range(100))]
    for text in texts:
        digest = con.execute("select turnout_digest(?)", [text]).fetchone()[0]
        assert digest == int(hashlib.md5(text.encode()).hexdigest(), 16), text
