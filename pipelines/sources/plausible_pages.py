"""Plausible, ``pages.csv`` from the CSV zip of a site's dashboard export.

Plausible's "Export" (the download button of a site's dashboard) is a zip of CSV
files, one per report, named after the site and the period
(``Plausible export example.org 2026-01-01  to 2026-01-31 .zip``). ``pages.csv`` has one
row per page, ``pageviews`` as impressions and ``visitors`` as the page's reach. Imported
from the zip only when the zip holds no ``sources.csv`` (they count the same visits);
imported on its own, it is read whatever else there is. The period's end comes from the
zip's name. Header from Plausible's export code
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
    extra={
        "staging_sql": _web.staging_sql("stg_web_pages.sql"),
        "zip_reports": _web.PLAUSIBLE_ZIP_REPORTS,
    },
    header_confirmed=False,
    sample_file="plausible_pages_2026-01-01_2026-01-31.csv",
    notes="Site dashboard > Export (a zip of CSV files): import the zip, and Turnout reads "
    "sources.csv from it, or pages.csv when there is no sources.csv (not both: they count the "
    "same visitors); import pages.csv on its own to count by page. Visitors count at "
    "awareness on the channel 'web'. Header from Plausible's export code, not confirmed "
    "against a real file.",
)
