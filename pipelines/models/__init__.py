"""Models refitted after every import: the turnout forecast and the follow-up list.

Each mart keeps a fingerprint of the data and code it was fitted from (``inputs_hash``,
``fingerprints.py``): an import that changed nothing a model reads (a post export, say) does
not refit it.
"""

from __future__ import annotations

import duckdb


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Refit both models and rewrite their marts, inside the import's transaction."""
    # only when a model is refitted: `turnout report` never loads scikit-learn
    from pipelines.models import follow_up, forecast

    forecast.refresh(con)
    follow_up.refresh(con)
