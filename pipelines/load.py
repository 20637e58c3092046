"""One file is one transaction: read, type, key, stage, check, merge, record.

Either the whole file lands (its good rows loaded, duplicates recognised, bad
rows rejected with a reason), or nothing is written at all. A batch of files
(``session``) then refreshes the figures once: people, marts, models.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines import (
    config,
    excel_ids,
    identity,
    keys,
    marts,
    models,
    privacy,
    reader,
    sources,
    staging,
    textfile,
    undo,
    warehouse,
)
from pipelines.errors import ImportRefused, TurnoutError
from pipelines.messages import row_where
from pipelines.targets import PERSON_KEYS, TARGETS, Target

MOST_REJECTED = 0.5  # above this share of rejected rows, the file was probably misread
Progress = Callable[[str], None]


@dataclass
class ImportOptions:
    source: str | None = None
    event_id: str | None = None
    campaign: str | None = None
    exported_at: datetime | None = None
    mapping: Path | None = None


@dataclass
class ImportResult:
    file_name: str
    status: str  # imported | already imported | refused | skipped | preview (nothing written)
    source: str | None = None
    import_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0  # loaded rows that replaced an older version of their record
    exported_at: datetime | None = None
    # nothing in the file or its name dated the export: the file's modification time stands
    exported_at_unknown: bool = False
    # each rejected row: line, column, reason (English), code and params (pipelines/messages.py)
    rejects: list[dict] = field(default_factory=list)
    message: str = ""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def recognise(path: Path, options: ImportOptions) -> sources.Source:
    """The format of a file, from its head only (used to order a folder's files)."""
    with duckdb.connect() as con:
        source, _ = _sniff(path, options, con)
    return source


def _sniff(path: Path, options: ImportOptions, con: duckdb.DuckDBPyConnection):
    if not path.is_file():
        raise TurnoutError(code="file.missing", path=str(path))
    if options.mapping:
        from pipelines.sources import mapped

        source = mapped.source_from_mapping(options.mapping)
        forced = source
    else:
        forced = sources.get(options.source) if options.source else None
    encoding, text = reader.read_head_text(path)
    if reader.is_json(text) and (forced is None or forced.file_type == "json"):
        try:
            paths = reader.json_paths(con, path, text)
        except ImportRefused as error:
            if error.code != "json.unparsable" or forced is not None:
                raise
            try:  # a CSV whose first cell starts with "[" or "{"
                return reader.find_layout(path, text, encoding, forced)
            except TurnoutError:
                first_line = text.lstrip().split("\n", 1)[0]
                if '":' in first_line:  # a JSON key: damaged JSON rather than a CSV
                    raise error from None
                raise
        candidates = [forced] if forced else [
            s for s in sources.REGISTRY.values() if s.file_type == "json" and s.auto_detect]
        best = max(candidates, key=lambda s: (s.match_score(paths), s.signature_size(paths)))
        if best.match_score(paths) < 1.0:
            if forced:
                raise ImportRefused(path.name, "json.not_this_format", format=forced.name)
            raise ImportRefused(path.name, "json.unknown_format",
                                known=", ".join(sorted(sources.REGISTRY)))
        return best, None
    return reader.find_layout(path, text, encoding, forced)


# One import at a time per process: the dashboard serves each browser session in a thread,
# and two write transactions on one DuckDB file would conflict.
_one_import_at_a_time = threading.Lock()


class Session:
    """A batch of imports on one writer connection.

    Each file is its own transaction: it lands whole (and is listed in
    ``pending_refresh``) or not at all. The figures built from every file (people links,
    marts, models) are refreshed once, in their own transaction, when the batch ends.
    """

    def __init__(self, db: Path, con: duckdb.DuckDBPyConnection):
        self.db = db
        self.con = con
        # the key the database was built with, or nothing is imported nor refreshed
        self.secret = keys.check(con, db)
        self.settings = config.load_settings(db)

    def import_file(self, path: Path, options: ImportOptions | None = None,
                    progress: Progress | None = None) -> ImportResult:
        """Import one file in one transaction; raise ImportRefused (nothing written) if it
        can't."""
        with textfile.private_workspace(self.db) as work:
            return _import_file(self, path, options or ImportOptions(), progress, work)

    def preview(self, files: list[tuple[Path, ImportOptions]],
                progress: Progress | None = None) -> list[ImportResult | TurnoutError]:
        """What importing the files in this order would do, file by file (rows loaded,
        duplicate, rejected and why), or why a file would be refused. Each file is tried
        after the files before it (a calendar, then the sign-in sheet that needs it), in
        one transaction that is rolled back: nothing is written."""
        found: list[ImportResult | TurnoutError] = []
        # a Python function registered inside a transaction goes with its rollback
        identity.register_functions(self.con)
        for index, (path, options) in enumerate(files):
            self.con.execute("begin transaction")
            try:
                with textfile.private_workspace(self.db) as work:
                    for (before, its_options), outcome in zip(files[:index], found,
                                                              strict=True):
                        if isinstance(outcome, ImportResult):
                            _import_file(self, before, its_options, None, work, preview=True)
                    found.append(_import_file(self, path, options, progress, work,
                                              preview=True))
            except TurnoutError as error:
                found.append(error)
            finally:
                self.con.execute("rollback")
                identity.use_secret(self.con, None)
        return found

    def refresh(self, progress: Progress | None = None) -> bool:
        """Bring the figures up to date with every pending import; False if none was."""
        return refresh(self.con, progress)


@contextmanager
def session(db: Path, progress: Progress | None = None,
            refresh_figures: bool = True) -> Iterator[Session]:
    """Import files with ``session.import_file``; the figures are refreshed on the way out
    (unless ``refresh_figures`` is False: a batch of previews writes nothing).

    If the batch is cut short (an exception, a kill), the files already imported stay,
    and the next session (or ``turnout init``) refreshes the figures.
    """
    with _one_import_at_a_time, warehouse.writer(db) as con:
        con.execute("set TimeZone = 'UTC'")
        batch = Session(db, con)
        yield batch
        if refresh_figures:
            batch.refresh(progress)


def undo_import(db: Path, import_id: int, progress: Progress | None = None) -> undo.Undone:
    """Remove one import's rows, restore what it replaced, and refresh the figures."""
    with session(db, progress) as batch:
        return undo.undo(batch.con, import_id)


def import_file(db: Path, path: Path, options: ImportOptions | None = None,
                progress: Progress | None = None) -> ImportResult:
    """Import one file, then refresh the figures: a batch of one."""
    with session(db, progress) as batch:
        return batch.import_file(path, options, progress)


def refresh(con: duckdb.DuckDBPyConnection, progress: Progress | None = None) -> bool:
    """Relink people, rebuild the marts and refit the models for the pending imports.

    One transaction: if it fails, the imports stay pending and the error says so.
    """
    pending = con.execute(
        "select import_id, replaced_records from pending_refresh order by import_id").fetchall()
    if not pending:
        return False
    step = progress or (lambda _name: None)
    con.execute("begin transaction")
    try:
        step("linking people")
        # imports that replaced no record removed no key or link: relink only their people
        replaced = any(replaced for _, replaced in pending)
        identity.resolve_people(
            con, added_by=None if replaced else [import_id for import_id, _ in pending])
        step("rebuilding marts")
        marts.rebuild(con)
        models.refresh(con)  # forecast and follow-up list, refitted on the new data
        con.execute("delete from pending_refresh")
        con.execute("commit")
    except Exception as error:
        con.execute("rollback")
        raise TurnoutError(code="figures.not_refreshed", error=type(error).__name__) \
            from error
    return True


def _import_file(batch: Session, path: Path, options: ImportOptions,
                 progress: Progress | None, work: Path, preview: bool = False
                 ) -> ImportResult:
    """Import one file in its own transaction; with ``preview``, inside the caller's
    transaction instead, which the caller rolls back (``Session.preview``)."""
    step = progress or (lambda _name: None)
    step("checking")
    if not path.is_file():
        raise TurnoutError(code="file.missing", path=str(path))
    try:
        before = os.stat(path)
        digest = sha256_file(path)
    except FileNotFoundError:
        raise ImportRefused(path.name, "file.vanished") from None
    con = batch.con
    seen = con.execute(
        "select import_id, source from imports where sha256 = ?", [digest]
    ).fetchone()
    if seen:
        return ImportResult(privacy.masked_file_name(path.name), "already imported",
                            source=seen[1], import_id=seen[0],
                            message=f"already imported (import #{seen[0]}); nothing changed")
    # the file is read into temporary tables first: nothing of the database changes yet
    try:
        staging.install_macros(con)
        step("reading")
        read = _read(con, path, options, work)
    except TurnoutError:
        raise
    except Exception as error:
        _check_unchanged(path, before, digest)
        raise ImportRefused(path.name, "file.unreadable", error=type(error).__name__) \
            from error
    if preview:
        try:
            result = _import(con, path, digest, options, batch.secret, batch.settings, step,
                             read)
        except TurnoutError:
            raise
        except Exception as error:
            raise ImportRefused(path.name, "file.not_imported",
                                error=type(error).__name__) from error
        result.status = "preview"
        return result
    con.execute("begin transaction")
    try:
        result = _import(con, path, digest, options, batch.secret, batch.settings, step, read)
        con.execute("insert into pending_refresh values (?, ?)",
                    [result.import_id, result.rows_replaced > 0])
        step("saving")
        _check_unchanged(path, before, digest)  # the rows stored are the bytes hashed
        con.execute("commit")
    except TurnoutError:
        con.execute("rollback")
        raise
    except Exception as error:  # never a traceback, never a partial write
        con.execute("rollback")
        _check_unchanged(path, before, digest)
        raise ImportRefused(path.name, "file.not_imported",
                            error=type(error).__name__) from error
    finally:
        for table in ("raw", "typed", "keyed", "stg", "staged", "merge_plan"):
            con.execute(f"drop table if exists temp.{table}")
        identity.use_secret(con, None)
    return result


def _check_unchanged(path: Path, before: os.stat_result, digest: str) -> None:
    """Refuse a file removed or rewritten while it was read: its hash would name other bytes."""
    try:
        now = os.stat(path)
        same = (now.st_ino, now.st_size, now.st_mtime_ns) == \
            (before.st_ino, before.st_size, before.st_mtime_ns) and sha256_file(path) == digest
    except FileNotFoundError:
        raise ImportRefused(path.name, "file.vanished") from None
    if not same:
        raise ImportRefused(path.name, "file.changed")


@dataclass
class _Read:
    source: sources.Source
    layout: reader.Layout | None
    columns: list
    reader_rejects: list[dict]
    decimal_mark: str
    delimiter: str


def _read(con, path: Path, options: ImportOptions, work: Path) -> _Read:
    """Recognise the file and load its rows, as text, into temp table ``raw``."""
    source, layout = _sniff(path, options, con)
    if layout is None:
        _load_json(con, path, source)
        raw_columns = [r[0] for r in con.execute("describe raw").fetchall() if r[0] != "line"]
        columns = staging.map_columns(source, raw_columns, path.name)
        for column in columns:
            if column.raw:  # JSON columns are named after the fields, not c001, c002...
                column.raw = '"' + column.label.replace('"', '""') + '"'
        return _Read(source, None, columns, [], ".", ",")
    reader_rejects = reader.load_csv(con, layout, work)
    columns = staging.map_columns(source, layout.headers, path.name)
    return _Read(source, layout, columns, reader_rejects, layout.decimal_mark, layout.delimiter)


def _import(con, path, digest, options, secret, settings, step, read: _Read) -> ImportResult:
    source, layout, columns = read.source, read.layout, read.columns
    import_id = con.execute("select coalesce(max(import_id), 0) + 1 from imports").fetchone()[0]
    context = _context(con, path, source, layout, options)
    file_name = privacy.masked_file_name(path.name)  # stored, shown and read by staging SQL
    con.execute(
        "create or replace temp table ctx as select ?::integer as import_id, ? as source, "
        "?::varchar as campaign, ?::varchar as event_id, ?::timestamp as exported_at, "
        "? as file_name",
        [import_id, source.name, context["campaign"], context["event_id"],
         context["exported_at"], file_name],
    )
    con.execute("create or replace temp table import_rejects (line bigint, column_name varchar, "
                "reject_code varchar, reject_params json, n_rows bigint)")
    if read.reader_rejects:
        con.executemany("insert into import_rejects values (?, ?, ?, ?, 1)", [
            [r["line"], r["column"], r["code"], json.dumps(r["params"]) if r["params"] else None]
            for r in read.reader_rejects])
    decimal_mark, delimiter = read.decimal_mark, read.delimiter
    rows_read = con.execute("select count(*) from raw").fetchone()[0] + \
        con.execute("select count(*) from import_rejects").fetchone()[0]
    step("checking rows")
    day_first = staging.decide_day_first(con, columns, delimiter)
    excel_ids.recover_from_permalinks(con, columns)
    identity.use_secret(con, secret)  # keys are hashed as the rows are typed
    staging.build_typed(con, source, columns, decimal_mark, day_first)
    _not_before_newest_post(con, context, options)
    con.execute("drop table raw")
    con.execute("""
        insert into import_rejects
        select line, reject_column, reject.code, reject.params, 1 from typed
        where reject is not null
    """)
    con.execute("delete from typed where reject is not null")
    con.execute("alter table typed drop column reject_column; "
                "alter table typed drop column reject")
    step("hashing keys")
    # a person's name (sign-in sheets, petitions) only tells anonymous rows apart: hashed
    names = tuple(c.field.name for c in columns
                  if c.field.name == "name" and TARGETS[source.target].person_level)
    identity.attach_keys(con, secret, settings.default_region, hashed_text=names)
    step("staging")
    target = TARGETS[source.target]
    _stage(con, source, target)
    _reject_unmatched(con, target, columns)
    step("merging")
    loaded, duplicates, replaced = _merge(con, target, secret)
    rejected = con.execute("select coalesce(sum(n_rows), 0) from import_rejects").fetchone()[0]
    rejects = [
        {"line": line, "column": column, "reason": reason, "code": code,
         "params": json.loads(params) if params else {}}
        for line, column, reason, code, params in con.execute(
            "select line, column_name, turnout_reason(reject_code, reject_params), reject_code, "
            "reject_params from import_rejects order by line nulls first"
        ).fetchall()
    ]
    if rows_read and rejected / rows_read > MOST_REJECTED:
        lost = [r for r in rejects if r["code"] == "row.scientific_id"]
        if len(lost) / rows_read > MOST_REJECTED:  # Excel, not a misread format: say so
            raise ImportRefused(path.name, "rows.ids_lost_to_excel", rejected=len(lost),
                                read=int(rows_read), value=lost[0]["params"].get("value"))
        first = rejects[0]
        raise ImportRefused(
            path.name, "rows.mostly_rejected", rejected=int(rejected), read=int(rows_read),
            format=source.title, first_where=row_where(first["line"], first["column"]),
            first_reason={"code": first["code"], "params": first["params"]},
        )
    con.execute(
        "insert into imports values "
        "(?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp, ?, ?, ?, ?)",
        [import_id, file_name, digest, source.name, context["campaign"], context["event_id"],
         context["exported_at"], rows_read, loaded, duplicates, rejected],
    )
    con.execute("insert into rejects (import_id, line, column_name, reason, reject_code, "
                "reject_params) select ?, line, column_name, turnout_reason(reject_code, "
                "reject_params), reject_code, reject_params from import_rejects", [import_id])
    return ImportResult(file_name, "imported", source=source.name, import_id=import_id,
                        rows_read=rows_read, rows_loaded=loaded, rows_duplicate=duplicates,
                        rows_rejected=rejected, rows_replaced=replaced, rejects=rejects,
                        exported_at=context["exported_at"],
                        exported_at_unknown=context["exported_at_unknown"])


def _context(con, path: Path, source: sources.Source, layout, options: ImportOptions) -> dict:
    found = source.preamble(layout.preamble) if (layout and source.preamble) else {}
    exported_at = options.exported_at or found.get("exported_at") or date_in_name(path.name)
    unknown = exported_at is None
    if unknown:  # a copied file keeps no trace of its export: the import says so
        exported_at = datetime.fromtimestamp(os.path.getmtime(path)).replace(microsecond=0)
    event_id = options.event_id
    if source.per_event and not event_id:
        event_id = _event_from_platform_ids(con, path, source, found)
    if event_id is not None:
        known = con.execute("select count(*) from events where event_id = ?",
                            [event_id]).fetchone()[0]
        if not known:
            raise ImportRefused(path.name, "event.unknown", event_id=event_id)
    return {"campaign": privacy.masked(options.campaign), "event_id": event_id,
            "exported_at": exported_at, "exported_at_unknown": unknown}


def _not_before_newest_post(con, context: dict, options: ImportOptions) -> None:
    """An export cannot predate the newest post it contains (a period's end is a midnight);
    a snapshot time on every row (a petition's ``updated_at``) dates the file itself."""
    typed_columns = {r[0] for r in con.execute("describe typed").fetchall()}
    if "updated_at" in typed_columns and context["exported_at_unknown"]:
        context["exported_at_unknown"] = con.execute(
            "select count(*) = 0 or bool_or(updated_at is null) from typed").fetchone()[0]
    if options.exported_at or "published_at" not in typed_columns:
        return
    newest = con.execute("select max(published_at) from typed").fetchone()[0]
    if newest is not None and newest > context["exported_at"]:
        context["exported_at"] = newest
        con.execute("update ctx set exported_at = ?", [newest])


_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
# Meta names its exports after their period in words: Oct-01-2025_Oct-31-2025_<page id>.csv
_NAME_WORD_DATE = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_ .]?"
    r"(0?[1-9]|[12]\d|3[01])[-_ ,.]+(20\d\d)(?!\d)", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def date_in_name(name: str) -> datetime | None:
    """The latest date written in a file name (exports name the period they cover).

    A copied file keeps its name but not its modification time, so a date in the
    name is the better witness of when an export was taken.
    """
    written = [(int(y), int(m), int(d)) for y, m, d in _NAME_DATE.findall(name)]
    written += [(int(y), _MONTHS.index(m.lower()) + 1, int(d))
                for m, d, y in _NAME_WORD_DATE.findall(name)]
    found = []
    for year, month, day in written:
        try:
            found.append(datetime(year, month, day))
        except ValueError:
            continue
    return max(found, default=None)


