"""A week of new data into a grown campaign: the refresh after it, incremental against full.

``python -m benchmarks.incremental [--scale 1000000] [--rounds 3] [--work DIR] [--reuse-base]
[--sheet-only]``

The campaign of ``benchmarks.run`` (same people, same seed) is imported without a week's
files: the last monthly newsletter's activity, the report of the latest past Eventbrite
event (the campaign holds the copy exported the day before, every ticket still
"Attending") and a 200-row sign-in sheet of the latest vigil. Each round copies that
database twice, imports the week's three files into each copy (one batch, refresh held
back), then refreshes one copy incrementally (``turnout refresh``) and the other in full
(``turnout refresh --full``); the order of the two alternates from round to round
(interleaved A/B on a shared machine). After each incremental refresh, every mart is
compared with a full rebuild of the same rows (``pipelines/mart_check.py``, rolled back),
and read back: `turnout report` and every dashboard page timed as ``benchmarks.run`` times
them, on the copy and on the campaign before the week, in turns; each refresh's peak memory
(from its batch's import to the end of the refresh) is kept too, against the whole
campaign's import in ``benchmarks.run`` at the same scale.
Each round also imports the sign-in sheet alone into a third copy, as a lead would after a
vigil: the file and the refresh after it, end to end (``--sheet-only``: only that, added to
the results kept for this scale).

Writes ``results/incremental-N.json`` and the "Incremental refresh" section of
``analysis.md`` (between its markers), then renders ``RESULTS.md`` again.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks import results, week_baselines
from benchmarks.run import HERE, ROWS_PER_PERSON, machine, sample_folder
from benchmarks.week_results import BEGIN, END, SHEET_ROWS, section

NEWSLETTER = "mailchimp_activity_infolettre-2026-10.csv"
READ_BACK_RUNS = 3  # `turnout report` (and each page, per process) before and after the week
READ_BACK_PAGE_TURNS = 2  # the pages' processes on each side, in turns


def week_files(folder: Path, work: Path) -> tuple[list, list]:
    """(the campaign's files without the week, the week's files), each with its options."""
    from pipelines import load

    files, _ = load.expand([folder], load.ImportOptions())
    calendar = _calendar(folder)
    past = [e for e in calendar if e["eventbrite_event_id"] and e["starts_at"] < "2026-10-31"]
    eventbrite = max(past, key=lambda e: e["starts_at"])
    report = folder / f"eventbrite_attendees_{eventbrite['eventbrite_event_id']}.csv"
    vigils = [e for e in calendar if e["kind"] == "vigil" and e["starts_at"] < "2026-10-31"]
    vigil = max(vigils, key=lambda e: e["starts_at"])
    sheet = next(
        p for p in files if p.name.startswith("feuille_presence") and vigil["event_id"] in p.name
    )
    held = {NEWSLETTER, report.name, sheet.name}
    week = work / "week"
    week.mkdir(parents=True, exist_ok=True)
    starts = datetime.fromisoformat(eventbrite["starts_at"])
    day_before = load.ImportOptions(
        event_id=eventbrite["event_id"], exported_at=starts - timedelta(days=1)
    )
    day_after = load.ImportOptions(
        event_id=eventbrite["event_id"], exported_at=starts + timedelta(days=1)
    )
    base = [(p, load.ImportOptions()) for p in files if p.name not in held]
    base.append((_before_the_event(report, week / "eventbrite_day_before.csv"), day_before))
    return base, [
        (folder / NEWSLETTER, load.ImportOptions()),
        (report, day_after),
        (_head(sheet, week / sheet.name, SHEET_ROWS), load.ImportOptions()),
    ]


def _calendar(folder: Path) -> list[dict]:
    with (folder / "events_calendar.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _before_the_event(report: Path, out: Path) -> Path:
    """The report as exported the day before: every ticket "Attending"."""
    with (
        report.open(encoding="utf-8", newline="") as source,
        out.open("w", encoding="utf-8", newline="") as target,
    ):
        rows = csv.reader(source)
        header = next(rows)
        status = header.index("Attendee Status")
        writer = csv.writer(target)
        writer.writerow(header)
        for row in rows:
            if row[status] == "Checked In":
                row[status] = "Attending"
            writer.writerow(row)
    return out


def _head(path: Path, out: Path, rows: int) -> Path:
    """The header and the first ``rows`` rows, in the file's own bytes (a French sheet may
    be Windows-1252)."""
    lines = path.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[: rows + 1]))
    return out


def _import(db: Path, files: list, refresh: bool, each: dict | None = None) -> float:
    """Seconds for the batch, the refresh if asked, and the checkpoint; ``each``: filled
    with each file's own seconds."""
    from pipelines import load

    started = time.perf_counter()
    with load.session(db, refresh_figures=refresh) as batch:
        for path, options in files:
            begun = time.perf_counter()
            result = batch.import_file(path, options)
            assert result.status != "refused", (path.name, result.message)
            if each is not None:
                each[path.name] = time.perf_counter() - begun
    return time.perf_counter() - started


