"""Mailchimp per-campaign activity (opens or clicks) downloaded as CSV.

The exact header of Mailchimp's "Opened" / "Clicked" downloads was not
confirmed, so any file with an email address column plus a time column is
accepted. What happened comes from, in this order:

1. an `Action` column (open / opened / click / clicked; bounces are rejected:
   a bounce is not engagement);
2. else the file name: `click`/`clic` means clicks, `open`/`ouvert` means opens
   (a name with both is ambiguous);
3. else every row is rejected with a reason saying to rename the file — so the
   import is refused rather than guessed.

The email campaign is a `Campaign ID` / `Campaign` column when there is one,
else the file name without its extension and without the open/click word
(`spring-appeal_opened.csv` and `spring-appeal_clicked.csv` are the same campaign).
"""

from pipelines.sources import Field, Source

_EMAIL = ("Email Address", "Email", "Adresse e-mail", "Adresse courriel")
_TIMES = (
    "Timestamp",
    "Time",
    "Open Time",
    "Click Time",
    "Opened",
    "Clicked",
    "Opened At",
    "Clicked At",
    "Date",
    "Horodatage",
)

SOURCE = Source(
    name="mailchimp_activity",
    title="Mailchimp campaign activity (opens or clicks)",
    target="email_activity",
    signatures=tuple(("Email Address", t) for t in _TIMES) + (("Email Address", "Action"),),
    fields=(
        Field("email", _EMAIL, "email"),
        Field("occurred_at", _TIMES, "timestamp"),
        Field("action", ("Action", "Activity", "Activite")),
        Field("campaign_ref", ("Campaign ID", "Campaign", "Campaign Title", "Campagne")),
    ),
    example_header='"Email Address","Timestamp"',
    record_ref_partitioned=True,
    sample_file="mailchimp_spring-appeal_clicked.csv",
    notes="Any file with `Email Address` and a time column (`Timestamp`, `Open Time`, "
    "`Clicked`…). Open or click comes from an `Action` column, else from the file name "
    "(`…opened.csv`, `…clicked.csv`, `…ouvertures.csv`, `…clics.csv`). The campaign is a "
    "`Campaign ID` column, else the file name without the open/click word. An open is "
    "weak evidence (Apple Mail opens every message); a click is engagement.",
)
