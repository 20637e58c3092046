"""The synthetic campaign: reproducible, in the real formats, with published rates and real effects.

Rates and effects are computed from the written CSV files with DuckDB, the way an
analyst would, not from the generator's internals.
"""

from __future__ import annotations

import csv
import inspect
import io
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, sample

ROOT = Path(__file__).resolve().parent.parent

# The headers of FORMATS.md (and the project's templates), written out by hand.
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


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("campaign")
    sample.generate(out)
    return out


@pytest.fixture(scope="module")
def con(campaign):
    con = duckdb.connect()
    _load_views(con, campaign)
    yield con
    con.close()


def _rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding), newline="")))


def _zoom_attendee_line(path: Path) -> int:
    return _rows(path).index(["Attendee Details"]) + 1


def _load_views(con, folder: Path) -> None:
    f = str(folder)
    con.execute(
        f"create view calendar as select * from read_csv('{f}/events_calendar.csv', "
        "all_varchar=true)"
    )
    con.execute(
        "create view eventbrite as select regexp_extract(filename, '(\\d+)\\.csv$', 1) as pid, "
        'lower("Attendee Status") as status, lower(trim(Email)) as email, '
        "strptime(\"Order Date\", '%m/%d/%y %H:%M') as ordered, "
        '"How did you hear about this event?" as heard '
        f"from read_csv('{f}/eventbrite_attendees_*.csv', filename=true, all_varchar=true)"
    )
    parts = []
    for path in sorted(folder.glob("zoom_webinar_*.csv")):
        webinar = path.stem.rsplit("_", 1)[1]
        parts.append(
            f"select '{webinar}' as pid, Attended as attended, lower(trim(Email)) as email, "
            "strptime(\"Registration Time\", '%m/%d/%Y %I:%M:%S %p') as registered "
            f"from read_csv('{path}', skip={_zoom_attendee_line(path)}, header=true, "
            "all_varchar=true)"
        )
    con.execute("create view zoom as " + " union all ".join(parts))
    con.execute(
        f"create view mobilize as select * from read_csv('{f}/mobilize_participations.csv'"
        ", all_varchar=true)"
    )
    con.execute(
        f"create view signins as select event_id, lower(trim(email)) as email "
        f"from read_csv('{f}/signin_sheets.csv', all_varchar=true)"
    )
    con.execute(f"create view fb_counts as select * from read_csv('{f}/facebook_event_counts.csv')")
    con.execute(
        f'create view audience as select lower(trim("Email Address")) as email from '
        f"read_csv('{f}/mailchimp_audience_subscribed.csv', all_varchar=true)"
    )


def _one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()


# --- reproducibility ---------------------------------------------------------------------


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    sample.generate(tmp_path / "a", people=600, seed=7)
    sample.generate(tmp_path / "b", people=600, seed=7)
    sample.generate(tmp_path / "c", people=600, seed=8)
    a, b, c = (_contents(tmp_path / d) for d in "abc")
    assert a == b
    assert a.keys() == c.keys()
    differing = [name for name in a if a[name] != c[name]]
    assert len(differing) > len(a) * 0.8


def test_cli_defaults_are_the_committed_sample(tmp_path):
    signature = inspect.signature(cli.sample)
    assert signature.parameters["people"].default == sample.DEFAULT_PEOPLE
    assert signature.parameters["seed"].default == sample.DEFAULT_SEED
    committed = ROOT / "sample_data"
    if not (committed / "events_calendar.csv").exists():
        pytest.skip("sample_data/ not generated yet")
    sample.generate(tmp_path / "fresh")
    written = _contents(tmp_path / "fresh")
    for name, data in written.items():
        assert (committed / name).read_bytes() == data, f"{name}: run `make sample`"


def test_reference_date_is_fixed_not_today():
    assert str(sample.REFERENCE).startswith("2026-11-01")
    past = [e for e in sample.EVENTS if e.past]
    assert 0 < len(sample.EVENTS) - len(past) <= 4


# --- real headers --------------------------------------------------------------------------