def build_base(base: Path, files: list) -> float:
    """The campaign without the week, imported into a new database at ``base``; seconds."""
    from pipelines import config, warehouse

    shutil.rmtree(base.parent, ignore_errors=True)
    base.parent.mkdir(parents=True)
    warehouse.create(base)
    config.ensure_secret(base)
    return _import(base, files, refresh=True)


def _copy(db: Path, to: Path) -> Path:
    """The database with its key and settings, under another folder, written through to the
    disk as a database that has sat there is: a fresh copy's pages would otherwise be
    written out by the first checkpoint that syncs the file, 0.76-0.84 s for a 1.4 GB copy
    (0.01 s once written), and a benchmark would time the copy instead of the batch."""
    shutil.rmtree(to, ignore_errors=True)
    to.mkdir(parents=True)
    for path in db.parent.iterdir():
        if path.name.startswith(db.stem + ".") and path.is_file():
            shutil.copy(path, to / path.name)
            with (to / path.name).open("rb") as copied:
                os.fsync(copied.fileno())
    return to / db.name


def one_refresh(base: Path, place: Path, week: list, full: bool, check: bool) -> dict:
    """The week's files into a copy of ``base``, then one refresh; timed by step."""
    from pipelines import load, mart_check
    from pipelines import refresh as figures

    db = _copy(base, place)
    load_before = os.getloadavg()[0]
    each: dict[str, float] = {}
    week_baselines.reset_peak_rss()
    imported = _import(db, week, refresh=False, each=each)
    marks: list[tuple[str, float]] = []
    with load.session(db, refresh_figures=False) as batch:
        begun = time.perf_counter()
        done = figures.run(
            batch.con, lambda s: marks.append((s.split(":")[0], time.perf_counter())), full
        )
        seconds = time.perf_counter() - begun
        found = {
            "mode": "full" if full else "incremental",
            "import_seconds": imported,
            "import_each": each,
            "refresh_seconds": seconds,
            "load_before": load_before,
            "relinked": done.relinked,
            "new_keys": done.new_keys,
            "moved_keys": done.moved_keys,
            "steps": _steps(marks, begun + seconds),
            "marts": {
                m.mart: {
                    "how": m.how,
                    "why": m.why,
                    "keys": m.keys,
                    "removed": m.removed,
                    "added": m.added,
                    "seconds": m.seconds,
                }
                for m in done.marts
            },
            "models": done.models,
            "peak_rss_mb": week_baselines.peak_since_reset_mb(),  # before the check's own rebuild
        }
        if check:
            started = time.perf_counter()
            found["differences"] = mart_check.differences(batch.con)
            found["check_seconds"] = time.perf_counter() - started
        leaving = time.perf_counter()
    found["checkpoint_seconds"] = time.perf_counter() - leaving  # as the session ends
    if check:  # reading back, before the week and after it; the numbers pandas is compared with
        found["read_back"], found["report"] = week_baselines.read_back(
            base, db, place.parent, READ_BACK_RUNS, READ_BACK_PAGE_TURNS
        )
    shutil.rmtree(place)
    return found


