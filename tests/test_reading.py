"""Every row of a file is read the same way, however long or strange the file.

Each test builds a small file by hand and computes what it expects from what it wrote:
an encoding decided over the whole file (not its head), one rejected row per bad row,
refusals that name their cause, and nothing written when a file is refused. Here: encodings,
line endings, odd bytes and sizes, JSON; values in test_reading_values.py, and the file
itself during its import in test_reading_files.py.
"""

from __future__ import annotations

import json

from pipelines import jsonfile, reader
from tests.conftest import query, run_import, write
from tests.import_helpers import SHEET_HEADER, refusal, sheet_rows

# encodings, over the whole file -------------------------------------------------------------


def test_a_windows_1252_accent_far_down_is_read_not_rejected(rally_db, tmp_path):
    # 8,000 plain ASCII rows (about 440 kB, past the head), then one accented Windows-1252 row
    body = (SHEET_HEADER + sheet_rows(8000)).encode("ascii")
    late = "rally-1,Hélène Côté,helene@example.org,2026-03-05 19:00,Clé de sol\n"
    path = tmp_path / "sheet.csv"
    path.write_bytes(body + late.encode("cp1252"))
    assert len(body) > reader.HEAD_BYTES
    result = run_import(rally_db, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (8001, 8001, 0)
    # the free-text channel is stored as written: decoded as Windows-1252, not garbled
    assert query(rally_db, "select channel from checkins where channel <> 'flyer'") == [
        ("clé de sol",)
    ]


def test_two_windows_1252_bytes_in_one_late_row_are_one_row_read_once(rally_db, tmp_path):
    body = (SHEET_HEADER + sheet_rows(5000)).encode("ascii")
    late = "rally-1,Zoé Lévesque,zoe@example.org,2026-03-05 19:00,flyer\n".encode("cp1252")
    path = tmp_path / "sheet.csv"
    path.write_bytes(body + late)
    assert len(body) > reader.HEAD_BYTES
    result = run_import(rally_db, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5001, 5001, 0)


def test_utf8_head_and_windows_1252_tail_is_refused_whole(rally_db, tmp_path):
    head = SHEET_HEADER + "rally-1,Zoé,zoe@example.org,2026-03-05 18:00,flyer\n" + sheet_rows(6000)
    late = "rally-1,Hélène,helene@example.org,2026-03-05 19:00,flyer\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode("utf-8") + late.encode("cp1252"))
    error = refusal(rally_db, path)
    assert error.code == "file.mixed_encoding"
    assert error.line == head.count("\n") + 1  # the first line that is not UTF-8


def test_windows_1252_head_and_utf8_tail_is_refused_whole(rally_db, tmp_path):
    head = SHEET_HEADER + "rally-1,Hélène,helene@example.org,2026-03-05 18:00,flyer\n"
    tail = sheet_rows(10) + "rally-1,Zoé,zoe@example.org,2026-03-05 19:00,flyer\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode("cp1252") + tail.encode("utf-8"))
    assert refusal(rally_db, path).code == "file.mixed_encoding"


def test_a_capital_accent_before_a_no_break_space_stays_windows_1252(rally_db, tmp_path):
    # "É" then a no-break space is two bytes that would also be a UTF-8 character
    text = SHEET_HEADER + "rally-1,Zoé,zoe@example.org,2026-03-05 18:00,CAFÉ\u00a0: ami\n"
    path = tmp_path / "sheet.csv"
    path.write_bytes(text.encode("cp1252"))
    result = run_import(rally_db, path)
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)


def test_utf32_is_read(rally_db, tmp_path):
    text = SHEET_HEADER + "rally-1,Zoé,zoe@example.org,2026-03-05 18:00,Clé\n"
    for index, encoding in enumerate(("utf-32", "utf-32-le")):
        path = tmp_path / f"sheet{index}.csv"
        path.write_bytes(text.replace("zoe@", f"zoe{index}@").encode(encoding))
        result = run_import(rally_db, path)
        assert (result.rows_read, result.rows_loaded) == (1, 1), encoding
    assert query(rally_db, "select distinct channel from checkins") == [("clé",)]


