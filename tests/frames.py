"""Frames shaped as the dashboard's data layer returns them, for tests that feed the key
figures and the board's tables by hand."""

from __future__ import annotations

import pandas as pd

STAGES = ("awareness", "engagement", "commitment", "action")
EVENT_COLUMNS = [
    "event_id",
    "registered",
    "attended",
    "walk_ins",
    "no_show",
    "attendance_unknown",
    "registered_attended",
    "has_attendance_data",
    "facebook_going",
    "facebook_interested",
]


def funnel(interactions: list[int], people: list[int], **rates: float) -> pd.DataFrame:
    """A funnel as ``data.funnel`` returns it: a row a stage, with the rates it carries."""
    return pd.DataFrame({"stage": STAGES, "interactions": interactions, "people": people, **rates})


def no_events() -> pd.DataFrame:
    """The events of a period that has none."""
    return pd.DataFrame(columns=EVENT_COLUMNS)
