"""What the board pack shows: its data, read as the board sees it (``collect`` gives a
``Pack``), and the rows, series and sentences its pages and charts are made of.

Every count goes through the board rule (``board_tables``: the counts the pages hide,
hidden the same way), whatever the reader's role. Nothing here calls Streamlit or draws.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard import board_tables, charts, data, i18n, ui
from dashboard.board_tables import cell_count

KEY_FIGURES = (
    "reached",
    "reached_people",
    "committed",
    "acted",
    "slacktivism",
    "show_up",
    "going_conversion",
)
COMPARED = ("facebook_going", "registered", "attended")
MAX_EVENTS = 15  # the most recent events of the period: more would not be read


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

    def period(since: datetime | None, until: datetime | None) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        upcoming = data.within(
            found[found["is_upcoming"] & found["expected"].notna()],
            "starts_at",
            c.campaign,
            None,
            None,
        )
        # the forecasts' "as of": an event after it has not happened in the data yet
        happened_before = min(happened_before, pd.Timestamp(found["forecast_at"].max()))
    imports = data.imports()
    latest = (
        imports.groupby("source")["imported_at"].max().sort_values(ascending=False)
        if not imports.empty
        else pd.Series(dtype=object)
    )
    return Pack(
        c,
        data.key_figures(rows, events),
        before,
        rows,
        events,
        today,
        shown,
        upcoming,
        tuple(latest.items()),
        happened_before,
    )


def gap_events(pack: Pack) -> pd.DataFrame:
    """The events the RSVP-gap chart shows: the most recent ``MAX_EVENTS`` of the period that
    have happened (an upcoming event has no attendance yet, and is forecast instead)."""
    events = pack.events[pack.events["starts_at"] < pack.happened_before]
    return events.sort_values("starts_at", na_position="first").tail(MAX_EVENTS)


def funnel_series(pack: Pack) -> tuple[list[str], list, list[str], list[str]]:
    c, rows, shown = pack.c, pack.funnel, pack.shown
    keys = [("people", "", s) for s in rows["stage"]]
    return (
        [c.t(f"stage.{s}") for s in rows["stage"]],
        [shown.value(k) for k in keys],
        [shown.text(k) for k in keys],
        [charts.STAGE_COLOURS[s] for s in rows["stage"]],
    )


def gap_series(pack: Pack) -> tuple[list[str], dict[str, tuple[list, list[str]]]]:
    c, events = pack.c, gap_events(pack)
    names = [
        f"{n} · {i18n.day(c.lang, d, 'short')}"
        for n, d in zip(events["name"].fillna(events["event_id"]), events["starts_at"], strict=True)
    ]
    ids, shown = events["event_id"].tolist(), pack.shown
    series = {
        c.t(f"col.{k}"): (
            [shown.value((k, "", e)) for e in ids],
            [shown.text((k, "", e)) for e in ids],
        )
        for k in COMPARED
    }
    return names, series


def key_figure_rows(pack: Pack) -> list[tuple[str, str, str | None, str | None]]:
    """(label, this period, period before, change) per key figure, by the board rule."""
    c, now, before, shown = pack.c, pack.now, pack.before, pack.shown
    rows = []
    for name in KEY_FIGURES:
        rows.append(
            (
                c.t(f"kpi.{name}"),
                ui.figure(c, shown, name, now),
                ui.figure(c, shown, name, before, "before") if before else None,
                ui.figure_delta(c, shown, name, now, before),
            )
        )
    return rows


def forecast_rows(pack: Pack) -> list[list[str]]:
    """Upcoming events' forecasts: event, expected, its 80 % range, registered, going."""
    c, found = pack.c, pack.forecasts
    rows = []
    for _, row in found.iterrows():
        rows.append(
            [
                f"{row['name'] or row['event_id']} · {i18n.day(c.lang, row['starts_at'])}",
                c.count(round(row["expected"])),
                f"{c.count(cell_count(row['low']))}–{c.count(cell_count(row['high']))}",
                c.count(cell_count(row["registered_then"])),
                c.count(cell_count(row["facebook_going_then"])),
            ]
        )
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
    return c.t(
        "pack.freshness",
        sources="; ".join(f"{day}: {', '.join(names)}" for day, names in days.items()),
    )
