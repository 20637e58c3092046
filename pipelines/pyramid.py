"""Engagement-pyramid rules: read from TOML, written into temp tables the marts join.

The rules ship in ``pipelines/pyramid.toml``; a ``<database>.pyramid.toml`` next to the
database replaces them. ``install_rules`` turns them into three temporary tables
(``pyramid_tiers``, ``pyramid_rules``, ``pyramid_settings``) before the marts are rebuilt,
so the tier SQL (``mart_person_tier_spans``) is driven by the file, not by constants.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import duckdb

from pipelines.errors import TurnoutError

METRICS = (
    "on_list",
    "email_opens",
    "email_clicks",
    "signatures",
    "registrations",
    "events_attended",
    "volunteer_shifts",
    "events_hosted",
)


def rules_path(db: Path | None) -> Path | None:
    """The database's own rules file, when it has one."""
    if db is None:
        return None
    own = db.with_name(db.stem + ".pyramid.toml")
    return own if own.exists() else None


def load_rules(path: Path | None = None) -> dict:
    if path is None:
        text = (resources.files("pipelines") / "pyramid.toml").read_text(encoding="utf-8")
        where = "pipelines/pyramid.toml"
    else:
        text, where = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TurnoutError(f"{where}: not valid TOML ({error}).") from None
    tiers = data.get("tier") or []
    if not tiers:
        raise TurnoutError(f"{where}: no [[tier]] is defined.")
    for tier in tiers:
        unknown = set(tier.get("any_of", {})) - set(METRICS)
        if "name" not in tier or unknown:
            raise TurnoutError(
                f"{where}: tier {tier.get('name', '?')!r} needs a name and "
                f"metrics among {', '.join(METRICS)} (unknown: {sorted(unknown)})."
            )
    return {"window_months": int(data.get("window_months", 0)), "tiers": tiers}


def _database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return Path(row[0]) if row and row[0] else None


def rules_for(con: duckdb.DuckDBPyConnection) -> dict:
    """The rules this database's marts are built with."""
    return load_rules(rules_path(_database_path(con)))


def install_rules(con: duckdb.DuckDBPyConnection, rules: dict | None = None) -> None:
    rules = rules or rules_for(con)
    con.execute("create or replace temp table pyramid_tiers (tier varchar, tier_rank integer)")
    con.execute(
        "create or replace temp table pyramid_rules "
        "(tier varchar, tier_rank integer, metric varchar, at_least integer)"
    )
    con.execute(
        "create or replace temp table pyramid_settings as select ?::integer as window_months",
        [rules["window_months"]],
    )
    con.execute("insert into pyramid_tiers values ('observing', 0)")
    for rank, tier in enumerate(rules["tiers"], start=1):
        con.execute("insert into pyramid_tiers values (?, ?)", [tier["name"], rank])
        for metric, at_least in tier.get("any_of", {}).items():
            con.execute(
                "insert into pyramid_rules values (?, ?, ?, ?)",
                [tier["name"], rank, metric, int(at_least)],
            )
