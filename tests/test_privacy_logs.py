"""Logs hold no personal data (docs/security.md): an import of a file full of canaries, through
the command line and through the dashboard, with every logger at DEBUG.

Streamlit's own loggers do not pass their records up to the root logger: each logger is
listened to directly. The running server's output is read in ``test_browser_privacy.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard import loading
from pipelines.cli import app as cli
from tests.dashboard_helpers import PAGES, app, no_exception
from tests.test_privacy import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE, leaks

LOGGERS = ("", "pipelines", "dashboard", "streamlit", "turnout", "py.warnings")
CALENDAR = "event_id,name,starts_at,kind,campaign\nlog-test,Log test,2026-03-30 18:00,meeting,x\n"
# a sign-in sheet with a canary in every cell a person fills in, and a shifted row whose email
# lands in the time column (its reject reason must not quote it)
SHEET = (
    "event_id,name,email,phone,signed_in_at,heard_from\n"
    + "".join(f"log-test,Ana {i},ana{i}@example.org,,18:0{i},flyer\n" for i in range(4))
    + f"log-test,{CANARY_NAME},{CANARY_EMAIL},{CANARY_PHONE},18:30,par {CANARY_EMAIL}\n"
    + f"log-test,{CANARY_EMAIL},{CANARY_PHONE},{CANARY_NAME},{CANARY_PHONE}\n"
)
SHEET_NAME = f"presences {CANARY_EMAIL}.csv"


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message, its arguments, any traceback


@pytest.fixture
def logs(monkeypatch) -> Iterator[Everything]:
    """Every record of every logger that matters, at DEBUG, with the warnings.

    Each of Streamlit's loggers has its own level and handler and passes nothing up
    (``streamlit.logger``): its level is set and this handler added to each, as
    ``--logger.level debug`` would, and to those made later."""
    from streamlit import logger as st_logger

    handler = Everything()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    before = [(lg, lg.level) for lg in loggers]
    level_before = st_logger._global_log_level
    st_logger.set_log_level(logging.DEBUG)
    loggers += list(st_logger._loggers.values())
    made = st_logger.get_logger

    def made_and_heard(name: str) -> logging.Logger:
        found = made(name)
        found.addHandler(handler)
        return found

    monkeypatch.setattr(st_logger, "get_logger", made_and_heard)
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    logging.captureWarnings(True)
    try:
        yield handler
    finally:
        logging.captureWarnings(False)
        st_logger.set_log_level(level_before)
        for lg in [*loggers, *st_logger._loggers.values()]:
            lg.removeHandler(handler)
        for lg, level in before:
            lg.setLevel(level)


def _said(lines: list[str]) -> list[str]:
    return [line for line in lines if leaks(line)]


def _files(folder: Path) -> tuple[Path, Path]:
    calendar = folder / "calendar.csv"
    calendar.write_text(CALENDAR, encoding="utf-8")
    sheet = folder / SHEET_NAME
    sheet.write_text(SHEET, encoding="utf-8")
    return calendar, sheet


def test_an_import_from_the_command_line_logs_no_personal_data(tmp_path, monkeypatch, logs):
    monkeypatch.setenv("TURNOUT_DB", str(tmp_path / "data" / "turnout.duckdb"))
    calendar, sheet = _files(tmp_path)
    runner = CliRunner()
    output = [runner.invoke(cli, ["init"]).output]
    for arguments in (
        ["import", str(calendar)],
        ["import", str(sheet), "--campaign", f"printemps {CANARY_PHONE}"],
        ["imports", "--rejects"],
        ["report"],
    ):
        result = runner.invoke(cli, arguments, terminal_width=250)
        assert result.exit_code == 0, result.output
        output.append(result.output)
    assert "rejected" in "".join(output)  # the shifted row was read, and rejected
    logging.getLogger("pipelines.load").debug("heard")
    assert logs.lines[-1] == "pipelines.load DEBUG heard"  # the loggers are listened to
    assert _said(logs.lines) == []
    assert _said("".join(output).splitlines()) == []


@pytest.fixture
def dashboard_db(fresh_caches, tmp_path, monkeypatch) -> Path:
    db = tmp_path / "data" / "turnout.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    monkeypatch.setattr(loading, "_swept_since_start", True)
    return db


def test_an_import_from_the_dashboard_logs_no_personal_data(dashboard_db, tmp_path, logs):
    calendar, sheet = _files(tmp_path)
    at = app("fr").switch_page(PAGES["data"]).run()
    at.file_uploader[0].set_value(
        [
            (calendar.name, calendar.read_bytes(), "text/csv"),
            (sheet.name, sheet.read_bytes(), "text/csv"),
        ]
    ).run()
    no_exception(at)
    at.button(key="run_import").click().run()
    no_exception(at)
    assert len(at.success) == 2
    for page in PAGES.values():  # every page reads the new rows
        at.switch_page(page).run()
        no_exception(at)
    assert any(line.startswith("streamlit") for line in logs.lines)  # Streamlit was heard
    assert _said(logs.lines) == []
