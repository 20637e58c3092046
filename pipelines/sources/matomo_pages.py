"""Matomo, the "Pages" report (Actions > Pages) exported as CSV.

One row per page: Pageviews (``nb_hits``) are impressions, Unique Pageviews
(``nb_visits``, the visits that saw the page) its reach. Matomo writes its own
column names (``label,nb_visits,nb_hits,…``) or, from the interface, translated
ones (``Label,Unique Pageviews,Pageviews,…``); both are accepted, with the French
interface's names. The period is taken from the dates in the file name (Matomo
names the export after its period), else the export time must be given.
Headers taken from Matomo's API column names; the translated ones not confirmed.
"""

from pipelines.sources import Field, Source, _web

SOURCE = Source(
    name="matomo_pages",
    title="Matomo pages report",
    target="post_snapshots",
    signatures=(
        ("label", "nb_hits"),
        ("Label", "Pageviews", "Unique Pageviews"),
        ("Libellé", "Pages vues", "Pages vues uniques"),
    ),
    fields=(
        Field("label", ("label", "Libellé"), required=True),
        Field("views", ("nb_hits", "Pageviews", "Pages vues"), "count"),
        Field("visitors", ("nb_visits", "Unique Pageviews", "Pages vues uniques"), "count"),
    ),
    example_header="label,nb_visits,nb_hits,sum_time_spent,entry_nb_visits,exit_nb_visits,"
    "avg_time_on_page,bounce_rate,exit_rate",
    extra={"staging_sql": _web.staging_sql("stg_web_pages.sql")},
    header_confirmed=False,
    sample_file="matomo_pages_2026-01-01_2026-01-31.csv",
    notes="Visitors > Pages (Behaviour > Pages) > Export > CSV, flat. Pageviews count as "
    "impressions, unique pageviews at awareness on the channel 'web'. Not with the "
    "referrers report of the same period: they count the same visits. Translated headers "
    "not confirmed.",
)
