"""What a batch changed, laid out for the incremental marts (``pipelines/mart_delta.py``).

A batch is the imports listed in ``pending_refresh``: files imported, and imports undone.
Before the marts are refreshed, in the refresh's transaction, temporary tables say what
it touched:

* ``batch_<table>``, for every canonical table: every version of each row the batch
  touched. The rows its imports added or changed (their new versions), the rows they
  replaced (old versions, kept in ``<table>_replaced``), the rows an undo removed (kept in
  ``<table>_removed`` until this refresh) and the rows that undo put back. A view, read
  where it is used: the marts read a few of its columns, and a table of every column
  would stay in memory until the refresh commits (a newsletter's: 105 MB).
* ``batch_keys (key_hash)``: the people's keys on those rows.
* ``moved_keys (key_hash, person_before, person_after)``: keys whose person linking
  changed: a new key, two people merged by a sign-in sheet, one split by an undo.
"""

from __future__ import annotations

import duckdb

from pipelines import warehouse
from pipelines.identity import KEY_COLUMNS, PERSON_TABLES
from pipelines.targets import TARGETS

TEMP_TABLES = ("batch_imports", "batch_keys", "keys_before", "moved_keys")


def lay_out(con: duckdb.DuckDBPyConnection, import_ids: list[int]) -> None:
    """The ``batch_<table>`` and ``batch_keys`` tables of the imports ``import_ids``."""
    con.execute("create or replace temp table batch_imports (import_id integer)")
    if import_ids:
        con.executemany("insert into batch_imports values (?)", [[i] for i in import_ids])
    batch = "(select import_id from batch_imports)"
    for target in TARGETS.values():
        table, key = target.table, ", ".join(target.key)
        parts = [
            f"select * from {table} where import_id in {batch}",
            f"select * exclude (replaced_by) from {table}_replaced where replaced_by in {batch}",
            f"select * exclude (removed_by) from {table}_removed where removed_by in {batch}",
        ]
        if warehouse.scalar(
            con, f"select count(*) from {table}_removed where removed_by in {batch}"
        ):
            # an undo put back what the import it undid had replaced: the same keys
            match = " and ".join(f"t.{k} = r.{k}" for k in target.key)
            parts.append(
                f"select t.* from {table} as t semi join "
                f"(select {key} from {table}_removed where removed_by in {batch}) "
                f"as r on {match}"
            )
        con.execute(
            f"create or replace temp view batch_{table} as " + " union all by name ".join(parts)
        )
    con.execute(f"create or replace temp table batch_keys as {keys_on(con, PERSON_TABLES)}")


def keys_on(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> str:
    """SQL: the people's keys (``key_hash``) on the batch's rows of ``tables``, once each."""
    return " union ".join(
        f"select {column} as key_hash from batch_{table} where {column} is not null"
        for table in tables
        for column in _key_columns(con, table)
    )


def _key_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    present = {r[0] for r in con.execute(f"describe {table}").fetchall()}
    return [column for column in KEY_COLUMNS if column in present]


def undone(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the batch undid an import."""
    return bool(
        warehouse.scalar(
            con,
            "select count(*) from batch_imports "
            "where import_id not in (select import_id from imports)",
        )
    )


def links_may_break(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the batch may have taken a key or a link between keys away: an undo, or a
    replaced record whose new version does not carry the same keys. Otherwise people are
    relinked from the batch's own records (``identity.resolve_people(added_by=...)``)."""
    for table in PERSON_TABLES:
        removed = warehouse.scalar(
            con,
            f"select count(*) from {table}_removed "
            "where removed_by in (select import_id from batch_imports)",
        )
        same = " and ".join(
            f"now.{c} is not distinct from old.{c}" for c in _key_columns(con, table)
        )
        differ = warehouse.scalar(
            con,
            f"""
            select count(*) from {table}_replaced as old
            where old.replaced_by in (select import_id from batch_imports)
              and not exists (select 1 from {table} as now
                              where now.record_id = old.record_id and {same})
        """,
        )
        if removed or differ:
            return True
    return False


def before_linking(con: duckdb.DuckDBPyConnection) -> None:
    """Keep who each key belonged to before everyone is relinked (``keys_before``)."""
    con.execute(
        "create or replace temp table keys_before as select key_hash, person_id from person_keys"
    )


def after_linking(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """``moved_keys`` after everyone was relinked: the keys whose person is not the one they
    had before; how many are new, and how many are now another person's (merged, split).
    When only the batch's people were relinked, the linking writes ``moved_keys`` itself
    (``identity.resolve_people(moves=...)``) and ``moves`` counts them."""
    con.execute("""
        create or replace temp table moved_keys as
        select key_hash, b.person_id as person_before, a.person_id as person_after
        from keys_before as b
        full join person_keys as a using (key_hash)
        where b.person_id is distinct from a.person_id
    """)
    return moves(con)


def moves(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """How many keys of ``moved_keys`` are new, and how many are now another person's."""
    new, moved = warehouse.one_row(
        con,
        "select count(*) filter (where person_before is null), "
        "count(*) filter (where person_before is not null) from moved_keys",
    )
    return new, moved


def consume(con: duckdb.DuckDBPyConnection) -> None:
    """The rows an undo removed are out of the marts now: forget them; drop the layout."""
    for target in TARGETS.values():
        con.execute(
            f"delete from {target.table}_removed "
            "where removed_by in (select import_id from batch_imports)"
        )
        con.execute(f"drop view if exists temp.batch_{target.table}")
    for table in TEMP_TABLES:
        con.execute(f"drop table if exists temp.{table}")
