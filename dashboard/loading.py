"""The dashboard's only door to the importer (``pipelines.load``).

Used by two pages and nowhere else (a test keeps it so): the Data page's upload and the
welcome page's "load the sample campaign". Both import as `turnout import` does, with the
very functions it calls (``pipelines.load.session`` and its ``import_file``: each file in
its own transaction, then one refresh of the figures for the batch), and add no logic of
their own: no reading, no checking, no writing beyond what an import does.
The dashboard never creates the hashing key: ``turnout init`` does, and an import without
the database's own key is refused with a message saying what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines import config, load, warehouse
from pipelines.errors import TurnoutError

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
MAX_UPLOAD_MB = 200  # larger files: `turnout import FILE` from the command line

__all__ = ["MAX_UPLOAD_MB", "SAMPLE_DATA", "TurnoutError", "ensure_database", "importing",
           "preview", "recognise", "sample_files", "undo"]
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


@contextmanager
def importing(refresh_progress: Progress | None = None) -> Iterator[ImportOne]:
    """A batch of files, as `turnout import` runs one: ``import_file(path, event_id,
    progress)`` imports each (raising TurnoutError when one is refused); the figures are
    refreshed once on the way out (steps 'linking people', 'rebuilding marts'), and a
    refresh that fails raises TurnoutError there."""
    db = ensure_database()
    with load.session(db, refresh_progress) as batch:
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
    return load.undo_import(config.database_path(), import_id, progress)
