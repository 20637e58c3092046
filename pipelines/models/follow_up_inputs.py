"""The follow-up list's inputs as of the latest activity, kept between refreshes.

``model_follow_up_people`` holds each person the list ranks, with what they had done
(``follow_up_people.sql`` as of the latest activity), and ``model_follow_up_sources`` their
ids in other systems (``follow_up_sources.sql``). Reading them for everyone reads every
record: seconds at 10M. After a batch that did not move the latest activity, only the
people it could have changed are read again:

* the people with a key on one of its rows (every version: added, replaced, put back);
* the people whose keys moved (two people merged by a sign-in sheet);
* the people with a record of an event whose date or attendance data changed (their
  "days since", "upcoming" and "no-shows" count from them).

A person's row depends on nothing else: their own records, their events, the latest
activity. Everyone is read again when nothing is kept yet, when the SQL changed, when the
latest activity moved (every "days since" changes), after a full refresh or an undo, and
when the batch's changes are not laid out (``pipelines/batch_changes.py``).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from importlib import resources

import duckdb
import pandas as pd

from pipelines import warehouse

PEOPLE = "model_follow_up_people"
SOURCES = "model_follow_up_sources"
# the events as the people were read: (event_id, starts_at, has_attendance_data)
EVENTS = "model_follow_up_events"
BASIS = "model_follow_up_basis"  # one row: the latest activity they are as of, the SQL's hash
QUERIES = ("follow_up_people", "follow_up_sources")
EVENT_STATE = """
    select e.event_id, e.starts_at, g.has_attendance_data
    from events as e left join mart_event_gap as g using (event_id)
"""


def _sql(name: str) -> str:
    return (resources.files("pipelines") / "sql" / "models" / f"{name}.sql").read_text("utf-8")


def _code_hash() -> str:
    return hashlib.sha256("\n".join(_sql(name) for name in QUERIES).encode()).hexdigest()


def read(
    con: duckdb.DuckDBPyConnection, as_of: datetime, everyone: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The people to rank as of ``as_of`` and their ids in other systems, brought up to date
    (``everyone``: why every person is read again whatever the batch was); and how."""
    why = everyone or _why_everyone(con, as_of)
    if why:
        _read_everyone(con, as_of)
        how = f"read for everyone: {why}"
    else:
        again = _read_again(con, as_of)
        how = f"read again for {again:,} {'person' if again == 1 else 'people'}"
    people = con.execute(f"select * from {PEOPLE} order by person_id").df()
    sources = con.execute(f"select * from {SOURCES} order by person_id").df()
    return people, sources, how


def _exists(con: duckdb.DuckDBPyConnection, table: str, temporary: bool = False) -> bool:
    return bool(
        warehouse.scalar(
            con,
            "select count(*) from duckdb_tables() where table_name = ? and temporary = ?",
            [table, temporary],
        )
    )


def _why_everyone(con: duckdb.DuckDBPyConnection, as_of: datetime) -> str:
    if not all(_exists(con, table) for table in (PEOPLE, SOURCES, EVENTS, BASIS)):
        return "nothing kept yet"
    kept_as_of, code = warehouse.one_row(
        con, f"select any_value(as_of), any_value(code_hash) from {BASIS}"
    )
    if code != _code_hash():
        return "its SQL changed"
    if kept_as_of != as_of:
        return "the latest activity moved"
    if not all(_exists(con, table, temporary=True) for table in ("batch_keys", "moved_keys")):
        return "the batch's changes are not known"
    return ""


def _read_everyone(con: duckdb.DuckDBPyConnection, as_of: datetime) -> None:
    con.execute(
        f"create or replace table {PEOPLE} as select * from (\n{_sql('follow_up_people')}\n)",
        {"cutoff": as_of, "until": as_of},
    )
    con.execute(
        f"create or replace table {SOURCES} as select s.* from (\n{_sql('follow_up_sources')}\n) "
        f"as s semi join {PEOPLE} using (person_id)"
    )
    con.execute(f"create or replace table {EVENTS} as {EVENT_STATE}")
    con.execute(
        f"create or replace table {BASIS} as select ?::timestamp as as_of, ? as code_hash",
        [as_of, _code_hash()],
    )


def _read_again(con: duckdb.DuckDBPyConnection, as_of: datetime) -> int:
    """Read the people the batch could have changed again; how many they are."""
    con.execute(f"""
        create or replace temp table follow_up_changed_events as
        select event_id from (({EVENT_STATE}) except (select * from {EVENTS}))
        union
        select event_id from ((select * from {EVENTS}) except ({EVENT_STATE}))
    """)
    con.execute("""
        create or replace temp table follow_up_scope as
        select person_id from person_keys where key_hash in (select key_hash from batch_keys)
        union select person_before from moved_keys where person_before is not null
        union select person_after from moved_keys where person_after is not null
        union select person_id from mart_person_records
              where not is_anonymous
                and event_id in (select event_id from follow_up_changed_events)
    """)
    try:
        people = _scoped(_sql("follow_up_people"), "mart_person_records")
        con.execute(
            f"delete from {PEOPLE} where person_id in (select person_id from follow_up_scope)"
        )
        con.execute(
            f"insert into {PEOPLE} select * from (\n{people}\n)", {"cutoff": as_of, "until": as_of}
        )
        sources = _scoped(_sql("follow_up_sources"), "person_keys")
        con.execute(
            f"delete from {SOURCES} where person_id in (select person_id from follow_up_scope)"
        )
        con.execute(
            f"insert into {SOURCES} select s.* from (\n{sources}\n) as s "
            f"semi join {PEOPLE} using (person_id)"
        )
        con.execute(f"create or replace table {EVENTS} as {EVENT_STATE}")
        return int(warehouse.scalar(con, "select count(*) from follow_up_scope"))
    finally:
        con.execute("drop table if exists temp.follow_up_scope")
        con.execute("drop table if exists temp.follow_up_changed_events")


def _scoped(sql: str, table: str) -> str:
    """``sql`` reading only the rows of ``table`` that belong to the people in scope."""
    scoped, found = re.subn(
        rf"(?i)\bfrom\s+{table}\b",
        f"from (select * from {table} where person_id in (select person_id from follow_up_scope))",
        sql,
    )
    if found != 1:
        raise ValueError(f"the follow-up's SQL must read {table} once, with 'from {table}'")
    return scoped


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """No records, no list: nothing kept, so that records coming back are read in full."""
    for table in (PEOPLE, SOURCES, EVENTS, BASIS):
        con.execute(f"drop table if exists {table}")
