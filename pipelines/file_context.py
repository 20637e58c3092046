"""What is recorded of a file besides its rows: its campaign, its event and when it was
exported (``imports``, and temp table ``ctx`` while it is imported).

The export time comes from the command (``--exported-at``), the file's own preamble, a date
in its name, or, failing those, its modification time, marked "export time unknown"; a
file can never be older than the newest post it holds. A per-event export names its event
by the platform's id in the file or its name, or is refused saying how to name it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TypedDict

import duckdb

from pipelines import privacy, reader, recognise, sources, warehouse
from pipelines.errors import ImportRefused
from pipelines.import_types import ImportOptions


class Context(TypedDict):
    """What is recorded of a file besides its rows (temp table ``ctx``, table ``imports``)."""

    campaign: str | None
    event_id: str | None
    exported_at: datetime
    exported_at_unknown: bool


def of_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: sources.Source,
    layout: reader.Layout | None,
    options: ImportOptions,
) -> Context:
    found = source.preamble(layout.preamble) if (layout and source.preamble) else {}
    exported_at = (
        options.exported_at or found.get("exported_at") or recognise.date_in_name(path.name)
    )
    unknown = exported_at is None
    if exported_at is None:  # a copied file keeps no trace of its export: the import says so
        exported_at = datetime.fromtimestamp(os.path.getmtime(path)).replace(microsecond=0)
    event_id = options.event_id
    if source.per_event and not event_id:
        event_id = _event_from_platform_ids(con, path, source, found)
    if event_id is not None:
        if not warehouse.scalar(con, "select count(*) from events where event_id = ?", [event_id]):
            raise ImportRefused(path.name, "event.unknown", event_id=event_id)
    return {
        "campaign": privacy.masked(options.campaign),
        "event_id": event_id,
        "exported_at": exported_at,
        "exported_at_unknown": unknown,
    }


def not_before_newest_post(
    con: duckdb.DuckDBPyConnection, context: Context, options: ImportOptions
) -> None:
    """An export cannot predate the newest post it contains (a period's end is a midnight);
    a snapshot time on every row (a petition's ``updated_at``) dates the file itself."""
    typed_columns = {r[0] for r in con.execute("describe typed").fetchall()}
    if "updated_at" in typed_columns and context["exported_at_unknown"]:
        context["exported_at_unknown"] = warehouse.scalar(
            con, "select count(*) = 0 or bool_or(updated_at is null) from typed"
        )
    if options.exported_at or "published_at" not in typed_columns:
        return
    newest = warehouse.scalar(con, "select max(published_at) from typed")
    if newest is not None and newest > context["exported_at"]:
        context["exported_at"] = newest
        con.execute("update ctx set exported_at = ?", [newest])


def _event_from_platform_ids(
    con: duckdb.DuckDBPyConnection, path: Path, source: sources.Source, found: dict[str, object]
) -> str:
    column = source.extra.get("calendar_column")
    platform_id = found.get("platform_event_id")
    if column and platform_id:
        row = con.execute(
            f"select event_id from events where {column} = ?", [platform_id]
        ).fetchone()
        if row:
            return row[0]
    if column:  # a platform id in the file name, as platforms name their reports
        rows = con.execute(
            f"select event_id, {column} from events where {column} is not null"
        ).fetchall()
        for event_id, platform in rows:
            if platform and platform in path.name:
                return event_id
    if column:
        raise ImportRefused(
            path.name, "event.not_said_calendar", format=source.title, calendar_column=column
        )
    raise ImportRefused(path.name, "event.not_said", format=source.title)
