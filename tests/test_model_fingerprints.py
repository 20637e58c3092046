"""A model's mart is rewritten only when what it reads changed: its inputs' fingerprint."""

from __future__ import annotations

import pandas as pd

from pipelines import warehouse
from pipelines.models import follow_up, forecast
from pipelines.models.fingerprints import fingerprint
from tests.given import event, given, registration

FRAME = pd.DataFrame(
    {
        "person_id": ["a", "b", "c"],
        "days_since_last": [1.5, 2.0, None],
        "signatures": [1, 2, 3],
        "channel": pd.array(["email", None, "flyer"], dtype="string"),
    }
)


def test_the_same_rows_in_any_order_agree_and_any_change_differs(db):
    changed = {
        "an unknown that became 0": FRAME.assign(days_since_last=[1.5, 2.0, 0.0]),
        "two values swapped between rows": FRAME.assign(signatures=[2, 1, 3]),
        "a row twice": pd.concat([FRAME, FRAME.iloc[[0]]]),
        "a row fewer": FRAME.iloc[:2],
        "a column renamed": FRAME.rename(columns={"signatures": "petitions"}),
        "a text changed": FRAME.assign(channel=pd.array(["email", None, "Flyer"], dtype="string")),
    }
    with warehouse.reader(db) as con:
        same = fingerprint(con, FRAME)
        assert fingerprint(con, FRAME.iloc[::-1].reset_index(drop=True)) == same
        assert fingerprint(con, FRAME.iloc[[1, 2, 0]]) == same
        for what, frame in changed.items():
            assert fingerprint(con, frame) != same, what
        assert fingerprint(con, FRAME, FRAME.iloc[:0]) != same  # one more (empty) input
        assert fingerprint(con, pd.DataFrame()) != fingerprint(con, FRAME.iloc[:0])


def _refresh_both(db) -> tuple[str, str]:
    with warehouse.writer(db) as con:
        return forecast.refresh(con), follow_up.refresh(con)


def test_a_refresh_with_nothing_new_rewrites_neither_model_and_a_new_person_rewrites(db):
    past = [event("past", "2026-03-05 18:30"), event("next", "2026-05-05 18:30")]
    given(db, events=past, registrations=[registration("past", "a@", registered_at="2026-03-01")])
    _refresh_both(db)
    unchanged = "unchanged: nothing it reads changed"
    assert _refresh_both(db) == (unchanged, unchanged)
    given(db, registrations=[registration("next", "b@", registered_at="2026-04-01")])
    forecasted, followed = _refresh_both(db)
    assert forecasted != unchanged  # the upcoming event has one registration more
    assert followed != unchanged  # b@ is on the list
    with warehouse.reader(db) as con:
        assert con.execute("select count(*) from mart_follow_up").fetchall() == [(2,)]
