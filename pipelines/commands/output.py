"""What every `turnout` command shares: the consoles, the error exit, the CSV dialect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from pipelines.terminal import safe

if TYPE_CHECKING:
    from pipelines.spreadsheet import Dialect

console = Console()
errors = Console(stderr=True)


CsvDialect = Annotated[
    str,
    typer.Option(
        "--csv",
        help="How CSV files are written: fr (';' between cells, decimal comma, for "
        "French-language spreadsheets) or en (',' and a decimal point). Both carry a UTF-8 BOM.",
    ),
]


def csv_dialect(name: str) -> Dialect:
    from pipelines import spreadsheet

    try:
        return spreadsheet.dialect(name)
    except ValueError:
        raise typer.BadParameter("--csv is fr or en") from None


def fail(error: Exception) -> NoReturn:
    errors.print(f"[bold red]Error:[/] {safe(error)}", highlight=False)
    raise typer.Exit(1)
