"""OSDI attendances (JSON): RSVPs with a status and, sometimes, whether the person came."""

from pipelines.sources import Field, Source
from pipelines.sources._osdi import items_sql, link_id, link_key, text

SOURCE = Source(
    name="osdi_attendances",
    title="OSDI attendances (JSON)",
    target="registrations",
    file_type="json",
    signatures=(("_embedded.osdi:attendances",),),
    fields=(
        Field("attendance_id", ("attendance_id",), "id"),
        Field("platform_id", ("platform_id",), "id"),
        Field("person_uuid", ("person_uuid",), "id"),
        Field("osdi_event_id", ("osdi_event_id",), "id"),
        Field("status", ("status",)),
        Field("attended", ("attended",), "bool"),
        Field("created_date", ("created_date",), "timestamp"),
    ),
    json_sql=items_sql(
        "osdi:attendances",
        {
            "attendance_id": text("$.identifiers[0]"),
            "platform_id": link_key("osdi:person"),
            "person_uuid": link_id("osdi:person"),
            "osdi_event_id": link_id("osdi:event"),
            "status": text("$.status"),
            "attended": text("$.attended"),
            "created_date": f"coalesce({text('$.created_date')}, {text('$.action_date')})",
        },
    ),
    example_header='{"_embedded": {"osdi:attendances": [{"identifiers": ["…"], "status": '
    '"accepted", "attended": true, "_links": {"osdi:person": {"href": "…/people/<uuid>"}, '
    '"osdi:event": {"href": "…/events/<id>"}}}]}}',
    sample_file="osdi_attendances.json",
    notes="The person is the last segment of the `osdi:person` link (`actionnetwork:<uuid>`). "
    "The event is the last segment of the `osdi:event` link when the calendar has an event "
    "with that `event_id`, else the event given with --event. `status` declined or cancelled "
    "= cancelled (other values are kept as they are); `attended` true/false when present, "
    "unknown when absent.",
)
