"""Post ids that Excel turned into scientific notation, given back by their permalinks.

A file re-saved by Excel shows ``6.49E+17`` where the export had
``649293177409679360``: the digits are lost from the id column, but a permalink
like ``https://twitter.com/…/status/649293177409679360`` still carries them. An id
is recovered only when the permalink's last long run of digits agrees with what
Excel kept (the same number, to the precision Excel wrote) and no other row of the
file has the same permalink; the other rows keep their scientific id and are rejected.
Meta's ``pfbid…`` permalinks carry no id: nothing recovers those.
"""

from __future__ import annotations

import duckdb

from pipelines import csv_rows, warehouse
from pipelines.staging import Column

ID_FIELD = "post_id"
PERMALINK_FIELD = "permalink"


def recover_from_permalinks(
    con: duckdb.DuckDBPyConnection, columns: list[Column], table: str = "raw"
) -> int:
    """Rewrite recoverable scientific ids in ``table`` (text, before typing); return how many."""
    by_name = {c.field.name: c.raw for c in columns if c.raw}
    id_column, permalink = by_name.get(ID_FIELD), by_name.get(PERMALINK_FIELD)
    if not id_column or not permalink:
        return 0
    # mantissa, decimals written and exponent of what Excel kept: 6.49E+17 -> 6.49, 2, 17
    con.execute(f"""
        create or replace temp table recovered_ids as
        with candidates as (
            select line,
                   replace(trim({id_column}), ',', '.') as shown,
                   regexp_extract({permalink}, '(\\d{{10,}})\\D*$', 1) as digits,
                   count(*) over (partition by trim({permalink})) as rows_with_permalink
            from {table}
        ),
        scientific as (
            select *,
                   length(regexp_extract(shown, '[.]([0-9]+)', 1)) as decimals,
                   cast(regexp_extract(shown, '[eE][+]?([0-9]+)', 1) as integer) as exponent
            from candidates
            where turnout_is_scientific(shown) and digits <> '' and rows_with_permalink = 1
        )
        select line, digits from scientific
        where abs(cast(digits as double) - cast(shown as double))
              <= 0.5 * pow(10, exponent - decimals)
    """)
    recovered = warehouse.scalar(con, "select count(*) from recovered_ids")
    if recovered:
        csv_rows.as_table(con, table)
        con.execute(f"""
            update {table} set {id_column} = recovered_ids.digits
            from recovered_ids where {table}.line = recovered_ids.line
        """)
    con.execute("drop table recovered_ids")
    return recovered
