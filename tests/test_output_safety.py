"""Names from files reach a terminal and a spreadsheet as plain text: no Rich markup, no ANSI
sequence obeyed, no formula run."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from pipelines import cli
from pipelines.cli import app
from pipelines.terminal import safe
from tests.conftest import run_import, write

runner = CliRunner()
MARKUP = "[bold red]x"
ANSI = "\x1b[31mred"
FORMULA = '=HYPERLINK("http://evil.example","Vigil")'
QUOTED = '"' + FORMULA.replace('"', '""') + '"'  # as a CSV cell


def test_safe_keeps_markup_as_text_and_shows_control_characters():
    from rich.console import Console

    console = Console(force_terminal=False, width=200)
    with console.capture() as captured:
        console.print(safe(f"{MARKUP}.csv {ANSI}\n+bell\x07"), highlight=False)
    assert captured.get() == "[bold red]x.csv \\x1b[31mred\\n+bell\\x07\n"


def test_file_names_print_as_they_are(db, tmp_path, monkeypatch):
    monkeypatch.setattr(cli.console, "_width", 250)  # names whole on one line
    monkeypatch.setattr(cli.errors, "_width", 250)
    calendar = write(
        tmp_path,
        f"{MARKUP}\x1b[2J.csv",
        "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n",
    )
    result = runner.invoke(app, ["import", str(calendar)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert f"{MARKUP}\\x1b[2J.csv" in result.output
    history = runner.invoke(app, ["imports"])
    assert "\x1b" not in history.output and "[bold" in history.output
    refused = write(tmp_path, f"{MARKUP}-empty.csv", "")
    result = runner.invoke(app, ["import", str(refused)])
    assert f"{MARKUP}-empty.csv" in result.output


def calendar_with_hostile_names(db, tmp_path):
    calendar = write(
        tmp_path,
        "calendar.csv",
        "event_id,name,starts_at,campaign\n"
        f"e1,{QUOTED},2026-03-05 18:30,+campaign\n"
        f"e2,{MARKUP} {ANSI},2026-03-06 18:30,welcome\n",
    )
    assert run_import(db, calendar).status == "imported"


def test_the_reports_csv_never_carries_a_formula(db, tmp_path):
    calendar_with_hostile_names(db, tmp_path)
    folder = tmp_path / "report"
    result = runner.invoke(app, ["report", "--format", "csv", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    with open(folder / "events.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))  # the French dialect by default
    names = {row["event_id"]: row["name"] for row in rows}
    assert names["e1"] == "'" + FORMULA
    assert {row["campaign"] for row in rows} == {"'+campaign", "welcome"}
    for row in rows:  # numbers stay numbers
        assert not any(v.startswith("'") for k, v in row.items() if k not in ("name", "campaign"))


def test_the_reports_table_prints_event_names_as_they_are(db, tmp_path):
    calendar_with_hostile_names(db, tmp_path)
    result = runner.invoke(app, ["report", "--campaign", "[blink]welcome"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "[blink]welcome" in result.output
    table = runner.invoke(app, ["report"], terminal_width=200)
    assert "\x1b" not in table.output and "[bold" in table.output
