"""Cells that a spreadsheet shows as text and never runs as a formula.

A value starting with = + - @ (or a tab or carriage return) is read as a formula by
Excel, LibreOffice and Google Sheets; a leading apostrophe keeps it as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(row: dict) -> dict:
    """A CSV row whose text cells are safe; numbers, dates and blanks are kept as they are."""
    return {key: safe_cell(value) if isinstance(value, str) else value
            for key, value in row.items()}
