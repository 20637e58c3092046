"""The dashboard in a real browser: Playwright (the Python package) driving Debian's Chromium.

Starts ``streamlit run dashboard/app.py`` on 127.0.0.1 with a free port against a copy of the
sample campaign's database, then, as a campaign lead would: every page, the language switch,
an upload of a sign-in sheet that adds seven people who came (the Overview's "People who
acted" rises by 7), and the board pack's PDF download. Screenshots go to the test's
temporary folder. Selected with ``-m browser``; skipped when Chromium or Playwright is
missing (``.ci/run`` installs Chromium on a new machine).
"""

from __future__ import annotations

import ast
import os
import re
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
def server(tmp_path_factory, tmp_path, request):
    """The dashboard on a free port over a copy of the sample database; always stopped.
    Its output goes to ``streamlit.log`` in the test's temporary folder; a test module's
    ``SERVER_ARGS`` are added to ``streamlit run``."""
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
         "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
         *getattr(request.module, "SERVER_ARGS", [])],
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
def browser(server):
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


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
    assert len(reader.pages) <= 3
    text = " ".join(reader.pages[0].extract_text().split())
    # the pack speaks the language it was made in (spaces compared as spaces, no-break or not)
    assert " ".join(t("fr", "pack.title").split()) in text
    shot(page, shots, "overview-pack")
    assert len(list(shots.glob("*.png"))) >= len(PAGES) + 3


# every page, both languages, both roles; the pack's pages -----------------------------

SHOTS = ROOT / "tests" / "screenshots"  # kept after the run for a person to look at
BOARD_PAGES = ("overview", "funnel", "events", "channels", "about")


def tab(browser, server: str, lang: str, width: int = 1400):
    context = browser.new_context(locale=f"{lang}-CA", accept_downloads=True,
                                  viewport={"width": width, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    opened.goto(server)
    settle(opened)
    return opened


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


def shot_as(page: Page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    path.unlink(missing_ok=True)
    height = drawn(page)
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": max(1000, min(int(height), 8000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000})
    return path


def pack_pages(page: Page, lang: str, role: str) -> list[Path]:
    """Prepare and download the pack on the Overview, then each of its pages as a PNG."""
    import pypdfium2

    page.locator(".st-key-pack_prepare button").click()
    settle(page)
    download = page.locator(".st-key-pack_download button")
    expect(download).to_be_visible()  # the pack is made: its button is drawn
    with page.expect_download(timeout=2 * WAIT_MS) as waiting:
        download.click()
    pdf = SHOTS / f"pack-{lang}-{role}.pdf"
    waiting.value.save_as(str(pdf))
    document = pypdfium2.PdfDocument(str(pdf))
    found = []
    for number in range(len(document)):
        path = SHOTS / f"pack-{lang}-{role}-page{number + 1}.png"
        document[number].render(scale=1.5).to_pil().save(path)
        found.append(path)
    document.close()
    return found


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_page_for_both_roles_and_the_pack_in_screenshots(browser, server, lang):
    page = tab(browser, server, lang)
    taken = []
    for name in PAGES:
        if name != "overview":
            go_to(page, lang, name)
        expect(page.locator("h1").first).to_contain_text(t(lang, f"page.{name}"))
        taken.append(shot_as(page, f"{lang}-lead-{name}"))
    go_to(page, lang, "overview")
    page.locator('[data-testid="stSidebar"] label').filter(
        has_text=t(lang, "auth.preview_board")).first.click()
    settle(page)
    for name in BOARD_PAGES:
        if name != "overview":
            go_to(page, lang, name)
        taken.append(shot_as(page, f"{lang}-board-{name}"))
    nav = page.locator('[data-testid="stSidebarNav"]')
    for name in set(PAGES) - set(BOARD_PAGES):  # never offered to the board
        expect(nav.locator("a").filter(has_text=t(lang, f"page.{name}"))).to_have_count(0)
    go_to(page, lang, "overview")
    taken += pack_pages(page, lang, "board")
    assert all(p.stat().st_size > 10_000 for p in taken)
    print(f"\nscreenshots in {SHOTS}")


def test_the_show_up_rate_is_in_view_at_1280_px_and_reject_reasons_are_whole(browser, server,
                                                                             tmp_path):
    # the page's constant, read without running the page (importing it would run it)
    events_page = (ROOT / "dashboard" / "app_pages" / "events.py").read_text(encoding="utf-8")
    widths = re.search(r"^LEADING_WIDTHS = (\(.*?\))", events_page, re.MULTILINE).group(1)
    leading = sum(ast.literal_eval(widths))
    page = tab(browser, server, "fr", width=1280)
    go_to(page, "fr", "events")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    # the grid is drawn on a canvas: its columns up to the show-up rate have set widths
    box = grid.bounding_box()
    assert box["x"] + leading <= 1280 and leading <= box["width"], (box, leading)
    shot_as(page, "fr-lead-events-1280")
    # a sheet whose second row names an event the calendar lacks: a rejected row
    go_to(page, "fr", "data")
    sheet = tmp_path / "feuille_rejet.csv"
    sheet.write_bytes(b"event_id,name,email,phone,signed_in_at,heard_from\n"
                      b"browser-test,R1,r1@example.org,,18:01,flyer\n"
                      b"no-such-event-in-the-calendar,R2,r2@example.org,,18:02,flyer\n")
    (tmp_path / "calendar_rejet.csv").write_bytes(CALENDAR)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(tmp_path / "calendar_rejet.csv"), str(sheet)])
    settle(page)
    page.locator(".st-key-run_import button").click()
    settle(page)
    done = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(done.filter(has_text="feuille_rejet.csv")).to_have_count(1)  # marts refreshed
    settle(page)
    summary = page.locator('[data-testid="stExpander"] summary').filter(
        has_text=t("fr", "data.all_rejects")).first
    summary.click()
    settle(page)
    reasons = page.locator('[data-testid="stTable"] td:visible').filter(
        has_text="no-such-event-in-the-calendar")
    if reasons.count() == 0:  # the click landed while the page was drawn again
        summary.click()
        settle(page)
    shot_as(page, "fr-lead-data-rejects")
    expect(reasons.first).to_be_visible()
    cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stTable"] td')]
        .filter(td => td.scrollWidth > td.clientWidth + 1
                      || getComputedStyle(td).textOverflow === 'ellipsis')
        .map(td => td.innerText)""")
    assert cut == []
