"""Both notebooks run top to bottom on the sample campaign, show what the sample files say,
and are stored without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests import sample_expected
from tests.conftest import ROOT, SAMPLE_DATA
from tests.sample_db import sample_database

with_sample = pytest.mark.skipif(
    not (SAMPLE_DATA / "events_calendar.csv").exists(), reason="no sample campaign"
)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_two_notebooks_exist():
    assert [n.name for n in NOTEBOOKS] == ["01_walkthrough.ipynb", "02_turnout_forecast.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


# what each notebook found, printed as JSON by one more cell run after its own
PROBES = {
    "01_walkthrough.ipynb": """
import json
print(json.dumps({
    "people": dict(zip(funnel["stage"], funnel["people"].astype(int).tolist())),
    "attended": {row.event_id: int(row.attended) for row in gap.itertuples()},
    "kinds": sorted(groups["kind"]),
}))
""",
    "02_turnout_forecast.ipynb": """
import json
print(json.dumps({
    "actual": {row.event_id: int(row.actual) for row in events.itertuples()},
    "coverage": coverage[forecast.MODEL],
    "mae": summary["mae"][forecast.MODEL],
    "upcoming": con.execute("select count(*) from mart_event_forecast "
                            "where is_upcoming").fetchone()[0],
}))
""",
}


def run_notebook(path: Path) -> dict:
    """Run the notebook top to bottom (raising CellExecutionError on the first failing
    cell), then its probe; returns what the probe printed."""
    notebook = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(PROBES[path.name])
    notebook.cells.append(probe)
    # kernel "python3" runs `python`, which jupyter_client resolves to this interpreter
    # (the venv's): the notebooks see the same packages as the tests
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    printed = "".join(o.get("text", "") for o in probe.outputs if o.output_type == "stream")
    return json.loads(printed)


@pytest.fixture
def notebook_db(monkeypatch) -> Path:
    # the sample is imported once per test process; the notebooks import it themselves
    # when run by hand
    db = sample_database()
    monkeypatch.setenv("TURNOUT_NOTEBOOK_DB", str(db))
    return db


@with_sample
def test_the_walkthrough_shows_the_files_funnel_and_gap(notebook_db):
    found = run_notebook(ROOT / "notebooks" / "01_walkthrough.ipynb")
    people, _ = sample_expected.people_funnel()  # from the files, read on their own
    assert found["people"] == people
    came = {
        event: row["attended"]
        for event, row in sample_expected.expected_events().items()
        if row["attended"] is not None
    }
    assert found["attended"] == came
    calendar = sample_expected.rows("events_calendar.csv")
    assert found["kinds"] == sorted({e["kind"] for e in calendar if e["event_id"] in came})


@with_sample
def test_the_forecast_is_judged_on_every_past_event_with_attendance(notebook_db):
    found = run_notebook(ROOT / "notebooks" / "02_turnout_forecast.ipynb")
    came = {
        event: row["attended"]
        for event, row in sample_expected.expected_events().items()
        if row["attended"] is not None
    }
    assert found["actual"] == came  # what really happened, as the files say
    assert 0 <= found["coverage"] <= 1 and 0 <= found["mae"] < max(came.values())
    calendar = sample_expected.rows("events_calendar.csv")
    today = "2026-11-01"  # the sample campaign's today (sample_data/README.md)
    assert found["upcoming"] == sum(e["starts_at"] >= today for e in calendar) > 0
