"""Zips on the Data page: an uploaded zip is imported export by export, listing the reports it
leaves and why; a damaged one is refused saying why; every format has a name on the page."""

from __future__ import annotations

import hashlib

import pytest

from dashboard import i18n, loading
from pipelines import sources, textfile
from tests.conftest import query
from tests.dashboard_helpers import PAGES, app, no_exception
from tests.given import awareness_by_channel
from tests.zips import LEFT_OUT, PLAUSIBLE_ZIP, SOURCES, plausible_zip

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_zip_uploaded_on_the_data_page_is_imported_export_by_export(db, tmp_path, lang):
    content = plausible_zip(tmp_path).read_bytes()
    at = app(lang).switch_page(PAGES["data"]).run()
    at.file_uploader[0].set_value((PLAUSIBLE_ZIP, content, "application/zip")).run()
    no_exception(at)
    member = f"{PLAUSIBLE_ZIP} › sources.csv"
    assert [e.label for e in at.expander if PLAUSIBLE_ZIP in e.label] == [
        i18n.t(lang, "data.zip_skipped", file=PLAUSIBLE_ZIP, count=6)
    ]
    said = " ".join(c.value for c in at.caption)
    for report in LEFT_OUT:
        assert f"{PLAUSIBLE_ZIP} › {report}" in said
    assert i18n.t(
        lang, "data.detected", file=member, format=i18n.t(lang, "format.plausible_sources")
    ) in [m.value for m in at.markdown]
    assert loading.upload_root(db).exists() and not list(loading.upload_root(db).iterdir())
    at.button(key="run_import").click().run()
    no_exception(at)
    assert query(db, "select file_name, sha256 from imports") == [
        (member, hashlib.sha256(SOURCES).hexdigest())
    ]
    assert awareness_by_channel(db) == {"direct": 300, "facebook": 190, "email": 40}
    assert not list(loading.upload_root(db).iterdir())
    assert not textfile.work_root(db).exists()


def test_a_damaged_zip_uploaded_on_the_data_page_is_refused_saying_why(db, tmp_path):
    content = plausible_zip(tmp_path).read_bytes()
    at = app("fr").switch_page(PAGES["data"]).run()
    at.file_uploader[0].set_value(("export.zip", content[:200], "application/zip")).run()
    no_exception(at)
    assert [e.value for e in at.error] == [i18n.t("fr", "data.refused", file="export.zip")]
    assert "Ce zip ne s'ouvre pas" in " ".join(c.value for c in at.caption)
    assert "run_import" not in [b.key for b in at.button]


def test_every_format_has_a_name_on_the_data_page():
    """The import history names each file's format in the page's language."""
    for lang in i18n.LANGUAGES:
        missing = [
            name for name in sources.REGISTRY if f"format.{name}" not in i18n.catalogue(lang)
        ]
        assert missing == [], lang
