"""The forecast's registrations, kept between refreshes.

``model_forecast_registrations`` holds one row per event and person registered, with what
was known of them before the event (``forecast_registrations.sql``): the rows the show-up
model learns from and forecasts with. Reading them for every event reads every record:
seconds at 10M. After a batch, only the rows of the people it could have changed are read
again (``kept_inputs.py`` says who); nothing here counts from the latest activity.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.models import kept_inputs as kept

REGISTRATIONS = "model_forecast_registrations"
EVENTS = "model_forecast_events"  # the events as the rows were read
BASIS = "model_forecast_basis"  # one row: the SQL's hash
TABLES = (REGISTRATIONS, EVENTS, BASIS)
QUERY = "forecast_registrations"


def read(con: duckdb.DuckDBPyConnection, everyone: str = "") -> tuple[pd.DataFrame, str]:
    """Every registration's row, in the query's order, brought up to date (``everyone``: why
    every person is read again whatever the batch was); and how."""
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
        how = f"read for everyone: {why}"
    else:
        count = kept.choose_people(con, EVENTS)
        try:
            query = kept.narrowed(kept.sql(QUERY), "mart_person_records")
            con.execute(
                f"delete from {REGISTRATIONS} "
                f"where person_id in (select person_id from {kept.SCOPE})"
            )
            con.execute(f"insert into {REGISTRATIONS} select * from (\n{query}\n)")
            kept.keep_events(con, EVENTS)
        finally:
            kept.drop_people(con)
        how = f"read again for {kept.people(count)}"
    # the query's own order: a large campaign's model is fitted on a sample by position
    rows = con.execute(f"select * from {REGISTRATIONS} order by event_id, person_id").df()
    return rows, how
