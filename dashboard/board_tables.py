"""The counts each board-facing view shows, the relations a reader knows between them, and
which of them the board must not see (``disclosure.protect``).

Each builder takes frames already read (``data.py``) and returns a :class:`Shown`. The same
figure shown on two pages, or on a page and in the board pack, is built from the same frame
with the same relations, so it is hidden on both or on neither. The campaign lead sees every
count: the relations are only worked out for the board.

Relations written here (``docs/metrics.md``, "Disclosure control"):
- an event: registered = came among the registered + no-shows; came = came among the
  registered + walk-ins; without attendance records, attendance unknown = registered;
- events pooled: each pooled count is the sum of the events' counts, and registered = came
  + no-shows; a share (show-up rate, came per "going") shows its counts' ratio, so it is
  shown only when all of them are;
- people funnel: each stage at least the next; committed = acted + never acted (the
  slacktivism index shows the last);
- channels: people ≥ committed ≥ acted, committed = acted + never acted.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import disclosure, i18n

STAGES = ("awareness", "engagement", "commitment", "action")
# interactions made mostly of people's own records (registrations, signatures, attendances);
# awareness and engagement are mostly platform counts (reach, likes), never hidden
PERSONAL = ("commitment", "action")


@dataclass
class Shown:
    """A view's counts and what the board may see of them."""

    lang: str
    board: bool
    table: disclosure.Table = field(default_factory=disclosure.Table)
    hidden: disclosure.Hidden = field(default_factory=disclosure.Hidden)

    def protect(self) -> Shown:
        if self.board:
            self.hidden = disclosure.protect(self.table)
        return self

    def value(self, key: Hashable) -> int | None:
        """The count as a chart may draw it: None when hidden or unknown."""
        return None if key in self.hidden else self.table.values.get(key)

    def text(self, key: Hashable) -> str:
        value = self.table.values.get(key)
        if key in self.hidden.small:
            return i18n.t(self.lang, "small_count")
        if key in self.hidden.cover:
            return i18n.t(self.lang, "count.withheld")
        return i18n.count(self.lang, value)

    def visible(self, *keys: Hashable) -> bool:
        return self.hidden.visible(*keys)

    @property
    def covered(self) -> bool:
        """Whether counts other than small ones were hidden (the note says why)."""
        return bool(self.hidden.cover)


def cell_count(value: Any) -> float | None:
    """A count read from a frame's cell (typed by pandas as any scalar); None when missing."""
    return None if value is None or pd.isna(value) else value


def add_events(table: disclosure.Table, rows: pd.DataFrame, tag: str = "") -> None:
    """Every event's counts and their pooled sums (``tag`` tells two periods apart)."""
    data_rows = []
    for _, row in rows.iterrows():  # one row per event of the view: tens, not people
        e = (tag, row["event_id"])
        registered = table.add(("registered", *e), cell_count(row["registered"]))
        attended = table.add(("attended", *e), cell_count(row["attended"]))
        walk_ins = table.add(("walk_ins", *e), cell_count(row["walk_ins"]))
        no_show = table.add(("no_show", *e), cell_count(row["no_show"]))
        unknown = table.add(("attendance_unknown", *e), cell_count(row["attendance_unknown"]))
        has_data = bool(cell_count(row["has_attendance_data"]))
        came = table.add(("came", *e), cell_count(row["registered_attended"]) if has_data else None)
        table.add(("facebook_going", *e), cell_count(row["facebook_going"]), people=False)
        table.add(("facebook_interested", *e), cell_count(row["facebook_interested"]), people=False)
        if has_data:
            table.total(registered, came, no_show)
            table.total(attended, came, walk_ins)
            table.share(came, registered, no_show)  # the show-up rate
            data_rows.append(e)
        else:
            table.total(unknown, registered)
    pooled = {}
    for name in ("registered", "came", "no_show"):
        keys = [(name, *e) for e in data_rows]
        pooled[name] = table.add((f"pooled_{name}", tag), sum(table.values[k] or 0 for k in keys))
        table.unseen.add(pooled[name])  # shown only through the pooled show-up rate
        table.total(pooled[name], *keys)
    table.total(pooled["registered"], pooled["came"], pooled["no_show"])
    table.share(pooled["came"], pooled["registered"], pooled["no_show"])
    going = rows[rows["attended"].notna() & (rows["facebook_going"].fillna(0) > 0)]
    keys = [("attended", tag, e) for e in going["event_id"]]
    both = table.add(("pooled_attended_going", tag), sum(table.values[k] or 0 for k in keys))
    table.total(both, *keys)
    going_key = table.add(("pooled_going", tag), int(going["facebook_going"].sum()), people=False)
    table.share(both, going_key)  # came per "going"


