"""Work out how an export file is written, from its head only.

Only the head of a file (a few hundred kB) is read in Python, to find its encoding,
whether it is JSON, and a CSV's delimiter, header line and format: its ``Layout``. The
rows themselves are read by DuckDB, streaming (``csv_rows`` for a CSV; ``jsonfile``
holds what a JSON file's reading needs), every value as text; typing happens in SQL.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import sources, textfile
from pipelines.errors import ImportRefused

HEAD_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 80
MAX_COLUMNS = 2000  # the widest export seen has about a hundred; beyond, DuckDB runs out of memory
DELIMITERS = (",", ";", "\t", "|")
Records = list[tuple[int, list[str]]]  # (physical line where a record starts, its fields)


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


def _refuse(path: Path, code: str, **params: Any) -> ImportRefused:
    return ImportRefused(path.name, code, **params)


def read_head_text(path: Path, head: bytes | None = None) -> tuple[str, str]:
    """The head of a file as text, and its encoding; ``head``: bytes already read (a zip's
    member is read in memory)."""
    if head is None:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    encoding = textfile.sniff_encoding(path, head)
    text = head.decode(
        "utf-16"
        if encoding.startswith("utf-16") and head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        else encoding,
        errors="replace",
    )
    text = text.lstrip("\ufeff")
    if len(head) == HEAD_BYTES and "\n" in text:
        text = text[: text.rfind("\n") + 1]  # drop a last line cut in half
    return encoding, text


def is_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _rows(text: str, delimiter: str) -> Records:
    """(physical line where the record starts, fields) for the first records of the head."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    rows: Records = []
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


def find_layout(
    path: Path, text: str, encoding: str, forced: sources.Source | None
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
    # (score, size, source, delimiter, index, rows) of the best header found so far
    best: tuple[float, int, sources.Source, str, int, Records] | None = None
    closest: tuple[float, sources.Source | None] = (0.0, None)
    found: sources.Source | None
    nearest: sources.Source | None
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
    following = [r for _, r in rows[index + 1 :]]
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


def _unknown_format(
    path: Path, closest: tuple[float, sources.Source | None], forced: sources.Source | None
) -> ImportRefused:
    if forced:
        return _refuse(
            path,
            "file.not_this_format",
            format=forced.name,
            columns=", ".join(forced.signatures[0]),
        )
    known = ", ".join(sorted(sources.REGISTRY))
    share, nearest = closest
    if nearest is not None and share > 0:
        return _refuse(
            path,
            "file.unknown_format_closest",
            closest=nearest.name,
            closest_title=nearest.title,
            share=share,
            known=known,
        )
    return _refuse(path, "file.unknown_format", known=known)
