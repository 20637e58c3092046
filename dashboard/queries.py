"""The dashboard's SQL, one constant per query, read by ``data.py`` with bound parameters.

Only marts are read, plus ``imports``/``rejects``/``key_fingerprints`` (Data page) and
``events`` (event picker). The funnel with its rates is ``pipelines.funnel``'s SQL, the
report's own.
"""

from __future__ import annotations

from pipelines import identity, keys

# state ---------------------------------------------------------------------------------

STATE_SQL = """
    select (select count(*) from information_schema.tables where table_name = 'mart_funnel'),
           (select count(*) from imports)
"""
PENDING_SQL = "select count(*) as files from pending_refresh"


# filters -------------------------------------------------------------------------------

OPTIONS_SQL = """
    -- the funnel mart's all-time cells name every campaign and channel of the facts
    select 'campaign' as kind, campaign as value from mart_funnel
    where period = 'all' and campaign not in ('(all)', '(none)')
    union select 'campaign', campaign from mart_event_gap where campaign is not null
    union select 'channel', channel from mart_funnel where period = 'all' and channel <> '(all)'
    order by kind, value
"""
RANGE_SQL = """
    with activity as (
        -- what happened up to now; the calendar's future events do not end a period
        select cast(occurred_at as date) as day from mart_funnel_facts
        where occurred_at <= current_timestamp::timestamp
    ),
    calendar as (select cast(starts_at as date) as day from mart_event_gap)
    select coalesce((select min(day) from activity), (select min(day) from calendar))
               as first_day,
           coalesce((select max(day) from activity), (select max(day) from calendar))
               as last_day
"""


# funnel --------------------------------------------------------------------------------
# the funnel with its rates, all time (a cell) or in a window, is read as the report reads
# it: pipelines.funnel (CELL_SQL, window_sql); here only the all-time breakdowns and trend


def _cells_by(column: str, fixed: str) -> str:
    """A breakdown's cells: every value of ``column`` (or the one chosen), ``fixed`` at the
    value given."""
    return f"""
        select {column} as group_value, stage, stage_rank, interactions, people
        from mart_funnel
        where period = 'all' and {fixed} = ? and {column} <> '(all)'
          and (?::varchar is null or {column} = ?)
        order by group_value, stage_rank
    """


CELLS_BY_SQL = {
    "channel": _cells_by("channel", fixed="campaign"),
    "campaign": _cells_by("campaign", fixed="channel"),
}
TREND_SQL = """
    select period_start as month, stage, stage_rank, interactions, people from mart_funnel
    where period = 'month' and campaign = ? and channel = ?
    order by period_start, stage_rank
"""


# events --------------------------------------------------------------------------------

EVENTS_SQL = "select * from mart_event_gap order by starts_at nulls last, event_id"
EVENT_CHOICES_SQL = "select event_id, name, starts_at from events order by starts_at, event_id"
FORECAST_SQL = """
    select f.*, g.name, g.campaign
    from mart_event_forecast as f join mart_event_gap as g using (event_id)
    order by f.starts_at, f.event_id
"""
HAS_FORECAST_SQL = (
    "select count(*) as n from duckdb_tables() where table_name = 'mart_event_forecast'"
)


# people (campaign leads only) ----------------------------------------------------------

PYRAMID_SQL = """
    select tier, tier_rank, count(*) as people from mart_person_tiers
    group by tier, tier_rank order by tier_rank
"""
PYRAMID_AT_SQL = """
    -- where the people known by then stood at the end of the month the period ends in: each
    -- person-month is one move in the tier flow, counted under the tier it moved to
    with chosen as (
        select max(month) as month from mart_tier_flow
        where month <= cast(date_trunc('month', ?::timestamp) as date)
    )
    select month, to_tier as tier, to_rank as tier_rank, sum(count_people) as people
    from mart_tier_flow
    where month = (select month from chosen)
    group by all order by tier_rank
"""
TIER_FLOW_SQL = "select * from mart_tier_flow order by month, from_rank, to_rank"
RETENTION_SQL = "select * from mart_retention order by cohort_month, months_after"
FOLLOW_UP_LISTED = """
    select * from mart_follow_up
    where ?::varchar is null or person_id in (
        select person_id from mart_person_records where stage = 'commitment' and campaign = ?
    )
"""
FOLLOW_UP_SQL = f"""
    with listed as ({FOLLOW_UP_LISTED})
    select rank, probability, method, registrations, upcoming, signatures, days_since_last,
           action_network_uuid, mobilize_user_id, eventbrite_attendee_number,
           zoom_registrant_email_hash
    from listed
    order by rank
    limit ?
"""
FOLLOW_UP_COUNT_SQL = f"with listed as ({FOLLOW_UP_LISTED}) select count(*) as n from listed"
# text cells are made safe for spreadsheets where the CSV is written (pipelines.spreadsheet)
FOLLOW_UP_CSV_SQL = f"""
    with listed as ({FOLLOW_UP_LISTED})
    select rank, probability, registrations, signatures,
           cast(round(days_since_last) as integer) as days_since_last,
           action_network_uuid,
           mobilize_user_id,
           eventbrite_attendee_number,
           zoom_registrant_email_hash,
           method
    from listed
    order by rank
"""


# channels ------------------------------------------------------------------------------

CHANNELS_SQL = "select * from mart_channels order by count_acted desc, first_channel"


# data page -----------------------------------------------------------------------------

IMPORTS_SQL = """
    select q.*, i.is_export_time_unknown
    from mart_import_quality as q left join imports as i using (import_id)
    order by q.import_id desc
"""
KEY_REPLACED_SQL = keys.REPLACEMENTS_SQL  # where `turnout rekey` split the people
REJECTS_SQL = """
    select r.import_id, i.file_name, r.line, r.column_name, r.reason, r.reject_code,
           r.reject_params
    from rejects as r join imports as i using (import_id)
    order by r.import_id desc, r.line
"""
QUALITY_SQL = "select check_name, count_found from mart_data_quality order by check_name"


# who came (campaign leads only) --------------------------------------------------------

EVENT_ATTENDANCE_SQL = f"""
    select {identity.person_label_sql("person_id")} as person_id,
           attendance, action_network_uuid, mobilize_user_id,
           eventbrite_attendee_number, zoom_registrant_email_hash
    from mart_event_attendance
    where event_id = ?
    order by attendance, eventbrite_attendee_number, mobilize_user_id, action_network_uuid,
             zoom_registrant_email_hash, person_id
"""
