"""Any other CSV, read through a column-mapping TOML file (``turnout import --mapping``).

A mapping names the canonical table the rows go to, which header carries each
of its columns, and values that are the same on every row::

    target = "post_snapshots"
    title = "my page's posts"            # optional, shown in messages

    [columns]                           # canonical column = header name in the file
    reach = "Lifetime Post Total Reach"

    [constants]                         # the same on every row; {file} and {line}
    platform = "facebook"               # are replaced by the file name and line,
    post_id = "{file}:{line}"           # for files without ids of their own

The delimiter, encoding and header line are found as for any file. Person-level
tables take ``email``, ``phone`` and ``platform_id`` columns, which are hashed
like every other import's keys. This module has no ``SOURCE``: it is built per
mapping file, never detected.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipelines.errors import TurnoutError
from pipelines.sources import Field, Source
from pipelines.targets import COUNTS, PERSON_KEYS, TARGETS

KNOWN_KEYS = {"target", "title", "columns", "constants"}
FROM_CONTEXT = {"source", "record_id"}  # always filled by the import itself
PERSON_INPUTS = ("email", "phone", "platform_id")
REQUIRED = {
    "events": ("event_id",),
    "post_snapshots": ("post_id", "platform"),
    "petition_snapshots": ("petition_id", "signature_count"),
    "facebook_event_snapshots": ("snapshot_at",),
    "signatures": ("petition_id",),
    "email_activity": ("action",),
}
# which columns make a person-level record the same record when imported again
RECORD_GRAIN = ("event_id", "petition_id", "email_campaign_id", "action")


def column_type(name: str) -> str:
    if name in COUNTS:
        return "count"
    if name == "minutes_attended":
        return "number"
    if name.endswith("_at"):
        return "timestamp"
    if name.startswith("is_") or name in ("attended", "reminder_sent"):
        return "bool"
    if name in ("email", "phone"):
        return name
    if name.endswith("_id"):
        return "id"
    return "text"


def _fail(path: Path, key: str, problem: str, **params: object) -> TurnoutError:
    return TurnoutError(
        code="mapping.problem", file=path.name, key=key, problem={"code": problem, "params": params}
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read(path: Path) -> dict:
    if not path.is_file():
        raise TurnoutError(code="mapping.missing", path=str(path))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TurnoutError(code="mapping.not_toml", file=path.name, error=str(error)) from None


def _allowed(target: str) -> list[str]:
    columns = [c for c in TARGETS[target].columns if c not in FROM_CONTEXT]
    if any(k in columns for k in PERSON_KEYS):
        columns = [c for c in columns if c not in PERSON_KEYS] + list(PERSON_INPUTS)
    return columns


def allowed(target: str) -> list[str]:
    """The fields a mapping onto ``target`` may name (emails and phones, not their keys)."""
    return _allowed(target)


def _validate(path: Path, spec: dict) -> tuple[str, dict[str, str], dict[str, object]]:
    for key in spec:
        if key not in KNOWN_KEYS:
            raise _fail(path, key, "mapping.unknown_key", known=", ".join(sorted(KNOWN_KEYS)))
    target = spec.get("target")
    if target not in TARGETS:
        raise _fail(
            path, "target", "mapping.not_a_table", target=repr(target), tables=", ".join(TARGETS)
        )
    allowed = _allowed(target)
    sections: dict[str, dict] = {}
    for section in ("columns", "constants"):
        value = spec.get(section, {})
        if not isinstance(value, dict):
            raise _fail(path, section, "mapping.section_not_a_table")
        for column, given in value.items():
            if column not in allowed:
                raise _fail(
                    path,
                    f"{section}.{column}",
                    "mapping.no_such_column",
                    target=target,
                    allowed=", ".join(allowed),
                )
            if section == "columns" and not (isinstance(given, str) and given.strip()):
                raise _fail(path, f"columns.{column}", "mapping.header_as_text")
            if section == "constants" and not isinstance(given, str | int | float | bool):
                raise _fail(path, f"constants.{column}", "mapping.constant_value")
        sections[section] = value
    columns, constants = sections["columns"], sections["constants"]
    for column in set(columns) & set(constants):
        raise _fail(path, f"constants.{column}", "mapping.both_sections")
    if not columns:
        raise _fail(path, "columns", "mapping.no_columns")
    given = set(columns) | set(constants)
    for column in REQUIRED.get(target, ()):
        if column not in given:
            raise _fail(path, f"columns.{column}", "mapping.required", target=target)
    if TARGETS[target].needs_person and not given & set(PERSON_INPUTS):
        raise _fail(
            path,
            "columns.email",
            "mapping.no_person_key",
            target=target,
            keys=", ".join(PERSON_INPUTS),
        )
    return target, columns, constants


def _constant_sql(value: object, kind: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and kind in ("count", "number"):
        return str(value)
    text = _literal(str(value))
    if "{file}" in text or "{line}" in text:
        return (
            f"replace(replace({text}, '{{file}}', ctx.file_name), "
            f"'{{line}}', cast(keyed.line as varchar))"
        )
    if kind == "count":
        return f"cast(round(turnout_number({text}, '.')) as bigint)"
    if kind == "number":
        return f"turnout_number({text}, '.')"
    if kind == "timestamp":
        return f"turnout_timestamp({text}, false)"
    if kind == "bool":
        return f"turnout_bool({text})"
    return text


def _staging_sql(target: str, columns: dict[str, str], constants: dict[str, object]) -> str:
    """The stg query: the target's columns from the mapped fields, constants and context."""
    spec = TARGETS[target]
    select = ["keyed.line"]
    values: dict[str, str] = {}  # each column's expression, for the record's grain below
    for column in spec.columns:
        if column in columns:
            value = f"keyed.{column}"
        elif column in constants:
            value = _constant_sql(constants[column], column_type(column))
        elif column in PERSON_KEYS and any(k in spec.columns for k in PERSON_KEYS):
            value = f"keyed.{column}"  # made by hashing email / phone / platform_id
        else:
            value = "null"
        if column in ("campaign", "event_id", "exported_at"):
            value = f"coalesce({value}, ctx.{column})"
        elif column == "snapshot_at" and target == "petition_snapshots":
            value = f"coalesce({value}, ctx.exported_at)"
        elif column == "source":
            value = "ctx.source"
        elif column == "is_cancelled":
            value = f"coalesce({value}, false)"
        elif column == "channel":
            value = f"turnout_channel({value})"
        elif column == "status":
            value = f"turnout_status({value})"
        values[column] = value
        select.append(f"{value} as {column}")
    select += _personal_data_rejects(columns)
    if spec.person_level:
        # the grain repeats the expressions: a bare name may be both keyed's and ctx's column
        grain = [f"cast({values[c]} as varchar)" for c in RECORD_GRAIN if c in spec.columns]
        keys = ", ".join(f"keyed.{k}" for k in PERSON_KEYS if k in spec.columns)
        select.append(f"concat_ws('|', {', '.join(grain + [f'coalesce({keys})'])}) as record_ref")
    body = ",\n    ".join(select)
    return (
        f"-- stg for a column mapping: the target's columns, one per mapped header\n"
        f"select\n    {body}\nfrom keyed, ctx"
    )


