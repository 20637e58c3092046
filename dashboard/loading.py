"""The dashboard's only door to the importer (``pipelines.load``).

Used by the Data page (and its ``import_review``) and the welcome page's "load the sample
campaign", and nowhere else (a test keeps it so). Both import through one function,
``pipelines.batch.import_all``, built on the session `turnout import` uses (each file in its
own transaction, then one refresh of the figures for the batch), and add no logic of
their own: no reading, no checking, no writing beyond what an import does.
The dashboard never creates the hashing key: ``turnout init`` does, and an import without
the database's own key is refused with a message saying what to do.

An upload is written to disk only for as long as one step needs it (recognising it, then
importing it), each in its own private folder under ``<database>.uploads/`` (mode 0700),
and removed on every path; whatever a killed server left there is swept at the next start
or upload. An uploaded zip is listed as `turnout import` lists one, and each export in it
becomes an upload of its own (``ZipMember``), written to disk the same way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from pipelines import batch, config, load, warehouse
from pipelines.errors import TurnoutError
from pipelines.sources import Source
from pipelines.undo import Undone

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
MAX_UPLOAD_MB = 200  # larger files: `turnout import FILE` from the command line
STALE_UPLOAD_SECONDS = 3600  # no step keeps an upload on disk this long: a leftover
_swept_since_start = False
_SWEEPING = threading.Lock()

__all__ = [
    "MAX_UPLOAD_MB",
    "SAMPLE_DATA",
    "Step",
    "TurnoutError",
    "Upload",
    "ensure_database",
    "import_batch",
    "on_disk",
    "preview",
    "recognise",
    "sample_files",
    "undo",
    "unzipped",
    "upload_root",
    "uploaded",
]
Progress = Callable[[str], None]
Step = batch.Step  # where a batch is: a file and its step, or the refresh


class Upload(Protocol):
    """An upload as the pages hand it over: a file from Streamlit's uploader, or an export
    in an uploaded zip (``ZipMember``)."""

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def file_id(self) -> str: ...

    def getvalue(self) -> bytes: ...


def ensure_database() -> Path:
    """Create or upgrade the database file; never its key (an import asks for `turnout init`)."""
    db = config.database_path()
    warehouse.create(db)
    return db


def recognise(path: Path, mapping: Path | None = None) -> Source:
    """The detected format (``.name``, ``.title``, ``.per_event``), or the one a column
    mapping makes; TurnoutError if none."""
    return load.recognise(path, load.ImportOptions(mapping=mapping))


def upload_root(db: Path | None = None) -> Path:
    """The private folder next to the database where uploads wait for their import."""
    db = db or config.database_path()
    root = db.with_name(db.name + ".uploads")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)  # a folder made by hand, or by an older version
    return root


def sweep_uploads(root: Path, older_than: float) -> None:
    """Remove what uploads left behind (a server killed mid-import)."""
    now = time.time()
    for entry in root.iterdir():
        try:
            if now - entry.stat().st_mtime >= older_than:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        except OSError:  # already gone, or removed by another session
            continue


def safe_name(name: str) -> str:
    """The upload's own name without any folder; 'upload' when nothing usable is left."""
    base = Path(name.replace("\\", "/")).name.replace("\x00", "")
    return base if base not in ("", ".", "..") else "upload"


@contextmanager
def on_disk(name: str, content: bytes) -> Iterator[Path]:
    """``content`` as a file named ``name`` in a private folder, removed on the way out."""
    global _swept_since_start
    root = upload_root()
    with _SWEEPING:
        # at the first upload since the server started, none of its uploads is in flight
        sweep_uploads(root, STALE_UPLOAD_SECONDS if _swept_since_start else 0)
        _swept_since_start = True
        folder = Path(tempfile.mkdtemp(dir=root))  # 0700, one per upload: names never clash
    try:
        path = folder / safe_name(name)
        with open(path, "xb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(content)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def uploaded(
    name: str, content: bytes, event_id: str | None = None, mapping: Path | None = None
) -> batch.BatchFile:
    """An upload as a file of a batch: on disk (``on_disk``) only while it is imported."""
    return batch.BatchFile(
        name, lambda: on_disk(name, content), load.ImportOptions(event_id=event_id, mapping=mapping)
    )


