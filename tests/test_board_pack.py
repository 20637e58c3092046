"""The PDF board pack: a short document, the key figures, the language, the board rule, and
charts drawn without a browser when there is none (its layout: test_board_pack_layout)."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard import board_pack, data, i18n, ui
from tests.dashboard_helpers import PAGES, app, decode, no_exception

pytestmark = pytest.mark.usefixtures("fresh_caches")

pypdf = pytest.importorskip("pypdf")
CHROMIUM = shutil.which("chromium") or (Path("/usr/bin/chromium").exists() or None)
MADE_ON = date(2026, 11, 25)
MAX_PAGES = 3  # a short document a board reads in one sitting


@pytest.fixture
def no_browser(monkeypatch):
    """kaleido fails as it does on a machine without Chromium."""
    import kaleido

    class Missing:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("no browser found (simulated)")

    monkeypatch.setattr(kaleido, "Kaleido", Missing)


def context(lang: str = "en", period: str = "all", role: str = ui.LEAD) -> ui.Context:
    _, last = data.date_range()
    return ui.Context(lang, role, None, None, period, *ui.window(period, last))


def read(pdf: bytes) -> tuple[int, str]:
    """(pages, text) with no-break spaces made plain, as a reader sees them."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"[\u00a0\u202f]", " ", text)


def plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_short_document_in_the_language_with_the_key_figures(sample_db, lang):
    pack = board_pack.collect(context(lang, "365"), MADE_ON)
    pdf, route = board_pack.build(pack, render=None)
    assert pdf.startswith(b"%PDF") and route == "drawn"
    pages, text = read(pdf)
    assert pages <= MAX_PAGES
    flat = " ".join(text.split())
    assert plain(i18n.t(lang, "pack.title")) in flat
    assert plain(i18n.t(lang, "about.definitions")) in flat
    assert plain(i18n.t(lang, "pack.caution")) in flat
    c = pack.c
    for name in ("reached", "committed", "acted"):
        assert plain(c.count(pack.now[name])) in flat, name
        assert plain(c.count(pack.before[name])) in flat, name
    for name in ("slacktivism", "show_up", "going_conversion"):
        assert plain(ui.figure(c, pack.shown, name, pack.now)) in flat, name
    other = "fr" if lang == "en" else "en"
    assert plain(i18n.t(other, "pack.title")) not in flat


@pytest.mark.skipif(not CHROMIUM, reason="no Chromium on this machine for kaleido")
def test_charts_are_drawn_by_kaleido_when_there_is_a_browser(sample_db):
    pdf, route = board_pack.build(board_pack.collect(context("fr"), MADE_ON))
    assert route == "kaleido"
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) <= MAX_PAGES
    assert sum(len(p.images) for p in reader.pages) == 2  # the funnel and the RSVP gap


