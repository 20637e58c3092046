"""Which files to import, in which order, in which format, and when they were exported."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path
from typing import cast

import duckdb

from pipelines import archives, jsonfile, reader, sources
from pipelines.errors import ImportRefused, TurnoutError
from pipelines.import_types import ImportOptions
from pipelines.sources import mapped


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def recognise(path: Path | archives.Member, options: ImportOptions) -> sources.Source:
    """The format of a file, from its head only (used to order a folder's files)."""
    with duckdb.connect() as con:
        source, _ = sniff(path, options, con)
    return source


class NotFromTheHead(Exception):
    """A zip's member whose format its head does not tell (one JSON object larger than
    Turnout reads in memory): recognised when it is imported."""


def sniff(
    path: Path | archives.Member, options: ImportOptions, con: duckdb.DuckDBPyConnection
) -> tuple[sources.Source, reader.Layout | None]:
    if not isinstance(path, archives.Member) and not path.is_file():
        raise TurnoutError(code="file.missing", path=str(path))
    forced: sources.Source | None
    if options.mapping:
        source = mapped.source_from_mapping(options.mapping)
        forced = source
    else:
        forced = sources.get(options.source) if options.source else None
    head = archives.head(path, reader.HEAD_BYTES) if isinstance(path, archives.Member) else None
    named = _as_path(path)
    encoding, text = reader.read_head_text(named, head)
    if reader.is_json(text) and (forced is None or forced.file_type == "json"):
        try:
            paths = (
                _member_json_paths(con, path, head)
                if isinstance(path, archives.Member) and head is not None
                else jsonfile.json_paths(con, named, text)
            )
        except ImportRefused as error:
            if error.code != "json.unparsable" or forced is not None:
                raise
            try:  # a CSV whose first cell starts with "[" or "{"
                return reader.find_layout(named, text, encoding, forced)
            except TurnoutError:
                first_line = text.lstrip().split("\n", 1)[0]
                if '":' in first_line:  # a JSON key: damaged JSON rather than a CSV
                    raise error from None
                raise
        candidates = (
            [forced]
            if forced
            else [s for s in sources.REGISTRY.values() if s.file_type == "json" and s.auto_detect]
        )
        best = max(candidates, key=lambda s: (s.match_score(paths), s.signature_size(paths)))
        if best.match_score(paths) < 1.0:
            if forced:
                raise ImportRefused(path.name, "json.not_this_format", format=forced.name)
            raise ImportRefused(
                path.name, "json.unknown_format", known=", ".join(sorted(sources.REGISTRY))
            )
        return best, None
    return reader.find_layout(named, text, encoding, forced)


def _as_path(path: Path | archives.Member) -> Path:
    """``path`` for the reader's functions, which are annotated for a Path: given a file's
    head, they read only its name, which a zip's member has too."""
    return cast(Path, path)


JSON_IN_MEMORY_BYTES = 32 * 1024 * 1024  # a zip's JSON member read whole to recognise it


def _member_json_paths(
    con: duckdb.DuckDBPyConnection, member: archives.Member, head: bytes
) -> set[str]:
    """The key paths of a zipped JSON file's first object, read in memory."""
    data = head
    if member.size > len(head):
        data = archives.head(member, JSON_IN_MEMORY_BYTES)
    _, text = reader.read_head_text(_as_path(member), data)
    paths = jsonfile.json_paths_in_text(con, member.name, text)
    if paths is not None:
        return paths
    if len(data) >= member.size:  # read whole, and still not JSON
        raise ImportRefused(member.name, "json.unparsable")
    raise NotFromTheHead(member.name)


_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
# Meta names its exports after their period in words: Oct-01-2025_Oct-31-2025_<page id>.csv
_NAME_WORD_DATE = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_ .]?"
    r"(0?[1-9]|[12]\d|3[01])[-_ ,.]+(20\d\d)(?!\d)",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def date_in_name(name: str) -> datetime | None:
    """The latest date written in a file name (exports name the period they cover).

    A copied file keeps its name but not its modification time, so a date in the
    name is the better witness of when an export was taken.
    """
    written = [(int(y), int(m), int(d)) for y, m, d in _NAME_DATE.findall(name)]
    written += [
        (int(y), _MONTHS.index(m.lower()) + 1, int(d)) for m, d, y in _NAME_WORD_DATE.findall(name)
    ]
    found = []
    for year, month, day in written:
        try:
            found.append(datetime(year, month, day))
        except ValueError:
            continue
    return max(found, default=None)


