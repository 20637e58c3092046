"""`turnout import` and `turnout imports`: bring files in, list them, undo one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelines import config, keys, load, messages, privacy, recognise, warehouse
from pipelines.commands.output import console, errors, fail
from pipelines.errors import TurnoutError
from pipelines.terminal import safe as _safe


def _parse_when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date and time like 2026-03-05T18:30"
        ) from None


def import_files(
    paths: Annotated[list[Path], typer.Argument(help="Export files, or folders of them.")],
    source: Annotated[
        str | None, typer.Option(help="Format name (see `turnout sources`); skips detection.")
    ] = None,
    event: Annotated[
        str | None, typer.Option(help="Event id, for files about one event (Eventbrite, Zoom).")
    ] = None,
    campaign: Annotated[str | None, typer.Option(help="Campaign the rows belong to.")] = None,
    exported_at: Annotated[
        str | None,
        typer.Option(
            help="When the file was exported "
            "(default: what the file says, else the "
            "date its name ends its period with, "
            "else its modification time, and the "
            "summary says so)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Column-mapping TOML for any other CSV (see examples/).")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Only say what each file would "
            "give (format, rows loaded, duplicate, rejected and "
            "why); write nothing.",
        ),
    ] = False,
) -> None:
    """Import export files into the database: each file in one transaction, then the
    figures (people, marts, forecast) brought up to date once for them all."""
    db = config.database_path()
    options = load.ImportOptions(
        source=source,
        event_id=event,
        campaign=campaign,
        exported_at=_parse_when(exported_at),
        mapping=mapping,
    )
    try:
        files, skipped = load.expand(paths, options)
    except TurnoutError as error:
        fail(error)
    if not files:  # folders holding only files that are not exports: say so, and fail
        _print_results([], skipped)
        fail(TurnoutError(code="file.none_to_import"))
    results: list[load.ImportResult] = []
    failures = 0
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Importing", total=len(files), step="")

        def show(step: str) -> None:
            progress.update(task, step=step)

        try:
            with load.session(db, progress=show, refresh_figures=not dry_run) as batch:
                previews = batch.preview([(p, options) for p in files], show) if dry_run else None
                for index, path in enumerate(files):
                    progress.update(task, description=_safe(privacy.masked_file_name(path.name)))
                    try:
                        preview = None if previews is None else previews[index]
                        if preview is None:
                            result = batch.import_file(path, options, progress=show)
                        elif isinstance(preview, TurnoutError):
                            raise preview
                        else:
                            result = preview
                    except TurnoutError as error:
                        failures += 1
                        result = load.ImportResult(
                            privacy.masked_file_name(path.name), "refused", message=str(error)
                        )
                    results.append(result)
                    progress.advance(task)
                progress.update(task, description="Updating the figures")
        except TurnoutError as error:  # the database is busy, or the figures failed to refresh
            if results or skipped:  # not an empty table before the reason
                _print_results(results, skipped)
            fail(error)
    _print_results(results, skipped)
    if dry_run:
        console.print("Nothing was written (--dry-run).")
    if failures:
        raise typer.Exit(1)


def _print_results(results: list[load.ImportResult], skipped: recognise.Skipped) -> None:
    table = Table(title="Import summary")
    for column in ("file", "format", "status", "read", "loaded", "duplicate", "rejected"):
        table.add_column(
            column,
            justify="right" if column in ("read", "loaded", "duplicate", "rejected") else "left",
        )
    for r in results:
        counts = (
            [str(r.rows_read), str(r.rows_loaded), str(r.rows_duplicate), str(r.rows_rejected)]
            if r.status in ("imported", "preview")
            else [""] * 4
        )
        table.add_row(_safe(r.file_name), r.source or "", r.status, *counts)
    console.print(table)
    for r in results:
        if r.exported_at_unknown:
            console.print(
                _safe(
                    messages.text(
                        messages.ENGLISH,
                        "export_time.unknown",
                        {"file": r.file_name, "exported_at": str(r.exported_at)},
                    )
                ),
                highlight=False,
            )
        if r.status == "refused":
            errors.print(f"[bold red]Refused:[/] {_safe(r.message)}", highlight=False)
        elif r.status == "already imported":
            console.print(f"{_safe(r.file_name)}: {_safe(r.message)}", highlight=False)
        elif r.rejects:
            rows = "1 row" if r.rows_rejected == 1 else f"{r.rows_rejected} rows"
            console.print(
                f"{_safe(r.file_name)}: {rows} rejected "
                f"(`turnout imports --rejects` lists them); first ones:"
            )
            for reject in r.rejects[:5]:
                column = f", column '{_safe(reject['column'])}'" if reject["column"] else ""
                console.print(
                    f"  line {reject['line']}{column}: {_safe(reject['reason'])}", highlight=False
                )
    for path, why in skipped:
        console.print(
            f"[yellow]Skipped[/] {_safe(privacy.masked(str(path)))}: {_safe(why)}", highlight=False
        )


def list_imports(
    rejects: Annotated[
        bool, typer.Option("--rejects", help="Show each rejected row: line, column and reason.")
    ] = False,
    import_id: Annotated[int | None, typer.Option("--id", help="Only this import.")] = None,
    undo: Annotated[
        int | None,
        typer.Option(
            "--undo",
            metavar="ID",
            help="Undo import ID: remove exactly its rows, put back what "
            "it replaced (an older snapshot, an earlier status), and bring the figures up to "
            "date, as if the file had never been imported.",
        ),
    ] = None,
) -> None:
    """Show the import history, and the rejected rows with --rejects; undo one with --undo."""
    db = config.database_path()
    if undo is not None:
        try:
            undone = load.undo_import(db, undo)
        except TurnoutError as error:
            fail(error)
        console.print(
            f"Undid import #{undone.import_id} ({undone.file_name}): "
            f"{undone.rows_removed:,} rows removed, {undone.rows_restored:,} "
            "restored; the figures are up to date.",
            highlight=False,
            markup=False,
        )
    try:
        with warehouse.reader(db) as con:
            history = con.execute(
                "select import_id, file_name, source, campaign, exported_at::varchar || case when "
                "is_export_time_unknown then ' (unknown: the file''s date)' else '' end, "
                "imported_at, rows_read, rows_loaded, rows_duplicate, rows_rejected from imports "
                "where ? is null or import_id = ? order by import_id",
                [import_id, import_id],
            ).fetchall()
            rows = (
                con.execute(
                    "select r.import_id, i.file_name, r.line, r.column_name, r.reason "
                    "from rejects r join imports i using (import_id) "
                    "where ? is null or r.import_id = ? order by r.import_id, r.line",
                    [import_id, import_id],
                ).fetchall()
                if rejects
                else []
            )
            replaced = keys.replacements(con)
    except TurnoutError as error:
        fail(error)
    table = Table(title="Imports")
    for column in (
        "#",
        "file",
        "format",
        "campaign",
        "exported",
        "imported",
        "read",
        "loaded",
        "duplicate",
        "rejected",
    ):
        table.add_column(column)
    for row in history:
        table.add_row(*[_safe(v) for v in row])
    console.print(table)
    for warning in replaced:  # where `turnout rekey` split the people in two
        console.print(
            "[bold yellow]Warning:[/] "
            + messages.text(messages.ENGLISH, warning["code"], warning["params"]),
            highlight=False,
        )
    if rejects:
        detail = Table(title="Rejected rows")
        for column in ("#", "file", "line", "column", "reason"):
            detail.add_column(column)
        for row in rows:
            detail.add_row(*[_safe(v) for v in row])
        console.print(detail)
