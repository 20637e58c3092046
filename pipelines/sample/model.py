"""The sample's model: who registers for each event, and who shows up.

``campaign`` holds the events and ``people`` the crowd; this module runs the events in
order, drawing everything from one seeded generator with numpy arrays (no loop over
people or rows; loops over events only), so the same seed gives the same bytes, and
``--people`` scales every per-person file linearly up to tens of millions of
interactions. The writers beside it (``events``, ``lists``, ``posts``) write the result
out as the files campaigns really download. The effects and their sizes are documented
in sample_data/README.md and kept in ``EFFECTS`` so tests and the README read the same
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from pipelines.sample.campaign import BASE_PEOPLE, EVENTS, REFERENCE, Event
from pipelines.sample.people import CHANNELS, People, make_people

DEFAULT_PEOPLE = 3000
DEFAULT_SEED = 2026


class Effects(TypedDict):
    base: dict[str, float]  # by kind of event
    lead_per_doubling: float
    reminder: float
    weekday: dict[str, float]
    past_attended_1: float
    past_attended_3: float
    channel: dict[str, float]


# Effects on the log-odds of showing up, for a registered person. Documented in the README.
EFFECTS: Effects = {
    "base": {"rally": 0.55, "vigil": 0.70, "workshop": 0.55, "webinar": -0.80},
    "lead_per_doubling": -0.20,  # × log2(1 + days between registration and event)
    "reminder": 0.70,
    "weekday": {"weekend": 0.30, "friday": -0.35, "other": 0.0},
    "past_attended_1": 0.60,  # came to at least one earlier event
    "past_attended_3": 0.40,  # and again, from the third one on
    "channel": {
        "facebook": -0.55,
        "instagram": -0.55,
        "x": -0.55,
        "email": 0.0,
        "ami": 0.50,
        "flyer": 0.50,
        "radio": 0.50,
        "eglise_mosquee": 0.50,
    },
}
# Registration propensity by channel: social-media people rarely commit (FORMATS.md:
# about 1.7% of online members ever act offline).
REGISTER_WEIGHT = np.array([0.35, 0.35, 0.30, 1.0, 1.6, 1.4, 1.2, 1.6])
WALK_IN_WEIGHT = np.array([0.2, 0.2, 0.2, 0.6, 3.0, 3.0, 2.0, 3.0])
CANCEL_RATE = {"eventbrite": 0.05, "mobilize": 0.08, "zoom": 0.04}
WALK_IN_RATIO = {"rally": 0.30, "vigil": 0.50, "workshop": 0.10, "webinar": 0.0}
ANONYMOUS_SHARE = 0.15  # walk-ins who write a name and nothing else


@dataclass
class Outcome:
    """One event's registrations and attendance."""

    event: Event
    who: np.ndarray  # person index per registration
    registered_at: np.ndarray  # datetime64[s]
    lead_days: np.ndarray
    cancelled: np.ndarray
    came: np.ndarray  # False for no-shows and for events still to come
    walk_ins: np.ndarray  # person index of identified walk-ins
    anonymous: int  # walk-ins with a name only

    @property
    def attendance(self) -> int:
        return int(self.came.sum()) + len(self.walk_ins) + self.anonymous


def weekday_effect(start: np.datetime64) -> float:
    weekday = (start.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    if weekday >= 5:
        return EFFECTS["weekday"]["weekend"]
    return EFFECTS["weekday"]["friday"] if weekday == 4 else EFFECTS["weekday"]["other"]


def show_up_logit(event: Event, people: People, who: np.ndarray, lead: np.ndarray) -> np.ndarray:
    channel_effect = np.array([EFFECTS["channel"][c] for c in CHANNELS])
    past = people.attended[who]
    return (
        EFFECTS["base"][event.kind]
        + EFFECTS["lead_per_doubling"] * np.log2(1 + lead)
        + EFFECTS["reminder"] * event.reminder
        + weekday_effect(event.start)
        + EFFECTS["past_attended_1"] * (past >= 1)
        + EFFECTS["past_attended_3"] * (past >= 3)
        + channel_effect[people.channel[who]]
    )


def run_event(rng: np.random.Generator, event: Event, people: People, scale: float) -> Outcome:
    """Who registers, when, and who comes; updates everyone's attendance history."""
    local = np.ones(people.n) if event.online else np.where(people.city == event.city, 1.0, 0.06)
    weight = people.activity * REGISTER_WEIGHT[people.channel] * local * people.has_email
    weight *= 1 + 0.5 * (people.attended > 0)  # those who came before sign up again
    chance = np.clip(weight * event.size * scale / weight.sum(), 0, 0.95)
    who = np.flatnonzero(rng.random(people.n) < chance)
    lead = np.minimum(rng.exponential(12.0, size=len(who)), 60.0)
    registered_at = event.start - (lead * 86400).astype("timedelta64[s]")
    if not event.past:  # registrations after "today" have not happened yet
        keep = registered_at < REFERENCE
        who, lead, registered_at = who[keep], lead[keep], registered_at[keep]
    cancelled = rng.random(len(who)) < CANCEL_RATE[event.platform]
    p = 1 / (1 + np.exp(-show_up_logit(event, people, who, lead)))
    came = (rng.random(len(who)) < p) & ~cancelled & event.past
    walk_ins, anonymous = np.array([], dtype=np.int64), 0
    if event.past and WALK_IN_RATIO[event.kind]:
        total = rng.poisson(WALK_IN_RATIO[event.kind] * came.sum())
        anonymous = rng.binomial(total, ANONYMOUS_SHARE)
        walk_weight = people.activity * WALK_IN_WEIGHT[people.channel] * local
        walk_weight[who] = 0
        named = min(total - anonymous, int((walk_weight > 0).sum()))
        walk_ins = np.sort(
            rng.choice(people.n, size=named, replace=False, p=walk_weight / walk_weight.sum())
        )
    people.attended[who[came]] += 1
    people.attended[walk_ins] += 1
    return Outcome(event, who, registered_at, lead, cancelled, came, walk_ins, anonymous)


def simulate(
    people_count: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
) -> tuple[np.random.Generator, People, list[Outcome]]:
    rng = np.random.default_rng(seed)
    people = make_people(rng, people_count)
    scale = people_count / BASE_PEOPLE
    outcomes = [
        run_event(rng, event, people, scale)
        for event in sorted(EVENTS, key=lambda e: (e.starts_at, e.event_id))
    ]
    return rng, people, outcomes
