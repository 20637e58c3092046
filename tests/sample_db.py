"""The committed sample campaign imported once per test process (it takes ~40 s).

Tests that only read it share one copy; each reads it through read-only connections.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from pipelines import config, load, warehouse
from tests.conftest import SAMPLE_DATA


@functools.cache
def sample_database() -> Path:
    db = Path(tempfile.mkdtemp(prefix="turnout-sample-")) / "turnout.duckdb"
    warehouse.create(db)
    config.ensure_secret(db)
    files, skipped = load.expand([SAMPLE_DATA], load.ImportOptions())
    assert not skipped
    for path in files:
        result = load.import_file(db, path)
        assert result.status == "imported", path.name
    return db
