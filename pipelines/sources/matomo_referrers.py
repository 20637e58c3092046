"""Matomo, the "Referrers" reports (All channels, Websites, Campaigns) exported as CSV.

One row per referrer, channel type or campaign: Visits (``nb_visits``) count as
impressions, Unique visitors (``nb_uniq_visitors``) as the reach, else the visits,
on the channel the row names. Matomo's own column names or the translated ones are
accepted. Headers taken from Matomo's API column names; the translated ones not
confirmed.
"""

from pipelines.sources import Field, Source, _web

SOURCE = Source(
    name="matomo_referrers",
    title="Matomo referrers report",
    target="post_snapshots",
    signatures=(
        ("label", "nb_visits", "nb_actions"),
        ("Label", "Visits", "Actions"),
        ("Libellé", "Visites", "Actions"),
    ),
    fields=(
        Field("label", ("label", "Libellé"), required=True),
        Field("views", ("nb_visits", "Visits", "Visites"), "count"),
        Field("visitors", ("nb_uniq_visitors", "Unique visitors", "Visiteurs uniques"), "count"),
    ),
    example_header="label,nb_uniq_visitors,nb_visits,nb_actions,nb_users,max_actions,"
    "sum_visit_length,bounce_count,nb_visits_converted",
    extra={"staging_sql": _web.staging_sql("stg_web_sources.sql")},
    header_confirmed=False,
    sample_file="matomo_referrers_2026-01-01_2026-01-31.csv",
    notes="Acquisition > All channels (or Websites, Campaigns) > Export > CSV. Visitors count "
    "at awareness on the channel of their referrer. Not with the pages report of the same "
    "period. Translated headers not confirmed.",
)
