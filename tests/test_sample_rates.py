"""The synthetic campaign shows the published rates (no-shows, webinar attendance, Facebook's
going and interested, an email list that mostly never acts) and effects a forecast can learn
(reminders, registering early, how people heard, coming before, online against in person).

Rates and effects are computed from the written CSV files with DuckDB."""

from __future__ import annotations

from tests.sample_files import one

# --- published rates -------------------------------------------------------------------------

PAST = "(select eventbrite_event_id from calendar where starts_at < '2026-11-01')"


def test_in_person_no_show_is_about_28_percent(sample_views):
    show = one(
        sample_views,
        f"select avg((status = 'checked in')::int) from eventbrite "
        f"where status <> 'not attending' and pid in {PAST}",
    )[0]
    assert 0.62 <= show <= 0.82


def test_webinar_registrants_attend_30_to_45_percent(sample_views):
    rate = one(
        sample_views,
        "select avg(came::int) from (select pid, email, bool_or(attended = 'Yes') "
        "as came from zoom group by all)",
    )[0]
    assert 0.30 <= rate <= 0.45


def test_facebook_going_and_interested_conversions(sample_views):
    going, interested, attended = one(
        sample_views,
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


def test_most_of_the_email_list_never_acts_offline(sample_views):
    share = one(
        sample_views,
        """select avg((email in (select email from eventbrite where status =
        'checked in' union select user__email_address from mobilize where attended = 'true'
        union select email from signins where email is not null))::int) from audience""",
    )[0]
    assert share < 0.3


# --- effects a forecast can learn -------------------------------------------------------------


# how long before the event a person registered: late (3 days or less), early (21 or more)
LEAD_TIME = """case when date_diff('day', registered_at, starts_at) <= 3 then 'late'
    when date_diff('day', registered_at, starts_at) >= 21 then 'early' else 'middle' end"""
# how a person heard of the event: offline, on social media, or otherwise
HEARD_FROM = """case when heard in ('ami', 'flyer', 'radio', 'église/mosquée') then 'offline'
    when heard in ('Facebook', 'Instagram', 'X') then 'social' else 'other' end"""


def _reg_rates(con, where: str, group: str) -> dict:
    """The show-up rate of past Eventbrite and Zoom registrations ``where``, by ``group``."""
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


def test_reminders_raise_show_up(sample_views):
    for platform in ("eventbrite", "zoom"):
        rates = _reg_rates(sample_views, f"platform = '{platform}'", "reminder_sent")
        assert rates["true"] > rates["false"] + 0.04, platform


def test_registering_long_before_lowers_show_up(sample_views):
    rates = _reg_rates(sample_views, "true", LEAD_TIME)
    assert rates["late"] > rates["early"] + 0.05


def test_flyer_and_friends_come_more_than_facebook(sample_views):
    rates = _reg_rates(sample_views, "platform = 'eventbrite'", HEARD_FROM)
    assert rates["offline"] > rates["social"] + 0.1


def test_people_who_came_before_come_again(sample_views):
    rates = dict(
        sample_views.execute(f"""
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


def test_online_events_have_lower_show_up_than_in_person(sample_views):
    rates = _reg_rates(sample_views, "true", "platform")
    assert rates["eventbrite"] > rates["zoom"] + 0.2
