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
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import sources
from pipelines.errors import ImportRefused

HEAD_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 80
DELIMITERS = (",", ";", "\t", "|")
EMPTY_MARKERS = ["", "--", "-", "N/A", "n/a"]
# the largest single JSON object read (an array's elements are read one by one); DuckDB
# keeps buffers of about twice this per thread, within the import's memory limit
JSON_MAX_OBJECT_BYTES = 128 * 1024 * 1024


@dataclass
class Layout:
    """What the head of a file told us."""

    path: Path  # the file DuckDB reads: the original, or a UTF-8 copy
    file_name: str  # the name of the file as the person gave it
    encoding: str
    delimiter: str
    header_line: int  # physical line of the header in `path` (1-based)
    headers: list[str]
    width: int  # number of columns to read
    preamble: list[list[str]] = field(default_factory=list)
    skip_rows: int = 0  # description rows under the header
    head_rows: int = 0  # data rows seen in the head of the file
    temp_copy: bool = False

    @property
    def decimal_mark(self) -> str:
        return "," if self.delimiter == ";" else "."


def _refuse(path: Path, code: str, **params) -> ImportRefused:
    return ImportRefused(path.name, code, **params)


def sniff_encoding(path: Path, head: bytes) -> str:
    if not head.strip(b"\xef\xbb\xbf\xff\xfe \r\n\t"):
        raise _refuse(path, "file.empty")
    if head.startswith(b"PK\x03\x04"):
        raise _refuse(path, "file.workbook")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # UTF-16 without a BOM: every other byte of ASCII text is NUL
    if head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"
    if head[0::2].count(0) > len(head) // 4:
        return "utf-16-be"
    if b"\x00" in head or _control_ratio(head) > 0.05:
        raise _refuse(path, "file.binary")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut in half at the end
            return "cp1252"
    return "utf-8"


def _control_ratio(data: bytes) -> float:
    controls = sum(1 for b in data[:4096] if b < 32 and b not in (9, 10, 13))
    return controls / max(1, min(len(data), 4096))


def transcode_to_utf8(path: Path, encoding: str) -> Path:
    """Stream a file into a UTF-8 copy, in large chunks (no per-row work)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    fd, name = tempfile.mkstemp(prefix="turnout-", suffix=".csv")
    # newline=None on the way in would split quoted fields; line endings are made uniform
    # on the way out by writing "\n" for every "\r\n"
    with open(path, "rb") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
        first = True
        carry = ""  # a "\r" at the end of a chunk may be half of a "\r\n"
        while chunk := src.read(4 * 1024 * 1024):
            text = carry + decoder.decode(chunk)
            if first:
                text = text.lstrip("\ufeff")
                first = False
            carry = "\r" if text.endswith("\r") else ""
            dst.write(text[: len(text) - len(carry)].replace("\r\n", "\n"))
        dst.write((carry + decoder.decode(b"", final=True)).replace("\r\n", "\n"))
    return Path(name)


def read_head_text(path: Path) -> tuple[str, str]:
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    encoding = sniff_encoding(path, head)
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


def load_csv(con: duckdb.DuckDBPyConnection, layout: Layout, table: str = "raw") -> list[dict]:
    """Read the rows into temp table ``raw`` (c001…cNNN as text, plus ``line``).

    Returns the reader's own rejects (rows with too many fields) as dicts.
    Refuses the whole file on an unterminated quote.
    """
    if layout.encoding not in ("utf-8", "utf-8-sig"):
        layout.path = transcode_to_utf8(layout.path, layout.encoding)
        layout.temp_copy = True
    names = [f"c{i:03d}" for i in range(1, layout.width + 1)]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    skip = layout.header_line + layout.skip_rows
    con.execute("drop table if exists reader_rejects; drop table if exists reader_scans")
    sql_template = (
        f"create or replace temp table {table}_read as select * from read_csv(?, delim=?, "
        "quote='\"', escape='\"', header=false, skip=?, auto_detect=false, "
        f"columns={columns}, store_rejects=true, rejects_table='reader_rejects', "
        "rejects_scan='reader_scans', nullstr=? EXTRA)"
    )
    params = [str(layout.path), layout.delimiter, skip, EMPTY_MARKERS]
    try:
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
    except duckdb.Error as error:
        raise _read_error(layout, error) from None
    if layout.head_rows and not con.execute(f"select count(*) from {table}_read").fetchone()[0] \
            and not layout.temp_copy:
        # mixed line endings (a CRLF `sep=` line over LF rows) can make DuckDB find no rows:
        # read again from a copy with one kind of line ending
        layout.path = transcode_to_utf8(layout.path, "utf-8-sig")
        layout.temp_copy = True
        return load_csv(con, layout, table)
    problems = con.execute(
        "select line, error_type, column_idx from reader_rejects order by line"
    ).fetchall()
    con.execute("drop table if exists reader_rejects; drop table if exists reader_scans")
    for line, kind, _ in problems:
        if kind == "UNQUOTED VALUE":
            raise ImportRefused(layout.file_name, "file.unterminated_quote", line=int(line))
    rejected_lines = sorted(int(line) for line, _, _ in problems)
    first_line = skip + 1
    _number_rows(con, table, first_line, rejected_lines)
    return [_reader_reject(int(line), kind) for line, kind, _ in problems]


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
    text = str(error)
    line = None
    if "Line:" in text:
        try:
            line = int(text.split("Line:", 1)[1].split()[0])
        except ValueError:
            line = None
    if "unicode" in text.lower() or "utf" in text.lower():
        return ImportRefused(layout.file_name, "file.bad_encoding", line=line)
    if "quote" in text.lower():
        return ImportRefused(layout.file_name, "file.unterminated_quote", line=line)
    return ImportRefused(layout.file_name, "file.bad_layout", line=line,
                         delimiter=repr(layout.delimiter))


# JSON ---------------------------------------------------------------------------

def json_paths(con: duckdb.DuckDBPyConnection, path: Path) -> set[str]:
    """Dotted key paths of the first JSON object (or of the first element of an array)."""
    try:
        row = con.execute(
            "select json_structure(json) from read_json_objects(?, format='auto', "
            "maximum_object_size=?) limit 1",
            [str(path), JSON_MAX_OBJECT_BYTES],
        ).fetchone()
    except duckdb.Error:
        raise ImportRefused(path.name, "json.unparsable") from None
    if row is None:
        raise ImportRefused(path.name, "file.empty")
    found: set[str] = set()

    def walk(node: object, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                dotted = f"{prefix}.{key}" if prefix else key
                found.add(dotted)
                walk(value, dotted)
        elif isinstance(node, list) and node:
            walk(node[0], prefix)

    walk(json.loads(row[0]), "")
    return found
