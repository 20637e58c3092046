"""The refresh after a batch (people, marts, models) copes with what a calendar leaves out."""

from __future__ import annotations

from pipelines import load, warehouse
from pipelines.models import forecast
from tests.conftest import query, write
from tests.given import event, given


def test_an_event_whose_format_is_unknown_is_forecast_as_in_person(db, tmp_path):
    people = [f"p{i}@" for i in range(10)]
    registrations = [
        {
            "event_id": "past",
            "email_key": key,
            "registered_at": "2026-01-01",
            "attended": i % 2 == 0,
        }
        for i, key in enumerate(people)
    ]
    registrations += [
        {"event_id": "next", "email_key": key, "registered_at": "2026-04-01"} for key in people[:4]
    ]
    given(
        db,
        events=[
            event("past", "2026-01-10 18:00", kind="rally", is_online=False),
            event("next", "2026-04-20 18:00", kind="rally", is_online=None),
        ],
        registrations=registrations,
    )
    with warehouse.writer(db) as con:
        forecast.refresh(con)
    rows = dict(query(db, "select event_id, method from mart_event_forecast"))
    assert rows["next"] == forecast.RATE
    # and through an import: a calendar row with an empty is_online column
    calendar = write(
        tmp_path,
        "calendar.csv",
        "event_id,name,starts_at,is_online\nlater,Later,2026-06-01 18:00,\n",
    )
    result = load.import_file(db, calendar)
    assert result.rows_loaded == 1
    assert query(db, "select count(*) from pending_refresh") == [(0,)]
    assert query(db, "select count(*) from mart_event_forecast where event_id = 'later'") == [(1,)]


def test_the_report_says_when_imported_files_are_not_in_the_figures_yet(db, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    load.import_file(
        db,
        write(
            tmp_path, "calendar.csv", "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
        ),
    )
    sheet = write(
        tmp_path, "s.csv", "event_id,name,email,signed_in_at\nrally-1,Ana,ana@example.org,18:00\n"
    )
    with warehouse.writer(db) as con:  # a batch whose refresh never ran
        batch = load.Session(db, con)
        batch.import_file(sheet)

    def report() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "report", "--format", "json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    before = report()
    assert before.returncode == 0
    assert "1 imported file(s) are not in these figures yet" in before.stderr
    assert attended(before) is None  # the sign-in sheet is not in the marts yet
    assert load.import_file(db, sheet).status == "already imported"  # and the batch refreshes
    after = report()
    assert "not in these figures" not in after.stderr
    assert attended(after) == 1


def attended(done) -> int | None:
    import json

    events = {e["event_id"]: e for e in json.loads(done.stdout)["events"]}
    return events["rally-1"]["attended"]


def test_a_batch_links_people_as_a_full_relink_would(db):
    from pipelines import identity
    from tests.conftest import SAMPLE_DATA

    files, _ = load.expand([SAMPLE_DATA], load.ImportOptions())
    half = len(files) // 2
    for batch_files in (files[:half], files[half:]):  # the second batch relinks only its people
        with load.session(db) as batch:
            for path in batch_files:
                assert batch.import_file(path).status == "imported"
    linked = sorted(query(db, "select key_hash, person_id from person_keys"))
    people = sorted(query(db, "select person_id, count_keys from people"))
    with warehouse.writer(db) as con:
        con.execute("begin transaction")
        identity.resolve_people(con)  # from every record, as if nothing had been linked
        assert (
            sorted(con.execute("select key_hash, person_id from person_keys").fetchall()) == linked
        )
        assert sorted(con.execute("select person_id, count_keys from people").fetchall()) == people
        con.execute("rollback")
    assert len(people) > 1000
