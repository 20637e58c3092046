"""The report: METRICS.md's JSON keys, filters, empty databases, the command line."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
from typer.testing import CliRunner

from pipelines import marts, report, warehouse
from pipelines.cli import app
from tests.given import event, given
from tests.test_marts import campaign_rows

STAGES = ["awareness", "engagement", "commitment", "action"]


# each event's keys in the JSON report, as docs/metrics.md lists them
EVENT_KEYS = set(
    "event_id name starts_at facebook_going facebook_interested registered attended no_show "
    "attendance_unknown walk_ins show_up_rate facebook_going_conversion attendance_coverage".split()
)


def by_stage(*counts: int) -> dict[str, int]:
    """``counts`` from awareness to action, by stage as the report gives them."""
    return dict(zip(STAGES, counts, strict=True))


def build(db, **filters) -> dict:
    with warehouse.reader(db) as con:
        return report.build(con, **filters)


def test_json_has_the_metrics_keys(db):
    given(db, **campaign_rows())
    result = json.loads(report.to_json(build(db)))
    assert {"campaign", "funnel", "slacktivism_index", "events", "imports"} <= set(result)
    assert set(result["funnel"]) == {"interactions", "people"}
    for side in ("interactions", "people"):
        assert list(result["funnel"][side]) == STAGES
    assert set(result["imports"]) == {"files", "rows_read", "rows_loaded", "rows_rejected"}
    for row in result["events"]:
        assert EVENT_KEYS <= set(row)
    assert [e["event_id"] for e in result["events"]] == ["e1", "e2"]
    assert result["events"][0]["starts_at"] == "2026-03-05T18:30:00"
    assert result["imports"] == {"files": 1, "rows_read": 5, "rows_loaded": 4, "rows_rejected": 1}


def test_report_numbers_match_the_marts_by_hand(db):
    given(db, **campaign_rows())
    result = build(db)
    assert result["funnel"]["interactions"] == by_stage(900, 119, 58, 4)
    assert result["funnel"]["people"] == by_stage(5, 5, 4, 3)
    assert result["slacktivism_index"] == (4 - 3) / 4
    assert result["anonymous_attendees"] == 1
    e1 = result["events"][0]
    assert (e1["registered"], e1["attended"], e1["walk_ins"], e1["no_show"]) == (2, 3, 2, 1)
    assert e1["facebook_going_conversion"] == 3 / 30


def test_events_sorted_by_start_then_id(db):
    given(
        db,
        events=[
            event("b", "2026-03-05 18:30"),
            event("a", "2026-03-05 18:30"),
            event("c", "2026-03-01 09:00"),
        ],
    )
    assert [e["event_id"] for e in build(db)["events"]] == ["c", "a", "b"]


def test_campaign_and_date_filters(db):
    rows = campaign_rows()
    rows["events"].append(event("o1", "2026-03-06 18:30", campaign="other"))
    rows["checkins"].append({"event_id": "o1", "phone_key": "zed#"})
    given(db, **rows)
    other = build(db, campaign="other")
    assert other["funnel"]["interactions"]["action"] == 1
    assert other["funnel"]["people"] == {s: 1 for s in STAGES}
    assert [e["event_id"] for e in other["events"]] == ["o1"]
    # April only: Ann's registration (1 April) and her attendance at e2 (9 April)
    april = build(db, since=datetime(2026, 4, 1), until=report.parse_bound("2026-04-30", True))
    assert april["funnel"]["interactions"]["commitment"] == 1
    assert april["funnel"]["interactions"]["action"] == 1
    assert [e["event_id"] for e in april["events"]] == ["e2"]


def test_empty_database_gives_zeros_and_nulls(db):
    result = build(db)  # marts never built: nothing was imported
    assert result["funnel"] == {
        "interactions": dict.fromkeys(STAGES, 0),
        "people": dict.fromkeys(STAGES, 0),
    }
    assert result["slacktivism_index"] is None
    assert result["events"] == []
    assert result["imports"] == {"files": 0, "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0}


def test_empty_campaign_gives_zeros_and_nulls(db):
    given(db, **campaign_rows())
    result = build(db, campaign="nobody-ran-this")
    assert result["funnel"]["people"] == dict.fromkeys(STAGES, 0)
    assert result["funnel"]["interactions"] == dict.fromkeys(STAGES, 0)
    assert (result["slacktivism_index"], result["actions_per_1000_engagements"]) == (None, None)
    assert result["events"] == []


def test_wilson_interval():
    """The marts' macros, the one formula the report reads (1 of 2; 0 of 0)."""
    with duckdb.connect() as con:
        marts.install_macros(con)
        low, high = con.execute(
            "select turnout_wilson_low(1 / 2, 2), turnout_wilson_high(1 / 2, 2)"
        ).fetchone()
        nothing = con.execute(
            "select turnout_wilson_low(null, 0), turnout_wilson_high(null, 0)"
        ).fetchone()
    assert (round(low, 4), round(high, 4)) == (0.0945, 0.9055)
    assert nothing == (None, None)


