"""Who may open the dashboard: passwords compared in constant time, distinct per role,
attempts limited, a signed-in person kept signed in by a token that holds no password,
and the board shown no server paths."""

from __future__ import annotations

import hmac
import os

import pytest

from dashboard import access, i18n, loading
from pipelines import messages
from tests.dashboard_helpers import PAGES, app, no_exception

LEAD, BOARD = "lead-secret-1", "board-secret-2"
PASSWORDS = {"lead": LEAD, "board": BOARD}


@pytest.fixture(autouse=True)
def _fresh(fresh_caches, monkeypatch):
    monkeypatch.setattr(access, "ATTEMPTS", access.Attempts())


@pytest.fixture
def passwords(monkeypatch, db):
    monkeypatch.setenv("TURNOUT_LEAD_PASSWORD", LEAD)
    monkeypatch.setenv("TURNOUT_BOARD_PASSWORD", BOARD)


def sign_in(at, password: str):
    at.text_input[0].input(password)
    return at.button[0].click().run()


# the comparison --------------------------------------------------------------------------


def test_every_role_is_compared_with_compare_digest(monkeypatch):
    seen = []

    def recording(a, b):
        seen.append((a, b))
        return a == b

    monkeypatch.setattr(hmac, "compare_digest", recording)
    assert access.role_for(BOARD, PASSWORDS) == "board"
    assert sorted(b for _, b in seen) == sorted(p.encode() for p in (LEAD, BOARD))
    seen.clear()
    assert access.role_for("wrong", PASSWORDS) is None
    assert len(seen) == 2  # a wrong password is compared with both, never short-circuited


def test_the_first_role_wins_when_two_share_a_password(monkeypatch):
    """The app refuses a shared password before anyone signs in (check_distinct); the
    comparison itself stays the same whatever the order: the first role of ROLES wins,
    and every role is still compared."""
    seen = []
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: seen.append(b) or a == b)
    assert access.ROLES == ("lead", "board")
    assert access.role_for("same", {"lead": "same", "board": "same"}) == "lead"
    assert access.role_for("same", {"board": "same", "lead": "same"}) == "lead"
    assert len(seen) == 4


def test_tokens_are_checked_with_compare_digest(monkeypatch):
    token = access.sign("lead", PASSWORDS)
    calls = []
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append(1) or a == b)
    assert access.role_of_token(token, PASSWORDS) == "lead"
    assert calls


def test_two_roles_sharing_a_password_are_refused():
    with pytest.raises(access.SharedPassword):
        access.check_distinct({"lead": "same", "board": "same"})
    access.check_distinct(PASSWORDS)
    access.check_distinct({"lead": "only-one"})


def test_the_passwords_are_told_apart_with_compare_digest(monkeypatch):
    seen = []
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: seen.append((a, b)) or a == b)
    with pytest.raises(access.SharedPassword):
        access.check_distinct({"lead": "same", "board": "same"})
    access.check_distinct(PASSWORDS)
    assert seen == [(b"same", b"same"), (LEAD.encode(), BOARD.encode())]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_app_refuses_a_shared_password_in_the_readers_language(monkeypatch, db, lang):
    monkeypatch.setenv("TURNOUT_LEAD_PASSWORD", "same")
    monkeypatch.setenv("TURNOUT_BOARD_PASSWORD", "same")
    at = app(lang)
    no_exception(at)
    assert [e.value for e in at.error] == [i18n.t(lang, "auth.shared_password")]
    assert not at.text_input  # no way in at all


# attempts ------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_five_wrong_passwords_a_minute_then_a_growing_wait():
    clock = Clock()
    attempts = access.Attempts(clock)
    keys = ["session:a", "address:10.0.0.9"]
    for _ in range(4):
        attempts.failed(keys)
        assert attempts.wait(keys) == 0
    attempts.failed(keys)
    assert attempts.wait(keys) == 60
    assert attempts.wait(["address:10.0.0.9"]) == 60  # a new session from the same address
    assert attempts.wait(["session:b"]) == 0
    clock.now += 61
    assert attempts.wait(keys) == 0
    attempts.failed(keys)
    assert attempts.wait(keys) == 120  # one more wrong: twice as long
    clock.now += 121
    attempts.failed(keys)
    assert attempts.wait(keys) == 240
    attempts.succeeded(keys)
    assert attempts.wait(keys) == 0


def test_failures_spread_over_more_than_a_minute_are_not_limited():
    clock = Clock()
    attempts = access.Attempts(clock)
    for _ in range(20):
        attempts.failed(["session:a"])
        clock.now += 15
    assert attempts.wait(["session:a"]) == 0


def test_the_sign_in_form_stops_checking_after_five_wrong_passwords(passwords, monkeypatch):
    checked = []
    real = access.role_for
    monkeypatch.setattr(access, "role_for", lambda p, ps: checked.append(p) or real(p, ps))
    at = app()
    for i in range(5):
        sign_in(at, f"wrong-{i}")
        assert [e.value for e in at.error] == [i18n.t("en", "auth.wrong_password")]
    sign_in(at, LEAD)  # even the right one waits
    assert len(checked) == 5 and "role" not in at.session_state
    assert at.error[0].value == i18n.t("en", "auth.too_many", seconds="60")
    assert not at.metric


