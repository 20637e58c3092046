"""Helpers for the dashboard tests: shared databases, AppTest runs, strings on screen."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from dashboard import i18n, pages
from dashboard.ui import BOARD, LEAD
from pipelines import config, load, messages, warehouse, wording

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
SAMPLE = ROOT / "sample_data"
FIXTURES = ROOT / "tests" / "fixtures"
# a small campaign from the per-format fixtures (found by pattern: their names may change)
SMALL_PATTERNS = (
    "people/calendar.csv",
    "aggregate/events_calendar.csv",
    "people/eventbrite_1234567890123.csv",
    "people/zoom*attendee_report.csv",
    "people/mobilize_participations.csv",
    "people/*rsvps_vigil.csv",
    "aggregate/facebook_event.json",
    "aggregate/*posts_2026-03-08.csv",
)
SMALL_FILES = [found for pattern in SMALL_PATTERNS for found in sorted(FIXTURES.glob(pattern))[:1]]


def fixture(pattern: str) -> Path:
    return sorted(FIXTURES.glob(pattern))[0]


# the pages of a database that holds data, from the dashboard's own list
PAGES = {p.name: p.file for p in pages.shown(True, LEAD)}
BOARD_PAGES = tuple(p.name for p in pages.shown(True, BOARD))


CODE_SUFFIXES = {".py", ".sql", ".toml", ".json"}


def _fingerprint(files: list[Path]) -> str:
    """The imported files and all the code that reads them: a change to either is a new
    database."""
    digest = hashlib.sha256()
    listed = [f for p in files for f in ([p] if p.is_file() else sorted(p.rglob("*")))]
    code = [p for p in sorted((ROOT / "pipelines").rglob("*")) if p.suffix in CODE_SUFFIXES]
    for path in sorted(listed) + code + [Path(__file__)]:
        if not path.is_file():
            continue
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def built_database(cache_root: Path, name: str, files: list[Path]) -> Path:
    """A database with ``files`` imported as one batch (as `turnout import` of a folder),
    built once and shared by every test worker; readers copy it, never write it."""
    folder = cache_root / f"turnout-{name}-{_fingerprint(files)}"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "turnout.duckdb"
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            for left in folder.iterdir():  # a build cut short leaves a database and its WAL
                if left.name != ".lock":
                    left.unlink()
            warehouse.create(db)
            config.ensure_secret(db)
            ordered, skipped = load.expand(files, load.ImportOptions())
            assert not skipped, skipped
            with load.session(db) as batch:
                for path in ordered:
                    result = batch.import_file(path, load.ImportOptions())
                    assert result.status == "imported", (path.name, result.message)
            (folder / "done").write_text("ok")
    return db


def copy_database(source: Path, target_folder: Path) -> Path:
    target = target_folder / "turnout.duckdb"
    shutil.copy(source, target)
    shutil.copy(config.key_path(source), config.key_path(target))
    return target


def app(lang: str = "en", role: str = "lead", **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["preview_board"] = role == "board"
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def metrics(at: AppTest) -> dict[str, str]:
    """The page's key figures: each label with its value as shown."""
    return {m.label: m.value for m in at.metric}


# what is on screen -------------------------------------------------------------------


def decode(values):
    """A plotly 7 array: a list, or {"dtype", "bdata"} base64."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values or [])


def shown(frame) -> pd.DataFrame:
    """A table as the reader sees it: a styled table's display texts, else its values."""
    styled = frame.proto.arrow_data.styler.display_values
    if not styled:
        return frame.value
    texts = pa.ipc.open_stream(io.BytesIO(styled)).read_pandas()
    texts.columns = frame.value.columns
    return texts


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def strings(at: AppTest) -> list[str]:
    """Every piece of text the page shows in its own words (not table cells)."""
    found = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
    ):
        found += [e.value for e in at.get(kind)]
    found += [m.label for m in at.metric]
    for kind in (
        "button",
        "selectbox",
        "radio",
        "toggle",
        "text_input",
        "date_input",
        "file_uploader",
        "download_button",
    ):
        for widget in at.get(kind):
            found.append(getattr(widget, "label", None) or widget.proto.label)
    for widget in list(at.selectbox) + list(at.radio):
        found += list(widget.options)
    found += [tab.label for tab in at.tabs] + [e.label for e in at.expander]
    for frame in [*at.dataframe, *at.table]:
        found += [str(c) for c in frame.value.columns]
    for spec in figures(at):
        layout = spec.get("layout", {})
        found.append(layout.get("title", {}).get("text"))
        for axis in ("xaxis", "yaxis"):
            found.append(layout.get(axis, {}).get("title", {}).get("text"))
        found += [trace.get("name") for trace in spec.get("data", [])]
    return [s for s in found if s]


def _template(text: str) -> re.Pattern:
    parts = re.split(r"\{[a-z_]+(?::[a-z]+)?\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.S)


def catalogue_patterns() -> list[re.Pattern]:
    """Every form of every entry of the dashboard's and the importer's catalogues."""
    entries = [
        entry
        for lang in i18n.LANGUAGES
        for entry in [*i18n.catalogue(lang).values(), *messages.catalogue(lang).values()]
    ]
    return [_template(text) for entry in entries for text in wording.forms(entry)]


VALUE = re.compile(r"^[\d\s\u00a0\u202f.,%+<>–\-()]*$")


def not_in_catalogue(texts: list[str], data_values: set[str]) -> list[str]:
    patterns = catalogue_patterns()
    missing = []
    for text in texts:
        for piece in text.split(" · "):
            if VALUE.match(piece) or piece in data_values:
                continue
            if not any(p.fullmatch(piece) for p in patterns):
                missing.append(piece)
    return missing