def test_command_line_formats(db, tmp_path):
    given(db, **campaign_rows())
    runner = CliRunner()
    printed = runner.invoke(app, ["report", "--format", "json", "--campaign", "welcome"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["campaign"] == "welcome"
    table = runner.invoke(app, ["report"])
    assert table.exit_code == 0 and "Slacktivism index" in table.output
    folder = tmp_path / "csv"
    written = runner.invoke(app, ["report", "--format", "csv", "--out", str(folder), "--csv", "en"])
    assert written.exit_code == 0, written.output
    assert {p.name for p in folder.iterdir()} >= {"funnel.csv", "events.csv", "imports.csv"}
    assert (folder / "funnel.csv").read_text("utf-8-sig").splitlines()[1] == "awareness,900,5"
    wrong = runner.invoke(app, ["report", "--since", "yesterday"])
    assert wrong.exit_code != 0


def test_report_after_importing_templates(db, tmp_path):
    from tests.conftest import run_import, write

    calendar = write(
        tmp_path,
        "calendar.csv",
        "event_id,name,starts_at,kind,campaign,online\n"
        "e1,Welcome evening,2026-03-05 18:30,meeting,welcome,false\n"
        "e2,Webinar,2026-03-12 19:00,webinar,welcome,true\n",
    )
    sheet = write(
        tmp_path,
        "signin.csv",
        "event_id,name,email,phone,signed_in_at,heard_from\n"
        "e1,Ann,Ann@Example.org,,18:40,Flyer\n"
        "e1,Someone,,,18:45,\n"
        "e1,Someone,,,18:45,\n"
        "e1,Cat,,514 555 0101,18:50,radio\n",
    )
    facebook = write(
        tmp_path,
        "facebook.csv",
        "event_id,snapshot_at,going,interested\n"
        "e1,2026-03-01 10:00,20,50\n"
        "e1,2026-03-04 10:00,24,61\n",
    )
    petition = write(
        tmp_path,
        "petition.csv",
        "petition_id,signed_at,name,email,phone\n"
        "p1,2026-02-01 10:00,Ann,ann@example.org,\n"
        "p1,2026-02-02 10:00,Dan,dan@example.org,\n",
    )
    for path in (calendar, sheet, facebook, petition):
        assert run_import(db, path).status == "imported"
    result = build(db)
    # engagement: interested 61 (latest); commitment: going 24 + Ann and Dan signed;
    # action: Ann, Cat and the two anonymous rows. People: Ann, Cat, 2 anonymous acted,
    # Dan committed.
    assert result["funnel"]["interactions"] == by_stage(0, 61, 26, 4)
    assert result["funnel"]["people"] == by_stage(5, 5, 5, 4)
    e1, e2 = result["events"]
    assert (e1["attended"], e1["walk_ins"], e1["facebook_going"]) == (4, 4, 24)
    assert (e2["attended"], e2["attendance_unknown"]) == (None, 0)
    assert result["imports"]["files"] == 4
