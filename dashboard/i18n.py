"""Every visible string, from the catalogues in ``locales/``; numbers and dates through Babel.

``t(lang, "page.overview")`` looks a string up in the chosen language (English when a key is
missing, which a test forbids). An entry may have plural forms (``pipelines/wording.py``),
chosen by the count it names with the language's rules: pass the count as :func:`number` or
:func:`count` wrote it. Counts go through :func:`count`, which shows "<5" for 1–4 when small
numbers must be hidden (the board role). What the importer says (a refused file, a rejected
row) comes from its own catalogue, ``pipelines/locales``, through :func:`error` and
:func:`reasons`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TypeGuard

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from pipelines import messages, wording

LANGUAGES = ("en", "fr")
DEFAULT = "en"
SMALL = 5  # counts below this are shown as "<5" to the board
LOCALES = Path(__file__).parent / "locales"
BABEL_LOCALE = wording.BABEL_LOCALE


@cache
def catalogue(lang: str) -> dict[str, wording.Entry]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def language_from_locale(locale: str | None) -> str:
    """The browser's language if we speak it ("fr-CA" → "fr"), else English."""
    code = (locale or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def t(lang: str, key: str, **values: object) -> str:
    entry = catalogue(lang).get(key) or catalogue(DEFAULT).get(key) or key
    return wording.fill(lang, entry, values)


def error(lang: str, problem: Exception) -> str:
    """An error in this language when it was made from a message code; else as written."""
    worded = getattr(problem, "text", None)
    return worded(lang) if callable(worded) else str(problem)


def reasons(
    lang: str,
    codes: Iterable[str | None],
    params: Iterable[str | Mapping[str, object] | None],
    stored: Iterable[str | None],
) -> list[str]:
    """Rejected rows' reasons in this language, each distinct message worded once.

    Rows imported before codes were kept have none: their stored English is shown.
    """
    worded: dict[tuple, str] = {}
    found = []
    for code, values, english in zip(codes, params, stored, strict=True):
        key = (
            code,
            values if isinstance(values, str) else json.dumps(values, sort_keys=True),
            english,
        )
        if key not in worded:
            worded[key] = messages.reason_text(lang, code or None, values or None, english)
        found.append(worded[key])
    return found


def label(lang: str, prefix: str, value: str | None) -> str:
    """A data value with a catalogue label if it has one (``channel.facebook``), else as is."""
    if value is None:
        return t(lang, "unknown")
    return wording.choose(lang, catalogue(lang).get(f"{prefix}.{value}", str(value)), {})


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _known(value: float | None) -> TypeGuard[float]:
    """A number to write: neither None nor NaN."""
    return not _missing(value)


def number(lang: str, value: float | None, digits: int = 0) -> str:
    if not _known(value):
        return t(lang, "unknown")
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return wording.Count(format_decimal(value, format=pattern, locale=BABEL_LOCALE[lang]), value)


def count(lang: str, value: float | None, hide_small: bool = False) -> str:
    """A count of people or things; "<5" for 1–4 when ``hide_small``; unknown stays unknown."""
    if not _known(value):
        return t(lang, "unknown")
    if hide_small and 0 < value < SMALL:
        return wording.Count(t(lang, "small_count"), None)
    return number(lang, int(value))


def percent(lang: str, value: float | None) -> str:
    """A share as a whole percentage, written the locale's way ("54%", "54 %")."""
    if not _known(value):
        return t(lang, "unknown")
    return format_percent(value, locale=BABEL_LOCALE[lang])


def interval(lang: str, low: float | None, high: float | None) -> str:
    if _missing(low) or _missing(high):
        return t(lang, "unknown")
    return t(lang, "interval", low=percent(lang, low), high=percent(lang, high))


def day(lang: str, value: date | datetime | None, form: str = "medium") -> str:
    if _missing(value):
        return t(lang, "unknown")
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, form, locale=BABEL_LOCALE[lang])


def separators(lang: str) -> str:
    """Plotly's ``separators``: the decimal mark then the thousands separator."""
    locale = BABEL_LOCALE[lang]
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def month(lang: str, value: date | datetime) -> str:
    return format_date(value, "MMM y", locale=BABEL_LOCALE[lang])
