"""Parquet as the hand-over between DuckDB files and Spark.

``export`` writes the canonical tables of one or many DuckDB files into one folder, one
Parquet file per table and database, with a manifest (``turnout-export.json``) naming the
key fingerprint and the pyramid rules. Files made with different hashing keys are refused:
the same email would be two people. Import ids are renumbered so that pooled files never
share one. Record ids and row hashes, 128-bit numbers in DuckDB, are written as their 32 hex
digits, which Spark reads as text. People are not exported: Spark links them again from the
pooled records.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipelines import config, keys, pyramid, sources, warehouse
from pipelines.errors import TurnoutError

CANONICAL_TABLES = ("imports", "rejects", *sources.TARGETS)
PYRAMID_TABLES = ("pyramid_tiers", "pyramid_rules", "pyramid_settings")
# what identifies a row of each table: unique in one database, and must stay so pooled
ROW_KEYS = {
    "events": "event_id",
    "registrations": "record_id",
    "checkins": "record_id",
    "signatures": "record_id",
    "email_activity": "record_id",
    "identities": "record_id",
    "post_snapshots": "post_id, exported_at",
    "facebook_event_snapshots": "event_id, snapshot_at",
    "petition_snapshots": "petition_id, snapshot_at",
}
MANIFEST = "turnout-export.json"


def key_fingerprint(secret: bytes) -> str:
    """A keyed hash of a constant: equal for equal keys, and says nothing of the key. The
    same fingerprint each database keeps of its key (``pipelines.keys``)."""
    return keys.fingerprint(secret)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise TurnoutError(code="export.not_an_export", path=str(folder))
    return json.loads(path.read_text(encoding="utf-8"))


def _check_same_key(databases: list[Path]) -> str:
    fingerprints = {db: key_fingerprint(config.read_secret(db)) for db in databases}
    first = databases[0]
    for db, fingerprint in fingerprints.items():
        if fingerprint != fingerprints[first]:
            raise TurnoutError(code="export.different_keys", database=str(db), first=str(first))
    return fingerprints[first]


def _check_same_rules(databases: list[Path]) -> dict:
    rules = [pyramid.load_rules(pyramid.rules_path(db)) for db in databases]
    for db, own in zip(databases, rules, strict=True):
        if own != rules[0]:
            raise TurnoutError(
                code="export.different_pyramids", database=str(db), first=str(databases[0])
            )
    return rules[0]


def _prepare(folder: Path) -> None:
    """An earlier export in ``folder`` is replaced: its manifest goes first."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # an export cut short is not an export


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, params: list) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    con.sql(query, params=params).write_parquet(str(target))


def export(databases: list[Path], folder: Path) -> dict:
    """Write the canonical tables of ``databases`` to ``folder``; returns the manifest."""
    if not databases:
        raise TurnoutError(code="export.no_database")
    for db in databases:
        if not db.is_file():
            raise TurnoutError(code="file.missing", path=str(db))
    fingerprint = _check_same_key(databases)
    rules = _check_same_rules(databases)
    if folder.exists() and any(folder.iterdir()) and not (folder / MANIFEST).is_file():
        raise TurnoutError(code="export.folder_not_empty", path=str(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    # written beside the folder first: a refused export leaves an earlier one as it was
    incoming = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        rows = _write_tables(databases, incoming)
        if len(databases) > 1:
            _check_pooled_rows_unique(incoming)
        _write_pyramid(incoming, rules)
        _prepare(folder)
        for table in CANONICAL_TABLES + PYRAMID_TABLES:
            shutil.rmtree(folder / table, ignore_errors=True)
            (incoming / table).rename(folder / table)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    manifest = {
        "key_fingerprint": fingerprint,
        "databases": len(databases),
        "rows": rows,
        "pyramid": rules,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def _write_tables(databases: list[Path], folder: Path) -> dict[str, int]:
    offset, rows = 0, dict.fromkeys(CANONICAL_TABLES, 0)
    for number, db in enumerate(databases):
        with warehouse.reader(db) as con:
            for table in CANONICAL_TABLES:
                columns = warehouse.columns(con, table)
                digests = warehouse.digest_columns(con, table)
                # pooled files count their imports from 1: shift each file past the last;
                # Spark has no 128-bit integer: record ids, row hashes and keys go as hex digits
                select = ", ".join(
                    f"{c} + ? as {c}"
                    if c == "import_id"
                    else f"{warehouse.digest_as_text(c)} as {c}"
                    if c in digests
                    else c
                    for c in columns
                )
                params = [offset] if "import_id" in columns else []
                _copy(
                    con,
                    f"select {select} from {table}",
                    folder / table / f"part-{number:04d}.parquet",
                    params,
                )
                rows[table] += warehouse.scalar(con, f"select count(*) from {table}")
            offset += warehouse.scalar(con, "select coalesce(max(import_id), 0) from imports")
    return rows


def _check_pooled_rows_unique(folder: Path) -> None:
    """The same row in two databases (a file imported by two sections) would count twice."""
    with duckdb.connect() as con:
        for table, key in ROW_KEYS.items():
            files = str(folder / table / "*.parquet")
            repeated = warehouse.scalar(
                con,
                f"select count(*) from (select {key} from "
                "read_parquet(?) group by all having count(*) > 1)",
                [files],
            )
            if repeated:
                raise TurnoutError(code="export.same_rows", count=repeated, table=table)


def _write_pyramid(folder: Path, rules: dict) -> None:
    con = duckdb.connect()
    try:
        pyramid.install_rules(con, rules)
        for table in PYRAMID_TABLES:
            _copy(con, f"select * from {table}", folder / table / "part-0000.parquet", [])
    finally:
        con.close()
