"""`turnout refresh [--full]`: bring the figures up to date (``pipelines/refresh.py``).

With ``--engine spark`` it runs the marts on Spark instead (``pipelines/engines/commands.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines import config, load
from pipelines import refresh as figures
from pipelines.commands.output import console, fail
from pipelines.engines import commands as engine_commands
from pipelines.errors import TurnoutError


def refresh_command(
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Relink everyone and rebuild every mart from every row, and refit "
            "the models, instead of updating them from the imports not yet in the figures. "
            "Slower; the figures are the same.",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            help="duckdb: in the database. spark: link people "
            "and build the marts on Spark, from --input to "
            "--output (always in full)."
        ),
    ] = "duckdb",
    input_folder: Annotated[
        Path | None,
        typer.Option("--input", help="With spark: a folder written by `turnout export --parquet`."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="With spark: the folder to write each mart to, as OUTPUT/<mart name>/."),
    ] = None,
    master: Annotated[
        str,
        typer.Option(
            help="With spark: the cluster to run on (local[N], spark://host:7077, yarn, k8s://…)."
        ),
    ] = "local[2]",
) -> None:
    """Bring the figures up to date: people linked, marts and forecasts.

    By default only what the imports not yet in the figures (an interrupted import, say)
    or an undo touched is redone; each mart says how it was brought up to date
    (incrementally, or in full and why). With --full, everything is rebuilt from every row.
    """
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter(f"'{engine}' is not duckdb or spark", param_hint="--engine")
    if engine == "spark":
        engine_commands.spark_refresh(input_folder, output, master)
        return
    try:
        done = _refresh(config.database_path(), full)
    except TurnoutError as error:
        fail(error)
    if done is None:
        console.print("The figures were already up to date with every import.")
        return
    _print(done)


def _refresh(db: Path, full: bool) -> figures.Refreshed | None:
    """The refresh, with a progress bar of its steps: linking people, each mart, each model."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Updating the figures", total=figures.step_count(), step="")
        started: list[str] = []

        def show(step: str) -> None:
            progress.update(task, completed=len(started), step=step)
            started.append(step)

        with load.session(db, refresh_figures=False) as batch:
            return figures.run(batch.con, show, full=full)


def _print(done: figures.Refreshed) -> None:
    count = len(done.imports)
    imports = f"{count} import{'s' if count > 1 else ''}" if count else "no new import"
    how = "rebuilt in full" if done.full else "updated from what changed"
    people = "everyone" if done.relinked == "everyone" else "those the imports touch"
    keys = "".join(
        f", {n:,} {one if n == 1 else many}"
        for n, one, many in (
            (done.new_keys, "new key", "new keys"),
            (done.moved_keys, "key now another person's", "keys now another person's"),
        )
        if n
    )
    console.print(
        f"The figures are up to date ({imports}; {how}, {done.seconds:.1f} s). "
        f"People relinked: {people}{keys}.",
        highlight=False,
    )
    console.print("How each mart was brought up to date:", highlight=False)
    for mart in done.marts:  # one line each: readable in a narrow terminal too
        console.print(
            f"  {mart.mart}: {mart.describe()}, {mart.seconds:.2f} s",
            highlight=False,
            soft_wrap=True,
        )
    for model, what in done.models.items():
        console.print(f"{model}: {what}", highlight=False)
