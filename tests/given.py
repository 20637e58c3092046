"""Put rows straight into the canonical tables, link people, rebuild the marts.

The "given these rows, expect these numbers" tests use this instead of import files, so
each test states exactly which records exist. Key hashes are stand-in strings.
"""

from __future__ import annotations

from pathlib import Path

from pipelines import identity, marts, warehouse

_DEFAULTS = {
    "registrations": {
        "source": "eventbrite",
        "import_id": 1,
        "is_cancelled": False,
        "row_hash": "h",
    },
    "checkins": {"source": "signin_sheet", "import_id": 1, "row_hash": "h"},
    "signatures": {"source": "petition_signatures", "import_id": 1, "row_hash": "h"},
    "email_activity": {"source": "mailchimp", "import_id": 1, "row_hash": "h"},
    "identities": {"source": "action_network", "import_id": 1, "row_hash": "h"},
    "post_snapshots": {"import_id": 1},
    "facebook_event_snapshots": {"import_id": 1},
    "petition_snapshots": {"import_id": 1},
    "events": {},
    "imports": {
        "sha256": "x",
        "source": "eventbrite",
        "imported_at": "2026-03-06 09:00",
        "rows_read": 0,
        "rows_loaded": 0,
        "rows_duplicate": 0,
        "rows_rejected": 0,
    },
    "rejects": {},
}
_counter = iter(range(1, 10**9))


def event(event_id: str, starts_at: str = "2026-03-05 18:30", **extra) -> dict:
    return {
        "event_id": event_id,
        "name": f"Event {event_id}",
        "starts_at": starts_at,
        "campaign": "welcome",
        **extra,
    }


def given(db: Path, **tables: list[dict]) -> None:
    """Insert ``tables`` (name → rows), resolve people and rebuild every mart."""
    with warehouse.writer(db) as con:
        for table, rows in tables.items():
            for row in rows:
                values = {**_DEFAULTS[table], **row}
                if table in identity.PERSON_TABLES and "record_id" not in values:
                    values["record_id"] = f"{table[:3]}{next(_counter)}"
                columns = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                con.execute(
                    f"insert into {table} ({columns}) values ({marks})", list(values.values())
                )
        identity.resolve_people(con)
        marts.rebuild(con)
