"""Disclosure control: which counts of people the board must not see, and which others to hide
so that those cannot be worked out again.

A :class:`Table` holds named counts and the linear relations a reader knows between them
(a total and its parts, one count at least another). :func:`protect` hides every count of
people from 1 to ``SMALL - 1`` (primary suppression), then hides other counts, nearest
and smallest first, until no hidden small count can be pinned to one value from what stays
visible and the relations (complementary suppression). A share shown as a whole percentage
tells its part within half a point. The check is exact: integer bounds by mixed
integer linear programming, with the reader knowing that a count shown as "<5" is 1–4 and
that any other hidden count is 0 or at least 5.

Pure Python: no Streamlit, no database. Counts of things other than people (events,
platform counts) are never hidden; an unknown count (``None``) takes part in no relation.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

SMALL = 5  # counts of people from 1 to SMALL - 1 are never shown to the board
KEPT = 64  # tables whose decision is kept
_DECIDED: dict[tuple, Hidden] = {}
_LOCK = threading.Lock()
LOOKAHEAD = 12  # covering candidates tried one by one before falling back to the smallest


@dataclass
class Table:
    """Counts by name, which of them count people, and the relations between them."""

    values: dict[Hashable, int | None] = field(default_factory=dict)
    people: set[Hashable] = field(default_factory=set)
    sums: list[tuple[Hashable, tuple[Hashable, ...]]] = field(default_factory=list)
    ordered: list[tuple[Hashable, Hashable]] = field(default_factory=list)  # (larger, smaller)
    unseen: set[Hashable] = field(default_factory=set)  # never shown as they are
    shares: dict[Hashable, tuple[int, int, tuple]] = field(default_factory=dict)

    def add(self, key: Hashable, value: float | None, people: bool = True) -> Hashable:
        self.values[key] = None if value is None or value != value else int(value)
        if people:
            self.people.add(key)
        return key

    def total(self, whole: Hashable, *parts: Hashable) -> None:
        """``whole`` = the sum of ``parts`` (one part: the same figure shown twice)."""
        self.sums.append((whole, tuple(parts)))

    def signature(self) -> tuple:
        """Everything the decision depends on, hashable."""
        return (
            tuple(self.values.items()),
            frozenset(self.people),
            tuple(self.sums),
            tuple(self.ordered),
            frozenset(self.unseen),
            tuple(self.shares.items()),
        )

    def at_least(self, larger: Hashable, smaller: Hashable) -> None:
        self.ordered.append((larger, smaller))

    def share(self, part: Hashable, whole: Hashable, *made_of: Hashable) -> None:
        """``part`` is never shown itself, only through part / whole as a whole percentage,
        shown when ``part``, ``whole`` and ``made_of`` all are: within half a point of it."""
        self.unseen.add(part)
        p, w = self.values.get(part), self.values.get(whole)
        if p is None or not w:
            return
        shown = round(100 * p / w)
        self.shares[part] = (
            max(0, math.ceil((shown - 0.5) * w / 100)),
            math.floor((shown + 0.5) * w / 100),
            (part, whole, *made_of),
        )


@dataclass(frozen=True)
class Hidden:
    """What :func:`protect` decided: small counts, and the others hidden to cover them."""

    small: frozenset = frozenset()
    cover: frozenset = frozenset()

    def __contains__(self, key: Hashable) -> bool:
        return key in self.small or key in self.cover

    def visible(self, *keys: Hashable) -> bool:
        return not any(k in self for k in keys)


def small(value: float | None) -> bool:
    return value is not None and 0 < value < SMALL


def _known(table: Table, keys: Iterable) -> bool:
    return all(table.values.get(k) is not None for k in keys)


def _relations(table: Table) -> tuple[list, list]:
    sums = [(w, p) for w, p in table.sums if _known(table, (w, *p))]
    ordered = [(a, b) for a, b in table.ordered if _known(table, (a, b))]
    return sums, ordered


def _loose(table: Table, hidden: Hidden) -> set:
    """Counts a reader does not see exactly: hidden ones, and those never shown."""
    return {k for k in table.values if k in hidden or k in table.unseen}


def feasible_range(
    table: Table, hidden: Hidden, key: Hashable
) -> tuple[int, int] | tuple[None, None]:
    """The least and the greatest value ``key`` can take, for a reader who sees every count
    not in ``hidden`` (a share's part only through its share) and knows the relations; an
    unknown count's range is unknown: (None, None)."""
    value = table.values.get(key)
    if value is None:
        return None, None
    if key not in _loose(table, hidden):
        return value, value
    unknown = sorted(_component(table, key, hidden), key=str)  # the rest cannot move it
    index = {k: i for i, k in enumerate(unknown)}
    n = len(unknown)
    cover = [k for k in unknown if k in hidden.cover]
    flag = {k: n + i for i, k in enumerate(cover)}  # 1 when a covering count is 5 or more
    size = n + len(cover)
    big = SMALL + sum(table.values[k] or 0 for k in table.people)
    low, high = np.zeros(size), np.ones(size)
    for k, i in index.items():
        if k in hidden.small:
            low[i], high[i] = 1, SMALL - 1
        elif k in hidden.cover or k not in table.shares or not hidden.visible(*table.shares[k][2]):
            low[i], high[i] = 0, big
        else:  # seen through a share that is shown
            low[i], high[i] = table.shares[k][:2]
    rows, lower, upper = [], [], []

    def row(signed: list, equal: bool) -> None:
        vector, constant = np.zeros(size), 0
        for k, sign in signed:
            if k in index:
                vector[index[k]] += sign
            else:
                constant += sign * table.values[k]
        if vector.any():
            rows.append(vector)
            lower.append(-constant)
            upper.append(-constant if equal else np.inf)

    for k in cover:  # 0, or from SMALL up to big
        row([(k, 1)], False)
        rows[-1][flag[k]] = -SMALL
        row([(k, -1)], False)
        rows[-1][flag[k]] = big
    sums, ordered = _relations(table)
    for whole, parts in sums:
        row([(whole, 1), *((p, -1) for p in parts)], True)
    for larger, smaller_key in ordered:
        row([(larger, 1), (smaller_key, -1)], False)
    constraints = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
    found = []
    for direction in (1, -1):
        objective = np.zeros(size)
        objective[index[key]] = direction
        result = milp(
            objective, integrality=np.ones(size), bounds=Bounds(low, high), constraints=constraints
        )
        if not result.success:  # cannot happen with true values; treat as revealed
            return value, value
        found.append(round(result.x[index[key]]))
    return found[0], found[1]


def exposed(table: Table, hidden: Hidden) -> list:
    """Hidden small counts a reader could still pin to one value."""
    out = []
    for key in sorted(hidden.small, key=str):
        low, high = feasible_range(table, hidden, key)
        if low == high:
            out.append(key)
    return out


def _neighbours(table: Table, keys: set) -> set:
    """Counts that share a relation with any of ``keys``."""
    sums, ordered = _relations(table)
    found = set()
    for members in [{whole, *parts} for whole, parts in sums] + [set(o) for o in ordered]:
        if members & keys:
            found |= members
    return found


def _component(table: Table, start: Hashable, hidden: Hidden) -> set:
    """``start`` and every count not seen exactly that is linked to it through relations."""
    loose = _loose(table, hidden)
    reached, frontier = {start}, {start}
    while frontier:
        frontier = {k for k in _neighbours(table, frontier) if k in loose} - reached
        reached |= frontier
    return reached


def _candidates(table: Table, hidden: Hidden, key: Hashable) -> list:
    """Counts that could cover ``key``, nearest first: those in a relation with it (smallest
    first), then those one relation further, and so on."""
    found, seen, frontier = [], {key}, {key}
    while frontier:
        around = _neighbours(table, frontier) - seen
        found += sorted(
            (
                k
                for k in around
                if k not in hidden
                and k in table.people
                and table.values.get(k) is not None
                and not small(table.values[k])
            ),
            key=lambda k: (table.values[k], str(k)),
        )
        seen |= around
        frontier = around
    return found


def _covers(table: Table, hidden: Hidden, key: Hashable, candidate: Hashable) -> bool:
    trial = Hidden(hidden.small, hidden.cover | {candidate})
    return len(set(feasible_range(table, trial, key))) > 1


def protect(table: Table) -> Hidden:
    """Primary suppression of every small count of people, then complementary suppression;
    the same table (a page's rerun) is worked out once."""
    signature = table.signature()
    with _LOCK:  # pages run in threads
        found = _DECIDED.get(signature)
    if found is None:
        found = _protect(table)
        with _LOCK:
            while len(_DECIDED) >= KEPT:
                _DECIDED.pop(next(iter(_DECIDED)))
            _DECIDED[signature] = found
    return found


def _protect(table: Table) -> Hidden:
    small_keys = frozenset(k for k in table.people if small(table.values.get(k)))
    hidden = Hidden(small_keys, frozenset())
    for key in sorted(small_keys, key=str):
        while len(set(feasible_range(table, hidden, key))) == 1:
            candidates = _candidates(table, hidden, key)
            if not candidates:  # nothing left to hide around it: it stays pinned
                break
            # one count that covers it alone beats several; else the nearest, smallest
            chosen = next(
                (k for k in candidates[:LOOKAHEAD] if _covers(table, hidden, key, k)), candidates[0]
            )
            hidden = Hidden(hidden.small, hidden.cover | {chosen})
    return hidden
