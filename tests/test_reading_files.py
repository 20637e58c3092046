"""The file being read: one overwritten or removed during its import is refused, the copies an
import makes stay in a private folder and go when it ends, is refused, killed or stopped by
SIGTERM, and a folder of files none of which is recognised fails."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import time

import pytest
from typer.testing import CliRunner

from pipelines import csv_rows, textfile
from pipelines.cli import app
from tests.conftest import run_import, write
from tests.import_helpers import SHEET_HEADER, import_process, refusal, sheet_rows

# the file itself: changed, removed, copied -----------------------------------------------


def _during_the_read(monkeypatch, action) -> None:
    """Run ``action(path)`` right after DuckDB has read the rows, before the import commits."""
    original = csv_rows.load_csv

    def load_then_act(con, layout, work, *args, **kwargs):
        rejects = original(con, layout, work, *args, **kwargs)
        action(layout.path)
        return rejects

    monkeypatch.setattr(csv_rows, "load_csv", load_then_act)


def test_a_file_overwritten_during_its_import_is_refused_then_loads_whole(
    rally_db, tmp_path, monkeypatch
):
    path = write(tmp_path, "sheet.csv", SHEET_HEADER + sheet_rows(200))
    original = path.read_bytes()

    def overwrite(target):  # the same size, new bytes in place: as a sync client would
        with open(target, "r+b") as handle:
            handle.seek(len(original) // 2)
            handle.write(b"X" * 16)

    _during_the_read(monkeypatch, overwrite)
    assert refusal(rally_db, path).code == "file.changed"
    monkeypatch.undo()
    path.write_bytes(original)  # the original back: imported in full, not "already imported"
    result = run_import(rally_db, path)
    assert (result.status, result.rows_loaded) == ("imported", 200)


def test_a_file_removed_during_its_import_is_refused_clearly(rally_db, tmp_path, monkeypatch):
    path = write(tmp_path, "sheet.csv", SHEET_HEADER + sheet_rows(5))
    _during_the_read(monkeypatch, lambda target: target.unlink())
    assert refusal(rally_db, path).code == "file.vanished"


def test_copies_stay_in_a_private_folder_and_go_on_a_refusal(rally_db, tmp_path, monkeypatch):
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
    before = sorted(p.name for p in rally_db.parent.iterdir())
    # Windows-1252, so it is copied to UTF-8; its quote never closes, so it is refused
    text = SHEET_HEADER + 'rally-1,"Hélène,helene@example.org,2026-03-05 18:00,flyer\n'
    assert (
        refusal(rally_db, write(incoming, "sheet.csv", text, "cp1252")).code
        == "file.unterminated_quote"
    )
    assert seen == [(textfile.work_root(rally_db), 0o700)]
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in rally_db.parent.iterdir()) == before


def test_a_copy_left_by_a_killed_import_is_removed_by_the_next(rally_db, tmp_path):
    left = textfile.work_root(rally_db) / "import-killed"
    left.mkdir(parents=True)
    (left / "copy.csv").write_text("rally-1,Hélène,helene@example.org\n")
    run_import(rally_db, write(tmp_path, "sheet.csv", SHEET_HEADER + sheet_rows(2)))
    assert not textfile.work_root(rally_db).exists()


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


def test_sigterm_to_an_import_process_leaves_no_copy(rally_db, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes((SHEET_HEADER + sheet_rows(2000)).replace("Person", "Hélène").encode("cp1252"))
    child = import_process(rally_db, path)
    copies_seen = False
    for line in child.stdout:
        if line.strip() == "checking rows":  # the UTF-8 copy has been read
            copies_seen = any(textfile.work_root(rally_db).rglob("*.csv"))
            child.send_signal(signal.SIGTERM)
            break
    child.communicate(timeout=120)
    assert copies_seen
    # the import stops (SIGTERM as an exit, or the interrupted query as a refused file) and
    # leaves no copy behind either way
    assert child.returncode != 0
    assert not textfile.work_root(rally_db).exists()
