"""The sample's files: CSV written through DuckDB's COPY with exact headers, preambles,
BOMs and encodings; text columns joined, and the ways people type an email or a phone
into a form."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

SECOND = np.timedelta64(1, "s")


def cat(*parts: object) -> np.ndarray:
    """Text columns joined element by element (numbers written as text)."""
    out = np.asarray(parts[0]).astype(str)
    for part in parts[1:]:
        out = np.char.add(out, np.asarray(part).astype(str))
    return out


class Writer:
    """Writes CSV files through DuckDB's COPY, with exact headers and encodings."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.con = duckdb.connect()
        self.files: list[Path] = []

    def csv(
        self,
        name: str,
        header: str,
        columns: Mapping[str, object],
        select: str | None = None,
        *,
        preamble: str = "",
        bom: bool = False,
        encoding: str = "utf-8",
        crlf: bool = False,
        quote_all: bool = False,
        mtime: np.datetime64 | None = None,
    ) -> Path:
        table = pa.table({k: np.asarray(v) for k, v in columns.items()})
        if select is None:
            select = ", ".join(
                f"nullif(\"{k}\", '')"
                if pa.types.is_string(table.schema.field(k).type)
                or pa.types.is_large_string(table.schema.field(k).type)
                else f'"{k}"'
                for k in columns
            )
        path, part = self.folder / name, self.folder / f".{name}.part"
        self.con.register("t", table)
        options = "header false" + (", force_quote *" if quote_all else "")
        self.con.execute(f"copy (select {select} from t) to '{part}' ({options})")
        self.con.unregister("t")
        with open(path, "wb") as out:
            head = preamble + header + "\n"
            if encoding == "utf-8" and not crlf:
                out.write(("\ufeff" if bom else "").encode() + head.encode())
                with open(part, "rb") as body:
                    shutil.copyfileobj(body, out, 1 << 22)
            else:  # small hand-typed files only: re-encode in memory
                text = head + part.read_text("utf-8")
                out.write(text.replace("\n", "\r\n" if crlf else "\n").encode(encoding))
        part.unlink()
        if mtime is not None:  # the export date, for importers that fall back on it
            stamp = int(mtime.astype("datetime64[s]").astype(np.int64))
            os.utime(path, (stamp, stamp))
        self.files.append(path)
        return path


def email_variants(rng: np.random.Generator, email: np.ndarray, messy: float) -> np.ndarray:
    """Emails as people type them: some capitalised, some all caps, some with spaces."""
    roll = rng.random(len(email))
    out = np.where(roll < messy * 0.5, np.char.capitalize(email), email)
    out = np.where((roll >= messy * 0.5) & (roll < messy * 0.75), np.char.upper(email), out)
    spaced = (roll >= messy * 0.75) & (roll < messy)
    return np.where(spaced & (email != ""), cat(" ", email, " "), out)


def phone_variants(rng: np.random.Generator, area: np.ndarray, line: np.ndarray) -> np.ndarray:
    """514-555-0123, (514) 555 0123, +1 514 555 0123, 514.555.0123."""
    forms = [
        cat(area, "-555-", line),
        cat("(", area, ") 555 ", line),
        cat("+1 ", area, " 555 ", line),
        cat(area, ".555.", line),
    ]
    out = np.choose(rng.integers(4, size=len(area)), forms)
    return np.where(area != "", out, "")


def when(values: npt.ArrayLike) -> np.ndarray:
    return np.asarray(values).astype("datetime64[s]")
