"""The marts' DuckDB SQL translated for Spark, checked without a JVM.

The translation's rewrites are checked for meaning by translating the Spark SQL back to
DuckDB and running both on the same values; the parity tests (test_spark_parity.py) run
the real thing on Spark.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import marts, warehouse
from pipelines.engines import transpile
from tests.conftest import ROOT

MARTS = marts.mart_files()


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict[str, list[str]]:
    """Every table's and mart's columns, from an empty warehouse with its marts built."""
    db = tmp_path_factory.mktemp("schema") / "turnout.duckdb"
    warehouse.create(db)
    with warehouse.writer(db) as con:
        marts.rebuild(con)
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "order by table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def back_in_duckdb(spark_sql: str, values: str) -> list[tuple]:
    """Run Spark SQL (read back into DuckDB's dialect) over a one-table ``values`` query."""
    sql = sqlglot.transpile(spark_sql, read="spark", write="duckdb")[0]
    with duckdb.connect() as con:
        con.execute(f"create table t as {values}")
        return con.execute(sql).fetchall()


MOMENTS = st.sampled_from(
    [None, "2026-03-10 09:00:00", "2026-03-10 09:00:00.000001", "2025-12-31 23:59:59"]
)
VALUES = st.sampled_from([None, "", "A", "B", "a", "É", "Ézé", "e\u0301", "zz"])


EARLIEST = {
    # DuckDB's turnout_earliest is a sort key, Spark's the struct
    "arg_min": "select g, arg_min(v, turnout_earliest(m, v)) as first from t group by g order by g",
    # mart_funnel_facts numbers the values and takes the least time-and-place of each group:
    # a 128-bit number on DuckDB (a moment before 1970 is a negative number of
    # microseconds), the struct on Spark
    "by place": (
        "with places as (select v, row_number() over (order by v) as place "
        "from (select distinct v from t where v is not null)), "
        "firsts as (select t.g, min(turnout_time_and_place(t.m, p.place)) as first "
        "from t left join places as p on p.v = t.v group by t.g) "
        "select f.g, p.v from firsts as f "
        "left join places as p on p.place = turnout_place(f.first) order by f.g"
    ),
}


@pytest.mark.parametrize("way", EARLIEST)
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), MOMENTS | st.just("1969-07-20 20:17:40"), VALUES),
        min_size=1,
        max_size=12,
    )
)
def test_the_earliest_value_is_the_same_on_both_engines_and_by_hand(way, rows):
    """Both ways must pick, in each group, the value of the earliest row with a time and a
    value, the least value on a tie, on DuckDB and on Spark."""
    sql = EARLIEST[way]
    listed = ", ".join(
        f"({g}, {'null' if m is None else repr(m)}::timestamp, {'null' if v is None else repr(v)})"
        for g, m, v in rows
    )
    values = f"select * from (values {listed}) as v (g, m, v)"
    by_hand = {}
    for g, m, v in rows:
        by_hand.setdefault(g, None)
        if m is not None and v is not None:
            moment = datetime.fromisoformat(m)
            by_hand[g] = min(by_hand[g] or (moment, v), (moment, v))
    expected = [(g, None if first is None else first[1]) for g, first in sorted(by_hand.items())]
    with duckdb.connect() as con:
        marts.install_macros(con)
        con.execute(f"create table t as {values}")
        on_duckdb = con.execute(sql).fetchall()
    assert on_duckdb == expected
    assert back_in_duckdb(transpile.to_spark("99_mart_first", sql), values) == expected


@pytest.mark.parametrize("stem, sql", MARTS, ids=[stem for stem, _ in MARTS])
def test_every_mart_translates_without_duckdb_only_syntax(stem, sql, schema):
    spark_sql = re.sub(
        r"/\*.*?\*/", "", transpile.to_spark(stem, sql, schema), flags=re.DOTALL
    ).upper()  # the comments may name DuckDB's functions
    for duckdb_only in (
        "DAYNAME(",
        " EXCLUDE",
        "TO_MONTHS(",
        "CAST(EXPLODE(",
        "ARG_MIN(",
        "TURNOUT_",
        "MODE(",
        "ROW_NUMBER() OVER ()",
    ):
        assert duckdb_only not in spark_sql, (stem, duckdb_only)
    sqlglot.parse_one(spark_sql, read="spark")  # and Spark's dialect reads it back


def test_every_mart_calls_only_allowed_functions():
    used = set()
    for stem, sql in MARTS:
        tree = transpile.parse(sql)
        transpile.check_allowed(stem, tree)
        used |= transpile.functions_used(tree)
    # nothing on the list that no mart uses: each entry is covered by the parity tests
    assert used == transpile.ALLOWED_FUNCTIONS, sorted(transpile.ALLOWED_FUNCTIONS ^ used)


def test_a_function_off_the_list_stops_the_translation_and_names_it():
    sql = "select event_id, jaro_similarity(name, 'vigil') as alike from events"
    with pytest.raises(transpile.NotTranslatable, match="99_mart_alike: jaro_similarity"):
        transpile.to_spark("99_mart_alike", sql)


