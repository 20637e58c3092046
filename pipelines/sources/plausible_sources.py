"""Plausible, ``sources.csv`` (or a ``utm_*.csv``) from a site's dashboard export zip.

One row per source (``Facebook``, ``Direct / None``, a UTM campaign): visitors count
at awareness on the channel the source names. Header from Plausible's documented
export (``name,visitors,bounce_rate,visit_duration``), not confirmed against a real
download.
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
    extra={"staging_sql": _web.staging_sql("stg_web_sources.sql")},
    header_confirmed=False,
    sample_file="plausible_sources_2026-01-01_2026-01-31.csv",
    notes="Site dashboard > Export: unzip it and import sources.csv or one utm_*.csv (not "
    "with pages.csv, nor two of them: they count the same visitors). Header from Plausible's "
    "documentation, not confirmed against a real file.",
)
