"""The follow-up list's inputs as of the latest activity, kept between refreshes.

``model_follow_up_people`` holds each person the list ranks, with what they had done
(``follow_up_people.sql`` as of the latest activity), and ``model_follow_up_sources`` their
ids in other systems (``follow_up_sources.sql``). Reading them for everyone reads every
record: seconds at 10M. After a batch, only the people it could have changed are read
again (``kept_inputs.py`` says who). A batch of newer data moves the latest activity: the
"days since" count from it, and are counted when the list is scored, from the times kept
on each row; the people registered for an event that starts between the latest activity
before and after the batch are read again too (a registration of theirs was upcoming).
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
# the days since a person's first and last activity count from the latest activity, which
# a batch of newer data moves: a person's row keeps the times they count from (``last_at``,
# ``first_at``), and the list counts them when it scores the people
# (``follow_up_list.write``)
AS_OF_COLUMNS = ("days_since_last", "days_since_first")
KEPT = f"select * exclude ({', '.join(AS_OF_COLUMNS)}) from"
SOURCES_SCOPE = "kept_sources_scope"  # a temporary table: the people whose ids to read again
# a temporary table: the people whose rows of PEOPLE or SOURCES were read again, left for the
# list to rewrite those people's rows only (``follow_up.refresh``), which drops it
CHANGED = "kept_follow_up_changed"


def update(con: duckdb.DuckDBPyConnection, as_of: datetime, everyone: str = "") -> str:
    """Bring the people to rank as of ``as_of`` and their ids in other systems up to date
    (``everyone``: why every person is read again whatever the batch was); says how."""
    forget_changed(con)
    why = everyone or kept.why_everyone(con, TABLES, BASIS, kept.code_hash(con, *QUERIES))
    if why:
        _read_everyone(con, as_of)
        return f"read for everyone: {why}"
    before = warehouse.scalar(con, f"select any_value(as_of) from {BASIS}")
    read = f"read again for {kept.people(_read_again(con, as_of, before))}"
    return read if before == as_of else f"{read} (the latest activity moved)"


def count(con: duckdb.DuckDBPyConnection) -> int:
    return int(warehouse.scalar(con, f"select count(*) from {PEOPLE}"))


def _read_everyone(con: duckdb.DuckDBPyConnection, as_of: datetime) -> None:
    con.execute(
        f"create or replace table {PEOPLE} as {KEPT} (\n{kept.sql(QUERIES[0])}\n)",
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


def _read_again(con: duckdb.DuckDBPyConnection, as_of: datetime, before: datetime) -> int:
    """Read the people the batch could have changed again (``before``: the latest activity
    they were read as of); how many they are."""
    count = kept.choose_people(con, EVENTS, PEOPLE_READS, listed=(EMAIL_READS, PEOPLE))
    try:
        if before != as_of:
            count = _add_registered_in_between(con, before, as_of)
        people = kept.narrowed(kept.sql(QUERIES[0]), "mart_person_records")
        con.execute(f"delete from {PEOPLE} where person_id in (select person_id from {kept.SCOPE})")
        con.execute(
            f"insert into {PEOPLE} {KEPT} (\n{people}\n)", {"cutoff": as_of, "until": as_of}
        )
        _read_sources_again(con)
        kept.keep_events(con, EVENTS)
        con.execute(f"update {BASIS} set as_of = ?", [as_of])
        con.execute(
            f"create temp table {CHANGED} as select person_id from {kept.SCOPE} "
            f"union select person_id from {SOURCES_SCOPE}"
        )
    finally:
        kept.drop_people(con, kept.SCOPE, SOURCES_SCOPE)
    return count


def _add_registered_in_between(
    con: duckdb.DuckDBPyConnection, before: datetime, as_of: datetime
) -> int:
    """Into ``kept.SCOPE``, the people registered for an event that starts between the two
    latest activities: a registration of theirs was upcoming and is past, or the other way
    round (after an import replaced by an older export), which changes their upcoming
    registrations and no-shows; how many people the scope holds."""
    con.execute(
        f"""
        insert into {kept.SCOPE}
        select distinct person_id from mart_person_records
        where not is_anonymous and record_kind = 'registration'
          and event_id in (
              select event_id from events
              where starts_at > least($before, $as_of) and starts_at <= greatest($before, $as_of))
          and person_id not in (select person_id from {kept.SCOPE})
        """,
        {"before": before, "as_of": as_of},
    )
    return int(warehouse.scalar(con, f"select count(*) from {kept.SCOPE}"))


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
