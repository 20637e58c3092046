"""A paper sign-in sheet typed in after the event: the people a digital tool never sees."""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="signin_sheet",
    title="paper sign-in sheet",
    target="checkins",
    signatures=(("event_id", "name", "signed_in_at"), ("evenement_id", "nom", "heure")),
    fields=(
        Field("event_id", ("event_id", "evenement_id"), "id", required=True),
        Field("name", ("name", "nom")),
        Field("email", ("email", "courriel"), "email"),
        Field("phone", ("phone", "telephone"), "phone"),
        Field("signed_in_at", ("signed_in_at", "heure")),
        Field("heard_from", ("heard_from", "source")),
    ),
    example_header="event_id,name,email,phone,signed_in_at,heard_from",
    record_ref_partitioned=True,
    sample_file="signin_sheets.csv",
    notes="A row with a name only counts as an anonymous attendee. `signed_in_at` may be "
    "a time of day (18:45, 18h45, 18 h): the event's date is added; a time nobody can "
    "read rejects its row.",
)
