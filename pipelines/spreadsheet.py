"""CSV files that spreadsheets open correctly, and never run as formulas.

Every CSV Turnout writes (the report, the follow-up list, the attendance lists, the
dashboard's downloads) goes through this module. Two dialects:

- ``fr`` (the default): ``;`` between cells and a decimal comma, as French-language Excel
  and LibreOffice expect;
- ``en``: ``,`` between cells and a decimal point.

Both start with a UTF-8 byte-order mark, which tells Excel the accents are UTF-8.
A text cell starting with = + - @ (or a tab or carriage return) is read as a formula by
Excel, LibreOffice and Google Sheets; a leading apostrophe keeps it as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    decimal: str


DIALECTS = {"fr": Dialect("fr", ";", ","), "en": Dialect("en", ",", ".")}
DEFAULT_DIALECT = "fr"


def dialect(name: str | None) -> Dialect:
    """The dialect called ``name`` (``fr`` or ``en``); ValueError for any other."""
    found = DIALECTS.get((name or DEFAULT_DIALECT).lower())
    if found is None:
        raise ValueError(f"CSV dialect {name!r}: choose one of {', '.join(DIALECTS)}")
    return found


def safe_cell(value: object) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: object, form: Dialect) -> str:
    """One value as the dialect writes it: numbers with its decimal mark, text made safe,
    unknown (None, NaN) left empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", form.decimal)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(value)


def write_rows(
    handle: TextIO, columns: Sequence[str], rows: Iterable[Sequence], form: Dialect
) -> int:
    """Write a header and the rows to an open text handle; returns the number of rows."""
    handle.write(BOM)
    writer = csv.writer(handle, delimiter=form.delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([cell(v, form) for v in row])
        count += 1
    return count


def write_file(path: Path, columns: Sequence[str], rows: Iterable[Sequence], form: Dialect) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        return write_rows(handle, columns, rows, form)


def to_bytes(columns: Sequence[str], rows: Iterable[Sequence], form: Dialect) -> bytes:
    sink = io.StringIO(newline="")
    write_rows(sink, columns, rows, form)
    return sink.getvalue().encode("utf-8")


def frame_bytes(frame: pd.DataFrame, form: Dialect) -> bytes:
    """A pandas DataFrame as a CSV download in the dialect."""
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    return to_bytes([str(c) for c in frame.columns], rows, form)


def arrow_bytes(batches: Iterable[pa.RecordBatch], headers: Sequence[str], form: Dialect) -> bytes:
    """An Arrow record-batch stream as CSV, batch by batch (the follow-up list can be long):
    decimals in the dialect's form, text cells made safe as ``safe_cell`` does."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    sink = io.BytesIO()
    sink.write(BOM.encode())
    writer = None
    for batch in batches:
        columns = []
        for column in batch.columns:
            if pa.types.is_floating(column.type):
                column = pc.replace_substring(pc.cast(column, pa.string()), ".", form.decimal)
            elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                formula = pc.match_substring_regex(column, r"^[=+\-@\t\r]")
                column = pc.if_else(formula, pc.binary_join_element_wise("'", column, ""), column)
            columns.append(column)
        safe = pa.RecordBatch.from_arrays(columns, names=list(headers))
        if writer is None:
            writer = pa_csv.CSVWriter(
                sink,
                safe.schema,
                write_options=pa_csv.WriteOptions(delimiter=form.delimiter, quoting_style="needed"),
            )
        writer.write_batch(safe)
    if writer is None:
        sink.write(form.delimiter.join(headers).encode() + b"\r\n")
    else:
        writer.close()
    return sink.getvalue()
