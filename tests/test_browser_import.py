"""The Data page in a real browser: a file in no known format mapped column by column,
previewed, imported, then undone — as a campaign lead would, in Chromium."""

from __future__ import annotations

import pytest

from tests import test_browser
from tests.test_browser import go_to, settle, shot, t

page, server = test_browser.page, test_browser.server  # the same fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import Page, expect  # noqa: E402  (the module above skips first)
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

UNKNOWN = ("Quand;Qui;Adresse courriel;Activité\n"
           "2025-11-22 13:05;Hélène;helene.browser@example.org;2025-11-22-rally-mtl\n"
           "2025-11-22 13:07;Omar;omar.browser@example.org;2025-11-22-rally-mtl\n"
           "2025-11-22 13:09;Zoé;zoe.browser@example.org;no-such-event\n")


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


def open_expander(tab: Page, key: str, title: str, inside) -> None:
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


def test_a_lead_maps_previews_imports_and_undoes_a_file(page, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    settle(page)
    go_to(page, "en", "data")
    upload = tmp_path / "presences.csv"
    upload.write_text(UNKNOWN, encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(upload)])
    settle(page)
    expect(page.get_by_text("is not in a format Turnout knows")).to_be_visible()
    choose(page, "target_presences_csv", t("en", "target.checkins"))
    for field, column in (("event_id", "Activité"), ("email", "Adresse courriel"),
                          ("signed_in_at", "Quand")):
        choose(page, f"map_presences_csv_checkins_{field}", column)
    page_text = page.locator('[data-testid="stMain"]').inner_text()
    assert "helene.browser@example.org" not in page_text  # the preview only marks emails ✓
    shot(page, shots, "mapping")
    page.locator(".st-key-mapsave_presences_csv button").click()
    settle(page)
    # the preview: three rows read, two would load, one rejected (its event is unknown)
    expect(page.get_by_text("presences.csv would give")).to_contain_text("2 loaded")
    expect(page.get_by_text("presences.csv would give")).to_contain_text("1 rejected")
    shot(page, shots, "preview")
    page.locator(".st-key-run_import button").click()
    settle(page)
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(success.filter(has_text="presences.csv")).to_have_count(1)
    # undo it: the history's newest import is offered first, even after an earlier choice
    sure = page.locator(".st-key-undo_sure label")
    open_expander(page, "undo_expander", t("en", "undo.title"), sure)
    sure.click()
    settle(page)
    expect(page.locator(".st-key-undo_button button")).to_be_enabled()
    page.locator(".st-key-undo_button button").click()
    settle(page)
    expect(success.filter(has_text="was undone")).to_contain_text("presences.csv")
    shot(page, shots, "undone")
