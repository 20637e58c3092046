"""Zips of exports: Plausible's dashboard export imported as it is downloaded, each export in
it an import of its own (``export.zip › sources.csv``), the rest listed with why; a zip that
is unsafe to unzip refused whole, naming it; members unzipped only into the import's
private workspace, and nothing left behind.

The Plausible zip is built here from the fixtures of the two Plausible formats, with the
other reports Plausible's export holds (headers from Plausible's export code); every
expected figure is read off those fixtures by hand.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines import archives, load, reader, textfile
from pipelines.cli import app
from pipelines.errors import ImportRefused
from tests.conftest import query
from tests.test_privacy import CANARY_EMAIL, CANARY_PHONE, file_leaks, table_leaks

FIXTURES = Path(__file__).parent / "fixtures" / "aggregate"
PEOPLE = Path(__file__).parent / "fixtures" / "people"
SOURCES = (FIXTURES / "plausible_sources_2026-01-01_2026-01-31.csv").read_bytes()
PAGES = (FIXTURES / "plausible_pages_2026-01-01_2026-01-31.csv").read_bytes()
# Plausible names its zip after the site and the period, spaces as it writes them
PLAUSIBLE_ZIP = "Plausible export example.org 2026-01-01  to 2026-01-31 .zip"
SAME_HEADER = b"name,visitors,bounce_rate,visit_duration\n"  # sources, channels, utm_*
OTHER_REPORTS = {
    "visitors.csv": b"date,visitors,pageviews,visits,views_per_visit,bounce_rate,"
    b"visit_duration\n2026-01-01,30,41,33,1.24,55,61\n",
    "channels.csv": SAME_HEADER + b"Organic Social,190,48,62\nDirect,300,55,40\n",
    "utm_campaigns.csv": SAME_HEADER + b"infolettre-janvier,40,20,150\n",
    "entry_pages.csv": b"name,unique_entrances,total_entrances,visit_duration\n/,400,420,45\n",
    "countries.csv": b"name,visitors\nCanada,480\nFrance,42\n",
}
JAN_31 = datetime(2026, 1, 31)


def make_zip(
    path: Path, members: dict[str, bytes | None], date_time=(2026, 2, 1, 9, 30, 0)
) -> Path:
    """A zip of ``members`` (None: a folder entry), each dated ``date_time``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time)
            if data is None:
                archive.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    return path


def plausible_zip(folder: Path) -> Path:
    return make_zip(
        folder / PLAUSIBLE_ZIP,
        {
            "visitors.csv": OTHER_REPORTS["visitors.csv"],
            "sources.csv": SOURCES,
            "pages.csv": PAGES,
            **OTHER_REPORTS,
        },
    )


def awareness_by_channel(db) -> dict[str, int]:
    rows = query(
        db,
        "select channel, sum(interactions) from mart_funnel_facts "
        "where stage = 'awareness' group by channel",
    )
    return {channel: int(total) for channel, total in rows}


@pytest.fixture(autouse=True)
def _wide(monkeypatch):
    """The command's output on lines wide enough for a zip's long member names."""
    from pipelines.commands import output

    for console in (output.console, output.errors):
        monkeypatch.setattr(console, "_width", 2000)


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def skipped_names(skipped) -> dict[str, str]:
    return {path.name.split(" › ", 1)[1]: why for path, why in skipped}


# Plausible's zip -------------------------------------------------------------------------


def test_plausible_zip_imports_its_sources_report_and_says_why_it_leaves_the_rest(db, tmp_path):
    zipped = plausible_zip(tmp_path)
    result = cli("import", str(zipped))
    assert result.exit_code == 0, result.output
    member = f"{PLAUSIBLE_ZIP} › sources.csv"
    assert query(
        db, "select file_name, source, exported_at, is_export_time_unknown, sha256 from imports"
    ) == [(member, "plausible_sources", JAN_31, False, hashlib.sha256(SOURCES).hexdigest())]
    # the fixture: Direct / None 300, Facebook 190, Newsletter 40; nothing from the others
    assert awareness_by_channel(db) == {"direct": 300, "facebook": 190, "email": 40}
    said = {
        line.split(" › ", 1)[1].split(":", 1)[0]: line
        for line in result.output.splitlines()
        if line.startswith("Skipped")
    }
    assert set(said) == {
        "pages.csv",
        "channels.csv",
        "utm_campaigns.csv",
        "visitors.csv",
        "entry_pages.csv",
        "countries.csv",
    }
    assert "counts the same visits as sources.csv" in said["pages.csv"]
    for report in ("channels.csv", "utm_campaigns.csv"):
        assert "reads one of sources.csv, pages.csv, not this report" in said[report]
    for report in ("visitors.csv", "entry_pages.csv", "countries.csv"):
        assert "No format Turnout knows reads this file" in said[report]
    assert "export time unknown" not in result.output  # the zip's name gives the period

    again = cli("import", str(zipped))  # the same zip: each member already imported
    assert again.exit_code == 0, again.output
    assert f"{member}: already imported (import #1); nothing changed" in again.output
    assert query(db, "select count(*) from imports") == [(1,)]