TARGET_ORDER = {"events": 0, "identities": 1}
IGNORED_SUFFIXES = {".md", ".toml", ".txt", ".py", ".ipynb", ".sql"}
IGNORED_FOLDERS = {"__MACOSX"}  # what macOS adds to a zip it makes: no export in it
Skipped = list[tuple[Path | archives.Member, str]]


def expand(
    paths: list[Path], options: ImportOptions
) -> tuple[list[Path | archives.Member], Skipped]:
    """Files to import, calendar first; and the files of a folder or a zip that were
    skipped, with why. A zip gives its members (``archives.Member``); one that cannot be
    unzipped stays as it is, and its import says why it is refused."""
    chosen: list[tuple[int, str, Path | archives.Member]] = []
    skipped: Skipped = []
    for path in paths:
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for child in found:
            if path.is_dir() and _ignored(child.relative_to(path).parts):
                continue
            if archives.is_archive(child):
                try:
                    members, left_out = contents(child, options)
                except TurnoutError:
                    chosen.append((2, str(child), child))
                    continue
                chosen += [(_order(source), str(member), member) for member, source in members]
                skipped += [(member, str(error)) for member, error in left_out]
            elif not path.is_dir():
                chosen.append((_order_of(child, options), str(child), child))
            else:
                try:
                    source = recognise(child, options)
                except TurnoutError as error:
                    skipped.append((child, str(error)))
                    continue
                chosen.append((_order(source), str(child), child))
    chosen.sort(key=lambda found: found[:2])
    return [p for _, _, p in chosen], skipped


def contents(
    path: Path, options: ImportOptions
) -> tuple[
    list[tuple[archives.Member, sources.Source | None]], list[tuple[archives.Member, TurnoutError]]
]:
    """A zip's members to import, each with its format (None: told when it is imported),
    and those skipped, each with why; ImportRefused when the zip is refused whole."""
    found: archives.Found = []
    unknown: list[tuple[archives.Member, sources.Source | None]] = []
    skipped: list[tuple[archives.Member, TurnoutError]] = []
    for member in archives.members(path):
        if _ignored(member.parts):
            continue
        try:
            found.append((member, recognise(member, options)))
        except NotFromTheHead:
            unknown.append((member, None))
        except TurnoutError as error:
            if error.code == "zip.damaged_member":  # refused, with why, when it is imported
                unknown.append((member, None))
            else:
                skipped.append((member, _in_a_line(member, error)))
    kept, same_visits = archives.one_report_per_period(found)
    return [*kept, *unknown], [*skipped, *same_visits]


def _in_a_line(member: archives.Member, error: TurnoutError) -> TurnoutError:
    """A zip holds reports no format reads (Plausible's countries, browsers…): each is
    said in a line, without the list of every known format."""
    if error.code == "file.unknown_format_closest":
        return ImportRefused(
            member.name,
            "zip.unknown_member",
            closest=error.params["closest"],
            share=error.params["share"],
        )
    if error.code in ("file.unknown_format", "json.unknown_format"):
        return ImportRefused(member.name, "zip.unknown_member_none")
    return error


def _ignored(parts: tuple[str, ...]) -> bool:
    """Hidden files, notes and mappings beside the exports, and macOS's zip folders."""
    return (
        any(part.startswith(".") or part in IGNORED_FOLDERS for part in parts)
        or Path(parts[-1]).suffix.lower() in IGNORED_SUFFIXES
    )


def _order(source: sources.Source | None) -> int:
    return TARGET_ORDER.get(source.target, 2) if source else 2


def _order_of(path: Path, options: ImportOptions) -> int:
    try:
        return _order(recognise(path, options))
    except TurnoutError:
        return 2
