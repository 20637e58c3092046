"""The marts' DuckDB SQL, rewritten for Apache Spark SQL (no JVM needed here).

One source of truth: the files under ``sql/marts`` stay in DuckDB's dialect. A pinned
sqlglot translates them, after a few rewrites of the syntax tree for the places where
the two engines would silently disagree (each named in ``_rewrite``). Any function not on
``ALLOWED_FUNCTIONS`` stops the translation: a new DuckDB-only function is caught when it
is written, not when a board reads a wrong number. The allow-list only holds what the
Spark parity tests run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources

import sqlglot
from sqlglot import exp

from pipelines.errors import TurnoutError

SQLGLOT_VERSION = "30.30.0"  # the translation is checked against this release only

# The functions (sqlglot's names for them) the marts may use: each runs in the parity tests.
ALLOWED_FUNCTIONS = frozenset(
    {
        # logic, comparison, arithmetic
        "and",
        "or",
        "case",
        "if",
        "coalesce",
        "greatest",
        "least",
        "sqrt",
        "cast",
        # text and time
        "lower",
        "substring",
        "md5",
        "dayname",
        "time_to_str",
        "timestamp_trunc",
        "datediff",
        "to_months",
        "generate_series",
        "explode",
        "struct",
        "struct_extract",
        # aggregates and windows
        "count",
        "sum",
        "min",
        "max",
        "arg_min",
        "grouping",
        "row_number",
        "lag",
        "lead",
        "last_value",
    }
)

_MACRO = re.compile(
    r"create\s+or\s+replace\s+temp\s+macro\s+(\w+)\s*\(([^)]*)\)\s+as\s+(.*?);\s*(?=\n|$)",
    re.IGNORECASE | re.DOTALL,
)


# Macros whose DuckDB body Spark cannot run, with a Spark body that gives the same answer:
# create_sort_key's bytes sort as the struct's fields do, one after the other; a record id or
# a key, a 128-bit number on DuckDB, reaches Spark as its hex digits (engines/handover.py),
# since Spark has no 128-bit integer, and a fact's id is its md5's hex digits there; a moment
# and a place are the struct of the two, which min orders by moment, then place.
SPARK_MACRO_BODIES = {
    "turnout_earliest": "(case when moment is not null then {'moment': moment, 'tie': tie} end)",
    "turnout_time_and_place": (
        "(case when moment is not null and place is not null "
        "then {'moment': moment, 'place': place} end)"
    ),
    "turnout_place": "(struct_extract(time_and_place, 'place'))",
    "turnout_anonymous_person": "(-1 - cast('0x' || substring(record_id, 1, 15) as bigint))",
    "turnout_digest_text": "(digest)",
    "turnout_fact_id": "(md5(fact))",
}


class NotTranslatable(TurnoutError):
    """A mart uses SQL that Turnout does not know to give the same answer on Spark."""


def function_name(node: exp.Func) -> str:
    """sqlglot's name of a function call, lower case (``strftime`` is ``time_to_str``)."""
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    return node.sql_name().lower()


def functions_used(tree: exp.Expr) -> set[str]:
    return {function_name(node) for node in tree.find_all(exp.Func)}


def parse(sql: str) -> exp.Expr:
    """A mart's syntax tree with the shared macros written out in full."""
    return _inline_macros(sqlglot.parse_one(sql, read="duckdb"), macros())


def check_allowed(mart: str, tree: exp.Expr) -> None:
    """Raise NotTranslatable when ``tree`` calls a function outside the allow-list."""
    unknown = sorted(functions_used(tree) - ALLOWED_FUNCTIONS)
    if unknown:
        raise NotTranslatable(
            f"{mart}: {', '.join(unknown)} is not on the list of functions known to give "
            "the same result on DuckDB and Spark (pipelines/engines/transpile.py). Use "
            "another function, or add it there with a parity test that covers it."
        )


