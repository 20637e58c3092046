"""Models refitted after every import: the turnout forecast and the follow-up list."""

from __future__ import annotations

import duckdb


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Refit both models and rewrite their marts, inside the import's transaction."""
    from pipelines.models import follow_up, forecast

    forecast.refresh(con)
    follow_up.refresh(con)
