"""Action Network petition signature export (CSV): one row per activist per petition."""

from pipelines.sources import Field, Source

AN_FIELDS = (
    Field("uuid", ("uuid",), "id"),
    Field("platform_id", ("uuid",), "id", prefix="actionnetwork:"),
    Field("email", ("email",), "email"),
    Field("phone", ("can2_phone", "Phone Number", "phone"), "phone"),
    Field("acted_at", ("created_at", "created_date", "timestamp", "date"), "timestamp"),
    Field("utm_source", ("source", "referrer_code", "utm_source")),
)

# what recognises the export: its signature and RSVP exports have the same header
AN_SIGNATURES = (
    ("uuid", "first_name", "last_name", "email", "zip_code"),
    ("uuid", "email", "can2_subscription_status"),
)

AN_HEADER = (
    "uuid,first_name,last_name,email,zip_code,can2_user_address,can2_user_city,"
    "can2_user_state,can2_phone,can2_user_tags,can2_subscription_status,can2_sms_status"
)

SOURCE = Source(
    name="actionnetwork_signatures",
    title="Action Network signatures export",
    target="signatures",
    signatures=AN_SIGNATURES,
    fields=AN_FIELDS,
    example_header=AN_HEADER,
    record_ref_partitioned=True,
    sample_file="export-2026-03-22-csv_report_332566_1774185600.csv",
    notes="The petition is named by the report number in the file name "
    "(`…csv_report_332566_…` → `actionnetwork:332566`), else by the file name. Action "
    "Network's RSVP export has the same header: import it with --source actionnetwork_rsvps "
    "--event EVENT_ID. `uuid` links the person as `actionnetwork:<uuid>`.",
)
