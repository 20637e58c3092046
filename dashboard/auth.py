"""Roles and their passwords: from Streamlit secrets or environment variables.

Secrets (``.streamlit/secrets.toml``)::

    [passwords]
    lead = "…"
    board = "…"

or the environment variables ``TURNOUT_LEAD_PASSWORD`` and ``TURNOUT_BOARD_PASSWORD``.
Passwords are compared in constant time. With none configured (a local demo) the app
opens in the campaign-lead role and says so.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

ROLES = ("lead", "board")


def configured() -> dict[str, str]:
    """role → password, for the roles that have one."""
    found: dict[str, str] = {}
    secrets: dict = {}
    try:
        if st.secrets.load_if_toml_exists():
            secrets = dict(st.secrets.get("passwords", {}) or {})
    except Exception:  # an unreadable secrets file is the same as none
        secrets = {}
    for role in ROLES:
        value = secrets.get(role) or os.environ.get(f"TURNOUT_{role.upper()}_PASSWORD")
        if value:
            found[role] = str(value)
    return found


def role_for(password: str, passwords: dict[str, str]) -> str | None:
    """The role whose password this is; every role is compared, in constant time."""
    given = password.encode("utf-8")
    match = None
    for role in ROLES:
        expected = passwords.get(role)
        if expected is not None and hmac.compare_digest(given, expected.encode("utf-8")):
            match = match or role
    return match
