"""What a mart is (its SQL and how it is kept up to date) and what a refresh did to it:
shared by ``pipelines/marts.py``, which declares and runs them, and
``pipelines/mart_delta.py``, which refreshes one incrementally."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Delta:
    """The sections of a ``.delta.sql`` file (see ``pipelines/mart_delta.py``)."""

    keys: str
    within: tuple[str, ...] = ()  # the partition columns the keys give (``-- keys: within``)
    inputs: dict[str, str] = field(default_factory=dict)
    # the inputs copied into a table once (``-- input <table>: as a table``), not read as views
    input_tables: frozenset[str] = frozenset()
    # the inputs copied into a table when the keys are few (``... as a table when few``)
    input_tables_when_few: frozenset[str] = frozenset()
    rows: str | None = None
    full_when: str | None = None
    full_when_reason: str = ""

    @property
    def full_when_reads_keys(self) -> bool:
        """A ``full when`` that counts the keys (``redo_key_values``) is asked once they are
        known, by ``mart_delta.run``; any other before the mart is refreshed."""
        return bool(self.full_when and re.search(r"\bredo_key_values\b", self.full_when))


@dataclass(frozen=True)
class Mart:
    stem: str
    name: str
    sql: str
    is_view: bool
    keys: tuple[str, ...]  # empty: rebuilt in full
    why_full: str
    delta: Delta | None

    @property
    def incremental(self) -> bool:
        return bool(self.keys)

    def required_delta(self) -> Delta:
        """The delta of an incremental mart, which always has one (its ``.delta.sql``)."""
        if self.delta is None:
            raise ValueError(f"{self.name} has no delta: it is not refreshed incrementally")
        return self.delta


@dataclass
class MartRefresh:
    """What the refresh did to one mart."""

    mart: str
    how: str  # incremental | full | view
    why: str = ""  # why it was rebuilt in full
    keys: int = 0  # keys the batch may have changed (incremental), each one checked
    removed: int = 0  # rows that went (incremental: net of the rows put back the same)
    added: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        if self.how == "incremental":
            return (
                f"incremental: {self.keys:,} {_plural(self.keys, 'key')} checked, "
                f"{self.removed:,} {_plural(self.removed, 'row')} out, {self.added:,} in"
            )
        return self.how if self.how == "view" else f"full ({self.why})"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
