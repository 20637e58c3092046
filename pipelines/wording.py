"""Catalogue entries turned into text in one language, with Babel's rules.

An entry is a text with ``{name}`` placeholders, or a set of plural forms chosen by the
count it names, with the language's own rules (in French "one" covers 0 and 1)::

    {"plural": "count", "one": "{count} ligne lue", "other": "{count} lignes lues"}

``{name:number}`` and ``{name:percent}`` write a raw value the locale's way; any other value
is written as given, so a line number stays 12345. A count already written by
:func:`count_text` keeps its value, so a form can still be chosen from it.
"""

from __future__ import annotations

import numbers
import string
from collections.abc import Mapping
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import format_decimal, format_percent

BABEL_LOCALE = {"en": "en_CA", "fr": "fr_CA"}
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
Entry = str | dict[str, str]


class Count(str):
    """A number as written in one language ("1 234", "<5") that still knows its value."""

    value: float | None

    def __new__(cls, text: str, value: float | None) -> Count:
        written = super().__new__(cls, text)
        written.value = value
        return written

    def __reduce__(self) -> tuple[type[Count], tuple[str, float | None]]:
        return type(self), (str(self), self.value)  # copied and pickled by caches


def count_text(lang: str, value: float) -> Count:
    return Count(format_decimal(value, format="#,##0", locale=BABEL_LOCALE[lang]), value)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALE[lang])


def plural_form(lang: str, value: object) -> str:
    """The CLDR plural category of a count; "other" for a count that is hidden or unknown."""
    number = value.value if isinstance(value, Count) else value
    if isinstance(number, bool) or not isinstance(number, numbers.Real) or number != number:
        return "other"  # not a count, or NaN
    if isinstance(number, numbers.Integral):
        return _locale(lang).plural_form(abs(int(number)))
    real = float(number)  # a whole 2.0 takes the form of 2, not of "2.0"
    return _locale(lang).plural_form(abs(int(real) if real.is_integer() else real))


def choose(lang: str, entry: Entry, values: Mapping[str, Any]) -> str:
    """The text of an entry: itself, or the plural form its count asks for."""
    if isinstance(entry, str):
        return entry
    form = plural_form(lang, values.get(entry.get("plural", "count")))
    return entry.get(form) or entry["other"]


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        self.locale = BABEL_LOCALE[lang]

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in ("number", "percent"):
            if isinstance(value, str):  # already written (a Count, or "<5")
                return value
            if format_spec == "percent":
                return format_percent(value, locale=self.locale)
            return format_decimal(value, locale=self.locale)
        return super().format_field(value, format_spec)


def fill(lang: str, entry: Entry, values: Mapping[str, Any]) -> str:
    text = choose(lang, entry, values)
    return _Formatter(lang).vformat(text, (), values) if values else text


def forms(entry: Entry) -> list[str]:
    """Every text an entry can take."""
    if isinstance(entry, str):
        return [entry]
    return [entry[form] for form in PLURAL_FORMS if form in entry]


def placeholders(entry: Entry) -> set[str]:
    """The names an entry uses (with the count that chooses its form)."""
    names = {
        name for text in forms(entry) for _, name, _, _ in string.Formatter().parse(text) if name
    }
    if isinstance(entry, dict):
        names.add(entry.get("plural", "count"))
    return names
