"""The dashboard's only door to the importer (``pipelines.load``).

Used by two pages and nowhere else (a test keeps it so): the Data page's upload and the
welcome page's "load the sample campaign". Both call the very function the command line
calls, ``pipelines.load.import_file``, and add no logic of their own: no reading, no
checking, no writing beyond what an import does. ``ensure_database`` is ``turnout init``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines import config, load, warehouse
from pipelines.errors import TurnoutError

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
MAX_UPLOAD_MB = 200  # larger files: `turnout import FILE` from the command line

__all__ = ["MAX_UPLOAD_MB", "SAMPLE_DATA", "TurnoutError", "ensure_database", "recognise",
           "import_one", "sample_files"]


def ensure_database() -> Path:
    """Create the database and its key if they are not there yet (as `turnout init`)."""
    db = config.database_path()
    warehouse.create(db)
    config.ensure_secret(db)
    return db


def recognise(path: Path):
    """The detected format (``.name``, ``.title``, ``.per_event``); TurnoutError if none."""
    return load.recognise(path, load.ImportOptions())


def import_one(path: Path, event_id: str | None = None,
               progress: Callable[[str], None] | None = None) -> load.ImportResult:
    """Import one file exactly as `turnout import` does; raises TurnoutError when refused."""
    db = ensure_database()
    return load.import_file(db, path, load.ImportOptions(event_id=event_id), progress=progress)


def sample_files() -> tuple[list[Path], list[tuple[Path, str]]]:
    """The committed sample campaign's files, calendar first, as `turnout import` orders them."""
    if not SAMPLE_DATA.is_dir():
        return [], []
    return load.expand([SAMPLE_DATA], load.ImportOptions())
