"""What the web analytics formats share: the period a report covers, and its staging SQL.

A web report counts visits over a period (GA4's ``# Start date`` / ``# End date``
comment lines, or the dates in the file name), not lifetime totals: each row is kept
as one snapshot dated by the period's end, so a later export of the same period
replaces it and another period adds to it. Views and visitors are not people:
they count at awareness as interactions (``docs/metrics.md``).
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from pipelines.sources import normalise_header

_PERIOD_END = ("end date", "date de fin")
# the reports Turnout reads in Plausible's export zip, by preference: they count the same
# visits (docs/metrics.md: one report per site and period), so only the first is imported
PLAUSIBLE_ZIP_REPORTS = ("sources.csv", "pages.csv")


def staging_sql(name: str) -> str:
    """A web report's staging SQL: ``stg_web_pages.sql`` makes each row a snapshot on the
    channel 'web'; another file (``stg_web_sources.sql``) reads those as ``web_snapshots``."""
    pages = _staging_file("stg_web_pages.sql")
    if name == "stg_web_pages.sql":
        return pages
    return f"with web_snapshots as (\n{pages}\n)\n{_staging_file(name)}"


def _staging_file(name: str) -> str:
    return (resources.files("pipelines") / "sql" / "staging" / name).read_text(encoding="utf-8")


def read_ga4_preamble(rows: list[list[str]]) -> dict:
    """The ``# End date: 20250211`` comment line above a GA4 table: the export time."""
    for row in rows:
        text = normalise_header(",".join(row)).lstrip("#").strip()
        label, _, value = text.partition(":")
        if label.strip() in _PERIOD_END:
            try:
                return {"exported_at": datetime.strptime(value.strip()[:8], "%Y%m%d")}
            except ValueError:
                return {}
    return {}