def sheet_end_to_end(base: Path, place: Path, sheet: tuple) -> dict:
    """The sign-in sheet alone into a copy of ``base``: its import and the refresh after it,
    as `turnout import sheet.csv` runs them."""
    db = _copy(base, place)
    load_before = os.getloadavg()[0]
    seconds = _import(db, [sheet], refresh=True)
    shutil.rmtree(place)
    return {"seconds": seconds, "load_before": load_before}


def _steps(marks: list[tuple[str, float]], end: float) -> dict[str, float]:
    return {
        name: following - at
        for (name, at), (_, following) in zip(marks, marks[1:] + [("end", end)], strict=True)
    }


def measure(
    scale: int, rounds: int, work: Path, reuse_base: bool = False, sheet_only: bool = False
) -> dict:
    from pipelines import warehouse

    people = round(scale / ROWS_PER_PERSON)
    folder = sample_folder(work, people, 2026)  # as benchmarks.run
    base_files, week = week_files(folder, work / f"incremental-{scale}")
    base = work / f"incremental-{scale}" / "base" / "turnout.duckdb"
    load_before = list(os.getloadavg())
    base_seconds = None  # not measured when the base of an earlier run is reused
    if not (reuse_base and base.exists()):
        base_seconds = build_base(base, base_files)
    with warehouse.writer(base):  # a kept base gets today's schema once, not in each copy
        pass
    found = {
        "scale": scale,
        "people": people,
        "rounds": rounds,
        "base_import_seconds": base_seconds,
        "week": [{"file": p.name, "rows": _rows(p)} for p, _ in week],
        "runs": [],
        "before": week_baselines.before(scale, HERE / "results"),
    }
    found["sheet_runs"] = []
    for round_no in range(rounds):
        found["sheet_runs"].append(sheet_end_to_end(base, work / "sheet", week[-1]))
        if sheet_only:
            continue
        order = (False, True) if round_no % 2 == 0 else (True, False)
        for full in order:
            place = work / f"incremental-{scale}" / ("full" if full else "incremental")
            found["runs"].append(
                {"round": round_no + 1, **one_refresh(base, place, week, full, check=not full)}
            )
    if found["runs"]:
        found.update(week_baselines.measure(folder, week, work / f"incremental-{scale}", found))
    found["machine"] = {
        **machine(),
        "load_average_before": load_before,
        "load_average": list(os.getloadavg()),
    }
    return found


def _rows(path: Path) -> int:
    return path.read_bytes().count(b"\n") - 1


def write(found: dict, out: Path) -> None:
    results.keep(found, out, "incremental")
    results.put_in_analysis(out, section(results.kept(out, "incremental")), BEGIN, END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="scratch folder (default: the one benchmarks.run uses, so the "
        "generated campaign is shared)",
    )
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument(
        "--reuse-base",
        action="store_true",
        help="keep the campaign's database of an earlier run at this scale (the same code "
        "must have built it) instead of importing it again",
    )
    parser.add_argument(
        "--sheet-only",
        action="store_true",
        help="time only the sign-in sheet's import and refresh on the campaign's database "
        "(with --reuse-base), added to the results kept for this scale",
    )
    args = parser.parse_args()
    if args.sheet_only and not args.reuse_base:
        parser.error("--sheet-only times the sheet on the kept campaign: add --reuse-base")
    work = args.work or Path(tempfile.gettempdir()) / "turnout-bench"
    work.mkdir(parents=True, exist_ok=True)
    found = measure(args.scale, args.rounds, work, args.reuse_base, args.sheet_only)
    if args.sheet_only:  # the refresh runs kept for this scale stay, with their machine
        earlier = [f for f in results.kept(args.out, "incremental") if f["scale"] == args.scale]
        if not earlier:
            parser.error(f"--sheet-only adds to the results of a run at {args.scale:,}")
        found = {**earlier[0], "sheet_runs": found["sheet_runs"]}
    write(found, args.out)
    print(section([found]))


if __name__ == "__main__":
    main()
