"""From the raw text table to typed, validated rows.

The SQL is generated from a source's field declarations: each field gets a
typed expression and, where a value can be wrong, a message code with its parameters
(``pipelines/messages.py``) that a person can read. Messages never quote an email, a
phone number or a name.

A person's keys (email, phone, platform id) and name are hashed as the file is read
(:func:`read_hashed`): the raw table holds them only as keyed hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources

import duckdb

from pipelines import identity, messages, warehouse
from pipelines.errors import ImportRefused
from pipelines.sources import Field, Source, normalise_header
from pipelines.targets import TARGETS

NUMBER_LIMIT = 10**12  # no count or number of an export comes near a thousand billion
EARLIEST_DATE = "2000-01-01"  # no export of these platforms holds an older record
SCHEDULED = ("starts_at", "ends_at")  # times that may lie ahead of the import
TOTALS_WORDS = ("total", "totals", "totaux", "total general", "grand total", "sum", "somme")


def sql_text(*parts: str) -> str:
    return (resources.files("pipelines") / "sql").joinpath(*parts).read_text(encoding="utf-8")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("marts", "_macros.sql"))  # the rules staging shares with the marts
    con.execute(sql_text("staging", "_macros.sql"))
    con.execute(sql_text("staging", "_privacy.sql"))
    con.execute(messages.reason_macro())


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Column:
    field: Field
    raw: str | None  # column of the raw table, or None when the file lacks it
    label: str  # the header as written in the file


def map_columns(source: Source, headers: list[str], file_name: str) -> list[Column]:
    """Match each declared field to the first header carrying one of its names."""
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        positions.setdefault(normalise_header(header), index)
    columns = []
    for fld in source.fields:
        match = next(
            (
                positions[normalise_header(a)]
                for a in fld.aliases
                if normalise_header(a) in positions
            ),
            None,
        )
        if match is None and fld.required:
            raise ImportRefused(
                file_name, "column.missing", name=fld.aliases[0], format=source.title
            )
        raw = f"c{match + 1:03d}" if match is not None else None
        label = headers[match] if match is not None else fld.aliases[0]
        columns.append(Column(fld, raw, label))
    return columns


def decide_day_first(
    con: duckdb.DuckDBPyConnection, columns: list[Column], delimiter: str, table: str = "raw"
) -> bool:
    """Day-first or month-first, decided once per file from all its slash dates."""
    dated = [c.raw for c in columns if c.field.type == "timestamp" and c.raw]
    if not dated:
        return False
    parts = " union all ".join(
        f"select turnout_slashed({c}) as v from {table} "
        # one or two digits then a separator first: most times are not slash dates, and
        # this test is cheaper than writing every one with slashes
        f"where regexp_matches({c}, '^\\s*\\d{{1,2}}[./-]') "
        f"and regexp_matches(turnout_slashed({c}), '^\\d{{1,2}}/\\d{{1,2}}/\\d{{2,4}}')"
        for c in dated
    )
    first, second = warehouse.one_row(
        con,
        f"select max(cast(split_part(v, '/', 1) as integer)), "
        f"max(cast(split_part(v, '/', 2) as integer)) from ({parts})",
    )
    if first is None:
        return False
    if first > 12 >= second:
        return True
    if second > 12 >= first:
        return False
    return delimiter == ";"  # ambiguous: a French-locale Excel file writes day first


def _is_hashed(source: Source, column: Column) -> bool:
    """A person's key, or their name on a person-level record (it tells anonymous rows
    apart): read as a keyed hash, never kept in clear."""
    fld = column.field
    if fld.type in ("email", "phone") or (fld.type == "id" and fld.name == "platform_id"):
        return True
    return fld.name == "name" and TARGETS[source.target].person_level


def _hash_sql(column: Column, x: str) -> str:
    """SQL for the keyed hash of a hashed field, from its cell as written.

    Emails and phones are normalised first (a phone in the region's E.164 form), as the keys
    of other files were; a name is masked and lower-cased. A platform id in scientific
    notation (Excel's rounding, which no one can be found by) is kept so that its row is
    rejected quoting it.
    """
    kind = column.field.type
    prefix = f"{quote_literal(column.field.prefix)} || " if column.field.prefix else ""
    if kind == "email":
        return f"turnout_key('email', turnout_email({x}))"
    if kind == "phone":
        return identity.phone_key_sql(x)
    if kind == "id":
        return (
            f"case when turnout_is_scientific({x}) then {x} "
            f"else turnout_key('platform', {prefix}nullif(trim({x}), '')) end"
        )
    return f"turnout_key('text', lower(trim({prefix}turnout_masked(nullif(trim({x}), '')))))"


def _hashed_name(column: Column) -> str:
    return f"hashed_{column.field.name}"


def read_hashed(source: Source, columns: list[Column]) -> str:
    """The select list that reads a file's rows with its person's keys and name hashed.

    Each hashed field gets a column of its own (``hashed_<field>``: its keyed hash). The cells
    it was computed from are kept only where another field reads them too (a platform's user
    id is also its record's reference); otherwise only a totals row's word is kept, so that
    the row is still recognised (:func:`build_typed`).
    """
    hashed = [(c, c.raw) for c in columns if c.raw and _is_hashed(source, c)]
    kept = {c.raw for c in columns if c.raw and not _is_hashed(source, c)}
    words = ", ".join(quote_literal(w) for w in TOTALS_WORDS)
    emptied = sorted({x for _, x in hashed} - kept)
    replaced = ", ".join(
        f"case when lower(trim({x})) in ({words}) then {x} end as {x}" for x in emptied
    )
    added = "".join(f", {_hash_sql(c, x)} as {_hashed_name(c)}" for c, x in hashed)
    return (f"* replace ({replaced})" if replaced else "*") + added


def hashed_read(source: Source, columns: list[Column]) -> list[Column]:
    """``columns`` as :func:`read_hashed` reads them: each hashed field from its own column."""
    return [
        replace(c, raw=_hashed_name(c)) if c.raw and _is_hashed(source, c) else c for c in columns
    ]


def _reject(code: str, **params: str) -> str:
    """A row message as SQL: its code, and its parameters (SQL expressions) as JSON."""
    pairs = ", ".join(f"{quote_literal(name)}, {value}" for name, value in params.items())
    as_json = f"json_object({pairs})" if params else "cast(null as json)"
    return f"{{'code': {quote_literal(code)}, 'params': {as_json}}}"


# each message that quotes a value, and its wording for a value that looks like personal data
QUOTING = {
    "row.date_in_future": "row.date_in_future_personal",
    "row.date_out_of_range": "row.date_out_of_range_personal",
    "row.negative_count": "row.negative_count_personal",
    "row.not_a_date": "row.not_a_date_personal",
    "row.not_a_number": "row.not_a_number_personal",
    "row.number_out_of_range": "row.number_out_of_range_personal",
    "row.scientific_id": "row.scientific_id_personal",
}


def _reject_quoting(code: str, x: str, **params: str) -> str:
    """A row message quoting the value of ``x``, unless it looks like personal data."""
    pairs = ", ".join(f"{quote_literal(name)}, {value}" for name, value in params.items())
    extra = f"json_object({pairs})" if params else "cast(null as json)"
    return (
        f"turnout_reject_quoting({quote_literal(code)}, {quote_literal(QUOTING[code])}, "
        f"'value', {x}, {extra})"
    )


def _parsed_name(column: Column) -> str:
    return f"parsed_{column.field.name}"


def _parse(column: Column, decimal_mark: str, day_first: bool) -> str | None:
    """The value of a number or a time as parsed from its cell (null when it is not one):
    computed once per row as column ``parsed_<field>``, which the typed value, its check and
    its message all read (:func:`build_typed`)."""
    x, kind = column.raw, column.field.type
    if x is None:
        return None
    if kind in ("count", "number"):
        return f"turnout_number({x}, '{decimal_mark}')"
    if kind == "timestamp":
        return f"turnout_timestamp({x}, {str(day_first).lower()})"
    return None


def _typed(
    column: Column, day_first: bool, hashed: bool = False
) -> tuple[str, str | None, str | None]:
    """(typed expression, condition that makes the value bad, the row message it gets)."""
    x = column.raw
    kind = column.field.type
    if x is None:
        return "null", None, None
    if hashed:  # read as a keyed hash (read_hashed); a rounded platform id is rejected
        if kind == "id":
            return (x, f"turnout_is_scientific({x})", _reject_quoting("row.scientific_id", x))
        return x, None, None
    prefix = f"{quote_literal(column.field.prefix)} || " if column.field.prefix else ""
    if kind == "id":
        # an id is stored as written: an email, a phone or a full name in its place (a shifted
        # row) is not; ten bare digits are left alone, as many platforms' ids look like that
        # a uuid's digit runs can look like a written phone (…799878-5366…): a uuid is an id
        uuid = (
            f"regexp_full_match(trim({x}), "
            f"'[0-9a-fA-F]{{8}}(-[0-9a-fA-F]{{4}}){{3}}-[0-9a-fA-F]{{12}}')"
        )
        personal = (
            f"(not {uuid} and (turnout_has_email({x}) or turnout_has_written_phone({x}) "
            f"or (turnout_looks_like_name({x}) and contains(trim({x}), ' '))))"
        )
        return (
            f"{prefix}nullif(trim({x}), '')",
            f"(turnout_is_scientific({x}) or {personal})",
            f"case when {personal} then {_reject('row.id_looks_personal')} "
            f"else {_reject_quoting('row.scientific_id', x)} end",
        )
    if kind in ("count", "number"):
        value = _parsed_name(column)
        typed = f"cast(round({value}) as bigint)" if kind == "count" else value
        # a value beyond any real count (1e308, inf, nan) is the row's fault, not the file's:
        # typed as null so that casting it cannot stop the whole file
        in_range = f"(isfinite({value}) and abs({value}) < {NUMBER_LIMIT})"
        typed = f"case when {in_range} then {typed} end"
        # a phone number written in a count parses as a number: it is not one
        bad = (
            f"({x} is not null and ({value} is null or not {in_range} "
            f"or turnout_has_written_phone({x})))"
        )
        reject = (
            f"case when {value} is not null and not {in_range} then "
            f"{_reject_quoting('row.number_out_of_range', x)} "
            f"else {_reject_quoting('row.not_a_number', x)} end"
        )
        if kind == "count":
            bad = f"({bad} or {value} < 0)"
            reject = (
                f"case when {value} < 0 and {in_range} then "
                f"{_reject_quoting('row.negative_count', x)} else {reject} end"
            )
        return typed, bad, reject
    if kind == "timestamp":
        value = _parsed_name(column)
        example = "05/03/2026 18:30" if day_first else "2026-03-05 18:30"
        # a time an export can hold: from 2000, and not after the import (plus a day for time
        # zones) unless it is an event's schedule, which may be up to a year ahead
        latest = "interval 1 year" if column.field.name in SCHEDULED else "interval 1 day"
        bad_date = (
            f"({value} < timestamp '{EARLIEST_DATE}' or {value} > "
            f"current_timestamp::timestamp + {latest})"
        )
        too_late = f"{value} > current_timestamp::timestamp + interval 1 day"
        out_of_range = (
            "row.date_in_future" if column.field.name not in SCHEDULED else "row.date_out_of_range"
        )
        reject = (
            f"case when {value} is null then "
            f"{_reject_quoting('row.not_a_date', x, example=quote_literal(example))} "
            f"when {too_late} then {_reject_quoting(out_of_range, x)} "
            f"else {_reject_quoting('row.date_out_of_range', x)} end"
        )
        return (
            f"case when not {bad_date} then {value} end",
            f"({x} is not null and ({value} is null or {bad_date}))",
            reject,
        )
    if kind == "bool":
        return f"turnout_bool({x})", None, None
    # free text keeps no email or phone: they are masked before anything stores the value
    return f"{prefix}turnout_masked(nullif(trim({x}), ''))", None, None


def build_typed(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    columns: list[Column],
    decimal_mark: str,
    day_first: bool,
    table: str = "raw",
) -> None:
    """Create temp table ``typed``: line, one column per field, reject_column and reject
    (the code and JSON parameters of what is wrong with the row; null when nothing is).
    Each number and time is parsed once per row, in a subquery, for its value, its check
    and its message.

    ``table`` was read with :func:`read_hashed`, ``columns`` as :func:`hashed_read` gives them."""
    selects: list[str] = []
    checks: list[tuple[str, str, str]] = []  # (when the row is bad, column, its message)
    if source.file_type == "csv":
        words = ", ".join(quote_literal(w) for w in TOTALS_WORDS)
        checks.append(
            (
                f"lower(trim(c001)) in ({words}) or lower(trim(c002)) in ({words})",
                "null",
                _reject("row.totals"),
            )
        )
    parsed: list[str] = []  # each number's and time's parse, once per row
    for column in columns:
        hashed = _is_hashed(source, column)
        parse = None if hashed else _parse(column, decimal_mark, day_first)
        if parse:
            parsed.append(f"{parse} as {_parsed_name(column)}")
        typed, bad, reject = _typed(column, day_first, hashed=hashed)
        selects.append(f"{typed} as {column.field.name}")
        label = quote_literal(column.label)
        if column.field.required:
            empty = f"nullif(trim({column.raw}), '') is null"
            checks.append((empty, label, _reject("row.empty_required")))
        if bad and reject:  # _typed gives both or neither
            checks.append((bad, label, reject))
    declared = {c.field.name for c in columns}
    for name in ("email", "phone", "platform_id"):
        if name not in declared:
            selects.append(f"cast(null as varchar) as {name}")
    if checks:
        # the checks are made once per row, in order, for the number of the first one that
        # fails; its column and message are then looked up by that number (an Eventbrite
        # export's ids are checked for personal data once, not once for each)
        numbered = list(enumerate(checks))
        failed = f"case {' '.join(f'when {b} then {n}' for n, (b, _, _) in numbered)} end"
        column_case = (
            f"case failed {' '.join(f'when {n} then {c}' for n, (_, c, _) in numbered)} end"
        )
        reject_case = (
            f"case failed {' '.join(f'when {n} then {r}' for n, (_, _, r) in numbered)} end"
        )
    else:
        failed = "cast(null as integer)"
        column_case = "cast(null as varchar)"
        reject_case = "cast(null as struct(code varchar, params json))"
    con.execute(f"""
        create or replace temp table typed as
        select line, {", ".join(selects)},
               {column_case} as reject_column,
               {reject_case} as reject
        from (select *, {failed} as failed
              from (select *{"".join(", " + p for p in parsed)} from {table}))
    """)
