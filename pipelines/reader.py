"""Work out how an export file is written, then load it into DuckDB as text.

Only the head of a file (a few hundred kB) is read in Python, to find its
encoding, delimiter, header line and format. The rows themselves are read by
DuckDB's CSV reader, streaming, every value as text; typing happens in SQL.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import sources, textfile
from pipelines.errors import ImportRefused

HEAD_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 80
MAX_COLUMNS = 2000  # the widest export seen has about a hundred; beyond, DuckDB runs out of memory
DELIMITERS = (",", ";", "\t", "|")
EMPTY_MARKERS = ["", "--", "-", "N/A", "n/a"]
# the largest single JSON object read (an array's elements are read one by one); DuckDB
# keeps buffers of about twice this per thread, within the import's memory limit
JSON_MAX_OBJECT_BYTES = 128 * 1024 * 1024
JSON_MAX_DEPTH = 64  # exports nest a few levels; DuckDB's JSON reader stops at 128


@dataclass
class Layout:
    """What the head of a file told us."""

    path: Path  # the file as the person gave it (DuckDB may read a UTF-8 copy of it)
    file_name: str  # the name of the file as the person gave it
    encoding: str
    delimiter: str
    header_line: int  # physical line of the header in `path` (1-based)
    headers: list[str]
    width: int  # number of columns to read
    preamble: list[list[str]] = field(default_factory=list)
    skip_rows: int = 0  # description rows under the header
    head_rows: int = 0  # data rows seen in the head of the file

    @property
    def decimal_mark(self) -> str:
        return "," if self.delimiter == ";" else "."


def _refuse(path: Path, code: str, **params) -> ImportRefused:
    return ImportRefused(path.name, code, **params)


def read_head_text(path: Path, head: bytes | None = None) -> tuple[str, str]:
    """The head of a file as text, and its encoding; ``head``: bytes already read (a zip's
    member is read in memory)."""
    if head is None:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    encoding = textfile.sniff_encoding(path, head)
    text = head.decode("utf-16" if encoding.startswith("utf-16") and head[:2] in
                       (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else encoding,
                       errors="replace")
    text = text.lstrip("\ufeff")
    if len(head) == HEAD_BYTES and "\n" in text:
        text = text[: text.rfind("\n") + 1]  # drop a last line cut in half
    return encoding, text


def is_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(physical line where the record starts, fields) for the first records of the head."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            rows.append((start, record))
            start = reader.line_num + 1
            if len(rows) >= HEADER_SEARCH_ROWS + 40:
                break
    except csv.Error:
        pass
    return rows


def find_layout(path: Path, text: str, encoding: str, forced: sources.Source | None
                ) -> tuple[sources.Source, Layout]:
    """Find delimiter, header line and format from the head of a CSV file."""
    lines = text.splitlines()
    sep_line = 0
    declared = None
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) >= 5:
        declared = lines[0][4]
        sep_line = 1
    body = "\n".join(lines[sep_line:]) + "\n"
    delimiters = (declared,) if declared else DELIMITERS
    best: tuple | None = None  # (score, size, source, delimiter, index, rows)
    closest: tuple[float, sources.Source | None] = (0.0, None)
    for delimiter in delimiters:
        rows = _rows(body, delimiter)
        for index, (_, record) in enumerate(rows[:HEADER_SEARCH_ROWS]):
            if len([c for c in record if c.strip()]) < 2:
                continue
            if forced:
                normalised = {sources.normalise_header(h) for h in record if h}
                score, size = forced.match_score(normalised), forced.signature_size(normalised)
                found = forced if score >= 1.0 else None
                nearest = forced
            else:
                found, nearest, score = sources.detect(record)
                normalised = {sources.normalise_header(h) for h in record}
                size = found.signature_size(normalised) if found else 0
            if nearest and score > closest[0]:
                closest = (score, nearest)
            if found and (best is None or (score, size) > (best[0], best[1])):
                best = (score, size, found, delimiter, index, rows)
    if best is None:
        raise _unknown_format(path, closest, forced)
    _, _, source, delimiter, index, rows = best
    header_start, headers = rows[index]
    following = [r for _, r in rows[index + 1:]]
    skip_rows = 1 if source.description_row and following else 0
    width = max([len(headers)] + [len(r) for r in following[:40]])
    if width > MAX_COLUMNS:
        raise _refuse(path, "file.too_many_columns", columns=width, limit=MAX_COLUMNS)
    layout = Layout(
        path=path,
        file_name=path.name,
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_start + sep_line,
        headers=[h.strip() for h in headers],
        width=width,
        preamble=[r for _, r in rows[:index]],
        skip_rows=skip_rows,
        head_rows=sum(1 for r in following[skip_rows:] if any(c.strip() for c in r)),
    )
    return source, layout


def _unknown_format(path: Path, closest: tuple[float, sources.Source | None],
                    forced: sources.Source | None) -> ImportRefused:
    if forced:
        return _refuse(path, "file.not_this_format", format=forced.name,
                       columns=", ".join(forced.signatures[0]))
    known = ", ".join(sorted(sources.REGISTRY))
    share, nearest = closest
    if nearest is not None and share > 0:
        return _refuse(path, "file.unknown_format_closest", closest=nearest.name,
                       closest_title=nearest.title, share=share, known=known)
    return _refuse(path, "file.unknown_format", known=known)


def load_csv(con: duckdb.DuckDBPyConnection, layout: Layout, work: Path,
             table: str = "raw", select: str = "*") -> list[dict]:
    """Read the rows into temp table ``raw`` (c001…cNNN as text, plus ``line``).

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
                encoding = textfile.single_byte_or_mixed(layout.path, layout.file_name,
                                                         _error_line(error))
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
        if copy is None and layout.head_rows and \
                not con.execute(f"select count(*) from {table}_read").fetchone()[0]:
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


