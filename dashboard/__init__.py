"""Turnout's dashboard. ``pipelines`` comes first: it sets how DuckDB frees memory, which
must be set before any page imports duckdb (see ``pipelines/__init__.py``)."""

import pipelines  # noqa: F401