def test_a_function_off_the_list_inside_a_macro_argument_is_caught_too():
    sql = "select turnout_wilson_low(list_avg(shares), 10) as low from t"
    with pytest.raises(transpile.NotTranslatable, match="list_avg"):
        transpile.to_spark("99_mart_shares", sql)


def test_the_translation_needs_the_pinned_sqlglot():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [
        d
        for deps in pyproject["project"]["optional-dependencies"].values()
        for d in deps
        if d.startswith("sqlglot")
    ]
    assert pins == [f"sqlglot=={transpile.SQLGLOT_VERSION}"] * len(pins) and pins


def test_day_and_month_differences_count_boundaries_as_duckdb_does():
    sql = (
        "select date_diff('day', a, b) as days, date_diff('month', a, b) as months "
        "from t order by a"
    )
    spark_sql = transpile.to_spark("99_mart_gaps", sql)
    values = (
        "select * from (values "
        "(timestamp '2026-03-14 23:00', timestamp '2026-03-15 00:10'), "
        "(timestamp '2026-01-31 12:00', timestamp '2026-03-01 08:00'), "
        "(timestamp '2025-12-15 00:00', timestamp '2026-02-14 00:00')) as v (a, b)"
    )
    # by hand: 1 day boundary and 0 whole days; Jan 31 → Mar 1 is 29 days and 2 months
    assert back_in_duckdb(spark_sql, values) == [(61, 2), (29, 2), (1, 0)]


def test_the_earliest_value_skips_null_values_and_unknown_times():
    sql = "select arg_min(campaign, turnout_earliest(occurred_at, campaign)) as campaign from t"
    spark_sql = transpile.to_spark("99_mart_first", sql)
    flat = re.sub(r"\s+", " ", spark_sql).replace("( ", "(").replace(" )", ")")
    # Spark's min_by keeps rows whose value or key is null: both are filtered out
    assert re.search(
        r"MIN_BY\(.*\) FILTER\(WHERE NOT campaign IS NULL AND NOT \(\(CASE "
        r"WHEN NOT occurred_at IS NULL",
        flat,
    ), flat
    values = (
        "select * from (values (timestamp '2026-03-10 09:00', null), "
        "(null, 'Early'), (timestamp '2026-03-10 10:00', 'B'), "
        "(timestamp '2026-03-10 10:00', 'A')) as v (occurred_at, campaign)"
    )
    assert back_in_duckdb(spark_sql, values) == [("A",)]


def test_the_weekday_is_the_full_english_name():
    spark_sql = transpile.to_spark("99_mart_day", "select dayname(starts_at) as d from t")
    assert "DATE_FORMAT(starts_at, 'EEEE')" in spark_sql


def test_a_numbering_that_only_names_groups_uses_the_value_itself():
    sql = (
        "select person_id, row_number() over () as person_no "
        "from (select distinct person_id from t)"
    )
    spark_sql = transpile.to_spark("99_mart_numbers", sql)
    assert "person_id AS person_no" in spark_sql
    with pytest.raises(transpile.NotTranslatable, match="order by"):
        transpile.to_spark("99_mart_rank", "select a, b, row_number() over () as n from t")


def test_star_exclude_is_spelt_out_from_the_schema():
    sql = "select r.* exclude (person_id), 1 as person_id from mart_x as r"
    spark_sql = transpile.to_spark("99_mart_y", sql, {"mart_x": ["a", "person_id", "b"]})
    assert re.sub(r"\s+", " ", spark_sql) == "SELECT r.a, r.b, 1 AS person_id FROM mart_x AS r"
    with pytest.raises(transpile.NotTranslatable, match="not known"):
        transpile.to_spark("99_mart_y", sql, {})


def test_a_cast_generator_becomes_a_generator_over_a_cast_array():
    sql = "select cast(unnest(generate_series(a, b, interval 1 month)) as date) as month from t"
    spark_sql = transpile.to_spark("99_mart_months", sql)
    assert "EXPLODE(CAST(SEQUENCE(a, b, INTERVAL '1' MONTH) AS ARRAY<DATE>))" in spark_sql


def test_the_month_window_is_a_year_month_interval():
    spark_sql = transpile.to_spark("99_mart_w", "select month + to_months(3) as m from t")
    assert "MAKE_YM_INTERVAL(0, 3)" in spark_sql


def test_an_anonymous_person_is_numbered_from_hex_digits_on_spark_too():
    sql = "select turnout_anonymous_person(record_id) as person_id from t"
    spark_sql = transpile.to_spark("99_mart_anonymous", sql)
    # Spark's cast of '0x…' gives null: the digits are read by conv, base 16 to base 10
    assert "CAST(CONV(SUBSTRING(record_id, 1, 15), 16, 10) AS BIGINT)" in spark_sql
    assert "'0x'" not in spark_sql
    con = duckdb.connect()
    marts.install_macros(con)
    # by hand: 0x00000000000001a = 26, so -1 - 26; fff…f (15 digits) = 2^60 - 1
    # on DuckDB a record id is the number of its 32 hex digits; by hand:
    # 0x00000000000001a = 26, so -1 - 26; fff…f (15 digits) = 2^60 - 1
    found = con.execute(
        "select turnout_anonymous_person(cast(? as uhugeint)), "
        "turnout_anonymous_person(cast(? as uhugeint))",
        ["0x00000000000001a" + "f" * 17, "0x" + "f" * 32],
    ).fetchone()
    assert found == (-27, -(2**60))


