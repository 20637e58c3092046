"""The synthetic campaign as `turnout sample` writes it, and its CSV files read as DuckDB views,
the way an analyst would, not from the generator's internals (the fixtures sample_campaign
and sample_views in conftest.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def csv_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    """A CSV file's rows, its header first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding), newline="")))


def zoom_attendee_line(path: Path) -> int:
    return csv_rows(path).index(["Attendee Details"]) + 1


def load_views(con, folder: Path) -> None:
    """The files of the campaign in ``folder`` as views: calendar, eventbrite, zoom, mobilize,
    signins, fb_counts and audience."""
    f = str(folder)
    con.execute(
        f"create view calendar as select * from read_csv('{f}/events_calendar.csv', "
        "all_varchar=true)"
    )
    con.execute(
        "create view eventbrite as select regexp_extract(filename, '(\\d+)\\.csv$', 1) as pid, "
        'lower("Attendee Status") as status, lower(trim(Email)) as email, '
        "strptime(\"Order Date\", '%m/%d/%y %H:%M') as ordered, "
        '"How did you hear about this event?" as heard '
        f"from read_csv('{f}/eventbrite_attendees_*.csv', filename=true, all_varchar=true)"
    )
    parts = []
    for path in sorted(folder.glob("zoom_webinar_*.csv")):
        webinar = path.stem.rsplit("_", 1)[1]
        parts.append(
            f"select '{webinar}' as pid, Attended as attended, lower(trim(Email)) as email, "
            "strptime(\"Registration Time\", '%m/%d/%Y %I:%M:%S %p') as registered "
            f"from read_csv('{path}', skip={zoom_attendee_line(path)}, header=true, "
            "all_varchar=true)"
        )
    con.execute("create view zoom as " + " union all ".join(parts))
    con.execute(
        f"create view mobilize as select * from read_csv('{f}/mobilize_participations.csv'"
        ", all_varchar=true)"
    )
    con.execute(
        f"create view signins as select event_id, lower(trim(email)) as email "
        f"from read_csv('{f}/signin_sheets.csv', all_varchar=true)"
    )
    con.execute(f"create view fb_counts as select * from read_csv('{f}/facebook_event_counts.csv')")
    con.execute(
        f'create view audience as select lower(trim("Email Address")) as email from '
        f"read_csv('{f}/mailchimp_audience_subscribed.csv', all_varchar=true)"
    )


def one(con, sql: str, params=None):
    """The first row of a query."""
    return con.execute(sql, params or []).fetchone()