def _read_rows(con: duckdb.DuckDBPyConnection, layout: Layout, path: Path,
               table: str, select: str) -> list[tuple[int, str]]:
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
    short_rows = con.execute(
        "select count(*) from reader_rejects where error_type = 'MISSING COLUMNS'"
    ).fetchone()[0]
    if short_rows:
        # rows that stop early (trailing empty fields left out) are padded with empties;
        # DuckDB pads only in a single-threaded read, slower, so only when needed
        con.execute("drop table if exists reader_rejects; drop table if exists reader_scans")
        con.execute(sql_template.replace("EXTRA", ", null_padding=true, parallel=false"),
                    params)
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


def _reader_reject(line: int, kind: str) -> dict:
    """A row DuckDB's reader could not take (its error type, e.g. TOO MANY COLUMNS)."""
    if kind == "TOO MANY COLUMNS":
        code, params = "row.too_many_fields", {}
    else:
        code, params = "row.unreadable", {"problem": kind.lower()}
    return {"line": line, "column": None, "code": code, "params": params}


def _number_rows(con: duckdb.DuckDBPyConnection, table: str, first_line: int,
                 rejected_lines: list[int]) -> None:
    """Give every row the line it came from; rows the reader dropped shift the count."""
    con.execute("create or replace temp table reader_gaps (at_index bigint)")
    if rejected_lines:  # executemany needs at least one row
        # the j-th dropped line (0-based) falls before data row index L - first_line - j
        con.executemany(
            "insert into reader_gaps values (?)",
            [[line - first_line - j] for j, line in enumerate(rejected_lines)],
        )
    con.execute(f"""
        create or replace temp table {table} as
        with numbered as (
            -- rowids follow the file's order; inside a transaction they start high
            select rowid - (select min(rowid) from {table}_read) as row_index, *
            from {table}_read
        )
        select
            ? + row_index
              + (select count(*) from reader_gaps g where g.at_index <= numbered.row_index)
              as line,
            numbered.* exclude (row_index)
        from numbered
    """, [first_line])
    con.execute(f"drop table {table}_read; drop table reader_gaps")


