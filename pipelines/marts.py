"""Marts: one SQL file per table in ``sql/marts``, rebuilt after every import."""

from __future__ import annotations

from importlib import resources

import duckdb

from pipelines import pyramid


def mart_files() -> list[tuple[str, str]]:
    folder = resources.files("pipelines") / "sql" / "marts"
    return sorted(
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql") and not entry.name.startswith("_")
    )


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    folder = resources.files("pipelines") / "sql" / "marts"
    con.execute((folder / "_macros.sql").read_text(encoding="utf-8"))


def table_name(file_stem: str) -> str:
    """``10_mart_funnel`` → ``mart_funnel``: a numeric prefix only orders the rebuild."""
    head, _, rest = file_stem.partition("_")
    return rest if head.isdigit() else file_stem


def is_view(sql: str) -> bool:
    """A mart whose header says ``-- materialized: view`` is a view over other marts."""
    return "\n-- materialized: view" in "\n" + sql


def rebuild(con: duckdb.DuckDBPyConnection) -> list[str]:
    install_macros(con)
    pyramid.install_rules(con)  # the tier marts join the campaign's pyramid rules
    built = []
    for stem, sql in mart_files():
        name = table_name(stem)
        kind = "view" if is_view(sql) else "table"
        was = con.execute("select case table_type when 'VIEW' then 'view' else 'table' end "
                          "from information_schema.tables "
                          "where table_schema = 'main' and table_name = ?", [name]).fetchone()
        if was and was[0] != kind:  # a mart that changed kind
            con.execute(f"drop {was[0]} {name}")
        con.execute(f"create or replace {kind} {name} as {sql}")
        built.append(name)
    return built
