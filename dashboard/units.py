"""What each figure and column counts: people, interactions, events or a share.

The unit is a property of the measure, declared once here: ``data.key_figures`` computes the
counted figures from the funnel column their unit names, and every label that names a unit
must name this one (a test reads each label in both languages against this registry).

- people: identified people (and anonymous sign-in lines), each counted once;
- interactions: things done or platform counts (views, opens, clicks, reactions, "going");
- events: events;
- share: a ratio of two counts.
"""

from __future__ import annotations

PEOPLE, INTERACTIONS, EVENTS, SHARE = "people", "interactions", "events", "share"

# key figure → (unit, funnel stage it is read from; None for shares made elsewhere)
FIGURES = {
    "reached": (INTERACTIONS, "awareness"),
    "reached_people": (PEOPLE, "awareness"),
    "committed": (PEOPLE, "commitment"),
    "acted": (PEOPLE, "action"),
    "engaged": (INTERACTIONS, "engagement"),
    "actions": (INTERACTIONS, "action"),
    "slacktivism": (SHARE, None),
    "show_up": (SHARE, None),
    "going_conversion": (SHARE, None),
    "per_1000": (SHARE, None),
    "events": (EVENTS, None),
}

# table column (``col.<name>`` in the catalogues) → unit, for columns that hold a measure
COLUMNS = {
    "people": PEOPLE,
    "interactions": INTERACTIONS,
    "committed": PEOPLE,
    "acted": PEOPLE,
    "registered": PEOPLE,
    "attended": PEOPLE,
    "walk_ins": PEOPLE,
    "no_show": PEOPLE,
    "attendance_unknown": PEOPLE,
    "facebook_going": INTERACTIONS,
    "facebook_interested": INTERACTIONS,
    "show_up_rate": SHARE,
    "going_conversion": SHARE,
    "slacktivism": SHARE,
    "kept": SHARE,
    "drop_off": SHARE,
    "count": None,  # a column of mixed measures: each row's label names its unit
}


def unit(name: str) -> str:
    return FIGURES[name][0]
