"""Who came, per event: every registrant with came / did not come / unknown, by the ids
the source systems know them by; the lead's CSV of it; never the board's."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import query
from tests.given import event, given, stored_key

ROWS = {
    "events": [event("e1"), event("e2", "2026-04-09 19:00")],
    "registrations": [
        {"event_id": "e1", "email_key": "ann@", "attended": True, "source_ref": "7001"},
        {"event_id": "e1", "email_key": "bob@", "source": "mobilize", "source_ref": "u-22"},
        {"event_id": "e1", "email_key": "cy@", "is_cancelled": True, "source_ref": "7003"},
        {"event_id": "e2", "email_key": "ann@", "source": "zoom_webinar"},
    ],
    "checkins": [{"event_id": "e1", "email_key": "dee@"}, {"event_id": "e1"}],
}


def listed(db) -> set[tuple]:
    """(event, a key of the person, attendance, Eventbrite, Mobilize and Zoom ids)."""
    return set(
        query(
            db,
            """
        select a.event_id, min(k.key_hash), a.attendance, a.eventbrite_attendee_number,
               a.mobilize_user_id, a.zoom_registrant_email_hash
        from mart_event_attendance as a join person_keys as k using (person_id)
        group by all
    """,
        )
    )


def test_each_registrant_came_did_not_or_is_unknown(db):
    given(db, **ROWS)
    ann, bob, dee = stored_key("ann@"), stored_key("bob@"), stored_key("dee@")
    assert listed(db) == {
        ("e1", ann, "came", "7001", None, None),
        ("e1", bob, "no_show", None, "u-22", None),  # e1 has attendance records: no-show
        ("e1", dee, "walk_in", None, None, None),  # came without registering
        # nobody recorded e2's attendance; Zoom's id: the 32 hex digits of Ann's email key
        ("e2", ann, "unknown", None, None, format(ann, "032x")),
    }  # cy@ cancelled: not listed; the anonymous sign-in is counted, never listed


def test_the_command_line_writes_one_events_list_for_a_french_spreadsheet(db, tmp_path):
    given(db, **ROWS)
    out = tmp_path / "e1.csv"
    done = CliRunner().invoke(app, ["attendance", "e1", "--out", str(out)])
    assert done.exit_code == 0, done.output
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert sorted(
        (r["attendance"], r["eventbrite_attendee_number"], r["mobilize_user_id"]) for r in rows
    ) == [("came", "7001", ""), ("no_show", "", "u-22"), ("walk_in", "", "")]
    assert list(rows[0])[:3] == ["event_id", "person_id", "attendance"]
    # a person reads the id as 'p' and the first 15 hex digits of their smallest key
    came = next(r for r in rows if r["attendance"] == "came")
    assert came["person_id"] == "p" + format(stored_key("ann@"), "032x")[:15]
    unknown = CliRunner().invoke(app, ["attendance", "nope", "--out", str(out)])
    assert unknown.exit_code == 1 and "nope" in unknown.output


def test_the_lead_sees_each_events_list_and_the_board_never_does(small_db):
    from tests.dashboard_helpers import PAGES, app, no_exception  # app: the dashboard's

    at = app("fr").switch_page(PAGES["attendance"]).run()
    no_exception(at)
    event_id = at.selectbox(key="w_attendance").value
    expected = query(
        small_db,
        "select attendance, count(*) from mart_event_attendance where event_id = ? group by all",
        [event_id],
    )
    shown = at.dataframe[0].value
    assert len(shown) == sum(n for _, n in expected) > 0
    assert set(shown["Venu\u00a0?"]) <= {
        "venu",
        "pas venu",
        "inconnu (présence non relevée)",
        "venu sans inscription",
    }
    assert "@" not in " ".join(map(str, shown.to_numpy().ravel()))
    with pytest.raises(ValueError):  # the board is never offered the page
        app("fr", "board").switch_page(PAGES["attendance"])
