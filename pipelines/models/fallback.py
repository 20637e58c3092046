"""Forecasts for campaigns with a short history, and for events without registrations.

* ``historical rate``: the campaign's pooled show-up rate (online and in-person events
  apart, as soon as one of the same way has been held), shrunk toward a prior of 60%
  (about 30% of free-event registrants do not come), with a beta-binomial interval. The
  beta's concentration is capped, because one event's rate strays from the pooled rate
  far more than the sampling of its people would say. Walk-ins are added with the
  campaign's pooled walk-in ratio (in person and online apart).
* ``facebook conversion``: no registrations, but a Facebook "going" count: going × the
  campaign's attended ÷ going, shrunk toward the rule of halves (0.5).
* ``similar events``: neither: the attendance of the campaign's past events of the same
  kind (or of all its past events).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

PRIOR_RATE, PRIOR_STRENGTH = 0.6, 10.0  # as if 10 people had been seen, 6 of them coming
MAX_CONCENTRATION = 30.0  # the pooled rate is never trusted more than 30 people's worth
WALK_IN_PRIOR = {False: 0.3, True: 0.0}  # walk-ins per registered attendee, in person / online
WALK_IN_STRENGTH = 20.0
HALVES, HALVES_STRENGTH = 0.5, 50.0
SPREAD = 0.5  # log-scale spread assumed when fewer than 3 past events tell it
Z80 = 1.2816

Interval = tuple[float, float, float]  # expected, low, high


def historical_rate(past: pd.DataFrame, registered: float, is_online: bool | None) -> Interval:
    """Beta-binomial forecast for ``registered`` people from the ``past`` events pooled
    (those held the same way, online or in person, when there are any)."""
    known = past[past["registered"] > 0]
    online = False if pd.isna(is_online) else bool(is_online)  # unknown: held in person
    same_way = known[known["is_online"].fillna(False).astype(bool) == online]
    known = same_way if len(same_way) else known
    came, total = known["registered_attended"].sum(), known["registered"].sum()
    alpha = PRIOR_RATE * PRIOR_STRENGTH + came
    beta = (1 - PRIOR_RATE) * PRIOR_STRENGTH + total - came
    if alpha + beta > MAX_CONCENTRATION:
        alpha, beta = (
            alpha * MAX_CONCENTRATION / (alpha + beta),
            beta * MAX_CONCENTRATION / (alpha + beta),
        )
    walk = walk_in_ratio(past, online)
    n = max(0, round(registered))
    from scipy.stats import betabinom  # 0.5 s to load: only when a forecast needs it

    low, high = betabinom.ppf([0.1, 0.9], n, alpha, beta) if n else (0.0, 0.0)
    return (
        registered * alpha / (alpha + beta) * (1 + walk),
        float(low) * (1 + walk),
        float(high) * (1 + walk),
    )


def walk_in_ratio(past: pd.DataFrame, is_online: bool) -> float:
    same = past[past["is_online"].fillna(False).astype(bool) == is_online]
    return float(
        (same["walk_ins"].sum() + WALK_IN_PRIOR[is_online] * WALK_IN_STRENGTH)
        / (same["registered_attended"].sum() + WALK_IN_STRENGTH)
    )


def facebook_conversion(past: pd.DataFrame, going: float) -> Interval:
    both = past[past["facebook_going"] > 0]
    rate = (both["attended"].sum() + HALVES * HALVES_STRENGTH) / (
        both["facebook_going"].sum() + HALVES_STRENGTH
    )
    spread = _log_spread(both["attended"] / both["facebook_going"])
    return _lognormal(going * rate, spread)


def similar_events(past: pd.DataFrame, kind: str | None) -> Interval | None:
    same = past[past["kind"] == kind]
    if same.empty:
        same = past
    if same.empty:
        return None
    attended = same["attended"].astype(float)
    return _lognormal(float(attended.mean()), _log_spread(attended))


def _log_spread(values: pd.Series) -> float:
    values = values[values > 0].astype(float)
    if len(values) < 3:
        return SPREAD
    return float(np.log(values).std(ddof=1))


def _lognormal(expected: float, spread: float) -> Interval:
    spread = spread * math.sqrt(1 + 1 / 3)  # a little wider: the spread is itself estimated
    return expected, expected * math.exp(-Z80 * spread), expected * math.exp(Z80 * spread)
