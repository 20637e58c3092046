"""The forecast's inputs: the frames it is made from, and its registrations kept between
refreshes.

``model_forecast_registrations`` holds one row per event and person registered, with what
was known of them before the event (``forecast_registrations.sql``): the rows the show-up
model learns from and forecasts with. Reading them for every event reads every record:
seconds at 10M. After a batch, only the rows of the people it could have changed are read
again (``kept_inputs.py`` says who); nothing here counts from the latest activity.

With its fit kept, the forecast turns into frames only the rows of the events it forecasts
again (the others keep theirs) and counts the rest here: at 10M, hundreds of thousands of
rows it no longer copies out of the database after each batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import duckdb
import pandas as pd

from pipelines import warehouse
from pipelines.identity import PERSON_TABLES
from pipelines.models import kept_inputs as kept

REGISTRATIONS = "model_forecast_registrations"
EVENTS = "model_forecast_events"  # the events as the rows were read
BASIS = "model_forecast_basis"  # one row: the SQL's hash
TABLES = (REGISTRATIONS, EVENTS, BASIS)
QUERY = "forecast_registrations"
# an email opened or clicked is never a registration, an attendance or a channel said before
# an event (the query leaves email records out): a newsletter's activity alone, hundreds of
# thousands of people at 10M, changes no one's rows here
READS = tuple(table for table in PERSON_TABLES if table != "email_activity")


# the frames the forecast is made from --------------------------------------------------

EVENT_COLUMNS = ["event_id", "starts_at", "kind", "is_online", "reminder_sent"]


@dataclass
class Frames:
    """The events and their registrations, as the show-up model and its fallback read them."""

    events: pd.DataFrame  # forecast_events.sql
    registrations: pd.DataFrame  # forecast_registrations.sql joined with event attributes

    @property
    def past(self) -> pd.DataFrame:
        """Past events the forecast can be checked against."""
        return past_of(self.events)

    @cached_property
    def by_event(self) -> dict[str, pd.DataFrame]:
        """Each event's registrations, in their order: grouped once rather than every row
        compared with each event's id in turn."""
        return {
            str(event_id): rows
            for event_id, rows in self.registrations.groupby("event_id", sort=False)
        }


def past_of(events: pd.DataFrame) -> pd.DataFrame:
    """Past events the forecast can be checked against."""
    return events[
        ~events["is_upcoming"] & events["has_attendance_data"] & (events["registered"] > 0)
    ]


def read_events(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every event with what the forecast may know of it (``forecast_events.sql``)."""
    events = con.execute(kept.sql("forecast_events")).df()
    for column in (
        "registered",
        "attended",
        "walk_ins",
        "registered_attended",
        "facebook_going",
        "facebook_interested",
    ):
        events[column] = events[column].astype(float)
    return events


def frames_of(events: pd.DataFrame, registrations: pd.DataFrame) -> Frames:
    return Frames(events, registrations.merge(events[EVENT_COLUMNS], on="event_id"))


# the kept registrations ---------------------------------------------------------------


def update(con: duckdb.DuckDBPyConnection, everyone: str = "") -> str:
    """Bring the kept registrations up to date (``everyone``: why every person is read again
    whatever the batch was); says how."""
    why = everyone or kept.why_everyone(con, TABLES, BASIS, kept.code_hash(con, QUERY))
    if why:
        con.execute(
            f"create or replace table {REGISTRATIONS} as select * from (\n{kept.sql(QUERY)}\n)"
        )
        kept.keep_events(con, EVENTS)
        con.execute(
            f"create or replace table {BASIS} as select ? as code_hash",
            [kept.code_hash(con, QUERY)],
        )
        return f"read for everyone: {why}"
    count = kept.choose_people(con, EVENTS, READS)
    try:
        query = kept.narrowed(kept.sql(QUERY), "mart_person_records")
        con.execute(
            f"delete from {REGISTRATIONS} where person_id in (select person_id from {kept.SCOPE})"
        )
        con.execute(f"insert into {REGISTRATIONS} select * from (\n{query}\n)")
        kept.keep_events(con, EVENTS)
    finally:
        kept.drop_people(con)
    return f"read again for {kept.people(count)}"


def frames(
    con: duckdb.DuckDBPyConnection, events: pd.DataFrame, of: list[str] | None = None
) -> Frames:
    """``events`` and the kept registrations of the events ``of`` (None: of every event),
    joined with their event's attributes, in the query's order: a large campaign's model is
    fitted on a sample picked by position. The same frames as ``frames_of``: joined in the
    database, 867,648 rows at 10M take 0.40 s instead of 0.49 s (medians of 8, in turns).
    Their event ids, channels and kinds are categories, read as numbers: as text, each row's
    three strings became Python objects, and the frames of the 10M campaign took
    0.58-1.25 s instead of 0.28-0.36 s (three new processes each, in turns)."""
    channels = [
        channel
        for (channel,) in con.execute(
            f"select distinct channel from {REGISTRATIONS} where channel is not null "
            "order by channel"
        ).fetchall()
    ]
    kinds = sorted(events["kind"].dropna().unique())
    numbered = events[EVENT_COLUMNS].assign(event_number=range(len(events)))
    con.register("forecast_frame_events", numbered)
    try:
        registrations = con.execute(
            f"""
            select
                r.* replace (
                    e.event_number as event_id,
                    coalesce(list_position(?, r.channel), 0) - 1 as channel
                ),
                e.* exclude (event_id, event_number) replace (
                    coalesce(list_position(?, e.kind), 0) - 1 as kind
                )
            from {REGISTRATIONS} as r
            join forecast_frame_events as e on e.event_id = r.event_id
            where ? is null or list_contains(?, r.event_id)
            order by r.event_id, r.person_id
            """,
            [channels, kinds, of, of],
        ).df()
    finally:
        con.unregister("forecast_frame_events")
    for column, values in (
        ("event_id", events["event_id"]),
        ("channel", channels),
        ("kind", kinds),
    ):
        # -1: no value (a registration without a channel, an event without a kind)
        codes = registrations[column].to_numpy()
        registrations[column] = pd.Categorical.from_codes(codes, categories=pd.Index(values))
    return Frames(events, registrations)


def training(con: duckdb.DuckDBPyConnection, events: list[str]) -> tuple[int, int]:
    """How many kept registrations ``events`` have, and how many of them came."""
    counted, came = warehouse.one_row(
        con,
        f"select count(*), count(*) filter (where came) from {REGISTRATIONS} "
        "where list_contains(?, event_id)",
        [events],
    )
    return int(counted), int(came)


def known_then(con: duckdb.DuckDBPyConnection, events: pd.DataFrame) -> dict[str, int]:
    """For each of ``events`` (``event_id``, ``forecast_at``), how many of its kept
    registrations were made by the time it is forecast at."""
    con.register("forecast_times", events[["event_id", "forecast_at"]])
    try:  # read in the refresh's transaction: the kept rows were just brought up to date
        counted = con.execute(f"""
            select e.event_id, count(*) as known
            from {REGISTRATIONS} as r
            join forecast_times as e on e.event_id = r.event_id
            where r.registered_at <= e.forecast_at
            group by e.event_id
        """).fetchall()
    finally:
        con.unregister("forecast_times")
    return {event_id: int(known) for event_id, known in counted}
