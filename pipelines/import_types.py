"""What an import is asked to do, and what it did: shared by every step of the loader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

Progress = Callable[[str], None]


@dataclass
class ImportOptions:
    source: str | None = None
    event_id: str | None = None
    campaign: str | None = None
    exported_at: datetime | None = None
    mapping: Path | None = None


@dataclass
class ImportResult:
    file_name: str
    status: str  # imported | already imported | refused | skipped | preview (nothing written)
    source: str | None = None
    import_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0  # loaded rows that replaced an older version of their record
    exported_at: datetime | None = None
    # nothing in the file or its name dated the export: the file's modification time stands
    exported_at_unknown: bool = False
    # each rejected row: line, column, reason (English), code and params (pipelines/messages.py)
    rejects: list[dict] = field(default_factory=list)
    message: str = ""
