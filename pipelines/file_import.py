"""One file is one transaction: read, type, key, stage, check, merge, record.

Either the whole file lands (its good rows loaded, duplicates recognised, bad rows
rejected with a reason), or nothing is written at all.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines import (
    csv_rows,
    excel_ids,
    file_context,
    identity,
    jsonfile,
    merge,
    privacy,
    reader,
    recognise,
    sources,
    staging,
    warehouse,
)
from pipelines.errors import ImportRefused, TurnoutError
from pipelines.import_types import ImportOptions, ImportResult, Progress
from pipelines.messages import row_where
from pipelines.targets import TARGETS

if TYPE_CHECKING:  # load imports this module: its Session is named for the checker only
    from pipelines.load import Session

MOST_REJECTED = 0.5  # above this share of rejected rows, the file was probably misread


def import_one(
    batch: Session,
    path: Path,
    options: ImportOptions,
    progress: Progress | None,
    work: Path,
    preview: bool = False,
) -> ImportResult:
    """Import one file in its own transaction; with ``preview``, inside the caller's
    transaction instead, which the caller rolls back (``Session.preview``)."""
    step: Progress = progress or (lambda _name: None)
    step("checking")
    if not path.is_file():
        raise TurnoutError(code="file.missing", path=str(path))
    try:
        before = os.stat(path)
        digest = recognise.sha256_file(path)
    except FileNotFoundError:
        raise ImportRefused(path.name, "file.vanished") from None
    con = batch.con
    seen = con.execute(
        "select import_id, source from imports where sha256 = ?", [digest]
    ).fetchone()
    if seen:
        return ImportResult(
            privacy.masked_file_name(path.name),
            "already imported",
            source=seen[1],
            import_id=seen[0],
            message=f"already imported (import #{seen[0]}); nothing changed",
        )
    # the file is read into temporary tables first: nothing of the database changes yet
    try:
        staging.install_macros(con)
        step("reading")
        read = _read(con, path, options, work, batch.secret, batch.settings.default_region)
    except TurnoutError:
        raise
    except Exception as error:
        _check_unchanged(path, before, digest)
        raise ImportRefused(path.name, "file.unreadable", error=type(error).__name__) from error
    if preview:
        try:
            result = _import(con, path, digest, options, batch.secret, step, read)
        except TurnoutError:
            raise
        except Exception as error:
            raise ImportRefused(
                path.name, "file.not_imported", error=type(error).__name__
            ) from error
        result.status = "preview"
        return result
    con.execute("begin transaction")
    try:
        result = _import(con, path, digest, options, batch.secret, step, read)
        con.execute(
            "insert into pending_refresh values (?, ?)",
            [result.import_id, result.rows_replaced > 0],
        )
        step("saving")
        _check_unchanged(path, before, digest)  # the rows stored are the bytes hashed
        con.execute("commit")
    except TurnoutError:
        con.execute("rollback")
        raise
    except Exception as error:  # never a traceback, never a partial write
        con.execute("rollback")
        _check_unchanged(path, before, digest)
        raise ImportRefused(path.name, "file.not_imported", error=type(error).__name__) from error
    finally:
        csv_rows.drop(con, "raw")
        for table in ("typed", "keyed", "stg", "merge_plan"):
            con.execute(f"drop table if exists temp.{table}")
        identity.use_secret(con, None)
    return result


def _check_unchanged(path: Path, before: os.stat_result, digest: str) -> None:
    """Refuse a file removed or rewritten while it was read: its hash would name other bytes."""
    try:
        now = os.stat(path)
        same = (now.st_ino, now.st_size, now.st_mtime_ns) == (
            before.st_ino,
            before.st_size,
            before.st_mtime_ns,
        ) and recognise.sha256_file(path) == digest
    except FileNotFoundError:
        raise ImportRefused(path.name, "file.vanished") from None
    if not same:
        raise ImportRefused(path.name, "file.changed")


@dataclass
class _Read:
    source: sources.Source
    layout: reader.Layout | None
    columns: list[staging.Column]
    reader_rejects: list[dict[str, object]]  # line, column, code, params (csv_rows.load_csv)
    decimal_mark: str
    delimiter: str


def _read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    options: ImportOptions,
    work: Path,
    secret: bytes,
    region: str,
) -> _Read:
    """Recognise the file and load its rows, as text, into temp table ``raw``; a person's
    keys and name are hashed as they are read (``staging.read_hashed``)."""
    source, layout = recognise.sniff(path, options, con)
    identity.use_secret(con, secret, region)
    try:
        if layout is None:
            # a JSON format's query names its columns after its fields
            declared = _json_columns(source, [f.name for f in source.fields], path.name)
            _load_json(con, path, source, staging.read_hashed(source, declared))
            found = [r[0] for r in con.execute("describe raw").fetchall() if r[0] != "line"]
            columns = _json_columns(source, found, path.name)
            return _Read(source, None, staging.hashed_read(source, columns), [], ".", ",")
        columns = staging.map_columns(source, layout.headers, path.name)
        reader_rejects = csv_rows.load_csv(
            con, layout, work, select=staging.read_hashed(source, columns)
        )
        return _Read(
            source,
            layout,
            staging.hashed_read(source, columns),
            reader_rejects,
            layout.decimal_mark,
            layout.delimiter,
        )
    finally:
        identity.use_secret(con, None)  # nothing after the read hashes: the secret goes


def _json_columns(source: sources.Source, names: list[str], file_name: str) -> list[staging.Column]:
    """A JSON format's columns are named after its fields, not c001, c002..."""
    columns = staging.map_columns(source, names, file_name)
    for column in columns:
        if column.raw:
            column.raw = '"' + column.label.replace('"', '""') + '"'
    return columns


