"""The committed sample campaign, imported once as one batch and shared by every test
process (cached under the temp folder, keyed by the files and the code that read them).

Tests that only read it share one copy; each reads it through read-only connections.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.conftest import SAMPLE_DATA
from tests.dashboard_helpers import built_database

CACHE = Path(tempfile.gettempdir()) / "turnout-test-databases"


def sample_database() -> Path:
    return built_database(CACHE, "sample", [SAMPLE_DATA])
