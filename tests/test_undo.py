"""Undo an import: the same tables, people and marts as if the file had never been
imported; and a preview that says what an import would do while writing nothing."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipelines import config, load, warehouse
from pipelines.cli import app
from pipelines.errors import TurnoutError
from tests.import_helpers import new_event_files

PEOPLE = Path(__file__).parent / "fixtures" / "people"
AGGREGATE = Path(__file__).parent / "fixtures" / "aggregate"
CALENDAR = PEOPLE / "calendar.csv"
EVENTBRITE = PEOPLE / "eventbrite_1234567890123.csv"
EVENTBRITE_LATER = PEOPLE / "eventbrite_1234567890123_later.csv"
POOL = [
    EVENTBRITE,
    EVENTBRITE_LATER,
    PEOPLE / "zoom_webinar_attendee_report.csv",
    PEOPLE / "mobilize_participations.csv",
    PEOPLE / "mailchimp_spring-appeal_opened.csv",
    PEOPLE / "mailchimp_spring-appeal_clicked.csv",
    PEOPLE / "osdi_people.json",
    PEOPLE / "osdi_signatures.json",
    AGGREGATE / "facebook_posts_2026-03-01.csv",
    AGGREGATE / "facebook_posts_2026-03-08.csv",
]
# bookkeeping of the undo itself, not figures (and when each mart and model was refreshed)
NOT_FIGURES = {
    "schema_version",
    "pending_refresh",
    "undone_imports",
    "key_fingerprints",
    "mart_refresh_state",
    "model_fits",
}


def exported(path: Path) -> datetime:
    """Each file's export time, told explicitly: a later file is a later export."""
    return datetime(2026, 3, 1) if path in (EVENTBRITE,) else datetime(2026, 3, 20)


def import_batch(db: Path, paths: list[Path]) -> list[load.ImportResult]:
    with load.session(db) as batch:
        return [batch.import_file(p, load.ImportOptions(exported_at=exported(p))) for p in paths]