def _import(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    digest: str,
    options: ImportOptions,
    secret: bytes,
    step: Progress,
    read: _Read,
) -> ImportResult:
    source, layout, columns = read.source, read.layout, read.columns
    import_id = warehouse.scalar(con, "select coalesce(max(import_id), 0) + 1 from imports")
    context = file_context.of_file(con, path, source, layout, options)
    file_name = privacy.masked_file_name(path.name)  # stored, shown and read by staging SQL
    con.execute(
        "create or replace temp table ctx as select ?::integer as import_id, ? as source, "
        "?::varchar as campaign, ?::varchar as event_id, ?::timestamp as exported_at, "
        "? as file_name",
        [
            import_id,
            source.name,
            context["campaign"],
            context["event_id"],
            context["exported_at"],
            file_name,
        ],
    )
    con.execute(
        "create or replace temp table import_rejects (line bigint, column_name varchar, "
        "reject_code varchar, reject_params json, n_rows bigint)"
    )
    if read.reader_rejects:
        con.executemany(
            "insert into import_rejects values (?, ?, ?, ?, 1)",
            [
                [
                    r["line"],
                    r["column"],
                    r["code"],
                    json.dumps(r["params"]) if r["params"] else None,
                ]
                for r in read.reader_rejects
            ],
        )
    decimal_mark, delimiter = read.decimal_mark, read.delimiter
    rows_read = warehouse.scalar(con, "select count(*) from raw") + warehouse.scalar(
        con, "select count(*) from import_rejects"
    )
    step("checking rows")
    day_first = staging.decide_day_first(con, columns, delimiter)
    excel_ids.recover_from_permalinks(con, columns)
    staging.build_typed(con, source, columns, decimal_mark, day_first)
    file_context.not_before_newest_post(con, context, options)
    csv_rows.drop(con, "raw")
    con.execute("""
        insert into import_rejects
        select line, reject_column, reject.code, reject.params, 1 from typed
        where reject is not null
    """)
    con.execute("delete from typed where reject is not null")
    con.execute("alter table typed drop column reject_column; alter table typed drop column reject")
    identity.attach_keys(con)
    step("staging")
    target = TARGETS[source.target]
    merge.stage(con, source, target)
    merge.reject_unmatched(con, target, columns)
    step("merging")
    within = merge.partitions(con, source, target)
    loaded, duplicates, replaced = merge.merge(con, target, secret, within)
    rejected = warehouse.scalar(con, "select coalesce(sum(n_rows), 0) from import_rejects")
    rejects = [
        {
            "line": line,
            "column": column,
            "reason": reason,
            "code": code,
            "params": json.loads(params) if params else {},
        }
        for line, column, reason, code, params in con.execute(
            "select line, column_name, turnout_reason(reject_code, reject_params), reject_code, "
            "reject_params from import_rejects order by line nulls first"
        ).fetchall()
    ]
    if rows_read and rejected / rows_read > MOST_REJECTED:
        lost = [r for r in rejects if r["code"] == "row.scientific_id"]
        if len(lost) / rows_read > MOST_REJECTED:  # Excel, not a misread format: say so
            raise ImportRefused(
                path.name,
                "rows.ids_lost_to_excel",
                rejected=len(lost),
                read=int(rows_read),
                value=lost[0]["params"].get("value"),
            )
        first = rejects[0]
        raise ImportRefused(
            path.name,
            "rows.mostly_rejected",
            rejected=int(rejected),
            read=int(rows_read),
            format=source.title,
            first_where=row_where(first["line"], first["column"]),
            first_reason={"code": first["code"], "params": first["params"]},
        )
    con.execute(
        "insert into imports (import_id, file_name, sha256, source, campaign, event_id, "
        "exported_at, imported_at, rows_read, rows_loaded, rows_duplicate, rows_rejected, "
        "is_export_time_unknown) "
        "values (?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp, ?, ?, ?, ?, ?)",
        [
            import_id,
            file_name,
            digest,
            source.name,
            context["campaign"],
            context["event_id"],
            context["exported_at"],
            rows_read,
            loaded,
            duplicates,
            rejected,
            context["exported_at_unknown"],
        ],
    )
    con.execute(
        "insert into rejects (import_id, line, column_name, reason, reject_code, "
        "reject_params) select ?, line, column_name, turnout_reason(reject_code, "
        "reject_params), reject_code, reject_params from import_rejects",
        [import_id],
    )
    return ImportResult(
        file_name,
        "imported",
        source=source.name,
        import_id=import_id,
        rows_read=rows_read,
        rows_loaded=loaded,
        rows_duplicate=duplicates,
        rows_rejected=rejected,
        rows_replaced=replaced,
        rejects=rejects,
        exported_at=context["exported_at"],
        exported_at_unknown=context["exported_at_unknown"],
    )


def _load_json(
    con: duckdb.DuckDBPyConnection, path: Path, source: sources.Source, select: str
) -> None:
    """One row per record in temp table ``raw``, in one statement: the document is never a
    table of its own, and ``select`` hashes a person's keys before any table holds them."""
    try:
        con.execute(
            "create or replace temp table raw as "
            "with raw_json as (select * from read_json(?, format='auto', "
            "maximum_object_size=?, sample_size=-1)) "
            f"select {select} from ({source.json_sql})",
            [str(path), jsonfile.JSON_MAX_OBJECT_BYTES],
        )
    except duckdb.Error as error:
        raise jsonfile.json_error(path.name, error) from None
