"""The board pack's two charts, the funnel of people and the RSVP gap.

The dashboard's own plotly figures (``charts.py``), sized for the page, are drawn to PNG
by kaleido with the machine's Chromium, offline (no MathJax); without a browser, fpdf2
draws them itself as plain bars. No chart text is under 7.5 points once printed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence

import plotly.graph_objects as go

from dashboard import board_pack_layout as layout
from dashboard import charts, i18n
from dashboard.board_pack_content import Pack, funnel_series, gap_series

KALEIDO_SECONDS = 60  # a browser that takes longer than this is treated as missing
PX_PER_MM = 96 / 25.4 * 1.2  # figures drawn a little larger than the page, then shrunk
# chart text in pixels: 12.5 px drawn at PX_PER_MM print at 12.5 / PX_PER_MM / PT ≈ 7.8 pt
CHART_FONT_PX = 12.5
FUNNEL_SIZE = (layout.WIDTH, 58.0)  # millimetres
DRAWN_GAP_MM = 12.8  # height of one event's three bars when fpdf2 draws the chart
Render = Callable[[Sequence[go.Figure]], list[bytes]]  # figures to PNGs (kaleido_pngs)


def gap_size(events: int) -> tuple[float, float]:
    return layout.WIDTH, 24.0 + 10.5 * events


def _zero(values: list) -> list:
    return [0 if v is None else v for v in values]


def figures(pack: Pack) -> list[go.Figure]:
    """The funnel and the RSVP gap as the dashboard draws them, sized for the page."""
    c = pack.c
    # a hidden or unknown count gets a bar of no length, so that its "<5" or "unknown" shows
    labels, values, texts, colours = funnel_series(pack)
    funnel = charts.funnel(labels, _zero(values), texts, "", colours)
    funnel.update_traces(
        textposition=["inside" if v else "outside" for v in values],
        connector=dict(fillcolor="#eeeeee"),
    )
    names, series = gap_series(pack)
    series = {name: (_zero(v), texts) for name, (v, texts) in series.items()}
    gap = charts.bars(names, series, "", c.t("unit.people_or_clicks"), horizontal=True)
    text = dict(family="DejaVu Sans, sans-serif", size=CHART_FONT_PX)
    sizes = (FUNNEL_SIZE, gap_size(len(names)))
    for fig, (w, h) in zip((funnel, gap), sizes, strict=True):
        fig.update_layout(
            title=None,
            width=round(w * PX_PER_MM),
            height=round(h * PX_PER_MM),
            margin=dict(l=4, r=4, t=4, b=4),
            font=text,
            separators=i18n.separators(c.lang),
            paper_bgcolor="white",
            plot_bgcolor="white",
        )
    gap.update_layout(
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, font_size=CHART_FONT_PX),
        bargap=0.2,
        bargroupgap=0.05,
    )
    gap.update_traces(textfont_size=CHART_FONT_PX, cliponaxis=False)
    gap.update_xaxes(
        gridcolor="#e5e5e5", tickfont_size=CHART_FONT_PX, title_font_size=CHART_FONT_PX
    )
    funnel.update_traces(textfont_size=CHART_FONT_PX)
    for fig in (funnel, gap):  # room for the stage and event names beside the bars
        fig.update_yaxes(automargin=True, tickfont_size=CHART_FONT_PX)
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


def draw_funnel(pdf: layout.Page, pack: Pack) -> None:
    """The funnel as plain bars, when no browser can draw the plotly figure."""
    labels, values, texts, colours = funnel_series(pack)
    largest = max([v for v in values if v] or [1])
    label_w, row = 34, 8
    pdf.room(row * len(labels))
    top = pdf.get_y()
    for i, (label, value, text, colour) in enumerate(
        zip(labels, values, texts, colours, strict=True)
    ):
        y = top + i * row
        pdf.style(8.5)
        pdf.set_xy(layout.MARGIN, y)
        pdf.cell(label_w, row - 1, pdf.text_of(label))
        bar = (layout.WIDTH - label_w - 24) * (value or 0) / largest
        if value:
            pdf.set_fill_color(*layout.rgb(colour))
            pdf.rect(layout.MARGIN + label_w, y + 0.5, max(bar, 0.6), row - 2, style="F")
        pdf.style(8.5, bold=True)
        pdf.set_xy(layout.MARGIN + label_w + bar + 1, y)
        pdf.cell(22, row - 1, pdf.text_of(text))
    pdf.set_y(top + row * len(labels) + 1)


def draw_gap(pdf: layout.Page, pack: Pack) -> None:
    """The RSVP gap as plain grouped bars, when no browser can draw the plotly figure."""
    names, series = gap_series(pack)
    pdf.room(6)
    x, y = float(layout.MARGIN), pdf.get_y()
    for i, name in enumerate(series):
        pdf.set_fill_color(*layout.rgb(charts.OKABE_ITO[i]))
        pdf.rect(x, y + 1, 3, 3, style="F")
        pdf.style(8)
        pdf.set_xy(x + 4, y)
        pdf.cell(pdf.get_string_width(pdf.text_of(name)) + 1, 5, pdf.text_of(name))
        x += 8 + pdf.get_string_width(pdf.text_of(name))
    pdf.set_y(y + 7)
    largest = max([v for values, _ in series.values() for v in values if v] or [1])
    label_w, bar_h = 70, 3.6
    for i, name in enumerate(names):
        group = bar_h * len(series) + 2
        label_lines = pdf.lines(name, label_w - 2)
        pdf.room(max(group, len(label_lines) * 3.6))
        top = pdf.get_y()
        pdf.style(7.5)
        pdf.set_xy(layout.MARGIN, top)
        pdf.multi_cell(label_w - 2, 3.4, pdf.text_of(name), align="L")
        for j, (values, texts) in enumerate(series.values()):
            bar = (layout.WIDTH - label_w - 16) * (values[i] or 0) / largest
            if values[i]:
                pdf.set_fill_color(*layout.rgb(charts.OKABE_ITO[j]))
                pdf.rect(
                    layout.MARGIN + label_w, top + j * bar_h, max(bar, 0.4), bar_h * 0.85, style="F"
                )
            pdf.style(7.5)
            pdf.set_xy(layout.MARGIN + label_w + bar + 0.8, top + j * bar_h - 0.2)
            pdf.cell(15, bar_h, pdf.text_of(texts[i]))
        pdf.set_y(top + max(group, len(label_lines) * 3.4 + 1))
