"""Where the database, the secret key and the settings live.

The database defaults to ``$XDG_DATA_HOME/turnout/turnout.duckdb`` (usually
``~/.local/share/turnout/turnout.duckdb``); the ``TURNOUT_DB`` environment
variable overrides it. The secret key used to hash emails and phone numbers and
the settings file sit next to the database, never inside it.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_REGION = "CA"


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


def load_settings(db: Path) -> Settings:
    path = settings_path(db)
    if not path.exists():
        return Settings()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Settings(default_region=str(data.get("default_region", DEFAULT_REGION)).upper())


def write_settings(db: Path, settings: Settings) -> None:
    settings_path(db).write_text(
        "# Turnout settings for this database\n"
        "# default_region: the country assumed for phone numbers written without +country code\n"
        f'default_region = "{settings.default_region}"\n',
        encoding="utf-8",
    )


def ensure_secret(db: Path) -> bytes:
    """Create the hashing secret next to the database (mode 0600) unless it exists."""
    path = key_path(db)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return read_secret(db)


def read_secret(db: Path) -> bytes:
    path = key_path(db)
    if not path.exists():
        from pipelines.errors import TurnoutError

        raise TurnoutError(
            f"The secret key {path} is missing. Run `turnout init` to create the database "
            "and its key (a database whose key is lost cannot match new records to old ones)."
        )
    return path.read_text(encoding="utf-8").strip().encode()