def test_a_digest_gives_the_same_person_and_text_on_both_engines():
    """DuckDB holds a record id or a key as a number, Spark as the hex digits the hand-over
    writes: Spark's bodies of the macros, run on the digits, answer as DuckDB's do on the
    number."""
    con = duckdb.connect()
    marts.install_macros(con)
    digests = [hashlib.md5(str(n).encode()).hexdigest() for n in range(200)]
    digests += ["0" * 31 + "1", "f" * 32, "0" * 15 + "f" * 17]  # leading zeros, the top
    for name in ("turnout_anonymous_person", "turnout_digest_text"):
        spark_body = transpile.SPARK_MACRO_BODIES[name]
        (parameter,) = transpile.macros()[name][0]
        for digits in digests:
            on_duckdb = con.execute(
                f"select {name}(cast('0x' || ? as uhugeint))", [digits]
            ).fetchone()
            on_spark = con.execute(
                f"select {spark_body} from (select ? as {parameter})", [digits]
            ).fetchone()
            assert on_duckdb == on_spark, (name, digits)


def test_the_macros_file_is_read_whole():
    assert set(transpile.macros()) == {
        "turnout_wilson_low",
        "turnout_wilson_high",
        "turnout_earliest",
        "turnout_time_and_place",
        "turnout_place",
        "turnout_slacktivism",
        "turnout_is_latest",
        "turnout_is_cancelled",
        "turnout_pyramid_metric",
        "turnout_known_channel",
        "turnout_anonymous_person",
        "turnout_digest_text",
        "turnout_fact_id",
        "turnout_person_fact_id",
    }
    assert (
        Path(ROOT / "pipelines" / "sql" / "marts" / "_macros.sql")
        .read_text(encoding="utf-8")
        .count("create or replace temp macro")
        == 14
    )


def test_a_fact_id_is_the_same_md5_on_both_engines():
    """DuckDB keeps a fact's id as the md5 of its text as a number, Spark as the md5's hex
    digits: written as Spark's digits (as the parity test writes every 128-bit number),
    DuckDB's number is Python's md5 of the text, leading zeros kept."""
    con = duckdb.connect()
    marts.install_macros(con)
    texts = [f"commitment:{n}:event:e{n % 7}" for n in range(300)]
    digests = {t: hashlib.md5(t.encode()).hexdigest() for t in texts}
    assert any(d.startswith("0") for d in digests.values())  # a leading zero is among them
    for text, digits in digests.items():
        on_duckdb = con.execute("select printf('%032x', turnout_fact_id(?))", [text]).fetchone()
        assert on_duckdb == (digits,), text


def test_a_macro_calling_a_macro_is_written_out_on_spark():
    """turnout_person_fact_id calls turnout_fact_id: Spark gets the md5 of the text, and no
    macro's name is left for it to not know."""
    spark_sql = transpile.to_spark(
        "99_mart_facts",
        "select turnout_person_fact_id(stage, person_id, event_id, petition_id, "
        "email_campaign_id) as fact_id from t",
    )
    assert "turnout_" not in spark_sql.lower()
    assert "MD5(" in spark_sql.upper()
    con = duckdb.connect()
    marts.install_macros(con)
    on_duckdb = con.execute(
        "select printf('%032x', turnout_person_fact_id('action', 42, 'vigil', null, null))"
    ).fetchone()
    assert on_duckdb == (hashlib.md5(b"action:42:event:vigil").hexdigest(),)


def test_the_latest_snapshot_keeps_one_row_per_thing_on_spark_too():
    sql = "select event_id, going from t qualify turnout_is_latest(event_id, snapshot_at)"
    spark_sql = transpile.to_spark("99_mart_latest", sql)
    values = (
        "select * from (values ('e1', date '2026-03-01', 30), "
        "('e1', date '2026-03-04', 28), ('e2', date '2026-03-02', 4)) "
        "as v (event_id, snapshot_at, going)"
    )
    # by hand: e1's newer snapshot (4 March, 28 going); e2's only one
    assert sorted(back_in_duckdb(spark_sql, values)) == [("e1", 28), ("e2", 4)]


def test_every_cancelled_word_is_cancelled_on_spark_too():
    sql = "select status, turnout_is_cancelled(status) as gone from t"
    spark_sql = transpile.to_spark("99_mart_cancelled", sql)
    words = (
        "not attending",
        "Cancelled",
        "canceled",
        "refunded",
        "deleted",
        "transferred",
        "denied",
        "rejected",
        "declined",
    )
    kept = ("attending", "checked in", "registered", "accepted", "approved", None)
    values = (
        "select * from (values "
        + ", ".join(f"('{w}')" if w else "(null)" for w in words + kept)
        + ") as v (status)"
    )
    found = dict(back_in_duckdb(spark_sql, values))
    assert found == {**dict.fromkeys(words, True), **dict.fromkeys(kept, False)}
