"""`turnout forecast` and `turnout report` on Facebook "going": the forecast reads the last
copy made before it, the report the last one imported; the forecast's table says so."""

from __future__ import annotations

import io

from rich.console import Console

from pipelines import report, warehouse
from pipelines.models import present
from tests.given import event, given


def test_each_command_says_which_going_it_gives(db):
    given(
        db,
        events=[event("vigil", "2026-03-05 18:30")],
        registrations=[
            {"event_id": "vigil", "email_key": "ann@", "source": "zoom", "attended": True}
        ],
        facebook_event_snapshots=[
            {"event_id": "vigil", "snapshot_at": "2026-03-01 09:00", "going": 30},
            {"event_id": "vigil", "snapshot_at": "2026-03-07 09:00", "going": 41},
        ],
    )
    with warehouse.reader(db) as con:
        forecast = {r["event_id"]: r for r in present.forecast_rows(con)}["vigil"]
        reported = {e["event_id"]: e for e in report.events(con)}["vigil"]
    # before the event started, 30 were going; the last copy, two days after, says 41
    assert (forecast["facebook_going_then"], reported["facebook_going"]) == (30, 41)
    out = io.StringIO()
    present.render_forecast([forecast], Console(file=out, width=200))
    said = " ".join(out.getvalue().split())  # the caption wraps to the table's width
    assert "last copy imported before the forecast was made" in said
    assert "`turnout report` gives the last copy imported" in said
