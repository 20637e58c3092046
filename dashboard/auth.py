"""Roles and their passwords inside the app (the rules themselves are in ``access.py``).

Secrets (``.streamlit/secrets.toml``)::

    [passwords]
    lead = "…"
    board = "…"

or the environment variables ``TURNOUT_LEAD_PASSWORD`` and ``TURNOUT_BOARD_PASSWORD``.
With none configured (a local demo) the app opens in the campaign-lead role and says so.
A signed-in person keeps a signed token in the page's address (``?session=…``), so a
reload or a shared page link stays signed in for ``access.TOKEN_HOURS`` at most.
"""

from __future__ import annotations

import secrets

import streamlit as st

from dashboard import access

ROLES = access.ROLES
TOKEN_PARAM = "session"
role_for = access.role_for


def configured() -> dict[str, str]:
    """role → password, for the roles that have one."""
    found: dict[str, object] = {}
    try:
        if st.secrets.load_if_toml_exists():
            found = dict(st.secrets.get("passwords", {}) or {})
    except Exception:  # an unreadable secrets file is the same as none
        found = {}
    return access.passwords_from(found)


def _attempt_keys() -> list[str]:
    """This session, and the address it comes from when the server knows it."""
    session = st.session_state.setdefault("auth_session", secrets.token_hex(8))
    keys = [f"session:{session}"]
    address = getattr(st.context, "ip_address", None)
    if isinstance(address, str) and address:
        keys.append(f"address:{address}")
    return keys


def wait_seconds() -> float:
    """How long this person must wait before another password is checked."""
    return access.ATTEMPTS.wait(_attempt_keys())


def sign_in(password: str, passwords: dict[str, str]) -> str | None:
    """The role, remembered for this session and in the page's address; None if wrong."""
    keys = _attempt_keys()
    role = access.role_for(password, passwords)
    if role is None:
        access.ATTEMPTS.failed(keys)
        return None
    access.ATTEMPTS.succeeded(keys)
    st.session_state["role"] = role
    st.session_state["auth_token"] = access.sign(role, passwords)
    return role


def remembered_role(passwords: dict[str, str]) -> str | None:
    """The role of this session, or of a valid token in the address (after a reload)."""
    token: str | None = st.session_state.get("auth_token") or st.query_params.get(TOKEN_PARAM)
    role = access.role_of_token(token, passwords)
    if role is None or token is None:  # a role comes only with a token
        st.session_state.pop("role", None)
        st.session_state.pop("auth_token", None)
        if TOKEN_PARAM in st.query_params:
            del st.query_params[TOKEN_PARAM]
        return None
    st.session_state["role"], st.session_state["auth_token"] = role, token
    if st.query_params.get(TOKEN_PARAM) != token:  # page links drop it: put it back
        st.query_params[TOKEN_PARAM] = token
    return role


def sign_out() -> None:
    access.sign_out(st.session_state.pop("auth_token", None))
    st.session_state.pop("role", None)
    if TOKEN_PARAM in st.query_params:
        del st.query_params[TOKEN_PARAM]
