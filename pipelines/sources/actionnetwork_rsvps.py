"""Action Network event RSVP export (CSV): same header as its signature export.

Not auto-detected (the header cannot tell the two apart): choose it with
--source actionnetwork_rsvps and name the event with --event.
"""

from pipelines.sources import Source
from pipelines.sources.actionnetwork_signatures import AN_FIELDS, AN_HEADER, AN_SIGNATURES

SOURCE = Source(
    name="actionnetwork_rsvps",
    title="Action Network RSVP export",
    target="registrations",
    signatures=AN_SIGNATURES,
    fields=AN_FIELDS,
    example_header=AN_HEADER,
    per_event=True,
    auto_detect=False,
    sample_file="actionnetwork_rsvps_vigil.csv",
    notes="Import with --source actionnetwork_rsvps --event EVENT_ID. An Action Network RSVP "
    "says nothing about showing up: attendance stays unknown.",
)
