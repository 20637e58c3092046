"""The synthetic campaign's files carry the real platforms' headers, encodings and layouts (the
headers of FORMATS.md and the project's templates, written out here by hand), and the
calendar names every platform's file."""

from __future__ import annotations

import pytest

from tests.sample_files import csv_rows

FACEBOOK = [
    "Post ID",
    "Page ID",
    "Page name",
    "Title",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Caption type",
    "Permalink",
    "Is crosspost",
    "Is share",
    "Post type",
    "Languages",
    "Custom labels",
    "Funded content status",
    "Data comment",
    "Date",
    "Views",
    "Reach",
    "Reactions, Comments and Shares",
    "Reactions",
    "Comments",
    "Shares",
    "Total clicks",
    "Other Clicks",
    "Matched Audience Targeting Consumption (Photo Click)",
    "Link Clicks",
    "Matched Audience Targeting Consumption (Video Click)",
    "Negative feedback from users: Hide all",
    "Seconds viewed",
    "Average Seconds viewed",
    "Estimated earnings (USD)",
    "Ad CPM (USD)",
    "Ad impressions",
]
INSTAGRAM = [
    "Post ID",
    "Account ID",
    "Account username",
    "Account name",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Permalink",
    "Post type",
    "Data comment",
    "Date",
    "Views",
    "Reach",
    "Likes",
    "Shares",
    "Follows",
    "Comments",
    "Saves",
]
X = [
    "Post id",
    "Date",
    "Post text",
    "Post Link",
    "Impressions",
    "Likes",
    "Engagements",
    "Bookmarks",
    "Shares",
    "New follows",
    "Replies",
    "Reposts",
    "Profile visits",
    "Detail Expands",
    "URL Clicks",
    "Hashtag Clicks",
    "Permalink Clicks",
]
EVENTBRITE = [
    "Order #",
    "Order Date",
    "First Name",
    "Last Name",
    "Email",
    "Quantity",
    "Price Tier",
    "Ticket Type",
    "Attendee #",
    "Group",
    "Order Type",
    "Currency",
    "Total Paid",
    "Fees Paid",
    "Eventbrite Fees",
    "Eventbrite Payment Processing",
    "Attendee Status",
    "Home Address 1",
    "Home Address 2",
    "Home City",
    "Home State",
    "Home Zip",
    "Home Country",
]  # then custom questions, Job Title, Company
ZOOM_REPORT = [
    "Topic",
    "Webinar ID",
    "Actual Start Time",
    "Actual Duration (minutes)",
    "# Registered",
    "# Cancelled",
    "Unique Viewers",
    "Total Users",
    "Max Concurrent Views",
]
ZOOM_HOST = [
    "Attended",
    "User Name (Original Name)",
    "Email",
    "Join Time",
    "Leave Time",
    "Time in Session (minutes)",
    "Is Guest",
    "Country/Region Name",
]
ZOOM_ATTENDEE = [
    "Attended",
    "User Name (Original Name)",
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Registration Time",
    "Approval Status",
    "Join Time",
    "Leave Time",
    "Time in Session (minutes)",
    "Is Guest",
    "Country/Region Name",
]
MOBILIZE = [
    "id",
    "created_date",
    "user_id",
    "user__given_name",
    "user__family_name",
    "user__email_address",
    "user__phone_number",
    "user__postal_code",
    "event_id",
    "timeslot_id",
    "status",
    "attended",
    "experience_feedback_type",
    "referrer__utm_source",
]  # then more referrer fields, event_type_name
ACTION_NETWORK = [
    "uuid",
    "first_name",
    "last_name",
    "email",
    "zip_code",
    "can2_user_address",
    "can2_user_city",
    "can2_user_state",
    "can2_phone",
    "can2_user_tags",
    "can2_subscription_status",
    "can2_sms_status",
]
MAILCHIMP_AUDIENCE = ["Email Address", "First Name", "Last Name"]
MAILCHIMP_AUDIENCE_SYSTEM = [
    "MEMBER_RATING",
    "OPTIN_TIME",
    "OPTIN_IP",
    "CONFIRM_TIME",
    "CONFIRM_IP",
    "LATITUDE",
    "LONGITUDE",
    "GMTOFF",
    "DSTOFF",
    "TIMEZONE",
    "CC",
    "REGION",
    "LAST_CHANGED",
    "LEID",
    "EUID",
    "NOTES",
    "TAGS",
]
CALENDAR = [
    "event_id",
    "name",
    "starts_at",
    "kind",
    "campaign",
    "online",
    "reminder_sent",
    "eventbrite_event_id",
    "zoom_webinar_id",
    "mobilize_event_id",
    "facebook_event_url",
]
SIGNIN = ["event_id", "name", "email", "phone", "signed_in_at", "heard_from"]
SIGNIN_FR = ["evenement_id", "nom", "courriel", "telephone", "heure", "source"]
FACEBOOK_COUNTS = ["event_id", "snapshot_at", "going", "interested"]
PETITION = ["petition_id", "signed_at", "name", "email", "phone"]


