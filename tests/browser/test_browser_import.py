"""The Data page in a real browser: a file in no known format mapped column by column,
previewed, imported, then undone — as a campaign lead would, in Chromium."""

from __future__ import annotations

import pytest

from tests.browser.helpers import choose, go_to, open_expander, settle, shot, t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402  (the helpers skip first)

UNKNOWN = (
    "Quand;Qui;Adresse courriel;Activité\n"
    "2025-11-22 13:05;Hélène;helene.browser@example.org;2025-11-22-rally-mtl\n"
    "2025-11-22 13:07;Omar;omar.browser@example.org;2025-11-22-rally-mtl\n"
    "2025-11-22 13:09;Zoé;zoe.browser@example.org;no-such-event\n"
)


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
    for field, column in (
        ("event_id", "Activité"),
        ("email", "Adresse courriel"),
        ("signed_in_at", "Quand"),
    ):
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
