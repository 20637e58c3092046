"""The loader's entry point: a batch of imports on one writer connection (``session``).

Each file is its own transaction (``pipelines/file_import.py``); the batch then refreshes
the figures once: people, marts, models (``pipelines/refresh.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines import archives, config, file_import, identity, keys, textfile, undo, warehouse
from pipelines.archives import Member, is_archive
from pipelines.archives import read as read_member
from pipelines.errors import TurnoutError
from pipelines.import_types import ImportOptions, ImportResult, Progress
from pipelines.recognise import contents, date_in_name, expand, recognise, sha256_file
from pipelines.refresh import refresh

__all__ = [
    "ImportOptions",
    "ImportResult",
    "Member",
    "Progress",
    "Session",
    "contents",
    "date_in_name",
    "expand",
    "import_file",
    "is_archive",
    "read_member",
    "recognise",
    "refresh",
    "session",
    "sha256_file",
    "undo_import",
]

# Larger than any batch's write-ahead log (large inserts go straight to the database file;
# the log keeps their place and the small changes): no checkpoint until the batch ends.
BATCH_CHECKPOINT_THRESHOLD = "1TB"

# One import at a time per process: the dashboard serves each browser session in a thread,
# and two write transactions on one DuckDB file would conflict.
_one_import_at_a_time = threading.Lock()


class Session:
    """A batch of imports on one writer connection.

    Each file is its own transaction: it lands whole (and is listed in
    ``pending_refresh``) or not at all. The figures built from every file (people links,
    marts, models) are refreshed once, in their own transaction, when the batch ends.
    """

    def __init__(self, db: Path, con: duckdb.DuckDBPyConnection):
        self.db = db
        self.con = con
        # the key the database was built with, or nothing is imported nor refreshed
        self.secret = keys.check(con, db)
        self.settings = config.load_settings(db)
        # outside any transaction: registered inside a file's transaction that is then
        # rolled back (a refused file), it would be gone for the next file of the batch
        identity.register_functions(con)

    def import_file(
        self,
        path: Path | Member,
        options: ImportOptions | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import one file (or one member of a zip, as ``expand`` lists them) in one
        transaction; raise ImportRefused (nothing written) if it can't."""
        with textfile.private_workspace(self.db) as work:
            return file_import.import_one(
                self, archives.on_disk(path, work), options or ImportOptions(), progress, work
            )

    def preview(
        self, files: list[tuple[Path | Member, ImportOptions]], progress: Progress | None = None
    ) -> list[ImportResult | TurnoutError]:
        """What importing the files in this order would do, file by file (rows loaded,
        duplicate, rejected and why), or why a file would be refused. Each file is tried
        after the files before it (a calendar, then the sign-in sheet that needs it), in
        one transaction that is rolled back: nothing is written."""
        found: list[ImportResult | TurnoutError] = []
        for index, (path, options) in enumerate(files):
            self.con.execute("begin transaction")
            try:
                with textfile.private_workspace(self.db) as work:
                    for (before, its_options), outcome in zip(files[:index], found, strict=True):
                        if isinstance(outcome, ImportResult):
                            file_import.import_one(
                                self,
                                archives.on_disk(before, work),
                                its_options,
                                None,
                                work,
                                preview=True,
                            )
                    found.append(
                        file_import.import_one(
                            self,
                            archives.on_disk(path, work),
                            options,
                            progress,
                            work,
                            preview=True,
                        )
                    )
            except TurnoutError as error:
                found.append(error)
            finally:
                self.con.execute("rollback")
                identity.use_secret(self.con, None)
        return found

    def refresh(self, progress: Progress | None = None) -> bool:
        """Bring the figures up to date with every pending import; False if none was."""
        return refresh(self.con, progress)


@contextmanager
def session(
    db: Path, progress: Progress | None = None, refresh_figures: bool = True
) -> Iterator[Session]:
    """Import files with ``session.import_file``; the figures are refreshed on the way out
    (unless ``refresh_figures`` is False: a batch of previews writes nothing).

    If the batch is cut short (an exception, a kill), the files already imported stay,
    and the next session (or ``turnout init``) refreshes the figures. The database is
    checkpointed once, when the batch ends (after a kill, DuckDB replays its write-ahead
    log when the file is next opened).
    """
    with _one_import_at_a_time, warehouse.writer(db) as con:
        con.execute("set TimeZone = 'UTC'")
        # one checkpoint per batch, at its end: by default DuckDB checkpoints inside any
        # commit that leaves 16 MiB in the write-ahead log, so inside a file's own commit
        con.execute("set checkpoint_threshold = ?", [BATCH_CHECKPOINT_THRESHOLD])
        batch = Session(db, con)
        yield batch
        if refresh_figures:
            batch.refresh(progress)
        con.execute("checkpoint")


def undo_import(db: Path, import_id: int, progress: Progress | None = None) -> undo.Undone:
    """Remove one import's rows, restore what it replaced, and refresh the figures."""
    with session(db, progress) as batch:
        return undo.undo(batch.con, import_id)


def import_file(
    db: Path, path: Path, options: ImportOptions | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import one file, then refresh the figures: a batch of one."""
    with session(db, progress) as batch:
        return batch.import_file(path, options, progress)
