"""The moves a reader makes in the browser tests: wait for a page to settle, open a page from
the sidebar, pick an option, open an expander, read a figure, take a screenshot.

Importing this module skips the importing test module when Chromium or Playwright is
missing (``.ci/run`` installs Chromium on a new machine). The fixtures are in
``conftest.py`` beside it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dashboard import i18n, pages
from tests.browser.server import CHROMIUM, WAIT_MS
from tests.dashboard_helpers import ROOT

SHOTS = ROOT / "tests" / "screenshots"  # kept after the run for a person to look at

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
try:
    from playwright.sync_api import Locator, Page, expect
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # pragma: no cover - playwright is a dev dependency
    pytest.skip("the playwright Python package is not installed", allow_module_level=True)

expect.set_options(timeout=WAIT_MS)  # an import or the pack can take a while on a busy machine


def shown_pages(role: str) -> list[str]:
    """The pages the sidebar offers ``role`` once there is data, in its order."""
    return [p.name for p in pages.shown(True, role)]


def t(lang: str, key: str, **values) -> str:
    return i18n.t(lang, key, **values)


def settle(page: Page) -> None:
    """Wait for the app to be drawn, connected, and done running its script. Streamlit marks
    its root with the script's state and the connection's (``data-test-script-state``,
    ``data-test-connection-state``), which its own tests read; the status widget's
    "Running" is an icon's label, not text, so it cannot be waited on."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for()
    page.wait_for_timeout(500)  # let a click's rerun reach the server before looking
    deadline = time.monotonic() + WAIT_MS / 1000
    quiet = 0
    while quiet < 3:  # three looks in a row with the script done and the app connected
        done = (
            app.get_attribute("data-test-script-state") == "notRunning"
            and app.get_attribute("data-test-connection-state") == "CONNECTED"
        )
        quiet = quiet + 1 if done else 0
        if time.monotonic() > deadline:
            raise TimeoutError("the page kept running")
        page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def go_to(page: Page, lang: str, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(
        has_text=t(lang, f"page.{name}")
    ).first.click()
    settle(page)
    expect(page.locator("h1").first).to_contain_text(t(lang, f"page.{name}"))


def metric(page: Page, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    value = box.locator('[data-testid="stMetricValue"]').inner_text()
    return int("".join(ch for ch in value if ch.isdigit()))


def choose(tab: Page, key: str, option: str) -> None:
    """Pick an option of a select box (Streamlit draws a combo box: open it, click)."""
    box = tab.locator(f".st-key-{key}")
    box.scroll_into_view_if_needed()
    wanted = tab.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # a click during a rerun can be lost: open it again
        box.locator('button[aria-label="Open"]').click()
        try:
            wanted.click(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    settle(tab)
    expect(box.locator('[role="combobox"]')).to_have_value(option)


def open_expander(tab: Page, key: str, title: str, inside: Locator) -> None:
    """Open an expander until what it holds is shown: a click that lands during a rerun
    is drawn again closed, so look after the page settles and click again if need be."""
    expect(tab.locator(f".st-key-{key}")).to_have_count(1)  # a rerun's faded copy is gone
    for _ in range(4):
        settle(tab)
        if inside.count() == 1 and inside.is_visible():
            return
        tab.locator(f".st-key-{key}").get_by_text(title).click()
    settle(tab)
    expect(inside).to_be_visible()


def drawn(page: Page) -> int:
    """The page's height once charts and tables stop growing (they draw after the script)."""
    script = """() => {
        const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
        const drawn = document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg')
            .length;
        const height = document.querySelector('[data-testid="stMain"]')?.scrollHeight || 0;
        return drawn >= charts ? height : -2;
    }"""
    heights = [-1]
    for _ in range(60):
        heights.append(page.evaluate(script))
        if len(heights) > 5 and len(set(heights[-5:])) == 1 and heights[-1] > 0:
            break
        page.wait_for_timeout(400)
    return int(heights[-1])


def picture(page: Page, path: Path) -> Path:
    """The whole page once drawn: Streamlit scrolls inside its main block, so the window
    grows to it while the picture is taken."""
    path.unlink(missing_ok=True)
    height = drawn(page)
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": max(1000, min(int(height), 8000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000})
    return path


def shot(page: Page, folder: Path, name: str) -> Path:
    """The whole page, numbered in the order taken in ``folder``."""
    return picture(page, folder / f"{len(list(folder.glob('*.png'))):02d}-{name}.png")


def shot_as(page: Page, name: str) -> Path:
    """The whole page as ``tests/screenshots/<name>.png``, kept for a person to look at."""
    SHOTS.mkdir(exist_ok=True)
    return picture(page, SHOTS / f"{name}.png")
