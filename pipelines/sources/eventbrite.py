"""Eventbrite attendee report: one row per ticket, check-in in `Attendee Status`.

The report is per event and its rows do not name the event: it comes from
--event, or from the calendar's `eventbrite_event_id` found in the file name.
"""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="eventbrite",
    title="Eventbrite attendee report",
    target="registrations",
    signatures=(
        ("Order #", "Attendee #", "Email", "Ticket Type", "Attendee Status"),  # current
        ("Attendee #", "Date", "Email", "QTY", "Attendee Status"),  # older
    ),
    fields=(
        Field("attendee_no", ("Attendee #",), "id", required=True),
        Field("order_no", ("Order #",), "id"),
        Field("ordered_at", ("Order Date", "Date"), "timestamp"),
        Field("email", ("Email",), "email"),
        Field(
            "phone", ("Cell Phone", "Mobile Phone", "Phone", "Home Phone", "Work Phone"), "phone"
        ),
        Field("ticket_type", ("Ticket Type",)),
        Field("attendee_status", ("Attendee Status",)),
        Field("heard_from", ("How did you hear about this event?", "How did you hear about us?")),
    ),
    example_header="Order #,Order Date,First Name,Last Name,Email,Quantity,Price Tier,Ticket Type,"
    "Attendee #,Group,Order Type,Currency,Total Paid,Fees Paid,Eventbrite Fees,"
    "Eventbrite Payment Processing,Attendee Status,Home Address 1,Home Address 2,Home City,"
    "Home State,Home Zip,Home Country,Job Title,Company",
    per_event=True,
    extra={"calendar_column": "eventbrite_event_id"},
    record_ref_partitioned=True,
    sample_file="eventbrite_attendees_1186234500011.csv",
    notes="One row per ticket: a buyer of three tickets is three registrations of one person. "
    "`Attendee Status` (any case): `Checked In` = attended; `Attending` says nothing about "
    "attendance (unknown); `Not Attending`, `Cancelled`, `Refunded` = cancelled. "
    "The event comes from --event or from the Eventbrite event id in the file name.",
)
