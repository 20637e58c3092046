"""The board pack reads on paper: no two text lines overlap, none leaves the page or is cut
short, no text under 7 points, in both languages, for both roles and windows of 7, 30 and 90
days and all time; the RSVP gap shows only events that happened; upcoming events are
forecast with their 80 % range; the window, freshness and suppression rule are stated."""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest

from dashboard import board_pack, data, i18n, ui

pytestmark = pytest.mark.usefixtures("fresh_caches")

pdfplumber = pytest.importorskip("pdfplumber")
MADE_ON = date(2026, 11, 25)
MIN_POINTS = 7.0
SLACK = 0.3  # points: glyph boxes of neighbouring letters may touch


def context(lang: str, period: str, role: str) -> ui.Context:
    _, last = data.date_range()
    return ui.Context(lang, role, None, None, period, *ui.window(period, last))


def flaws(pdf: bytes) -> list[str]:
    """Every text line that overlaps another, leaves the page, is cut short or is too small."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            lines = page.extract_text_lines(return_chars=True, strip=True)
            for line in lines:
                where = f"page {number}: {line['text']!r}"
                if (
                    line["x0"] < 0
                    or line["top"] < 0
                    or line["x1"] > page.width
                    or line["bottom"] > page.height
                ):
                    found.append(f"off the page, {where}")
                if line["text"].endswith(("...", "…")):
                    found.append(f"cut short, {where}")
                small = [c["size"] for c in line["chars"] if c["size"] < MIN_POINTS]
                if small:
                    found.append(f"{min(small):.1f} pt, {where}")
                chars = [c for c in line["chars"] if c["text"].strip()]
                for a, b in zip(chars, chars[1:], strict=False):
                    if b["x0"] < a["x1"] - SLACK and abs(b["top"] - a["top"]) < a["size"]:
                        found.append(f"letters over letters at {a['text']}{b['text']}, {where}")
                        break
            for i, a in enumerate(lines):
                for b in lines[i + 1 :]:
                    if (
                        min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > SLACK
                        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > SLACK
                    ):
                        found.append(f"page {number}: {a['text']!r} over {b['text']!r}")
    return found


@pytest.mark.parametrize("period", ("7", "30", "90", "all"))
@pytest.mark.parametrize("role", (ui.LEAD, ui.BOARD))
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_line_overlaps_leaves_the_page_is_cut_or_too_small(sample_db, lang, role, period):
    pack = board_pack.collect(context(lang, period, role), MADE_ON)
    pdf, _ = board_pack.build(pack, render=None)
    assert flaws(pdf) == []


def test_chart_text_prints_at_seven_points_or_more(sample_db):
    pack = board_pack.collect(context("fr", "all", ui.BOARD), MADE_ON)
    points = 1 / board_pack.PX_PER_MM / 0.3528  # a figure pixel, printed, in points
    for fig in board_pack.figures(pack):
        spec = fig.to_plotly_json()
        layout = spec["layout"]
        sizes = [layout["font"]["size"]]
        sizes += [layout[a]["tickfont"]["size"] for a in ("xaxis", "yaxis") if a in layout]
        sizes += [t["textfont"]["size"] for t in spec["data"] if "textfont" in t]
        assert min(sizes) * points >= MIN_POINTS, sizes


def test_the_gap_shows_events_that_happened_and_upcoming_ones_are_forecast(sample_db):
    pack = board_pack.collect(context("en", "all", ui.BOARD), MADE_ON)
    upcoming = pack.forecasts
    assert not upcoming.empty, "the sample campaign has upcoming events"
    shown = board_pack.gap_events(pack)
    assert not set(shown["event_id"]) & set(upcoming["event_id"])
    assert (shown["starts_at"] < upcoming["starts_at"].min()).all()
    with pdfplumber.open(io.BytesIO(board_pack.build(pack, render=None)[0])) as doc:
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in doc.pages))
    for _, row in upcoming.iterrows():  # the forecast and its 80 % range, as counted
        expected, low, high = round(row["expected"]), int(row["low"]), int(row["high"])
        assert f"{expected:,} {low:,}–{high:,}" in text, row["event_id"]
    assert i18n.t("en", "pack.forecasts") in text


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_pack_states_window_freshness_and_rule(sample_db, lang):
    c = context(lang, "90", ui.BOARD)
    pack = board_pack.collect(c, MADE_ON)
    with pdfplumber.open(io.BytesIO(board_pack.build(pack, render=None)[0])) as doc:
        lines = [ln["text"] for ln in doc.pages[0].extract_text_lines()]
    plain = [re.sub(r"[\u00a0\u202f]", " ", ln) for ln in lines]
    window = i18n.t(lang, "pack.window", window=c.window_text())
    rule = i18n.t(lang, "pack.suppression")
    with data.__dict__["duckdb"].connect(str(sample_db), read_only=True) as con:
        last, sources = con.execute(
            "select max(imported_at), count(distinct source) from imports"
        ).fetchone()
    fresh = board_pack.freshness_text(pack)
    assert str(sources) in fresh and i18n.day(lang, pd.Timestamp(last)) in fresh
    for stated in (window, rule, fresh):
        assert re.sub(r"[\u00a0\u202f]", " ", stated) in plain, stated