def macros() -> dict[str, tuple[list[str], exp.Expr]]:
    """The macros of ``sql/marts/_macros.sql``: name → (parameters, body); Spark's own body
    for those it cannot run as DuckDB's is written (``SPARK_MACRO_BODIES``)."""
    text = (resources.files("pipelines") / "sql" / "marts" / "_macros.sql").read_text(
        encoding="utf-8"
    )
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return {
        name.lower(): (
            [p.strip().lower() for p in params.split(",")],
            sqlglot.parse_one(SPARK_MACRO_BODIES.get(name.lower(), body), read="duckdb"),
        )
        for name, params, body in _MACRO.findall(text)
    }


def _inline_macros(tree: exp.Expr, known: Mapping[str, tuple[Sequence[str], exp.Expr]]) -> exp.Expr:
    def expand(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Anonymous) and node.name.lower() in known:
            params, body = known[node.name.lower()]
            values = dict(zip(params, node.expressions, strict=True))
            body = body.copy().transform(
                lambda n: (
                    values[n.name.lower()].copy()
                    if isinstance(n, exp.Column) and not n.table and n.name.lower() in values
                    else n
                )
            )
            # a macro's body or its arguments may call another macro
            return exp.Paren(this=_inline_macros(body, known))
        return node

    return tree.transform(expand)


def _month_number(moment: exp.Expr) -> exp.Expr:
    year = exp.Anonymous(this="year", expressions=[moment.copy()])
    month = exp.Anonymous(this="month", expressions=[moment.copy()])
    return exp.Paren(
        this=exp.Add(this=exp.Mul(this=year, expression=exp.Literal.number(12)), expression=month)
    )


def _date_diff(node: exp.DateDiff) -> exp.Expr:
    """DuckDB counts the day or month boundaries crossed; Spark whole 24-hour periods."""
    unit = node.text("unit").lower()
    end, start = node.this, node.expression
    if unit == "day":
        return exp.Anonymous(
            this="datediff",
            expressions=[exp.cast(end.copy(), "date"), exp.cast(start.copy(), "date")],
        )
    if unit == "month":
        return exp.Paren(this=exp.Sub(this=_month_number(end), expression=_month_number(start)))
    raise NotTranslatable(f"date_diff('{unit}', …) has no Spark translation here.")


def _first_value_skipping_nulls(node: exp.Expr) -> exp.Expr:
    """arg_min(x, key) skips rows where x or key is null on DuckDB; Spark's min_by does not."""
    filtered = node.this if isinstance(node, exp.Filter) else None
    call = node.this if filtered is not None else node
    value, key = call.this, call.expression
    known = exp.and_(
        exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())),
        exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null())),
    )
    condition = (
        known if filtered is None else exp.and_(exp.Paren(this=node.expression.this.copy()), known)
    )
    return exp.Filter(
        this=exp.Anonymous(this="min_by", expressions=[value.copy(), key.copy()]),
        expression=exp.Where(this=condition),
    )


def _numbering_by_value(select: exp.Select) -> None:
    """``row_number() over ()`` only names a group (mart_funnel, mart_person_tier_spans);
    on Spark the value itself names it, without a sort on one machine."""
    for projection in select.expressions:
        window = projection.this if isinstance(projection, exp.Alias) else projection
        if not (
            isinstance(window, exp.Window)
            and isinstance(window.this, exp.RowNumber)
            and not window.args.get("partition_by")
            and not window.args.get("order")
        ):
            continue
        others = [p for p in select.expressions if p is not projection]
        if len(others) != 1 or not isinstance(others[0], exp.Column):
            raise NotTranslatable(
                "row_number() over () numbers rows in no defined order; give it an order by."
            )
        window.replace(others[0].copy())


