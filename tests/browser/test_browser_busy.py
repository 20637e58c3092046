"""The dashboard reloaded again and again while `turnout import` holds the database: no lock
error, no traceback ever reaches the reader, nor the server's log from a run a reload left
behind. Chromium through Playwright, as test_browser.py beside it."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from dashboard.ui import LEAD
from tests.browser.helpers import settle, shown_pages
from tests.browser.test_browser import CALENDAR, SIGN_IN
from tests.import_helpers import turnout_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]
RELOADS = 20
HOLD_SECONDS = 6  # per file, inside its transaction, after its rows are written
IMPATIENCE_MS = 1_500  # how long a page is looked at before the next reload
PAGES = shown_pages(LEAD)
NEVER_SHOWN = (
    "Could not set lock",
    "IOException",
    "Traceback",
    "DatabaseBusy",
    "ConnectionException",
)


def slow_import(db: Path, files: list[Path]) -> subprocess.Popen:
    """`turnout import files` in another process; each file's transaction stays open
    ``HOLD_SECONDS`` after its rows are written (it prints 'holding' then)."""
    script = textwrap.dedent(f"""
        import time
        from pipelines import cli, merge
        real = merge.merge
        def slow(*args, **kwargs):
            result = real(*args, **kwargs)
            print("holding", flush=True)
            time.sleep({HOLD_SECONDS})
            return result
        merge.merge = slow
        cli.app(["import", *{[str(f) for f in files]!r}])
    """)
    return turnout_process(db, script)


def test_reloads_during_an_import_never_show_a_lock_error(page, server, tmp_path):
    settle(page)
    calendar, sheet = tmp_path / "calendar.csv", tmp_path / "sheet.csv"
    calendar.write_bytes(CALENDAR)
    sheet.write_bytes(SIGN_IN)
    importer = slow_import(tmp_path / "turnout.duckdb", [calendar, sheet])
    try:
        assert importer.stdout.readline().strip() == "holding"
        during = 0
        for i in range(RELOADS):
            during += importer.poll() is None
            page.goto(f"{server}/{PAGES[i % len(PAGES)]}")
            page.locator('[data-testid="stApp"]').wait_for()
            page.wait_for_timeout(IMPATIENCE_MS)  # a reader who reloads before it is done
            text = page.locator("body").inner_text()
            assert not [s for s in NEVER_SHOWN if s in text], text[:2000]
            assert page.locator('[data-testid="stException"]').count() == 0
        output, _ = importer.communicate(timeout=120)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
    assert importer.returncode == 0, output
    assert during >= 3  # the reloads did happen while the import held the database
    for name in PAGES:  # every page, once it has finished, and what the server wrote
        page.goto(f"{server}/{name}")
        settle(page)  # fails on a page that shows an exception
        text = page.locator("body").inner_text()
        assert not [s for s in NEVER_SHOWN if s in text], text[:2000]
    log = (tmp_path / "streamlit.log").read_text(errors="replace")
    # a run left behind by a reload still ends in the log when it fails
    assert not [s for s in (*NEVER_SHOWN, "Uncaught app execution") if s in log], log[-3000:]
