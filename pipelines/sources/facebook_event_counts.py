"""Facebook event counts copied by hand from the event page, one row per snapshot."""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="facebook_event_counts",
    title="Facebook event counts (template)",
    target="facebook_event_snapshots",
    signatures=(
        ("event_id", "snapshot_at", "going"),
        ("evenement_id", "releve_le", "participants"),
    ),
    fields=(
        Field("event_id", ("event_id", "evenement_id"), "id", required=True),
        Field("snapshot_at", ("snapshot_at", "releve_le"), "timestamp", required=True),
        Field("going", ("going", "participants"), "count", required=True),
        Field("interested", ("interested", "interesses"), "count"),
        Field("maybe", ("maybe", "peut_etre"), "count"),
        Field("declined", ("declined", "refuse"), "count"),
    ),
    example_header="event_id,snapshot_at,going,interested,maybe,declined",
    sample_file="facebook_event_counts.csv",
    notes="Copy the counts from the event page as often as you like; the latest one counts.",
)
