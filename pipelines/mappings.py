"""Column mappings made in the browser: the same TOML as ``turnout import --mapping``.

A lead whose file is not recognised picks, for each field of a canonical table, the
column of the file that holds it. The mapping is saved next to the database
(``<database folder>/mappings/NAME.toml``) and offered again for any later file that has
the columns it names.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from pipelines import reader, sources
from pipelines.sources import mapped
from pipelines.targets import TARGETS

PREVIEW_ROWS = 10
PERSONAL = ("email", "phone")


@dataclass(frozen=True)
class Fields:
    required: tuple[str, ...]  # every one must be mapped
    one_of: tuple[str, ...]  # at least one must be mapped (a person's keys)
    optional: tuple[str, ...]


def fields(target: str) -> Fields:
    """What a mapping onto ``target`` must and may name."""
    allowed = mapped.allowed(target)
    required = tuple(mapped.REQUIRED.get(target, ()))
    if TARGETS[target].needs_event and "event_id" not in required:
        required += ("event_id",)  # the browser has no --event: the rows must name it
    one_of = (
        tuple(k for k in mapped.PERSON_INPUTS if k in allowed)
        if TARGETS[target].needs_person
        else ()
    )
    optional = tuple(c for c in allowed if c not in required and c not in one_of)
    return Fields(required, one_of, optional)


def head_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """The file's header and its first data rows (for the mapping screen's preview)."""
    _, text = reader.read_head_text(path)
    best: tuple[int, list[str], list[list[str]]] | None = None
    for delimiter in reader.DELIMITERS:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=False))
        for index, row in enumerate(rows[: reader.HEADER_SEARCH_ROWS]):
            width = len([c for c in row if c.strip()])
            if width >= 2 and (best is None or width > best[0]):
                best = (width, [c.strip() for c in row], rows[index + 1 :])
                break
    if best is None:
        return [], []
    _, header, following = best
    return header, [r for r in following if any(c.strip() for c in r)][:PREVIEW_ROWS]


def masked_preview(
    header: list[str], rows: list[list[str]], chosen: dict[str, str]
) -> list[dict[str, str]]:
    """The first rows as the mapping reads them, field by field; emails and phones are only
    said to be there, never shown."""
    where = {name: header.index(column) for name, column in chosen.items() if column in header}
    shown = []
    for row in rows:
        values = {}
        for name, index in where.items():
            value = row[index].strip() if index < len(row) else ""
            values[name] = ("✓" if value else "") if name in PERSONAL else value
        shown.append(values)
    return shown


def to_toml(target: str, chosen: dict[str, str], title: str) -> str:
    return tomli_w.dumps({"target": target, "title": title, "columns": dict(chosen)})


def folder(db: Path) -> Path:
    return db.parent / "mappings"


def save(db: Path, name: str, text: str) -> Path:
    """Save a mapping for next time; its name is made safe for a file name."""
    tomllib.loads(text)  # never save what cannot be read back
    stem = re.sub(r"[^\w\-]+", "-", name, flags=re.UNICODE).strip("-")[:60] or "mapping"
    path = folder(db) / f"{stem}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def saved_for(db: Path, header: list[str]) -> list[Path]:
    """Saved mappings whose columns are all in this header."""
    present = {h.strip().lower() for h in header}
    found = []
    for path in sorted(folder(db).glob("*.toml")):
        try:
            columns = tomllib.loads(path.read_text(encoding="utf-8")).get("columns", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        if columns and all(str(c).strip().lower() in present for c in columns.values()):
            found.append(path)
    return found


def missing_columns(source_name: str, header: list[str]) -> list[str]:
    """The columns a known format expects that this header lacks (its closest signature)."""
    source = sources.get(source_name)
    present = {sources.normalise_header(h) for h in header}
    best = max(
        source.signatures, key=lambda sig: len({sources.normalise_header(n) for n in sig} & present)
    )
    return [name for name in best if sources.normalise_header(name) not in present]
