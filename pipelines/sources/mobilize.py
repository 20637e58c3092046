"""Mobilize participations export: one row per person per timeslot signup."""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="mobilize",
    title="Mobilize participations export",
    target="registrations",
    signatures=(
        (
            "id",
            "created_date",
            "user_id",
            "user__email_address",
            "event_id",
            "timeslot_id",
            "status",
        ),
    ),
    fields=(
        Field("participation_id", ("id",), "id", required=True),
        Field("created_date", ("created_date",), "timestamp"),
        Field("user_id", ("user_id",), "id"),
        Field("platform_id", ("user_id",), "id", prefix="mobilize:"),
        Field("email", ("user__email_address",), "email"),
        Field("phone", ("user__phone_number",), "phone"),
        Field("mobilize_event_id", ("event_id",), "id"),
        Field("timeslot_id", ("timeslot_id",), "id"),
        Field("status", ("status",)),
        Field("attended", ("attended",), "bool"),
        Field("utm_source", ("referrer__utm_source",)),
    ),
    example_header="id,created_date,user_id,user__given_name,user__family_name,"
    "user__email_address,user__phone_number,user__postal_code,event_id,timeslot_id,status,"
    "attended,experience_feedback_type,referrer__utm_source,referrer__utm_medium,"
    "referrer__utm_campaign,event_type_name",
    sample_file="mobilize_participations.csv",
    notes="`event_id` is Mobilize's own event id: each row finds its event through the "
    "calendar's `mobilize_event_id` (rows of events not in the calendar are rejected). "
    "`status` CANCELLED = cancelled; `attended` empty means the organiser never marked it "
    "(unknown), never a no-show. `user_id` links the person as `mobilize:<id>`; "
    "`referrer__utm_source` gives the channel.",
)
