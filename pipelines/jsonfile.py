"""A JSON export as DuckDB reads it: the key paths of its first object (how its format is
recognised), the limits its reading is held to, and what DuckDB found wrong, named.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipelines import warehouse
from pipelines.errors import ImportRefused

# the largest single JSON object read (an array's elements are read one by one); DuckDB
# keeps buffers of about twice this per thread, within the import's memory limit
JSON_MAX_OBJECT_BYTES = 128 * 1024 * 1024
JSON_MAX_DEPTH = 64  # exports nest a few levels; DuckDB's JSON reader stops at 128


def json_paths(con: duckdb.DuckDBPyConnection, path: Path, head: str) -> set[str]:
    """Dotted key paths of the first JSON object (or of the first element of an array)."""
    _check_json_object_size(path, head)
    try:
        row = con.execute(
            "select json_structure(json) from read_json_objects(?, format='auto', "
            "maximum_object_size=?) limit 1",
            [str(path), JSON_MAX_OBJECT_BYTES],
        ).fetchone()
    except duckdb.Error as error:
        raise json_error(path.name, error) from None
    if row is None:
        raise ImportRefused(path.name, "file.empty")
    return _key_paths(path.name, row[0])


def json_paths_in_text(
    con: duckdb.DuckDBPyConnection, file_name: str, text: str
) -> set[str] | None:
    """``json_paths`` of a file held in memory (``text``, its start at least); None when its
    first object does not end within ``text``."""
    body = text.lstrip()
    if body.startswith("["):  # an array: its first element, as DuckDB reads it
        body = body[1:].lstrip()
    try:
        first, _ = json.JSONDecoder().raw_decode(body)
    except RecursionError:
        raise ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH) from None
    except ValueError:
        return None
    try:
        structure = warehouse.scalar(con, "select json_structure(?::json)", [json.dumps(first)])
    except duckdb.Error as error:
        raise json_error(file_name, error) from None
    return _key_paths(file_name, structure)


def _key_paths(file_name: str, structure_text: str) -> set[str]:
    found: set[str] = set()

    def walk(node: object, prefix: str, depth: int) -> None:
        if depth > JSON_MAX_DEPTH:
            raise ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH)
        if isinstance(node, dict):
            for key, value in node.items():
                dotted = f"{prefix}.{key}" if prefix else key
                found.add(dotted)
                walk(value, dotted, depth + 1)
        elif isinstance(node, list) and node:
            walk(node[0], prefix, depth + 1)

    try:
        structure = json.loads(structure_text)
    except RecursionError:
        raise ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH) from None
    walk(structure, "", 0)
    return found


def _check_json_object_size(path: Path, head: str) -> None:
    """Refuse a file that is one JSON object larger than DuckDB reads at once.

    An array's elements and a JSON-lines file's objects are read one by one; a single
    object is read whole. Its first object not ending within the head, in a file above the
    limit, is such an object.
    """
    if path.stat().st_size <= JSON_MAX_OBJECT_BYTES:
        return
    text = head.lstrip()
    if not text.startswith("{"):
        return
    try:
        json.JSONDecoder().raw_decode(text)
    except RecursionError:
        raise ImportRefused(path.name, "json.too_deep", depth=JSON_MAX_DEPTH) from None
    except ValueError:
        raise ImportRefused(
            path.name, "json.too_large", limit=JSON_MAX_OBJECT_BYTES // (1024 * 1024)
        ) from None


def json_error(file_name: str, error: Exception) -> ImportRefused:
    """What DuckDB's JSON reader found wrong, named (its own text may quote the data)."""
    text = str(error)
    if "duplicate key" in text:
        return ImportRefused(file_name, "json.duplicate_key")
    if "maximum recursion depth" in text:
        return ImportRefused(file_name, "json.too_deep", depth=JSON_MAX_DEPTH)
    if "maximum_object_size" in text:
        return ImportRefused(
            file_name, "json.too_large", limit=JSON_MAX_OBJECT_BYTES // (1024 * 1024)
        )
    return ImportRefused(file_name, "json.unparsable")
