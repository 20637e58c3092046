"""Where the database, the secret key and the settings live.

The database defaults to ``$XDG_DATA_HOME/turnout/turnout.duckdb`` (usually
``~/.local/share/turnout/turnout.duckdb``); the ``TURNOUT_DB`` environment
variable overrides it. The secret key used to hash emails and phone numbers and
the settings file sit next to the database, never inside it.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import tomli_w

from pipelines import messages
from pipelines.errors import TurnoutError

DEFAULT_REGION = "CA"
# an empty or short key makes every hash a plain sha256 of "email:" + address: reversible
MIN_KEY_CHARS = 32
PRIVATE = 0o600
log = logging.getLogger("turnout")


def database_path() -> Path:
    override = os.environ.get("TURNOUT_DB")
    if override:
        return Path(override).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "turnout" / "turnout.duckdb"


def key_path(db: Path) -> Path:
    return db.with_name(db.stem + ".key")


def settings_path(db: Path) -> Path:
    return db.with_name(db.stem + ".toml")


@dataclass(frozen=True)
class Settings:
    """Per-database settings, read from ``<database>.toml``."""

    default_region: str = DEFAULT_REGION


def check_region(region: str) -> str:
    """The region as an upper-case ISO code that phone numbers can be parsed with."""
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise TurnoutError(code="settings.bad_region", region=region)
    return code


def load_settings(db: Path) -> Settings:
    path = settings_path(db)
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        region = check_region(str(data.get("default_region", DEFAULT_REGION)))
    except TurnoutError as error:
        raise TurnoutError(
            code="settings.invalid",
            path=str(path),
            problem={"code": error.code, "params": error.params},
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TurnoutError(
            code="settings.unreadable", path=str(path), problem=str(error) or type(error).__name__
        ) from None
    return Settings(default_region=region)


def write_settings(db: Path, settings: Settings) -> None:
    values = {"default_region": check_region(settings.default_region)}
    settings_path(db).write_text(
        "# Turnout settings for this database\n"
        "# default_region: the country assumed for phone numbers written without +country code\n"
        + tomli_w.dumps(values),
        encoding="utf-8",
    )


def create_secret(db: Path) -> None:
    """Write a new hashing secret next to the database (mode 0600); never over one."""
    path = key_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")


def ensure_secret(db: Path) -> bytes:
    """The secret, created first if missing: only for a new database that holds no data
    (`turnout init` checks that; an import refuses a key its database does not know)."""
    if not key_path(db).exists():
        create_secret(db)
    return read_secret(db)


def read_secret(db: Path) -> bytes:
    """The hashing secret; refused when missing, empty or short, made private if it was not."""
    path = key_path(db)
    if not path.exists():
        raise TurnoutError(code="key.not_found", key=str(path))
    _make_private(path)
    secret = path.read_text(encoding="utf-8").strip().encode()
    if len(secret) < MIN_KEY_CHARS:
        raise TurnoutError(
            code="key.too_short", key=str(path), length=len(secret), minimum=MIN_KEY_CHARS
        )
    return secret


def _make_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(PRIVATE)
        log.warning(
            messages.text(
                messages.ENGLISH, "key.made_private", {"key": str(path), "mode": f"{mode:04o}"}
            )
        )
