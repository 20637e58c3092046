"""Signing in, in a real browser: a reload and a page link stay signed in, the password never
appears in the page's address, and signing out ends it. Chromium through Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from dashboard import i18n
from tests.dashboard_helpers import ROOT, SAMPLE, built_database, copy_database
from tests.test_browser import ARGS, CHROMIUM, START_SECONDS, WAIT_MS, free_port, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LEAD, BOARD = "lead-browser-pass", "board-browser-pass"


@pytest.fixture
def signed_server(tmp_path_factory, tmp_path):
    """The dashboard with both passwords set, on a free port; always stopped."""
    if not any(SAMPLE.glob("*.csv")):
        pytest.skip("sample_data/ has no campaign yet")
    db = copy_database(built_database(tmp_path_factory.getbasetemp().parent, "sample",
                                      [SAMPLE]), tmp_path)
    port = free_port()
    env = {**os.environ, "TURNOUT_DB": str(db), "PYTHONPATH": str(ROOT),
           "TURNOUT_LEAD_PASSWORD": LEAD, "TURNOUT_BOARD_PASSWORD": BOARD}
    log_path = tmp_path / "streamlit.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.read().decode().strip() == "ok":
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("streamlit did not start:\n" + log_path.read_text())
                time.sleep(0.3)
            yield url, log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_reload_and_a_link_stay_signed_in(signed_server):
    from playwright.sync_api import expect, sync_playwright

    url, log_path = signed_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(locale="en-CA").new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(url)
            settle(page)
            page.get_by_label(i18n.t("en", "auth.password"), exact=True).fill(BOARD)
            page.get_by_role("button", name=i18n.t("en", "auth.sign_in")).click()
            settle(page)
            page.wait_for_url("**session=board.*")
            assert BOARD not in page.url
            sign_out = page.get_by_role("button", name=i18n.t("en", "auth.sign_out"))
            expect(sign_out).to_have_count(1)
            page.reload()
            settle(page)
            page.screenshot(path=str(log_path.with_name("reloaded.png")))  # for a person to see
            expect(sign_out).to_have_count(1)  # still signed in after a reload
            page.get_by_role("link", name=i18n.t("en", "page.events")).click()
            settle(page)
            assert "/events" in page.url and "session=board." in page.url
            page.reload()
            settle(page)
            expect(sign_out).to_have_count(1)
            signed_in_address = page.url
            sign_out.click()
            settle(page)
            assert "session=" not in page.url
            page.goto(signed_in_address)  # the old link no longer opens anything
            settle(page)
            expect(page.get_by_label(i18n.t("en", "auth.password"), exact=True)).to_have_count(1)
        finally:
            browser.close()
    assert BOARD not in log_path.read_text() and LEAD not in log_path.read_text()
