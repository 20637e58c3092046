"""Import behaviour: accounting, idempotence, clear errors, quirks — through the templates."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime

import pytest

from pipelines import config, identity, load
from pipelines.errors import ImportRefused
from tests.conftest import ROOT, query, run_import, write

AGGREGATE = ROOT / "tests" / "fixtures" / "aggregate"

CALENDAR = (
    "event_id,name,starts_at,kind,campaign,online\n"
    "rally-1,Rassemblement,2026-03-05 18:30,rally,bienvenue,no\n"
    "vigil-1,Vigile,2026-03-12 19:00,vigil,bienvenue,no\n"
)


@pytest.fixture
def calendar(db, tmp_path):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    return db


def test_rows_are_accounted_for_and_stored(calendar, tmp_path):
    sheet = write(
        tmp_path,
        "sheet.csv",
        (
            "event_id,name,email,phone,signed_in_at,heard_from\n"
            "rally-1,Ana,ana@example.org,,18:40,flyer\n"
            "rally-1,Ben,,514-555-0101,18:41,friend\n"
            "rally-1,Ben,,514-555-0101,18:41,friend\n"  # same person, same minute, twice
            "nowhere,Cy,cy@example.org,,18:42,radio\n"  # unknown event
            "rally-1,Dee,,,not a time,\n"  # time unreadable: a reason, not a blank
        ),
    )
    result = run_import(calendar, sheet)
    assert (result.rows_read, result.rows_loaded, result.rows_duplicate, result.rows_rejected) == (
        5,
        2,
        1,
        2,
    )
    stored = query(
        calendar,
        "select rows_read, rows_loaded, rows_duplicate, rows_rejected "
        "from imports where file_name = 'sheet.csv'",
    )
    assert stored == [(5, 2, 1, 2)]
    rejected = query(calendar, "select line, column_name, reason from rejects order by line")
    assert [(line, column) for line, column, _ in rejected] == [(5, "event_id"), (6, None)]
    assert "nowhere" in rejected[0][2] and "calendar" in rejected[0][2]
    assert "'not a time' is not a time of arrival" in rejected[1][2]


def test_same_file_twice_changes_nothing(calendar, tmp_path):
    sheet = write(
        tmp_path,
        "sheet.csv",
        "event_id,name,email,signed_in_at\nrally-1,Ana,ana@example.org,18:40\n",
    )
    run_import(calendar, sheet)
    before = query(calendar, "select count(*) from checkins")
    again = run_import(calendar, sheet)
    assert again.status == "already imported"
    assert query(calendar, "select count(*) from checkins") == before
    assert query(calendar, "select count(*) from imports") == [(2,)]


def test_rows_seen_before_are_duplicates(calendar, tmp_path):
    first = write(
        tmp_path, "a.csv", "event_id,name,email,signed_in_at\nrally-1,Ana,ana@example.org,18:40\n"
    )
    second = write(
        tmp_path,
        "b.csv",
        "event_id,name,email,signed_in_at\n"
        "rally-1,Ana,ANA@example.org ,18:40\n"
        "rally-1,Bo,bo@example.org,18:45\n",
    )
    run_import(calendar, first)
    result = run_import(calendar, second)
    assert (result.rows_loaded, result.rows_duplicate) == (1, 1)
    assert query(calendar, "select count(*) from checkins") == [(2,)]


def test_newer_aggregate_snapshot_is_kept_beside_older(calendar, tmp_path):
    counts = "event_id,snapshot_at,going,interested\n"
    run_import(calendar, write(tmp_path, "c1.csv", counts + "rally-1,2026-02-01 10:00,40,90\n"))
    run_import(
        calendar,
        write(
            tmp_path,
            "c2.csv",
            counts + "rally-1,2026-02-20 10:00,55,120\nrally-1,2026-02-01 10:00,40,90\n",
        ),
    )
    assert query(calendar, "select going from facebook_event_snapshots order by snapshot_at") == [
        (40,),
        (55,),
    ]
    assert query(
        calendar, "select rows_loaded, rows_duplicate from imports where file_name = 'c2.csv'"
    ) == [(1, 1)]


def test_calendar_update_replaces_the_event(calendar, tmp_path):
    run_import(
        calendar,
        write(tmp_path, "calendar2.csv", CALENDAR.replace("Rassemblement", "Grand rassemblement")),
    )
    assert query(calendar, "select name from events where event_id = 'rally-1'") == [
        ("Grand rassemblement",)
    ]
    assert query(
        calendar,
        "select rows_loaded, rows_duplicate from imports where file_name = 'calendar2.csv'",
    ) == [(1, 1)]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\n\n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"PK\x03\x04" + b"\x00" * 100, "Excel"),
        (b"colour,shape,size\nred,round,3\n", "not recognised"),
    ],
)
def test_unreadable_files_are_refused(db, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as caught:
        run_import(db, path)
    assert expected in str(caught.value)
    assert "bad.csv" in str(caught.value) and "Nothing was written" in str(caught.value)
    assert query(db, "select count(*) from imports") == [(0,)]


def test_unknown_format_names_the_closest(db, tmp_path):
    path = write(tmp_path, "x.csv", "event_id,name,when\na,b,c\n")
    with pytest.raises(ImportRefused) as caught:
        run_import(db, path)
    message = str(caught.value)
    assert "events_calendar" in message and "Known formats" in message


def test_unterminated_quote_refuses_the_file(calendar, tmp_path):
    path = write(
        tmp_path,
        "q.csv",
        "event_id,name,email,signed_in_at\n"
        "rally-1,Ana,a@example.org,18:40\n"
        'rally-1,"Bo,b@example.org,18:41\n',
    )
    before = query(calendar, "select count(*) from checkins")
    with pytest.raises(ImportRefused) as caught:
        run_import(calendar, path)
    assert "line 3" in str(caught.value) and "never closed" in str(caught.value)
    assert query(calendar, "select count(*) from checkins") == before


def test_bad_rows_have_readable_reasons(calendar, tmp_path):
    path = write(
        tmp_path,
        "counts.csv",
        (
            "event_id,snapshot_at,going,interested\n"
            "rally-1,2026-02-01 10:00,40,90\n"
            "rally-1,2026-02-02 10:00,41,91\n"
            "rally-1,2026-02-03 10:00,42,92\n"
            "rally-1,yesterday,40,90\n"
            "rally-1,2026-02-05 10:00,-3,90\n"
            "1.22158E+17,2026-02-06 10:00,1,2\n"
        ),
    )
    result = run_import(calendar, path)
    reasons = {r["line"]: (r["column"], r["reason"]) for r in result.rejects}
    assert reasons[5][0] == "snapshot_at" and "not a date" in reasons[5][1]
    assert reasons[6][0] == "going" and "negative" in reasons[6][1]
    assert reasons[7][0] == "event_id" and "scientific notation" in reasons[7][1]
    assert result.rows_loaded == 3


def test_mostly_rejected_file_is_refused_whole(calendar, tmp_path):
    path = write(
        tmp_path,
        "counts.csv",
        "event_id,snapshot_at,going\nrally-1,soon,1\nrally-1,later,2\nrally-1,2026-01-01,3\n",
    )
    with pytest.raises(ImportRefused) as caught:
        run_import(calendar, path)
    assert "2 of 3 rows" in str(caught.value) and "line 2" in str(caught.value)
    assert query(calendar, "select count(*) from facebook_event_snapshots") == [(0,)]


def test_french_excel_quirks(calendar, tmp_path):
    # ';', Windows-1252, day-first dates, narrow no-break space thousands, N/A and -- empties
    text = (
        "événement_id;relevé_le;participants;intéressés\r\n"
        "rally-1;25/02/2026 10:00;1\u00a0250;N/A\r\n"
        "vigil-1;03/03/2026 09:00;12;--\r\n"
    )
    result = run_import(calendar, write(tmp_path, "releves.csv", text, encoding="cp1252"))
    assert result.rows_rejected == 0
    rows = query(
        calendar,
        "select event_id, snapshot_at::varchar, going, interested "
        "from facebook_event_snapshots order by event_id",
    )
    assert rows == [
        ("rally-1", "2026-02-25 10:00:00", 1250, None),
        ("vigil-1", "2026-03-03 09:00:00", 12, None),
    ]


def test_narrow_no_break_space_thousands(calendar, tmp_path):
    text = "evenement_id;releve_le;participants\nrally-1;01/02/2026;2\u202f500,0\n"
    run_import(calendar, write(tmp_path, "n.csv", text))
    assert query(calendar, "select going from facebook_event_snapshots") == [(2500,)]


def test_utf16_with_sep_line_and_totals_row(calendar, tmp_path):
    text = (
        "sep=,\r\nevent_id,snapshot_at,going,interested\r\n"
        'rally-1,2026-02-01 10:00,"1,234",7\r\nTotal,,1234,7\r\n'
    )
    path = tmp_path / "u16.csv"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = run_import(calendar, path)
    assert query(calendar, "select going from facebook_event_snapshots") == [(1234,)]
    assert [r["line"] for r in result.rejects] == [4]
    assert "totals row" in result.rejects[0]["reason"]


def test_day_first_is_decided_per_file(calendar, tmp_path):
    # 13/02 can only be day-first, so 01/02 in the same file is the 1st of February
    text = "event_id,snapshot_at,going\nrally-1,13/02/2026,5\nvigil-1,01/02/2026,6\n"
    run_import(calendar, write(tmp_path, "d.csv", text))
    assert query(
        calendar,
        "select event_id, snapshot_at::date::varchar from facebook_event_snapshots order by 1",
    ) == [("rally-1", "2026-02-13"), ("vigil-1", "2026-02-01")]


def test_repeated_header_names_take_the_first(calendar, tmp_path):
    text = "event_id,snapshot_at,going,going\nrally-1,2026-02-01,5,99\n"
    run_import(calendar, write(tmp_path, "r.csv", text))
    assert query(calendar, "select going from facebook_event_snapshots") == [(5,)]


def test_identity_is_transitive_and_hashed(calendar, tmp_path):
    sheet = write(
        tmp_path,
        "s.csv",
        (
            "event_id,name,email,phone,signed_in_at\n"
            "rally-1,A,Ana@Example.org,,18:00\n"
            "rally-1,A,ana@example.org,(514) 555-0123,18:01\n"
            "vigil-1,A,,+1 514 555 0123,19:00\n"
            "vigil-1,Z,zed@example.org,,19:01\n"
        ),
    )
    run_import(calendar, sheet)
    people = query(
        calendar,
        """
        select count(distinct person_id) from checkins c
        join person_keys k on k.key_hash = coalesce(c.email_key, c.phone_key)
    """,
    )
    assert people == [(2,)]
    secret = config.read_secret(calendar).decode()
    import hashlib

    expected = hashlib.sha256((secret + "phone:+15145550123").encode()).hexdigest()
    kept = str(int(expected[:32], 16))  # the number its first 32 hex digits write
    assert query(calendar, "select count(*) from person_keys where key_hash = ?", [kept]) == [(1,)]


def test_phone_normalisation_uses_the_region():
    assert identity.normalise_phone("514-555-0123", "CA") == "+15145550123"
    assert identity.normalise_phone("01 42 68 53 00", "FR") == "+33142685300"
    assert identity.normalise_phone("12", "CA") is None


def test_secret_file_is_private(db):
    mode = stat.S_IMODE(os.stat(config.key_path(db)).st_mode)
    assert mode == 0o600


def test_mixed_line_endings_still_read_every_row(calendar, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"sep=,\r\nevent_id,snapshot_at,going\nrally-1,2026-02-01,5\nvigil-1,2026-02-02,6\n"
    )
    result = run_import(calendar, path)
    assert (result.rows_read, result.rows_loaded) == (2, 2)


def test_export_time_comes_from_a_date_in_the_file_name(calendar, tmp_path):
    path = write(
        tmp_path, "fb_counts_2026-02-20.csv", "event_id,snapshot_at,going\nrally-1,2026-02-01,5\n"
    )
    os.utime(path, (0, 0))  # a fresh clone or a copy does not keep modification times
    run_import(calendar, path)
    assert query(
        calendar,
        "select exported_at::varchar from imports where file_name = 'fb_counts_2026-02-20.csv'",
    ) == [("2026-02-20 00:00:00",)]


@pytest.mark.parametrize(
    ("name", "latest"),
    [
        ("account_analytics_content_2026-07-01_2026-07-31.csv", datetime(2026, 7, 31)),
        ("Oct-01-2025_Oct-31-2025_723907156931247.csv", datetime(2025, 10, 31)),
        ("tweet_activity_metrics_ourcampaign_20150901_20151001_en.csv", datetime(2015, 10, 1)),
        ("counts_2026-03-08_copy_of_2026-03-01.csv", datetime(2026, 3, 8)),  # whatever the order
        ("export-2026-03-22-csv_report_332566_1774185600.csv", datetime(2026, 3, 22)),
        ("counts_2026-02-30.csv", None),  # not a day of the calendar
        ("eventbrite_1234567890123.csv", None),  # digits, but no date
    ],
)
def test_the_date_of_a_file_name_is_the_latest_one_written(name, latest):
    assert load.date_in_name(name) == latest


def test_a_period_export_is_dated_at_the_end_of_its_period(db, tmp_path):
    """An X export named after its period, 1 to 31 July, with posts of 14 and 15 July: the
    export was taken on 31 July at the earliest."""
    name = "account_analytics_content_2026-07-01_2026-07-31.csv"
    path = tmp_path / name
    shutil.copyfile(AGGREGATE / name, path)
    os.utime(path, (0, 0))  # a copy that kept no modification time
    result = run_import(db, path)
    assert not result.exported_at_unknown
    assert query(db, "select exported_at from imports") == [(datetime(2026, 7, 31),)]


def test_a_file_refused_late_leaves_the_next_file_of_the_batch_importable(calendar, tmp_path):
    """Refused after its phones were hashed (most rows rejected), a file's transaction is
    rolled back; the next file of the same batch still hashes its phones."""
    refused = write(
        tmp_path,
        "bad_sheet.csv",
        "event_id,name,email,phone,signed_in_at\n"
        + "rally-1,Ana,ana@example.org,514-555-0101,not a time\n" * 3,
    )
    good = write(
        tmp_path,
        "good_sheet.csv",
        "event_id,name,email,phone,signed_in_at\nrally-1,Ben,,514-555-0102,18:41\n",
    )
    with load.session(calendar) as batch:
        with pytest.raises(ImportRefused) as error:
            batch.import_file(refused)
        assert error.value.code == "rows.mostly_rejected"
        result = batch.import_file(good)
    assert (result.status, result.rows_loaded) == ("imported", 1)
    assert query(calendar, "select file_name from imports where file_name like '%sheet%'") == [
        ("good_sheet.csv",)
    ]