def _event_from_platform_ids(con, path: Path, source: sources.Source, found: dict) -> str:
    column = source.extra.get("calendar_column")
    platform_id = found.get("platform_event_id")
    if column and platform_id:
        row = con.execute(f"select event_id from events where {column} = ?",
                          [platform_id]).fetchone()
        if row:
            return row[0]
    if column:  # a platform id in the file name, as platforms name their reports
        rows = con.execute(
            f"select event_id, {column} from events where {column} is not null"
        ).fetchall()
        for event_id, platform in rows:
            if platform and platform in path.name:
                return event_id
    if column:
        raise ImportRefused(path.name, "event.not_said_calendar", format=source.title,
                            calendar_column=column)
    raise ImportRefused(path.name, "event.not_said", format=source.title)


def _load_json(con, path: Path, source: sources.Source) -> None:
    try:
        con.execute(
            "create or replace temp table raw_json as select * from read_json(?, "
            "format='auto', maximum_object_size=?, sample_size=-1)",
            [str(path), reader.JSON_MAX_OBJECT_BYTES],
        )
    except duckdb.Error as error:
        raise reader.json_error(path.name, error) from None
    con.execute(f"create or replace temp table raw as {source.json_sql}")
    con.execute("drop table raw_json")


def _stage(con, source: sources.Source, target: Target) -> None:
    try:
        sql = source.extra.get("staging_sql") or staging.sql_text("staging", source.staging_sql)
    except FileNotFoundError:
        sql = _default_staging(con, source, target)
    con.execute(f"create or replace temp table stg as {sql}")
    con.execute("drop table keyed")
    present = {r[0] for r in con.execute("describe stg").fetchall()}
    if "n_rows" not in present:
        con.execute("alter table stg add column n_rows bigint default 1")
    for column in target.columns:
        if column not in present:
            con.execute(f"alter table stg add column {column} varchar")


