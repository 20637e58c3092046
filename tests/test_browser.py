"""The dashboard in a real browser: Playwright (the Python package) driving Debian's Chromium.

Starts ``streamlit run dashboard/app.py`` on 127.0.0.1 with a free port against a copy of the
sample campaign's database, then, as a campaign lead would: every page, the language switch,
an upload of a sign-in sheet that adds seven people who came (the Overview's "People who
acted" rises by 7), and the board pack's PDF download. Screenshots go to the test's
temporary folder. Selected with ``-m browser``; skipped when Chromium or Playwright is
missing (``.ci/run`` installs Chromium on a new machine).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import i18n
from tests.dashboard_helpers import ROOT, SAMPLE, built_database, copy_database
from tests.sample_db import CACHE

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_SECONDS = 90
WAIT_MS = 90_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # pragma: no cover - playwright is a dev dependency
    pytest.skip("the playwright Python package is not installed", allow_module_level=True)

expect.set_options(timeout=WAIT_MS)  # an import or the pack can take a while on a busy machine

CALENDAR = (b"event_id,name,starts_at,kind,campaign\n"
            b"browser-test,Browser test,2026-03-30 18:00,meeting,browser\n")
SIGN_IN = (b"event_id,name,email,phone,signed_in_at,heard_from\n"
           + b"".join(b"browser-test,B%d,browser%d@example.org,,18:0%d,flyer\n" % (i, i, i)
                      for i in range(7)))
pypdf = pytest.importorskip("pypdf")
PAGES = ("overview", "funnel", "events", "people", "channels", "data", "about")


def t(lang: str, key: str, **values) -> str:
    return i18n.t(lang, key, **values)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path_factory, tmp_path):
    """The dashboard on a free port over a copy of the sample database; always stopped."""
    if not any(SAMPLE.glob("*.csv")):
        pytest.skip("sample_data/ has no campaign yet")
    source = built_database(CACHE, "sample", [SAMPLE])
    db = copy_database(source, tmp_path)
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("TURNOUT_LEAD_PASSWORD", "TURNOUT_BOARD_PASSWORD")}
    env.update(TURNOUT_DB=str(db), PYTHONPATH=str(ROOT))
    log = (tmp_path / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
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
                pytest.fail("streamlit did not start:\n"
                            + (tmp_path / "streamlit.log").read_text(errors="replace"))
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def page(server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(locale="en-CA", accept_downloads=True,
                                          viewport={"width": 1400, "height": 1000})
            tab = context.new_page()
            tab.set_default_timeout(WAIT_MS)
            tab.goto(server)
            yield tab
        finally:
            browser.close()


def settle(page: Page) -> None:
    """Wait for the app to be drawn and the script to have finished running."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    page.wait_for_timeout(500)  # let a click's rerun begin before looking for "Running"
    deadline = time.monotonic() + WAIT_MS / 1000
    quiet = 0
    while quiet < 3:  # three looks in a row without "Running"
        running = page.locator('[data-testid="stStatusWidget"]').filter(has_text="Running")
        quiet = 0 if running.count() else quiet + 1
        if time.monotonic() > deadline:
            raise TimeoutError("the page kept running")
        page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def shot(page: Page, folder: Path, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so the window grows to it."""
    path = folder / f"{len(list(folder.glob('*.png'))):02d}-{name}.png"
    height = page.evaluate(
        "document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    page.set_viewport_size({"width": 1400, "height": max(1000, min(int(height), 8000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def go_to(page: Page, lang: str, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(
        has_text=t(lang, f"page.{name}")).first.click()
    settle(page)
    expect(page.locator("h1").first).to_contain_text(t(lang, f"page.{name}"))


def metric(page: Page, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    value = box.locator('[data-testid="stMetricValue"]').inner_text()
    return int("".join(ch for ch in value if ch.isdigit()))


def test_the_dashboard_in_a_real_browser(page, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    settle(page)
    expect(page.locator("h1").first).to_contain_text(t("en", "page.overview"))
    acted = metric(page, t("en", "kpi.acted"))
    shot(page, shots, "overview")

    for name in PAGES[1:]:  # every page, through the sidebar
        go_to(page, "en", name)
        shot(page, shots, name)

    # French: the switch in the sidebar, and the page speaks French
    page.locator('[data-testid="stSidebar"] label').filter(
        has_text=t("fr", "language.name")).first.click()
    settle(page)
    expect(page.locator("h1").first).to_contain_text(t("fr", "page.about"))
    expect(page.get_by_text(t("fr", "about.definitions"))).to_be_visible()
    shot(page, shots, "about-fr")

    # an upload on the Data page: a calendar and a sign-in sheet with seven new people
    go_to(page, "fr", "data")
    (tmp_path / "calendar_browser.csv").write_bytes(CALENDAR)
    (tmp_path / "sign_in_browser.csv").write_bytes(SIGN_IN)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(tmp_path / "calendar_browser.csv"), str(tmp_path / "sign_in_browser.csv")])
    settle(page)
    page.locator(".st-key-run_import button").click()
    settle(page)
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(success.filter(has_text="sign_in_browser.csv")).to_have_count(1)
    shot(page, shots, "data-after-upload")

    # the number changed: seven more people acted
    go_to(page, "fr", "overview")
    assert metric(page, t("fr", "kpi.acted")) == acted + 7
    shot(page, shots, "overview-fr")

    # the board pack: prepare it, then download the PDF
    page.locator(".st-key-pack_prepare button").click()
    settle(page)
    download_button = page.locator(".st-key-pack_download button")
    expect(download_button).to_contain_text(t("fr", "pack.download"))
    with page.expect_download() as waiting:
        download_button.click()
    download = waiting.value
    pdf = tmp_path / download.suggested_filename
    download.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.name.endswith(".pdf")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    # the pack speaks the language it was made in (spaces compared as spaces, no-break or not)
    assert " ".join(t("fr", "pack.title").split()) in text
    shot(page, shots, "overview-pack")
    assert len(list(shots.glob("*.png"))) >= len(PAGES) + 3
