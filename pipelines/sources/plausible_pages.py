"""Plausible, ``pages.csv`` from the CSV zip of a site's dashboard export.

Plausible's "Export" (the download button of a site's dashboard) is a zip of CSV
files, one per report, named after the site and the period. Unzip it and import
``pages.csv``: one row per page, ``pageviews`` as impressions and ``visitors`` as the
page's reach. The period's end comes from the zip's name when the files keep it,
else give it with --exported-at. Header from Plausible's documented export
(``name,visitors,pageviews,bounce_rate,time_on_page``), not confirmed against a real
download.
"""

from pipelines.sources import Field, Source, _web

SOURCE = Source(
    name="plausible_pages",
    title="Plausible pages export (pages.csv)",
    target="post_snapshots",
    signatures=(("name", "visitors", "pageviews", "time_on_page"),),
    fields=(
        Field("label", ("name",), required=True),
        Field("views", ("pageviews",), "count"),
        Field("visitors", ("visitors",), "count"),
    ),
    example_header="name,visitors,pageviews,bounce_rate,time_on_page",
    extra={"staging_sql": _web.staging_sql("stg_web_pages.sql")},
    header_confirmed=False,
    sample_file="plausible_pages_2026-01-01_2026-01-31.csv",
    notes="Site dashboard > Export (a zip of CSV files): unzip it and import pages.csv (or "
    "sources.csv, not both: they count the same visitors). Visitors count at awareness on the "
    "channel 'web'. Header from Plausible's documentation, not confirmed against a real file.",
)