def _expand_exclude(select: exp.Select, schema: Mapping[str, Sequence[str]]) -> None:
    """``alias.* exclude (c)`` → the alias's other columns (Spark has no EXCLUDE)."""
    sources = {}
    for source in select.find_all(exp.Table):
        if source.find_ancestor(exp.Select) is select:
            sources[source.alias_or_name.lower()] = source.name.lower()
    projections = []
    for projection in select.expressions:
        star = projection.this if isinstance(projection, exp.Column) else projection
        excluded = (
            star.args.get("except_") or star.args.get("except")
            if isinstance(star, exp.Star)
            else None
        )
        if not excluded:
            projections.append(projection)
            continue
        alias = projection.table.lower() if isinstance(projection, exp.Column) else None
        table = sources.get(alias) if alias else None
        if table is None or table not in schema:
            raise NotTranslatable(
                f"{projection.sql('duckdb')}: the columns of "
                f"{table or alias} are not known to expand it."
            )
        dropped = {c.name.lower() for c in excluded}
        projections += [
            exp.column(column, table=alias)
            for column in schema[table]
            if column.lower() not in dropped
        ]
    select.set("expressions", projections)


def _rewrite(node: exp.Expr, schema: Mapping[str, Sequence[str]]) -> exp.Expr:
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)  # DuckDB's hint; Spark plans a CTE its own way
        return node
    if isinstance(node, exp.Select):
        _numbering_by_value(node)
        _expand_exclude(node, schema)
        return node
    if isinstance(node, exp.Anonymous) and node.name.lower() == "to_months":
        return exp.Anonymous(
            this="make_ym_interval", expressions=[exp.Literal.number(0), node.expressions[0].copy()]
        )
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode):
        # a generator cannot sit inside a cast on Spark: cast the array instead
        array_type = exp.DataType.build(f"array<{node.to.sql('spark')}>", dialect="spark")
        return exp.Explode(this=exp.cast(node.this.this.copy(), array_type))
    if isinstance(node, exp.Cast) and _is_hex_number(node):
        # DuckDB reads '0x…' as a number; Spark's cast gives null: conv reads the digits
        digits = node.this.expression.copy()
        conv = exp.Anonymous(
            this="conv",
            expressions=[digits, exp.Literal.number(16), exp.Literal.number(10)],
        )
        return exp.Cast(this=conv, to=node.to.copy())
    if isinstance(node, exp.Dayname):
        # Spark's dayname() says 'Sat' where DuckDB says 'Saturday'
        return exp.Anonymous(
            this="date_format", expressions=[node.this.copy(), exp.Literal.string("EEEE")]
        )
    if isinstance(node, exp.DateDiff):
        return _date_diff(node)
    if isinstance(node, exp.Filter) and isinstance(node.this, exp.ArgMin):
        return _first_value_skipping_nulls(node)
    if isinstance(node, exp.ArgMin) and not isinstance(node.parent, exp.Filter):
        return _first_value_skipping_nulls(node)
    return node


def _is_hex_number(node: exp.Cast) -> bool:
    """``cast('0x' || digits as <integer type>)``: hex digits read as a number."""
    return (
        node.to.is_type(*exp.DataType.INTEGER_TYPES)
        and isinstance(node.this, exp.DPipe)
        and isinstance(node.this.this, exp.Literal)
        and node.this.this.is_string
        and node.this.this.name.lower() == "0x"
    )


def to_spark(mart: str, sql: str, schema: Mapping[str, Sequence[str]] | None = None) -> str:
    """Spark SQL for one mart. ``schema``: table → column names, to expand ``* exclude``."""
    if sqlglot.__version__ != SQLGLOT_VERSION:
        raise NotTranslatable(
            f"The Spark translation is checked with sqlglot "
            f"{SQLGLOT_VERSION}; this is {sqlglot.__version__}."
        )
    tree = parse(sql)
    check_allowed(mart, tree)
    lowered = {table.lower(): list(columns) for table, columns in (schema or {}).items()}
    tree = tree.transform(lambda node: _rewrite(node, lowered))
    return tree.sql(dialect="spark", pretty=True)
