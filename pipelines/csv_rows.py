"""Load a CSV export's rows into DuckDB as text, each numbered by the line it came from.

DuckDB's CSV reader reads the whole file, streaming, as the head's ``reader.Layout``
says; a file it cannot read as it is (another encoding, invalid bytes far down, mixed
line endings) is read again from a UTF-8 copy. The rows the reader sets aside become
rejects, one per row, and an unterminated quote refuses the whole file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines import textfile, warehouse
from pipelines.errors import ImportRefused
from pipelines.reader import Layout

EMPTY_MARKERS = ["", "--", "-", "N/A", "n/a"]


def load_csv(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    work: Path,
    table: str = "raw",
    select: str = "*",
) -> list[dict[str, Any]]:
    """Read the rows into ``raw`` (c001…cNNN as text, plus ``line``): a temp view over the
    read, or a temp table when the reader set rows aside (``as_table``, ``drop``).

    ``select``: the select list the rows are read with, over c001…cNNN; an import computes
    a person's keyed hashes there, so that no table ever holds them as written.

    Returns the reader's own rejects (rows with too many fields), one per row. Refuses
    the whole file on an unterminated quote. A file DuckDB cannot read as it is (another
    encoding, invalid bytes far down, mixed line endings) is read from a UTF-8 copy made
    in ``work``, the import's private folder.
    """
    encoding = layout.encoding
    copy = None
    if encoding not in ("utf-8", "utf-8-sig"):
        copy = textfile.utf8_copy(layout.path, encoding, work, layout.file_name)
    while True:
        try:
            problems = _read_rows(con, layout, copy or layout.path, table, select)
        except duckdb.Error as error:
            if copy is not None:
                raise _read_error(layout, error) from None
            if _is_encoding_error(error):  # invalid bytes that stop the reader outright
                encoding = textfile.single_byte_or_mixed(
                    layout.path, layout.file_name, _error_line(error)
                )
            elif "invalid state" not in str(error):
                raise _read_error(layout, error) from None
            # mixed line endings ("\r\n" then "\n") stop DuckDB's reader: read from a copy
            copy = textfile.utf8_copy(layout.path, encoding, work, layout.file_name)
            continue
        invalid = [line for line, kind in problems if kind == "INVALID ENCODING"]
        if copy is None and invalid:
            # the head was UTF-8 but a row further down is not: decide over the whole file
            encoding = textfile.single_byte_or_mixed(layout.path, layout.file_name, invalid[0])
            copy = textfile.utf8_copy(layout.path, encoding, work, layout.file_name)
            continue
        if (
            copy is None
            and layout.head_rows
            and not warehouse.scalar(con, f"select count(*) from {table}_read")
        ):
            # mixed line endings (a CRLF `sep=` line over LF rows) can make DuckDB find no
            # rows: read again from a copy with one kind of line ending
            copy = textfile.utf8_copy(layout.path, encoding, work, layout.file_name)
            continue
        break
    for line, kind in problems:
        if kind == "UNQUOTED VALUE":
            raise ImportRefused(layout.file_name, "file.unterminated_quote", line=int(line))
    skip = layout.header_line + layout.skip_rows
    _number_rows(con, table, skip + 1, [int(line) for line, _ in problems])
    return [_reader_reject(int(line), kind) for line, kind in problems]


def _read_rows(
    con: duckdb.DuckDBPyConnection, layout: Layout, path: Path, table: str, select: str
) -> list[tuple[int, str]]:
    """Read ``path`` into ``{table}_read``; the rows the reader set aside, one per line."""
    names = [f"c{i:03d}" for i in range(1, layout.width + 1)]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    skip = layout.header_line + layout.skip_rows
    con.execute("drop table if exists reader_rejects; drop table if exists reader_scans")
    sql_template = (
        f"create or replace temp table {table}_read as select {select} from read_csv(?, delim=?, "
        "quote='\"', escape='\"', header=false, skip=?, auto_detect=false, "
        f"columns={columns}, store_rejects=true, rejects_table='reader_rejects', "
        "rejects_scan='reader_scans', nullstr=? EXTRA)"
    )
    params = [str(path), layout.delimiter, skip, EMPTY_MARKERS]
    con.execute(sql_template.replace("EXTRA", ""), params)
    short_rows = warehouse.scalar(
        con, "select count(*) from reader_rejects where error_type = 'MISSING COLUMNS'"
    )
    if short_rows:
        # rows that stop early (trailing empty fields left out) are padded with empties;
        # DuckDB pads only in a single-threaded read, slower, so only when needed
        con.execute("drop table if exists reader_rejects; drop table if exists reader_scans")
        con.execute(sql_template.replace("EXTRA", ", null_padding=true, parallel=false"), params)
    # a row with two problems (two bad cells) is one rejected row, with its first problem
    problems = con.execute(
        "select line, arg_min(error_type, coalesce(column_idx, 0)) from reader_rejects "
        "group by line order by line"
    ).fetchall()
    con.execute("drop table if exists reader_rejects; drop table if exists reader_scans")
    return problems


def _is_encoding_error(error: Exception) -> bool:
    text = str(error).lower()  # not "utf" alone: the file's name may hold it
    return "invalid unicode" in text or "invalid encoding" in text


def _error_line(error: Exception) -> int | None:
    text = str(error)
    if "Line:" in text:
        try:
            return int(text.split("Line:", 1)[1].split()[0])
        except ValueError:
            return None
    return None


def _reader_reject(line: int, kind: str) -> dict[str, Any]:
    """A row DuckDB's reader could not take (its error type, e.g. TOO MANY COLUMNS)."""
    if kind == "TOO MANY COLUMNS":
        code, params = "row.too_many_fields", {}
    else:
        code, params = "row.unreadable", {"problem": kind.lower()}
    return {"line": line, "column": None, "code": code, "params": params}


