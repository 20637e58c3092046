"""What the importer says about a file or a row, in English or French.

Every message has a stable code and named parameters (file name, line, column, event id,
counts, format title), never an email, a phone number or a name. The wording lives in
``locales/{en,fr}.json``; the command line prints English, the dashboard the reader's
language. A parameter may itself be a message (``{"code": …, "params": …}``), worded in the
same language. Row messages (codes ``row.*``) are also worded in SQL, by the macro
:func:`reason_macro`, so that millions of rejected rows get their English reason without a
Python loop.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pipelines import wording

LANGUAGES = ("en", "fr")
ENGLISH = "en"
LOCALES = Path(__file__).parent / "locales"
ROW = "row."  # the prefix of the codes a rejected row can carry


@cache
def catalogue(lang: str) -> dict[str, wording.Entry]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def text(lang: str, code: str, params: Mapping[str, Any] | None = None) -> str:
    """One message in ``lang`` (English when the language lacks it, which a test forbids)."""
    entry = catalogue(lang).get(code) or catalogue(ENGLISH)[code]
    values = {
        name: text(lang, value["code"], value.get("params"))
        if isinstance(value, dict) and "code" in value
        else value
        for name, value in (params or {}).items()
    }
    return wording.fill(lang, entry, values)


def where(file_name: str, line: int | None = None, column: str | None = None) -> dict:
    """The place a message is about, as a message of its own: file, line, column."""
    if line is not None:
        code = "where.line_column" if column else "where.line"
    else:
        code = "where.column" if column else "where.file"
    params = {"file": file_name, "line": line, "column": column}
    return {"code": code, "params": {k: v for k, v in params.items() if v is not None}}


def row_where(line: int | None, column: str | None) -> dict:
    """The line (and column) of a rejected row, inside another message."""
    if column:
        return {"code": "where.row_column", "params": {"line": line, "column": column}}
    return {"code": "where.row", "params": {"line": line}}


def reason_text(
    lang: str, code: str | None, params: str | Mapping[str, Any] | None, stored: str | None = None
) -> str:
    """A rejected row's reason in ``lang``: from its code, else the stored English text.

    ``params`` may be the JSON text the database holds. Rows imported before codes were
    stored have none, and keep the English they were given.
    """
    if not code or code not in catalogue(ENGLISH):
        return stored or ""
    values = json.loads(params) if isinstance(params, str) else params
    return text(lang, code, values or {})


# SQL ----------------------------------------------------------------------------------


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _english_sql(template: str, params: str) -> str:
    """A row message's English template as a SQL expression over its JSON parameters."""
    parts = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        if literal:
            parts.append(_sql_literal(literal))
        if name:
            if spec:
                raise ValueError(f"a row message writes its values as given: {template!r}")
            parts.append(f"coalesce(json_extract_string({params}, '$.{name}'), '')")
    return " || ".join(parts) or "''"


def reason_macro() -> str:
    """SQL creating ``turnout_reason(code, params)``: a row's English reason."""
    branches = []
    for code, entry in sorted(catalogue(ENGLISH).items()):
        if not code.startswith(ROW):
            continue
        if not isinstance(entry, str):
            raise ValueError(f"{code}: a row message has no plural forms")
        branches.append(f"when {_sql_literal(code)} then {_english_sql(entry, 'p')}")
    return (
        "create or replace temp macro turnout_reason(c, p) as "
        f"case c {' '.join(branches)} else c end"
    )
