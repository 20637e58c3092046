"""The `turnout` command: the app, its setup commands, and every other command registered
in the order `turnout --help` lists them (each seam in ``pipelines/commands/``)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from pipelines import __version__, config, keys, load, sources, warehouse
from pipelines.commands import dashboard as dashboard_command
from pipelines.commands import imports, refresh, reports
from pipelines.commands.output import console, errors, fail
from pipelines.engines import commands as engine_commands
from pipelines.errors import TurnoutError
from pipelines.terminal import safe as _safe

__all__ = ["app", "console", "errors"]

app = typer.Typer(
    help="Turnout: how many people really act, not how many click.\n\n"
    "Import a campaign's exports into one DuckDB file, then read the funnel, the gap "
    "between Facebook RSVPs and real attendance, and the people worth a call. "
    f"The database is {config.database_path()} unless TURNOUT_DB says otherwise.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        console.print(f"turnout {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    pass  # the commands are below; the app's help says what Turnout is


@app.command()
def init(
    region: Annotated[
        str | None,
        typer.Option(
            help="Country assumed for phone numbers without "
            "+code (ISO code; CA when the database has no "
            "settings yet)."
        ),
    ] = None,
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
            config.write_settings(
                db, config.Settings(default_region=chosen or config.DEFAULT_REGION)
            )
        with load.session(db) as batch:
            if batch.refresh():
                console.print("The figures are up to date with every imported file.")
    except TurnoutError as error:
        fail(error)
    console.print(f"Database ready: {_safe(db)} (schema version {version})")
    console.print(
        f"Secret key: {_safe(config.key_path(db))} — back it up; without it new records "
        "cannot be matched to old ones (docs/security.md)."
    )


@app.command()
def rekey(
    understood: Annotated[
        bool,
        typer.Option(
            keys.REKEY_FLAG,
            help="Confirm that people imported before and after will never be "
            "matched, and may be counted twice.",
        ),
    ] = False,
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
        console.print(
            f"{_safe(config.key_path(db))} is already the key of {_safe(db)}; nothing changed."
        )
        return
    made = "A new key was written to" if outcome == "created" else "The database now uses"
    console.print(
        f"{made} {_safe(config.key_path(db))}. Back it up. People imported from now on "
        "are not matched with people imported before; `turnout imports` shows "
        "where the split is."
    )


@app.command("sources")
def list_sources() -> None:
    """List every export format Turnout recognises, with an example header."""
    table = Table(title="Export formats", show_lines=True)
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("what it is")
    table.add_column("goes to")
    table.add_column("example header")
    for source in sorted(sources.REGISTRY.values(), key=lambda s: s.name):
        title = (
            source.title
            if source.header_confirmed
            else f"{source.title} (header not confirmed against a real export)"
        )
        table.add_row(source.name, title, source.target, source.example_header)
    console.print(table)


# the commands of each seam, in the order `turnout --help` lists them
app.command("import")(imports.import_files)
app.command("imports")(imports.list_imports)
app.command("report")(reports.report_command)
app.command("forecast")(reports.forecast_command)
app.command("follow-up")(reports.follow_up_command)
app.command("attendance")(reports.attendance_command)

# the scale-out commands (Parquet export, pooled database) sit with their engine
app.command("export")(engine_commands.export_command)
app.command("refresh")(refresh.refresh_command)  # --engine spark: engines/commands.py
app.command("load-marts")(engine_commands.load_marts_command)


@app.command()
def sample(
    out: Annotated[Path, typer.Option(help="Folder to write the sample campaign into.")],
    people: Annotated[
        int,
        typer.Option(min=100, help="People in the campaign; every per-person file scales with it."),
    ] = 3000,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed writes the same bytes.")
    ] = 2026,
) -> None:
    """Write the synthetic campaign "Bienvenue aux réfugiés" in the real export formats."""
    from pipelines import sample as sample_campaign

    files = sample_campaign.generate(out, people=people, seed=seed)
    size = sum(f.stat().st_size for f in files)
    console.print(
        f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {_safe(out)}. "
        f"Import them with: turnout import {_safe(out)}"
    )


app.command()(dashboard_command.dashboard)


def _paragraphs_as_lines(typer_app: typer.Typer) -> None:
    """Give every command's help with each paragraph on one line. Typer prints a
    docstring's line breaks as they are, in the middle of the terminal's own wrapping
    ("…one transaction, then the" / "figures…"); one line per paragraph lets the terminal
    wrap it alone. Square brackets are printed, not read as Rich's markup (which dropped
    the "[passwords]" of secrets.toml)."""
    for command in typer_app.registered_commands:
        text = command.help or inspect.getdoc(command.callback) or ""
        command.help = "\n\n".join(escape(" ".join(part.split())) for part in text.split("\n\n"))


_paragraphs_as_lines(app)

if __name__ == "__main__":
    app()
