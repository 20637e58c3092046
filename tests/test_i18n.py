"""The two catalogues, and numbers and dates formatted for each language."""

from __future__ import annotations

import copy
import pickle
import re
from datetime import date
from pathlib import Path

import pytest

from dashboard import i18n
from pipelines import wording

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"


def test_both_catalogues_have_the_same_keys():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    assert set(english) == set(french)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_string_is_empty_and_placeholders_agree(lang):
    for key, entry in i18n.catalogue(lang).items():
        assert all(text.strip() for text in wording.forms(entry)), key
        assert wording.placeholders(entry) == wording.placeholders(i18n.catalogue("en")[key]), key
        if isinstance(entry, dict):
            assert "other" in entry and set(entry) <= {*wording.PLURAL_FORMS, "plural"}, key


@pytest.mark.parametrize(
    "lang, value, expected",
    [
        ("en", 1, "1 row read"),
        ("en", 0, "0 rows read"),
        ("en", 1234, "1,234 rows read"),
        ("fr", 1, "1 ligne lue"),
        ("fr", 0, "0 ligne lue"),
        ("fr", 2, "2 lignes lues"),
    ],
)
def test_a_count_chooses_its_plural_form_by_the_language_rules(lang, value, expected):
    text = i18n.t(lang, "data.count.read", count=i18n.number(lang, value))
    assert text == expected


def test_a_hidden_count_takes_the_plural_form():
    hidden = i18n.count("fr", 1, hide_small=True)
    assert i18n.t("fr", "retention.cohort", month="mars", people=hidden) == "mars (<5 personnes)"
    assert (
        i18n.t("fr", "retention.cohort", month="mars", people=i18n.number("fr", 1))
        == "mars (1 personne)"
    )


@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda c: pickle.loads(pickle.dumps(c))])
def test_a_count_keeps_its_value_when_a_cache_copies_it(duplicate):
    written = i18n.number("fr", 1234)
    again = duplicate(written)
    assert (type(again), again, again.value) == (wording.Count, "1\xa0234", 1234)


def test_every_literal_key_in_the_code_is_in_the_catalogue():
    used = set()
    for path in DASHBOARD.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\((?:lang, |code, )?\"([a-z_.0-9() ]+)\"", source))
    assert used, "the pattern found no keys"
    assert used <= set(i18n.catalogue("en")), sorted(used - set(i18n.catalogue("en")))


def test_every_dynamic_key_family_is_complete():
    keys = set(i18n.catalogue("en"))
    for stage in ("awareness", "engagement", "commitment", "action"):
        assert f"stage.{stage}" in keys
    for period in ("all", "30", "90", "365", "custom"):
        assert f"period.{period}" in keys
    for name in (
        "reached",
        "committed",
        "acted",
        "slacktivism",
        "show_up",
        "going_conversion",
        "per_1000",
    ):
        assert {f"kpi.{name}", f"kpi.{name}.help"} <= keys
    for role in ("lead", "board"):
        assert f"role.{role}" in keys
    # every page's title: tests/test_pages.py, from the dashboard's own list


def test_browser_language_decides_the_default():
    assert i18n.language_from_locale("fr-CA") == "fr"
    assert i18n.language_from_locale("fr_FR") == "fr"
    assert i18n.language_from_locale("en-GB") == "en"
    assert i18n.language_from_locale("de-DE") == "en"
    assert i18n.language_from_locale(None) == "en"
    assert i18n.language_from_locale("fr-CA,fr;q=0.9,en;q=0.8") == "fr"  # Accept-Language


def test_numbers_follow_the_locale():
    assert i18n.number("en", 50808) == "50,808"
    assert re.fullmatch(r"50[\u00a0\u202f ]808", i18n.number("fr", 50808))
    assert i18n.percent("en", 0.538) == "54%"
    assert re.fullmatch(r"54[\u00a0\u202f ]%", i18n.percent("fr", 0.538))
    assert i18n.day("fr", date(2026, 3, 5)).startswith("5 mars 2026")


def test_small_counts_are_hidden_only_when_asked():
    assert i18n.count("en", 3, hide_small=True) == "<5"
    assert i18n.count("en", 0, hide_small=True) == "0"
    assert i18n.count("en", 5, hide_small=True) == "5"
    assert i18n.count("en", 3) == "3"


def test_unknown_is_never_zero():
    assert i18n.count("en", None) == "unknown"
    assert i18n.count("fr", float("nan")) == "inconnu"
    assert i18n.percent("en", None) == "unknown"


def _strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("catalogue", ["dashboard/locales/fr.json", "pipelines/locales/fr.json"])
def test_french_punctuation_keeps_its_no_break_space(catalogue):
    import json

    root = Path(__file__).resolve().parent.parent
    texts = list(_strings(json.loads((root / catalogue).read_text(encoding="utf-8"))))
    # a plain space before : ; ? ! » % or after « would let the line break there
    wrong = [t for t in texts if re.search(r" [:;?!»%]|« ", re.sub(r"https?://\S+", "", t))]
    assert wrong == []
    assert any("\u00a0:" in t for t in texts)
