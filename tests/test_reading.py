"""Every row of a file is read the same way, however long or strange the file.

Each test builds a small file by hand and computes what it expects from what it wrote:
an encoding decided over the whole file (not its head), one rejected row per bad row,
refusals that name their cause, and nothing written when a file is refused.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines import reader, staging, textfile
from pipelines.cli import app
from pipelines.errors import ImportRefused
from tests.conftest import ROOT, query, run_import, write
from tests.test_atomic import snapshot

CALENDAR = "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
SHEET_HEADER = "event_id,name,email,signed_in_at,heard_from\n"


@pytest.fixture
def cal(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    return db


def sheet_rows(count: int, start: int = 0) -> str:
    return "".join(
        f"rally-1,Person {i},p{i}@example.org,2026-03-05 18:{i % 60:02d},flyer\n"
        for i in range(start, start + count)
    )


def refusal(db, path, **options) -> ImportRefused:
    """The refusal of ``path``, checking that the database is exactly as it was."""
    before = snapshot(db)
    with pytest.raises(ImportRefused) as caught:
        run_import(db, path, **options)
    assert snapshot(db) == before
    return caught.value


# encodings, over the whole file -------------------------------------------------------------


def test_a_windows_1252_accent_far_down_is_read_not_rejected(cal, tmp_path):
    # 8,000 plain ASCII rows (about 440 kB, past the head), then one accented Windows-1252 row
    body = (SHEET_HEADER + sheet_rows(8000)).encode("ascii")
    late = "rally-1,Hélène Côté,helene@example.org,2026-03-05 19:00,Clé de sol\n"
    path = tmp_path / "sheet.csv"
    path.write_bytes(body + late.encode("cp1252"))
    assert len(body) > reader.HEAD_BYTES
    result = run_import(cal, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (8001, 8001, 0)
    # the free-text channel is stored as written: decoded as Windows-1252, not garbled
    assert query(cal, "select channel from checkins where channel <> 'flyer'") == [("clé de sol",)]


def test_two_windows_1252_bytes_in_one_late_row_are_one_row_read_once(cal, tmp_path):
    body = (SHEET_HEADER + sheet_rows(5000)).encode("ascii")
    late = "rally-1,Zoé Lévesque,zoe@example.org,2026-03-05 19:00,flyer\n".encode("cp1252")
    path = tmp_path / "sheet.csv"
    path.write_bytes(body + late)
    assert len(body) > reader.HEAD_BYTES
    result = run_import(cal, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5001, 5001, 0)


def test_utf8_head_and_windows_1252_tail_is_refused_whole(cal, tmp_path):
    head = SHEET_HEADER + "rally-1,Zoé,zoe@example.org,2026-03-05 18:00,flyer\n" + sheet_rows(6000)
    late = "rally-1,Hélène,helene@example.org,2026-03-05 19:00,flyer\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode("utf-8") + late.encode("cp1252"))
    error = refusal(cal, path)
    assert error.code == "file.mixed_encoding"
    assert error.line == head.count("\n") + 1  # the first line that is not UTF-8


def test_windows_1252_head_and_utf8_tail_is_refused_whole(cal, tmp_path):
    head = SHEET_HEADER + "rally-1,Hélène,helene@example.org,2026-03-05 18:00,flyer\n"
    tail = sheet_rows(10) + "rally-1,Zoé,zoe@example.org,2026-03-05 19:00,flyer\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode("cp1252") + tail.encode("utf-8"))
    assert refusal(cal, path).code == "file.mixed_encoding"


def test_a_capital_accent_before_a_no_break_space_stays_windows_1252(cal, tmp_path):
    # "É" then a no-break space is two bytes that would also be a UTF-8 character
    text = SHEET_HEADER + "rally-1,Zoé,zoe@example.org,2026-03-05 18:00,CAFÉ\u00a0: ami\n"
    path = tmp_path / "sheet.csv"
    path.write_bytes(text.encode("cp1252"))
    result = run_import(cal, path)
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)


def test_utf32_is_read(cal, tmp_path):
    text = SHEET_HEADER + "rally-1,Zoé,zoe@example.org,2026-03-05 18:00,Clé\n"
    for index, encoding in enumerate(("utf-32", "utf-32-le")):
        path = tmp_path / f"sheet{index}.csv"
        path.write_bytes(text.replace("zoe@", f"zoe{index}@").encode(encoding))
        result = run_import(cal, path)
        assert (result.rows_read, result.rows_loaded) == (1, 1), encoding
    assert query(cal, "select distinct channel from checkins") == [("clé",)]


def test_an_old_excel_workbook_is_named(cal, tmp_path):
    path = tmp_path / "sheet.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    assert refusal(cal, path).code == "file.old_workbook"


# line endings, odd bytes, sizes ----------------------------------------------------------


def test_a_crlf_header_over_lf_rows_without_quotes_is_read(cal, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(SHEET_HEADER.replace("\n", "\r\n").encode() + sheet_rows(3).encode())
    result = run_import(cal, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 3, 0)


def test_classic_mac_line_endings_are_read(cal, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes((SHEET_HEADER + sheet_rows(3)).replace("\n", "\r").encode())
    result = run_import(cal, path)
    assert (result.rows_read, result.rows_loaded) == (3, 3)


def test_a_nul_byte_in_the_head_is_refused_as_binary(cal, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(SHEET_HEADER.encode() + b"rally-1,A\x00B,a@example.org,,\n")
    assert refusal(cal, path).code == "file.binary"


def test_a_nul_byte_far_down_is_one_row_read_as_text(cal, tmp_path):
    body = (SHEET_HEADER + sheet_rows(5000)).encode()
    path = tmp_path / "sheet.csv"
    path.write_bytes(body + b"rally-1,A\x00B,nul@example.org,2026-03-05 19:00,flyer\n")
    result = run_import(cal, path)
    assert result.rows_read == 5001
    assert result.rows_read == result.rows_loaded + result.rows_rejected


def test_a_one_megabyte_cell_is_read(cal, tmp_path):
    path = write(
        tmp_path,
        "sheet.csv",
        SHEET_HEADER
        + "rally-1,"
        + "x" * 1_000_000
        + ",big@example.org,2026-03-05 18:00,flyer\n"
        + sheet_rows(1),
    )
    result = run_import(cal, path)
    assert (result.rows_read, result.rows_loaded) == (2, 2)


def test_a_hundred_thousand_columns_are_refused_with_the_cause(cal, tmp_path):
    header = SHEET_HEADER.strip() + "," + ",".join(f"x{i}" for i in range(100_000))
    path = write(tmp_path, "wide.csv", header + "\n" + sheet_rows(1))
    error = refusal(cal, path)
    assert error.code == "file.too_many_columns"
    assert error.params["limit"] == reader.MAX_COLUMNS


def test_a_csv_whose_first_cell_opens_a_bracket_is_read_as_csv(cal, tmp_path):
    text = "[event_id],name,email\nrally-1,A,a@example.org\n"
    error = refusal(cal, write(tmp_path, "sheet.csv", text))
    assert error.code.startswith("file.unknown_format")  # a CSV, not "cannot be parsed"


# JSON ----------------------------------------------------------------------------------


def test_json_nested_ten_thousand_levels_is_refused_clearly(cal, tmp_path):
    path = write(tmp_path, "deep.json", '{"a":' * 10_000 + "1" + "}" * 10_000)
    error = refusal(cal, path)
    assert error.code == "json.too_deep"


def test_json_with_a_duplicate_key_is_refused_clearly(cal, tmp_path):
    people = {
        "_embedded": {
            "osdi:people": [
                {
                    "identifiers": ["action_network:1"],
                    "given_name": "Ana",
                    "email_addresses": [{"primary": True, "address": "ana@example.org"}],
                }
            ]
        }
    }
    text = json.dumps(people).replace(
        '"given_name": "Ana"', '"given_name": "Ana", "given_name": "Bo"'
    )
    error = refusal(cal, write(tmp_path, "osdi_people.json", text))
    assert error.code == "json.duplicate_key"
    assert "ana@example.org" not in str(error)


def test_one_json_object_above_the_limit_is_refused_saying_why(cal, tmp_path, monkeypatch):
    # a 230 MB OSDI document is one object; the limit is lowered so the file stays small
    people = [
        {
            "identifiers": [f"action_network:{i}"],
            "email_addresses": [{"primary": True, "address": f"p{i}@example.org"}],
        }
        for i in range(6000)
    ]
    path = write(tmp_path, "osdi_people.json", json.dumps({"_embedded": {"osdi:people": people}}))
    monkeypatch.setattr(reader, "JSON_MAX_OBJECT_BYTES", path.stat().st_size - 1)
    error = refusal(cal, path)
    assert error.code == "json.too_large"
    monkeypatch.undo()  # under the real limit, the same file is read
    assert run_import(cal, path).rows_loaded == 6000


# numbers ---------------------------------------------------------------------------------

GOOD_COUNTS = [f"rally-1,2026-02-0{day} 10:00,{200 + day}" for day in range(1, 6)]


def test_an_out_of_range_count_is_one_rejected_row(cal, tmp_path):
    rows = [
        "rally-1,2026-03-01 11:00,99999999999999999999",
        "rally-1,2026-03-01 12:00,1e308",
        "rally-1,2026-03-01 13:00,inf",
        "rally-1,2026-03-01 14:00,nan",
    ] + GOOD_COUNTS
    path = write(tmp_path, "counts.csv", "event_id,snapshot_at,going\n" + "\n".join(rows) + "\n")
    result = run_import(cal, path, source="facebook_event_counts")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (9, 5, 4)
    assert [(r["line"], r["column"], r["code"]) for r in result.rejects] == [
        (line, "going", "row.number_out_of_range") for line in (2, 3, 4, 5)
    ]
    assert query(cal, "select sum(going) from facebook_event_snapshots") == [(1015,)]


# dates -----------------------------------------------------------------------------------


def test_time_zone_offsets_become_montreal_wall_time(cal, tmp_path):
    # the same moment, 23:30 UTC = 18:30 in Montréal in March (EST, UTC-5), four ways
    rows = [
        "2026-03-02 04:30+05:00",
        "2026-03-01T23:30:00Z",
        "2026-03-01 18:30 EST",
        "2026-03-01 18:30:00-05:00",
    ]
    text = "event_id,snapshot_at,going\n" + "".join(
        f"rally-{i},{when},{10 + i}\n" for i, when in enumerate(rows, start=1)
    )
    run_import(
        cal,
        write(
            tmp_path,
            "calendar2.csv",
            "event_id,name,starts_at\n"
            + "".join(f"rally-{i},Rally {i},2026-03-05 18:30\n" for i in range(2, 5)),
        ),
    )
    result = run_import(cal, write(tmp_path, "counts.csv", text), source="facebook_event_counts")
    assert result.rows_loaded == 4
    stored = query(cal, "select distinct snapshot_at from facebook_event_snapshots")
    assert [str(when) for (when,) in stored] == ["2026-03-01 18:30:00"]


def test_dates_outside_a_plausible_window_are_rejected(cal, tmp_path):
    rows = [
        "rally-1,0000-01-01,5",
        "rally-1,1999-12-31 23:00,6",
        "rally-1,9999-12-31,1",
        "rally-1,2026-03-01 10:00,223",
    ] + GOOD_COUNTS
    text = "event_id,snapshot_at,going\n" + "\n".join(rows) + "\n"
    result = run_import(cal, write(tmp_path, "counts.csv", text), source="facebook_event_counts")
    assert (result.rows_loaded, result.rows_rejected) == (6, 3)
    assert [(r["line"], r["code"]) for r in result.rejects] == [
        (2, "row.date_out_of_range"),
        (3, "row.date_out_of_range"),
        (4, "row.date_in_future"),
    ]
    # the snapshot dated 9999 never becomes "the latest": going stays 223 (2026-03-01's)
    assert query(cal, "select facebook_going from mart_event_gap where event_id = 'rally-1'") == [
        (223,)
    ]


def test_an_event_may_be_scheduled_ahead_but_not_a_century_ahead(db, tmp_path):
    text = "event_id,name,starts_at\nsoon,Soon,{soon}\nlater,Later,2099-03-05 18:30\n"
    soon = query(db, "select strftime(current_date + interval 60 day, '%Y-%m-%d 18:30')")[0][0]
    result = run_import(db, write(tmp_path, "calendar.csv", text.format(soon=soon)))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert result.rejects[0]["code"] == "row.date_out_of_range"


# the file itself: changed, removed, copied -----------------------------------------------


def _during_the_read(monkeypatch, action) -> None:
    """Run ``action(path)`` right after DuckDB has read the rows, before the import commits."""
    original = reader.load_csv

    def load_then_act(con, layout, work, *args, **kwargs):
        rejects = original(con, layout, work, *args, **kwargs)
        action(layout.path)
        return rejects

    monkeypatch.setattr(reader, "load_csv", load_then_act)


def test_a_file_overwritten_during_its_import_is_refused_then_loads_whole(
    cal, tmp_path, monkeypatch
):
    path = write(tmp_path, "sheet.csv", SHEET_HEADER + sheet_rows(200))
    original = path.read_bytes()

    def overwrite(target):  # the same size, new bytes in place: as a sync client would
        with open(target, "r+b") as handle:
            handle.seek(len(original) // 2)
            handle.write(b"X" * 16)

    _during_the_read(monkeypatch, overwrite)
    assert refusal(cal, path).code == "file.changed"
    monkeypatch.undo()
    path.write_bytes(original)  # the original back: imported in full, not "already imported"
    result = run_import(cal, path)
    assert (result.status, result.rows_loaded) == ("imported", 200)


def test_a_file_removed_during_its_import_is_refused_clearly(cal, tmp_path, monkeypatch):
    path = write(tmp_path, "sheet.csv", SHEET_HEADER + sheet_rows(5))
    _during_the_read(monkeypatch, lambda target: target.unlink())
    assert refusal(cal, path).code == "file.vanished"


def test_copies_stay_in_a_private_folder_and_go_on_a_refusal(cal, tmp_path, monkeypatch):
    temp = tmp_path / "system-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    seen = []
    original = textfile.utf8_copy

    def watched(path, encoding, folder, file_name):
        copy = original(path, encoding, folder, file_name)
        seen.append((copy.parent.parent, stat.S_IMODE(copy.parent.parent.stat().st_mode)))
        return copy

    monkeypatch.setattr(textfile, "utf8_copy", watched)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    before = sorted(p.name for p in cal.parent.iterdir())
    # Windows-1252, so it is copied to UTF-8; its quote never closes, so it is refused
    text = SHEET_HEADER + 'rally-1,"Hélène,helene@example.org,2026-03-05 18:00,flyer\n'
    assert (
        refusal(cal, write(incoming, "sheet.csv", text, "cp1252")).code == "file.unterminated_quote"
    )
    assert seen == [(textfile.work_root(cal), 0o700)]
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in cal.parent.iterdir()) == before


def test_a_copy_left_by_a_killed_import_is_removed_by_the_next(cal, tmp_path):
    left = textfile.work_root(cal) / "import-killed"
    left.mkdir(parents=True)
    (left / "copy.csv").write_text("rally-1,Hélène,helene@example.org\n")
    run_import(cal, write(tmp_path, "sheet.csv", SHEET_HEADER + sheet_rows(2)))
    assert not textfile.work_root(cal).exists()


def test_sigterm_during_an_import_removes_its_copies(db):
    with pytest.raises(SystemExit):
        with textfile.private_workspace(db) as work:
            (work / "copy.csv").write_text("helene@example.org\n")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises here, well before the end
    assert not textfile.work_root(db).exists()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_folder_of_unrecognised_files_fails(db, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "shopping.csv", "apples,pears\n1,2\n")
    result = CliRunner().invoke(app, ["import", str(folder)], terminal_width=200)
    assert result.exit_code == 1
    assert "shopping.csv" in result.output


def test_sigterm_to_an_import_process_leaves_no_copy(cal, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes((SHEET_HEADER + sheet_rows(2000)).replace("Person", "Hélène").encode("cp1252"))
    script = textwrap.dedent(f"""
        from pathlib import Path
        from pipelines import load
        def step(name):
            print(name, flush=True)
        load.import_file(Path({str(cal)!r}), Path({str(path)!r}), progress=step)
        print("done", flush=True)
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    copies_seen = False
    for line in child.stdout:
        if line.strip() == "checking rows":  # the UTF-8 copy has been read
            copies_seen = any(textfile.work_root(cal).rglob("*.csv"))
            child.send_signal(signal.SIGTERM)
            break
    child.communicate(timeout=120)
    assert copies_seen
    # the import stops (SIGTERM as an exit, or the interrupted query as a refused file) and
    # leaves no copy behind either way
    assert child.returncode != 0
    assert not textfile.work_root(cal).exists()


@pytest.mark.parametrize(
    ("written", "montreal"),
    [
        ("2026-07-05 18:30 EDT", "2026-07-05 18:30:00"),  # summer: Montréal is on EDT itself
        ("2026-07-05 18:30 NDT", "2026-07-05 17:00:00"),  # Newfoundland, UTC-2:30
        ("2026-07-05 18:30 PST", "2026-07-05 22:30:00"),  # UTC-8: 02:30 UTC, 22:30 EDT
        ("2026-07-05T22:30:00Z", "2026-07-05 18:30:00"),
        ("2026-07-05 18:30", "2026-07-05 18:30:00"),  # no zone: kept as written
    ],
)
def test_named_zones_and_summer_time(written, montreal):
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    staging.install_macros(con)
    assert (
        str(con.execute("select turnout_timestamp(?, false)", [written]).fetchone()[0]) == montreal
    )
