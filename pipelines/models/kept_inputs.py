"""Model inputs kept between refreshes, read again only for the people a batch could have
changed (``follow_up_inputs.py``, ``forecast_inputs.py``).

A model's input rows are per person (one row per person, or per person and event), and a
person's rows depend on nothing but their own records and the events they have records
of. After a batch, the people whose rows may differ are:

* the people with a key on one of its rows (every version: added, replaced, put back) of
  the tables the model reads (the forecast leaves email activity out); of a table whose
  rows can neither give a person model rows nor take them away, only the people who have
  rows already (the follow-up list ranks people who committed, which no email record
  makes anyone: a newsletter has the people on the list read again, not all its readers);
* the people whose keys moved (two people merged by a sign-in sheet);
* the people with a record of an event whose date or attendance data changed since the
  rows were kept (each model keeps the events as it read them), for the rows that read
  events.

Their rows are deleted and read again with the model's own SQL, narrowed to them. Everyone
is read again when nothing is kept yet, when the SQL changed or that of the marts it reads
(``UPSTREAM``: a new version may change everyone's records), after a full refresh or an
undo, and when the batch's changes are not laid out (``pipelines/batch_changes.py``).
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import duckdb

from pipelines import batch_changes, warehouse
from pipelines.identity import PERSON_TABLES

SCOPE = "kept_inputs_scope"  # a temporary table: the people to read again
EVENT_STATE = """
    select e.event_id, e.starts_at, g.has_attendance_data
    from events as e left join mart_event_gap as g using (event_id)
"""


def sql(name: str) -> str:
    return (resources.files("pipelines") / "sql" / "models" / f"{name}.sql").read_text("utf-8")


# the marts the models' SQL reads: a new version of one may change every person's records
UPSTREAM = ("mart_person_records", "mart_event_gap")


def code_hash(con: duckdb.DuckDBPyConnection, *names: str) -> str:
    """The models' SQL ``names`` and the code the marts they read were built with."""
    built = con.execute(
        "select mart, code_hash from mart_refresh_state where mart in (?, ?) order by mart",
        list(UPSTREAM),
    ).fetchall()
    text = "\n".join([*(sql(name) for name in names), repr(built)])
    return hashlib.sha256(text.encode()).hexdigest()


def exists(con: duckdb.DuckDBPyConnection, table: str, temporary: bool = False) -> bool:
    return bool(
        warehouse.scalar(
            con,
            "select count(*) from duckdb_tables() where table_name = ? and temporary = ?",
            [table, temporary],
        )
    )


def why_everyone(
    con: duckdb.DuckDBPyConnection, kept: tuple[str, ...], basis: str, code: str
) -> str:
    """Why every person is read again, or '' when the batch's people are enough. ``kept``:
    the model's kept tables; ``basis``: the one that holds the SQL's hash (``code``)."""
    if not all(exists(con, table) for table in kept):
        return "nothing kept yet"
    if warehouse.scalar(con, f"select any_value(code_hash) from {basis}") != code:
        return "its SQL, or that of the marts it reads, changed"
    if not all(exists(con, table, temporary=True) for table in ("batch_keys", "moved_keys")):
        return "the batch's changes are not known"
    return ""


def keep_events(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """The events as the rows were read: their date and whether they have attendance data."""
    con.execute(f"create or replace table {table} as {EVENT_STATE}")


def choose_people(
    con: duckdb.DuckDBPyConnection,
    events: str | None,
    tables: tuple[str, ...] = PERSON_TABLES,
    into: str = SCOPE,
    listed: tuple[tuple[str, ...], str] = ((), ""),
) -> int:
    """The temporary table ``into``: the people the batch could have changed (``events``:
    the model's kept events, None for rows that read no event; ``tables``: the record
    tables whose rows the model reads, of ``PERSON_TABLES``); how many they are.
    ``listed``: (record tables, kept table) when rows of those tables can change a
    person's kept rows but never give a person rows or take them away: of the people on
    the batch's rows of those tables, only those already in the kept table."""
    keys = "select key_hash from batch_keys"
    if set(tables) != set(PERSON_TABLES):
        keys = batch_changes.keys_on(con, tables)
    of_listed = ""
    listed_keys = batch_changes.keys_on(con, listed[0]) if listed[0] else ""
    # asked first: over no keys (a sign-in sheet has no email activity) DuckDB still matched
    # the kept table's people with every key before finding none (0.07 s at 10M)
    if listed_keys and warehouse.scalar(con, f"select exists ({listed_keys})"):
        of_listed = f"""
        union select person_id from person_keys semi join {listed[1]} using (person_id)
              where key_hash in ({listed_keys})"""
    of_changed_events = ""
    if events is not None:
        of_changed_events = f"""
        union select person_id from mart_person_records
              where not is_anonymous and event_id in (
                  select event_id from (({EVENT_STATE}) except (select * from {events}))
                  union
                  select event_id from ((select * from {events}) except ({EVENT_STATE})))"""
    con.execute(f"""
        create or replace temp table {into} as
        select person_id from person_keys where key_hash in ({keys})
        union select person_before from moved_keys where person_before is not null
        union select person_after from moved_keys where person_after is not null
        {of_listed}
        {of_changed_events}
    """)
    return int(warehouse.scalar(con, f"select count(*) from {into}"))


def drop_people(con: duckdb.DuckDBPyConnection, *scopes: str) -> None:
    for scope in scopes or (SCOPE,):
        con.execute(f"drop table if exists temp.{scope}")


def narrowed(text: str, table: str, scope: str = SCOPE) -> str:
    """The SQL ``text`` reading only the rows of ``table`` that belong to the people in
    ``scope``."""
    scoped, found = re.subn(
        rf"(?i)\bfrom\s+{table}\b",
        f"from (select * from {table} where person_id in (select person_id from {scope}))",
        text,
    )
    if found != 1:
        raise ValueError(f"a model's SQL must read {table} once, with 'from {table}'")
    return scoped


def people(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def drop(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    for table in tables:
        con.execute(f"drop table if exists {table}")
