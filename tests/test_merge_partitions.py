"""A file is merged against the stored rows of its own partitions (its events, email
campaigns, petitions) when its format's record references start with the partition
(``merge.partitions``): the same rows, verdicts and counts as a merge against the whole
table, which a format that does not say so (Mobilize) keeps."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pipelines import load, merge, sources
from tests.conftest import SAMPLE_DATA, query, run_import
from tests.dashboard_helpers import copy_database
from tests.people_files import FIXTURES
from tests.sample_db import sample_database

PER_PERSON_TABLES = ("registrations", "checkins", "signatures", "email_activity")
EVENTBRITE = "eventbrite_attendees_1186234500011.csv"
NEWSLETTER = "mailchimp_activity_infolettre-2026-10.csv"
SHEET = "feuille_presence_2026-10-17-vigil-qc.csv"
PETITION = "export-2026-03-22-csv_report_332566_1774185600.csv"


def _lines(name: str) -> list[bytes]:
    """The file's lines as written (the sheets are in Windows-1252, with CRLF)."""
    return (SAMPLE_DATA / name).read_bytes().splitlines(keepends=True)


def newer_exports(folder: Path) -> list[Path]:
    """Newer exports of four sample files, each one partition among several in its table:
    the Eventbrite tickets "Attending" among the first twelve now checked in, a newsletter
    with one more open, a sign-in sheet and a petition report that each lost their last
    line (the rest known already)."""
    folder.mkdir()
    eventbrite = _lines(EVENTBRITE)
    contents = {
        EVENTBRITE: [line.replace(b",Attending,", b",Checked In,") for line in eventbrite[:13]]
        + eventbrite[13:],
        NEWSLETTER: [*_lines(NEWSLETTER), b'"new.reader@example.org","open","2026-10-06 08:00",\n'],
        SHEET: _lines(SHEET)[:-1],
        PETITION: _lines(PETITION)[:-1],
    }
    for name, lines in contents.items():
        (folder / name).write_bytes(b"".join(lines))
    return [folder / name for name in contents]


def _import_spying(db: Path, files: list[Path], monkeypatch, whole_table: bool) -> tuple:
    """Import ``files`` as one batch; the partitions each merge was given (None: the whole
    table) and the import results. ``whole_table``: never restrict the merge."""
    given: dict[str, list[str] | None] = {}
    real = merge.partitions

    def spy(con, source, target):
        found = None if whole_table else real(con, source, target)
        given[con.execute("select file_name from ctx").fetchall()[0][0]] = found
        return found

    monkeypatch.setattr(merge, "partitions", spy)
    with load.session(db, refresh_figures=False) as batch:
        results = [batch.import_file(path) for path in files]
    counts = [(r.status, r.rows_loaded, r.rows_duplicate, r.rows_rejected) for r in results]
    return given, counts


def _rows(db: Path, table: str) -> list[tuple]:
    return query(db, f"select * exclude (import_id) from {table} order by all")


def test_a_merge_within_partitions_gives_what_the_whole_table_gives(tmp_path, monkeypatch):
    files = newer_exports(tmp_path / "week")
    within = copy_database(sample_database(), _folder(tmp_path / "within"))
    whole = copy_database(sample_database(), _folder(tmp_path / "whole"))

    given, counts = _import_spying(within, files, monkeypatch, whole_table=False)
    assert given == {
        EVENTBRITE: ["2025-11-22-rally-mtl"],
        NEWSLETTER: ["mailchimp_activity_infolettre-2026-10"],
        SHEET: ["2026-10-17-vigil-qc"],
        PETITION: ["actionnetwork:332566"],
    }
    _, whole_counts = _import_spying(whole, files, monkeypatch, whole_table=True)

    assert counts == whole_counts
    # the newer exports were recognised: changed tickets replaced, the rest duplicates
    checked_in = sum(b",Attending," in line for line in _lines(EVENTBRITE)[1:13])
    assert checked_in == 7
    assert [c[1] for c in counts] == [checked_in, 1, 0, 0] and all(c[2] > 0 for c in counts)
    for table in PER_PERSON_TABLES:
        for kept in (table, f"{table}_replaced"):
            assert _rows(within, kept) == _rows(whole, kept), kept
    assert len(_rows(within, "registrations_replaced")) == checked_in


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def test_every_format_that_says_so_is_merged_within_its_partitions(db, monkeypatch):
    """A sample file of each declaring format passes the check (no null nor masked
    partition), so the declaration is used; Mobilize, which does not declare, is merged
    whole."""
    given: dict[str, list] = {}
    real = merge.partitions

    def spy(con, source, target):
        found = real(con, source, target)
        given.setdefault(source.name, []).append(found)
        return found

    monkeypatch.setattr(merge, "partitions", spy)
    names = ("events_calendar.csv", EVENTBRITE, NEWSLETTER, SHEET, PETITION)
    names += (
        "petition_signatures.csv",
        "zoom_webinar_84150012201.csv",
        "mobilize_participations.csv",
    )
    with load.session(db, refresh_figures=False) as batch:
        for name in names:
            assert batch.import_file(SAMPLE_DATA / name).status == "imported", name
    declared = {s.name for s in sources.REGISTRY.values() if s.record_ref_partitioned}
    assert declared == {
        "actionnetwork_signatures",
        "eventbrite",
        "mailchimp_activity",
        "petition_signatures",
        "signin_sheet",
        "zoom_webinar",
    }
    for name in declared:
        assert given[name] and all(found for found in given[name]), name
    assert given["mobilize"] == [None]


def test_a_participation_moved_to_another_event_is_replaced_not_doubled(cal, tmp_path):
    """Mobilize names a participation by its own id, not its event's: a newer export that
    moves it to another event must find it in the whole table."""
    original = (FIXTURES / "mobilize_participations.csv").read_text(encoding="utf-8")
    assert ",602,70002," in original
    run_import(cal, FIXTURES / "mobilize_participations.csv")
    before = query(cal, "select count(*) from registrations")[0][0]

    moved = tmp_path / "mobilize_participations.csv"
    moved.write_text(original.replace(",602,70002,", ",601,70001,"), encoding="utf-8")
    newer = datetime(2030, 1, 1).timestamp()
    os.utime(moved, (newer, newer))
    result = run_import(cal, moved)

    assert result.rows_loaded == 1
    assert query(cal, "select count(*) from registrations")[0][0] == before
    assert query(cal, "select event_id from registrations where source_ref = '3004'") == [
        ("canvass-2026-03",)
    ]


def test_a_partition_the_reference_cannot_show_is_merged_against_the_whole_table(
    db, tmp_path, monkeypatch
):
    """A campaign id holding the separator ("c0ffee|02") does not start the record's
    reference on its own: the check refuses it, and the re-export is still recognised."""
    text = (FIXTURES / "mailchimp_activity_with_action.csv").read_text(encoding="utf-8")
    first = tmp_path / "first" / "mailchimp_activity.csv"
    again = tmp_path / "again" / "mailchimp_activity.csv"
    for path, extra in (
        (first, ""),
        (again, 'new.reader@example.org,c0ffee|02,open,"2026-04-02 08:00:00"\n'),
    ):
        path.parent.mkdir()
        path.write_text(text.replace("c0ffee02", "c0ffee|02") + extra, encoding="utf-8")
    given = []
    real = merge.partitions

    def spy(con, source, target):
        given.append(real(con, source, target))
        return given[-1]

    monkeypatch.setattr(merge, "partitions", spy)
    loaded = run_import(db, first).rows_loaded
    result = run_import(db, again)
    assert given == [None, None]
    assert (result.rows_loaded, result.rows_duplicate) == (1, loaded)
