"""`turnout dashboard`: Streamlit takes over the process, once the passwords allow it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from pipelines import config, messages
from pipelines.commands.output import console, errors
from pipelines.terminal import safe as _safe


def _refuse_in_both_languages(code: str, **params: object) -> NoReturn:
    for lang in messages.LANGUAGES:
        errors.print(
            f"[bold red]{'Error' if lang == 'en' else 'Erreur'}:[/] "
            f"{_safe(messages.text(lang, code, params))}",
            highlight=False,
        )
    raise typer.Exit(1)


def dashboard(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. Only this machine can "
            "reach 127.0.0.1; any other address (0.0.0.0: every "
            "network) needs both passwords set."
        ),
    ] = "127.0.0.1",
) -> None:
    """Start the dashboard on http://127.0.0.1:8501 (Streamlit, no usage statistics sent).

    The passwords come from TURNOUT_LEAD_PASSWORD and TURNOUT_BOARD_PASSWORD, or
    [passwords] in .streamlit/secrets.toml; the two must differ.
    """
    from dashboard import access, loading  # the dashboard's code only when it starts

    passwords = access.passwords_outside_streamlit()
    try:
        access.check_distinct(passwords)
    except access.SharedPassword:
        _refuse_in_both_languages("dashboard.shared_password")
    if not access.is_loopback(host) and set(passwords) != set(access.ROLES):
        _refuse_in_both_languages("dashboard.open_without_passwords", host=host)
    script = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
    console.print(
        f"Dashboard on http://{_safe(host)}:{port} — the database is "
        f"{_safe(config.database_path())}. Stop it with Ctrl+C.",
        highlight=False,
    )
    # Streamlit refuses a bigger upload before it reaches the app (and its memory)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        str(loading.MAX_UPLOAD_MB),
        "--client.toolbarMode",
        "minimal",
    ]
    os.execv(sys.executable, command)  # Streamlit takes over this process (and Ctrl+C)