# staying signed in ----------------------------------------------------------------------


def test_a_token_names_its_role_until_it_expires_and_holds_no_password():
    token = access.sign("board", PASSWORDS, now=0)
    assert LEAD not in token and BOARD not in token
    assert access.role_of_token(token, PASSWORDS, now=3600) == "board"
    assert access.role_of_token(token, PASSWORDS, now=access.TOKEN_HOURS * 3600 + 1) is None
    role, expires, mac = token.split(".")
    assert access.role_of_token(f"lead.{expires}.{mac}", PASSWORDS, now=0) is None
    assert access.role_of_token(f"board.{int(expires) + 9999}.{mac}", PASSWORDS, now=0) is None
    assert access.role_of_token(token, {"lead": LEAD, "board": "changed"}, now=0) is None


def test_a_reload_with_the_token_stays_signed_in_and_a_sign_out_ends_it(passwords):
    at = sign_in(app(), BOARD)
    no_exception(at)
    token = at.query_params["session"]
    assert isinstance(token, str) and BOARD not in token
    assert app().text_input  # a new session without the token: the sign-in form
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_helpers import APP

    fresh = AppTest.from_file(APP, default_timeout=90)
    fresh.query_params["session"] = token
    fresh.run()
    no_exception(fresh)
    assert not fresh.text_input and fresh.session_state["role"] == "board"
    fresh.switch_page(PAGES["about"]).run()  # a link to another page keeps it
    assert fresh.query_params["session"] == token and not fresh.text_input
    fresh.sidebar.button[0].click().run()  # sign out
    again = AppTest.from_file(APP, default_timeout=90)
    again.query_params["session"] = token
    again.run()
    assert again.text_input and "role" not in again.session_state


def test_a_forged_token_opens_nothing(passwords):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_helpers import APP

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["session"] = "lead.99999999999.AAAA"
    at.run()
    no_exception(at)
    assert at.text_input and "role" not in at.session_state
    assert "session" not in at.query_params


# what the board sees -------------------------------------------------------------------


def test_the_boards_about_page_shows_no_server_path(passwords, db):
    at = sign_in(app(), BOARD)
    at.switch_page(PAGES["about"]).run()
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert i18n.t("en", "about.where.board") in text
    assert str(db.parent) not in text and ".duckdb" not in text
    lead = sign_in(app(), LEAD).switch_page(PAGES["about"]).run()
    assert str(db) in " ".join(m.value for m in lead.markdown)  # the lead still sees where


# the command that starts it --------------------------------------------------------------


def start(monkeypatch, tmp_path, *args: str, lead: str | None = None, board: str | None = None):
    from typer.testing import CliRunner

    from pipelines import cli

    for role, value in (("LEAD", lead), ("BOARD", board)):
        if value is None:
            monkeypatch.delenv(f"TURNOUT_{role}_PASSWORD", raising=False)
        else:
            monkeypatch.setenv(f"TURNOUT_{role}_PASSWORD", value)
    monkeypatch.chdir(tmp_path)  # no project secrets file
    seen = {}
    monkeypatch.setattr(os, "execv", lambda exe, argv: seen.update(argv=argv))
    result = CliRunner().invoke(cli.app, ["dashboard", *args])
    return result, seen.get("argv")


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_the_dashboard_listens_on_this_machine_only_by_default(monkeypatch, tmp_path):
    result, argv = start(monkeypatch, tmp_path)
    assert result.exit_code == 0, result.output
    assert option(argv, "--server.address") == "127.0.0.1"
    assert option(argv, "--server.maxUploadSize") == str(loading.MAX_UPLOAD_MB)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "turnout.example.org"])
def test_another_address_needs_both_passwords(monkeypatch, tmp_path, host):
    for lead, board in ((None, None), (LEAD, None), (None, BOARD)):
        result, argv = start(monkeypatch, tmp_path, "--host", host, lead=lead, board=board)
        assert result.exit_code == 1 and argv is None
        assert "TURNOUT_BOARD_PASSWORD" in result.output and "Erreur" in result.output
    result, argv = start(monkeypatch, tmp_path, "--host", host, lead=LEAD, board=BOARD)
    assert result.exit_code == 0 and option(argv, "--server.address") == host


def test_passwords_in_the_projects_secrets_file_count(monkeypatch, tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[passwords]\nlead = "{LEAD}"\nboard = "{BOARD}"\n', encoding="utf-8"
    )
    result, argv = start(monkeypatch, tmp_path, "--host", "0.0.0.0")
    assert result.exit_code == 0 and argv


def test_the_command_refuses_a_shared_password_in_both_languages(monkeypatch, tmp_path):
    result, argv = start(monkeypatch, tmp_path, lead="same", board="same")
    assert result.exit_code == 1 and argv is None
    text = " ".join(result.output.split())
    for lang in ("en", "fr"):
        assert " ".join(messages.text(lang, "dashboard.shared_password").split()) in text


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses(host):
    assert access.is_loopback(host)
