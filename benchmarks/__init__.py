"""Turnout's benchmarks: the figures of RESULTS.md and the profiles behind them."""

from __future__ import annotations

import argparse

# before any benchmark imports duckdb: pipelines sets how DuckDB frees memory
import pipelines  # noqa: F401


def command_line(module: str, doc: str | None) -> argparse.ArgumentParser:
    """The parser of ``python -m <module>``: its help is the module's docstring as written."""
    return argparse.ArgumentParser(
        prog=f"python -m {module}",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
