"""OSDI signatures (JSON): one petition signature per record."""

from pipelines.sources import Field, Source
from pipelines.sources._osdi import items_sql, link_id, link_key, text

SOURCE = Source(
    name="osdi_signatures",
    title="OSDI signatures (JSON)",
    target="signatures",
    file_type="json",
    signatures=(("_embedded.osdi:signatures",),),
    fields=(
        Field("signature_id", ("signature_id",), "id"),
        Field("platform_id", ("platform_id",), "id"),
        Field("person_uuid", ("person_uuid",), "id"),
        Field("petition_id", ("petition_id",), "id", required=True),
        Field("signed_at", ("signed_at",), "timestamp"),
    ),
    json_sql=items_sql(
        "osdi:signatures",
        {
            "signature_id": text("$.identifiers[0]"),
            "platform_id": link_key("osdi:person"),
            "person_uuid": link_id("osdi:person"),
            "petition_id": link_key("osdi:petition"),
            "signed_at": f"coalesce({text('$.action_date')}, {text('$.created_date')})",
        },
    ),
    example_header='{"_embedded": {"osdi:signatures": [{"identifiers": ["…"], "action_date": '
    '"…", "_links": {"osdi:person": {"href": "…/people/<uuid>"}, "osdi:petition": '
    '{"href": "…/petitions/<id>"}}}]}}',
    sample_file="osdi_signatures.json",
    notes="The person is the last segment of the `osdi:person` link (`actionnetwork:<uuid>`); "
    "the petition is `<site>:<id>` from the `osdi:petition` link.",
)
