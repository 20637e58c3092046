"""The PDF board pack: the window, the data's freshness and the suppression rule; key
figures, funnel, RSVP gap of the events that happened, upcoming events' forecasts, definitions
and the small-numbers caution.

- :func:`collect` reads what the pack shows through ``data.py`` (the Overview's own loaders);
  :func:`build` turns that into PDF bytes. Neither calls Streamlit: the Overview page offers
  the result as a download. The Overview and the tests reach the pack through this module
  (``__all__``).
- This module writes the document, section by section. What it says is made in
  ``board_pack_content``, its charts in ``board_pack_charts``, its pages set by
  ``board_pack_layout``.
- The pack is a board document: it always follows the board rule (``board_tables``: the
  counts the pages hide, hidden the same way), whatever the reader's role.
- Charts are the dashboard's own plotly figures drawn to PNG by kaleido; without a browser
  they are drawn by fpdf2 itself as plain bars, so the pack still works; ``build`` says
  which route it took.
- Text uses DejaVu Sans (Debian's fonts-dejavu-core) for French accents and typographic
  marks; without it, fpdf2's core Helvetica with the text brought down to Latin-1. No text is
  under 7.5 points, the charts' included.
"""

from __future__ import annotations

from dashboard import board_pack_layout as layout
from dashboard import i18n
from dashboard.board_pack_charts import (
    DRAWN_GAP_MM,
    FUNNEL_SIZE,
    PX_PER_MM,
    Render,
    draw_funnel,
    draw_gap,
    figures,
    gap_size,
    kaleido_pngs,
)
from dashboard.board_pack_content import (
    COMPARED,
    KEY_FIGURES,
    MAX_EVENTS,
    Pack,
    collect,
    forecast_rows,
    freshness_text,
    funnel_series,
    gap_events,
    gap_series,
    key_figure_rows,
)
from pipelines import __version__

__all__ = [
    "COMPARED",
    "KEY_FIGURES",
    "MAX_EVENTS",
    "PX_PER_MM",
    "Pack",
    "build",
    "collect",
    "figures",
    "file_name",
    "freshness_text",
    "funnel_series",
    "gap_events",
    "gap_series",
    "key_figure_rows",
    "kaleido_pngs",
]

FONT_DIR = layout.FONT_DIR
DEFINITIONS = ("stages", "people", "slacktivism", "show_up", "going_conversion", "unknown")


def _header(pdf: layout.Page, pack: Pack) -> None:
    c = pack.c
    pdf.block(c.t("pack.title"), 16, bold=True, gap=1)
    campaign = c.campaign or c.t("filter.all_campaigns")
    channel = c.label("channel", c.channel) if c.channel else c.t("filter.all_channels")
    pdf.block(f"{campaign} · {channel}", 9.5, colour="#333333", gap=0.5)
    pdf.block(c.t("pack.window", window=c.window_text()), 8.5, colour="#333333", gap=0.5)
    pdf.block(freshness_text(pack), 8, colour="#333333", gap=0.5)
    pdf.block(c.t("pack.suppression"), 8, colour="#333333", gap=0.5)
    pdf.block(
        c.t("pack.made_on", date=i18n.day(c.lang, pack.made_on), version=__version__),
        7.5,
        colour="#666666",
        gap=1,
    )
    pdf.rule()


def _key_figures(pdf: layout.Page, pack: Pack) -> None:
    c = pack.c
    pdf.heading(c.t("pack.key_figures"))
    head = [c.t("pack.col.figure"), c.t("pack.col.now")]
    widths = [76.0, 36.0]
    rows = key_figure_rows(pack)
    if pack.before is not None:
        head += [c.t("pack.col.before"), c.t("pack.col.change")]
        widths += [36.0, layout.WIDTH - 148.0]
        cells = [[label, now, before or "-", change or "-"] for label, now, before, change in rows]
    else:
        cells = [[label, now] for label, now, _, _ in rows]
    pdf.wrapped_table(head, cells, widths, size=9, first_bold=True)
    if pack.before is not None:
        note = c.t("period.compared")
        pdf.block(note[:1].upper() + note[1:] + ".", 7.5, colour="#555555")


