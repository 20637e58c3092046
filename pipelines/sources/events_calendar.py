"""The campaign's own events calendar (English or French headers)."""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="events_calendar",
    title="events calendar",
    target="events",
    signatures=(("event_id", "name", "starts_at"), ("evenement_id", "nom", "debut")),
    fields=(
        Field("event_id", ("event_id", "evenement_id"), "id", required=True),
        Field("name", ("name", "nom")),
        Field("starts_at", ("starts_at", "debut"), "timestamp", required=True),
        Field("kind", ("kind", "type")),
        Field("campaign", ("campaign", "campagne")),
        Field("online", ("online", "en_ligne"), "bool"),
        Field("reminder_sent", ("reminder_sent", "rappel_envoye"), "bool"),
        Field("eventbrite_event_id", ("eventbrite_event_id",), "id"),
        Field("zoom_webinar_id", ("zoom_webinar_id",), "id"),
        Field("mobilize_event_id", ("mobilize_event_id",), "id"),
        Field("facebook_event_url", ("facebook_event_url", "lien_facebook")),
    ),
    example_header="event_id,name,starts_at,kind,campaign,online,reminder_sent,"
    "eventbrite_event_id,zoom_webinar_id,mobilize_event_id,facebook_event_url",
    sample_file="events_calendar.csv",
    notes="Import it first: per-event files find their event through its platform ids.",
)