def test_files_have_the_real_headers(campaign):
    def header(name: str, encoding: str = "utf-8-sig") -> list[str]:
        return _rows(campaign / name, encoding)[0]

    assert header("events_calendar.csv") == CALENDAR
    assert header("facebook_event_counts.csv") == FACEBOOK_COUNTS
    assert header("signin_sheets.csv") == SIGNIN
    assert header("petition_signatures.csv") == PETITION
    for path in campaign.glob("feuille_presence_*.csv"):
        assert path.read_bytes().split(b"\r\n")[0].decode("cp1252").split(",") == SIGNIN_FR
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")  # really Windows-1252, accents included
    for path in campaign.glob("facebook_posts_*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert header(path.name) == FACEBOOK
        assert {row[16] for row in _rows(path, "utf-8-sig")[1:]} == {"Lifetime"}
    assert header("instagram_posts.csv") == INSTAGRAM
    assert header("account_analytics_content_2025-11-01_2026-10-31.csv") == X
    assert header("mobilize_participations.csv")[: len(MOBILIZE)] == MOBILIZE
    assert header("export-2026-03-22-csv_report_332566_1774185600.csv") == ACTION_NETWORK
    audience = header("mailchimp_audience_subscribed.csv")
    assert audience[:3] == MAILCHIMP_AUDIENCE and audience[-17:] == MAILCHIMP_AUDIENCE_SYSTEM
    for path in campaign.glob("mailchimp_activity_*.csv"):
        assert header(path.name)[:3] == ["Email Address", "Action", "Timestamp"]
    eventbrite = list(campaign.glob("eventbrite_attendees_*.csv"))
    assert eventbrite
    for path in eventbrite:
        assert header(path.name)[: len(EVENTBRITE)] == EVENTBRITE
        assert header(path.name)[-2:] == ["Job Title", "Company"]
    zoom = list(campaign.glob("zoom_webinar_*.csv"))
    assert zoom
    for path in zoom:
        rows = _rows(path)
        assert rows[0] == ["Attendee Report"] and rows[1][0] == "Report Generated:"
        assert rows[2] == ZOOM_REPORT and rows[3][1] == path.stem.rsplit("_", 1)[1]
        assert rows[4] == ["Host Details"] and rows[5] == ZOOM_HOST
        assert rows[rows.index(["Attendee Details"]) + 1] == ZOOM_ATTENDEE


def test_calendar_names_every_platform_file(campaign, con):
    ids = {
        r[0]
        for r in con.execute(
            "select eventbrite_event_id from calendar union select zoom_webinar_id from calendar"
        ).fetchall()
    }
    for path in [*campaign.glob("eventbrite_attendees_*.csv"), *campaign.glob("zoom_*.csv")]:
        assert path.stem.rsplit("_", 1)[1] in ids


def test_only_fictional_contact_details(con):
    bad = _one(
        con,
        "select count(*) from (select email from eventbrite union all "
        "select email from zoom union all select email from signins union all "
        "select email from audience) where email is not null and not regexp_matches("
        "email, '@example\\.(org|com)$')",
    )[0]
    assert bad == 0
    phones = con.execute(
        "select distinct regexp_replace(user__phone_number, '\\D', '', 'g') "
        "from mobilize where user__phone_number is not null"
    ).fetchall()
    assert phones and all(p[0][-7:-2] == "55501" for p in phones)


def test_people_overlap_and_messy_keys(con, campaign):
    overlap = _one(
        con,
        "select count(*) from (select email from audience intersect "
        "select email from eventbrite intersect select email from signins)",
    )[0]
    assert overlap > 10
    sheets = (campaign / "signin_sheets.csv").read_text()
    assert "(514) 555 01" in sheets or "(438) 555 01" in sheets
    assert "+1 " in sheets and ",," in sheets  # international format; phone-only or name-only
    rows = _rows(campaign / "signin_sheets.csv")[1:]
    assert any(r[1] and not r[2] and not r[3] for r in rows)  # a name only
    assert any(r[3] and not r[2] for r in rows)  # a phone only
    assert any(r[2] != r[2].strip() or r[2] != r[2].lower() for r in rows)


# --- published rates -------------------------------------------------------------------------

PAST = "(select eventbrite_event_id from calendar where starts_at < '2026-11-01')"


def test_in_person_no_show_is_about_28_percent(con):
    show = _one(
        con,
        f"select avg((status = 'checked in')::int) from eventbrite "
        f"where status <> 'not attending' and pid in {PAST}",
    )[0]
    assert 0.62 <= show <= 0.82


def test_webinar_registrants_attend_30_to_45_percent(con):
    rate = _one(
        con,
        "select avg(came::int) from (select pid, email, bool_or(attended = 'Yes') "
        "as came from zoom group by all)",
    )[0]
    assert 0.30 <= rate <= 0.45


def test_facebook_going_and_interested_conversions(con):
    going, interested, attended = _one(
        con,
        """
        with latest as (select event_id, arg_max(going, snapshot_at) as going,
                               arg_max(interested, snapshot_at) as interested
                        from fb_counts group by all),
             came as (select e.event_id, count(*) as n from eventbrite b
                      join calendar e on e.eventbrite_event_id = b.pid
                      where b.status = 'checked in' group by all
                      union all
                      select event_id, count(*) from signins group by all)
        select sum(going), sum(interested), sum(n) from latest
        join (select event_id, sum(n) as n from came group by all) using (event_id)""",
    )
    assert 0.3 <= attended / going <= 0.7
    assert 0.02 <= attended / interested <= 0.10


def test_most_of_the_email_list_never_acts_offline(con):
    share = _one(
        con,
        """select avg((email in (select email from eventbrite where status =
        'checked in' union select user__email_address from mobilize where attended = 'true'
        union select email from signins where email is not null))::int) from audience""",
    )[0]
    assert share < 0.3


# --- effects a forecast can learn -------------------------------------------------------------


def _reg_rates(con, where: str, group: str) -> dict:
    rows = con.execute(f"""
        with regs as (
            select pid, email, ordered as registered_at, status = 'checked in' as came, heard,
                   'eventbrite' as platform from eventbrite
            where status <> 'not attending' and pid in {PAST}
            union all
            select pid, email, min(registered), bool_or(attended = 'Yes'), null, 'zoom'
            from zoom group by pid, email),
        tagged as (
            select r.*, c.reminder_sent, strptime(c.starts_at, '%Y-%m-%d %H:%M') as starts_at
            from regs r join calendar c on r.pid in (c.eventbrite_event_id, c.zoom_webinar_id))
        select {group} as g, avg(came::int), count(*) from tagged where {where} group by g
        """).fetchall()
    return {g: rate for g, rate, _ in rows}


def test_reminders_raise_show_up(con):
    for platform in ("eventbrite", "zoom"):
        rates = _reg_rates(con, f"platform = '{platform}'", "reminder_sent")
        assert rates["true"] > rates["false"] + 0.04, platform


def test_registering_long_before_lowers_show_up(con):
    rates = _reg_rates(
        con,
        "true",
        "case when date_diff('day', registered_at, starts_at) <= 3 "
        "then 'late' when date_diff('day', registered_at, starts_at) >= 21 "
        "then 'early' else 'middle' end",
    )
    assert rates["late"] > rates["early"] + 0.05


def test_flyer_and_friends_come_more_than_facebook(con):
    rates = _reg_rates(
        con,
        "platform = 'eventbrite'",
        "case when heard in ('ami', 'flyer', 'radio', 'église/mosquée') then "
        "'offline' when heard in ('Facebook', 'Instagram', 'X') then 'social' "
        "else 'other' end",
    )
    assert rates["offline"] > rates["social"] + 0.1


def test_people_who_came_before_come_again(con):
    rates = dict(
        con.execute(f"""
        with regs as (
            select pid, email, status = 'checked in' as came from eventbrite
            where status <> 'not attending' and pid in {PAST}
            union all select pid, email, bool_or(attended = 'Yes') from zoom group by all),
        dated as (select r.*, c.starts_at from regs r join calendar c
                  on r.pid in (c.eventbrite_event_id, c.zoom_webinar_id)),
        history as (select *, coalesce(sum(came::int) over (partition by email order by
                    starts_at rows between unbounded preceding and 1 preceding), 0) as before
                    from dated)
        select before > 0, avg(came::int) from history group by all""").fetchall()
    )
    assert rates[True] > rates[False] + 0.05


def test_online_events_have_lower_show_up_than_in_person(con):
    rates = _reg_rates(con, "true", "platform")
    assert rates["eventbrite"] > rates["zoom"] + 0.2


# --- scale -----------------------------------------------------------------------------------


def _person_rows(folder: Path) -> int:
    con = duckdb.connect()
    _load_views(con, folder)
    total = 0
    for view in ("eventbrite", "zoom", "mobilize", "signins", "audience"):
        total += _one(con, f"select count(*) from {view}")[0]
    total += _one(
        con, f"select count(*) from read_csv('{folder}/mailchimp_activity_*.csv', all_varchar=true)"
    )[0]
    return total


def test_doubling_people_doubles_rows(tmp_path):
    sample.generate(tmp_path / "small", people=1000, seed=3)
    sample.generate(tmp_path / "large", people=2000, seed=3)
    ratio = _person_rows(tmp_path / "large") / _person_rows(tmp_path / "small")
    assert 1.8 <= ratio <= 2.2


def test_sample_command_writes_the_campaign(tmp_path):
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        cli.app, ["sample", "--out", str(tmp_path / "s"), "--people", "300", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "events_calendar.csv").exists()
    assert (
        len(list((tmp_path / "s").glob("*.csv"))) == len(list((ROOT / "sample_data").glob("*.csv")))
        or not (ROOT / "sample_data" / "events_calendar.csv").exists()
    )
