"""The dashboard in a real browser: Playwright (the Python package) driving Debian's Chromium.

Starts ``streamlit run dashboard/app.py`` on 127.0.0.1 with a free port against a copy of the
sample campaign's database, then, as a campaign lead would: every page, the language switch,
an upload of a sign-in sheet that adds seven people who came (the Overview's "People who
acted" rises by 7), and the board pack's PDF download. Screenshots go to the test's
temporary folder and to ``tests/screenshots/``. Selected with ``-m browser``; skipped when
Chromium or Playwright is missing (``tests/browser/helpers.py``).
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.ui import BOARD, LEAD
from tests.browser.helpers import SHOTS, go_to, metric, settle, shot, shot_as, shown_pages, t
from tests.browser.server import WAIT_MS
from tests.dashboard_helpers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import Download, Locator, Page, expect  # noqa: E402  (helpers skip first)
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

CALENDAR = (
    b"event_id,name,starts_at,kind,campaign\n"
    b"browser-test,Browser test,2026-03-30 18:00,meeting,browser\n"
)
SIGN_IN = b"event_id,name,email,phone,signed_in_at,heard_from\n" + b"".join(
    b"browser-test,B%d,browser%d@example.org,,18:0%d,flyer\n" % (i, i, i) for i in range(7)
)
pypdf = pytest.importorskip("pypdf")


def test_the_dashboard_in_a_real_browser(page, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    settle(page)
    expect(page.locator("h1").first).to_contain_text(t("en", "page.overview"))
    acted = metric(page, t("en", "kpi.acted"))
    shot(page, shots, "overview")

    for name in shown_pages(LEAD)[1:]:  # every page after the first, through the sidebar
        go_to(page, "en", name)
        shot(page, shots, name)

    # French: the switch in the sidebar, and the page speaks French
    page.locator('[data-testid="stSidebar"] label').filter(
        has_text=t("fr", "language.name")
    ).first.click()
    settle(page)
    expect(page.locator("h1").first).to_contain_text(t("fr", "page.about"))
    expect(page.get_by_text(t("fr", "about.definitions"))).to_be_visible()
    shot(page, shots, "about-fr")

    # an upload on the Data page: a calendar and a sign-in sheet with seven new people
    go_to(page, "fr", "data")
    (tmp_path / "calendar_browser.csv").write_bytes(CALENDAR)
    (tmp_path / "sign_in_browser.csv").write_bytes(SIGN_IN)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(tmp_path / "calendar_browser.csv"), str(tmp_path / "sign_in_browser.csv")]
    )
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
    download = downloaded(page, download_button, shots / "pack-no-download.png")
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
    assert len(list(shots.glob("*.png"))) >= len(shown_pages(LEAD)) + 3


def downloaded(page: Page, button: Locator, no_download: Path) -> Download:
    """What a click on ``button`` downloads, once the page has settled. When nothing comes
    within a minute, the page is kept as ``no_download`` for a person to look at, and the
    button is clicked once more, as its reader would, with a warning in the test's report;
    a second click that brings nothing fails the test."""
    settle(page)
    try:
        with page.expect_download(timeout=WAIT_MS * 2 // 3) as waiting:
            button.click()
        return waiting.value
    except PlaywrightTimeout:
        page.screenshot(path=str(no_download), full_page=True)
        warnings.warn(
            f"a click on the download button brought nothing: {no_download}", stacklevel=2
        )
    settle(page)
    with page.expect_download(timeout=WAIT_MS) as waiting:
        button.click()
    return waiting.value


# every page, both languages, both roles; the pack's pages -----------------------------


def tab(browser, server: str, lang: str, width: int = 1400):
    context = browser.new_context(
        locale=f"{lang}-CA", accept_downloads=True, viewport={"width": width, "height": 1000}
    )
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    opened.goto(server)
    settle(opened)
    return opened


def pack_pages(page: Page, lang: str, role: str) -> list[Path]:
    """Prepare and download the pack on the Overview, then each of its pages as a PNG."""
    import pypdfium2

    page.locator(".st-key-pack_prepare button").click()
    settle(page)
    button = page.locator(".st-key-pack_download button")
    expect(button).to_be_visible()  # the pack is made: its button is drawn
    pdf = SHOTS / f"pack-{lang}-{role}.pdf"
    downloaded(page, button, SHOTS / f"pack-{lang}-{role}-no-download.png").save_as(str(pdf))
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
    lead_pages, board_pages = shown_pages(LEAD), shown_pages(BOARD)
    assert lead_pages[0] == board_pages[0] == "overview"  # where a tab opens
    for name in lead_pages:
        if name != "overview":
            go_to(page, lang, name)
        expect(page.locator("h1").first).to_contain_text(t(lang, f"page.{name}"))
        taken.append(shot_as(page, f"{lang}-lead-{name}"))
    go_to(page, lang, "overview")
    page.locator('[data-testid="stSidebar"] label').filter(
        has_text=t(lang, "auth.preview_board")
    ).first.click()
    settle(page)
    for name in board_pages:
        if name != "overview":
            go_to(page, lang, name)
        taken.append(shot_as(page, f"{lang}-board-{name}"))
    nav = page.locator('[data-testid="stSidebarNav"]')
    for name in set(lead_pages) - set(board_pages):  # never offered to the board
        expect(nav.locator("a").filter(has_text=t(lang, f"page.{name}"))).to_have_count(0)
    go_to(page, lang, "overview")
    taken += pack_pages(page, lang, "board")
    assert all(p.stat().st_size > 10_000 for p in taken)
    print(f"\nscreenshots in {SHOTS}")


def test_the_show_up_rate_is_in_view_at_1280_px_and_reject_reasons_are_whole(
    browser, server, tmp_path
):
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
    sheet.write_bytes(
        b"event_id,name,email,phone,signed_in_at,heard_from\n"
        b"browser-test,R1,r1@example.org,,18:01,flyer\n"
        b"no-such-event-in-the-calendar,R2,r2@example.org,,18:02,flyer\n"
    )
    (tmp_path / "calendar_rejet.csv").write_bytes(CALENDAR)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(tmp_path / "calendar_rejet.csv"), str(sheet)]
    )
    settle(page)
    page.locator(".st-key-run_import button").click()
    settle(page)
    done = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(done.filter(has_text="feuille_rejet.csv")).to_have_count(1)  # marts refreshed
    settle(page)
    summary = (
        page.locator('[data-testid="stExpander"] summary')
        .filter(has_text=t("fr", "data.all_rejects"))
        .first
    )
    summary.click()
    settle(page)
    reasons = page.locator('[data-testid="stTable"] td:visible').filter(
        has_text="no-such-event-in-the-calendar"
    )
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
