"""The one-page PDF board pack: key figures, funnel, RSVP gap, definitions, small-numbers caution.

- :func:`collect` reads what the pack shows through ``data.py`` (the Overview's own loaders);
  :func:`build` turns that into PDF bytes. Neither calls Streamlit: the Overview page offers
  the result as a download.
- The pack is a board document: it always follows the board rule (``board_tables``: the
  counts the pages hide, hidden the same way), whatever the reader's role.
- Charts are the dashboard's own plotly figures (``charts.py``) drawn to PNG by kaleido with
  the machine's Chromium, offline (no MathJax). Without a browser they are drawn by fpdf2
  itself as plain bars, so the pack still works; ``build`` says which route it took.
- Text uses DejaVu Sans (Debian's fonts-dejavu-core) for French accents and typographic
  marks; without it, fpdf2's core Helvetica with the text brought down to Latin-1.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF

from dashboard import board_tables, charts, data, i18n, ui
from pipelines import __version__

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
LATIN_1 = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"',
                         "…": "...", "\u202f": " ", "·": "-", "≥": ">="})
KEY_FIGURES = ("reached", "reached_people", "committed", "acted", "slacktivism", "show_up",
               "going_conversion")
COMPARED = ("facebook_going", "registered", "attended")
DEFINITIONS = ("stages", "people", "slacktivism", "show_up", "going_conversion", "unknown")
MAX_EVENTS = 15  # the most recent events of the period: more would not fit on the page
KALEIDO_SECONDS = 60  # a browser that takes longer than this is treated as missing
PX_PER_MM = 96 / 25.4 * 1.2  # figures drawn a little larger than the page, then shrunk

# the page (A4 portrait, millimetres)
MARGIN, WIDTH = 10, 190
FUNNEL_BOX = (112, 30, 88, 62)  # x, y, w, h
GAP_BOX = (10, 104, 190, 118)


@dataclass(frozen=True)
class Pack:
    """Everything the pack shows, already read; ``c`` is the reader's context as the board."""

    c: ui.Context
    now: dict
    before: dict | None
    funnel: pd.DataFrame
    events: pd.DataFrame
    made_on: date
    shown: board_tables.Shown  # what the board may see, as the pages hide it


def collect(c: ui.Context, today: date | None = None) -> Pack:
    """Read the pack's data for the reader's filters (the Overview's figures, as the board)."""
    c = dataclasses.replace(c, role=ui.BOARD)
    every_event = data.events()

    def period(since, until) -> tuple[pd.DataFrame, pd.DataFrame]:
        rows = data.funnel(c.campaign, c.channel, since, until)
        return rows, data.within(every_event, "starts_at", c.campaign, since, until)

    rows, events = period(c.since, c.until)
    before, rows_before, events_before = None, None, None
    if c.since is not None:
        rows_before, events_before = period(c.prev_since, c.prev_until)
        before = data.key_figures(rows_before, events_before)
    shown = board_tables.figures(c.lang, True, rows, events, rows_before, events_before)
    return Pack(c, data.key_figures(rows, events), before, rows, events, today or date.today(),
                shown)


# the charts, as plotly figures (the dashboard's builders) ------------------------------

def gap_events(pack: Pack) -> pd.DataFrame:
    """The events the RSVP-gap chart shows: the most recent ``MAX_EVENTS`` of the period."""
    events = pack.events.sort_values("starts_at", na_position="first")
    return events.tail(MAX_EVENTS)


def funnel_series(pack: Pack) -> tuple[list[str], list, list[str], list[str]]:
    c, rows, shown = pack.c, pack.funnel, pack.shown
    keys = [("people", "", s) for s in rows["stage"]]
    return ([c.t(f"stage.{s}") for s in rows["stage"]], [shown.value(k) for k in keys],
            [shown.text(k) for k in keys], [charts.STAGE_COLOURS[s] for s in rows["stage"]])


def gap_series(pack: Pack) -> tuple[list[str], dict[str, tuple[list, list[str]]]]:
    c, events = pack.c, gap_events(pack)
    names = [f"{n} · {i18n.day(c.lang, d, 'short')}" for n, d in
             zip(events["name"].fillna(events["event_id"]), events["starts_at"], strict=True)]
    ids, shown = events["event_id"].tolist(), pack.shown
    series = {c.t(f"col.{k}"): ([shown.value((k, "", e)) for e in ids],
                                [shown.text((k, "", e)) for e in ids]) for k in COMPARED}
    return names, series


def _zero(values: list) -> list:
    return [0 if v is None else v for v in values]


