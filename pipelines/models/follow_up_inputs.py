"""The follow-up list's inputs as of the latest activity, kept between refreshes.

``model_follow_up_people`` holds each person the list ranks, with what they had done
(``follow_up_people.sql`` as of the latest activity), and ``model_follow_up_sources`` their
ids in other systems (``follow_up_sources.sql``). Reading them for everyone reads every
record: seconds at 10M. After a batch, only the people it could have changed are read
again (``kept_inputs.py`` says who), unless the latest activity moved: every "days since"
counts from it, and everyone is read again.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from pipelines import warehouse
from pipelines.identity import PERSON_TABLES
from pipelines.models import kept_inputs as kept

PEOPLE = "model_follow_up_people"
SOURCES = "model_follow_up_sources"
EVENTS = "model_follow_up_events"  # the events as the people were read
BASIS = "model_follow_up_basis"  # one row: the latest activity they are as of, the SQL's hash
TABLES = (PEOPLE, SOURCES, EVENTS, BASIS)
QUERIES = ("follow_up_people", "follow_up_sources")
# a person's ids in other systems come from their registrations and signatures alone: a
# newsletter's opens and clicks, hundreds of thousands of people at 10M, change none of them
SOURCE_READS = ("registrations", "signatures")
# a person is ranked when they committed and never acted, which email records (awareness
# and engagement) cannot change: a newsletter's people are read again only when on the list
EMAIL_READS = ("email_activity",)
PEOPLE_READS = tuple(table for table in PERSON_TABLES if table not in EMAIL_READS)
SOURCES_SCOPE = "kept_sources_scope"  # a temporary table: the people whose ids to read again
# a temporary table: the people whose rows of PEOPLE or SOURCES were read again, left for the
# list to rewrite those people's rows only (``follow_up.refresh``), which drops it
CHANGED = "kept_follow_up_changed"


def update(con: duckdb.DuckDBPyConnection, as_of: datetime, everyone: str = "") -> str:
    """Bring the people to rank as of ``as_of`` and their ids in other systems up to date
    (``everyone``: why every person is read again whatever the batch was); says how."""
    forget_changed(con)
    why = everyone or kept.why_everyone(con, TABLES, BASIS, kept.code_hash(con, *QUERIES))
    if not why and warehouse.scalar(con, f"select any_value(as_of) from {BASIS}") != as_of:
        why = "the latest activity moved"
    if why:
        _read_everyone(con, as_of)
        return f"read for everyone: {why}"
    return f"read again for {kept.people(_read_again(con, as_of))}"


def count(con: duckdb.DuckDBPyConnection) -> int:
    return int(warehouse.scalar(con, f"select count(*) from {PEOPLE}"))


def _read_everyone(con: duckdb.DuckDBPyConnection, as_of: datetime) -> None:
    con.execute(
        f"create or replace table {PEOPLE} as select * from (\n{kept.sql(QUERIES[0])}\n)",
        {"cutoff": as_of, "until": as_of},
    )
    con.execute(
        f"create or replace table {SOURCES} as select s.* from (\n{kept.sql(QUERIES[1])}\n) "
        f"as s semi join {PEOPLE} using (person_id)"
    )
    kept.keep_events(con, EVENTS)
    con.execute(
        f"create or replace table {BASIS} as select ?::timestamp as as_of, ? as code_hash",
        [as_of, kept.code_hash(con, *QUERIES)],
    )


def _read_again(con: duckdb.DuckDBPyConnection, as_of: datetime) -> int:
    """Read the people the batch could have changed again; how many they are."""
    count = kept.choose_people(con, EVENTS, PEOPLE_READS, listed=(EMAIL_READS, PEOPLE))
    try:
        people = kept.narrowed(kept.sql(QUERIES[0]), "mart_person_records")
        con.execute(f"delete from {PEOPLE} where person_id in (select person_id from {kept.SCOPE})")
        con.execute(
            f"insert into {PEOPLE} select * from (\n{people}\n)", {"cutoff": as_of, "until": as_of}
        )
        _read_sources_again(con)
        kept.keep_events(con, EVENTS)
        con.execute(
            f"create temp table {CHANGED} as select person_id from {kept.SCOPE} "
            f"union select person_id from {SOURCES_SCOPE}"
        )
    finally:
        kept.drop_people(con, kept.SCOPE, SOURCES_SCOPE)
    return count


def _read_sources_again(con: duckdb.DuckDBPyConnection) -> None:
    """The ids of the people with a registration or a signature in the batch, or whose keys
    moved, and of those who came onto the list or left it (``kept.SCOPE``: whose rows of
    ``PEOPLE`` were read again; the ids are kept for the people on it only)."""
    kept.choose_people(con, None, SOURCE_READS, into=SOURCES_SCOPE)
    con.execute(f"""
        insert into {SOURCES_SCOPE}
        (select person_id from {kept.SCOPE} semi join {PEOPLE} using (person_id)
         anti join {SOURCES} using (person_id))
        union
        (select person_id from {kept.SCOPE} semi join {SOURCES} using (person_id)
         anti join {PEOPLE} using (person_id))
    """)
    sources = kept.narrowed(kept.sql(QUERIES[1]), "person_keys", SOURCES_SCOPE)
    con.execute(f"delete from {SOURCES} where person_id in (select person_id from {SOURCES_SCOPE})")
    con.execute(
        f"insert into {SOURCES} select s.* from (\n{sources}\n) as s "
        f"semi join {PEOPLE} using (person_id)"
    )


def changed(con: duckdb.DuckDBPyConnection) -> str | None:
    """The temporary table of the people whose rows ``update`` read again, or None when it
    read everyone's."""
    return CHANGED if kept.exists(con, CHANGED, temporary=True) else None


def forget_changed(con: duckdb.DuckDBPyConnection) -> None:
    kept.drop_people(con, CHANGED)


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """No records, no list: nothing kept, so that records coming back are read in full."""
    kept.drop(con, TABLES)