def _default_staging(con, source: sources.Source, target: Target) -> str:
    """A format whose fields are the target's columns needs no stg_ file: its fields, its
    constants and the import's context (columns it lacks are left empty)."""
    present = {r[0] for r in con.execute("describe keyed").fetchall()}
    extra = [f"{staging.quote_literal(str(value))} as {name}"
             for name, value in source.constants.items()]
    extra += [f"ctx.{name}" for name in ("source", "exported_at", "campaign")
              if name not in present and name not in source.constants
              and (name != "campaign" or name in target.columns)]
    return f"select keyed.*, {', '.join(extra)} from keyed, ctx"


def _reject_unmatched(con, target: Target, columns) -> None:
    """Rows that the canonical table cannot take: unknown events, nobody to match."""
    present = {r[0] for r in con.execute("describe stg").fetchall()}
    if "reject_code" in present:  # a staging query may reject rows itself, with a message
        con.execute("""
            insert into import_rejects select line, null, reject_code, reject_params, n_rows
            from stg where reject_code is not null
        """)
        con.execute("delete from stg where reject_code is not null; "
                    "alter table stg drop column reject_code; "
                    "alter table stg drop column reject_params")
    if target.needs_event:
        label = next((c.label for c in columns if c.field.name == "event_id" and c.raw), None)
        con.execute("""
            insert into import_rejects
            select line, ?, r.code, r.params, n_rows
            from (select *, case when event_id is null then {'code': 'row.no_event',
                                                            'params': cast(null as json)}
                                 else turnout_reject_quoting(
                                     'row.unknown_event', 'row.unknown_event_personal',
                                     'event_id', event_id, null) end as r
                  from stg)
            where event_id is null or event_id not in (select event_id from events)
        """, [label])
        con.execute("delete from stg where event_id is null "
                    "or event_id not in (select event_id from events)")
    if target.needs_person:
        missing = " and ".join(f"{k} is null" for k in PERSON_KEYS if k in target.columns)
        con.execute(f"""
            insert into import_rejects
            select line, null, 'row.no_person_key', null, n_rows
            from stg where {missing}
        """)
        con.execute(f"delete from stg where {missing}")


