"""The browser tests' fixtures: the dashboard's address (``server``), a Chromium
(``browser``) and a tab on the dashboard's first page (``page``). Playwright is imported
when a fixture runs: the test modules skip themselves first when it or Chromium is missing
(``tests/browser/helpers.py``)."""

from __future__ import annotations

import os

import pytest

from tests.browser.server import ARGS, CHROMIUM, WAIT_MS, dashboard, sample_copy


@pytest.fixture
def server(tmp_path, request):
    """The dashboard over a copy of the sample database, without passwords. Its output goes
    to ``streamlit.log`` in the test's temporary folder; a test module's ``SERVER_ARGS`` are
    added to ``streamlit run``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TURNOUT_LEAD_PASSWORD", "TURNOUT_BOARD_PASSWORD")
    }
    with dashboard(
        sample_copy(tmp_path),
        tmp_path / "streamlit.log",
        env,
        tuple(getattr(request.module, "SERVER_ARGS", ())),
    ) as url:
        yield url


@pytest.fixture
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, server):
    """A tab in English on the dashboard's first page."""
    context = browser.new_context(
        locale="en-CA", accept_downloads=True, viewport={"width": 1400, "height": 1000}
    )
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    tab.goto(server)
    return tab
