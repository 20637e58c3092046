"""The follow-up list written in the database (``mart_follow_up``): the kept people
(``follow_up_inputs.py``) scored with a fit's coefficients, or ranked by recency without one,
then ranked, next to their ids in other systems. ``follow_up.py`` fits the model and says
when the list is written again, in full or for the people a batch changed only."""

from __future__ import annotations

from datetime import datetime

import duckdb

from pipelines.models import follow_up_inputs, kept_inputs
from pipelines.models.showup import SOCIAL

MODEL, RECENCY = "propensity model", "recency"
COUNTS = ("registrations", "upcoming", "no_shows", "signatures", "opens", "clicks")

# the same inputs as ``follow_up.design``, in its order, as SQL over the kept people: the
# refresh ranks them in the database (tests/test_follow_up.py checks both give the same list)
_SOCIAL = ", ".join(f"'{name}'" for name in sorted(SOCIAL))
FEATURES = (
    "ln(1 + greatest(days_since_last, 0))",
    "ln(1 + greatest(days_since_first, 0))",
    *(f"ln(1 + {c})" for c in COUNTS),
    "cast(coalesce(on_list, false) as double)",
    f"cast(coalesce(channel in ({_SOCIAL}), false) as double)",
    "cast(coalesce(channel = 'email', false) as double)",
    "cast(channel is null as double)",
    f"cast(coalesce(channel not in ({_SOCIAL}, 'email'), false) as double)",
)

# one row per person (the people ranked are grouped by person; test_follow_up checks it),
# with no primary-key index: it would sit in memory through the refresh. ``order_key``: what
# ranks them, before rounding (minus the probability, or the days since the last activity)
MART_COLUMNS = """
    person_id bigint not null, rank integer not null, probability double,
    method varchar not null, days_since_last double, registrations integer,
    upcoming integer, signatures integer, action_network_uuid varchar,
    mobilize_user_id varchar, eventbrite_attendee_number varchar,
    zoom_registrant_email_hash varchar, order_key double
"""
# one row: the fingerprint of what the list was last written from, and what it was ranked
# with: the fit's parameters and the latest activity the days since count from (JSON)
WRITTEN = "model_follow_up_written"
RANK = "row_number() over (order by order_key, person_id)"


def written(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(fingerprint, ranked with) of the list as last written, or None: never written since
    the list was kept this way (``MART_COLUMNS``)."""
    if not kept_inputs.exists(con, WRITTEN):
        return None
    row = con.execute(f"select inputs_hash, ranked_with from {WRITTEN}").fetchone()
    return None if row is None else (row[0], row[1])


def keep_written(con: duckdb.DuckDBPyConnection, inputs: str, ranked_with: str) -> None:
    con.execute(
        f"create or replace table {WRITTEN} as select ? as inputs_hash, ? as ranked_with",
        [inputs, ranked_with],
    )


def write(
    con: duckdb.DuckDBPyConnection, parameters: dict, as_of: datetime, changed: str | None = None
) -> int:
    """The kept people as of ``as_of``, ranked, into ``mart_follow_up`` with their ids in
    other systems, in the database: the model's probability from the kept coefficients (or,
    without a model, the most recent first), ties in person_id order, rounded as numpy
    rounds (as ``follow_up._rank_with`` and ``follow_up._rounded`` do in pandas).
    ``changed``: a table of the people whose rows alone are written again, the others' kept
    and, if a row came or went, everyone's rank renumbered. How many rows were written."""
    values, method = [], RECENCY
    probability, order = "cast(null as double)", "days_since_last"
    if parameters["coef"] is not None:
        terms = " + ".join(f"? * {feature}" for feature in FEATURES)
        probability, order = f"1 / (1 + exp(-(? + {terms})))", "-probability"
        values, method = [*parameters["intercept"], *parameters["coef"][0]], MODEL
    people, rank, deleted = follow_up_inputs.PEOPLE, RANK, 0
    if changed:
        (deleted,) = con.execute(
            f"delete from mart_follow_up where person_id in (from {changed})"
        ).fetchone() or (0,)
        people, rank = f"(from {people} where person_id in (from {changed}))", "0"
    # the days since, as follow_up_people.sql counts them
    days = (
        "date_diff('second', last_at, ?) / 86400.0 as days_since_last, "
        "date_diff('second', first_at, ?) / 86400.0 as days_since_first"
    )
    (count,) = con.execute(
        f"""
        insert into mart_follow_up
        with kept as (select *, {days} from {people}),
        scored as (select *, {probability} as probability from kept),
        ordered as (select *, {order} as order_key from scored),
        -- ranked before the ids are joined: the window then sorts narrow rows
        ranked as (select *, {rank} as rank from ordered)
        select r.person_id, r.rank, {rounded_sql("r.probability", 4)}, ? as method,
               {rounded_sql("r.days_since_last", 1)}, r.registrations, r.upcoming,
               r.signatures, s.action_network_uuid, s.mobilize_user_id,
               s.eventbrite_attendee_number, s.zoom_registrant_email_hash, r.order_key
        from ranked as r
        left join {follow_up_inputs.SOURCES} as s using (person_id)
        """,
        [as_of, as_of, *values, method],
    ).fetchone() or (0,)
    # a rank moves only when someone ahead came onto the list, left it or moved: with no row
    # taken out or written again, none did (a sheet of people already acting, say)
    if changed and (count or deleted):
        con.execute(f"""
            update mart_follow_up set rank = ranked.rank
            from (select person_id, {RANK} as rank from mart_follow_up) as ranked
            where mart_follow_up.person_id = ranked.person_id
              and mart_follow_up.rank <> ranked.rank
        """)
    return int(count)


def rounded_sql(column: str, decimals: int) -> str:
    """numpy's rounding (scale, round half to even, scale back) in SQL: DuckDB's
    ``round_even(x, n)`` rounds the decimal value, which differs at halves (0.15 days)."""
    return f"round_even({column} * {10**decimals}, 0) / {10**decimals}"