def import_batch(
    files: list[batch.BatchFile], progress: Callable[[Step], None] | None = None
) -> batch.BatchOutcome:
    """Import ``files`` as `turnout import` does (``pipelines.batch.import_all``): a refused
    file is noted and the next one imported; the figures are refreshed once at the end."""
    try:
        db = ensure_database()
    except TurnoutError as error:  # the database cannot be opened: nothing was imported
        return batch.BatchOutcome(not_refreshed=error)
    return batch.import_all(db, files, progress and _as_pages_name_steps(progress))


@dataclass(frozen=True)
class ZipMember:
    """An export inside an uploaded zip, handled as an upload of its own, under the name
    ``export.zip › pages.csv``: its bytes are unzipped in memory when a step asks for them,
    and written to disk by ``on_disk`` like any upload's."""

    name: str
    size: int
    file_id: str
    inner: str
    zipped: Callable[[], bytes]  # the uploaded zip's bytes
    zip_name: str

    def getvalue(self) -> bytes:
        with on_disk(self.zip_name, self.zipped()) as path:
            return load.read_member(load.Member(path, self.inner, self.size))


@dataclass
class Unzipped:
    """What an uploaded zip holds: the exports to import, the files left in it with why,
    or why the zip is refused whole."""

    members: list[ZipMember] = field(default_factory=list)
    skipped: list[tuple[str, TurnoutError]] = field(default_factory=list)
    refused: TurnoutError | None = None


def unzipped(upload: Upload) -> Unzipped | None:
    """An uploaded zip's exports, as `turnout import export.zip` finds them (None: not a
    zip); the zip is on disk only while it is listed."""
    name, content = upload.name, upload.getvalue()
    with on_disk(name, content) as path:
        if not load.is_archive(path):
            return None
        try:
            members, skipped = load.contents(path, load.ImportOptions())
        except TurnoutError as error:
            return Unzipped(refused=error)
    return Unzipped(
        [
            ZipMember(
                member.name,
                member.size,
                f"{upload.file_id}/{member.inner}",
                member.inner,
                upload.getvalue,
                name,
            )
            for member, _ in members
        ],
        [(member.name, error) for member, error in skipped],
    )


def sample_files() -> list[batch.BatchFile]:
    """The committed sample campaign's files, calendar first, as `turnout import` orders them."""
    if not SAMPLE_DATA.is_dir():
        return []
    files, _skipped = load.expand([SAMPLE_DATA], load.ImportOptions())
    return [batch.BatchFile.at(path) for path in files]


def preview(
    plan: list[tuple[Path, str | None, Path | None]], progress: Progress | None = None
) -> list[load.ImportResult | TurnoutError]:
    """What importing each (file, event, mapping) in this order would do, worked out and
    rolled back: nothing is written. A refused file gives its TurnoutError in the list."""
    db = ensure_database()
    with load.session(db, refresh_figures=False) as batch:
        return batch.preview(
            [
                (path, load.ImportOptions(event_id=event_id, mapping=mapping))
                for path, event_id, mapping in plan
            ],
            progress,
        )


def undo(import_id: int, progress: Progress | None = None) -> Undone:
    """Undo one import (``turnout imports --undo``): its rows go, what it replaced comes
    back, and the figures are refreshed."""
    return load.undo_import(
        config.database_path(),
        import_id,
        progress and (lambda step: progress(_as_pages_name_it(step))),
    )


def _as_pages_name_it(step: str) -> str:
    """A refresh step as the pages word it: each mart's own step ('mart_funnel:
    incremental') is 'rebuilding marts'."""
    return "rebuilding marts" if step.startswith("mart_") else step


def _as_pages_name_steps(progress: Callable[[Step], None]) -> Callable[[Step], None]:
    def tell(at: Step) -> None:
        progress(
            at
            if at.file is not None or at.step is None
            else replace(at, step=_as_pages_name_it(at.step))
        )

    return tell