def figures(pack: Pack) -> list[go.Figure]:
    """The funnel and the RSVP gap as the dashboard draws them, sized for the page."""
    c = pack.c
    # a hidden or unknown count gets a bar of no length, so that its "<5" or "unknown" shows
    labels, values, texts, colours = funnel_series(pack)
    funnel = charts.funnel(labels, _zero(values), texts, "", colours)
    funnel.update_traces(textposition=["inside" if v else "outside" for v in values],
                         connector=dict(fillcolor="#eeeeee"))
    names, series = gap_series(pack)
    series = {name: (_zero(v), texts) for name, (v, texts) in series.items()}
    gap = charts.bars(names, series, "", c.t("unit.people_or_clicks"), horizontal=True)
    small = dict(family="DejaVu Sans, sans-serif", size=11)
    for fig, (_, _, w, h) in ((funnel, FUNNEL_BOX), (gap, GAP_BOX)):
        fig.update_layout(title=None, width=round(w * PX_PER_MM), height=round(h * PX_PER_MM),
                          margin=dict(l=4, r=4, t=4, b=4), font=small,
                          separators=i18n.separators(c.lang), paper_bgcolor="white",
                          plot_bgcolor="white")
    gap.update_layout(legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
                      bargap=0.25, bargroupgap=0.05)
    gap.update_traces(textfont_size=9, cliponaxis=False)
    gap.update_xaxes(gridcolor="#e5e5e5")
    for fig in (funnel, gap):  # room for the stage and event names beside the bars
        fig.update_yaxes(automargin=True, tickfont_size=11)
    return [funnel, gap]


def kaleido_pngs(figs: Sequence[go.Figure]) -> list[bytes]:
    """PNGs of ``figs`` from one offline kaleido browser; raises if there is no browser."""
    import kaleido  # here: a machine without it still gets the drawn charts

    async def render() -> list[bytes]:
        async with kaleido.Kaleido(mathjax=False, timeout=KALEIDO_SECONDS) as k:
            return [await k.calc_fig(f, opts=dict(format="png", scale=2)) for f in figs]

    result: dict = {}

    def run() -> None:  # its own thread and event loop, whatever the caller runs in
        try:
            result["pngs"] = asyncio.run(render())
        except BaseException as error:  # noqa: BLE001 - handed to the caller below
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(KALEIDO_SECONDS)
    if "pngs" not in result:
        raise RuntimeError("kaleido could not draw the charts") from result.get("error")
    return result["pngs"]


# the page ---------------------------------------------------------------------------

class _Page(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)  # one page, always: nothing spills onto a second
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.unicode = all((FONT_DIR / name).exists() for name in FONT_FILES.values())
        if self.unicode:
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
        self.family = "DejaVu" if self.unicode else "helvetica"
        self.add_page()

    def text_of(self, text: str) -> str:
        if self.unicode:
            return text
        return text.translate(LATIN_1).encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, bold: bool = False, colour: str = "#000000") -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*_rgb(colour))

    def fit(self, text: str, width: float, size: float, bold: bool = True) -> None:
        """The largest size up to ``size`` at which ``text`` fits on one line of ``width``."""
        self.style(size, bold)
        while size > 7 and self.get_string_width(self.text_of(text)) > width:
            size -= 0.5
            self.style(size, bold)

    def put(self, x: float, y: float, w: float, h: float, text: str, align: str = "L",
            markdown: bool = False) -> None:
        self.set_xy(x, y)
        self.cell(w, h, self.text_of(text), align=align, markdown=markdown)

    def para(self, x: float, y: float, w: float, line: float, text: str) -> float:
        """A wrapped paragraph (``**bold**`` allowed); returns the y below it."""
        self.set_xy(x, y)
        self.multi_cell(w, line, self.text_of(text), markdown=True, align="L")
        return self.get_y()

    def fitted(self, text: str, width: float) -> str:
        text = self.text_of(text)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "...") > width:
            text = text[:-1]
        return text.rstrip() + "..."


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


def _header(pdf: _Page, pack: Pack) -> None:
    c = pack.c
    pdf.fit(c.t("pack.title"), WIDTH, 17)
    pdf.put(MARGIN, MARGIN, WIDTH, 9, c.t("pack.title"))
    campaign = c.campaign or c.t("filter.all_campaigns")
    channel = c.label("channel", c.channel) if c.channel else c.t("filter.all_channels")
    pdf.style(9.5, colour="#333333")
    pdf.put(MARGIN, 19, WIDTH, 5, f"{campaign} · {channel} · {c.window_text()}")
    pdf.style(7.5, colour="#666666")
    pdf.put(MARGIN, 24, WIDTH, 4, c.t("pack.made_on", date=i18n.day(c.lang, pack.made_on),
                                      version=__version__))
    pdf.set_draw_color(*_rgb("#0072B2"))
    pdf.set_line_width(0.5)
    pdf.line(MARGIN, 28.5, MARGIN + WIDTH, 28.5)


