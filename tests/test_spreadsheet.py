"""Every CSV Turnout writes opens correctly in a French spreadsheet (';', decimal commas,
UTF-8 BOM) unless the English dialect is asked for, and never runs a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
from typer.testing import CliRunner

from pipelines import spreadsheet
from pipelines.cli import app
from tests.conftest import run_import, write

CALENDAR = (
    "event_id,name,starts_at\n"
    'e1,"=HYPERLINK(""http://x"",""y"")",2026-03-05 18:30\n'
    "e2,Vigile,2026-03-12 18:30\n"
)
SHEET = (
    "event_id,name,email,signed_in_at\n"
    "e1,A,a@example.org,2026-03-05 18:40\n"
    "e1,B,b@example.org,2026-03-05 18:41\n"
    "e1,C,c@example.org,2026-03-05 18:42\n"
)


def rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads the accents as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_french_dialect_writes_semicolons_and_decimal_commas():
    data = spreadsheet.to_bytes(
        ["événement", "taux"], [["Vigile", 0.25], ["=1+1", None]], spreadsheet.dialect("fr")
    )
    assert rows(data, ";") == [["événement", "taux"], ["Vigile", "0,25"], ["'=1+1", ""]]
    english = spreadsheet.to_bytes(["event", "rate"], [["Vigil", 0.25]], spreadsheet.dialect("en"))
    assert rows(english, ",") == [["event", "rate"], ["Vigil", "0.25"]]


def test_a_dataframe_download_follows_the_dialect():
    frame = pd.DataFrame(
        {"event": ["@SUM(A1)", "Vigil"], "rate": [0.5, float("nan")], "people": [3, 4]}
    )
    assert rows(spreadsheet.frame_bytes(frame, spreadsheet.dialect("fr")), ";") == [
        ["event", "rate", "people"],
        ["'@SUM(A1)", "0,5", "3"],
        ["Vigil", "", "4"],
    ]


def test_an_unknown_dialect_is_refused():
    try:
        spreadsheet.dialect("de")
    except ValueError as error:
        assert "fr" in str(error) and "en" in str(error)
    else:
        raise AssertionError("dialect 'de' was accepted")


def test_the_report_csv_is_french_by_default_and_never_runs_a_calendar_name(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    run_import(db, write(tmp_path, "sheet.csv", SHEET))
    runner = CliRunner()
    folder = tmp_path / "fr"
    done = runner.invoke(app, ["report", "--format", "csv", "--out", str(folder)])
    assert done.exit_code == 0, done.output
    events = rows((folder / "events.csv").read_bytes(), ";")
    name = events[0].index("name")
    assert events[1][name] == '\'=HYPERLINK("http://x","y")'
    english = tmp_path / "en"
    done = runner.invoke(app, ["report", "--format", "csv", "--out", str(english), "--csv", "en"])
    assert done.exit_code == 0, done.output
    assert rows((english / "funnel.csv").read_bytes(), ",")[0] == [
        "stage",
        "interactions",
        "people",
    ]
    wrong = runner.invoke(app, ["report", "--format", "csv", "--out", str(english), "--csv", "de"])
    assert wrong.exit_code != 0
