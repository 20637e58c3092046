"""Missing data never looks like zero: a month whose events have no attendance recorded is
a gap in the Overview's trend, marked "not yet recorded", not a fall to 0."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import i18n
from tests.dashboard_helpers import app, decode, figures, no_exception
from tests.given import event, given

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def unrecorded_db(db):
    # February: a vigil with its sign-in sheet; March: a rally with RSVPs, no sheet imported
    given(
        db,
        imports=[{"import_id": 1, "file_name": "x.csv", "rows_read": 1, "rows_loaded": 1}],
        events=[event("vigil", "2026-02-10 18:30"), event("rally", "2026-03-12 18:30")],
        registrations=[
            {
                "event_id": "rally",
                "email_key": f"r{i}@",
                "source": "actionnetwork_rsvps",
                "registered_at": "2026-03-01 10:00",
            }
            for i in range(6)
        ],
        checkins=[{"event_id": "vigil", "email_key": f"v{i}@"} for i in range(7)],
    )
    return db


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_month_without_attendance_is_a_gap_not_a_zero(unrecorded_db, lang):
    at = app(lang, "lead", f_period="90")
    no_exception(at)
    trend = next(f for f in figures(at) if f["data"][0]["type"] == "scatter")
    action = next(t for t in trend["data"] if t["name"] == i18n.t(lang, "stage.action"))
    by_month = dict(zip(decode(trend["data"][0]["x"]), decode(action["y"]), strict=True))
    assert by_month[i18n.month(lang, pd.Timestamp("2026-02-01"))] == 7
    march = i18n.month(lang, pd.Timestamp("2026-03-01"))
    assert by_month[march] is None  # a gap: neither 0 nor any other number
    marks = [a["text"] for a in trend["layout"].get("annotations", [])]
    assert i18n.t(lang, "chart.not_recorded") in marks
    assert i18n.t(lang, "chart.not_recorded.note", months=march) in [c.value for c in at.caption]
