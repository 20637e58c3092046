"""Errors a person can read. None of them carries personal data."""

from __future__ import annotations


class TurnoutError(Exception):
    """A problem explained in words; the command line prints it without a traceback."""


class ImportRefused(TurnoutError):
    """The whole file was refused and nothing was written."""

    def __init__(self, file_name: str, reason: str, line: int | None = None,
                 column: str | None = None):
        self.file_name = file_name
        self.reason = reason
        self.line = line
        self.column = column
        where = file_name
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column '{column}'"
        super().__init__(f"{where}: {reason} Nothing was written.")


class DatabaseBusy(TurnoutError):
    """Another program kept the database locked for longer than we waited."""
