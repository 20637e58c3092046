"""Both notebooks run top to bottom on the sample campaign, and are stored without outputs."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT, SAMPLE_DATA
from tests.sample_db import sample_database

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_two_notebooks_exist():
    assert [n.name for n in NOTEBOOKS] == ["01_walkthrough.ipynb", "02_turnout_forecast.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.skipif(not (SAMPLE_DATA / "events_calendar.csv").exists(),
                    reason="no sample campaign")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_without_error(path, monkeypatch):
    # the sample is imported once per test process; the notebooks import it themselves
    # when run by hand
    monkeypatch.setenv("TURNOUT_NOTEBOOK_DB", str(sample_database()))
    notebook = nbformat.read(path, as_version=4)
    # kernel "python3" runs `python`, which jupyter_client resolves to this interpreter
    # (the venv's): the notebooks see the same packages as the tests
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