def _charts(pdf: layout.Page, pack: Pack, render: Render | None) -> str:
    """Both charts, as kaleido PNGs when a browser can draw them, else drawn; the route."""
    c, happened = pack.c, gap_events(pack)
    try:
        # no events: no empty axes (their ticks could be read as counts), just the message
        wanted = figures(pack)[: 1 if happened.empty else 2]
        pngs = render(wanted) if render else None
    except Exception:  # no browser, or it failed: the drawn charts say the same
        pngs = None
    pdf.room(12 + FUNNEL_SIZE[1])  # a chart's heading stays on the chart's page
    pdf.heading(c.t("chart.funnel_people"))
    if pngs:
        pdf.picture(pngs[0], *FUNNEL_SIZE)
    else:
        draw_funnel(pdf, pack)
    pdf.block(c.t("chart.funnel_people.def"), 7.5, colour="#555555")
    pdf.room(18 + (gap_size(len(happened))[1] if pngs else 7 + DRAWN_GAP_MM * len(happened)))
    pdf.heading(c.t("chart.rsvp_gap"))
    total = len(pack.events[pack.events["starts_at"] < pack.happened_before])
    if total > MAX_EVENTS:
        pdf.block(c.t("pack.recent_events", shown=MAX_EVENTS, total=total), 7.5, colour="#555555")
    if happened.empty:
        pdf.block(c.t("empty.no_events"), 8.5, colour="#555555")
    elif pngs:
        pdf.picture(pngs[1], *gap_size(len(happened)))
    else:
        draw_gap(pdf, pack)
    pdf.block(c.t("chart.rsvp_gap.def"), 7.5, colour="#555555")
    return "kaleido" if pngs else "drawn"


def _forecasts(pdf: layout.Page, pack: Pack) -> None:
    c = pack.c
    pdf.heading(c.t("pack.forecasts"))
    rows = forecast_rows(pack)
    if not rows:
        pdf.block(c.t("pack.no_forecasts"), 8.5, colour="#555555")
        return
    head = [
        c.t("col.event"),
        c.t("col.forecast"),
        c.t("col.forecast_range"),
        c.t("col.registered"),
        c.t("col.facebook_going"),
    ]
    pdf.wrapped_table(head, rows, [74.0, 24.0, 30.0, 28.0, layout.WIDTH - 156.0], size=8.5)
    pdf.block(c.t("events.forecast.def"), 7.5, colour="#555555")


def _definitions(pdf: layout.Page, pack: Pack) -> None:
    c = pack.c
    pdf.heading(c.t("about.definitions"))
    for name in DEFINITIONS:
        pdf.block(c.t(f"about.def.{name}"), 7.5, markdown=True, gap=1.2)
    pdf.boxed(c.t("pack.caution"), c.t("small_numbers_note"))


def build(pack: Pack, render: Render | None = kaleido_pngs) -> tuple[bytes, str]:
    """The PDF and the chart route taken: "kaleido" or "drawn" (no browser).

    ``render`` turns the plotly figures into PNGs (None: always draw the charts with fpdf2).
    """
    pdf = layout.Page(FONT_DIR)
    pdf.set_title(pack.c.t("pack.title"))
    pdf.set_creator(f"Turnout {__version__}")
    pdf.set_lang("fr-CA" if pack.c.lang == "fr" else "en-CA")
    _header(pdf, pack)
    _key_figures(pdf, pack)
    route = _charts(pdf, pack, render)
    _forecasts(pdf, pack)
    _definitions(pdf, pack)
    return bytes(pdf.output()), route


def file_name(pack: Pack) -> str:
    return pack.c.t("pack.file_name", date=pack.made_on.isoformat())
