"""A UK Parliament e-petition's public JSON (petition.parliament.uk/petitions/<id>.json).

One snapshot of the petition's total: petition_id ``ukparl:<id>``, its name
(``attributes.action``), the signature count, taken at ``attributes.updated_at``
(else at the import's export time). The per-country and per-constituency
counts are not kept. A petition saved without the API's ``{"data": …, "links": …}``
envelope (the petition object at the top level) is read the same way.
"""

from pipelines.sources import Field, Source

JSON_SQL = """
with documents as (
    select row_number() over () as document, to_json(raw_json) as doc from raw_json
),

petitions as (
    select document, coalesce(doc -> '$.data', doc) as petition from documents
)

select
    row_number() over (order by document) as line,
    'ukparl:' || (petition ->> '$.id') as petition_id,
    petition ->> '$.attributes.action' as petition_name,
    petition ->> '$.attributes.updated_at' as updated_at,
    petition ->> '$.attributes.signature_count' as signature_count
from petitions
"""

SOURCE = Source(
    name="uk_petition",
    title="UK Parliament e-petition (JSON)",
    target="petition_snapshots",
    file_type="json",
    signatures=(
        ("data.type", "data.id", "data.attributes.signature_count", "data.attributes.action"),
        ("type", "id", "attributes.signature_count", "attributes.action"),
    ),
    fields=(
        Field("petition_id", ("petition_id",), "id", required=True),
        Field("petition_name", ("petition_name",)),
        Field("updated_at", ("updated_at",), "timestamp"),
        Field("signature_count", ("signature_count",), "count", required=True),
    ),
    json_sql=JSON_SQL,
    example_header='{"data": {"type": "petition", "id": 266925, "attributes": {"action": '
    '"…", "signature_count": 35444, "updated_at": "2019-11-05T04:55:02.000Z"}}}',
    sample_file="uk_petition_700123.json",
    notes="Save https://petition.parliament.uk/petitions/<id>.json and import it as often as "
    "you like: each file is one snapshot of the total, and the latest one counts.",
)
