"""Every visible string, from the catalogues in ``locales/``; numbers and dates through Babel.

``t(lang, "page.overview")`` looks a string up in the chosen language (English when a key is
missing, which a test forbids). Counts go through :func:`count`, which shows "<5" for
1–4 when small numbers must be hidden (the board role).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

LANGUAGES = ("en", "fr")
DEFAULT = "en"
SMALL = 5  # counts below this are shown as "<5" to the board
LOCALES = Path(__file__).parent / "locales"
BABEL_LOCALE = {"en": "en_CA", "fr": "fr_CA"}


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def language_from_locale(locale: str | None) -> str:
    """The browser's language if we speak it ("fr-CA" → "fr"), else English."""
    code = (locale or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def t(lang: str, key: str, **values) -> str:
    text = catalogue(lang).get(key) or catalogue(DEFAULT).get(key) or key
    return text.format(**values) if values else text


def label(lang: str, prefix: str, value: str | None) -> str:
    """A data value with a catalogue label if it has one (``channel.facebook``), else as is."""
    if value is None:
        return t(lang, "unknown")
    return catalogue(lang).get(f"{prefix}.{value}", str(value))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(lang: str, value, digits: int = 0) -> str:
    if _missing(value):
        return t(lang, "unknown")
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=BABEL_LOCALE[lang])


def count(lang: str, value, hide_small: bool = False) -> str:
    """A count of people or things; "<5" for 1–4 when ``hide_small``; unknown stays unknown."""
    if _missing(value):
        return t(lang, "unknown")
    if hide_small and 0 < value < SMALL:
        return t(lang, "small_count")
    return number(lang, int(value))


def percent(lang: str, value) -> str:
    """A share as a whole percentage, written the locale's way ("54%", "54 %")."""
    if _missing(value):
        return t(lang, "unknown")
    return format_percent(value, locale=BABEL_LOCALE[lang])


def interval(lang: str, low, high) -> str:
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