def _number_rows(
    con: duckdb.DuckDBPyConnection, table: str, first_line: int, rejected_lines: list[int]
) -> None:
    """Give every row the line it came from; rows the reader dropped shift the count.

    Rowids follow the file's order (inside a transaction they start high). With no row
    dropped, ``table`` is a view that adds the line to ``{table}_read``: the rows are not
    copied again (``as_table`` makes it a table before it is updated, ``drop`` drops both).
    """
    if not rejected_lines:
        first_rowid = warehouse.scalar(con, f"select min(rowid) from {table}_read") or 0
        con.execute(
            f"create or replace temp view {table} as "
            f"select {first_line - first_rowid}::bigint + rowid as line, * from {table}_read"
        )
        return
    con.execute("create or replace temp table reader_gaps (at_index bigint)")
    # the j-th dropped line (0-based) falls before data row index L - first_line - j
    con.executemany(
        "insert into reader_gaps values (?)",
        [[line - first_line - j] for j, line in enumerate(rejected_lines)],
    )
    con.execute(
        f"""
        create or replace temp table {table} as
        with numbered as (
            select rowid - (select min(rowid) from {table}_read) as row_index, *
            from {table}_read
        )
        select
            ? + row_index
              + (select count(*) from reader_gaps g where g.at_index <= numbered.row_index)
              as line,
            numbered.* exclude (row_index)
        from numbered
    """,
        [first_line],
    )
    con.execute(f"drop table {table}_read; drop table reader_gaps")


def _is_view(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        warehouse.scalar(
            con,
            "select count(*) from duckdb_views() where temporary and view_name = ?",
            [table],
        )
    )


def as_table(con: duckdb.DuckDBPyConnection, table: str = "raw") -> None:
    """Make the rows a table of their own, if they are still a view over the read."""
    if _is_view(con, table):
        con.execute(f"create temp table {table}_numbered as select * from {table}")
        con.execute(f"drop view {table}; drop table {table}_read")
        con.execute(f"alter table {table}_numbered rename to {table}")


def drop(con: duckdb.DuckDBPyConnection, table: str = "raw") -> None:
    """Drop the rows, a table or a view over the read, if they are there."""
    if _is_view(con, table):
        con.execute(f"drop view {table}")
    con.execute(f"drop table if exists temp.{table}; drop table if exists temp.{table}_read")


def _read_error(layout: Layout, error: Exception) -> ImportRefused:
    text = str(error).lower()
    line = _error_line(error)
    if _is_encoding_error(error):
        return ImportRefused(layout.file_name, "file.bad_encoding", line=line)
    if "unterminated quote" in text:
        return ImportRefused(layout.file_name, "file.unterminated_quote", line=line)
    if "maximum line size" in text:
        return ImportRefused(layout.file_name, "file.line_too_long", line=line)
    return ImportRefused(
        layout.file_name, "file.bad_layout", line=line, delimiter=repr(layout.delimiter)
    )
