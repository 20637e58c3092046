"""The Events page: the table sorts numbers as numbers, and a show-up rate that the
attendance data barely vouches for is shown as doubtful, never as a confident figure."""

from __future__ import annotations

import pytest

from dashboard import i18n
from tests.dashboard_helpers import PAGES, app, no_exception
from tests.given import event, given

pytestmark = pytest.mark.usefixtures("fresh_caches")


def people(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}@" for i in range(n)]


@pytest.fixture
def events_db(db):
    # e1: 5 RSVPs, none of them on the sheet, 16 walk-ins; e2: 10 came (Zoom), e3: 9 came
    given(
        db,
        imports=[{"import_id": 1, "file_name": "x.csv", "rows_read": 1, "rows_loaded": 1}],
        events=[
            event("e1", "2026-03-02 18:30"),
            event("e2", "2026-03-03 18:30"),
            event("e3", "2026-03-04 18:30"),
        ],
        registrations=[
            *[
                {"event_id": "e1", "email_key": k, "source": "actionnetwork_rsvps"}
                for k in people("r", 5)
            ],
            *[
                {"event_id": "e2", "email_key": k, "source": "zoom", "attended": True}
                for k in people("z", 10)
            ],
            *[
                {"event_id": "e3", "email_key": k, "source": "zoom", "attended": True}
                for k in people("y", 9)
            ],
        ],
        checkins=[{"event_id": "e1", "email_key": k} for k in people("w", 16)],
    )
    return db


def events_page(lang: str = "en"):
    at = app(lang, "lead", f_period="all")
    at.switch_page(PAGES["events"]).run()
    no_exception(at)
    return at


def test_counts_sort_as_numbers(events_db):
    table = events_page().dataframe[0].value
    came = table[i18n.t("en", "col.attended")]
    # as text they would sort "10" < "16" < "9"
    assert sorted(came.tolist()) == [9, 10, 16]
    assert came.sort_values().tolist() == [9, 10, 16]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_walk_in_only_sheet_gives_a_doubtful_show_up_rate(events_db, lang):
    at = events_page(lang)
    note = i18n.t(lang, "events.doubtful.note", count=1)
    assert note in [c.value for c in at.caption]
    # the chosen event (the first) is the walk-in only one: its rate says it is doubtful
    rate = [m.value for m in at.metric if m.label == i18n.t(lang, "col.show_up_rate")][-1]
    assert rate == i18n.t(lang, "events.doubtful_rate", rate=i18n.percent(lang, 0.0))
    assert note in [w.value for w in at.warning]


def test_the_95_percent_interval_is_never_drawn_as_a_change(events_db):
    # e2 and e3: everyone registered came, a confident rate with a range
    at = app("en", "lead", f_period="all", event_detail="e2")
    at.switch_page(PAGES["events"]).run()
    no_exception(at)
    assert not [m.delta for m in at.metric if m.delta]
    assert any(c.value.startswith(i18n.t("en", "events.interval", interval="")) for c in at.caption)