def key_figure_rows(pack: Pack) -> list[tuple[str, str, str | None, str | None]]:
    """(label, this period, period before, change) per key figure, by the board rule."""
    c, now, before, shown = pack.c, pack.now, pack.before, pack.shown
    rows = []
    for name in KEY_FIGURES:
        rows.append((c.t(f"kpi.{name}"), ui.figure(c, shown, name, now),
                     ui.figure(c, shown, name, before, "before") if before else None,
                     ui.figure_delta(c, shown, name, now, before)))
    return rows


def _key_figures(pdf: _Page, pack: Pack) -> None:
    c = pack.c
    x, y, w = MARGIN, 31, 98
    pdf.style(11, bold=True)
    pdf.put(x, y, w, 6, c.t("pack.key_figures"))
    compare = pack.before is not None
    widths = (44, 18, 18, 18) if compare else (62, 36)
    heads = [c.t("pack.col.figure"), c.t("pack.col.now")]
    if compare:
        heads += [c.t("pack.col.before"), c.t("pack.col.change")]
    y += 7
    pdf.set_fill_color(*_rgb("#eef4fa"))
    pdf.style(7, bold=True, colour="#333333")
    left = x
    for head, width in zip(heads, widths, strict=False):
        pdf.set_xy(left, y)
        pdf.multi_cell(width, 3.2, pdf.text_of(head), align="L" if left == x else "R",
                       fill=False)
        left += width
    y += 7.5
    for i, row in enumerate(key_figure_rows(pack)):
        if i % 2 == 0:
            pdf.rect(x, y - 0.5, sum(widths), 7.4, style="F")
        left = x
        for j, (value, width) in enumerate(zip(row, widths, strict=False)):
            if j == 0:  # the label: smaller rather than cut, down to 7 points
                pdf.fit(value, width - 1.5, 8, bold=False)
            else:
                pdf.style(9, bold=(j == 1))
            pdf.put(left + 1 if j == 0 else left, y, width - 1, 6.4,
                    pdf.fitted(value, width - 1.5) if j == 0 else (value or "-"),
                    align="L" if j == 0 else "R")
            left += width
        y += 7.4
    if compare:
        pdf.style(6.5, colour="#555555")
        note = c.t("period.compared")
        pdf.para(x, y + 0.5, sum(widths), 3, note[:1].upper() + note[1:] + ".")


def _chart_heading(pdf: _Page, box: tuple, title: str) -> tuple[float, float, float, float]:
    x, y, w, h = box
    pdf.fit(title, w, 11)
    pdf.put(x, y, w, 6, title)
    return x, y + 7, w, h


def _draw_funnel(pdf: _Page, box: tuple, pack: Pack) -> None:
    """The funnel as plain bars, when no browser can draw the plotly figure."""
    x, y, w, h = box
    labels, values, texts, colours = funnel_series(pack)
    largest = max([v for v in values if v] or [1])
    label_w, row = 28, h / len(labels)
    for i, (label, value, text, colour) in enumerate(zip(labels, values, texts, colours,
                                                         strict=True)):
        top = y + i * row
        pdf.style(8)
        pdf.put(x, top, label_w, row * 0.7, pdf.fitted(label, label_w - 1))
        bar = (w - label_w - 16) * (value or 0) / largest
        if value:
            pdf.set_fill_color(*_rgb(colour))
            pdf.rect(x + label_w, top + 0.5, max(bar, 0.6), row * 0.7 - 1, style="F")
        pdf.style(8, bold=True)
        pdf.put(x + label_w + bar + 1, top, 15, row * 0.7, text)


def _draw_gap(pdf: _Page, box: tuple, pack: Pack) -> None:
    """The RSVP gap as plain grouped bars, when no browser can draw the plotly figure."""
    x, y, w, h = box
    names, series = gap_series(pack)
    if not names:
        return
    legend_x = x
    for i, name in enumerate(series):
        pdf.set_fill_color(*_rgb(charts.OKABE_ITO[i]))
        pdf.rect(legend_x, y + 1, 3, 3, style="F")
        pdf.style(7.5)
        pdf.put(legend_x + 4, y, 50, 5, name)
        legend_x += 6 + pdf.get_string_width(pdf.text_of(name)) + 4
    y, h = y + 6, h - 6
    largest = max([v for values, _ in series.values() for v in values if v] or [1])
    label_w, group = 62, min(h / len(names), 9)
    bar_h = group * 0.8 / len(series)
    for i, name in enumerate(names):
        top = y + i * group
        pdf.style(6.5)
        pdf.put(x, top, label_w, group * 0.8, pdf.fitted(name, label_w - 1))
        for j, (values, texts) in enumerate(series.values()):
            value, text = values[i], texts[i]
            bar = (w - label_w - 12) * (value or 0) / largest
            if value:
                pdf.set_fill_color(*_rgb(charts.OKABE_ITO[j]))
                pdf.rect(x + label_w, top + j * bar_h, max(bar, 0.4), bar_h * 0.9, style="F")
            pdf.style(5.5)
            pdf.put(x + label_w + bar + 0.8, top + j * bar_h - 0.3, 11, bar_h, text)


