"""Property-based fuzzing of every importer.

Random bytes, truncated real-format files and mutated headers must end in a clean
load or a clear refusal: never a traceback, never a partial write.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import sources
from pipelines.errors import TurnoutError
from tests.conftest import ROOT, query, run_import, write
from tests.import_helpers import snapshot

CALENDAR = (
    "event_id,name,starts_at,eventbrite_event_id,zoom_webinar_id,mobilize_event_id\n"
    "rally-1,Rally,2026-03-05 18:30,111,222,333\n"
)
FIXTURES = sorted(
    p
    for p in (ROOT / "tests" / "fixtures").rglob("*")
    if p.is_file() and p.suffix in (".csv", ".json")
)
SAMPLES = sorted(p for p in (ROOT / "sample_data").glob("*") if p.suffix in (".csv", ".json"))
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
counter = itertools.count()


@pytest.fixture
def calendar_db(db, tmp_path, tmp_path_factory, monkeypatch):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    # a temp folder of the test's own, so that anything left in it is this test's
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("temp")))
    return db


def import_survives(db, folder: Path, content: bytes, suffix: str = ".csv", **options) -> None:
    """The one property: a result that adds up, or a clear refusal and no change; and no
    copy of the file left behind, in the temp folder or next to the database."""
    path = folder / f"fuzz-{next(counter)}{suffix}"
    path.write_bytes(content)
    before = snapshot(db)
    beside_db = sorted(p for p in db.parent.iterdir() if p != path)
    temp = Path(tempfile.gettempdir())
    in_temp = sorted(temp.iterdir())
    try:
        result = run_import(db, path, **options)
    except TurnoutError as error:
        assert error.code, str(error)  # a known refusal, worded from the catalogue
        assert path.name in str(error) or "no such file" in str(error)
        assert snapshot(db) == before
    else:
        assert result.status in ("imported", "already imported"), result.status
        stored = query(
            db,
            "select sha256, rows_read, rows_loaded, rows_duplicate, "
            "rows_rejected from imports where import_id = ?",
            [result.import_id],
        )
        assert [row[0] for row in stored] == [hashlib.sha256(content).hexdigest()]
        if result.status == "imported":
            assert (
                result.rows_read
                == result.rows_loaded + result.rows_duplicate + result.rows_rejected
            )
            assert stored[0][1:] == (
                result.rows_read,
                result.rows_loaded,
                result.rows_duplicate,
                result.rows_rejected,
            )
        else:  # the same bytes came before: this import wrote nothing
            assert snapshot(db) == before
    assert sorted(temp.iterdir()) == in_temp
    assert sorted(p for p in db.parent.iterdir() if p != path) == beside_db


SHEET = "event_id,name,email,signed_in_at,heard_from\n"
ROW = "rally-1,Hélène Côté,helene@example.org,2026-03-05 18:30,flyer\n"
HOSTILE = {  # inputs that once ended in a traceback, a half-read file or a wrong cause
    "nul_bytes": (SHEET + ROW).encode().replace(b"flyer", b"fl\x00yer"),
    "classic_mac": (SHEET + ROW).replace("\n", "\r").encode(),
    "crlf_header_lf_rows": SHEET.replace("\n", "\r\n").encode() + ROW.encode(),
    "mixed_encodings": (SHEET + ROW).encode() + ROW.replace("helene@", "h2@").encode("cp1252"),
    "cp1252_with_open_quote": (SHEET + 'rally-1,"Hélène,h@example.org,,\n').encode("cp1252"),
    "utf32": (SHEET + ROW).encode("utf-32"),
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
    "huge_numbers": b"event_id,snapshot_at,going\nrally-1,2026-03-01 10:00,1e308\n"
    b"rally-1,2026-03-01 11:00,nan\nrally-1,2026-03-01 12:00,5\n"
    b"rally-1,2026-03-01 13:00,99999999999999999999\n",
    "dates_far_away": b"event_id,snapshot_at,going\nrally-1,9999-12-31,1\n"
    b"rally-1,0000-01-01,2\nrally-1,2026-03-01 12:00+05:00,5\n",
    "bracket_first_cell": ("[event_id],name\n" + ROW).encode(),
    "one_megabyte_cell": (SHEET + "rally-1," + "x" * 1_000_000 + ",a@example.org,,\n").encode(),
    "wide": (SHEET.strip() + "," + ",".join(f"c{i}" for i in range(100_000)) + "\n").encode(),
}
HOSTILE_JSON = {
    "deep": ('{"a":' * 10_000 + "1" + "}" * 10_000).encode(),
    "duplicate_key": b'{"_embedded": {"osdi:people": [{"identifiers": ["action_network:1"], '
    b'"identifiers": ["x:2"], '
    b'"email_addresses": [{"address": "a@example.org"}]}]}}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE) + sorted(HOSTILE_JSON))
def test_hostile_inputs(calendar_db, tmp_path, name):
    suffix = ".json" if name in HOSTILE_JSON else ".csv"
    content = HOSTILE.get(name) or HOSTILE_JSON[name]
    import_survives(calendar_db, tmp_path, content, suffix)


@FUZZ
@given(content=st.binary(max_size=2000))
def test_random_bytes(calendar_db, tmp_path, content):
    import_survives(calendar_db, tmp_path, content)


@pytest.mark.skipif(not (FIXTURES or SAMPLES), reason="no format files to truncate")
@FUZZ
@given(data=st.data())
def test_truncated_files(calendar_db, tmp_path, data):
    original = data.draw(st.sampled_from(FIXTURES + SAMPLES)).read_bytes()[:200_000]
    cut = data.draw(st.integers(min_value=0, max_value=len(original)))
    import_survives(calendar_db, tmp_path, original[:cut], event_id="rally-1")


def _cells():
    return st.one_of(
        st.sampled_from(
            [
                "",
                "--",
                "N/A",
                "-3",
                "1.22158E+17",
                "2026-03-05 18:30",
                "13/13/2026",
                "Yes",
                "No",
                "Checked In",
                "1,234",
                "a@example.org",
                "514-555-0123",
                '"x',
                "rally-1",
                "Total",
            ]
        ),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    )


@pytest.mark.parametrize(
    "name", sorted(s.name for s in sources.REGISTRY.values() if s.file_type == "csv")
)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_headers(calendar_db, tmp_path, name, data):
    header = next(iter(__import__("csv").reader([sources.REGISTRY[name].example_header])))
    mutated = data.draw(st.permutations(header))
    drop = data.draw(st.integers(min_value=0, max_value=max(0, len(mutated) - 1)))
    if data.draw(st.booleans()):
        mutated = mutated[:drop] + mutated[drop + 1 :]
    if data.draw(st.booleans()):
        mutated = mutated + [mutated[0]]  # a repeated header name
    rows = data.draw(
        st.lists(st.lists(_cells(), min_size=len(mutated), max_size=len(mutated)), max_size=6)
    )
    delimiter = data.draw(st.sampled_from([",", ";"]))
    lines = [delimiter.join(mutated)] + [delimiter.join(row) for row in rows]
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    text = "\n".join(lines) + "\n"
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:
        content = text.encode("utf-8")
    source = name if data.draw(st.booleans()) else None
    import_survives(calendar_db, tmp_path, content, source=source, event_id="rally-1")
