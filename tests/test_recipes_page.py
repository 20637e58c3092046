"""The README's "Add a page" stays true: a throwaway page is made in a copy of the project in
the four files the recipe names, and renders there in both languages, from the catalogues,
and only for the roles it names."""

from __future__ import annotations

import json

import pytest

from tests.recipe_project import CALENDAR, copied_project, recipe

pytestmark = pytest.mark.slow


PAGE = '''
    """Formats (a throwaway page made by tests/test_recipes_page.py): files imported per format."""

    from __future__ import annotations

    import pandas as pd
    import streamlit as st

    from dashboard import charts, data, i18n, ui

    c = ui.context()
    st.title(c.t("page.formats"))
    files = data.imports().groupby("source").size().sort_index()
    table = pd.DataFrame({c.t("col.format"): files.index, c.t("formats.files"): files.values})
    texts = [i18n.number(c.lang, int(n)) for n in files.values]
    fig = charts.bars(list(files.index), {c.t("formats.files"): (files.tolist(), texts)},
                      c.t("formats.chart"), c.t("formats.unit"))
    ui.chart(fig, table, c.t("formats.chart.def"), "formats")
'''
PAGE_LINE = '    Page("formats", "app_pages/formats.py", "🗂️", (LEAD,)),\n'
STRINGS = {
    "en": {
        "page.formats": "Formats",
        "formats.files": "Files imported",
        "formats.chart": "Files imported, by format",
        "formats.unit": "files",
        "formats.chart.def": "Each imported file counts once, whatever its rows.",
    },
    "fr": {
        "page.formats": "Formats",
        "formats.files": "Fichiers importés",
        "formats.chart": "Fichiers importés, par format",
        "formats.unit": "fichiers",
        "formats.chart.def": "Chaque fichier importé compte une fois, quelles que soient "
        "ses lignes.",
    },
}
PAGE_FILES = {
    "dashboard/app_pages/formats.py",
    "dashboard/pages.py",
    "dashboard/locales/en.json",
    "dashboard/locales/fr.json",
}
OPEN_THE_PAGE = """
import json

from tests.dashboard_helpers import app, decode, figures, not_in_catalogue, strings

seen = {}
for lang in ("en", "fr"):
    at = app(lang).switch_page("app_pages/formats.py").run()
    bars = figures(at)[0]["data"][0] if figures(at) else {}
    seen[lang] = {"errors": [e.message for e in at.exception],
                  "title": [t.value for t in at.title],
                  "categories": decode(bars.get("x")), "values": decode(bars.get("y")),
                  "not_in_catalogue": not_in_catalogue(strings(at), set())}
    board = app(lang, "board")
    try:
        board.switch_page("app_pages/formats.py")
        seen[lang]["board"] = "offered"
    except ValueError:
        seen[lang]["board"] = "not offered"
print(json.dumps(seen))
"""


def test_add_a_page_as_the_readme_says_in_four_files(tmp_path):
    project = copied_project(tmp_path)
    recipe(
        "Add a page",
        "four files",
        "dashboard/app_pages/<page>.py",
        "ui.context()",
        "dashboard/data.py",
        "ui.chart",
        "dashboard/pages.py",
        "roles",
        "dashboard/locales/en.json",
        "fr.json",
        "page.<page>",
    )
    project.write("dashboard/app_pages/formats.py", PAGE)  # step 1
    project.insert("dashboard/pages.py", '    Page("channels"', PAGE_LINE)  # step 2
    for lang, entries in STRINGS.items():  # steps 3 and 4
        project.add_strings(lang, entries)
    assert project.touched() == PAGE_FILES

    project.turnout("init")
    project.turnout("import", CALENDAR, str(project.instagram), "--exported-at", "2026-03-08T09:00")
    seen = json.loads(project.run("-c", OPEN_THE_PAGE).stdout.splitlines()[-1])
    for lang in ("en", "fr"):
        assert seen[lang]["errors"] == [], seen[lang]
        assert seen[lang]["title"] == [STRINGS[lang]["page.formats"]]
        assert seen[lang]["categories"] == ["events_calendar", "instagram_posts"]
        assert seen[lang]["values"] == [1, 1]
        assert seen[lang]["not_in_catalogue"] == []
        assert seen[lang]["board"] == "not offered"  # the roles the registry gives it
    # the copy's own checks of the list of pages and of the catalogues
    project.pytest("tests/test_pages.py", "tests/test_i18n.py")
