"""The `turnout` command: help, init, import summaries, history and rejects, clear errors."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from pipelines import warehouse
from pipelines.cli import app
from tests.conftest import ROOT, query, write

runner = CliRunner()
CALENDAR = "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"


def turnout(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )


def test_every_command_has_help():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "sources", "import", "imports"):
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0 and "Usage" in sub.output


def test_every_help_paragraph_reads_as_one_paragraph():
    # a docstring's own line breaks used to show in the middle of the terminal's wrapping
    # ("each file in one transaction, then the" / "figures ..."): on a terminal wide
    # enough, every paragraph of a command's help is printed whole, on one line
    import inspect

    wide = CliRunner(env={"COLUMNS": "400"})
    listing = wide.invoke(app, ["--help"]).output
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        paragraphs = inspect.getdoc(command.callback).split("\n\n")
        assert " ".join(paragraphs[0].split()) in listing, name
        shown = wide.invoke(app, [name, "--help"]).output
        for paragraph in paragraphs:
            assert " ".join(paragraph.split()) in shown, (name, paragraph)


def test_init_then_import_prints_counts(tmp_path, monkeypatch):
    db = tmp_path / "t.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    assert runner.invoke(app, ["init"]).exit_code == 0
    calendar = write(tmp_path, "calendar.csv", CALENDAR)
    sheet = write(
        tmp_path,
        "sheet.csv",
        "event_id,name,email,signed_in_at\n"
        "rally-1,Ana,ana@example.org,18:00\n"
        "nope,Bo,bo@example.org,18:01\n"
        "rally-1,Cy,cy@example.org,18:02\n",
    )
    result = runner.invoke(app, ["import", str(sheet), str(calendar)])
    assert result.exit_code == 0, result.output
    # the calendar is imported first even when named second
    assert query(db, "select file_name from imports order by import_id") == [
        ("calendar.csv",),
        ("sheet.csv",),
    ]
    assert "line 3, column 'event_id'" in result.output
    assert "sheet.csv: 1 row rejected" in " ".join(result.output.split())
    history = runner.invoke(app, ["imports", "--rejects"])
    assert "sheet.csv" in history.output and "nope" in history.output
    again = runner.invoke(app, ["import", str(sheet)])
    assert "already imported" in again.output


def test_folder_import_names_skipped_files(tmp_path, monkeypatch):
    db = tmp_path / "t.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    runner.invoke(app, ["init"])
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "calendar.csv", CALENDAR)
    write(folder, "shopping.csv", "apples,pears\n1,2\n")
    write(folder, "notes.md", "# notes\n")
    result = runner.invoke(app, ["import", str(folder)], terminal_width=200)
    assert result.exit_code == 0
    assert "Skipped" in result.output and "shopping.csv" in result.output
    assert "notes.md" not in result.output
    assert query(db, "select count(*) from events") == [(1,)]


def test_errors_are_messages_not_tracebacks(tmp_path):
    env = {
        "TURNOUT_DB": str(tmp_path / "none.duckdb"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    missing_db = turnout("imports", env=env)
    assert missing_db.returncode == 1
    assert "turnout init" in missing_db.stderr and "Traceback" not in missing_db.stderr
    turnout("init", env=env)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    refused = turnout("import", str(binary), env=env)
    assert refused.returncode == 1
    assert "photo.csv" in refused.stderr and "binary" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout
    nothing = turnout("import", str(tmp_path / "absent.csv"), env=env)
    assert nothing.returncode == 1 and "Traceback" not in nothing.stderr


def test_a_folder_is_imported_file_by_file_and_its_figures_refreshed_once(tmp_path, monkeypatch):
    from pipelines import marts

    db = tmp_path / "t.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    assert runner.invoke(app, ["init"]).exit_code == 0
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "calendar.csv", CALENDAR)
    write(
        folder,
        "sheet-a.csv",
        "event_id,name,email,signed_in_at\nrally-1,Ana,ana@example.org,18:00\n",
    )
    write(
        folder,
        "sheet-b.csv",
        "event_id,name,email,signed_in_at\n"
        "rally-1,Bo,bo@example.org,18:01\n"
        "rally-1,Ana,ana@example.org,18:00\n",
    )
    write(folder, "broken.csv", "event_id,name,email,signed_in_at\nnope,Cy,cy@example.org,18:03\n")
    rebuilds = []
    real = marts.refresh
    monkeypatch.setattr(
        marts, "refresh", lambda con, **options: rebuilds.append(1) or real(con, **options)
    )
    result = runner.invoke(app, ["import", str(folder)])
    assert result.exit_code == 1  # the broken sheet is refused, the others land
    assert "broken.csv" in result.output
    assert len(rebuilds) == 1
    assert query(db, "select count(*) from imports") == [(3,)]
    assert query(db, "select count(*) from pending_refresh") == [(0,)]
    assert query(db, "select attended from mart_event_gap where event_id = 'rally-1'") == [(2,)]
    assert query(db, "select count(*) from people") == [(2,)]


def test_version_is_printed_without_a_command():
    from pipelines import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"turnout {__version__}"


def test_duckdb_draws_no_progress_bar_of_its_own(db, capfd):
    """DuckDB draws a bar on standard output for any statement over 2 s, even when it is not
    a terminal: over Turnout's own progress, into `turnout report --json`'s output, into
    the dashboard's log. Every connection Turnout opens turns it off."""
    capfd.readouterr()
    for opened in (warehouse.writer, warehouse.reader):
        with opened(db) as con:
            # as if every statement took over 2 s; it turns the bar itself back on, so only
            # its printing being off keeps it quiet
            con.execute("set progress_bar_time = 0")
            con.execute("select count(*) from range(20000000) as t(i) where i % 7 = 3").fetchall()
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
