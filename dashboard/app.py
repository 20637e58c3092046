"""Turnout's dashboard: the router. Language, role and the shared filters live here.

Run it with ``turnout dashboard`` (or ``streamlit run dashboard/app.py``). Pages are in
``app_pages/``, listed once in ``pages.py``; every string is in ``locales/``; all SQL is in
``queries.py``, read by ``data.py``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` from a plain checkout
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import access, auth, data, i18n, pages, ui  # noqa: E402
from pipelines.errors import TurnoutError  # noqa: E402

ALL = "*"  # "every campaign/channel" (a None option would show as an empty selectbox)


def choose_language() -> str:
    if "lang" not in st.session_state:  # the browser's language, then its Accept-Language
        headers: Mapping[str, str] = st.context.headers or {}
        header = headers.get("Accept-Language", "")
        st.session_state["lang"] = i18n.language_from_locale(st.context.locale or header)
    lang = st.session_state["lang"]
    st.sidebar.radio(
        i18n.t(lang, "language"),
        i18n.LANGUAGES,
        key="lang",
        horizontal=True,
        format_func=lambda code: i18n.t(code, "language.name"),
    )
    return st.session_state["lang"]


def choose_role(lang: str) -> str:
    passwords = auth.configured()
    if not passwords:
        st.sidebar.info(i18n.t(lang, "auth.no_password"))
        board = st.sidebar.toggle(i18n.t(lang, "auth.preview_board"), key="preview_board")
        return ui.BOARD if board else ui.LEAD
    try:
        access.check_distinct(passwords)
    except access.SharedPassword:
        st.error(i18n.t(lang, "auth.shared_password"))
        st.stop()
    role = auth.remembered_role(passwords)
    if role is None:
        sign_in_form(lang, passwords)
        st.stop()
    if st.sidebar.button(i18n.t(lang, "auth.sign_out")):
        auth.sign_out()
        st.rerun()
    return role


def sign_in_form(lang: str, passwords: dict[str, str]) -> None:
    st.title(i18n.t(lang, "app.title"))
    with st.form("login"):
        password = st.text_input(i18n.t(lang, "auth.password"), type="password")
        if not st.form_submit_button(i18n.t(lang, "auth.sign_in")):
            return
    wait = auth.wait_seconds()
    if wait > 0:  # the password is not even compared
        st.error(i18n.t(lang, "auth.too_many", seconds=i18n.number(lang, math.ceil(wait))))
    elif auth.sign_in(password, passwords):
        st.rerun()
    else:
        st.error(i18n.t(lang, "auth.wrong_password"))


def _remembered(name: str, options: Sequence[str]) -> None:
    """Give a filter widget its value from the last page that showed it."""
    widget, stored = f"w_{name}", f"f_{name}"
    if widget not in st.session_state or st.session_state[widget] not in options:
        value = st.session_state.get(stored)
        st.session_state[widget] = value if value in options else options[0]


def _remember(name: str) -> None:
    st.session_state[f"f_{name}"] = st.session_state[f"w_{name}"]


def filters(lang: str, role: str) -> ui.Context:
    side = st.sidebar
    side.subheader(i18n.t(lang, "filter.title"))
    found = data.options()
    first_day, last_day = data.date_range()
    campaigns = [ALL, *found["campaign"]]
    _remembered("campaign", campaigns)
    side.selectbox(
        i18n.t(lang, "filter.campaign"),
        campaigns,
        key="w_campaign",
        format_func=lambda v: i18n.t(lang, "filter.all_campaigns") if v == ALL else v,
        on_change=_remember,
        args=("campaign",),
    )
    channels = [ALL, *found["channel"]]
    _remembered("channel", channels)
    side.selectbox(
        i18n.t(lang, "filter.channel"),
        channels,
        key="w_channel",
        format_func=lambda v: (
            i18n.t(lang, "filter.all_channels") if v == ALL else i18n.label(lang, "channel", v)
        ),
        on_change=_remember,
        args=("channel",),
    )
    _remembered("period", list(ui.PERIODS))
    period = side.selectbox(
        i18n.t(lang, "filter.period"),
        ui.PERIODS,
        key="w_period",
        format_func=lambda p: i18n.t(lang, f"period.{p}"),
        on_change=_remember,
        args=("period",),
    )
    custom = None
    if period == "custom" and last_day is not None:
        custom = side.date_input(
            i18n.t(lang, "filter.dates"),
            (first_day, last_day),
            min_value=first_day,
            max_value=last_day,
            key="w_dates",
        )
    for name in ("campaign", "channel", "period"):
        _remember(name)
    if last_day is not None:
        side.caption(i18n.t(lang, "filter.data_to", date=i18n.day(lang, last_day)))
    since, until, prev_since, prev_until = ui.window(period, last_day, custom)
    campaign, channel = (
        None if st.session_state[f"w_{name}"] == ALL else st.session_state[f"w_{name}"]
        for name in ("campaign", "channel")
    )
    return ui.Context(lang, role, campaign, channel, period, since, until, prev_since, prev_until)


def main() -> None:
    st.set_page_config(page_title="Turnout", page_icon="📣", layout="wide")
    lang = choose_language()
    role = choose_role(lang)
    st.session_state["ctx"] = ui.Context(lang, role)
    try:
        state = data.state()
    except data.Unavailable:
        ui.unavailable()
    except TurnoutError as error:  # e.g. an older schema: `turnout init` upgrades it
        st.error(i18n.t(lang, "database.problem"))
        st.caption(i18n.error(lang, error))
        st.stop()
    allowed = pages.shown(state == "ready", role)
    offered = [
        st.Page(
            p.file, title=i18n.t(lang, p.title_key), icon=p.icon, url_path=p.name, default=(i == 0)
        )
        for i, p in enumerate(allowed)
    ]
    page = st.navigation(offered)
    current = next(
        (p for p, shown in zip(allowed, offered, strict=True) if shown is page), allowed[0]
    )
    st.sidebar.caption(i18n.t(lang, f"role.{role}"))
    if state == "ready" and current.filtered:
        try:
            st.session_state["ctx"] = filters(lang, role)
        except data.Unavailable:
            ui.unavailable()
    top = st.container()
    try:
        page.run()
    except data.Unavailable:
        ui.unavailable()
    if data.busy():
        top.info(i18n.t(lang, "busy.showing_last"))
    elif state == "ready" and (pending := data.pending_files()):
        top.warning(i18n.t(lang, "notice.pending", count=i18n.number(lang, pending)))


main()
