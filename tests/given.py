"""Put rows straight into the canonical tables, link people, rebuild the marts; and read back
the funnel, an event's row and the awareness of each channel, which the tests check.

The "given these rows, expect these numbers" tests use this instead of import files, so
each test states exactly which records exist. Keys are stand-in strings ("ann@"), stored as
the number the first 32 hex digits of their sha256 write, and record ids as the number of an
md5's digits, as the importer stores them: a person's id is the top 60 bits of a key, an
anonymous one's of its record's id.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines import identity, marts, warehouse
from tests.conftest import query

_DEFAULTS = {
    "registrations": {
        "source": "eventbrite",
        "import_id": 1,
        "is_cancelled": False,
        "row_hash": 0,
    },
    "checkins": {"source": "signin_sheet", "import_id": 1, "row_hash": 0},
    "signatures": {"source": "petition_signatures", "import_id": 1, "row_hash": 0},
    "email_activity": {"source": "mailchimp", "import_id": 1, "row_hash": 0},
    "identities": {"source": "action_network", "import_id": 1, "row_hash": 0},
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


def registration(event_id: str, email_key: str, **columns) -> dict:
    """A registration to ``event_id`` by the person whose email key is ``email_key``; other
    columns as named."""
    return {"event_id": event_id, "email_key": email_key, **columns}


def stored_key(stand_in: str) -> int:
    """The key stored for a stand-in key ("ann@"): the number the first 32 hex digits of its
    sha256 write."""
    return int(hashlib.sha256(stand_in.encode()).hexdigest()[:32], 16)


def person(*stand_ins: str) -> int:
    """The person id of whoever has the stand-in keys ``stand_ins`` (all of their keys): the
    number of the first 15 hex digits of the smallest stored key, its top 60 bits."""
    return min(stored_key(k) for k in stand_ins) >> 68


def given(db: Path, **tables: list[dict]) -> None:
    """Insert ``tables`` (name → rows), resolve people and rebuild every mart."""
    with warehouse.writer(db) as con:
        for table, rows in tables.items():
            for row in rows:
                values = {**_DEFAULTS[table], **row}
                if table in identity.PERSON_TABLES:
                    number = str(next(_counter)).encode()
                    # a record id is an md5 as the number its hex digits write
                    values.setdefault("record_id", str(int(hashlib.md5(number).hexdigest(), 16)))
                    for key in identity.KEY_COLUMNS:
                        if values.get(key) is not None:
                            values[key] = str(stored_key(values[key]))
                columns = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                con.execute(
                    f"insert into {table} ({columns}) values ({marks})", list(values.values())
                )
        identity.resolve_people(con)
        marts.rebuild(con)


def funnel(db: Path, campaign: str = "(all)", channel: str = "(all)") -> dict:
    """The all-time funnel of ``campaign`` and ``channel``: stage → (interactions, people)."""
    rows = query(
        db,
        "select stage, interactions, people from mart_funnel where campaign = ? "
        "and channel = ? and period = 'all'",
        [campaign, channel],
    )
    return {stage: (interactions, people) for stage, interactions, people in rows}


def gap(db: Path, event_id: str) -> dict:
    """The event's row of mart_event_gap, column → value."""
    with warehouse.reader(db) as con:
        cursor = con.execute("select * from mart_event_gap where event_id = ?", [event_id])
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def awareness_by_channel(db: Path) -> dict[str, int]:
    """The awareness interactions of each channel, from the funnel's facts."""
    rows = query(
        db,
        "select channel, sum(interactions) from mart_funnel_facts "
        "where stage = 'awareness' group by channel",
    )
    return {channel: int(total) for channel, total in rows}
