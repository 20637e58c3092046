"""Zips of exports (Plausible's dashboard export is one): each export in it is imported on
its own, as if the zip had been unzipped into a folder.

A zip is read from its own index and refused whole, by name, when it is damaged, holds
more files or more bytes than any export zip (a zip bomb), or holds a file whose name
would point outside a folder (an absolute name, ``..``), a symbolic link, a
password-protected file or another zip. Nothing is ever unzipped next to the zip: one
member at a time is copied into the import's private workspace
(``textfile.private_workspace``: mode 0700, removed however the import ends), under a name
of Turnout's own making, so its hash is the hash of its bytes and the same zip imported
again is "already imported", member by member. Recognising a member reads its head in
memory only.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.errors import ImportRefused
from pipelines.sources import Source

MAX_MEMBERS = 1000  # Plausible's zip holds about twenty reports
MAX_TOTAL_BYTES = 2 * 1024**3  # unzipped, all members together
MAX_NAME_BYTES = 240  # a member is copied under its shown name: below the 255 of a file name
CHUNK_BYTES = 4 * 1024 * 1024
SEPARATOR = " › "
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a zip, an empty zip
# zips that are documents (xlsx, docx, ods): the reader says to save them as CSV
DOCUMENT_MARKERS = frozenset({"[Content_Types].xml", "mimetype"})
_FOLDER_SIGNS = ("/", "\\")


@dataclass(frozen=True)
class Member:
    """One file in a zip, named for people as ``export.zip › pages.csv``.

    Not a path: ``Session.import_file`` copies it into its workspace first.
    """

    archive: Path
    inner: str  # its name in the zip, folders included
    size: int  # unzipped bytes, as the zip's index declares them

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(p for p in self.inner.replace("\\", "/").split("/") if p)

    @property
    def name(self) -> str:
        return shown_name(self.archive.name, self.parts)

    @property
    def folder(self) -> tuple[str, ...]:
        """The folder inside the zip the member is in."""
        return self.parts[:-1]

    def __str__(self) -> str:
        return str(self.archive.parent / self.name)


def shown_name(archive_name: str, parts: tuple[str, ...]) -> str:
    """``export.zip › folder › pages.csv``; shortened (folders first) to fit a file name."""
    kept = list(parts)
    name = SEPARATOR.join([archive_name, *kept])
    while len(name.encode()) > MAX_NAME_BYTES and len(kept) > 1:
        kept.pop(0)
        name = SEPARATOR.join([archive_name, "…", *kept])
    while len(name.encode()) > MAX_NAME_BYTES:  # a very long zip name: keep the member's end
        name = "…" + name[2:]
    return name


def is_archive(path: Path) -> bool:
    """A zip of exports (by its name, or by its bytes unless it is an Office document)."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".zip":
        return True
    try:
        with open(path, "rb") as handle:
            if handle.read(4) not in ZIP_SIGNATURES:
                return False
        with zipfile.ZipFile(path) as archive:
            return not DOCUMENT_MARKERS & set(archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False  # a damaged workbook: the reader says what it is


def _refuse(path: Path, code: str, **params: Any) -> ImportRefused:
    return ImportRefused(path.name, code, **params)


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise _refuse(path, "file.vanished") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _refuse(path, "zip.damaged") from None


def _checked(path: Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's files, once the zip as a whole is known to be safe to unzip."""
    entries = archive.infolist()
    if len(entries) > MAX_MEMBERS:
        raise _refuse(path, "zip.too_many_members", count=len(entries), limit=MAX_MEMBERS)
    total = sum(entry.file_size for entry in entries)
    if total > MAX_TOTAL_BYTES:
        raise _refuse(
            path, "zip.too_large", size=-(-total // 1024**2), limit=MAX_TOTAL_BYTES // 1024**2
        )
    for entry in entries:
        member = SEPARATOR.join([path.name, entry.filename])
        if _points_outside(entry.filename):
            raise _refuse(path, "zip.unsafe_name", file=member)
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise _refuse(path, "zip.link", file=member)
        if entry.is_dir():
            continue
        if entry.flag_bits & 0x1:
            raise _refuse(path, "zip.encrypted", file=member)
        if entry.filename.lower().endswith(".zip"):
            raise _refuse(path, "zip.nested", file=member)
    return [entry for entry in entries if not entry.is_dir()]


def _points_outside(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(_FOLDER_SIGNS)
        or "\x00" in name
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
    )  # C:\…


def members(path: Path) -> list[Member]:
    """The files of a zip, in the zip's order; ImportRefused if the zip is refused whole."""
    with _open(path) as archive:
        return [Member(path, entry.filename, entry.file_size) for entry in _checked(path, archive)]


def head(member: Member, size: int) -> bytes:
    """The first ``size`` bytes of a member, unzipped in memory."""
    with _open(member.archive) as archive:
        entry = _entry(member, archive)
        try:
            with archive.open(entry) as handle:
                return handle.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise ImportRefused(member.name, "zip.damaged_member") from None


def read(member: Member) -> bytes:
    """A member's bytes, unzipped in memory (as many as the zip's index declares)."""
    return head(member, member.size)


def _entry(member: Member, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    # the zip may have been replaced since it was listed: checked again, member found again
    for entry in _checked(member.archive, archive):
        if entry.filename == member.inner:
            return entry
    raise ImportRefused(member.name, "file.vanished")


def copy_out(member: Member, folder: Path) -> Path:
    """The member as a file of its own in ``folder`` (an import's private workspace), named
    as it is shown and dated as the zip dates it (what unzipping would give)."""
    with _open(member.archive) as archive:
        entry = _entry(member, archive)
        target = Path(tempfile.mkdtemp(prefix="zip-", dir=folder)) / member.name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        written = 0
        try:
            with (
                archive.open(entry) as source,
                os.fdopen(os.open(target, flags, 0o600), "wb") as copy,
            ):
                while chunk := source.read(CHUNK_BYTES):
                    written += len(chunk)
                    if written > entry.file_size:  # more than the index declared
                        raise zipfile.BadZipFile
                    copy.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
            raise ImportRefused(member.name, "zip.damaged_member") from None
    try:
        stamp = time.mktime((*entry.date_time, 0, 0, -1))
        os.utime(target, (stamp, stamp))
    except (OverflowError, ValueError):
        pass  # a date no clock can hold: the copy keeps the time it was written
    return target


def on_disk(path: Path | Member, folder: Path) -> Path:
    """A file an import can read: a member copied into ``folder``; a zip is refused (its
    members are imported one by one: ``recognise.expand``); any other path as it is."""
    if isinstance(path, Member):
        return copy_out(path, folder)
    if is_archive(path):
        members(path)  # refused with the reason, when the zip cannot be unzipped
        raise _refuse(path, "zip.not_expanded")
    return path


Found = list[tuple[Member, Source]]


def one_report_per_period(found: Found) -> tuple[Found, list[tuple[Member, ImportRefused]]]:
    """Of a zip's reports that count the same visits, the one Turnout imports.

    Plausible's zip holds a report per dimension, and sources.csv, channels.csv and the
    utm_*.csv share a header: each counts the site's visits again. A format naming the
    reports it reads in a zip (``extra["zip_reports"]``, by preference) gets the first of
    them the zip (or a folder in it) holds; the others are skipped, with why.
    """
    kept: Found = []
    skipped: list[tuple[Member, ImportRefused]] = []
    groups: dict[tuple, Found] = {}
    for member, source in found:
        reports = source.extra.get("zip_reports")
        if not reports:
            kept.append((member, source))
        elif member.parts[-1].lower() not in reports:
            skipped.append(
                (
                    member,
                    ImportRefused(
                        member.name,
                        "zip.report_not_read",
                        format=source.name,
                        reports=", ".join(reports),
                    ),
                )
            )
        else:
            groups.setdefault((member.folder, reports), []).append((member, source))
    for (_, reports), same in groups.items():
        same.sort(key=lambda found: reports.index(found[0].parts[-1].lower()))
        kept.append(same[0])
        skipped += [
            (member, ImportRefused(member.name, "zip.same_visits", chosen=same[0][0].parts[-1]))
            for member, _ in same[1:]
        ]
    return kept, skipped
