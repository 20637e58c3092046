"""Where the refresh after one file goes: the file imported into a copy of a database, then
the refresh, each of its steps timed, then the checkpoint that ends the batch.

``python -m benchmarks.profile_refresh DB FILE [--same-code]``

The copy is made next to DB (with its key) and removed afterwards: DB is left as it was.
``--same-code``: count the copy's kept model fits and marts as made by this code, so that
a database built before a change to the models or the marts is refreshed as one built
after it would be (without refitting or rebuilding them once for the change).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb

from benchmarks import command_line


def _copy(db: Path) -> Path:
    place = db.parent / "profile-refresh"
    shutil.rmtree(place, ignore_errors=True)
    place.mkdir()
    for path in db.parent.iterdir():
        if path.name.startswith(db.stem + ".") and path.is_file():
            shutil.copy(path, place / path.name)
    return place / db.name


def _as_this_code(con: duckdb.DuckDBPyConnection) -> None:
    from pipelines import marts, pyramid
    from pipelines.models import fits

    con.execute("update model_fits set code_hash = ?", [fits.code_hash()])
    rules = pyramid.rules_for(con)
    for mart in marts.marts():
        con.execute(
            "update mart_refresh_state set code_hash = ? where mart = ?",
            [marts.fingerprint(mart, rules), mart.name],
        )


def profile(db: Path, file: Path, same_code: bool = False) -> str:
    from pipelines import load
    from pipelines import refresh as figures

    copy = _copy(db)
    try:
        with load.session(copy, refresh_figures=False) as batch:
            if same_code:
                _as_this_code(batch.con)
            begun = time.perf_counter()
            result = batch.import_file(file)
            imported = time.perf_counter()
            marks: list[tuple[str, float]] = []
            done = figures.run(batch.con, lambda step: marks.append((step, time.perf_counter())))
            refreshed = time.perf_counter()
        closed = time.perf_counter()
    finally:
        shutil.rmtree(copy.parent)
    lines = [
        f"{file.name}: {result.status}, {result.rows_loaded:,} rows loaded",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| the file's import | {imported - begun:.2f} |",
    ]
    ends = [at for _, at in marks[1:]] + [refreshed]
    lines += [f"| {step} | {end - at:.2f} |" for (step, at), end in zip(marks, ends, strict=True)]
    lines += [
        f"| the checkpoint that ends the batch | {closed - refreshed:.2f} |",
        f"| all | {closed - begun:.2f} |",
        "",
        "models: " + "; ".join(f"{k}: {v}" for k, v in (done.models if done else {}).items()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = command_line("benchmarks.profile_refresh", __doc__)
    parser.add_argument("db", type=Path, help="a Turnout database (left unchanged)")
    parser.add_argument("file", type=Path, help="the export to import into its copy")
    parser.add_argument(
        "--same-code",
        action="store_true",
        help="count the copy's model fits and marts as made by this code",
    )
    args = parser.parse_args(argv)
    print(profile(args.db, args.file, args.same_code))


if __name__ == "__main__":
    main()
