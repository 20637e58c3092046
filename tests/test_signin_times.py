"""A sign-in time is read as sheets write it (18:45, 18h45, 18 h); one nobody can read
("demain") rejects its row with a reason, never a silent blank."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import query, run_import, write

CALENDAR = "event_id,name,starts_at\nvigil,Vigile,2026-03-12 18:00\n"
SHEET = (
    "event_id,name,email,signed_in_at\n"
    "vigil,A,a@example.org,18:45\n"
    "vigil,B,b@example.org,18h50\n"
    "vigil,C,c@example.org,19 h\n"
    "vigil,D,d@example.org,demain\n"
    "vigil,E,e@example.org,\n"
)


def test_times_as_sheets_write_them_and_a_reason_for_the_rest(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    result = run_import(db, write(tmp_path, "sheet.csv", SHEET))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    [reject] = result.rejects
    assert reject["line"] == 5 and reject["code"] == "row.not_a_time"
    assert "'demain' is not a time of arrival" in reject["reason"]
    times = sorted(
        t for (t,) in query(db, "select signed_in_at from checkins where signed_in_at is not null")
    )
    assert times == [
        datetime(2026, 3, 12, 18, 45),
        datetime(2026, 3, 12, 18, 50),
        datetime(2026, 3, 12, 19, 0),
    ]
    assert query(db, "select count(*) from checkins")[0][0] == 4  # E came; no time given


def test_an_email_shifted_into_the_time_is_never_quoted(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    sheet = (
        "event_id,name,email,signed_in_at\n"
        "vigil,A,a@example.org,18:45\n"
        "vigil,B,b@example.org,18:46\n"
        "vigil,C,,helene.cote@example.org\n"
    )
    result = run_import(db, write(tmp_path, "shifted.csv", sheet))
    [reject] = result.rejects
    assert reject["code"].startswith("row.not_a_time") and reject["line"] == 4
    shown = reject["reason"] + str(reject["params"])
    assert "helene" not in shown and "example.org" not in shown
