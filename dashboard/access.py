"""Who may open the dashboard, without Streamlit: passwords, sign-in tokens, attempt limits.

The command line reads it before starting the server (``turnout dashboard`` refuses an
address other machines can reach unless both roles have their own password), and
``auth.py`` uses it inside the app.

- Passwords come from ``.streamlit/secrets.toml`` (``[passwords]`` lead, board; the project's
  file, then the home folder's, as Streamlit reads them) or the environment variables
  ``TURNOUT_LEAD_PASSWORD`` and ``TURNOUT_BOARD_PASSWORD``; a secret wins over the environment.
- A signed-in person carries a token, never the password: the role, an expiry and an HMAC
  over both, keyed by a secret that lives only in the server's memory and by the role's
  password (a new password, or a restart, signs everyone out).
- Wrong passwords are counted per session and per client address: ``MAX_ATTEMPTS`` within
  ``WINDOW_SECONDS`` lock that key for a minute, and each further one doubles the wait
  (up to an hour), until a right password or an hour without a wrong one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("lead", "board")
TOKEN_HOURS = 12
MAX_ATTEMPTS = 5
WINDOW_SECONDS = 60.0
LONGEST_WAIT_SECONDS = 3600.0  # also how long a quiet key's failures are remembered
MAX_KEYS = 10_000
_SERVER_SECRET = secrets.token_bytes(32)  # per server process: never written anywhere


class SharedPassword(ValueError):
    """Two roles have the same password: whoever types it could be either."""


def secrets_files(cwd: Path | None = None) -> list[Path]:
    """Where Streamlit reads secrets from, the one that wins last."""
    return [
        Path.home() / ".streamlit" / "secrets.toml",
        (cwd or Path.cwd()) / ".streamlit" / "secrets.toml",
    ]


def passwords_from(
    secret_passwords: Mapping[str, object], environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """role → password, for the roles that have one; a secret wins over the environment."""
    environ = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for role in ROLES:
        value = secret_passwords.get(role) or environ.get(f"TURNOUT_{role.upper()}_PASSWORD")
        if value:
            found[role] = str(value)
    return found


def passwords_outside_streamlit(cwd: Path | None = None) -> dict[str, str]:
    """The passwords the app will see, read as Streamlit reads its secrets files."""
    merged: dict[str, object] = {}
    for path in secrets_files(cwd):
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")).get("passwords") or {})
        except (OSError, tomllib.TOMLDecodeError):  # a missing or unreadable file is none
            continue
    return passwords_from(merged)


def check_distinct(passwords: dict[str, str]) -> None:
    """Refuse two roles sharing one password (compared in constant time)."""
    values = [passwords[role].encode("utf-8") for role in ROLES if role in passwords]
    if len(values) == 2 and hmac.compare_digest(values[0], values[1]):
        raise SharedPassword("lead and board")


def role_for(password: str, passwords: dict[str, str]) -> str | None:
    """The role whose password this is; every role is compared, in constant time."""
    given = password.encode("utf-8")
    match = None
    for role in ROLES:
        expected = passwords.get(role)
        if expected is not None and hmac.compare_digest(given, expected.encode("utf-8")):
            match = match or role
    return match


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.1, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


# sign-in tokens ------------------------------------------------------------------------


def _signature(role: str, expires: int, password: str) -> str:
    key = hmac.new(_SERVER_SECRET, password.encode("utf-8"), hashlib.sha256).digest()
    mac = hmac.new(key, f"{role}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def sign(role: str, passwords: dict[str, str], now: float | None = None) -> str:
    """A token that says ``role`` until ``TOKEN_HOURS`` from now; it holds no password."""
    expires = int((time.time() if now is None else now) + TOKEN_HOURS * 3600)
    return f"{role}.{expires}.{_signature(role, expires, passwords[role])}"


def role_of_token(
    token: str | None, passwords: dict[str, str], now: float | None = None
) -> str | None:
    """The role a token was signed for, if it is genuine, unexpired and not signed out."""
    if not token or token in _signed_out:
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] not in passwords or not parts[1].isdigit():
        return None
    role, expires = parts[0], int(parts[1])
    if expires < (time.time() if now is None else now):
        return None
    expected = _signature(role, expires, passwords[role])
    return role if hmac.compare_digest(parts[2].encode(), expected.encode()) else None


_signed_out: set[str] = set()


def sign_out(token: str | None) -> None:
    """This token no longer opens anything, even before it expires."""
    if token:
        _signed_out.add(token)


# attempt limits ------------------------------------------------------------------------


@dataclass
class _Failures:
    times: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    extra: int = 0  # failures past the limit, each doubling the wait


class Attempts:
    """Wrong passwords per key (a session, a client address); thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._by_key: dict[str, _Failures] = {}

    def wait(self, keys: list[str]) -> float:
        """Seconds before any of ``keys`` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            return max(
                [self._by_key[k].locked_until - now for k in keys if k in self._by_key] + [0.0]
            )

    def failed(self, keys: list[str]) -> None:
        now = self._clock()
        with self._lock:
            if len(self._by_key) > MAX_KEYS:  # forget the quiet ones first
                self._by_key = {
                    k: e
                    for k, e in self._by_key.items()
                    if now - e.times[-1] < LONGEST_WAIT_SECONDS
                }
            for key in keys:
                entry = self._by_key.get(key)
                if entry is None or now - entry.times[-1] >= LONGEST_WAIT_SECONDS:
                    entry = self._by_key[key] = _Failures()
                entry.times = [t for t in entry.times if now - t < WINDOW_SECONDS] + [now]
                if entry.extra or len(entry.times) >= MAX_ATTEMPTS:
                    delay = min(WINDOW_SECONDS * 2**entry.extra, LONGEST_WAIT_SECONDS)
                    entry.locked_until = now + delay
                    entry.extra += 1

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._by_key.pop(key, None)


ATTEMPTS = Attempts()
