"""The `turnout` command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelines import __version__, config, keys, load, messages, privacy, sources, warehouse
from pipelines.engines import commands as engine_commands
from pipelines.errors import TurnoutError
from pipelines.terminal import safe as _safe

app = typer.Typer(
    help="Turnout: how many people really act, not how many click.\n\n"
    "Import a campaign's exports into one DuckDB file, then read the funnel, the gap "
    "between Facebook RSVPs and real attendance, and the people worth a call. "
    f"The database is {config.database_path()} unless TURNOUT_DB says otherwise.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)


CsvDialect = Annotated[str, typer.Option(
    "--csv", help="How CSV files are written: fr (';' between cells, decimal comma, for "
    "French-language spreadsheets) or en (',' and a decimal point). Both carry a UTF-8 BOM.")]


def csv_dialect(name: str):
    from pipelines import spreadsheet

    try:
        return spreadsheet.dialect(name)
    except ValueError:
        raise typer.BadParameter("--csv is fr or en") from None


def fail(error: Exception) -> None:
    errors.print(f"[bold red]Error:[/] {_safe(error)}", highlight=False)
    raise typer.Exit(1)


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False):
    if version:
        console.print(f"turnout {__version__}")
        raise typer.Exit()


@app.command()
def init(
    region: Annotated[str | None, typer.Option(help="Country assumed for phone numbers without "
                                               "+code (ISO code; CA when the database has no "
                                               "settings yet).")] = None,
) -> None:
    """Create the database, its secret hashing key (mode 0600) and its settings.

    On an existing database: upgrade its schema, and bring the figures up to date if
    an import was cut short after its files had landed. A database that holds data
    never gets a new key: restore its key from a backup (see `turnout rekey`).
    """
    db = config.database_path()
    try:
        chosen = config.check_region(region) if region is not None else None
        version = warehouse.create(db)
        keys.ready_for_init(db)  # before anything is written: a lost key stops here
        if chosen or not config.settings_path(db).exists():
            config.write_settings(db, config.Settings(default_region=chosen or
                                                      config.DEFAULT_REGION))
        with load.session(db) as batch:
            if batch.refresh():
                console.print("The figures are up to date with every imported file.")
    except TurnoutError as error:
        fail(error)
    console.print(f"Database ready: {_safe(db)} (schema version {version})")
    console.print(f"Secret key: {_safe(config.key_path(db))} — back it up; without it new records "
                  "cannot be matched to old ones (docs/security.md).")


@app.command()
def rekey(
    understood: Annotated[bool, typer.Option(
        keys.REKEY_FLAG, help="Confirm that people imported before and after will never be "
        "matched, and may be counted twice.")] = False,
) -> None:
    """Make the key file (a new one if it is lost) the database's hashing key, re-hashing
    nothing: only when the old key is truly lost, never instead of restoring a backup.

    Run as `turnout rekey --i-understand-people-will-split`. The people imported before
    are never matched with the people imported after; the import history keeps a warning
    of where the split happened (docs/security.md).
    """
    db = config.database_path()
    try:
        outcome = keys.rekey(db, understood)
    except TurnoutError as error:
        fail(error)
    if outcome == "same":
        console.print(f"{_safe(config.key_path(db))} is already the key of {_safe(db)}; "
                      "nothing changed.")
        return
    made = "A new key was written to" if outcome == "created" else "The database now uses"
    console.print(f"{made} {_safe(config.key_path(db))}. Back it up. People imported from now on "
                  "are not matched with people imported before; `turnout imports` shows "
                  "where the split is.")


@app.command("sources")
def list_sources() -> None:
    """List every export format Turnout recognises, with an example header."""
    table = Table(title="Export formats", show_lines=True)
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("what it is")
    table.add_column("goes to")
    table.add_column("example header")
    for source in sorted(sources.REGISTRY.values(), key=lambda s: s.name):
        title = source.title if source.header_confirmed else \
            f"{source.title} (header not confirmed against a real export)"
        table.add_row(source.name, title, source.target, source.example_header)
    console.print(table)


def _parse_when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date and time like 2026-03-05T18:30") from None


@app.command("import")
def import_files(
    paths: Annotated[list[Path], typer.Argument(help="Export files, or folders of them.")],
    source: Annotated[str | None, typer.Option(help="Format name (see `turnout sources`); "
                                               "skips detection.")] = None,
    event: Annotated[str | None, typer.Option(help="Event id, for files about one event "
                                              "(Eventbrite, Zoom).")] = None,
    campaign: Annotated[str | None, typer.Option(help="Campaign the rows belong to.")] = None,
    exported_at: Annotated[str | None, typer.Option(help="When the file was exported "
                                                    "(default: what the file says, else the "
                                                    "date its name ends its period with, "
                                                    "else its modification time, and the "
                                                    "summary says so).")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Column-mapping TOML for any other CSV "
                                                 "(see examples/).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what each file would "
                                          "give (format, rows loaded, duplicate, rejected and "
                                          "why); write nothing.")] = False,
) -> None:
    """Import export files into the database: each file in one transaction, then the
    figures (people, marts, forecast) brought up to date once for them all."""
    db = config.database_path()
    options = load.ImportOptions(source=source, event_id=event, campaign=campaign,
                                 exported_at=_parse_when(exported_at), mapping=mapping)
    try:
        files, skipped = load.expand(paths, options)
    except TurnoutError as error:
        fail(error)
    if not files:  # folders holding only files that are not exports: say so, and fail
        _print_results([], skipped)
        fail(TurnoutError(code="file.none_to_import"))
    results: list[load.ImportResult] = []
    failures = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("Importing", total=len(files), step="")

        def show(step: str) -> None:
            progress.update(task, step=step)

        try:
            with load.session(db, progress=show, refresh_figures=not dry_run) as batch:
                previews = batch.preview([(p, options) for p in files], show) if dry_run \
                    else None
                for index, path in enumerate(files):
                    progress.update(task, description=_safe(privacy.masked_file_name(path.name)))
                    try:
                        if previews is None:
                            result = batch.import_file(path, options, progress=show)
                        elif isinstance(previews[index], TurnoutError):
                            raise previews[index]
                        else:
                            result = previews[index]
                    except TurnoutError as error:
                        failures += 1
                        result = load.ImportResult(privacy.masked_file_name(path.name), "refused",
                                                   message=str(error))
                    results.append(result)
                    progress.advance(task)
                progress.update(task, description="Updating the figures")
        except TurnoutError as error:  # the database is busy, or the figures failed to refresh
            _print_results(results, skipped)
            fail(error)
    _print_results(results, skipped)
    if dry_run:
        console.print("Nothing was written (--dry-run).")
    if failures:
        raise typer.Exit(1)


def _print_results(results: list[load.ImportResult], skipped: list[tuple[Path, str]]) -> None:
    table = Table(title="Import summary")
    for column in ("file", "format", "status", "read", "loaded", "duplicate", "rejected"):
        table.add_column(column, justify="right" if column in
                         ("read", "loaded", "duplicate", "rejected") else "left")
    for r in results:
        counts = [str(r.rows_read), str(r.rows_loaded), str(r.rows_duplicate),
                  str(r.rows_rejected)] if r.status in ("imported", "preview") else [""] * 4
        table.add_row(_safe(r.file_name), r.source or "", r.status, *counts)
    console.print(table)
    for r in results:
        if r.exported_at_unknown:
            console.print(_safe(messages.text(messages.ENGLISH, "export_time.unknown", {
                "file": r.file_name, "exported_at": str(r.exported_at)})), highlight=False)
        if r.status == "refused":
            errors.print(f"[bold red]Refused:[/] {_safe(r.message)}", highlight=False)
        elif r.status == "already imported":
            console.print(f"{_safe(r.file_name)}: {_safe(r.message)}", highlight=False)
        elif r.rejects:
            rows = "1 row" if r.rows_rejected == 1 else f"{r.rows_rejected} rows"
            console.print(f"{_safe(r.file_name)}: {rows} rejected "
                          f"(`turnout imports --rejects` lists them); first ones:")
            for reject in r.rejects[:5]:
                column = f", column '{_safe(reject['column'])}'" if reject["column"] else ""
                console.print(f"  line {reject['line']}{column}: {_safe(reject['reason'])}",
                              highlight=False)
    for path, why in skipped:
        console.print(f"[yellow]Skipped[/] {_safe(privacy.masked(str(path)))}: {_safe(why)}",
                      highlight=False)


@app.command("imports")
def list_imports(
    rejects: Annotated[bool, typer.Option("--rejects", help="Show each rejected row: line, "
                                          "column and reason.")] = False,
    import_id: Annotated[int | None, typer.Option("--id", help="Only this import.")] = None,
    undo: Annotated[int | None, typer.Option(
        "--undo", metavar="ID", help="Undo import ID: remove exactly its rows, put back what "
        "it replaced (an older snapshot, an earlier status), and bring the figures up to "
        "date, as if the file had never been imported.")] = None,
) -> None:
    """Show the import history, and the rejected rows with --rejects; undo one with --undo."""
    db = config.database_path()
    if undo is not None:
        try:
            undone = load.undo_import(db, undo)
        except TurnoutError as error:
            fail(error)
        console.print(f"Undid import #{undone.import_id} ({undone.file_name}): "
                      f"{undone.rows_removed:,} rows removed, {undone.rows_restored:,} "
                      "restored; the figures are up to date.", highlight=False, markup=False)
    try:
        with warehouse.reader(db) as con:
            history = con.execute(
                "select import_id, file_name, source, campaign, exported_at, imported_at, "
                "rows_read, rows_loaded, rows_duplicate, rows_rejected from imports "
                "where ? is null or import_id = ? order by import_id", [import_id, import_id],
            ).fetchall()
            rows = con.execute(
                "select r.import_id, i.file_name, r.line, r.column_name, r.reason "
                "from rejects r join imports i using (import_id) "
                "where ? is null or r.import_id = ? order by r.import_id, r.line",
                [import_id, import_id],
            ).fetchall() if rejects else []
            replaced = keys.replacements(con)
    except TurnoutError as error:
        fail(error)
    table = Table(title="Imports")
    for column in ("#", "file", "format", "campaign", "exported", "imported", "read", "loaded",
                   "duplicate", "rejected"):
        table.add_column(column)
    for row in history:
        table.add_row(*[_safe(v) for v in row])
    console.print(table)
    for warning in replaced:  # where `turnout rekey` split the people in two
        console.print("[bold yellow]Warning:[/] " + messages.text(
            messages.ENGLISH, warning["code"], warning["params"]), highlight=False)
    if rejects:
        detail = Table(title="Rejected rows")
        for column in ("#", "file", "line", "column", "reason"):
            detail.add_column(column)
        for row in rows:
            detail.add_row(*[_safe(v) for v in row])
        console.print(detail)



@app.command("report")
def report_command(
    campaign: Annotated[str | None, typer.Option(help="Only this campaign.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (2026-03-01) or time.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (included) or time.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
    out: Annotated[Path | None, typer.Option(help="Folder for the csv files (or report.json).")]
    = None,
    csv: CsvDialect = "fr",
) -> None:
    """The funnel, the RSVP gap of every event and the import counts (docs/metrics.md)."""
    from pipelines import report

    if format not in ("table", "json", "csv"):
        raise typer.BadParameter("--format is table, json or csv")
    form = csv_dialect(csv)
    try:
        bounds = report.parse_bound(since), report.parse_bound(until, end=True)
    except ValueError:
        raise typer.BadParameter("--since/--until take a date like 2026-03-05") from None
    try:
        with warehouse.reader(config.database_path()) as con:
            result = report.build(con, campaign, *bounds)
            pending = con.execute("select count(*) from pending_refresh").fetchone()[0]
    except TurnoutError as error:
        fail(error)
    if pending:
        errors.print(f"[bold yellow]Note:[/] {pending} imported file(s) are not in these "
                     "figures yet (an import was interrupted); `turnout init` brings them up "
                     "to date.", highlight=False)
    if format == "json":
        text = report.to_json(result)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / "report.json").write_text(text + "\n", encoding="utf-8")
        print(text)
    elif format == "csv":
        written = report.write_csv(result, out or Path("turnout-report"), form)
        console.print(f"Wrote {len(written)} files to {_safe(written[0].parent)}")
    else:
        report.render(result, console)


@app.command("forecast")
def forecast_command(
    event_id: Annotated[str | None, typer.Argument(help="Only this event.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    evaluate: Annotated[bool, typer.Option(
        "--evaluate", help="Instead: how well the forecast and the follow-up list did on "
        "the campaign's past (leave-one-event-out; time split), against the baselines.")]
    = False,
) -> None:
    """Expected attendance of every event, its 80% range and the method that gave it."""
    import json

    from pipelines.models import present

    if format not in ("table", "json"):
        raise typer.BadParameter("--format is table or json")
    try:
        with warehouse.reader(config.database_path()) as con:
            result = present.evaluation(con) if evaluate else present.forecast_rows(con, event_id)
    except TurnoutError as error:
        fail(error)
    if not evaluate and event_id is not None and not result:
        fail(TurnoutError(f"No event '{event_id}'. `turnout forecast` lists them all."))
    if format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    elif evaluate:
        present.render_evaluation(result, console)
    else:
        present.render_forecast(result, console)


@app.command("follow-up")
def follow_up_command(
    out: Annotated[Path, typer.Option(help="CSV file to write the list to.")],
    csv: CsvDialect = "fr",
) -> None:
    """People who committed but never acted, most likely to act first, with the ids the
    source systems know them by (never an email or phone in clear). For campaign leads."""
    from pipelines.models import present

    form = csv_dialect(csv)
    try:
        with warehouse.reader(config.database_path()) as con:
            count = present.write_follow_up(con, out, form)
    except TurnoutError as error:
        fail(error)
    console.print(f"Wrote {count} people to {_safe(out)}.")


@app.command("attendance")
def attendance_command(
    event_id: Annotated[str, typer.Argument(help="The event's id, as in the calendar.")],
    out: Annotated[Path, typer.Option(help="CSV file to write the list to.")],
    csv: CsvDialect = "fr",
) -> None:
    """Who came to one event: every registrant (and every identified walk-in) with came,
    no_show or unknown, and the ids the source systems know them by (never an email or
    phone in clear). For campaign leads."""
    from pipelines import spreadsheet

    form = csv_dialect(csv)
    try:
        with warehouse.reader(config.database_path()) as con:
            if not con.execute("select count(*) from events where event_id = ?",
                               [event_id]).fetchone()[0]:
                raise TurnoutError(code="event.unknown", event_id=event_id)
            cursor = con.execute(
                "select event_id, person_id, attendance, eventbrite_attendee_number, "
                "mobilize_user_id, action_network_uuid, zoom_registrant_email_hash "
                "from mart_event_attendance where event_id = ? order by attendance, "
                "eventbrite_attendee_number, mobilize_user_id, action_network_uuid, "
                "zoom_registrant_email_hash, person_id", [event_id])
            columns = [d[0] for d in cursor.description]
            count = spreadsheet.write_file(out, columns, cursor.fetchall(), form)
    except TurnoutError as error:
        fail(error)
    console.print(f"Wrote {count} people to {out}.", highlight=False, markup=False)


# the scale-out commands (Parquet export, Spark refresh, pooled database) sit with their engine
app.command("export")(engine_commands.export_command)
app.command("refresh")(engine_commands.refresh_command)
app.command("load-marts")(engine_commands.load_marts_command)


@app.command()
def sample(
    out: Annotated[Path, typer.Option(help="Folder to write the sample campaign into.")],
    people: Annotated[int, typer.Option(min=100, help="People in the campaign; every "
                                        "per-person file scales with it.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed writes the same "
                                      "bytes.")] = 2026,
) -> None:
    """Write the synthetic campaign "Bienvenue aux réfugiés" in the real export formats."""
    from pipelines import sample as sample_campaign

    files = sample_campaign.generate(out, people=people, seed=seed)
    size = sum(f.stat().st_size for f in files)
    console.print(f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {_safe(out)}. "
                  f"Import them with: turnout import {_safe(out)}")


def _refuse_in_both_languages(code: str, **params) -> None:
    from pipelines import messages

    for lang in messages.LANGUAGES:
        errors.print(f"[bold red]{'Error' if lang == 'en' else 'Erreur'}:[/] "
                     f"{_safe(messages.text(lang, code, params))}", highlight=False)
    raise typer.Exit(1)


@app.command()
def dashboard(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    host: Annotated[str, typer.Option(help="Address to listen on. Only this machine can "
                                      "reach 127.0.0.1; any other address (0.0.0.0: every "
                                      "network) needs both passwords set.")] = "127.0.0.1",
) -> None:
    """Start the dashboard on http://127.0.0.1:8501 (Streamlit, no usage statistics sent).

    The passwords come from TURNOUT_LEAD_PASSWORD and TURNOUT_BOARD_PASSWORD, or
    [passwords] in .streamlit/secrets.toml; the two must differ.
    """
    import os
    import sys

    from dashboard import access, loading

    passwords = access.passwords_outside_streamlit()
    try:
        access.check_distinct(passwords)
    except access.SharedPassword:
        _refuse_in_both_languages("dashboard.shared_password")
    if not access.is_loopback(host) and set(passwords) != set(access.ROLES):
        _refuse_in_both_languages("dashboard.open_without_passwords", host=host)
    script = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    console.print(f"Dashboard on http://{_safe(host)}:{port} — the database is "
                  f"{_safe(config.database_path())}. Stop it with Ctrl+C.", highlight=False)
    # Streamlit refuses a bigger upload before it reaches the app (and its memory)
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless",
               "true", "--server.address", host, "--server.port", str(port),
               "--browser.gatherUsageStats", "false",
               "--server.maxUploadSize", str(loading.MAX_UPLOAD_MB),
               "--client.toolbarMode", "minimal"]
    os.execv(sys.executable, command)  # Streamlit takes over this process (and Ctrl+C)

# `turnout refresh [--full]` (pipelines/cli_refresh.py) takes the place of the one above
from pipelines.cli_refresh import register_refresh  # noqa: E402, I001
register_refresh(app)

if __name__ == "__main__":
    app()
