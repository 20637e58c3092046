"""The scale-out commands of `turnout`: export, load-marts and the Spark side of refresh
(see pipelines.cli)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipelines import config
from pipelines.errors import TurnoutError

console = Console()
errors = Console(stderr=True)


def fail(error: Exception) -> None:
    errors.print(f"[bold red]Error:[/] {error}", highlight=False)
    raise typer.Exit(1)


def export_command(
    parquet: Annotated[
        Path,
        typer.Option(
            help="Folder to write the canonical tables to, as Parquet (new, or an earlier export)."
        ),
    ],
    databases: Annotated[
        list[Path] | None,
        typer.Argument(
            help="DuckDB files to pool, each with its key file next to it (default: the database)."
        ),
    ] = None,
) -> None:
    """Write the canonical tables of one or many databases as Parquet, for
    `turnout refresh --engine spark`. Pooled databases must share one hashing key: a
    fingerprint of each key is compared, and other keys are refused."""
    from pipelines.engines import handover

    try:
        manifest = handover.export(databases or [config.database_path()], parquet)
    except TurnoutError as error:
        fail(error)
    console.print(
        f"Wrote {sum(manifest['rows'].values())} rows of {manifest['databases']} "
        f"database(s) to {parquet}."
    )


def spark_refresh(input_folder: Path | None, output: Path | None, master: str) -> None:
    """`turnout refresh --engine spark`: link people and build every mart on Spark from a
    Parquet export (see docs/scale-out.md), then `turnout load-marts` for the dashboard."""
    try:
        if input_folder is None or output is None:
            raise TurnoutError(code="spark.needs_folders")
        from pipelines.engines import spark

        started = datetime.now()
        session = spark.start(master)
        built = spark.refresh(
            session,
            input_folder,
            output,
            step=lambda name: console.print(f"  {name}", highlight=False),
        )
        session.stop()
    except TurnoutError as error:
        fail(error)
    seconds = (datetime.now() - started).total_seconds()
    console.print(
        f"Built {len(built)} marts in {seconds:.0f} s into {output}. Load them for "
        f"the dashboard with: turnout load-marts {output}"
    )


def load_marts_command(
    marts_folder: Annotated[
        Path, typer.Argument(help="The --output folder of `turnout refresh --engine spark`.")
    ],
    replace: Annotated[bool, typer.Option(help="Rebuild the database if it exists.")] = False,
) -> None:
    """Make the database (TURNOUT_DB) a pooled one for the dashboard: the exported tables,
    the people and marts Spark built, and the models refitted on them."""
    from pipelines.engines import pooled

    db = config.database_path()
    try:
        loaded = pooled.load(marts_folder, db, replace=replace)
    except TurnoutError as error:
        fail(error)
    console.print(
        f"Loaded {len(loaded)} marts into {db}. Start the dashboard with: turnout dashboard"
    )
