"""Marts: one SQL file per table in ``sql/marts``, rebuilt in full or refreshed after a batch.

The full rebuild (``rebuild``) runs every mart's SQL file in name order: it is the
reference, and the same files run on Spark. The refresh after a batch (``refresh``) brings
each mart up to date the way its SQL file declares, in one header line:

* ``-- refresh: incremental by <key columns>``: the batch's rows are taken out and put
  back by those columns, as ``<stem>.delta.sql`` beside it says (``pipelines/mart_delta.py``
  runs it: which keys to redo, which rows of each upstream table the mart's own SQL needs
  for them, and when to rebuild it in full instead);
* ``-- refresh: full (<why>)``: rebuilt from scratch every time;
* ``-- materialized: view``: a view, nothing to refresh.

A mart is rebuilt in full, whatever it declares, when its SQL (or anything it is built
with) changed since it was last built, when its delta's ``full when`` check says so, when
every table it reads is small (``SMALL_INPUT_ROWS``: rebuilding is then as fast), or when
a mart it reads was rebuilt in full and its keys do not come from what changed there. A
mart rebuilt in full that a later delta reads the change of leaves that change too (its
old rows against its new ones). The refresh returns what it did for each mart.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import duckdb

from pipelines import mart_delta, pyramid, warehouse
from pipelines.import_types import Progress
from pipelines.mart_types import Delta, Mart, MartRefresh

__all__ = ["Delta", "Mart", "MartRefresh", "marts", "rebuild", "refresh"]

# part of every mart's fingerprint: a change to how marts are refreshed rebuilds them all
REFRESH_VERSION = "1"
_DECLARATION = re.compile(r"^-- refresh: (incremental by|full)\b(.*)$", re.MULTILINE)
_SECTION = re.compile(r"^-- (keys|input [a-z_][a-z0-9_]*|rows|full when)\b:?(.*)$", re.MULTILINE)


def _folder() -> Traversable:
    return resources.files("pipelines") / "sql" / "marts"


def mart_files() -> list[tuple[str, str]]:
    """(file stem, SQL) of every mart, in build order; ``.delta.sql`` files are not marts."""
    return sorted(
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in _folder().iterdir()
        if entry.name.endswith(".sql")
        and not entry.name.startswith("_")
        and not entry.name.endswith(".delta.sql")
    )


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_macros_text())


def _macros_text() -> str:
    return (_folder() / "_macros.sql").read_text(encoding="utf-8")


def table_name(file_stem: str) -> str:
    """``10_mart_funnel`` → ``mart_funnel``: a numeric prefix only orders the rebuild."""
    head, _, rest = file_stem.partition("_")
    return rest if head.isdigit() else file_stem


def is_view(sql: str) -> bool:
    """A mart whose header says ``-- materialized: view`` is a view over other marts."""
    return "\n-- materialized: view" in "\n" + sql


def parse_delta(text: str) -> Delta:
    """The sections of a delta file: each starts at a ``-- keys:`` (or ``-- keys: within
    <columns>``), ``-- input <table>:`` (or ``-- input <table>: as a table``, ``... as a
    table when few``), ``-- rows:`` or ``-- full when: <why>`` line and runs to the next one."""
    found = list(_SECTION.finditer(text))
    sections: dict[str, str] = {}
    reason, within = "", ""
    tables: dict[str, set[str]] = {"as a table": set(), "as a table when few": set()}
    for match, following in zip(found, found[1:] + [None], strict=True):
        end = following.start() if following else len(text)
        section, rest = match.group(1), match.group(2).strip()
        sections[section] = text[match.end() : end].strip()
        if section == "full when":
            reason = rest
        if section == "keys":
            within = rest
        if section.startswith("input ") and rest:
            if rest not in tables:
                raise ValueError(
                    f"'-- {section}: {rest}': only 'as a table' or 'as a table when few' "
                    "may follow it"
                )
            tables[rest].add(section.removeprefix("input "))
    if "keys" not in sections:
        raise ValueError("a delta file needs a '-- keys:' section")
    if within and not within.startswith("within "):
        raise ValueError(f"'-- keys: {within}': only 'within <columns>' may follow '-- keys:'")
    return Delta(
        keys=sections["keys"],
        within=tuple(c.strip() for c in within.removeprefix("within ").split(",") if c.strip()),
        inputs={
            name.removeprefix("input "): sql
            for name, sql in sections.items()
            if name.startswith("input ")
        },
        input_tables=frozenset(tables["as a table"]),
        input_tables_when_few=frozenset(tables["as a table when few"]),
        rows=sections.get("rows"),
        full_when=sections.get("full when"),
        full_when_reason=reason,
    )


@cache
def marts() -> tuple[Mart, ...]:
    """Every mart with how it declares it is refreshed, in build order."""
    found = []
    for stem, sql in mart_files():
        declared = _DECLARATION.search(sql)
        keys: tuple[str, ...] = ()
        why, delta = "", None
        if declared and declared.group(1) == "incremental by":
            keys = tuple(column.strip() for column in declared.group(2).split(","))
            delta = parse_delta((_folder() / f"{stem}.delta.sql").read_text(encoding="utf-8"))
        elif declared:
            why = declared.group(2).strip().strip("()").strip() or "declared"
        else:
            why = "no refresh declared"
        found.append(Mart(stem, table_name(stem), sql, is_view(sql), keys, why, delta))
    return tuple(found)


def _tokens(sql: str) -> set[str]:
    code = re.sub(r"--[^\n]*", "", sql)
    return set(re.findall(r"[a-z_][a-z0-9_]*", code.lower()))


def reads(mart: Mart, other: str) -> bool:
    """Whether ``mart`` reads the mart named ``other`` (its table, or its change)."""
    tokens = _tokens(mart.sql + "\n" + (_delta_text(mart) or ""))
    return bool({other, f"removed_{other}", f"added_{other}"} & tokens)


def _delta_text(mart: Mart) -> str | None:
    if not mart.incremental:
        return None
    return (_folder() / f"{mart.stem}.delta.sql").read_text(encoding="utf-8")


def fingerprint(mart: Mart, rules: dict[str, object]) -> str:
    """What a mart's rows are made with besides the data: a different one rebuilds it."""
    digest = hashlib.sha256(REFRESH_VERSION.encode())
    for part in (mart.sql, _delta_text(mart) or "", _macros_text()):
        digest.update(part.encode() + b"\0")
    if "pyramid_" in mart.sql:
        digest.update(json.dumps(rules, sort_keys=True).encode())
    return digest.hexdigest()


