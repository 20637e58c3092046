"""The board's view of the dashboard: no count under five and no share that would reveal one,
where the lead sees them; passwords decide who is the lead and who is the board."""

from __future__ import annotations

import pytest

from dashboard import i18n
from tests.dashboard_helpers import BOARD_PAGES, PAGES, app, decode, figures, no_exception, shown

pytestmark = pytest.mark.usefixtures("fresh_caches")


SMALL = {"1", "2", "3", "4"}


@pytest.mark.parametrize("source", ("small_db", "sample_db"))
def test_board_never_sees_a_count_under_five(source, request):
    request.getfixturevalue(source)
    at = app("en", "board")
    for name in BOARD_PAGES:
        at.switch_page(PAGES[name]).run()
        no_exception(at)
        assert not SMALL & {m.value for m in at.metric}, name
        for frame in at.dataframe:
            cells = {str(v).strip() for v in frame.value.to_numpy().ravel()}
            cells |= {str(v).strip() for v in shown(frame).to_numpy().ravel()}
            assert not SMALL & cells, name
        for spec in figures(at):
            for trace in spec["data"]:
                if trace.get("meta") != "count":
                    continue
                for axis in ("x", "y"):
                    values = [v for v in decode(trace.get(axis)) if isinstance(v, int | float)]
                    assert not [v for v in values if 0 < v < 5], (name, trace.get("name"))


def test_lead_sees_small_counts_that_the_board_does_not(small_db):
    lead = app("en", "lead").switch_page(PAGES["events"]).run()
    board = app("en", "board").switch_page(PAGES["events"]).run()
    lead_cells = {str(v) for f in lead.dataframe for v in shown(f).to_numpy().ravel()}
    board_cells = {str(v) for f in board.dataframe for v in shown(f).to_numpy().ravel()}
    assert SMALL & lead_cells
    assert "<5" in board_cells


def test_board_sees_no_share_that_would_reveal_a_small_count(small_db):
    hidden = i18n.t("en", "rate.hidden")
    lead = app("en", "lead").switch_page(PAGES["events"]).run()
    board = app("en", "board").switch_page(PAGES["events"]).run()
    column = i18n.t("en", "col.show_up_rate")
    lead_rates = [v for f in lead.dataframe if column in f.value.columns for v in shown(f)[column]]
    board_rates = [
        v for f in board.dataframe if column in f.value.columns for v in shown(f)[column]
    ]
    assert hidden not in lead_rates
    assert hidden in board_rates
    for lead_rate, board_rate in zip(lead_rates, board_rates, strict=True):
        assert board_rate in (lead_rate, hidden)


def test_passwords_decide_the_role(sample_db, monkeypatch):
    monkeypatch.setenv("TURNOUT_LEAD_PASSWORD", "lead-secret")
    monkeypatch.setenv("TURNOUT_BOARD_PASSWORD", "board-secret")
    at = app()
    assert not at.metric and at.text_input  # a sign-in form, nothing else
    at.text_input[0].input("nope")
    at.button[0].click().run()
    assert at.error and not at.metric
    at.text_input[0].input("board-secret")
    at.button[0].click().run()
    no_exception(at)
    assert at.session_state["role"] == "board"
    assert at.metric
    with pytest.raises(ValueError):
        at.switch_page(PAGES["people"])


def test_passwords_from_streamlit_secrets(sample_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_helpers import APP

    monkeypatch.setenv("TURNOUT_BOARD_PASSWORD", "not-this-one")
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["passwords"] = {"lead": "lead-from-secrets", "board": "board-from-secrets"}
    at.run()
    at.text_input[0].input("not-this-one")
    at.button[0].click().run()
    assert "role" not in at.session_state  # secrets win over the environment
    at.text_input[0].input("lead-from-secrets")
    at.button[0].click().run()
    no_exception(at)
    assert at.session_state["role"] == "lead"
    at.switch_page(PAGES["people"]).run()
    no_exception(at)


def test_no_password_opens_as_lead_with_a_notice(sample_db):
    at = app()
    assert any(i.value == i18n.t("en", "auth.no_password") for i in at.sidebar.info)
    assert at.session_state["ctx"].role == "lead"
