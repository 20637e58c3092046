"""A DuckDB file for the dashboard, from marts Spark built (``turnout load-marts``).

The file is a new database: the exported canonical tables (the models and a few pages
read them), the people Spark linked and every mart as Spark wrote it, in the column types
DuckDB's own marts have (the marts that are views read them as on DuckDB); then the models
are refitted on it, as after an import.
It is for reading: sections keep importing into their own databases.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipelines import marts, models, warehouse
from pipelines.engines import handover
from pipelines.errors import TurnoutError

MARTS_MANIFEST = "turnout-marts.json"


def write_manifest(
    out: Path, input_folder: Path, built: list[str], views: list[str], key_fingerprint: str
) -> None:
    manifest = {
        "input": str(input_folder.resolve()),
        "marts": built,
        "views": views,
        "key_fingerprint": key_fingerprint,
    }
    (out / MARTS_MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def read_manifest(out: Path) -> dict:
    path = out / MARTS_MANIFEST
    if not path.is_file():
        raise TurnoutError(code="spark.not_marts", path=str(out))
    return json.loads(path.read_text(encoding="utf-8"))


def _replace_from_parquet(con: duckdb.DuckDBPyConnection, table: str, folder: Path) -> None:
    """The table's rows from Parquet, keeping the warehouse's own column types: record ids,
    row hashes and keys come as hex digits (``handover``) and become numbers again."""
    columns = warehouse.columns(con, table)
    digests = warehouse.digest_columns(con, table)
    read = [warehouse.digest_from_text(c) if c in digests else c for c in columns]
    files = str(folder / "*.parquet")
    con.execute(f"delete from {table}")
    con.execute(
        f"insert into {table} ({', '.join(columns)}) select {', '.join(read)} from read_parquet(?)",
        [files],
    )


def load(out: Path, db: Path, replace: bool = False) -> list[str]:
    """Build ``db`` from Spark's output folder ``out``; returns the marts loaded."""
    manifest = read_manifest(out)
    input_folder = Path(manifest["input"])
    exported = handover.read_manifest(input_folder)
    if exported["key_fingerprint"] != manifest["key_fingerprint"]:
        raise TurnoutError(code="spark.input_changed", input=str(input_folder), out=str(out))
    if db.exists():
        if not replace:
            raise TurnoutError(code="spark.database_exists", path=str(db))
        db.unlink()
        db.with_name(db.name + ".wal").unlink(missing_ok=True)
    warehouse.create(db)
    with warehouse.writer(db) as con:
        con.execute("begin transaction")
        marts.rebuild(con)  # on no rows yet: every mart with DuckDB's own column types
        for table in handover.CANONICAL_TABLES:
            _replace_from_parquet(con, table, input_folder / table)
        _replace_from_parquet(con, "person_keys", out / "person_keys")
        con.execute(
            "insert into people select person_id, count(*), null from person_keys "
            "group by person_id"
        )
        for name in manifest["marts"]:
            if name not in manifest["views"]:
                _replace_from_parquet(con, name, out / name)
        models.refresh(con)
        con.execute("commit")
    return manifest["marts"]