def _prepare(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    install_macros(con)
    rules = pyramid.rules_for(con)
    pyramid.install_rules(con, rules)  # the tier marts join the campaign's pyramid rules
    return rules


def _build(con: duckdb.DuckDBPyConnection, mart: Mart) -> None:
    kind = "view" if mart.is_view else "table"
    was = con.execute(
        "select case table_type when 'VIEW' then 'view' else 'table' end "
        "from information_schema.tables "
        "where table_schema = 'main' and table_name = ?",
        [mart.name],
    ).fetchone()
    if was and was[0] != kind:  # a mart that changed kind
        con.execute(f"drop {was[0]} {mart.name}")
    con.execute(f"create or replace {kind} {mart.name} as {mart.sql}")


def _record(con: duckdb.DuckDBPyConnection, built: list[tuple[str, str, str]]) -> None:
    """Each mart's (name, code, how it was built) in ``mart_refresh_state``, in one statement
    (one per mart took 3-4 ms each, at any size)."""
    rows = ", ".join("(?, ?, ?)" for _ in built)
    con.execute(
        "insert or replace into mart_refresh_state "
        f"select mart, code, current_timestamp::timestamp, how from (values {rows}) "
        "as built(mart, code, how)",
        [value for row in built for value in row],
    )


def _has_state(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        warehouse.scalar(
            con,
            "select count(*) from information_schema.tables "
            "where table_name = 'mart_refresh_state'",
        )
    )


def rebuild(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild every mart from scratch, in name order (the reference)."""
    rules = _prepare(con)
    keep_state = _has_state(con)
    for mart in marts():
        _build(con, mart)
    if keep_state:
        _record(
            con,
            [
                (mart.name, fingerprint(mart, rules), "view" if mart.is_view else "full")
                for mart in marts()
            ],
        )
    return [mart.name for mart in marts()]


def stale(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Marts built with other SQL (or rules) than today's, or never built."""
    rules = pyramid.rules_for(con)
    stored = dict(con.execute("select mart, code_hash from mart_refresh_state").fetchall())
    return [m.name for m in marts() if stored.get(m.name) != fingerprint(m, rules)]


def refresh(
    con: duckdb.DuckDBPyConnection, full: bool = False, progress: Progress | None = None
) -> list[MartRefresh]:
    """Bring every mart up to date with the batch laid out by ``pipelines/batch_changes.py``,
    inside the caller's transaction: incrementally where a mart declares how, in full
    where it must be (``full``: every mart in full)."""
    step = progress or (lambda _name: None)
    rules = _prepare(con)
    con.execute(f"set variable turnout_full_share = {float(FULL_SHARE)!r}")
    stored = dict(con.execute("select mart, code_hash from mart_refresh_state").fetchall())
    sizes = dict(
        con.execute(
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'main'"
        ).fetchall()
    )
    small = {m.name: _small(m, sizes) for m in marts() if m.incremental}
    # built with other SQL, or missing: rebuilt in full, whatever changed before them
    codes = {m.name: fingerprint(m, rules) for m in marts()}
    redone = {m.name for m in marts() if stored.get(m.name) != codes[m.name]}
    redone |= {m.name for m in marts() if not m.is_view and m.name not in sizes}
    # rebuilt in full (not for being small): whether what changed in it is known
    rebuilt: dict[str, bool] = {}
    done, built = [], []
    for mart in marts():
        code = codes[mart.name]
        why = _why_full(
            con, mart, full, stored.get(mart.name) != code, mart.name not in sizes, rebuilt, small
        )
        too_small = "" if why else small.get(mart.name, "")
        how = "view" if mart.is_view else "full" if why or too_small else "incremental"
        step(f"{mart.name}: {how if how != 'full' else 'in full'}")
        begun = time.perf_counter()
        if how == "incremental":
            outcome = mart_delta.run(con, mart)
            if outcome.how == "full":  # its keys reach too many: rebuilt in full after all
                how, why = "full", outcome.why
        if how != "incremental":
            # a mart after it reads what changed in it: keep the rows it had, to compare
            keep = (
                how == "full"
                and not full
                and mart.name in sizes
                and _change_read(mart, small, redone)
            )
            if keep:
                con.execute(
                    f"create or replace temp table before_{mart.name} as select * from {mart.name}"
                )
            _build(con, mart)
            known = keep and mart_delta.change_of_rebuild(con, mart.name)
            if how == "full" and not too_small:
                rebuilt[mart.name] = known
            outcome = MartRefresh(mart.name, how, why or too_small)
        outcome.seconds = time.perf_counter() - begun
        built.append((mart.name, code, how))
        done.append(outcome)
    _record(con, built)
    mart_delta.clear(con, [m.name for m in marts()])
    return done


# below this many rows in its largest input, rebuilding a mart costs about what finding
# and redoing its changed rows costs (benchmarks/RESULTS.md, at 100,000 interactions)
SMALL_INPUT_ROWS = 250_000
# above this share of people reached by a batch, a mart kept per person is rebuilt in full:
# reading their records costs what rebuilding costs (a newsletter reaches four in ten).
# The deltas' "full when" read it as getvariable('turnout_full_share').
FULL_SHARE = 0.1


def _small(mart: Mart, sizes: dict[str, int]) -> str:
    """Why an incremental mart is rebuilt in full anyway: every table it reads is small."""
    inputs = [sizes[name] for name in _tokens(mart.sql) if name in sizes]
    largest = max(inputs, default=0)
    if largest >= SMALL_INPUT_ROWS:
        return ""
    return f"small: its largest input has {largest:,} rows, rebuilding is as fast"


def _change_read(mart: Mart, small: dict[str, str], redone: set[str]) -> bool:
    """Whether a mart after ``mart``, refreshed incrementally (not too small for it, nor
    among the marts ``redone`` in full anyway), reads what changed in it. After an upgrade
    that changes every mart's SQL, none does (at 10M, comparing every mart's rows before
    and after its rebuild took 121 s; the rebuilds, 44 s)."""
    return any(
        _reads_change(other, mart.name)
        for other in marts()
        if other.incremental and not small.get(other.name) and other.name not in redone
    )


def _reads_change(mart: Mart, other: str) -> bool:
    return bool({f"removed_{other}", f"added_{other}"} & _tokens(_delta_text(mart) or ""))


def _why_full(
    con: duckdb.DuckDBPyConnection,
    mart: Mart,
    full: bool,
    changed: bool,
    missing: bool,
    rebuilt: dict[str, bool],
    small: dict[str, str],
) -> str:
    """Why ``mart`` is rebuilt in full this time, or '' when it is refreshed incrementally
    (or rebuilt for being small: ``small``).

    ``rebuilt``: marts rebuilt in full before it (their SQL changed, say), and whether
    what changed in them is known. A mart reading one of them is rebuilt in full too,
    unless its keys come from that mart's change (``removed_<mart>``, ``added_<mart>``)
    and the change is known. A small mart's ``full when`` is not asked: it is rebuilt
    anyway, and the marts before it leave their change only for marts that are not small."""
    if mart.is_view:
        return ""
    if full:
        return "asked for"
    if not mart.incremental:
        return mart.why_full
    if changed:
        return "its SQL or rules changed since it was built"
    if missing:
        return "it was missing"
    upstream = sorted(
        name
        for name, known in rebuilt.items()
        if reads(mart, name) and not (known and _reads_change(mart, name))
    )
    if upstream:
        return f"{', '.join(upstream)} was rebuilt in full"
    delta = mart.required_delta()
    if small.get(mart.name):
        return ""
    if (
        delta.full_when
        and not delta.full_when_reads_keys
        and warehouse.scalar(con, delta.full_when)
    ):
        return delta.full_when_reason
    return ""
