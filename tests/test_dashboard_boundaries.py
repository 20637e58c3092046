"""What the dashboard's code may reach: the pipelines never import Streamlit or plotly, only
one module imports the loader, the charts never call Streamlit; and the command that starts
the dashboard."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from typer.testing import CliRunner

from pipelines import cli
from tests.dashboard_helpers import ROOT


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_pipelines_never_import_streamlit_or_plotly():
    for path in (ROOT / "pipelines").rglob("*.py"):
        found = {n.split(".")[0] for n in _imports(path)}
        assert not found & {"streamlit", "plotly"}, path


def test_only_the_loading_module_imports_the_loader_and_only_the_data_pages_use_it():
    users = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        names = _imports(path)
        relative = path.relative_to(ROOT).as_posix()
        if names & {"pipelines.load", "pipelines.batch"}:
            assert relative == "dashboard/loading.py"
        if "dashboard.loading" in names:
            users.add(relative)
    assert users <= {
        "dashboard/app_pages/imports.py",
        "dashboard/app_pages/welcome.py",
        "dashboard/import_review.py",
    }


def test_charts_never_call_streamlit():
    assert not {n for n in _imports(ROOT / "dashboard" / "charts.py") if "streamlit" in n}


def test_dashboard_command_runs_streamlit_headless(monkeypatch):
    seen = {}
    monkeypatch.setattr(os, "execv", lambda exe, argv: seen.update(argv=argv))
    result = CliRunner().invoke(cli.app, ["dashboard"])
    assert result.exit_code == 0, result.output
    argv = seen["argv"]
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("dashboard/app.py")
    assert "--server.headless" in argv and "--browser.gatherUsageStats" in argv
    assert argv[argv.index("--server.port") + 1] == "8501"
