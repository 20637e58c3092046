"""The show-up model: who of the registered people comes, and how many walk in.

A logistic regression over registrations (one row per person registered for an event)
learns the effects a campaign can see before an event: lead time, reminder, weekday and
hour, online or not, kind, the person's channel and their past attendance and no-shows.
An event's expected attendance is the sum of its registrants' probabilities, plus the
walk-ins its kind usually brings; its variance is the Poisson-binomial variance of that
sum plus the walk-ins' Poisson variance (the forecast scales it by the dispersion seen
out of sample).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

KINDS = ("rally", "vigil", "workshop", "webinar")
SOCIAL = {"facebook", "instagram", "x", "tiktok", "linkedin", "youtube"}
WALK_IN_PRIOR = 30.0  # attendees' worth of weight given to the pooled walk-in ratio
MAX_TRAINING_ROWS = 50_000  # beyond this a random sample fits as well, and fast
MIN_SHARE_REGISTERED = 0.2  # an upcoming event's registrations are projected at most ×5


def design(rows: pd.DataFrame, lead: np.ndarray | None = None) -> np.ndarray:
    """The feature matrix of registration rows (joined with their event's attributes)."""
    lead_days = rows["lead_days"].to_numpy(float) if lead is None else lead
    start = pd.to_datetime(rows["starts_at"])
    weekday, hour = start.dt.day_of_week.to_numpy(), start.dt.hour.to_numpy()
    reminder = rows["reminder_sent"]
    channel = rows["channel"]
    social = channel.isin(SOCIAL).to_numpy()
    email = (channel == "email").to_numpy()
    unknown = channel.isna().to_numpy()
    kind = rows["kind"]  # text or categories; an event without a kind is none of KINDS
    past = rows["past_attended"].to_numpy(float)
    columns = [
        _lead_feature(lead_days),
        (reminder == True).to_numpy(),  # noqa: E712 (a nullable column)
        reminder.isna().to_numpy(),
        weekday >= 5,
        weekday == 4,
        hour >= 17,
        hour < 12,
        rows["is_online"].fillna(False).to_numpy(bool),
        *[(kind == k).to_numpy() for k in KINDS],
        past >= 1,
        past >= 3,
        np.log1p(rows["past_no_show"].to_numpy(float)),
        social,
        email,
        unknown,
        ~(social | email | unknown),
    ]
    return as_matrix(columns)


def _lead_feature(lead_days: np.ndarray) -> np.ndarray:
    return np.log2(1 + lead_days)


def with_lead(matrix: np.ndarray, lead_days: np.ndarray) -> np.ndarray:
    """A copy of the design ``matrix`` with its rows' lead times set to ``lead_days``: the
    same numbers as ``design(rows, lead_days)``."""
    changed = matrix.copy()
    changed[:, 0] = _lead_feature(lead_days)
    return changed


def as_matrix(columns: list[np.ndarray]) -> np.ndarray:
    """Feature columns side by side as floats, one row per input row (row-major, as
    scikit-learn reads it): the same numbers as np.column_stack. Written straight into one
    row-major array: built column-major and turned row-major at once, the design of a 10M
    campaign's 867,648 registrations took twice its 146 MB, and on the benchmark machine,
    where a process's first touch of fresh memory is slow, 0.12-2.9 s (median 1.18 s)
    against 0.21-0.39 s (median 0.24 s) this way: five new processes each, in turns."""
    matrix = np.empty((len(columns[0]), len(columns)))
    for number, column in enumerate(columns):
        matrix[:, number] = column
    return matrix


@dataclass
class ShowUpModel:
    # the logistic regression's coefficients (1 × features) and intercept (1): what
    # predicting needs, so that a kept fit predicts without loading scikit-learn; None when
    # every training row had one outcome
    coef: np.ndarray | None
    intercept: np.ndarray | None
    constant: float
    walk_in_ratio: dict[str, float]
    default_walk_in: dict[bool, float]
    leads: np.ndarray  # sorted lead times of the training registrations

    def probabilities(
        self, rows: pd.DataFrame, lead: np.ndarray | None = None, matrix: np.ndarray | None = None
    ) -> np.ndarray:
        """Each row's chance of coming (``matrix``: the rows' design, if already built)."""
        if self.coef is None or self.intercept is None:
            return np.full(len(rows), self.constant)
        if matrix is None:
            matrix = design(rows, lead)
        elif lead is not None:
            matrix = with_lead(matrix, lead)
        # as scikit-learn's predict_proba computes it for two classes
        return expit((matrix @ self.coef.T + self.intercept).ravel())

    def walk_ins(self, kind: str | None, is_online: bool | None) -> float:
        online = False if pd.isna(is_online) else bool(is_online)  # unknown: held in person
        default = self.default_walk_in.get(online, 0.0)
        return self.walk_in_ratio.get(kind or "", default)

    def share_registered(self, days_left: float) -> float:
        return share_of_registrations(self.leads, days_left)


def share_of_registrations(leads: np.ndarray, days_left: float) -> float:
    """Share of an event's registrations usually made at least ``days_left`` before it
    (``leads``: sorted lead times of past registrations)."""
    if days_left <= 0 or not len(leads):
        return 1.0
    share = 1 - np.searchsorted(leads, days_left) / len(leads)
    return max(MIN_SHARE_REGISTERED, float(share))


def fit(
    rows: pd.DataFrame, events: pd.DataFrame, matrix: np.ndarray | None = None, seed: int = 0
) -> ShowUpModel:
    """Fit on the registrations (``rows``, their ``design`` as ``matrix`` if already built)
    of past events with attendance data (``events``)."""
    matrix = design(rows) if matrix is None else matrix
    came = rows["came"].to_numpy(bool)
    if len(rows) > MAX_TRAINING_ROWS:
        pick = np.random.default_rng(seed).choice(len(rows), MAX_TRAINING_ROWS, replace=False)
        matrix, came = matrix[pick], came[pick]
    coef = intercept = None
    if 0 < came.sum() < len(came):
        from sklearn.linear_model import LogisticRegression  # about 1.4 s to load: fits only

        classifier = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=200)
        classifier.fit(matrix, came)
        coef, intercept = classifier.coef_, classifier.intercept_
    return ShowUpModel(
        coef,
        intercept,
        float(came.mean()) if len(came) else 0.5,
        *_walk_in_ratios(events),
        np.sort(rows["lead_days"].to_numpy(float)),
    )


