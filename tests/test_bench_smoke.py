"""The benchmark harness at 10,000 interactions: every figure is there, the pandas way
agrees with Turnout. No timing is asserted (the machine may be shared)."""

from __future__ import annotations

import json
import math

from benchmarks import results, run


def test_the_harness_measures_every_figure(tmp_path):
    found = run.run(scale=10_000, runs=1, import_runs=1, work=tmp_path / "work")
    json_path, markdown = results.save(found, tmp_path / "out")

    saved = json.loads(json_path.read_text())
    for name, value in results.figures(saved).items():
        assert value is not None and not math.isnan(value), name
    assert saved["interactions"] > 5_000
    assert any(f["large"] for f in saved["import"]["formats"].values())
    for fmt in saved["import"]["formats"].values():
        assert fmt["read_csv_seconds"] > 0 and fmt["import_seconds"] > 0
    assert "overview.py" in saved["pages"]["cold_seconds"]
    assert not saved["pages"]["errors"]
    assert saved["pandas"]["differences"] == []
    numbers = saved["pandas"]["numbers"]
    assert numbers["funnel"] == {
        stage: saved["report_funnel"]["interactions"][stage]
        for stage in ("awareness", "engagement", "action")
    }
    # the two ways agree on real numbers, not on an empty campaign
    assert min(numbers["funnel"].values()) > 0
    assert sum(e["attended"] or 0 for e in numbers["events"].values()) > 0
    assert saved["report_funnel"]["people"]["action"] > 0

    text = markdown.read_text()
    for target, _ in results.TARGETS.values():
        assert target in text
    assert "python -m benchmarks.run --scale 10000" in text


def test_profile_marts_times_every_mart_and_leaves_the_database_as_it_was(db, tmp_path):
    from pipelines import marts
    from tests.conftest import query, run_import, write

    run_import(
        db,
        write(
            tmp_path, "calendar.csv", "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
        ),
    )
    run_import(
        db,
        write(
            tmp_path,
            "sheet.csv",
            "event_id,name,email,signed_in_at\n"
            "rally-1,Ana,ana@example.org,18:00\n"
            "rally-1,Bo,bo@example.org,18:01\n",
        ),
    )
    from benchmarks import profile_marts

    before = query(db, "select count(*) from mart_person_tiers")
    text = profile_marts.profile(db)
    rows = {
        line.split("|")[1].strip(): line.split("|")[3].strip() for line in text.splitlines()[2:]
    }
    assert set(rows) == {marts.table_name(stem) for stem, _ in marts.mart_files()} | {"all"}
    assert (
        rows["mart_person_tiers"] == f"{before[0][0]:,}" and rows["mart_person_months"] == "(view)"
    )
    assert query(db, "select count(*) from mart_person_tiers") == before  # rolled back


def test_profile_import_times_the_steps_and_leaves_the_refresh_pending(db, tmp_path):
    from benchmarks import profile_import
    from tests.conftest import query, run_import, write

    run_import(
        db,
        write(
            tmp_path, "calendar.csv", "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
        ),
    )
    sheet = write(
        tmp_path,
        "sheet.csv",
        "event_id,name,email,signed_in_at\nrally-1,Ana,ana@example.org,18:00\n",
    )
    text = profile_import.profile(db, sheet, refresh=False)
    assert text.startswith("sheet.csv: imported; rows read 1, loaded 1")
    for step in ("reading", "checking rows", "staging", "merging", "saving"):
        assert f"  {step} " in text
    assert "bare read_csv" in text and "refresh left pending (1 import(s))" in text
    assert query(db, "select count(*) from checkins") == [(1,)]
    assert query(db, "select count(*) from pending_refresh") == [(1,)]


def test_the_week_of_new_data_is_refreshed_both_ways_with_the_same_marts(tmp_path, monkeypatch):
    from benchmarks import incremental
    from pipelines import marts

    monkeypatch.setattr(marts, "SMALL_INPUT_ROWS", 0)  # incremental even at this size
    monkeypatch.setattr(incremental, "SHEET_ROWS", 10)  # a part of the sheet, at this size too
    monkeypatch.setattr(incremental, "READ_BACK_RUNS", 1)
    monkeypatch.setattr(incremental, "READ_BACK_PAGE_TURNS", 1)
    found = incremental.measure(scale=10_000, rounds=1, work=tmp_path / "work")
    modes = [run["mode"] for run in found["runs"]]
    assert modes == ["incremental", "full"]
    assert [week["rows"] > 0 for week in found["week"]] == [True, True, True]
    assert found["week"][-1]["rows"] <= 10
    incremental_run = found["runs"][0]
    assert incremental_run["differences"] == {}  # every mart as a full rebuild gives it
    assert incremental_run["marts"]["mart_person_records"]["added"] > 0
    assert found["runs"][1]["marts"]["mart_funnel"]["why"] == "asked for"
    # read back before the week and after it: the report and every page, without an error
    read = incremental_run["read_back"]
    for side in (read, read["before"]):
        assert len(side["report_runs"]) == 1 and side["slowest_page"].endswith(".py")
        assert side["page_errors"] == {}
    assert all(run["peak_rss_mb"] > 0 for run in found["runs"])
    # the pandas script on the campaign as it stands after the week gives turnout's numbers
    assert found["pandas"]["differences"] == []
    assert found["largest"]["file"] == incremental.NEWSLETTER
    assert len(found["sheet_runs"]) == 1
    incremental.write(found, tmp_path / "out")
    text = (tmp_path / "out" / "analysis.md").read_text()
    assert incremental.BEGIN in text and "python -m benchmarks.incremental --scale 10000" in text
    assert "not measured" not in text  # every target has its figure
    assert "before the week, in turns" in text  # reading back against its own baseline


def test_compare_sql_times_old_and_new_and_says_when_their_rows_differ(db, tmp_path):
    from benchmarks import compare_sql
    from pipelines import marts
    from tests.conftest import query, run_import, write

    run_import(
        db,
        write(
            tmp_path, "calendar.csv", "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
        ),
    )
    sql = dict(marts.mart_files())["20_mart_event_gap"]
    before = query(db, "select count(*) from mart_event_gap")
    text = compare_sql.compare(
        db, [("same", sql, sql), ("emptied", sql, sql + " where false")], 1, same_rows=True
    )
    rows = {
        line.split("|")[1].strip(): line.split("|")[4].strip() for line in text.splitlines()[2:]
    }
    assert rows == {"same": "yes", "emptied": "**no**: 1 old, 0 new"}
    assert query(db, "select count(*) from mart_event_gap") == before  # rolled back
    for name, old, new in compare_sql.changed("HEAD"):  # whatever the tree holds now
        assert old != new and name


def test_week_ab_times_a_revision_and_the_working_tree_step_by_step(tmp_path):
    from benchmarks import week_ab
    from pipelines import marts, refresh

    text = week_ab.compare(
        "HEAD", scale=10_000, rounds=1, work=tmp_path / "work", sheet=True, settled=True
    )
    lines = text.splitlines()
    assert lines[0] == "| step | HEAD | working tree | how, keys |"
    steps = {line.split("|")[1].strip(): line.split("|")[2:4] for line in lines[2:]}
    assert set(steps) == {
        "whole refresh",
        *refresh.STEPS_BEFORE,
        *(m.name for m in marts.marts()),
        *refresh.STEPS_AFTER,
    }
    for step, sides in steps.items():  # one run of each side, each a number of seconds
        assert all(float(cell) >= 0 for cell in sides), step
