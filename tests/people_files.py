"""The person-level fixture files (tests/fixtures/people/, written by hand from the platforms'
headers) and what the tests read back after importing them: registrations by their source
reference, and the people behind rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.errors import ImportRefused
from tests.conftest import query, run_import

FIXTURES = Path(__file__).parent / "fixtures" / "people"
EVENTBRITE = FIXTURES / "eventbrite_1234567890123.csv"
AN_SIGNATURES_NAME = "actionnetwork_signatures_export-2026-03-22-csv_report_332566_1774185600.csv"
AN_SIGNATURES = FIXTURES / AN_SIGNATURES_NAME


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
    """The registrations of ``source`` by source reference: (event_id, status, is_cancelled,
    attended, registered_at, channel)."""
    rows = query(
        db,
        """
        select source_ref, event_id, status, is_cancelled, attended, registered_at, channel
        from registrations where source = ? order by source_ref
    """,
        [source],
    )
    return {r[0]: r[1:] for r in rows}


def imported_with_event(db, path: Path, event_id: str, **options):
    """``path``, a file that names no event, refused without one (``--event``), then imported
    under ``event_id``: the result of that import."""
    with pytest.raises(ImportRefused, match="--event"):
        run_import(db, path, **options)
    return run_import(db, path, event_id=event_id, **options)
