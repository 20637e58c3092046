"""Zips of exports: Plausible's dashboard export imported as it is downloaded, each export in
it an import of its own (``export.zip › sources.csv``), the rest listed with why; members
unzipped only into the import's private workspace, and nothing left behind. Zips refused
whole: test_archives_refused.py; on the Data page: test_archives_data_page.py.

The Plausible zip is built (tests/zips.py) from the fixtures of the two Plausible formats,
with the other reports Plausible's export holds; every expected figure is read off those
fixtures by hand.
"""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import datetime
from pathlib import Path

import pytest

from pipelines import archives, load, reader, textfile
from pipelines.errors import ImportRefused
from tests.conftest import query
from tests.given import awareness_by_channel
from tests.test_privacy import CANARY_EMAIL, CANARY_PHONE, file_leaks, table_leaks
from tests.zips import (
    FIXTURES,
    JAN_31,
    LEFT_OUT,
    OTHER_REPORTS,
    PAGES,
    PLAUSIBLE_ZIP,
    SOURCES,
    cli,
    make_zip,
    plausible_zip,
)

PEOPLE = Path(__file__).parent / "fixtures" / "people"

pytestmark = pytest.mark.usefixtures("wide_console")


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
    assert set(said) == set(LEFT_OUT)
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
    assert set(skipped_names(skipped)) == set(LEFT_OUT)
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
