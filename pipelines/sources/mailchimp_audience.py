"""Mailchimp audience export: who joined the email list, and when.

Subscribed, unsubscribed and cleaned exports are all read the same way: each
row records that the address *joined* the list (action `subscribed`, at
OPTIN_TIME, else CONFIRM_TIME, else LAST_CHANGED). Being on the list is an
awareness fact about the past, and a later unsubscribe (UNSUB_TIME) or
cleaning (CLEAN_TIME) does not undo it, so those rows are not dropped; nor is
the unsubscribe stored, since no metric uses it. Importing the subscribed
and the unsubscribed export of one audience counts each address once.
"""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="mailchimp_audience",
    title="Mailchimp audience export",
    target="email_activity",
    signatures=(
        ("Email Address", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME", "LEID"),
        ("Adresse e-mail", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME", "LEID"),
    ),
    fields=(
        Field("email", ("Email Address", "Adresse e-mail", "Adresse courriel"), "email"),
        Field("optin_time", ("OPTIN_TIME",), "timestamp"),
        Field("confirm_time", ("CONFIRM_TIME",), "timestamp"),
        Field("last_changed", ("LAST_CHANGED",), "timestamp"),
    ),
    example_header='"Email Address","First Name","Last Name",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,'
    "CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,"
    "LEID,EUID,NOTES,TAGS",
    sample_file="mailchimp_audience_subscribed.csv",
    notes="Each address joins the list at OPTIN_TIME (else CONFIRM_TIME). Unsubscribed and "
    "cleaned exports are read the same way: they record that the person was on the list; "
    "the unsubscribe itself is not stored.",
)
