"""A batch of imports that goes on past a refused file, as the dashboard runs one.

Built on ``load.session``, as `turnout import` is: each file lands whole in its own
transaction or not at all, and the figures are brought up to date once, when the batch
ends. A refused file is noted with its error (worded when shown, in the language then)
and the next one is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import load
from pipelines.errors import TurnoutError


@dataclass(frozen=True)
class BatchFile:
    """One file of a batch: the name it is shown by, its options, and ``on_disk``, which
    gives its path for as long as it is imported (an upload is written there only then);
    for an export in a zip on disk, the export itself (``load.Member``)."""

    name: str
    on_disk: Callable[[], AbstractContextManager[Path | load.Member]]
    options: load.ImportOptions = field(default_factory=load.ImportOptions)

    @classmethod
    def at(cls, path: Path | load.Member, options: load.ImportOptions | None = None) -> BatchFile:
        """A file already on disk, or an export in a zip on disk (as ``load.expand`` lists
        them)."""
        return cls(path.name, lambda: nullcontext(path), options or load.ImportOptions())


@dataclass(frozen=True)
class Step:
    """Where a batch is: ``index`` files are done out of ``total``; ``file`` is None while
    the figures are brought up to date, and ``step`` is None as a file begins."""

    index: int
    total: int
    file: str | None
    step: str | None


@dataclass
class BatchOutcome:
    """Each file's result, or the error that refused it, in the batch's order; and the
    error that kept the figures from being brought up to date (the database stayed busy,
    or the refresh failed), if any."""

    files: list[tuple[str, load.ImportResult | Exception]] = field(default_factory=list)
    not_refreshed: TurnoutError | None = None

    @property
    def results(self) -> list[tuple[str, load.ImportResult]]:
        return [(name, r) for name, r in self.files if isinstance(r, load.ImportResult)]

    @property
    def refusals(self) -> list[tuple[str | None, Exception]]:
        """The refused files, then (None, error) when the figures were not refreshed. A
        TurnoutError says why; an OSError or ValueError means the file could not be put
        on or read from the disk."""
        refused: list[tuple[str | None, Exception]] = [
            (name, error) for name, error in self.files if isinstance(error, Exception)
        ]
        if self.not_refreshed is not None:
            refused.append((None, self.not_refreshed))
        return refused


def import_all(
    db: Path, files: list[BatchFile], progress: Callable[[Step], None] | None = None
) -> BatchOutcome:
    """Import ``files`` in this order into ``db``, then bring the figures up to date once."""
    tell = progress or (lambda _step: None)
    total = len(files)
    outcome = BatchOutcome()

    def refreshing(step: str) -> None:
        tell(Step(total, total, None, step))

    try:
        with load.session(db, progress=refreshing) as batch:
            for index, item in enumerate(files):
                tell(Step(index, total, item.name, None))

                def step(name: str, index: int = index, file: str = item.name) -> None:
                    tell(Step(index, total, file, name))

                outcome.files.append((item.name, _import_one(batch.import_file, item, step)))
    except TurnoutError as error:  # the database stayed busy, or the refresh failed
        outcome.not_refreshed = error
    return outcome


def _import_one(
    import_file: Callable[..., load.ImportResult], item: BatchFile, step: Callable[[str], None]
) -> load.ImportResult | Exception:
    try:
        with item.on_disk() as path:
            return import_file(path, item.options, progress=step)
    except TurnoutError as error:
        return error
    except (OSError, ValueError) as error:  # a name or a size the server's disk cannot take
        return error
