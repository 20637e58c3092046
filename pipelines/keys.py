"""The hashing key's fingerprint: a database refuses any key but the one it was built with.

Emails and phone numbers are stored as hashes keyed by the secret next to the database.
Under another key the same person hashes differently, so every person imported afterwards
would be counted a second time. The database keeps the key's fingerprint (an HMAC of a
fixed text under the key, never the key), and every writer checks the key file against it
before it writes anything. Only `turnout rekey`, told explicitly, replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines import config, warehouse
from pipelines.errors import TurnoutError

FINGERPRINT_TEXT = b"turnout: fingerprint of the key that hashes emails and phone numbers"
REKEY_FLAG = "--i-understand-people-will-split"


def fingerprint(secret: bytes) -> str:
    return hmac.new(secret, FINGERPRINT_TEXT, hashlib.sha256).hexdigest()


def holds_data(con: duckdb.DuckDBPyConnection) -> bool:
    return warehouse.scalar(con, "select exists (select 1 from imports)")


def recorded(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the database's key; None before its first writer with a key."""
    row = con.execute(
        "select fingerprint from key_fingerprints order by recorded_at desc, rowid desc limit 1"
    ).fetchone()
    return row[0] if row else None


def _record(con: duckdb.DuckDBPyConnection, secret: bytes, reason: str) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)  # stored in UTC, as imported_at
    con.execute(
        "insert into key_fingerprints select ?, ?, ?, max(import_id) from imports",
        [fingerprint(secret), now, reason],
    )


def _matches(con: duckdb.DuckDBPyConnection, secret: bytes) -> bool:
    stored = recorded(con)
    return stored is not None and hmac.compare_digest(stored, fingerprint(secret))


def _missing(con: duckdb.DuckDBPyConnection, db: Path) -> TurnoutError:
    if holds_data(con):
        return TurnoutError(
            code="key.missing", key=str(config.key_path(db)), database=str(db), flag=REKEY_FLAG
        )
    return TurnoutError(code="key.not_created", database=str(db))


def check(con: duckdb.DuckDBPyConnection, db: Path) -> bytes:
    """The database's key, refused unless it is the one the database was built with.

    A database without a fingerprint (new, or made before fingerprints were kept) records
    the key present.
    """
    if not config.key_path(db).exists():
        raise _missing(con, db)
    secret = config.read_secret(db)
    if recorded(con) is None:
        _record(con, secret, "existing_data" if holds_data(con) else "new_database")
    elif not _matches(con, secret):
        raise TurnoutError(
            code="key.different", key=str(config.key_path(db)), database=str(db), flag=REKEY_FLAG
        )
    return secret


def ready_for_init(db: Path) -> None:
    """Check the database's key; create it only for a database that holds no data."""
    with warehouse.writer(db) as con:
        if config.key_path(db).exists() or holds_data(con):
            check(con, db)
            return
        config.create_secret(db)
        con.execute("delete from key_fingerprints")  # a key lost before any import split nobody
        _record(con, config.read_secret(db), "new_database")


def rekey(db: Path, confirmed: bool) -> str:
    """Make the key file (a new one if there is none) the database's key, re-hashing nothing.

    'same' when it already is; otherwise, only when ``confirmed``, 'adopted' or 'created',
    and the split is recorded in the import history.
    """
    path = config.key_path(db)
    with warehouse.writer(db) as con:
        if path.exists():
            secret = config.read_secret(db)
            if recorded(con) is None:
                check(con, db)
                return "same"
            if _matches(con, secret):
                return "same"
        if not confirmed:
            raise TurnoutError(code="key.rekey_unconfirmed", key=str(path), flag=REKEY_FLAG)
        created = not path.exists()
        if created:
            config.create_secret(db)
        _record(con, config.read_secret(db), "rekey")
    return "created" if created else "adopted"


# each replacement of the key after an import: where `turnout rekey` split the people
REPLACEMENTS_SQL = """
    select strftime(recorded_at, '%Y-%m-%d %H:%M') as date, after_import from key_fingerprints
    where reason = 'rekey' and after_import is not null order by recorded_at
"""


def replacements(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Each replacement of the key after an import, as a message for the import history."""
    return [
        {"code": "key.replaced", "params": {"date": date, "after_import": after}}
        for date, after in con.execute(REPLACEMENTS_SQL).fetchall()
    ]
