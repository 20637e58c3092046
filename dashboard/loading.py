"""The dashboard's only door to the importer (``pipelines.load``).

Used by two pages and nowhere else (a test keeps it so): the Data page's upload and the
welcome page's "load the sample campaign". Both import as `turnout import` does, with the
very functions it calls (``pipelines.load.session`` and its ``import_file``: each file in
its own transaction, then one refresh of the figures for the batch), and add no logic of
their own: no reading, no checking, no writing beyond what an import does.
``ensure_database`` is ``turnout init``.

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
           "on_disk", "recognise", "sample_files", "upload_root"]
Progress = Callable[[str], None]
ImportOne = Callable[..., load.ImportResult]


def ensure_database() -> Path:
    """Create the database and its key if they are not there yet (as `turnout init`)."""
    db = config.database_path()
    warehouse.create(db)
    config.ensure_secret(db)
    return db


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


def recognise(path: Path):
    """The detected format (``.name``, ``.title``, ``.per_event``); TurnoutError if none."""
    return load.recognise(path, load.ImportOptions())


@contextmanager
def importing(refresh_progress: Progress | None = None) -> Iterator[ImportOne]:
    """A batch of files, as `turnout import` runs one: ``import_file(path, event_id,
    progress)`` imports each (raising TurnoutError when one is refused); the figures are
    refreshed once on the way out (steps 'linking people', 'rebuilding marts'), and a
    refresh that fails raises TurnoutError there."""
    db = ensure_database()
    with load.session(db, refresh_progress) as batch:
        def import_file(path: Path, event_id: str | None = None,
                        progress: Progress | None = None) -> load.ImportResult:
            return batch.import_file(path, load.ImportOptions(event_id=event_id), progress)

        yield import_file


def sample_files() -> tuple[list[Path], list[tuple[Path, str]]]:
    """The committed sample campaign's files, calendar first, as `turnout import` orders them."""
    if not SAMPLE_DATA.is_dir():
        return [], []
    return load.expand([SAMPLE_DATA], load.ImportOptions())
