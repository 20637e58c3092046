"""What every page shares: the reader's context (language, role, filters) and chart blocks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import board_tables, i18n, units
from pipelines import spreadsheet

PERIODS = ("all", "30", "90", "365", "custom")
LEAD, BOARD = "lead", "board"


@dataclass(frozen=True)
class Context:
    lang: str
    role: str
    campaign: str | None = None
    channel: str | None = None
    period: str = "all"
    since: datetime | None = None  # the window is [since, until)
    until: datetime | None = None
    prev_since: datetime | None = None
    prev_until: datetime | None = None

    @property
    def board(self) -> bool:
        return self.role == BOARD

    def t(self, key: str, **values: object) -> str:
        return i18n.t(self.lang, key, **values)

    def count(self, value: float | None) -> str:
        return i18n.count(self.lang, value, hide_small=self.board)

    def pct(self, value: float | None) -> str:
        return i18n.percent(self.lang, value)

    def label(self, prefix: str, value: str | None) -> str:
        return i18n.label(self.lang, prefix, value)

    def window_text(self) -> str:
        if self.since is None or self.until is None:  # window() sets both or neither
            return self.t("period.all_time")
        return self.t(
            "period.window",
            start=i18n.day(self.lang, self.since),
            end=i18n.day(self.lang, self.until - timedelta(days=1)),
        )


def figure(
    c: Context, shown: board_tables.Shown, name: str, values: Mapping[str, Any], tag: str = ""
) -> str:
    """A key figure as the reader may see it: a hidden count as "<5" or "hidden", a share
    made of a hidden count as not shown."""
    keys = board_tables.figure_keys(name, tag)
    if not shown.visible(*keys):
        if units.unit(name) != units.SHARE:
            return shown.text(keys[0])
        small = any(k in shown.hidden.small for k in keys)
        return c.t("rate.hidden" if small else "count.withheld")
    if name == "per_1000":
        return i18n.number(c.lang, values[name], 1)
    if units.unit(name) == units.SHARE:
        return c.pct(values[name])
    return i18n.count(c.lang, values[name])


def figure_delta(
    c: Context,
    shown: board_tables.Shown,
    name: str,
    now: Mapping[str, Any],
    before: Mapping[str, Any] | None,
) -> str | None:
    """The change of a key figure (a count, or a share in points), shown only when the
    figure is shown in both periods: a change and one side give the other."""
    if (
        before is None
        or now[name] is None
        or before[name] is None
        or not shown.visible(
            *board_tables.figure_keys(name), *board_tables.figure_keys(name, "before")
        )
    ):
        return None
    if units.unit(name) != units.SHARE:
        return ("+" if now[name] >= before[name] else "") + i18n.number(
            c.lang, now[name] - before[name]
        )
    points = 100 * (now[name] - before[name])
    return c.t("delta.points", value=("+" if points >= 0 else "") + i18n.number(c.lang, points))


def context() -> Context:
    """The context app.py put in the session for this run."""
    return st.session_state["ctx"]


def window(
    period: str, last_day: date | None, custom: tuple | None = None
) -> tuple[datetime, datetime, datetime, datetime] | tuple[None, None, None, None]:
    """(since, until, prev_since, prev_until) for a period ending on the last day with data."""
    if period == "all" or last_day is None:
        return None, None, None, None
    if period == "custom" and custom and len(custom) == 2:
        start, end = custom
    else:
        days = int(period) if period.isdigit() else 90
        end = last_day
        start = end - timedelta(days=days - 1)
    since = datetime.combine(start, datetime.min.time())
    until = datetime.combine(end, datetime.min.time()) + timedelta(days=1)
    length = until - since
    return since, until, since - length, since


def csv_bytes(df: pd.DataFrame, lang: str = "en") -> bytes:
    """A download that spreadsheets open in the reader's language (French: ';' and decimal
    commas), with its accents, and never as formulas."""
    return spreadsheet.frame_bytes(df, spreadsheet.dialect(lang))


def chart(fig: go.Figure, data: pd.DataFrame, definition: str, key: str) -> None:
    """A chart, its one-line definition (with units) and its data as CSV."""
    c = context()
    fig.update_layout(separators=i18n.separators(c.lang))  # axis numbers written the locale's way
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key=f"chart_{key}")
    st.caption(definition)
    st.download_button(
        c.t("download_csv"),
        csv_bytes(data, c.lang),
        file_name=f"turnout-{key}.csv",
        mime="text/csv",
        key=f"csv_{key}",
    )


def table(df: pd.DataFrame, columns: Mapping[str, str], key: str | None = None) -> None:
    """A data table with translated column names (``columns``: column → catalogue key)."""
    c = context()
    shown = df[list(columns)].rename(columns={k: c.t(v) for k, v in columns.items()})
    st.dataframe(shown, hide_index=True, width="stretch", key=key)


def unavailable() -> None:
    st.warning(context().t("busy.unavailable"))
    st.stop()


def disclosure_note(c: Context, *shown: board_tables.Shown) -> None:
    """Said next to a view where counts other than small ones were hidden."""
    if c.board and any(s.covered for s in shown):
        st.caption(c.t("disclosure.note"))