def state(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted: canonical records, people, marts and models."""
    with warehouse.reader(db) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' "
                "and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        return {
            table: sorted(con.execute(_select_all(con, table)).fetchall(), key=repr)
            for table in tables
            if table not in NOT_FIGURES and not table.endswith("_replaced")
        }


def _select_all(con, table: str) -> str:
    """Every column but the time a model was fitted, which says when, not what."""
    columns = [name for (name, *_) in con.execute(f'describe "{table}"').fetchall()]
    return (
        f'select * exclude (fitted_at) from "{table}"'
        if "fitted_at" in columns
        else f'select * from "{table}"'
    )


def same(value, other) -> bool:
    if isinstance(value, float) and isinstance(other, float):
        return (math.isnan(value) and math.isnan(other)) or math.isclose(
            value, other, rel_tol=1e-9, abs_tol=1e-9
        )
    return value == other


def assert_same_state(before: dict, after: dict) -> None:
    assert before.keys() == after.keys()
    for table in before:
        rows, again = before[table], after[table]
        assert len(rows) == len(again), table
        for row, other in zip(rows, again, strict=True):
            assert all(same(a, b) for a, b in zip(row, other, strict=True)), (table, row, other)


def new_db(folder: Path) -> Path:
    db = folder / "turnout.duckdb"
    warehouse.create(db)
    config.ensure_secret(db)
    return db


def test_undoing_a_newer_export_brings_back_the_status_it_replaced(db):
    import_batch(db, [CALENDAR, EVENTBRITE])
    before = state(db)
    [later] = import_batch(db, [EVENTBRITE_LATER])
    assert (later.rows_loaded, later.rows_replaced) == (1, 1)  # 7002: Attending → Checked In
    assert state(db) != before
    undone = load.undo_import(db, later.import_id)
    assert (undone.rows_removed, undone.rows_restored) == (1, 1)
    assert_same_state(before, state(db))
    with warehouse.reader(db) as con:
        assert con.execute(
            "select status from registrations where source_ref = '7002'"
        ).fetchall() == [("attending",)]
        assert con.execute("select import_id, file_name from undone_imports").fetchall() == [
            (later.import_id, EVENTBRITE_LATER.name)
        ]


def test_an_undone_file_can_be_imported_again(db):
    import_batch(db, [CALENDAR, EVENTBRITE])
    once = state(db)
    [again] = import_batch(db, [EVENTBRITE_LATER])
    load.undo_import(db, again.import_id)
    [back] = import_batch(db, [EVENTBRITE_LATER])
    assert back.status == "imported" and back.rows_loaded == 1
    load.undo_import(db, back.import_id)
    assert_same_state(once, state(db))


def test_a_calendar_whose_events_are_used_cannot_be_undone_first(db):
    calendar, _ = import_batch(db, [CALENDAR, EVENTBRITE])
    before = state(db)
    with pytest.raises(TurnoutError) as refused:
        load.undo_import(db, calendar.import_id)
    assert refused.value.code == "undo.events_in_use"
    assert "rally-2026-03" in str(refused.value)
    assert_same_state(before, state(db))


def test_an_unknown_import_is_refused(db):
    with pytest.raises(TurnoutError) as refused:
        load.undo_import(db, 42)
    assert refused.value.code == "undo.unknown_import"


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_importing_then_undoing_a_file_is_never_importing_it(tmp_path_factory, data):
    chosen = data.draw(st.lists(st.sampled_from(POOL), min_size=2, max_size=5, unique=True))
    *first, last = chosen
    db = new_db(tmp_path_factory.mktemp("undo"))
    import_batch(db, [CALENDAR, *first])
    before = state(db)
    [result] = import_batch(db, [last])
    if result.status == "imported":
        load.undo_import(db, result.import_id)
    assert_same_state(before, state(db))


def test_a_preview_counts_as_the_import_would_and_writes_nothing(db):
    import_batch(db, [CALENDAR, EVENTBRITE])
    before = state(db)
    size = Path(db).stat().st_size
    with load.session(db, refresh_figures=False) as batch:
        [preview] = batch.preview(
            [(EVENTBRITE_LATER, load.ImportOptions(exported_at=exported(EVENTBRITE_LATER)))]
        )
    assert preview.status == "preview"
    assert_same_state(before, state(db))
    assert Path(db).stat().st_size == size
    [real] = import_batch(db, [EVENTBRITE_LATER])
    assert (
        (preview.rows_read, preview.rows_loaded, preview.rows_duplicate, preview.rows_rejected)
        == (real.rows_read, real.rows_loaded, real.rows_duplicate, real.rows_rejected)
        == (6, 1, 5, 0)
    )


def test_a_preview_sees_the_files_before_it_in_the_batch(db, tmp_path):
    """A sign-in sheet previewed after the calendar that adds its event loads; alone, its
    rows would be rejected (the event is unknown)."""
    calendar, sheet = new_event_files(
        tmp_path,
        "new-1,A,a@example.org,2026-03-30 18:05\n",
        "new-1,B,b@example.org,2026-03-30 18:06\n",
    )
    before = state(db)
    with load.session(db, refresh_figures=False) as batch:
        first, second = batch.preview(
            [(calendar, load.ImportOptions()), (sheet, load.ImportOptions())]
        )
        [alone] = batch.preview([(sheet, load.ImportOptions())])
    assert (first.rows_loaded, second.rows_loaded, second.rows_rejected) == (1, 2, 0)
    assert isinstance(alone, TurnoutError) and alone.code == "rows.mostly_rejected"
    assert_same_state(before, state(db))


def test_the_command_line_previews_and_undoes(db):
    runner = CliRunner()
    done = runner.invoke(app, ["import", str(CALENDAR), str(EVENTBRITE)])
    assert done.exit_code == 0, done.output
    preview = runner.invoke(app, ["import", "--dry-run", str(EVENTBRITE_LATER)])
    assert preview.exit_code == 0, preview.output
    assert "preview" in preview.output and "Nothing was written" in preview.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from imports").fetchone()[0] == 2
    undone = runner.invoke(app, ["imports", "--undo", "2"])
    assert undone.exit_code == 0, undone.output
    assert "Undid import #2" in undone.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from registrations").fetchone()[0] == 0
        assert con.execute("select count(*) from pending_refresh").fetchone()[0] == 0
    unknown = runner.invoke(app, ["imports", "--undo", "9"])
    assert unknown.exit_code == 1 and "no import #9" in unknown.output
