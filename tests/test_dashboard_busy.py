"""The dashboard while an import writes: a page waits for the database, from another thread or
another process, instead of failing on its lock, and a long import leaves the last figures on
screen with a note."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
import streamlit as st

from dashboard import data, i18n
from tests.dashboard_helpers import app, metrics, no_exception

pytestmark = pytest.mark.usefixtures("fresh_caches")


def _hold_writer(db: Path, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold():
        con = duckdb.connect(str(db))
        ready.set()
        time.sleep(seconds)
        con.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def _no_lock_message(at) -> None:
    texts = " ".join(
        str(e.value) for kind in ("error", "warning", "exception") for e in at.get(kind)
    )
    assert "lock" not in texts.lower()


def test_an_import_holding_the_database_makes_the_page_wait(sample_db):
    thread = _hold_writer(sample_db, 1.0)
    at = app()
    thread.join()
    no_exception(at)
    _no_lock_message(at)
    assert at.metric


def test_an_import_in_another_process_makes_the_page_wait(sample_db):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]);"
                " print('held', flush=True); time.sleep(1.5); con.close()"
            ),
            str(sample_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    at = app()
    holder.wait()
    no_exception(at)
    _no_lock_message(at)
    assert at.metric


def test_a_long_import_shows_the_last_data(sample_db, monkeypatch):
    at = app()
    first = metrics(at)
    st.cache_data.clear()  # as if the file had changed: the page must read again
    monkeypatch.setattr(data, "WAIT_SECONDS", 0.3)
    thread = _hold_writer(sample_db, 2.0)
    at.run()
    thread.join()
    no_exception(at)
    _no_lock_message(at)
    assert metrics(at) == first
    assert any(i.value == i18n.t("en", "busy.showing_last") for i in at.info)
