"""OSDI people (JSON, e.g. Action Network's API): records that link a person's keys."""

from pipelines.sources import Field, Source
from pipelines.sources._osdi import items_sql, platform_id_from_identifiers, text

_EMAILS = (
    "from_json(json_extract(item, '$.email_addresses'), "
    '\'[{"primary": "BOOLEAN", "address": "VARCHAR"}]\')'
)
_PHONES = (
    "from_json(json_extract(item, '$.phone_numbers'), "
    '\'[{"primary": "BOOLEAN", "number": "VARCHAR"}]\')'
)
_PRIMARY_EMAIL = (
    f"coalesce(list_filter({_EMAILS}, lambda e: e.primary)[1].address, {_EMAILS}[1].address)"
)
_PRIMARY_PHONE = (
    f"coalesce(list_filter({_PHONES}, lambda p: p.primary)[1].number, {_PHONES}[1].number)"
)

SOURCE = Source(
    name="osdi_people",
    title="OSDI people (JSON)",
    target="identities",
    file_type="json",
    signatures=(("_embedded.osdi:people",),),
    fields=(
        Field("platform_id", ("platform_id",), "id"),
        Field("person_uuid", ("person_uuid",), "id"),
        Field("email", ("email",), "email"),
        Field("phone", ("phone",), "phone"),
        Field("modified_date", ("modified_date",), "timestamp"),
    ),
    json_sql=items_sql(
        "osdi:people",
        {
            "platform_id": platform_id_from_identifiers(),
            "person_uuid": f"split_part({platform_id_from_identifiers()}, ':', 2)",
            "email": _PRIMARY_EMAIL,
            "phone": _PRIMARY_PHONE,
            "modified_date": text("$.modified_date"),
        },
    ),
    example_header='{"_embedded": {"osdi:people": [{"identifiers": ["action_network:…"], '
    '"email_addresses": [{"primary": true, "address": "…"}], '
    '"phone_numbers": [{"number": "…"}]}]}}',
    sample_file="osdi_people.json",
    notes="Each person links their primary email (else the first), their primary phone (else "
    "the first) and their platform id (`action_network:<uuid>` becomes `actionnetwork:<uuid>`). "
    "Import it before the attendances and signatures that point at these people.",
)