def _hash_expr(columns: tuple[str, ...], alias: str) -> str:
    parts = ", ".join(f"coalesce(cast({alias}.{c} as varchar), '\u2205')" for c in columns)
    return f"md5(concat_ws('|', {parts}))"


def _merge(con, target: Target, secret: bytes) -> tuple[int, int, int]:
    """Insert new rows, replace changed ones; return (loaded, duplicate, replaced) counts."""
    if target.person_level:
        key_select = "md5(? || ctx.source || ':' || stg.record_ref) as record_id"
        params = [secret.decode()]
    else:
        key_select = ", ".join(f"stg.{k}" for k in target.key if k not in target.columns)
        params = []
    select_key = f"{key_select}, " if key_select else ""
    con.execute(f"""
        create or replace temp table staged as
        select {select_key}stg.line, stg.n_rows,
               {', '.join(f'stg.{c}' for c in target.columns)},
               {_hash_expr(target.compared, 'stg')} as row_hash
        from stg, ctx
    """, params)
    key_match = " and ".join(f"existing.{k} = s.{k}" for k in target.key)
    existing_hash = ("existing.row_hash" if target.person_level
                     else _hash_expr(target.compared, "existing"))
    stale = "existing.exported_at > s.exported_at" if target.person_level else "false"
    con.execute(f"""
        create or replace temp table merge_plan as
        with ranked as (
            select *, row_number() over (partition by {', '.join(target.key)} order by line)
                      as occurrence
            from staged
        )
        select s.*,
               case
                   when s.occurrence > 1 then 'repeated'
                   when existing.{target.key[0]} is null then 'new'
                   when {existing_hash} = s.row_hash then 'same'
                   when {stale} then 'stale'
                   else 'changed'
               end as verdict
        from ranked as s
        left join {target.table} as existing on {key_match} and s.occurrence = 1
    """)
    con.execute(f"""
        insert into {target.table}_replaced by name
        select existing.*, ctx.import_id as replaced_by
        from {target.table} as existing, merge_plan as s, ctx
        where {key_match} and s.verdict = 'changed'
    """)  # kept so that this import can be undone (pipelines/undo.py)
    con.execute(f"""
        delete from {target.table} as existing using merge_plan as s
        where {key_match} and s.verdict = 'changed'
    """)
    extra = ", record_id, row_hash" if target.person_level else ""
    con.execute(f"""
        insert into {target.table} by name
        select {', '.join('merge_plan.' + c for c in target.columns)}{extra}, ctx.import_id
        from merge_plan, ctx
        where verdict in ('new', 'changed')
    """)
    loaded, duplicates, replaced = con.execute("""
        select coalesce(sum(n_rows) filter (where verdict in ('new', 'changed')), 0),
               coalesce(sum(n_rows) filter (where verdict in ('same', 'stale', 'repeated')), 0),
               count(*) filter (where verdict = 'changed')
        from merge_plan
    """).fetchone()
    con.execute("drop table staged; drop table merge_plan; drop table stg")
    return int(loaded), int(duplicates), int(replaced)


# folders ---------------------------------------------------------------------------

TARGET_ORDER = {"events": 0, "identities": 1}
IGNORED_SUFFIXES = {".md", ".toml", ".txt", ".py", ".ipynb", ".sql"}


def expand(paths: list[Path], options: ImportOptions) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to import, calendar first; and the files of a folder that were skipped, with why."""
    chosen: list[tuple[int, str, Path]] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith(".") or child.suffix.lower() in IGNORED_SUFFIXES:
                    continue
                try:
                    source = recognise(child, options)
                except TurnoutError as error:
                    skipped.append((child, str(error)))
                    continue
                chosen.append((TARGET_ORDER.get(source.target, 2), str(child), child))
        else:
            chosen.append((_order_of(path, options), str(path), path))
    chosen.sort()
    return [p for _, _, p in chosen], skipped


def _order_of(path: Path, options: ImportOptions) -> int:
    try:
        return TARGET_ORDER.get(recognise(path, options).target, 2)
    except TurnoutError:
        return 2
