"""Which files to import, in which order, in which format, and when they were exported."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines import reader, sources
from pipelines.errors import ImportRefused, TurnoutError
from pipelines.import_types import ImportOptions
from pipelines.sources import mapped


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def recognise(path: Path, options: ImportOptions) -> sources.Source:
    """The format of a file, from its head only (used to order a folder's files)."""
    with duckdb.connect() as con:
        source, _ = sniff(path, options, con)
    return source


def sniff(path: Path, options: ImportOptions, con: duckdb.DuckDBPyConnection):
    if not path.is_file():
        raise TurnoutError(code="file.missing", path=str(path))
    if options.mapping:
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
