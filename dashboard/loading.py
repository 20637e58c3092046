"""The dashboard's only door to the importer (``pipelines.load``).

Used by the Data page (and its ``import_review``) and the welcome page's "load the sample
campaign", and nowhere else (a test keeps it so). Both import as `turnout import` does, with
the very functions it calls (``pipelines.load.session`` and its ``import_file``: each file in
its own transaction, then one refresh of the figures for the batch), and add no logic of
their own: no reading, no checking, no writing beyond what an import does.
The dashboard never creates the hashing key: ``turnout init`` does, and an import without
the database's own key is refused with a message saying what to do.

An upload is written to disk only for as long as one step needs it (recognising it, then
importing it), each in its own private folder under ``<database>.uploads/`` (mode 0700),
and removed on every path; whatever a killed server left there is swept at the next start
or upload.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines import config, load, warehouse
from pipelines.errors import TurnoutError

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
MAX_UPLOAD_MB = 200  # larger files: `turnout import FILE` from the command line
STALE_UPLOAD_SECONDS = 3600  # no step keeps an upload on disk this long: a leftover
_swept_since_start = False
_SWEEPING = threading.Lock()

__all__ = ["MAX_UPLOAD_MB", "SAMPLE_DATA", "TurnoutError", "ensure_database", "importing",
           "on_disk", "preview", "recognise", "sample_files", "undo", "upload_root"]
Progress = Callable[[str], None]
ImportOne = Callable[..., load.ImportResult]


def ensure_database() -> Path:
    """Create or upgrade the database file; never its key (an import asks for `turnout init`)."""
    db = config.database_path()
    warehouse.create(db)
    return db


def recognise(path: Path, mapping: Path | None = None):
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


@contextmanager
def importing(refresh_progress: Progress | None = None) -> Iterator[ImportOne]:
    """A batch of files, as `turnout import` runs one: ``import_file(path, event_id,
    progress)`` imports each (raising TurnoutError when one is refused); the figures are
    refreshed once on the way out (steps 'linking people', 'rebuilding marts'...), and a
    refresh that fails raises TurnoutError there."""
    db = ensure_database()
    with load.session(db, _as_pages_name_it(refresh_progress)) as batch:
        def import_file(path: Path, event_id: str | None = None,
                        progress: Progress | None = None,
                        mapping: Path | None = None) -> load.ImportResult:
            return batch.import_file(path, load.ImportOptions(event_id=event_id,
                                                              mapping=mapping), progress)

        yield import_file


def sample_files() -> tuple[list[Path], list[tuple[Path, str]]]:
    """The committed sample campaign's files, calendar first, as `turnout import` orders them."""
    if not SAMPLE_DATA.is_dir():
        return [], []
    return load.expand([SAMPLE_DATA], load.ImportOptions())


def preview(plan: list[tuple[Path, str | None, Path | None]],
            progress: Progress | None = None) -> list[load.ImportResult | TurnoutError]:
    """What importing each (file, event, mapping) in this order would do, worked out and
    rolled back: nothing is written. A refused file gives its TurnoutError in the list."""
    db = ensure_database()
    with load.session(db, refresh_figures=False) as batch:
        return batch.preview([(path, load.ImportOptions(event_id=event_id, mapping=mapping))
                              for path, event_id, mapping in plan], progress)


def undo(import_id: int, progress: Progress | None = None):
    """Undo one import (``turnout imports --undo``): its rows go, what it replaced comes
    back, and the figures are refreshed."""
    return load.undo_import(config.database_path(), import_id, _as_pages_name_it(progress))


def _as_pages_name_it(progress: Progress | None) -> Progress | None:
    """The refresh's steps as the pages word them: each mart's own step ('mart_funnel:
    incremental') is 'rebuilding marts'."""
    if progress is None:
        return None
    return lambda step: progress("rebuilding marts" if step.startswith("mart_") else step)
