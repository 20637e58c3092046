"""Signing in, in a real browser: a reload and a page link stay signed in, the password never
appears in the page's address, and signing out ends it. Chromium through Playwright."""

from __future__ import annotations

import os

import pytest

from dashboard import i18n
from tests.browser.helpers import settle
from tests.browser.server import ARGS, CHROMIUM, WAIT_MS, dashboard, sample_copy

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LEAD, BOARD = "lead-browser-pass", "board-browser-pass"


@pytest.fixture
def signed_server(tmp_path):
    """The dashboard with both passwords set; its address and the path of its output."""
    log_path = tmp_path / "streamlit.log"
    env = {**os.environ, "TURNOUT_LEAD_PASSWORD": LEAD, "TURNOUT_BOARD_PASSWORD": BOARD}
    with dashboard(sample_copy(tmp_path), log_path, env) as url:
        yield url, log_path


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
