"""How the bytes of an export become UTF-8 text that DuckDB reads.

The encoding is guessed from the head of the file and confirmed over the whole of it:
a Windows-1252 file whose first accent is far down is still read as Windows-1252, and a
file mixing UTF-8 and Windows-1252 is refused as a whole. Copies re-encoded to UTF-8 hold
names and emails in clear, so they are written only in a private folder next to the
database and removed on every path out of the import.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import NoReturn

from pipelines.errors import ImportRefused

CHUNK_BYTES = 4 * 1024 * 1024
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
UTF32_BOMS = {codecs.BOM_UTF32_LE: "utf-32", codecs.BOM_UTF32_BE: "utf-32"}


# a capital then a no-break space ("CAFÉ :" in French typography) in Windows-1252 is also a
# UTF-8 character (U+xx20 below U+0800): those are not taken as a sign of UTF-8
_CHANCE = "".join(chr(((lead & 0x1F) << 6) | 0x20) for lead in range(0xC2, 0xE0))
_UTF8_ONLY = re.compile("[^\x00-\x7f" + re.escape(_CHANCE) + "]")


def holds_utf8(data: bytes) -> bool:
    """Whether ``data`` holds a multi-byte UTF-8 character, which Windows-1252 text almost
    never forms by chance (decoded and searched in C: no per-byte loop)."""
    if data.isascii():
        return False
    return _UTF8_ONLY.search(data.decode("utf-8", errors="ignore")) is not None


def _refuse(path: Path, code: str) -> ImportRefused:
    return ImportRefused(path.name, code)


def sniff_encoding(path: Path, head: bytes) -> str:
    """The encoding the head of a file is written in (confirmed later over the whole file)."""
    if not head.strip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t"):
        raise _refuse(path, "file.empty")
    if head.startswith(b"PK\x03\x04"):
        raise _refuse(path, "file.workbook")
    if head.startswith(OLE2_SIGNATURE):
        raise _refuse(path, "file.old_workbook")
    for bom, encoding in UTF32_BOMS.items():  # before UTF-16: FF FE also starts UTF-32 LE
        if head.startswith(bom):
            return encoding
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # UTF-32 and UTF-16 without a BOM: ASCII text leaves NUL bytes at fixed places
    quarter = max(1, len(head) // 4)
    if all(head[i::4].count(0) > quarter * 0.9 for i in (1, 2, 3)):
        return "utf-32-le"
    if all(head[i::4].count(0) > quarter * 0.9 for i in (0, 1, 2)):
        return "utf-32-be"
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


def single_byte_or_mixed(path: Path, file_name: str, line: int | None) -> str:
    """A file read as UTF-8 has invalid bytes further down: Windows-1252 throughout, or
    refused when it also holds UTF-8 characters (converting either part would garble it)."""
    with open(path, "rb") as handle:
        carry = b""
        while chunk := handle.read(CHUNK_BYTES):
            if holds_utf8(carry + chunk):
                raise ImportRefused(file_name, "file.mixed_encoding", line=line)
            carry = chunk[-3:]
    return "cp1252"


def utf8_copy(path: Path, encoding: str, folder: Path, file_name: str) -> Path:
    """Stream a file into a UTF-8 copy in ``folder``, in large chunks (no per-row work).

    Line endings become "\\n" (DuckDB refuses a file mixing "\\r\\n" and "\\n"). A file read as
    Windows-1252 that holds UTF-8 characters is refused: it mixes two encodings.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    fd, name = tempfile.mkstemp(prefix="copy-", suffix=".csv", dir=folder)
    copy = Path(name)
    # newline=None on the way in would split quoted fields; line endings are made uniform
    # on the way out by writing "\n" for every "\r\n"
    with open(path, "rb") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
        first = True
        carry = ""  # a "\r" at the end of a chunk may be half of a "\r\n"
        tail = b""  # the end of the previous chunk, for a UTF-8 character cut in two
        while chunk := src.read(CHUNK_BYTES):
            if encoding == "cp1252" and holds_utf8(tail + chunk):
                raise ImportRefused(file_name, "file.mixed_encoding")
            tail = chunk[-3:]
            text = carry + decoder.decode(chunk)
            if first:
                text = text.lstrip("\ufeff")
                first = False
            carry = "\r" if text.endswith("\r") else ""
            dst.write(text[: len(text) - len(carry)].replace("\r\n", "\n"))
        dst.write((carry + decoder.decode(b"", final=True)).replace("\r\n", "\n"))
    return copy


def work_root(db: Path) -> Path:
    """The private folder next to the database where an import keeps its clear-text copies."""
    return db.with_name(db.name + ".work")


@contextmanager
def private_workspace(db: Path) -> Iterator[Path]:
    """A folder (mode 0700) for one import's copies, removed however the import ends.

    A process killed outright cannot clean up: the next import on the same database
    (which holds its write lock, so no other import is running) removes what it left.
    """
    root = work_root(db)
    root.mkdir(mode=0o700, exist_ok=True)
    os.chmod(root, 0o700)
    for stale in root.iterdir():
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="import-", dir=root))
    try:
        with _terminate_as_exit():
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM ends the import through its ``finally`` blocks, which remove the copies."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler; a dashboard import runs in another
        return
    previous = signal.getsignal(signal.SIGTERM)

    def stop(signum: int, _frame: FrameType | None) -> NoReturn:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
