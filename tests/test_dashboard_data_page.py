"""The Data page: an upload is previewed, imported as one batch and refreshed once; a file over
the limit or in error is refused in the reader's language with nothing written; rejected rows
are explained; files not yet in the figures are announced; its templates are recognised."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import streamlit as st
from typer.testing import CliRunner

from dashboard import i18n
from pipelines import cli
from tests.dashboard_helpers import PAGES, ROOT, app, fixture, metrics, no_exception

pytestmark = pytest.mark.usefixtures("fresh_caches")

CALENDAR = (
    b"event_id,name,starts_at,kind,campaign\n"
    b"upload-test,Upload test,2026-03-30 18:00,meeting,upload\n"
)
SIGN_IN = b"event_id,name,email,phone,signed_in_at,heard_from\n" + b"".join(
    b"upload-test,P%d,p%d@example.org,,18:0%d,flyer\n" % (i, i, i) for i in range(7)
)


def test_files_not_yet_in_the_figures_are_announced(small_db, tmp_path):
    from pipelines import load, warehouse

    calendar, sheet = tmp_path / "late_calendar.csv", tmp_path / "late_sheet.csv"
    calendar.write_bytes(CALENDAR)
    sheet.write_bytes(SIGN_IN)
    with warehouse.writer(small_db) as con:  # a batch cut short before its refresh
        batch = load.Session(small_db, con)
        batch.import_file(calendar)
        batch.import_file(sheet)
    for lang in ("en", "fr"):
        at = app(lang)
        no_exception(at)
        assert [w.value for w in at.warning] == [
            i18n.t(lang, "notice.pending", count=i18n.number(lang, 2))
        ]
    with load.session(small_db):  # the next import (here: an empty batch) finishes it
        pass
    st.cache_data.clear()
    assert not app().warning


def test_upload_shows_the_format_imports_and_refreshes(small_db, monkeypatch):
    from pipelines import marts

    refresh, rebuilds = marts.refresh, []
    monkeypatch.setattr(
        marts, "refresh", lambda con, **options: rebuilds.append(1) or refresh(con, **options)
    )
    at = app()
    acted = metrics(at)[i18n.t("en", "kpi.acted")]
    at.switch_page(PAGES["data"]).run()
    files = [
        ("calendar_upload.csv", CALENDAR, "text/csv"),
        ("sign_in_upload.csv", SIGN_IN, "text/csv"),
        ("not_an_export.csv", b"colour,flavour\nred,sweet\n", "text/csv"),
    ]
    at.file_uploader[0].set_value(files).run()
    no_exception(at)
    assert any("sign_in_upload.csv" in m.value for m in at.markdown)
    # a file in no known format opens the mapping screen instead of being imported
    assert any(
        i18n.t("en", "mapping.unknown", file="not_an_export.csv") == w.value for w in at.warning
    )
    counts = {
        name: i18n.t("en", f"data.count.{name}", count=count)
        for name, count in (("read", 7), ("loaded", 7), ("duplicate", 0), ("rejected", 0))
    }
    assert i18n.t("en", "preview.counts", file="sign_in_upload.csv", **counts) in [
        m.value for m in at.markdown
    ]  # the preview, before anything is written
    at.button(key="run_import").click().run()
    no_exception(at)
    assert any("sign_in_upload.csv" in s.value for s in at.success)
    assert len(rebuilds) == 1  # the two files are one batch: the figures refreshed once
    column = i18n.t("en", "col.file")
    history = next(f.value for f in at.dataframe if column in f.value.columns)
    assert "sign_in_upload.csv" in set(history[column])
    at.switch_page(PAGES["overview"]).run()  # caches were cleared: the new people count
    after = metrics(at)[i18n.t("en", "kpi.acted")]
    assert int(after.replace(",", "")) == int(acted.replace(",", "")) + 7


def test_a_file_over_the_limit_is_refused_politely(small_db, monkeypatch):
    from dashboard import loading

    monkeypatch.setattr(loading, "MAX_UPLOAD_MB", 1)
    at = app().switch_page(PAGES["data"]).run()
    over = CALENDAR + b"#" * (1024 * 1024)
    at.file_uploader[0].set_value(("calendar_upload.csv", over, "text/csv")).run()
    no_exception(at)
    assert at.warning and "calendar_upload.csv" in at.warning[0].value
    assert "run_import" not in [b.key for b in at.button]


def test_per_event_upload_asks_which_event(small_db):
    at = app("fr").switch_page(PAGES["data"]).run()
    path = fixture("people/zoom*us_dates.csv")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    choice = at.selectbox(key=f"event_{path.name}")
    assert choice.label == i18n.t("fr", "data.which_event", file=path.name)
    choice.set_value("townhall-2026-03").run()
    at.button(key="run_import").click().run()
    no_exception(at)
    assert any(path.name in s.value for s in at.success)


BAD_CALENDAR = CALENDAR + b'quote-test,"Quote test,2026-03-31 18:00,meeting,upload\n'


def _count_imports(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from imports").fetchone()[0]


def test_a_refused_upload_is_explained_in_french_and_nothing_is_written(small_db):
    before = _count_imports(small_db)
    at = app("fr").switch_page(PAGES["data"]).run()
    at.file_uploader[0].set_value(("calendrier.csv", BAD_CALENDAR, "text/csv")).run()
    no_exception(at)  # the preview already says why; nothing is offered for import
    assert "run_import" not in [b.key for b in at.button]
    assert any(e.value == i18n.t("fr", "data.refused", file="calendrier.csv") for e in at.error)
    said = [c.value for c in at.caption if c.value.startswith("calendrier.csv")]
    assert said == [
        "calendrier.csv, ligne 3\u00a0: Une valeur entre guillemets commence ici et "
        "n'est jamais refermée (guillemet \" non fermé). Rien n'a été écrit."
    ]
    assert _count_imports(small_db) == before
    st.cache_data.clear()
    result = CliRunner().invoke(cli.app, ["import", str(_written(small_db, BAD_CALENDAR))])
    assert result.exit_code == 1
    assert (
        "calendrier.csv, line 3: A quoted value opens here and is never closed (an "
        'unterminated "). Nothing was written.'
    ) in " ".join(result.output.split())


def _written(db: Path, content: bytes) -> Path:
    path = db.parent / "bad" / "calendrier.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def test_rejected_rows_are_shown_in_the_chosen_language(small_db):
    with duckdb.connect(str(small_db), read_only=True) as con:
        stored = con.execute("select reason from rejects where reject_code is not null").fetchall()
    assert stored, "the small campaign has rejected rows"
    at = app("fr").switch_page(PAGES["data"]).run()
    no_exception(at)
    reason = i18n.t("fr", "col.reason")
    table = next(
        f.value
        for f in at.table
        if i18n.t("fr", "col.line") in f.value.columns and reason in f.value.columns
    )
    shown = set(table[reason])
    assert shown and not shown & {r for (r,) in stored}  # no English reason left
    assert all(
        text.startswith(("Cette ligne", "L'événement", "Aucun", "Une ligne", "«")) for text in shown
    ), shown


def test_templates_are_recognised_by_the_importer():
    from pipelines import load

    folder = ROOT / "dashboard" / "templates"
    expected = {
        "events_calendar": "events_calendar",
        "signin_sheet": "signin_sheet",
        "facebook_event_counts": "facebook_event_counts",
    }
    for name, source in expected.items():
        for lang in i18n.LANGUAGES:
            assert (
                load.recognise(folder / f"{name}_{lang}.csv", load.ImportOptions()).name == source
            )
