"""Zips of exports for the archive tests: Plausible's dashboard export built from the fixtures
of the two Plausible formats, with the other reports Plausible's export holds (headers from
Plausible's export code), and any zip made by hand; the import command run on them."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "aggregate"
SOURCES = (FIXTURES / "plausible_sources_2026-01-01_2026-01-31.csv").read_bytes()
PAGES = (FIXTURES / "plausible_pages_2026-01-01_2026-01-31.csv").read_bytes()
# Plausible names its zip after the site and the period, spaces as it writes them
PLAUSIBLE_ZIP = "Plausible export example.org 2026-01-01  to 2026-01-31 .zip"
SAME_HEADER = b"name,visitors,bounce_rate,visit_duration\n"  # sources, channels, utm_*
OTHER_REPORTS = {
    "visitors.csv": b"date,visitors,pageviews,visits,views_per_visit,bounce_rate,"
    b"visit_duration\n2026-01-01,30,41,33,1.24,55,61\n",
    "channels.csv": SAME_HEADER + b"Organic Social,190,48,62\nDirect,300,55,40\n",
    "utm_campaigns.csv": SAME_HEADER + b"infolettre-janvier,40,20,150\n",
    "entry_pages.csv": b"name,unique_entrances,total_entrances,visit_duration\n/,400,420,45\n",
    "countries.csv": b"name,visitors\nCanada,480\nFrance,42\n",
}
JAN_31 = datetime(2026, 1, 31)
# the reports of Plausible's zip that are not imported: each is listed with why
LEFT_OUT = (
    "pages.csv",
    "channels.csv",
    "utm_campaigns.csv",
    "visitors.csv",
    "entry_pages.csv",
    "countries.csv",
)


def make_zip(
    path: Path, members: dict[str, bytes | None], date_time=(2026, 2, 1, 9, 30, 0)
) -> Path:
    """A zip of ``members`` (None: a folder entry), each dated ``date_time``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time)
            if data is None:
                archive.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    return path


def plausible_zip(folder: Path) -> Path:
    """Plausible's export of January 2026 as it is downloaded, in ``folder``."""
    return make_zip(
        folder / PLAUSIBLE_ZIP,
        {
            "visitors.csv": OTHER_REPORTS["visitors.csv"],
            "sources.csv": SOURCES,
            "pages.csv": PAGES,
            **OTHER_REPORTS,
        },
    )


def cli(*args: str):
    """The command run with ``args``, its result."""
    return CliRunner().invoke(app, list(args))
