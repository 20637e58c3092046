"""Facebook event counts from the Graph API's event JSON.

Accepts a single event object, a list of them, or a ``{"data": [...]}`` page.
The counts are a snapshot taken when the JSON was saved: the snapshot time is
the import's export time (--exported-at, else the file's modification time).
The calendar event is the one whose Facebook event id is the Graph ``id``,
or the one chosen with --event.
"""

from pipelines.sources import Field, Source

# One row per event object, whichever of the three shapes the file has.
JSON_SQL = """
with documents as (
    select row_number() over () as document, to_json(raw_json) as doc from raw_json
),

lists as (
    select
        document,
        case when json_type(doc, '$.data') = 'ARRAY'
            then cast(doc -> '$.data' as json[]) else [doc] end as objects
    from documents
),

objects as (
    select document, unnest(objects) as obj, generate_subscripts(objects, 1) as position
    from lists
)

select
    row_number() over (order by document, position) as line,
    obj ->> '$.id' as facebook_event_id,
    obj ->> '$.attending_count' as going,
    obj ->> '$.interested_count' as interested,
    obj ->> '$.maybe_count' as maybe,
    obj ->> '$.declined_count' as declined
from objects
"""

SOURCE = Source(
    name="facebook_event_graph",
    title="Facebook event (Graph API JSON)",
    target="facebook_event_snapshots",
    file_type="json",
    signatures=(
        ("id", "attending_count", "interested_count"),
        ("data.id", "data.attending_count", "data.interested_count"),
    ),
    fields=(
        Field("facebook_event_id", ("facebook_event_id",), "id", required=True),
        Field("going", ("going",), "count"),
        Field("interested", ("interested",), "count"),
        Field("maybe", ("maybe",), "count"),
        Field("declined", ("declined",), "count"),
    ),
    json_sql=JSON_SQL,
    example_header='{"id": "1234567890", "name": "Town hall", "start_time": '
    '"2026-03-05T18:30:00-0500", "attending_count": 85, "interested_count": 240, '
    '"maybe_count": 12, "declined_count": 3}',
    sample_file="facebook_event.json",
    notes="The event's JSON from the Graph API (fields attending_count, interested_count, "
    "maybe_count, declined_count). The snapshot time is the export time: pass "
    "--exported-at when the file's date is not when it was saved. Put the Facebook event "
    "link in the calendar's facebook_event_url column, or choose the event with --event.",
)