def _walk_in_ratios(events: pd.DataFrame) -> tuple[dict[str, float], dict[bool, float]]:
    """Walk-ins per registered attendee, by kind, shrunk toward the pooled ratio."""
    online = events["is_online"].fillna(False).to_numpy(bool)
    kinds = events["kind"].fillna("").to_numpy(str)
    walk = events["walk_ins"].to_numpy(float)
    came = events["registered_attended"].to_numpy(float)
    ratios, defaults = {}, {}
    for flag in (False, True):
        same = online == flag
        pooled = walk[same].sum() / max(1.0, came[same].sum())
        defaults[flag] = float(pooled)
        for kind in set(kinds[same]):
            of_kind = same & (kinds == kind)
            ratios[kind] = float(
                (walk[of_kind].sum() + WALK_IN_PRIOR * pooled)
                / (came[of_kind].sum() + WALK_IN_PRIOR)
            )
    return ratios, defaults


def expected_attendance(
    model: ShowUpModel, event: pd.Series, rows: pd.DataFrame, matrix: np.ndarray | None = None
) -> tuple[float, float]:
    """Expected attendance of one event and its variance (before overdispersion).

    ``rows`` are the registrations known at the forecast time (``matrix``: their design, if
    already built). For an upcoming event the registrations still to come are projected
    from the usual lead times; they register late, so their show-up is computed at half
    the days left.
    """
    p = model.probabilities(rows, matrix=matrix) if len(rows) else np.array([])
    came, variance = p.sum(), (p * (1 - p)).sum()
    days_left = (
        pd.Timestamp(event["starts_at"]) - pd.Timestamp(event["forecast_at"])
    ).total_seconds() / 86400
    share = model.share_registered(days_left)
    if share < 1 and len(rows):
        still_to_come = len(rows) * (1 / share - 1)
        late = model.probabilities(rows, np.full(len(rows), days_left / 2), matrix).mean()
        came += still_to_come * late
        variance += still_to_come * late  # how many more register is itself uncertain
    walk = model.walk_ins(event["kind"], event["is_online"])
    return came * (1 + walk), variance * (1 + walk) ** 2 + walk * came


def to_parameters(model: ShowUpModel) -> tuple[dict, list[float]]:
    """What ``from_parameters`` needs to predict as ``model`` does, and its lead times."""
    return {
        "coef": None if model.coef is None else model.coef.tolist(),
        "intercept": None if model.intercept is None else model.intercept.tolist(),
        "constant": model.constant,
        "walk_in_ratio": model.walk_in_ratio,
        "default_walk_in": {
            "online" if online else "offline": ratio
            for online, ratio in model.default_walk_in.items()
        },
    }, model.leads.tolist()


def from_parameters(parameters: dict, leads: list[float]) -> ShowUpModel:
    kept = parameters["coef"] is not None
    defaults = {name == "online": ratio for name, ratio in parameters["default_walk_in"].items()}
    return ShowUpModel(
        np.array(parameters["coef"], dtype=float) if kept else None,
        np.array(parameters["intercept"], dtype=float) if kept else None,
        parameters["constant"],
        parameters["walk_in_ratio"],
        defaults,
        np.array(leads, dtype=float),
    )
