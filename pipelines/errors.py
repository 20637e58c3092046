"""Errors a person can read. None of them carries personal data.

An error made from a message code (``pipelines/locales``) keeps its ``code`` and ``params``,
so the dashboard can word it in the reader's language; ``str()`` is always the English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipelines import messages, privacy

# parameters naming a file: an email or a phone in a file's name is masked
FILE_PARAMS = ("path", "file", "file_name")


def _masked(params: Mapping[str, object]) -> dict[str, Any]:
    return {
        name: privacy.masked(value) if name in FILE_PARAMS and isinstance(value, str) else value
        for name, value in params.items()
    }


class TurnoutError(Exception):
    """A problem explained in words; the command line prints it without a traceback."""

    def __init__(
        self, message: str | None = None, *, code: str | None = None, **params: object
    ) -> None:
        self.code = code
        self.params = params = _masked(params)
        super().__init__(message if code is None else messages.text(messages.ENGLISH, code, params))

    def text(self, lang: str) -> str:
        """The message in ``lang``; as written when it was made without a code."""
        if self.code is None:
            return str(self)
        return messages.text(lang, self.code, self.params)


class ImportRefused(TurnoutError):
    """The whole file was refused and nothing was written.

    ``code`` and ``params`` say why, ``file_name``, ``line`` and ``column`` where;
    ``reason`` is the why in English.
    """

    def __init__(
        self,
        file_name: str,
        code: str,
        line: int | None = None,
        column: str | None = None,
        **params: object,
    ) -> None:
        self.file_name = privacy.masked_file_name(file_name)
        self.line = line
        self.column = column
        self.code = code
        self.params = params = _masked(params)
        self.reason = messages.text(messages.ENGLISH, code, params)
        Exception.__init__(self, self.text(messages.ENGLISH))

    def text(self, lang: str) -> str:
        return messages.text(
            lang,
            "refused",
            {
                "where": messages.where(self.file_name, self.line, self.column),
                "reason": {"code": self.code, "params": self.params},
            },
        )


class DatabaseBusy(TurnoutError):
    """Another program kept the database locked for longer than we waited."""
