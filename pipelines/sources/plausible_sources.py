"""Plausible, ``sources.csv`` (or a ``utm_*.csv``) from a site's dashboard export zip.

One row per source (``Facebook``, ``Direct / None``, a UTM campaign): visitors count
at awareness on the channel the source names. From the zip itself, Turnout imports
``sources.csv`` only: ``channels.csv``, ``referrers.csv`` and the ``utm_*.csv`` share its
header and count the same visits again (import one of them on its own instead). Header
from Plausible's export code (``name,visitors,bounce_rate,visit_duration``), not
confirmed against a real download.
"""

from pipelines.sources import Field, Source, _web

SOURCE = Source(
    name="plausible_sources",
    title="Plausible sources export (sources.csv)",
    target="post_snapshots",
    signatures=(("name", "visitors", "bounce_rate", "visit_duration"),),
    fields=(
        Field("label", ("name",), required=True),
        Field("visitors", ("visitors",), "count"),
        Field("views", ("pageviews", "visits"), "count"),  # not in sources.csv: left empty
    ),
    example_header="name,visitors,bounce_rate,visit_duration",
    extra={
        "staging_sql": _web.staging_sql("stg_web_sources.sql"),
        "zip_reports": _web.PLAUSIBLE_ZIP_REPORTS,
    },
    header_confirmed=False,
    sample_file="plausible_sources_2026-01-01_2026-01-31.csv",
    notes="Site dashboard > Export: import the zip, and Turnout reads sources.csv from it "
    "(not pages.csv, channels.csv nor the utm_*.csv as well: they count the same visitors); "
    "import one utm_*.csv on its own to count by campaign instead. Header from Plausible's "
    "export code, not confirmed against a real file.",
)
