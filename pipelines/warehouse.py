"""Connections to the DuckDB file, schema migrations and lock retries.

DuckDB lets one process write a file, and no other process may open it meanwhile.
Writers hold the lock only for one import; readers open short read-only
connections. Both retry for a while when the file is busy.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import DatabaseBusy, TurnoutError

LOCK_WAIT_SECONDS = 30.0  # TURNOUT_LOCK_WAIT_SECONDS changes it (tests wait a few seconds)
# DuckDB's own memory for an import; beyond it, work spills to <database>.tmp/.
# The whole process (Python, libraries) then stays under about 2 GB.
WRITER_MEMORY_LIMIT = "1GB"


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("pipelines") / "sql" / "schema"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def one_row(con: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> tuple[Any, ...]:
    """The first row ``sql`` returns (an aggregate always returns one); LookupError if none."""
    row = con.execute(sql, parameters).fetchone()
    if row is None:
        raise LookupError(f"The query returned no row: {sql.strip()}")
    return row


def scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> Any:
    """The first value of the first row ``sql`` returns; LookupError when it returns none."""
    return one_row(con, sql, parameters)[0]


def digest_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns of ``table`` that hold digests as 128-bit numbers: record ids and row
    hashes (``turnout_digest``), people's keys (``turnout_key_number``). Where the number
    leaves DuckDB (Spark, Parquet), it is written as its 32 hex digits."""
    return {
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'main' and table_name = ? and data_type = 'UHUGEINT'",
            [table],
        ).fetchall()
    }


def digest_as_text(column: str) -> str:
    """SQL: a digest column as the 32 hex digits it is written as outside DuckDB."""
    return f"printf('%032x', {column})"


def digest_from_text(column: str) -> str:
    """SQL: 32 hex digits (``digest_as_text``) as the digest's number again."""
    return f"cast('0x' || {column} as uhugeint)"


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of a table of the warehouse, in their order."""
    return [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'main' and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
    ]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = scalar(
        con, "select count(*) from information_schema.tables where table_name = 'schema_version'"
    )
    if not exists:
        return 0
    return scalar(con, "select coalesce(max(version), 0) from schema_version")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the database, each in its own transaction."""
    con.execute(
        "create table if not exists schema_version (version integer primary key, "
        "applied_at timestamp not null default current_timestamp)"
    )
    current = schema_version(con)
    # a migration may check values for personal data, with the importer's own macros
    con.execute(
        (resources.files("pipelines") / "sql" / "staging" / "_privacy.sql").read_text(
            encoding="utf-8"
        )
    )
    for version, sql in _migrations():
        if version <= current:
            continue
        con.execute("begin transaction")
        try:
            con.execute(sql)
            con.execute("insert into schema_version (version) values (?)", [version])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        current = version
    return current


def latest_version() -> int:
    return max(version for version, _ in _migrations())


def spill_folder(path: Path) -> Path:
    """Where DuckDB spills what does not fit in memory: ``<database>.tmp/``."""
    return path.with_name(path.name + ".tmp")


def _private_spill(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A spill folder only this user can read, emptied of what a killed import left.

    Called once the file is open read-write: no other process can have it open then, so
    anything in the folder belongs to a process that died before DuckDB could remove it.
    """
    folder = spill_folder(path)
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)  # mkdir's mode is cut by the umask; this one is not
    con.execute("set temp_directory = ?", [str(folder)])


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not there, or DuckDB's files still in it


def _is_busy(error: Exception) -> bool:
    """Another process holds the file's lock, or this process has it open the other way."""
    text = str(error).lower()
    return "lock" in text or "different configuration" in text


def lock_wait() -> float:
    """How long to wait for a database another process holds, in seconds."""
    try:
        return float(os.environ.get("TURNOUT_LOCK_WAIT_SECONDS") or LOCK_WAIT_SECONDS)
    except ValueError:
        return LOCK_WAIT_SECONDS


def _open(path: Path, read_only: bool, wait: float | None) -> duckdb.DuckDBPyConnection:
    wait = lock_wait() if wait is None else wait
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            if not _is_busy(error):
                raise TurnoutError(f"Cannot open the database {path}: {error}") from None
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"The database {path} stayed busy for {wait:.0f} s (another import "
                    "is running?). Try again when it has finished."
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
            continue
        # DuckDB draws its own progress bar on standard output for any statement over 2 s:
        # over Turnout's progress, into a report's JSON, into the dashboard's log
        con.execute("set enable_progress_bar = false; set enable_progress_bar_print = false")
        return con


def _open_existing(path: Path, read_only: bool, wait: float | None) -> duckdb.DuckDBPyConnection:
    """A connection to a database that `turnout init` has created."""
    if not path.exists():
        raise TurnoutError(f"There is no database at {path}. Run `turnout init` first.")
    return _open(path, read_only, wait)


@contextmanager
def writer(path: Path, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection with the schema up to date; closed on exit."""
    con = _open_existing(path, read_only=False, wait=wait)
    try:
        _private_spill(con, path)
        limit = os.environ.get("TURNOUT_MEMORY_LIMIT") or WRITER_MEMORY_LIMIT
        try:
            con.execute("set memory_limit = ?", [limit])
        except duckdb.Error:
            raise TurnoutError(
                f"TURNOUT_MEMORY_LIMIT={limit!r} is not a memory size like '2GB' or '800MB'."
            ) from None
        migrate(con)
        yield con
    finally:
        con.close()
        _remove_if_empty(spill_folder(path))


@contextmanager
def reader(path: Path, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short read-only connection; waits while an import holds the file."""
    con = _open_existing(path, read_only=True, wait=wait)
    try:
        if schema_version(con) < latest_version():
            raise TurnoutError(
                f"The database {path} uses an older schema; run `turnout init` to upgrade it."
            )
        yield con
    finally:
        con.close()


def create(path: Path) -> int:
    """Create (or upgrade) the database file; returns the schema version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only=False, wait=None)
    try:
        _private_spill(con, path)
        return migrate(con)
    finally:
        con.close()
        _remove_if_empty(spill_folder(path))