def _personal_data_rejects(columns: dict[str, str]) -> list[str]:
    """A row whose text column (not a key) holds an email or a phone is rejected, naming it.

    Typing masked them already ([…]); the row is refused rather than stored masked, so the
    person who mapped an email to ``status`` hears of it. Channels keep their placeholder.
    """
    checked = [
        (column, header)
        for column, header in columns.items()
        if column_type(column) == "text" and column != "channel"
    ]
    if not checked:
        return []
    holds = {
        column: f"(turnout_has_contact(keyed.{column}) or contains(keyed.{column}, '[…]'))"
        for column, _ in checked
    }
    first = " ".join(
        f"when {holds[column]} then json_object('column', {_literal(header)})"
        for column, header in checked
    )
    return [
        f"case when {' or '.join(holds.values())} then 'row.personal_data' end as reject_code",
        f"case {first} end as reject_params",
    ]


def source_from_mapping(path: Path) -> Source:
    """A one-off format built from a mapping file; refuses a bad mapping with a clear error."""
    path = Path(path)
    spec = _read(path)
    target, columns, constants = _validate(path, spec)
    fields = tuple(Field(name, (header,), column_type(name)) for name, header in columns.items())
    headers = tuple(columns.values())
    title = str(spec.get("title") or f"file mapped by {path.name}")
    return Source(
        name=f"mapped:{path.stem}",
        title=title,
        target=target,
        signatures=(headers,),
        fields=fields,
        example_header=",".join(headers),
        auto_detect=False,
        notes=f"Read through the column mapping {path.name}.",
        extra={"staging_sql": _staging_sql(target, columns, constants), "mapping": str(path)},
    )
