"""What the figures say: `turnout report`, `forecast`, `follow-up` and `attendance`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines import config, identity, warehouse
from pipelines.commands.output import CsvDialect, console, csv_dialect, errors, fail
from pipelines.errors import TurnoutError
from pipelines.terminal import safe as _safe


def report_command(
    campaign: Annotated[str | None, typer.Option(help="Only this campaign.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (2026-03-01) or time.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (included) or time.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
    out: Annotated[
        Path | None, typer.Option(help="Folder for the csv files (or report.json).")
    ] = None,
    csv: CsvDialect = "fr",
) -> None:
    """The funnel, the RSVP gap of every event and the import counts (docs/metrics.md)."""
    from pipelines import report, report_formats

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
            pending = warehouse.scalar(con, "select count(*) from pending_refresh")
    except TurnoutError as error:
        fail(error)
    if pending:
        errors.print(
            f"[bold yellow]Note:[/] {pending} imported file(s) are not in these "
            "figures yet (an import was interrupted); `turnout init` brings them up "
            "to date.",
            highlight=False,
        )
    if format == "json":
        text = report.to_json(result)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / "report.json").write_text(text + "\n", encoding="utf-8")
        print(text)
    elif format == "csv":
        written = report_formats.write_csv(result, out or Path("turnout-report"), form)
        console.print(f"Wrote {len(written)} files to {_safe(written[0].parent)}")
    else:
        report_formats.render(result, console)


def forecast_command(
    event_id: Annotated[str | None, typer.Argument(help="Only this event.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Instead: how well the forecast and the follow-up list did on "
            "the campaign's past (leave-one-event-out; time split), against the baselines.",
        ),
    ] = False,
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
    elif isinstance(result, dict):  # --evaluate
        present.render_evaluation(result, console)
    else:
        present.render_forecast(result, console)


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
            if not warehouse.scalar(
                con, "select count(*) from events where event_id = ?", [event_id]
            ):
                raise TurnoutError(code="event.unknown", event_id=event_id)
            cursor = con.execute(
                "select event_id, "
                f"{identity.person_label_sql('person_id')} as person_id, "
                "attendance, eventbrite_attendee_number, "
                "mobilize_user_id, action_network_uuid, zoom_registrant_email_hash "
                "from mart_event_attendance where event_id = ? order by attendance, "
                "eventbrite_attendee_number, mobilize_user_id, action_network_uuid, "
                "zoom_registrant_email_hash, person_id",
                [event_id],
            )
            columns = [d[0] for d in cursor.description]
            count = spreadsheet.write_file(out, columns, cursor.fetchall(), form)
    except TurnoutError as error:
        fail(error)
    console.print(f"Wrote {count} people to {out}.", highlight=False, markup=False)
