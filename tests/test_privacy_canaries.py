"""Canaries in every field of every format leave no trace (docs/security.md).

A canary email, phone and name are written into every field of every format, shifted rows
and file names included; then every table, every file next to the database, the temp
folder, the command line's output and every dashboard page are searched for them.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from pipelines import reader, sources, staging
from pipelines.cli import app
from tests.conftest import query
from tests.test_privacy import (
    CANARIES,
    CANARY_EMAIL,
    CANARY_NAME,
    CANARY_PHONE,
    file_leaks,
    leaks,
    table_leaks,
)

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = ROOT / "tests" / "fixtures" / "people"
AGGREGATE = ROOT / "tests" / "fixtures" / "aggregate"
SAMPLE = ROOT / "sample_data"

# every field of every format ------------------------------------------------------------

# (file, options): every format with person-level rows, its calendar first
CAMPAIGN = [
    (PEOPLE / "calendar.csv", {}),
    (SAMPLE / "events_calendar.csv", {}),
    (PEOPLE / "eventbrite_1234567890123.csv", {}),
    (PEOPLE / "eventbrite_older_cp1252.csv", {"event": "rally-2026-03"}),
    (PEOPLE / "zoom_webinar_attendee_report.csv", {}),
    (PEOPLE / "mobilize_participations_fr.csv", {}),
    (PEOPLE / "actionnetwork_signatures_export-2026-03-22-csv_report_332566_1774185600.csv", {}),
    (
        PEOPLE / "actionnetwork_rsvps_vigil.csv",
        {"source": "actionnetwork_rsvps", "event": "vigil-2026-04"},
    ),
    (PEOPLE / "mailchimp_audience_subscribed.csv", {}),
    (PEOPLE / "mailchimp_activity_with_action.csv", {}),
    (PEOPLE / "mailchimp_spring-appeal_opened.csv", {}),
    (SAMPLE / "signin_sheets.csv", {}),
    (SAMPLE / "feuille_presence_2026-06-20-vigil-gat.csv", {}),
    (SAMPLE / "petition_signatures.csv", {}),
    (SAMPLE / "facebook_event_counts.csv", {}),
    (AGGREGATE / "facebook_posts_2026-03-08.csv", {}),
    (AGGREGATE / "instagram_posts.csv", {}),
    (PEOPLE / "osdi_people.json", {}),
    (PEOPLE / "osdi_attendances.json", {}),
    (PEOPLE / "osdi_signatures.json", {}),
]
# event names, kinds and campaigns in the calendar are the campaign's own words, stored
# as written (emails and phones masked): a person's name is not sought there
CALENDAR_TEXT = {"name", "kind", "campaign", "facebook_event_url"}


def _seeded_rows(row: list[str], kinds: list[str | None], width: int) -> list[list[str]]:
    """Copies of ``row`` with a canary in each cell, and shifted copies (a cell missing)."""
    row = (row + [""] * width)[:width]
    seeded = []
    for i in range(width):
        for canary in CANARIES:
            if canary == CANARY_NAME and kinds[i] == "calendar text":
                continue
            seeded.append(row[:i] + [canary] + row[i + 1 :])
    # a row with its people's cells filled with canaries, then one cell missing
    person = [
        {"email": CANARY_EMAIL, "phone": CANARY_PHONE, "name": CANARY_NAME}.get(
            kinds[i] or "", cell
        )
        for i, cell in enumerate(row)
    ]
    for i in range(width - 1):
        seeded.append(person[:i] + person[i + 1 :] + [""])
    return seeded


def _seed_csv(path: Path, options: dict, folder: Path) -> Path:
    encoding, text = reader.read_head_text(path)
    forced = sources.get(options["source"]) if "source" in options else None
    source, layout = reader.find_layout(path, text, encoding, forced)
    body = path.read_bytes().decode(encoding if encoding != "utf-8" else "utf-8-sig")
    lines = body.splitlines(keepends=True)
    head = lines[: layout.header_line + layout.skip_rows]
    rows = list(csv.reader(io.StringIO("".join(lines[len(head) :])), delimiter=layout.delimiter))
    columns = staging.map_columns(source, layout.headers, path.name)
    kinds: list[str | None] = [None] * layout.width
    for column in columns:
        if column.raw:
            index = int(column.raw[1:]) - 1
            kind = column.field.type if column.field.type in ("email", "phone") else None
            kind = "name" if column.field.name == "name" and source.target != "events" else kind
            if source.target == "events" and column.field.name in CALENDAR_TEXT:
                kind = "calendar text"
            kinds[index] = kind
    seeded = _seeded_rows(rows[0], kinds, layout.width)
    # enough copies of the file's own rows that the canaries stay under half of it
    copies = len(seeded) // max(len(rows), 1) + 1
    out = io.StringIO()
    ending = "\r\n" if lines[0].endswith("\r\n") else "\n"  # one kind of line ending
    writer = csv.writer(out, delimiter=layout.delimiter, lineterminator=ending)
    writer.writerows(seeded + rows * copies)
    name = f"{path.stem} {CANARY_EMAIL} {CANARY_PHONE}{path.suffix}"
    target = folder / name
    target.write_text("".join(head) + out.getvalue(), encoding="utf-8")
    return target


def _seed_json(path: Path, folder: Path) -> Path:
    """Every string of the first record replaced by each canary in turn (more records)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    records = document["_embedded"][next(iter(document["_embedded"]))]
    first = records[0]

    def strings(node, trail=()):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from strings(value, (*trail, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from strings(value, (*trail, index))
        elif isinstance(node, str):
            yield trail

    def replaced(node, trail, value):
        if not trail:
            return value
        copy = json.loads(json.dumps(node))
        copy[trail[0]] = replaced(node[trail[0]], trail[1:], value)
        return copy

    seeded = [
        replaced(first, trail, canary)
        for trail in strings(first)
        for canary in (CANARY_EMAIL, CANARY_PHONE, CANARY_NAME)
    ]
    records.extend(seeded)
    records.extend(
        json.loads(json.dumps(records[: -len(seeded)]))
        * (len(seeded) // len(records[: -len(seeded)]) + 1)
    )
    target = folder / f"{path.stem} {CANARY_EMAIL}{path.suffix}"
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def _pages_text(db: Path) -> str:
    from tests.dashboard_helpers import PAGES, app, figures, strings

    shown = []
    for page in PAGES.values():
        at = app("en", "lead")
        at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        shown += strings(at)
        shown += [repr(frame.value.to_dict()) for frame in at.dataframe]
        shown += [json.dumps(spec) for spec in figures(at)]
        shown += [e.value for e in at.get("code")] + [e.value for e in at.get("text")]
    return "\n".join(str(s) for s in shown)


def test_canaries_in_every_field_of_every_format_leave_no_trace(tmp_path, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    home = tmp_path / "data"
    home.mkdir()
    db = home / "turnout.duckdb"
    monkeypatch.setenv("TURNOUT_DB", str(db))
    files = tmp_path / "exports"
    files.mkdir()
    runner = CliRunner()
    output = [runner.invoke(app, ["init"]).output]
    campaign = f"printemps {CANARY_EMAIL} {CANARY_PHONE}"
    for path, options in CAMPAIGN:
        seeded = (
            _seed_json(path, files) if path.suffix == ".json" else _seed_csv(path, options, files)
        )
        arguments = ["import", str(seeded), "--campaign", campaign]
        for name, value in options.items():
            arguments += [f"--{name}", value]
        result = runner.invoke(app, arguments, terminal_width=250)
        output.append(result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    out = tmp_path / "out"
    for arguments in (
        ["imports"],
        ["imports", "--rejects"],
        ["report"],
        ["report", "--format", "csv", "--out", str(out)],
        ["follow-up", "--out", str(out / "follow-up.csv")],
    ):
        output.append(runner.invoke(app, arguments, terminal_width=250).output)
    everything = "\n".join(output)
    assert "rejected" in everything and "imported" in everything  # the imports ran
    counts = query(db, "select count(*) from rejects where reject_code like '%personal%'")
    assert counts[0][0] > 0  # canaries were rejected somewhere, and quoted nowhere
    assert not leaks(everything), [line for line in everything.splitlines() if leaks(line)]
    assert not table_leaks(db)
    assert not file_leaks(home)
    assert not file_leaks(out)
    assert not file_leaks(temp)
    shown = _pages_text(db)
    assert "Data" in shown or "Imports" in shown or shown
    assert not leaks(shown), [line for line in shown.splitlines() if leaks(line)][:5]