def _read_error(layout: Layout, error: Exception) -> ImportRefused:
    text = str(error).lower()
    line = _error_line(error)
    if _is_encoding_error(error):
        return ImportRefused(layout.file_name, "file.bad_encoding", line=line)
    if "unterminated quote" in text:
        return ImportRefused(layout.file_name, "file.unterminated_quote", line=line)
    if "maximum line size" in text:
        return ImportRefused(layout.file_name, "file.line_too_long", line=line)
    return ImportRefused(layout.file_name, "file.bad_layout", line=line,
                         delimiter=repr(layout.delimiter))


# JSON ---------------------------------------------------------------------------

def json_paths(con: duckdb.DuckDBPyConnection, path: Path, head: str) -> set[str]:
    """Dotted key paths of the first JSON object (or of the first element of an array)."""
    _check_json_object_size(path, head)
    try:
        row = con.execute(
            "select json_structure(json) from read_json_objects(?, format='auto', "
            "maximum_object_size=?) limit 1",
            [str(path), JSON_MAX_OBJECT_BYTES],
        ).fetchone()
    except duckdb.Error as error:
        raise json_error(path.name, error) from None
    if row is None:
        raise ImportRefused(path.name, "file.empty")
    return _key_paths(path.name, row[0])


def json_paths_in_text(con: duckdb.DuckDBPyConnection, file_name: str, text: str
                       ) -> set[str] | None:
    """``json_paths`` of a file held in memory (``text``, its start at least); None when its
    first object does not end within ``text``."""
    body = text.lstrip()
    if body.startswith("["):  # an array: its first element, as DuckDB reads it
        body = body[1:].lstrip()
    try:
        first, _ = json.JSONDecoder().raw_decode(body)
    except RecursionError:
        raise ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH) from None
    except ValueError:
        return None
    try:
        row = con.execute("select json_structure(?::json)", [json.dumps(first)]).fetchone()
    except duckdb.Error as error:
        raise json_error(file_name, error) from None
    return _key_paths(file_name, row[0])


def _key_paths(file_name: str, structure_text: str) -> set[str]:
    found: set[str] = set()

    def walk(node: object, prefix: str, depth: int) -> None:
        if depth > JSON_MAX_DEPTH:
            raise ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH)
        if isinstance(node, dict):
            for key, value in node.items():
                dotted = f"{prefix}.{key}" if prefix else key
                found.add(dotted)
                walk(value, dotted, depth + 1)
        elif isinstance(node, list) and node:
            walk(node[0], prefix, depth + 1)

    try:
        structure = json.loads(structure_text)
    except RecursionError:
        raise ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH) from None
    walk(structure, "", 0)
    return found


def _check_json_object_size(path: Path, head: str) -> None:
    """Refuse a file that is one JSON object larger than DuckDB reads at once.

    An array's elements and a JSON-lines file's objects are read one by one; a single
    object is read whole. Its first object not ending within the head, in a file above the
    limit, is such an object.
    """
    if path.stat().st_size <= JSON_MAX_OBJECT_BYTES:
        return
    text = head.lstrip()
    if not text.startswith("{"):
        return
    try:
        json.JSONDecoder().raw_decode(text)
    except RecursionError:
        raise ImportRefused(path.name, "json.too_deep", depth=JSON_MAX_DEPTH) from None
    except ValueError:
        raise ImportRefused(path.name, "json.too_large",
                            limit=JSON_MAX_OBJECT_BYTES // (1024 * 1024)) from None


def json_error(file_name: str, error: Exception) -> ImportRefused:
    """What DuckDB's JSON reader found wrong, named (its own text may quote the data)."""
    text = str(error)
    if "duplicate key" in text:
        return ImportRefused(file_name, "json.duplicate_key")
    if "maximum recursion depth" in text:
        return ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH)
    if "maximum_object_size" in text:
        return ImportRefused(file_name, "json.too_large",
                             limit=JSON_MAX_OBJECT_BYTES // (1024 * 1024))
    return ImportRefused(file_name, "json.unparsable")
