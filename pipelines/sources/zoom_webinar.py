"""Zoom webinar attendee report: stacked sections, one row per join.

Only the `Attendee Details` section is read. Its header is recognised by
`Registration Time` and `Approval Status`, which the `Host Details` and
`Panelist Details` headers (otherwise alike) do not have; those sections sit
above it and are never read. Rows from a later section are rejected.
"""

from __future__ import annotations

from datetime import datetime

from pipelines.sources import Field, Source, normalise_header

_REPORT_TIME_FORMATS = (
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)


def _parse_time(text: str) -> datetime | None:
    for pattern in _REPORT_TIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    return None


def read_preamble(rows: list[list[str]]) -> dict:
    """Webinar ID (from the summary under its header) and `Report Generated:` time."""
    found: dict = {}
    for index, row in enumerate(rows):
        cells = [normalise_header(c) for c in row]
        if cells and cells[0].rstrip(":") == "report generated" and len(row) > 1:
            when = _parse_time(row[1])
            if when:
                found["exported_at"] = when
        if "webinar id" in cells and index + 1 < len(rows):
            values = rows[index + 1]
            position = cells.index("webinar id")
            if position < len(values):
                webinar = "".join(ch for ch in values[position] if ch.isdigit())
                if webinar:
                    found["platform_event_id"] = webinar
    return found


SOURCE = Source(
    name="zoom_webinar",
    title="Zoom webinar attendee report",
    target="registrations",
    signatures=(
        (
            "Attended",
            "User Name (Original Name)",
            "Email",
            "Registration Time",
            "Approval Status",
            "Join Time",
            "Leave Time",
            "Time in Session (minutes)",
        ),
    ),
    fields=(
        Field("attended", ("Attended",), "bool"),
        Field("email", ("Email",), "email"),
        Field("phone", ("Phone",), "phone"),
        # read as text and typed in stg_zoom_webinar.sql: rows of a later section of the
        # report must not be rejected for their (misaligned) values before they are recognised
        Field("registration_time", ("Registration Time",)),
        Field("approval_status", ("Approval Status",)),
        Field("time_in_session", ("Time in Session (minutes)",)),
    ),
    example_header="Attended,User Name (Original Name),First Name,Last Name,Email,Phone,"
    "Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),"
    "Is Guest,Country/Region Name",
    per_event=True,
    preamble=read_preamble,
    extra={"calendar_column": "zoom_webinar_id"},
    record_ref_partitioned=True,
    sample_file="zoom_webinar_84150012201.csv",
    notes="The webinar is found by the `Webinar ID` above the sections (matched to the "
    "calendar's `zoom_webinar_id`), and `Report Generated` is the export time. Several rows "
    "of one email (rejoins) make one registration with the minutes added up. `Attended` "
    "= `No` is a real no-show. `--` in the time fields means empty.",
)