# --- real headers --------------------------------------------------------------------------


def test_files_have_the_real_headers(sample_campaign):
    def header(name: str, encoding: str = "utf-8-sig") -> list[str]:
        return csv_rows(sample_campaign / name, encoding)[0]

    assert header("events_calendar.csv") == CALENDAR
    assert header("facebook_event_counts.csv") == FACEBOOK_COUNTS
    assert header("signin_sheets.csv") == SIGNIN
    assert header("petition_signatures.csv") == PETITION
    for path in sample_campaign.glob("feuille_presence_*.csv"):
        assert path.read_bytes().split(b"\r\n")[0].decode("cp1252").split(",") == SIGNIN_FR
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")  # really Windows-1252, accents included
    for path in sample_campaign.glob("facebook_posts_*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert header(path.name) == FACEBOOK
        assert {row[16] for row in csv_rows(path, "utf-8-sig")[1:]} == {"Lifetime"}
    assert header("instagram_posts.csv") == INSTAGRAM
    assert header("account_analytics_content_2025-11-01_2026-10-31.csv") == X
    assert header("mobilize_participations.csv")[: len(MOBILIZE)] == MOBILIZE
    assert header("export-2026-03-22-csv_report_332566_1774185600.csv") == ACTION_NETWORK
    audience = header("mailchimp_audience_subscribed.csv")
    assert audience[:3] == MAILCHIMP_AUDIENCE and audience[-17:] == MAILCHIMP_AUDIENCE_SYSTEM
    for path in sample_campaign.glob("mailchimp_activity_*.csv"):
        assert header(path.name)[:3] == ["Email Address", "Action", "Timestamp"]
    eventbrite = list(sample_campaign.glob("eventbrite_attendees_*.csv"))
    assert eventbrite
    for path in eventbrite:
        assert header(path.name)[: len(EVENTBRITE)] == EVENTBRITE
        assert header(path.name)[-2:] == ["Job Title", "Company"]
    zoom = list(sample_campaign.glob("zoom_webinar_*.csv"))
    assert zoom
    for path in zoom:
        rows = csv_rows(path)
        assert rows[0] == ["Attendee Report"] and rows[1][0] == "Report Generated:"
        assert rows[2] == ZOOM_REPORT and rows[3][1] == path.stem.rsplit("_", 1)[1]
        assert rows[4] == ["Host Details"] and rows[5] == ZOOM_HOST
        assert rows[rows.index(["Attendee Details"]) + 1] == ZOOM_ATTENDEE


def test_calendar_names_every_platform_file(sample_campaign, sample_views):
    ids = {
        r[0]
        for r in sample_views.execute(
            "select eventbrite_event_id from calendar union select zoom_webinar_id from calendar"
        ).fetchall()
    }
    for path in [
        *sample_campaign.glob("eventbrite_attendees_*.csv"),
        *sample_campaign.glob("zoom_*.csv"),
    ]:
        assert path.stem.rsplit("_", 1)[1] in ids
