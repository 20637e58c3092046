"""The dashboard as the browser tests run it: ``streamlit run dashboard/app.py`` on a free
port of 127.0.0.1 over a copy of the sample campaign's database, stopped whatever happens,
and Debian's Chromium to look at it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.dashboard_helpers import ROOT, SAMPLE, built_database, copy_database
from tests.sample_db import CACHE

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_SECONDS = 90
WAIT_MS = 90_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dashboard(
    db: Path, log_path: Path, env: dict[str, str], args: tuple[str, ...] = ()
) -> Iterator[str]:
    """``streamlit run`` over ``db`` on a free port until it answers its health check; its
    address. Its output goes to ``log_path``; it is always stopped."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard/app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                "--client.toolbarMode",
                "minimal",
                *args,
            ],
            cwd=ROOT,
            env={**env, "TURNOUT_DB": str(db), "PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.read().decode().strip() == "ok":
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("streamlit did not start:\n" + log_path.read_text(errors="replace"))
                time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def sample_copy(folder: Path) -> Path:
    """A copy of the sample campaign's database in ``folder``."""
    if not any(SAMPLE.glob("*.csv")):
        pytest.skip("sample_data/ has no campaign yet")
    return copy_database(built_database(CACHE, "sample", [SAMPLE]), folder)
