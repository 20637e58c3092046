"""A zip that is unsafe to unzip (a name that lands outside its folder, a link, a zip inside,
a password, damage, too many files or bytes) is refused whole, naming it, with nothing
unzipped anywhere; a damaged member is refused when it is imported, naming it."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from pipelines import archives, textfile
from tests.conftest import query
from tests.zips import SOURCES, cli, make_zip, plausible_zip

pytestmark = pytest.mark.usefixtures("wide_console")


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
