"""The `turnout` command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelines import __version__, config, load, sources, warehouse
from pipelines.engines import commands as engine_commands
from pipelines.errors import TurnoutError

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


def fail(error: Exception) -> None:
    errors.print(f"[bold red]Error:[/] {error}", highlight=False)
    raise typer.Exit(1)


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False):
    if version:
        console.print(f"turnout {__version__}")
        raise typer.Exit()


@app.command()
def init(
    region: Annotated[str, typer.Option(help="Country assumed for phone numbers without +code "
                                        "(ISO code).")] = config.DEFAULT_REGION,
) -> None:
    """Create the database, its secret hashing key (mode 0600) and its settings.

    On an existing database: upgrade its schema, and bring the figures up to date if
    an import was cut short after its files had landed.
    """
    db = config.database_path()
    try:
        version = warehouse.create(db)
        config.ensure_secret(db)
        if not config.settings_path(db).exists() or region != config.DEFAULT_REGION:
            config.write_settings(db, config.Settings(default_region=region.upper()))
        with load.session(db) as batch:
            if batch.refresh():
                console.print("The figures are up to date with every imported file.")
    except TurnoutError as error:
        fail(error)
    console.print(f"Database ready: {db} (schema version {version})")
    console.print(f"Secret key: {config.key_path(db)} — back it up; without it new records "
                  "cannot be matched to old ones.")


@app.command("sources")
def list_sources() -> None:
    """List every export format Turnout recognises, with an example header."""
    table = Table(title="Export formats", show_lines=True)
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("what it is")
    table.add_column("goes to")
    table.add_column("example header")
    for source in sorted(sources.REGISTRY.values(), key=lambda s: s.name):
        table.add_row(source.name, source.title, source.target, source.example_header)
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
                                                    "(default: what the file says, else its "
                                                    "modification time).")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Column-mapping TOML for any other CSV "
                                                 "(see examples/).")] = None,
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
    results: list[load.ImportResult] = []
    failures = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("Importing", total=len(files), step="")

        def show(step: str) -> None:
            progress.update(task, step=step)

        try:
            with load.session(db, progress=show) as batch:
                for path in files:
                    progress.update(task, description=path.name)
                    try:
                        result = batch.import_file(path, options, progress=show)
                    except TurnoutError as error:
                        failures += 1
                        result = load.ImportResult(path.name, "refused", message=str(error))
                    results.append(result)
                    progress.advance(task)
                progress.update(task, description="Updating the figures")
        except TurnoutError as error:  # the database is busy, or the figures failed to refresh
            _print_results(results, skipped)
            fail(error)
    _print_results(results, skipped)
    if failures:
        raise typer.Exit(1)


def _print_results(results: list[load.ImportResult], skipped: list[tuple[Path, str]]) -> None:
    table = Table(title="Import summary")
    for column in ("file", "format", "status", "read", "loaded", "duplicate", "rejected"):
        table.add_column(column, justify="right" if column in
                         ("read", "loaded", "duplicate", "rejected") else "left")
    for r in results:
        counts = [str(r.rows_read), str(r.rows_loaded), str(r.rows_duplicate),
                  str(r.rows_rejected)] if r.status == "imported" else ["", "", "", ""]
        table.add_row(r.file_name, r.source or "", r.status, *counts)
    console.print(table)
    for r in results:
        if r.status == "refused":
            errors.print(f"[bold red]Refused:[/] {r.message}", highlight=False)
        elif r.status == "already imported":
            console.print(f"{r.file_name}: {r.message}")
        elif r.rejects:
            rows = "1 row" if r.rows_rejected == 1 else f"{r.rows_rejected} rows"
            console.print(f"{r.file_name}: {rows} rejected "
                          f"(`turnout imports --rejects` lists them); first ones:")
            for reject in r.rejects[:5]:
                column = f", column '{reject['column']}'" if reject["column"] else ""
                console.print(f"  line {reject['line']}{column}: {reject['reason']}",
                              highlight=False)
    for path, why in skipped:
        console.print(f"[yellow]Skipped[/] {path}: {why}", highlight=False)


@app.command("imports")
def list_imports(
    rejects: Annotated[bool, typer.Option("--rejects", help="Show each rejected row: line, "
                                          "column and reason.")] = False,
    import_id: Annotated[int | None, typer.Option("--id", help="Only this import.")] = None,
) -> None:
    """Show the import history, and the rejected rows with --rejects."""
    db = config.database_path()
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
    except TurnoutError as error:
        fail(error)
    table = Table(title="Imports")
    for column in ("#", "file", "format", "campaign", "exported", "imported", "read", "loaded",
                   "duplicate", "rejected"):
        table.add_column(column)
    for row in history:
        table.add_row(*[("" if v is None else str(v)) for v in row])
    console.print(table)
    if rejects:
        detail = Table(title="Rejected rows")
        for column in ("#", "file", "line", "column", "reason"):
            detail.add_column(column)
        for row in rows:
            detail.add_row(*[("" if v is None else str(v)) for v in row])
        console.print(detail)



@app.command("report")
def report_command(
    campaign: Annotated[str | None, typer.Option(help="Only this campaign.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (2026-03-01) or time.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (included) or time.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
    out: Annotated[Path | None, typer.Option(help="Folder for the csv files (or report.json).")]
    = None,
) -> None:
    """The funnel, the RSVP gap of every event and the import counts (docs/metrics.md)."""
    from pipelines import report

    if format not in ("table", "json", "csv"):
        raise typer.BadParameter("--format is table, json or csv")
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
        written = report.write_csv(result, out or Path("turnout-report"))
        console.print(f"Wrote {len(written)} files to {written[0].parent}")
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
) -> None:
    """People who committed but never acted, most likely to act first, with the ids the
    source systems know them by (never an email or phone in clear). For campaign leads."""
    from pipelines.models import present

    try:
        with warehouse.reader(config.database_path()) as con:
            count = present.write_follow_up(con, out)
    except TurnoutError as error:
        fail(error)
    console.print(f"Wrote {count} people to {out}.")


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
    console.print(f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {out}. "
                  f"Import them with: turnout import {out}")


@app.command()
def dashboard(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
) -> None:
    """Start the dashboard on http://localhost:8501 (Streamlit, no usage statistics sent)."""
    import os
    import sys

    script = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    console.print(f"Dashboard on http://localhost:{port} — the database is "
                  f"{config.database_path()}. Stop it with Ctrl+C.")
    # the upload page refuses files over its own documented limit (200 MB) politely;
    # Streamlit's own limit is set above it so that its bare message never shows
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless",
               "true", "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.maxUploadSize", "1024", "--client.toolbarMode", "minimal"]
    os.execv(sys.executable, command)  # Streamlit takes over this process (and Ctrl+C)


if __name__ == "__main__":
    app()
