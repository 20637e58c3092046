"""The PDF board pack: the window, the data's freshness and the suppression rule; key
figures, funnel, RSVP gap of the events that happened, upcoming events' forecasts, definitions
and the small-numbers caution. Its pages are set by ``board_pack_layout``.

- :func:`collect` reads what the pack shows through ``data.py`` (the Overview's own loaders);
  :func:`build` turns that into PDF bytes. Neither calls Streamlit: the Overview page offers
  the result as a download.
- The pack is a board document: it always follows the board rule (``board_tables``: the
  counts the pages hide, hidden the same way), whatever the reader's role.
- Charts are the dashboard's own plotly figures (``charts.py``) drawn to PNG by kaleido with
  the machine's Chromium, offline (no MathJax). Without a browser they are drawn by fpdf2
  itself as plain bars, so the pack still works; ``build`` says which route it took.
- Text uses DejaVu Sans (Debian's fonts-dejavu-core) for French accents and typographic
  marks; without it, fpdf2's core Helvetica with the text brought down to Latin-1. No text is
  under 7.5 points, the charts' included.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from dashboard import board_pack_layout as layout
from dashboard import board_tables, charts, data, i18n, ui
from pipelines import __version__

FONT_DIR = layout.FONT_DIR
KEY_FIGURES = ("reached", "reached_people", "committed", "acted", "slacktivism", "show_up",
               "going_conversion")
COMPARED = ("facebook_going", "registered", "attended")
DEFINITIONS = ("stages", "people", "slacktivism", "show_up", "going_conversion", "unknown")
MAX_EVENTS = 15  # the most recent events of the period: more would not be read
KALEIDO_SECONDS = 60  # a browser that takes longer than this is treated as missing
PX_PER_MM = 96 / 25.4 * 1.2  # figures drawn a little larger than the page, then shrunk
# chart text in pixels: 12.5 px drawn at PX_PER_MM print at 12.5 / PX_PER_MM / PT ≈ 7.8 pt
CHART_FONT_PX = 12.5
FUNNEL_SIZE = (layout.WIDTH, 58.0)  # millimetres
DRAWN_GAP_MM = 12.8  # height of one event's three bars when fpdf2 draws the chart
Render = Callable[[Sequence[go.Figure]], list[bytes]]  # figures to PNGs (kaleido_pngs)


def gap_size(events: int) -> tuple[float, float]:
    return layout.WIDTH, 24.0 + 10.5 * events


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
    forecasts: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    freshness: tuple = ()  # (source, last import) per source, the latest first
    happened_before: pd.Timestamp = pd.Timestamp.max  # events from then on are upcoming


def collect(c: ui.Context, today: date | None = None) -> Pack:
    """Read the pack's data for the reader's filters (the Overview's figures, as the board)."""
    c = dataclasses.replace(c, role=ui.BOARD)
    every_event = data.events()

    def period(since: datetime | None,
               until: datetime | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        rows = data.funnel(c.campaign, c.channel, since, until)
        return rows, data.within(every_event, "starts_at", c.campaign, since, until)

    rows, events = period(c.since, c.until)
    before, rows_before, events_before = None, None, None
    if c.since is not None:
        rows_before, events_before = period(c.prev_since, c.prev_until)
        before = data.key_figures(rows_before, events_before)
    shown = board_tables.figures(c.lang, True, rows, events, rows_before, events_before)
    today = today or date.today()
    found = data.forecasts()
    upcoming = pd.DataFrame()
    happened_before = pd.Timestamp(today)
    if not found.empty:
        upcoming = data.within(found[found["is_upcoming"] & found["expected"].notna()],
                               "starts_at", c.campaign, None, None)
        # the forecasts' "as of": an event after it has not happened in the data yet
        happened_before = min(happened_before, pd.Timestamp(found["forecast_at"].max()))
    imports = data.imports()
    latest = imports.groupby("source")["imported_at"].max().sort_values(ascending=False) \
        if not imports.empty else pd.Series(dtype=object)
    return Pack(c, data.key_figures(rows, events), before, rows, events, today, shown,
                upcoming, tuple(latest.items()), happened_before)


# the charts, as plotly figures (the dashboard's builders) ------------------------------

def gap_events(pack: Pack) -> pd.DataFrame:
    """The events the RSVP-gap chart shows: the most recent ``MAX_EVENTS`` of the period that
    have happened (an upcoming event has no attendance yet, and is forecast instead)."""
    events = pack.events[pack.events["starts_at"] < pack.happened_before]
    return events.sort_values("starts_at", na_position="first").tail(MAX_EVENTS)


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


def _none(value):
    return None if value is None or pd.isna(value) else value


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
    text = dict(family="DejaVu Sans, sans-serif", size=CHART_FONT_PX)
    sizes = (FUNNEL_SIZE, gap_size(len(names)))
    for fig, (w, h) in zip((funnel, gap), sizes, strict=True):
        fig.update_layout(title=None, width=round(w * PX_PER_MM), height=round(h * PX_PER_MM),
                          margin=dict(l=4, r=4, t=4, b=4), font=text,
                          separators=i18n.separators(c.lang), paper_bgcolor="white",
                          plot_bgcolor="white")
    gap.update_layout(legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0,
                                  font_size=CHART_FONT_PX),
                      bargap=0.2, bargroupgap=0.05)
    gap.update_traces(textfont_size=CHART_FONT_PX, cliponaxis=False)
    gap.update_xaxes(gridcolor="#e5e5e5", tickfont_size=CHART_FONT_PX,
                     title_font_size=CHART_FONT_PX)
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


def key_figure_rows(pack: Pack) -> list[tuple[str, str, str | None, str | None]]:
    """(label, this period, period before, change) per key figure, by the board rule."""
    c, now, before, shown = pack.c, pack.now, pack.before, pack.shown
    rows = []
    for name in KEY_FIGURES:
        rows.append((c.t(f"kpi.{name}"), ui.figure(c, shown, name, now),
                     ui.figure(c, shown, name, before, "before") if before else None,
                     ui.figure_delta(c, shown, name, now, before)))
    return rows


def forecast_rows(pack: Pack) -> list[list[str]]:
    """Upcoming events' forecasts: event, expected, its 80 % range, registered, going."""
    c, found = pack.c, pack.forecasts
    rows = []
    for _, row in found.iterrows():
        rows.append([f"{row['name'] or row['event_id']} · {i18n.day(c.lang, row['starts_at'])}",
                     c.count(round(row["expected"])),
                     f"{c.count(_none(row['low']))}–{c.count(_none(row['high']))}",
                     c.count(_none(row["registered_then"])),
                     c.count(_none(row["facebook_going_then"]))])
    return rows


def freshness_text(pack: Pack) -> str:
    """The last import of each source, in one sentence: sources imported the same day together."""
    c = pack.c
    if not pack.freshness:
        return c.t("pack.freshness", sources=c.t("unknown"))
    days: dict[str, list[str]] = {}
    for source, when in pack.freshness:
        name = i18n.catalogue(c.lang).get(f"format.{source}", source)
        days.setdefault(i18n.day(c.lang, when), []).append(name)
    if len(days) == 1:
        day, names = next(iter(days.items()))
        return c.t("pack.freshness_same_day", count=len(names), date=day)
    return c.t("pack.freshness", sources="; ".join(
        f"{day}: {', '.join(names)}" for day, names in days.items()))


# the document -------------------------------------------------------------------------

def _header(pdf: layout.Page, pack: Pack) -> None:
    c = pack.c
    pdf.block(c.t("pack.title"), 16, bold=True, gap=1)
    campaign = c.campaign or c.t("filter.all_campaigns")
    channel = c.label("channel", c.channel) if c.channel else c.t("filter.all_channels")
    pdf.block(f"{campaign} · {channel}", 9.5, colour="#333333", gap=0.5)
    pdf.block(c.t("pack.window", window=c.window_text()), 8.5, colour="#333333", gap=0.5)
    pdf.block(freshness_text(pack), 8, colour="#333333", gap=0.5)
    pdf.block(c.t("pack.suppression"), 8, colour="#333333", gap=0.5)
    pdf.block(c.t("pack.made_on", date=i18n.day(c.lang, pack.made_on), version=__version__),
              7.5, colour="#666666", gap=1)
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
        cells = [[label, now, before or "-", change or "-"]
                 for label, now, before, change in rows]
    else:
        cells = [[label, now] for label, now, _, _ in rows]
    pdf.wrapped_table(head, cells, widths, size=9, first_bold=True)
    if pack.before is not None:
        note = c.t("period.compared")
        pdf.block(note[:1].upper() + note[1:] + ".", 7.5, colour="#555555")


def _draw_funnel(pdf: layout.Page, pack: Pack) -> None:
    """The funnel as plain bars, when no browser can draw the plotly figure."""
    labels, values, texts, colours = funnel_series(pack)
    largest = max([v for v in values if v] or [1])
    label_w, row = 34, 8
    pdf.room(row * len(labels))
    top = pdf.get_y()
    for i, (label, value, text, colour) in enumerate(zip(labels, values, texts, colours,
                                                         strict=True)):
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


def _draw_gap(pdf: layout.Page, pack: Pack) -> None:
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
                pdf.rect(layout.MARGIN + label_w, top + j * bar_h, max(bar, 0.4),
                         bar_h * 0.85, style="F")
            pdf.style(7.5)
            pdf.set_xy(layout.MARGIN + label_w + bar + 0.8, top + j * bar_h - 0.2)
            pdf.cell(15, bar_h, pdf.text_of(texts[i]))
        pdf.set_y(top + max(group, len(label_lines) * 3.4 + 1))


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
        _draw_funnel(pdf, pack)
    pdf.block(c.t("chart.funnel_people.def"), 7.5, colour="#555555")
    pdf.room(18 + (gap_size(len(happened))[1] if pngs else 7 + DRAWN_GAP_MM * len(happened)))
    pdf.heading(c.t("chart.rsvp_gap"))
    total = len(pack.events[pack.events["starts_at"] < pack.happened_before])
    if total > MAX_EVENTS:
        pdf.block(c.t("pack.recent_events", shown=MAX_EVENTS, total=total), 7.5,
                  colour="#555555")
    if happened.empty:
        pdf.block(c.t("empty.no_events"), 8.5, colour="#555555")
    elif pngs:
        pdf.picture(pngs[1], *gap_size(len(happened)))
    else:
        _draw_gap(pdf, pack)
    pdf.block(c.t("chart.rsvp_gap.def"), 7.5, colour="#555555")
    return "kaleido" if pngs else "drawn"


def _forecasts(pdf: layout.Page, pack: Pack) -> None:
    c = pack.c
    pdf.heading(c.t("pack.forecasts"))
    rows = forecast_rows(pack)
    if not rows:
        pdf.block(c.t("pack.no_forecasts"), 8.5, colour="#555555")
        return
    head = [c.t("col.event"), c.t("col.forecast"), c.t("col.forecast_range"),
            c.t("col.registered"), c.t("col.facebook_going")]
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
