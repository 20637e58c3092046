"""Uploads on the Data page: every one kept apart, on disk only in a private folder next to the
database and only while it is read, nothing left behind on any path, and no traceback for
strange names."""

from __future__ import annotations

import re
import stat
import tempfile
from pathlib import Path

import duckdb
import pytest

from dashboard import data, i18n, loading
from tests.dashboard_helpers import PAGES, app, fixture, no_exception


@pytest.fixture(autouse=True)
def _fresh(fresh_caches, monkeypatch):
    monkeypatch.setattr(loading, "_swept_since_start", True)


def calendar(event_id: str) -> bytes:
    return (
        b"event_id,name,starts_at,kind,campaign\n"
        + f"{event_id},Event {event_id},2026-03-30 18:00,meeting,uploads\n".encode()
    )


def events(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {row[0] for row in con.execute("select event_id from events").fetchall()}


def left_on_disk(db: Path) -> list[Path]:
    return sorted(loading.upload_root(db).rglob("*"))


def data_page(db: Path, lang: str = "en"):
    return app(lang).switch_page(PAGES["data"]).run()


def test_two_uploads_with_the_same_name_are_both_imported(db):
    at = data_page(db)
    at.file_uploader[0].set_value(
        [
            ("calendar.csv", calendar("first"), "text/csv"),
            ("calendar.csv", calendar("second"), "text/csv"),
        ]
    ).run()
    no_exception(at)
    at.button(key="run_import").click().run()
    no_exception(at)
    assert events(db) == {"first", "second"}
    assert len(at.success) == 2
    assert not [s for s in at.success if "already imported" in s.value]
    assert left_on_disk(db) == []


def test_the_same_per_event_file_twice_imports_once_and_says_so(db):
    at = data_page(db)
    at.file_uploader[0].set_value(("calendar.csv", calendar("townhall-2026-03"), "text/csv")).run()
    at.button(key="run_import").click().run()
    path = fixture("people/zoom*us_dates.csv")
    upload = (path.name, path.read_bytes(), "text/csv")
    at.file_uploader[0].set_value([upload, upload]).run()
    no_exception(at)  # two choosers for one name: no duplicate-key error
    for chooser in at.selectbox:
        if chooser.label == i18n.t("en", "data.which_event", file=path.name):
            chooser.set_value("townhall-2026-03")
    at.run()
    at.button(key="run_import").click().run()
    no_exception(at)
    said = [s.value for s in at.success]
    assert said[1] == i18n.t("en", "data.result.already_imported", file=path.name)
    assert left_on_disk(db) == []


@pytest.mark.parametrize("name", ["..", ".", "../../etc/calendar.csv", "a\\..\\b.csv"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_strange_names_are_imported_under_a_plain_name(db, name, lang):
    at = data_page(db, lang)
    at.file_uploader[0].set_value((name, calendar("strange"), "text/csv")).run()
    no_exception(at)
    at.button(key="run_import").click().run()
    no_exception(at)
    assert events(db) == {"strange"}
    assert left_on_disk(db) == []


def test_a_name_the_disk_cannot_take_is_explained(db):
    at = data_page(db, "fr")
    at.file_uploader[0].set_value(("x" * 300 + ".csv", calendar("long"), "text/csv")).run()
    no_exception(at)
    assert [e.value for e in at.error] == [i18n.t("fr", "data.not_saved", file="x" * 300 + ".csv")]


def test_uploads_wait_in_a_private_folder_next_to_the_database(db):
    root = loading.upload_root(db)
    assert root.parent == db.parent
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    seen = {}
    with loading.on_disk("people.csv", b"a,b\n") as path:
        seen["folder"] = stat.S_IMODE(path.parent.stat().st_mode)
        seen["file"] = stat.S_IMODE(path.stat().st_mode)
        assert path.parent.parent == root
    assert seen == {"folder": 0o700, "file": 0o600}
    assert left_on_disk(db) == []


def test_nothing_is_left_when_an_import_fails_in_the_middle(db, monkeypatch):
    from pipelines import file_import

    def broken(*args, **kwargs):
        raise RuntimeError("the server stopped")

    at = data_page(db)
    before = set(Path(tempfile.gettempdir()).glob("*turnout*"))
    at.file_uploader[0].set_value(("calendar.csv", calendar("x"), "text/csv")).run()
    assert left_on_disk(db) == []  # not even while the page waits for the button
    monkeypatch.setattr(file_import, "import_one", broken)
    at.button(key="run_import").click().run()
    assert at.exception  # an unexpected failure, and still
    assert left_on_disk(db) == []
    assert set(Path(tempfile.gettempdir()).glob("*turnout*")) <= before  # as before: never there


def test_a_refused_upload_leaves_nothing(db):
    at = data_page(db)
    at.file_uploader[0].set_value(
        ("calendar.csv", calendar("x") + b'y,"open,2026\n', "text/csv")
    ).run()
    no_exception(at)  # refused at its preview: nothing is offered for import
    assert "run_import" not in [b.key for b in at.button]
    assert at.error and left_on_disk(db) == []


def test_leftovers_of_a_killed_server_are_swept_at_the_next_upload(db, monkeypatch):
    root = loading.upload_root(db)
    leftover = root / "tmp-killed"
    leftover.mkdir()
    (leftover / "people.csv").write_text("email\nsomeone@example.org\n")
    monkeypatch.setattr(loading, "_swept_since_start", False)  # a new server
    with loading.on_disk("next.csv", b"a\n"):
        assert not leftover.exists()
    (root / "tmp-recent").mkdir()  # another session's upload, in flight: kept
    with loading.on_disk("next.csv", b"a\n"):
        assert (root / "tmp-recent").exists()


# the upload limit ------------------------------------------------------------------------


@pytest.fixture
def server_limit():
    """Streamlit's ``server.maxUploadSize`` for one test (`turnout dashboard` sets it)."""
    from streamlit import config

    before = config.get_option("server.maxUploadSize")

    def set_to(megabytes: int) -> None:
        config.set_option("server.maxUploadSize", megabytes, "test")

    yield set_to
    config.set_option("server.maxUploadSize", before, "test")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("configured", [loading.MAX_UPLOAD_MB, 50])
def test_the_limit_the_page_states_is_the_one_browser_and_server_apply(
    db, server_limit, lang, configured
):
    server_limit(configured)
    at = data_page(db, lang)
    no_exception(at)
    uploader = at.file_uploader[0]
    # the browser refuses a larger file before sending it; the server stops a larger body
    assert uploader.proto.max_upload_size_mb == configured
    said = i18n.number(lang, configured)
    assert uploader.label == i18n.t(lang, "data.drop", limit=said)
    assert i18n.t(lang, "data.upload.help", limit=said) in [c.value for c in at.caption]
    # what the page says, in the reader's language, when the browser has refused a file
    style = "".join(h.proto.body for h in at.get("html"))
    written = re.search(r'stFileChips.*?content: "([^"]*)"', style, re.S).group(1)
    assert re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), written) == i18n.t(
        lang, "data.not_sent", limit=said
    )


def test_a_file_over_the_limit_sent_anyway_is_refused_in_the_readers_language(db, server_limit):
    server_limit(1)  # a request made by hand can skip the browser's check
    at = data_page(db, "fr")
    big = calendar("big") + b"#" * (2 * 1024 * 1024)
    at.file_uploader[0].set_value(("big.csv", big, "text/csv")).run()
    no_exception(at)
    assert [w.value for w in at.warning] == [
        i18n.t(
            "fr",
            "data.too_big",
            file="big.csv",
            size=i18n.number("fr", len(big) / 1024 / 1024),
            limit=i18n.number("fr", 1),
        )
    ]
    assert "run_import" not in [b.key for b in at.button] and left_on_disk(db) == []


# a download while an import runs ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_download_during_an_import_says_the_database_is_busy(sample_db, monkeypatch, lang):
    from pipelines.errors import DatabaseBusy

    at = app(lang).switch_page(PAGES["people"]).run()
    no_exception(at)

    real, importing = data.follow_up_csv, [True]

    def while_importing(*args, **kwargs):
        if importing[0]:
            raise DatabaseBusy("busy")
        return real(*args, **kwargs)

    monkeypatch.setattr(data, "follow_up_csv", while_importing)
    at.button(key="csv_follow_up_prepare").click().run()
    no_exception(at)
    assert i18n.t(lang, "busy.download") in [w.value for w in at.warning]
    importing[0] = False  # the import has finished
    at.button(key="csv_follow_up_prepare").click().run()
    button = [b for b in at.get("download_button") if b.proto.label == i18n.t(lang, "download_csv")]
    assert button and not [w for w in at.warning if w.value == i18n.t(lang, "busy.download")]
