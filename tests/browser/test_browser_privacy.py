"""The running server, in Chromium: its log at DEBUG holds no personal data after an upload full
of canaries, and a file over the upload limit is never sent, the reader told in French.

The server is started with ``--logger.level debug`` and a 1 MB upload limit
(``--server.maxUploadSize 1``); its whole output is read at the end.
"""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.ui import LEAD
from tests.browser.helpers import go_to, settle, shot, shown_pages, t
from tests.test_privacy import leaks
from tests.test_privacy_logs import CALENDAR, SHEET, SHEET_NAME

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import Page, expect  # noqa: E402  (the helpers skip first)

SERVER_ARGS = ["--logger.level", "debug", "--server.maxUploadSize", "1"]
UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'


def _in_french(tab: Page) -> None:
    french = tab.locator('[data-testid="stSidebar"] label').filter(
        has_text=t("fr", "language.name")
    )
    said = tab.locator('[data-testid="stSidebarNav"] a').filter(has_text=t("fr", "page.data"))
    for _ in range(3):  # a click during a rerun can be lost: click again
        french.first.click()
        settle(tab)
        if said.count():
            return
    expect(said.first).to_be_visible()


def test_a_file_over_the_limit_is_not_sent_and_the_reader_is_told(page, tmp_path):
    settle(page)
    _in_french(page)
    go_to(page, "fr", "data")
    limit = i18n.number("fr", 1)
    expect(page.get_by_text(t("fr", "data.drop", limit=limit))).to_be_visible()
    big = tmp_path / "gros.csv"
    big.write_bytes(CALENDAR.encode() + b"#" * (2 * 1024 * 1024))
    page.locator(UPLOADER).set_input_files([str(big)])
    chips = page.locator('.st-key-upload_zone [data-testid="stFileChips"]')
    expect(chips.locator('[aria-invalid="true"]')).to_have_count(1)  # refused by the browser
    said = chips.evaluate("element => getComputedStyle(element, '::after').content")
    assert said == '"' + t("fr", "data.not_sent", limit=limit) + '"'
    shot(page, tmp_path, "over-the-limit")
    settle(page)
    # the app never received it: nothing recognised, nothing offered for import
    expect(page.locator(".st-key-run_import")).to_have_count(0)
    assert "gros.csv" not in (tmp_path / "streamlit.log").read_text(errors="replace")


def test_an_upload_full_of_canaries_leaves_none_in_the_servers_log(page, tmp_path):
    settle(page)
    go_to(page, "en", "data")
    (tmp_path / "calendar_log.csv").write_text(CALENDAR, encoding="utf-8")
    (tmp_path / SHEET_NAME).write_text(SHEET, encoding="utf-8")
    page.locator(UPLOADER).set_input_files(
        [str(tmp_path / "calendar_log.csv"), str(tmp_path / SHEET_NAME)]
    )
    settle(page)
    page.locator(".st-key-run_import button").click()
    settle(page)
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(success).to_have_count(2)
    for name in shown_pages(LEAD):  # every page reads the new rows
        go_to(page, "en", name)
    log = (tmp_path / "streamlit.log").read_text(errors="replace")
    assert "Running script" in log  # one of Streamlit's DEBUG lines: it did log at DEBUG
    assert [line for line in log.splitlines() if leaks(line)] == []