def add_funnel(table: disclosure.Table, rows: pd.DataFrame, tag: str = "") -> None:
    """The people funnel (nested stages, never acted) and the interactions of the period."""
    people = dict(zip(rows["stage"], rows["people"], strict=True))
    keys = [table.add(("people", tag, s), int(people[s])) for s in STAGES]
    for larger, smaller in zip(keys, keys[1:], strict=False):
        table.at_least(larger, smaller)
    never = table.add(("never_acted", tag), int(people["commitment"]) - int(people["action"]))
    table.total(keys[2], keys[3], never)
    table.share(never, keys[2], keys[3])  # the slacktivism index
    interactions = dict(zip(rows["stage"], rows["interactions"], strict=True))
    for stage in STAGES:
        table.add(("interactions", tag, stage), int(interactions[stage]), people=stage in PERSONAL)


def events(lang: str, board: bool, rows: pd.DataFrame) -> Shown:
    shown = Shown(lang, board)
    add_events(shown.table, rows)
    return shown.protect()


def figures(
    lang: str,
    board: bool,
    funnel_now: pd.DataFrame,
    events_now: pd.DataFrame,
    funnel_before: pd.DataFrame | None = None,
    events_before: pd.DataFrame | None = None,
) -> Shown:
    """The key figures of a period and the one before (Overview, Funnel, board pack)."""
    shown = Shown(lang, board)
    add_funnel(shown.table, funnel_now)
    add_events(shown.table, events_now)
    if funnel_before is not None:  # the period before: both frames, or neither
        add_funnel(shown.table, funnel_before, "before")
    if events_before is not None:
        add_events(shown.table, events_before, "before")
    return shown.protect()


def trend(lang: str, board: bool, wide: pd.DataFrame) -> Shown:
    """People per month and stage (commitment at least action)."""
    shown = Shown(lang, board)
    for month in wide.index:
        keys = {
            s: shown.table.add((s, month), cell_count(wide.at[month, s]))
            for s in ("commitment", "action")
            if s in wide
        }
        if len(keys) == 2:
            shown.table.at_least(keys["commitment"], keys["action"])
    return shown.protect()


def breakdown(lang: str, board: bool, rows: pd.DataFrame, measure: str) -> Shown:
    """Each group's funnel (people nested by stage)."""
    shown = Shown(lang, board)
    for group, part in rows.groupby("group_value", sort=False):
        values = dict(zip(part["stage"], part[measure], strict=True))
        keys = [
            shown.table.add(
                (group, s), cell_count(values.get(s)), people=measure == "people" or s in PERSONAL
            )
            for s in STAGES
        ]
        if measure == "people":
            for larger, smaller in zip(keys, keys[1:], strict=False):
                shown.table.at_least(larger, smaller)
    return shown.protect()


def channels(lang: str, board: bool, rows: pd.DataFrame) -> Shown:
    shown = Shown(lang, board)
    t = shown.table
    for _, row in rows.iterrows():  # one row per channel
        ch = row["first_channel"]
        people = t.add(("people", ch), int(row["count_people"]))
        committed = t.add(("committed", ch), int(row["count_committed"]))
        acted = t.add(("acted", ch), int(row["count_acted"]))
        never = t.add(("never_acted", ch), int(row["count_committed"]) - int(row["count_acted"]))
        t.at_least(people, committed)
        t.at_least(committed, acted)
        t.total(committed, acted, never)
        t.share(never, committed, acted)
    return shown.protect()


def figure_keys(name: str, tag: str = "") -> tuple:
    """The counts a key figure shows or is made of: it is shown only if they all are."""
    return {
        "reached_people": (("people", tag, "awareness"),),
        "committed": (("people", tag, "commitment"),),
        "acted": (("people", tag, "action"),),
        "actions": (("interactions", tag, "action"),),
        "per_1000": (("interactions", tag, "action"),),
        "slacktivism": (
            ("people", tag, "commitment"),
            ("people", tag, "action"),
            ("never_acted", tag),
        ),
        "show_up": (("pooled_registered", tag), ("pooled_came", tag), ("pooled_no_show", tag)),
        "going_conversion": (("pooled_attended_going", tag),),
    }.get(name, ())
