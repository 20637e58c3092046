"""Turnout: engagement analytics that tells a campaign how many people really act."""

import os

__version__ = "0.1.0"

# DuckDB writes whole memory blocks to its spill folder, the part a block has not used yet
# included, and that part holds whatever the memory held before: rows of a file as read,
# emails before they were hashed. On Linux DuckDB allocates through its own jemalloc, which
# reads this variable once, when duckdb is imported: "junk:free" overwrites memory as it is
# freed, so that a block spilled later holds nothing of the rows freed before it. Every
# entry point imports this package before duckdb (tests/test_privacy_spill.py checks it).
MALLOC_CONF_VARIABLE = "DUCKDB_JE_MALLOC_CONF"
SCRUB_FREED_MEMORY = "junk:free"


def _scrub_freed_memory() -> None:
    conf = os.environ.get(MALLOC_CONF_VARIABLE, "")
    if not conf.endswith(SCRUB_FREED_MEMORY):  # the last setting of an option wins
        os.environ[MALLOC_CONF_VARIABLE] = f"{conf},{SCRUB_FREED_MEMORY}".lstrip(",")


_scrub_freed_memory()