def _charts(pdf: _Page, pack: Pack, render) -> str:
    """Both charts, as kaleido PNGs when a browser can draw them, else drawn; the route."""
    c = pack.c
    funnel = _chart_heading(pdf, FUNNEL_BOX, c.t("chart.funnel_people"))
    gap = _chart_heading(pdf, GAP_BOX, c.t("chart.rsvp_gap"))
    funnel = (*funnel[:3], funnel[3] - 12)
    gap = (*gap[:3], gap[3] - 14)
    if len(pack.events) > MAX_EVENTS:
        pdf.style(7, colour="#555555")
        pdf.put(gap[0] + 80, GAP_BOX[1], gap[2] - 80, 6,
                c.t("pack.recent_events", shown=MAX_EVENTS, total=len(pack.events)), align="R")
    route = "drawn"
    try:
        # no events: no empty axes (their ticks could be read as counts), just the message
        wanted = figures(pack)[: 1 if pack.events.empty else 2]
        pngs = render(wanted) if render else None
    except Exception:  # no browser, or it failed: the drawn charts say the same
        pngs = None
    if pngs:
        for png, (x, y, w, h) in zip(pngs, (funnel, gap), strict=False):
            pdf.image(png, x=x, y=y, w=w, h=h, keep_aspect_ratio=True)
        route = "kaleido"
    else:
        _draw_funnel(pdf, funnel, pack)
        _draw_gap(pdf, gap, pack)
    if pack.events.empty:
        pdf.style(8, colour="#555555")
        pdf.put(gap[0], gap[1], gap[2], 6, c.t("empty.no_events"))
    pdf.style(6.5, colour="#555555")
    pdf.para(funnel[0], FUNNEL_BOX[1] + FUNNEL_BOX[3] - 4.5, funnel[2], 3,
             c.t("chart.funnel_people.def"))
    pdf.para(gap[0], GAP_BOX[1] + GAP_BOX[3] - 6, gap[2], 3, c.t("chart.rsvp_gap.def"))
    return route


def _definitions(pdf: _Page, pack: Pack) -> None:
    c = pack.c
    y = GAP_BOX[1] + GAP_BOX[3] + 2
    pdf.set_draw_color(*_rgb("#cccccc"))
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y, MARGIN + WIDTH, y)
    pdf.style(11, bold=True)
    pdf.put(MARGIN, y + 1.5, WIDTH, 6, c.t("about.definitions"))
    column_w, gap = 92.5, 5
    tops = [y + 9, y + 9]
    for i, name in enumerate(DEFINITIONS):
        side = 0 if i < (len(DEFINITIONS) + 1) // 2 else 1
        pdf.style(7.2)
        tops[side] = pdf.para(MARGIN + side * (column_w + gap), tops[side], column_w, 3.4,
                              c.t(f"about.def.{name}")) + 1.2
    y = max(tops) + 1
    pdf.set_fill_color(*_rgb("#fff4e0"))
    pdf.set_draw_color(*_rgb("#E69F00"))
    height = 297 - MARGIN - y
    pdf.rect(MARGIN, y, WIDTH, min(height, 16), style="DF")
    pdf.style(8.5, bold=True)
    pdf.put(MARGIN + 2, y + 1, WIDTH - 4, 5, c.t("pack.caution"))
    pdf.style(7.2)
    pdf.para(MARGIN + 2, y + 6, WIDTH - 4, 3.4, c.t("small_numbers_note"))


def build(pack: Pack, render=kaleido_pngs) -> tuple[bytes, str]:
    """The one-page PDF and the chart route taken: "kaleido" or "drawn" (no browser).

    ``render`` turns the plotly figures into PNGs (None: always draw the charts with fpdf2).
    """
    pdf = _Page()
    pdf.set_title(pack.c.t("pack.title"))
    pdf.set_creator(f"Turnout {__version__}")
    pdf.set_lang("fr-CA" if pack.c.lang == "fr" else "en-CA")
    _header(pdf, pack)
    _key_figures(pdf, pack)
    route = _charts(pdf, pack, render)
    _definitions(pdf, pack)
    return bytes(pdf.output()), route


def file_name(pack: Pack) -> str:
    return pack.c.t("pack.file_name", date=pack.made_on.isoformat())
