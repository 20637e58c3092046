"""The dashboard's list of pages (dashboard/pages.py) and its page files agree."""

from __future__ import annotations

from dashboard import i18n, pages
from dashboard.ui import BOARD, LEAD
from tests.conftest import ROOT

DASHBOARD = ROOT / "dashboard"


def test_every_page_file_is_listed_once_and_every_listed_file_exists():
    files = sorted(
        p.relative_to(DASHBOARD).as_posix()
        for p in (DASHBOARD / "app_pages").glob("*.py")
        if p.name != "__init__.py"
    )
    listed = [p.file for p in pages.PAGES]
    assert sorted(listed) == files
    assert len({p.name for p in pages.PAGES}) == len(pages.PAGES)


def test_every_page_has_a_title_in_both_languages_and_is_offered_to_someone():
    for page in pages.PAGES:
        for lang in i18n.LANGUAGES:
            assert page.title_key in i18n.catalogue(lang), (page.name, lang)
        assert page.roles and set(page.roles) <= {LEAD, BOARD}, page.name
        assert page.with_data or page.without_data, page.name


def test_the_board_is_never_offered_people_records_or_the_data_page():
    for has_data in (True, False):
        names = {p.name for p in pages.shown(has_data, BOARD)}
        assert not names & {"people", "attendance", "data"}


def test_an_empty_database_opens_on_the_welcome_page_and_a_full_one_on_the_overview():
    for role in (LEAD, BOARD):
        assert pages.shown(False, role)[0].name == "welcome"
        assert pages.shown(True, role)[0].name == "overview"
    assert [p.name for p in pages.shown(False, LEAD)] == ["welcome", "data", "about"]