def test_without_a_browser_the_charts_are_drawn_by_fpdf2(sample_db, no_browser):
    pack = board_pack.collect(context("en", "90"), MADE_ON)
    pdf, route = board_pack.build(pack)  # the default route: kaleido, which fails here
    assert route == "drawn"
    pages, text = read(pdf)
    assert pages <= MAX_PAGES
    assert not any(p.images for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for stage in ("awareness", "engagement", "commitment", "action"):
        assert i18n.t("en", f"stage.{stage}") in text  # the drawn funnel's labels


def test_without_dejavu_the_core_font_keeps_french_accents(sample_db, monkeypatch, tmp_path):
    monkeypatch.setattr(board_pack, "FONT_DIR", tmp_path / "no-fonts")
    pdf, _ = board_pack.build(board_pack.collect(context("fr"), MADE_ON), render=None)
    pages, text = read(pdf)
    assert pages <= MAX_PAGES
    assert "Chiffres clés" in text and "Présents" in text


SMALL_COUNT = re.compile(r"(?<![\d.,:/<-])[1-4](?![\d.,:/%])")


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_pack_never_shows_a_count_under_five(small_db, lang):
    c = context(lang, role=ui.LEAD)  # even a campaign lead gets the board's pack
    pack = board_pack.collect(c, MADE_ON)
    shown = pack.funnel["people"].tolist() + [
        v for k in board_pack.COMPARED for v in pack.events[k].dropna().tolist()
    ]
    assert any(0 < v < 5 for v in shown), "the small campaign should have small counts"
    pdf, _ = board_pack.build(pack, render=None)
    _, text = read(pdf)
    assert i18n.t(lang, "small_count") in text
    # dates and the version are not counts: take them out, then no lone 1-4 may remain
    for d in pack.events["starts_at"]:
        text = text.replace(plain(i18n.day(lang, d, "short")), "")
    for _, imported in pack.freshness:  # the day each source was last imported (today: 1-4?)
        text = text.replace(plain(i18n.day(lang, imported)), "")
    text = text.replace(plain(i18n.day(lang, MADE_ON)), "").replace("0.1.0", "")
    text = re.sub(r"\b(19|20)\d\d\b", "", text)
    for row in board_pack.key_figure_rows(pack):
        assert not {v for v in row[1:] if v} & {"1", "2", "3", "4"}, row
    flat = text.replace("<5", "").replace("5", "")
    assert not SMALL_COUNT.findall(" ".join(flat.split())), flat
    for fig in board_pack.figures(pack):  # the PNG route draws the same hidden values
        for trace in fig.to_plotly_json()["data"]:
            for axis in ("x", "y"):
                values = [v for v in decode(trace.get(axis)) if isinstance(v, int | float)]
                assert not [v for v in values if 0 < v < 5], trace.get("name")


def test_the_overview_offers_the_pack_and_says_when_charts_are_simpler(sample_db, no_browser):
    at = app("fr", "board")
    at.button(key="pack_prepare").click().run()
    no_exception(at)
    assert any(i.value == i18n.t("fr", "pack.drawn") for i in at.info)
    button = at.get("download_button")
    assert [b for b in button if b.proto.label == i18n.t("fr", "pack.download")]
    at.switch_page(PAGES["funnel"]).run()
    at.switch_page(PAGES["overview"]).run()  # kept while the filters stay the same
    assert "pack_prepare" not in [b.key for b in at.button]
    at.selectbox(key="w_period").set_value("90").run()  # other filters: prepare it again
    assert "pack_prepare" in [b.key for b in at.button]


def test_the_overview_says_so_when_no_pack_can_be_made(sample_db, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("no fonts, no browser (simulated)")

    monkeypatch.setattr(board_pack, "build", broken)
    at = app("en")
    at.button(key="pack_prepare").click().run()
    no_exception(at)
    assert any(w.value == i18n.t("en", "pack.failed") for w in at.warning)


def test_the_builder_never_calls_streamlit():
    """The pack is made outside a page (the command line, a test): none of its modules may
    reach for Streamlit."""
    folder = Path(board_pack.__file__).parent
    modules = sorted(folder.glob("board_pack*.py"))
    assert len(modules) >= 3, modules  # the pack, its content and its charts
    for module in modules:
        source = module.read_text(encoding="utf-8")
        assert "import streamlit" not in source and not re.search(r"\bst\.", source), module


def test_a_period_without_events_has_no_empty_chart(sample_db):
    from datetime import datetime

    c = ui.Context(
        "en",
        ui.LEAD,
        None,
        None,
        "custom",
        datetime(2001, 1, 1),
        datetime(2001, 1, 2),
        datetime(2000, 12, 31),
        datetime(2001, 1, 1),
    )
    asked = []

    def render(figs):
        asked.append(len(figs))
        raise RuntimeError("recorded only")

    pdf, route = board_pack.build(board_pack.collect(c, MADE_ON), render=render)
    assert asked == [1] and route == "drawn"  # the funnel only: no axes without events
    pages, text = read(pdf)
    assert pages <= MAX_PAGES and i18n.t("en", "empty.no_events") in text