def test_an_old_excel_workbook_is_named(rally_db, tmp_path):
    path = tmp_path / "sheet.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    assert refusal(rally_db, path).code == "file.old_workbook"


# line endings, odd bytes, sizes ----------------------------------------------------------


def test_a_crlf_header_over_lf_rows_without_quotes_is_read(rally_db, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(SHEET_HEADER.replace("\n", "\r\n").encode() + sheet_rows(3).encode())
    result = run_import(rally_db, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 3, 0)


def test_classic_mac_line_endings_are_read(rally_db, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes((SHEET_HEADER + sheet_rows(3)).replace("\n", "\r").encode())
    result = run_import(rally_db, path)
    assert (result.rows_read, result.rows_loaded) == (3, 3)


def test_a_nul_byte_in_the_head_is_refused_as_binary(rally_db, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(SHEET_HEADER.encode() + b"rally-1,A\x00B,a@example.org,,\n")
    assert refusal(rally_db, path).code == "file.binary"


def test_a_nul_byte_far_down_is_one_row_read_as_text(rally_db, tmp_path):
    body = (SHEET_HEADER + sheet_rows(5000)).encode()
    path = tmp_path / "sheet.csv"
    path.write_bytes(body + b"rally-1,A\x00B,nul@example.org,2026-03-05 19:00,flyer\n")
    result = run_import(rally_db, path)
    assert result.rows_read == 5001
    assert result.rows_read == result.rows_loaded + result.rows_rejected


def test_a_one_megabyte_cell_is_read(rally_db, tmp_path):
    path = write(
        tmp_path,
        "sheet.csv",
        SHEET_HEADER
        + "rally-1,"
        + "x" * 1_000_000
        + ",big@example.org,2026-03-05 18:00,flyer\n"
        + sheet_rows(1),
    )
    result = run_import(rally_db, path)
    assert (result.rows_read, result.rows_loaded) == (2, 2)


def test_a_hundred_thousand_columns_are_refused_with_the_cause(rally_db, tmp_path):
    header = SHEET_HEADER.strip() + "," + ",".join(f"x{i}" for i in range(100_000))
    path = write(tmp_path, "wide.csv", header + "\n" + sheet_rows(1))
    error = refusal(rally_db, path)
    assert error.code == "file.too_many_columns"
    assert error.params["limit"] == reader.MAX_COLUMNS


def test_a_csv_whose_first_cell_opens_a_bracket_is_read_as_csv(rally_db, tmp_path):
    text = "[event_id],name,email\nrally-1,A,a@example.org\n"
    error = refusal(rally_db, write(tmp_path, "sheet.csv", text))
    assert error.code.startswith("file.unknown_format")  # a CSV, not "cannot be parsed"


# JSON ----------------------------------------------------------------------------------


def test_json_nested_ten_thousand_levels_is_refused_clearly(rally_db, tmp_path):
    path = write(tmp_path, "deep.json", '{"a":' * 10_000 + "1" + "}" * 10_000)
    error = refusal(rally_db, path)
    assert error.code == "json.too_deep"


def test_json_with_a_duplicate_key_is_refused_clearly(rally_db, tmp_path):
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
    error = refusal(rally_db, write(tmp_path, "osdi_people.json", text))
    assert error.code == "json.duplicate_key"
    assert "ana@example.org" not in str(error)


def test_one_json_object_above_the_limit_is_refused_saying_why(rally_db, tmp_path, monkeypatch):
    # a 230 MB OSDI document is one object; the limit is lowered so the file stays small
    people = [
        {
            "identifiers": [f"action_network:{i}"],
            "email_addresses": [{"primary": True, "address": f"p{i}@example.org"}],
        }
        for i in range(6000)
    ]
    path = write(tmp_path, "osdi_people.json", json.dumps({"_embedded": {"osdi:people": people}}))
    monkeypatch.setattr(jsonfile, "JSON_MAX_OBJECT_BYTES", path.stat().st_size - 1)
    error = refusal(rally_db, path)
    assert error.code == "json.too_large"
    monkeypatch.undo()  # under the real limit, the same file is read
    assert run_import(rally_db, path).rows_loaded == 6000