def test_a_folder_holding_the_zip_imports_it_with_its_other_files(db, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    plausible_zip(folder)
    (folder / "matomo_pages_2026-01-01_2026-01-31.csv").write_bytes(
        (FIXTURES / "matomo_pages_2026-01-01_2026-01-31.csv").read_bytes()
    )
    files, skipped = load.expand([folder], load.ImportOptions())
    assert [f.name for f in files] == [
        f"{PLAUSIBLE_ZIP} › sources.csv",
        "matomo_pages_2026-01-01_2026-01-31.csv",
    ]
    assert isinstance(files[0], archives.Member)
    assert set(skipped_names(skipped)) == {
        "pages.csv",
        "channels.csv",
        "utm_campaigns.csv",
        "visitors.csv",
        "entry_pages.csv",
        "countries.csv",
    }
    dry = cli("import", str(folder), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "sources.csv │ plausible_sources │ preview" in dry.output
    assert query(db, "select count(*) from imports") == [(0,)]
    assert cli("import", str(folder)).exit_code == 0
    assert sorted(query(db, "select file_name from imports")) == [
        (f"{PLAUSIBLE_ZIP} › sources.csv",),
        ("matomo_pages_2026-01-01_2026-01-31.csv",),
    ]


def test_a_zip_made_by_hand_on_a_mac(db, tmp_path):
    """Its exports in a folder, macOS's __MACOSX/ copies and .DS_Store beside them, a note
    and a report no format reads; no sources.csv, so pages.csv is the report imported. The
    zip's name dates nothing: the member's own date in the zip stands in, and says so."""
    zipped = make_zip(
        tmp_path / "site export.zip",
        {
            "site/": None,
            "site/pages.csv": PAGES,
            "site/countries.csv": OTHER_REPORTS["countries.csv"],
            "site/notes.txt": b"exported by hand\n",
            "site/.DS_Store": b"\x00\x00\x00\x01Bud1\x00\x00",
            "__MACOSX/site/._pages.csv": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
        },
        date_time=(2026, 2, 3, 4, 5, 6),
    )
    files, skipped = load.expand([zipped], load.ImportOptions())
    assert [f.name for f in files] == ["site export.zip › site › pages.csv"]
    assert list(skipped_names(skipped)) == ["site › countries.csv"]
    with load.session(db) as batch:
        result = batch.import_file(files[0])
    assert (result.status, result.source, result.rows_loaded) == ("imported", "plausible_pages", 3)
    assert result.exported_at_unknown and result.exported_at == datetime(2026, 2, 3, 4, 5, 6)
    assert awareness_by_channel(db) == {"web": 512 + 230 + 48}
    beside = [p.name for p in tmp_path.iterdir() if not p.name.startswith(db.name[:7])]
    assert beside == ["site export.zip"]  # nothing unzipped next to the zip


def test_json_members_are_recognised_in_memory(tmp_path, monkeypatch):
    """A JSON export is one object: read whole in memory (up to a limit) to be recognised;
    past the limit, a member is recognised when it is imported."""
    from pipelines import recognise

    people = json.loads((PEOPLE / "osdi_people.json").read_text(encoding="utf-8"))
    records = people["_embedded"]["osdi:people"]
    people["_embedded"]["osdi:people"] = records * 1000  # one object, far past the head
    big = json.dumps(people, indent=1).encode()
    assert len(big) > 2 * reader.HEAD_BYTES
    zipped = make_zip(
        tmp_path / "json.zip",
        {"petition.json": (FIXTURES / "uk_petition_700123.json").read_bytes(), "people.json": big},
    )
    members, skipped = load.contents(zipped, load.ImportOptions())
    assert [(m.inner, s.name) for m, s in members] == [
        ("petition.json", "uk_petition"),
        ("people.json", "osdi_people"),
    ]
    assert skipped == []
    monkeypatch.setattr(recognise, "JSON_IN_MEMORY_BYTES", len(big) // 2)
    members, _ = load.contents(zipped, load.ImportOptions())
    assert [(m.inner, s and s.name) for m, s in members] == [
        ("petition.json", "uk_petition"),
        ("people.json", None),
    ]


def test_a_zip_given_to_a_single_file_import_says_how_to_import_it(db, tmp_path):
    zipped = plausible_zip(tmp_path)
    with pytest.raises(ImportRefused) as refused, load.session(db) as batch:
        batch.import_file(zipped)
    assert refused.value.code == "zip.not_expanded"
    assert query(db, "select count(*) from imports") == [(0,)]


# zips refused whole ----------------------------------------------------------------------


def _flag_encrypted(path: Path) -> Path:
    """Mark the zip's first member as encrypted in the zip's index."""
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    return path


def _link(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("sources.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    return path


def _damaged(path: Path) -> Path:
    whole = plausible_zip(path.parent).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # a download cut short
    return path


REFUSED = {
    "zip.unsafe_name": lambda p: make_zip(p, {"sources.csv": SOURCES, "../outside.csv": SOURCES}),
    "absolute": lambda p: make_zip(p, {"/tmp/turnout-absolute.csv": SOURCES}),
    "zip.link": _link,
    "zip.nested": lambda p: make_zip(p, {"sources.csv": SOURCES, "more/older.zip": b"PK"}),
    "zip.encrypted": lambda p: _flag_encrypted(make_zip(p, {"sources.csv": SOURCES})),
    "zip.damaged": _damaged,
    "zip.too_many_members": lambda p: make_zip(p, {f"r{i}.csv": SOURCES for i in range(4)}),
    "zip.too_large": lambda p: make_zip(p, {"sources.csv": SOURCES * 3}),
}
SAID = {
    "zip.unsafe_name": "named to land outside its folder (bad.zip › ../outside.csv",
    "absolute": "named to land outside its folder (bad.zip › /tmp/turnout-absolute.csv",
    "zip.link": "holds a symbolic link (bad.zip › sources.csv)",
    "zip.nested": "holds another zip (bad.zip › more/older.zip)",
    "zip.encrypted": "holds a password-protected file (bad.zip › sources.csv)",
    "zip.damaged": "This zip cannot be opened: it is damaged",
    "zip.too_many_members": "holds 4 files, more than the 3 Turnout unzips",
    "zip.too_large": "more than the 0 MB Turnout unzips",
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_zip_unsafe_to_unzip_is_refused_whole_naming_it(db, tmp_path_factory, monkeypatch, case):
    monkeypatch.setattr(archives, "MAX_MEMBERS", 3)
    monkeypatch.setattr(archives, "MAX_TOTAL_BYTES", len(SOURCES) * 2)
    folder = tmp_path_factory.mktemp("in")
    zipped = REFUSED[case](folder / "bad.zip")
    around = sorted(folder.parent.rglob("*"))
    result = cli("import", str(zipped))
    assert result.exit_code == 1, result.output
    assert "Refused: bad.zip: " in result.output and SAID[case] in result.output
    assert "Nothing was written" in result.output
    assert query(db, "select count(*) from imports") == [(0,)]
    assert sorted(folder.parent.rglob("*")) == around  # nothing unzipped, anywhere
    assert not textfile.work_root(db).exists()
    assert not Path("/tmp/turnout-absolute.csv").exists()


def test_a_damaged_member_is_refused_when_it_is_imported_naming_it(db, tmp_path):
    zipped = make_zip(tmp_path / "export.zip", {"sources.csv": SOURCES})
    data = bytearray(zipped.read_bytes())
    with zipfile.ZipFile(zipped) as archive:
        start = archive.infolist()[0].header_offset + 30 + len("sources.csv")
    data[start + 5] ^= 0xFF  # a bit flipped in its compressed bytes
    zipped.write_bytes(bytes(data))
    result = cli("import", str(zipped))
    assert result.exit_code == 1, result.output
    assert (
        "Refused: export.zip › sources.csv: This file cannot be unzipped: the zip is "
        "damaged" in result.output
    )
    assert query(db, "select count(*) from imports") == [(0,)]
    assert not textfile.work_root(db).exists()


# where members are unzipped --------------------------------------------------------------


def test_members_are_unzipped_only_into_the_private_workspace_and_removed(
    db, tmp_path_factory, monkeypatch
):
    """A zip of signatures with emails and phones, a canary in a member's name too: each
    member is copied into ``<database>.work/`` (0700, the copy 0600) while it is imported,
    then removed, whether the import succeeds or is refused."""
    rows = "".join(
        f"petition-zip,2026-01-0{i} 10:00,Person {i},p{i}@canary-example.org,+1 438 555 014{i}\n"
        for i in range(1, 6)
    )
    signatures = f"petition_id,signed_at,name,email,phone\n{rows}".encode()
    bad = (
        b"petition_id,signed_at,name,email,phone\n"
        + b"petition-zip,yesterday,A,a@canary-example.org,\n" * 3
    )
    folder = tmp_path_factory.mktemp("in")
    zipped = make_zip(
        folder / "signatures.zip",
        {f"signatures {CANARY_EMAIL} {CANARY_PHONE}.csv": signatures, "broken.csv": bad},
    )
    copies = []
    real = archives.copy_out

    def watched(member, work):
        copy = real(member, work)
        copies.append(copy)
        assert copy.parent.parent == work and work.parent == textfile.work_root(db)
        assert stat.S_IMODE(textfile.work_root(db).stat().st_mode) == 0o700
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert copy.read_bytes() in (signatures, bad)
        return copy

    monkeypatch.setattr(archives, "copy_out", watched)
    result = cli("import", str(zipped))
    assert result.exit_code == 1, result.output  # broken.csv: every row rejected
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Refused: signatures.zip › broken.csv" in result.output, result.output
    assert query(db, "select count(*), sum(rows_loaded) from imports") == [(1, 5)]
    assert len(copies) == 2 and not any(copy.exists() for copy in copies)
    assert not textfile.work_root(db).exists()
    assert sorted(p.name for p in folder.iterdir()) == ["signatures.zip"]
    assert file_leaks(db.parent) == {}  # the database, its key, settings and folders
    assert table_leaks(db) == {}


# on the Data page ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_zip_uploaded_on_the_data_page_is_imported_export_by_export(db, tmp_path, lang):
    import streamlit as st

    from dashboard import i18n, loading
    from tests.dashboard_helpers import PAGES, app, no_exception

    st.cache_data.clear()
    content = plausible_zip(tmp_path).read_bytes()
    at = app(lang).switch_page(PAGES["data"]).run()
    at.file_uploader[0].set_value((PLAUSIBLE_ZIP, content, "application/zip")).run()
    no_exception(at)
    member = f"{PLAUSIBLE_ZIP} › sources.csv"
    assert [e.label for e in at.expander if PLAUSIBLE_ZIP in e.label] == [
        i18n.t(lang, "data.zip_skipped", file=PLAUSIBLE_ZIP, count=6)
    ]
    said = " ".join(c.value for c in at.caption)
    for report in (
        "pages.csv",
        "channels.csv",
        "utm_campaigns.csv",
        "visitors.csv",
        "entry_pages.csv",
        "countries.csv",
    ):
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
    st.cache_data.clear()


def test_a_damaged_zip_uploaded_on_the_data_page_is_refused_saying_why(db, tmp_path):
    import streamlit as st

    from dashboard import i18n
    from tests.dashboard_helpers import PAGES, app, no_exception

    st.cache_data.clear()
    content = plausible_zip(tmp_path).read_bytes()
    at = app("fr").switch_page(PAGES["data"]).run()
    at.file_uploader[0].set_value(("export.zip", content[:200], "application/zip")).run()
    no_exception(at)
    assert [e.value for e in at.error] == [i18n.t("fr", "data.refused", file="export.zip")]
    assert "Ce zip ne s'ouvre pas" in " ".join(c.value for c in at.caption)
    assert "run_import" not in [b.key for b in at.button]
    st.cache_data.clear()


def test_every_format_has_a_name_on_the_data_page():
    """The import history names each file's format in the page's language."""
    from dashboard import i18n
    from pipelines import sources

    for lang in i18n.LANGUAGES:
        missing = [
            name for name in sources.REGISTRY if f"format.{name}" not in i18n.catalogue(lang)
        ]
        assert missing == [], lang
