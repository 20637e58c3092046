"""The attacker of the disclosure tests: unknowns bounded by what the board is shown, linear
relations between them, and integer bounds by scipy's MILP over the cells as displayed. It is
written apart from ``dashboard/disclosure.py``, so that it checks that module rather than
repeats it."""

from __future__ import annotations

import re

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from dashboard import i18n

BIG = 100_000
SMALL_TEXT = i18n.t("en", "small_count")
WITHHELD = i18n.t("en", "count.withheld")
RATE_HIDDEN = (i18n.t("en", "rate.hidden"), WITHHELD)


class Attacker:
    """Unknowns bounded by what is displayed, and linear relations between them."""

    def __init__(self) -> None:
        self.low, self.high, self.small, self.withheld = [], [], [], []
        self.rows: list[tuple[dict, float, float]] = []

    def var(self, low=0, high=BIG) -> int:
        self.low.append(low)
        self.high.append(high)
        return len(self.low) - 1

    def cell(self, text: str) -> int | None:
        """A displayed count: a number, "<5" (1–4), "hidden" (0 or 5 and more), or unknown."""
        text = str(text).strip()
        if text == SMALL_TEXT:
            index = self.var(1, 4)
            self.small.append(index)
            return index
        if text == WITHHELD:
            index = self.var()
            self.withheld.append(index)
            return index
        if not re.fullmatch(r"[\d,]+", text):
            return None  # unknown: no relation holds
        value = int(text.replace(",", ""))
        return self.var(value, value)

    def secret(self, index: int, true_value) -> None:
        """A count never displayed (the registered who came, those who never acted) that is
        really 1–4: it must not be pinned either."""
        if true_value is not None and 0 < true_value < 5:
            self.small.append(index)

    def equal(self, terms: dict) -> None:
        self.rows.append((terms, 0, 0))

    def at_least(self, larger: int, smaller: int) -> None:
        self.rows.append(({larger: 1, smaller: -1}, 0, np.inf))

    def share(self, part: dict, whole: dict, text: str) -> None:
        """A percentage shown as ``text``: part / whole within half a point of it."""
        found = re.fullmatch(r"(\d+)%", str(text).strip())
        if not found:
            return
        p = int(found.group(1))
        for bound, sign in ((p - 0.5, 1), (p + 0.5, -1)):
            terms = {k: sign * v for k, v in part.items()}
            for k, v in whole.items():
                terms[k] = terms.get(k, 0) - sign * v * bound / 100
            self.rows.append((terms, 0, np.inf))

    def pinned(self) -> list[tuple[int, int]]:
        """Cells shown as "<5" whose value the relations give away: (index, value)."""
        n = len(self.low)
        flags = {k: n + i for i, k in enumerate(self.withheld)}
        size = n + len(flags)
        matrix, lower, upper = [], [], []
        for terms, lo, hi in self.rows:
            row = np.zeros(size)
            for k, v in terms.items():
                row[k] += v
            matrix.append(row)
            lower.append(lo)
            upper.append(hi)
        for k, f in flags.items():  # a withheld count is 0 or at least 5
            for coefficients, lo, hi in (({k: 1, f: -5}, 0, np.inf), ({k: 1, f: -BIG}, -np.inf, 0)):
                row = np.zeros(size)
                for i, v in coefficients.items():
                    row[i] = v
                matrix.append(row)
                lower.append(lo)
                upper.append(hi)
        bounds = Bounds(
            np.array(self.low + [0] * len(flags), dtype=float),
            np.array(self.high + [1] * len(flags), dtype=float),
        )
        constraints = [LinearConstraint(np.array(matrix), lower, upper)] if matrix else []
        found = []
        for k in self.small:
            ends = []
            for direction in (1, -1):
                objective = np.zeros(size)
                objective[k] = direction
                result = milp(
                    objective, integrality=np.ones(size), bounds=bounds, constraints=constraints
                )
                assert result.success, "the displayed figures contradict each other"
                ends.append(round(result.x[k]))
            if ends[0] == ends[1]:
                found.append((k, ends[0]))
        return found
