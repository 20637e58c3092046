"""The dashboard, page by page, with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from typer.testing import CliRunner

from dashboard import data, i18n, ui
from pipelines import cli
from tests import sample_expected
from tests.dashboard_helpers import (
    BOARD_PAGES,
    PAGES,
    ROOT,
    SAMPLE,
    SMALL_FILES,
    app,
    built_database,
    copy_database,
    decode,
    figures,
    fixture,
    no_exception,
    not_in_catalogue,
    shown,
    strings,
)
from tests.funnel_reference import reference_funnel, window_figures
from tests.sample_db import CACHE


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    data._LAST.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="session")
def sample_source(tmp_path_factory) -> Path:
    if not any(SAMPLE.glob("*.csv")):
        pytest.skip("sample_data/ has no campaign yet")
    return built_database(CACHE, "sample", [SAMPLE])


@pytest.fixture(scope="session")
def small_source(tmp_path_factory) -> Path:
    return built_database(CACHE, "small", SMALL_FILES)


@pytest.fixture
def sample_db(sample_source, tmp_path, monkeypatch) -> Path:
    db = copy_database(sample_source, tmp_path)
    monkeypatch.setenv("TURNOUT_DB", str(db))
    return db


@pytest.fixture
def small_db(small_source, tmp_path, monkeypatch) -> Path:
    db = copy_database(small_source, tmp_path)
    monkeypatch.setenv("TURNOUT_DB", str(db))
    return db


def data_values(db: Path) -> set[str]:
    """Strings that come from the data (names, ids, channels), not from the catalogue."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            select name from events union select event_id from events
            union select campaign from mart_funnel_facts union select channel from mart_funnel_facts
            union select campaign from mart_event_gap union select first_channel from mart_channels
        """).fetchall()
    return {str(r[0]) for r in rows if r[0] is not None} | {"Turnout"}


def report_json(*args: str) -> dict:
    result = CliRunner().invoke(cli.app, ["report", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# every page, both roles, both languages ----------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("role", ("lead", "board"))
def test_every_page_opens_and_speaks_from_the_catalogue(sample_db, lang, role):
    at = app(lang, role)
    no_exception(at)
    known = data_values(sample_db)
    pages = PAGES if role == "lead" else {k: PAGES[k] for k in BOARD_PAGES}
    for name, path in pages.items():
        at.switch_page(path).run()
        no_exception(at)
        assert at.title, name
        assert not_in_catalogue(strings(at), known) == [], name
    for name in set(PAGES) - set(pages):
        with pytest.raises(ValueError):  # the board is never offered People or Data
            at.switch_page(PAGES[name])


def _shown(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("period", ("all", "90", "365"))
def test_key_figures_match_an_independent_count(sample_db, period):
    """All time: the sample files, read on their own; a window (the files give no date to
    every record): the funnel counted in pandas from the facts, the events from the files.
    The report, which reads the same SQL, must give the same."""
    at = app("en", "lead", f_period=period)
    no_exception(at)
    ctx = at.session_state["ctx"]
    args = []
    if ctx.since is None:
        want = sample_expected.key_figures()
    else:
        args = [
            "--since",
            ctx.since.date().isoformat(),
            "--until",
            (ctx.until - timedelta(days=1)).date().isoformat(),
        ]
        want = {
            **window_figures(sample_db, ctx.since, ctx.until),
            **sample_expected.event_figures(ctx.since, ctx.until),
        }
    assert want["acted"] > 0 and want["show_up"] is not None
    shown = _shown(at)
    t = lambda key: i18n.t("en", key)  # noqa: E731
    assert shown[t("kpi.reached")] == i18n.number("en", want["reached"])
    assert shown[t("kpi.committed")] == i18n.number("en", want["committed"])
    assert shown[t("kpi.acted")] == i18n.number("en", want["acted"])
    assert shown[t("kpi.slacktivism")] == i18n.percent("en", want["slacktivism"])
    assert shown[t("kpi.show_up")] == i18n.percent("en", want["show_up"])
    assert shown[t("kpi.going_conversion")] == i18n.percent("en", want["going_conversion"])
    at.switch_page(PAGES["funnel"]).run()
    assert _shown(at)[t("kpi.per_1000")] == i18n.number("en", want["per_1000"], 1)
    report = report_json(*args)
    assert (report["funnel"]["people"]["commitment"], report["funnel"]["people"]["action"]) == (
        want["committed"],
        want["acted"],
    )
    assert report["slacktivism_index"] == pytest.approx(want["slacktivism"])
    assert report["actions_per_1000_engagements"] == pytest.approx(want["per_1000"])


def test_key_figures_for_one_campaign_match_the_files(sample_db):
    campaigns = data.options()["campaign"]
    at = app("fr", "lead", f_campaign=campaigns[0])
    people, _ = sample_expected.people_funnel(campaigns[0])
    assert people["action"] > 0
    shown = _shown(at)
    assert shown[i18n.t("fr", "kpi.acted")] == i18n.number("fr", people["action"])
    assert shown[i18n.t("fr", "kpi.committed")] == i18n.number("fr", people["commitment"])
    # no post, email or list of the files names a campaign: nobody was reached under one
    assert shown[i18n.t("fr", "kpi.reached")] == i18n.number("fr", 0)


def test_filters_are_kept_between_pages(sample_db):
    at = app()
    campaign = data.options()["campaign"][-1]
    at.selectbox(key="w_campaign").set_value(campaign).run()
    at.selectbox(key="w_period").set_value("365").run()
    before = _shown(at)
    at.switch_page(PAGES["about"]).run()  # a page without filters
    at.switch_page(PAGES["funnel"]).run()
    assert at.selectbox(key="w_campaign").value == campaign
    assert at.selectbox(key="w_period").value == "365"
    at.switch_page(PAGES["overview"]).run()
    assert _shown(at) == before


def test_filters_that_match_nothing_show_a_message_not_an_empty_chart(small_db):
    start, end = date(2025, 4, 1), date(2025, 4, 2)
    with duckdb.connect(str(small_db), read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from mart_funnel_facts where occurred_at >= ? and occurred_at < ?",
                [start, end],
            ).fetchone()[0]
            == 0
        )
    at = app("fr", f_period="custom")
    at.date_input(key="w_dates").set_value((start, end)).run()
    assert at.session_state["ctx"].since.date() == start
    no_exception(at)
    assert any(i.value == i18n.t("fr", "empty.no_data") for i in at.info)


# the board ---------------------------------------------------------------------------

SMALL = {"1", "2", "3", "4"}


@pytest.mark.parametrize("source", ("small_db", "sample_db"))
def test_board_never_sees_a_count_under_five(source, request):
    request.getfixturevalue(source)
    at = app("en", "board")
    for name in BOARD_PAGES:
        at.switch_page(PAGES[name]).run()
        no_exception(at)
        assert not SMALL & {m.value for m in at.metric}, name
        for frame in at.dataframe:
            cells = {str(v).strip() for v in frame.value.to_numpy().ravel()}
            cells |= {str(v).strip() for v in shown(frame).to_numpy().ravel()}
            assert not SMALL & cells, name
        for spec in figures(at):
            for trace in spec["data"]:
                if trace.get("meta") != "count":
                    continue
                for axis in ("x", "y"):
                    values = [v for v in decode(trace.get(axis)) if isinstance(v, int | float)]
                    assert not [v for v in values if 0 < v < 5], (name, trace.get("name"))


def test_lead_sees_small_counts_that_the_board_does_not(small_db):
    lead = app("en", "lead").switch_page(PAGES["events"]).run()
    board = app("en", "board").switch_page(PAGES["events"]).run()
    lead_cells = {str(v) for f in lead.dataframe for v in shown(f).to_numpy().ravel()}
    board_cells = {str(v) for f in board.dataframe for v in shown(f).to_numpy().ravel()}
    assert SMALL & lead_cells
    assert "<5" in board_cells


def test_board_sees_no_share_that_would_reveal_a_small_count(small_db):
    hidden = i18n.t("en", "rate.hidden")
    lead = app("en", "lead").switch_page(PAGES["events"]).run()
    board = app("en", "board").switch_page(PAGES["events"]).run()
    column = i18n.t("en", "col.show_up_rate")
    lead_rates = [v for f in lead.dataframe if column in f.value.columns for v in shown(f)[column]]
    board_rates = [
        v for f in board.dataframe if column in f.value.columns for v in shown(f)[column]
    ]
    assert hidden not in lead_rates
    assert hidden in board_rates
    for lead_rate, board_rate in zip(lead_rates, board_rates, strict=True):
        assert board_rate in (lead_rate, hidden)


def test_passwords_decide_the_role(sample_db, monkeypatch):
    monkeypatch.setenv("TURNOUT_LEAD_PASSWORD", "lead-secret")
    monkeypatch.setenv("TURNOUT_BOARD_PASSWORD", "board-secret")
    at = app()
    assert not at.metric and at.text_input  # a sign-in form, nothing else
    at.text_input[0].input("nope")
    at.button[0].click().run()
    assert at.error and not at.metric
    at.text_input[0].input("board-secret")
    at.button[0].click().run()
    no_exception(at)
    assert at.session_state["role"] == "board"
    assert at.metric
    with pytest.raises(ValueError):
        at.switch_page(PAGES["people"])


def test_passwords_from_streamlit_secrets(sample_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_helpers import APP

    monkeypatch.setenv("TURNOUT_BOARD_PASSWORD", "not-this-one")
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["passwords"] = {"lead": "lead-from-secrets", "board": "board-from-secrets"}
    at.run()
    at.text_input[0].input("not-this-one")
    at.button[0].click().run()
    assert "role" not in at.session_state  # secrets win over the environment
    at.text_input[0].input("lead-from-secrets")
    at.button[0].click().run()
    no_exception(at)
    assert at.session_state["role"] == "lead"
    at.switch_page(PAGES["people"]).run()
    no_exception(at)


def test_no_password_opens_as_lead_with_a_notice(sample_db):
    at = app()
    assert any(i.value == i18n.t("en", "auth.no_password") for i in at.sidebar.info)
    assert at.session_state["ctx"].role == "lead"


# empty states --------------------------------------------------------------------------


def test_empty_database_opens_on_the_welcome_page(db):
    at = app()
    no_exception(at)
    assert at.title[0].value == i18n.t("en", "welcome.title")
    labels = [b.label for b in at.button]
    assert i18n.t("en", "welcome.load_sample") in labels
    assert i18n.t("en", "welcome.go_upload") in labels
    assert not at.get("plotly_chart")


def test_no_database_file_at_all_opens_on_the_welcome_page(tmp_path, monkeypatch):
    monkeypatch.setenv("TURNOUT_DB", str(tmp_path / "nothing" / "turnout.duckdb"))
    at = app("fr")
    no_exception(at)
    assert at.title[0].value == i18n.t("fr", "welcome.title")


def test_welcome_loads_the_sample_through_the_importer(db, tmp_path, monkeypatch):
    from dashboard import loading

    folder = tmp_path / "sample"
    folder.mkdir()
    for path in SMALL_FILES[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(loading, "SAMPLE_DATA", folder)
    at = app()
    at.button(key="load_sample").click().run()
    no_exception(at)
    assert at.title[0].value == i18n.t("en", "page.overview")
    assert at.metric


# imports while reading ---------------------------------------------------------------------


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
    first = _shown(at)
    st.cache_data.clear()  # as if the file had changed: the page must read again
    monkeypatch.setattr(data, "WAIT_SECONDS", 0.3)
    thread = _hold_writer(sample_db, 2.0)
    at.run()
    thread.join()
    no_exception(at)
    _no_lock_message(at)
    assert _shown(at) == first
    assert any(i.value == i18n.t("en", "busy.showing_last") for i in at.info)


def test_files_not_yet_in_the_figures_are_announced(small_db, tmp_path):
    from pipelines import load, warehouse

    calendar, sheet = tmp_path / "late_calendar.csv", tmp_path / "late_sheet.csv"
    calendar.write_bytes(CALENDAR)
    sheet.write_bytes(SIGN_IN)
    with warehouse.writer(small_db) as con:  # a batch cut short before its refresh
        batch = load.Session(small_db, con)
        batch.import_file(calendar)
        batch.import_file(sheet)
    for lang in ("en", "fr"):
        at = app(lang)
        no_exception(at)
        assert [w.value for w in at.warning] == [
            i18n.t(lang, "notice.pending", count=i18n.number(lang, 2))
        ]
    with load.session(small_db):  # the next import (here: an empty batch) finishes it
        pass
    st.cache_data.clear()
    assert not app().warning


# the data page ------------------------------------------------------------------------------

CALENDAR = (
    b"event_id,name,starts_at,kind,campaign\n"
    b"upload-test,Upload test,2026-03-30 18:00,meeting,upload\n"
)
SIGN_IN = b"event_id,name,email,phone,signed_in_at,heard_from\n" + b"".join(
    b"upload-test,P%d,p%d@example.org,,18:0%d,flyer\n" % (i, i, i) for i in range(7)
)


def test_upload_shows_the_format_imports_and_refreshes(small_db, monkeypatch):
    from pipelines import marts

    refresh, rebuilds = marts.refresh, []
    monkeypatch.setattr(
        marts, "refresh", lambda con, **options: rebuilds.append(1) or refresh(con, **options)
    )
    at = app()
    acted = _shown(at)[i18n.t("en", "kpi.acted")]
    at.switch_page(PAGES["data"]).run()
    files = [
        ("calendar_upload.csv", CALENDAR, "text/csv"),
        ("sign_in_upload.csv", SIGN_IN, "text/csv"),
        ("not_an_export.csv", b"colour,flavour\nred,sweet\n", "text/csv"),
    ]
    at.file_uploader[0].set_value(files).run()
    no_exception(at)
    assert any("sign_in_upload.csv" in m.value for m in at.markdown)
    # a file in no known format opens the mapping screen instead of being imported
    assert any(
        i18n.t("en", "mapping.unknown", file="not_an_export.csv") == w.value for w in at.warning
    )
    counts = {
        name: i18n.t("en", f"data.count.{name}", count=count)
        for name, count in (("read", 7), ("loaded", 7), ("duplicate", 0), ("rejected", 0))
    }
    assert i18n.t("en", "preview.counts", file="sign_in_upload.csv", **counts) in [
        m.value for m in at.markdown
    ]  # the preview, before anything is written
    at.button(key="run_import").click().run()
    no_exception(at)
    assert any("sign_in_upload.csv" in s.value for s in at.success)
    assert len(rebuilds) == 1  # the two files are one batch: the figures refreshed once
    column = i18n.t("en", "col.file")
    history = next(f.value for f in at.dataframe if column in f.value.columns)
    assert "sign_in_upload.csv" in set(history[column])
    at.switch_page(PAGES["overview"]).run()  # caches were cleared: the new people count
    after = _shown(at)[i18n.t("en", "kpi.acted")]
    assert int(after.replace(",", "")) == int(acted.replace(",", "")) + 7


def test_a_file_over_the_limit_is_refused_politely(small_db, monkeypatch):
    from dashboard import loading

    monkeypatch.setattr(loading, "MAX_UPLOAD_MB", 1)
    at = app().switch_page(PAGES["data"]).run()
    over = CALENDAR + b"#" * (1024 * 1024)
    at.file_uploader[0].set_value(("calendar_upload.csv", over, "text/csv")).run()
    no_exception(at)
    assert at.warning and "calendar_upload.csv" in at.warning[0].value
    assert "run_import" not in [b.key for b in at.button]


def test_per_event_upload_asks_which_event(small_db):
    at = app("fr").switch_page(PAGES["data"]).run()
    path = fixture("people/zoom*us_dates.csv")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    choice = at.selectbox(key=f"event_{path.name}")
    assert choice.label == i18n.t("fr", "data.which_event", file=path.name)
    choice.set_value("townhall-2026-03").run()
    at.button(key="run_import").click().run()
    no_exception(at)
    assert any(path.name in s.value for s in at.success)


BAD_CALENDAR = CALENDAR + b'quote-test,"Quote test,2026-03-31 18:00,meeting,upload\n'


def _count_imports(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from imports").fetchone()[0]


def test_a_refused_upload_is_explained_in_french_and_nothing_is_written(small_db):
    before = _count_imports(small_db)
    at = app("fr").switch_page(PAGES["data"]).run()
    at.file_uploader[0].set_value(("calendrier.csv", BAD_CALENDAR, "text/csv")).run()
    no_exception(at)  # the preview already says why; nothing is offered for import
    assert "run_import" not in [b.key for b in at.button]
    assert any(e.value == i18n.t("fr", "data.refused", file="calendrier.csv") for e in at.error)
    said = [c.value for c in at.caption if c.value.startswith("calendrier.csv")]
    assert said == [
        "calendrier.csv, ligne 3\u00a0: Une valeur entre guillemets commence ici et "
        "n'est jamais refermée (guillemet \" non fermé). Rien n'a été écrit."
    ]
    assert _count_imports(small_db) == before
    st.cache_data.clear()
    result = CliRunner().invoke(cli.app, ["import", str(_written(small_db, BAD_CALENDAR))])
    assert result.exit_code == 1
    assert (
        "calendrier.csv, line 3: A quoted value opens here and is never closed (an "
        'unterminated "). Nothing was written.'
    ) in " ".join(result.output.split())


def _written(db: Path, content: bytes) -> Path:
    path = db.parent / "bad" / "calendrier.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def test_rejected_rows_are_shown_in_the_chosen_language(small_db):
    with duckdb.connect(str(small_db), read_only=True) as con:
        stored = con.execute("select reason from rejects where reject_code is not null").fetchall()
    assert stored, "the small campaign has rejected rows"
    at = app("fr").switch_page(PAGES["data"]).run()
    no_exception(at)
    reason = i18n.t("fr", "col.reason")
    table = next(
        f.value
        for f in at.table
        if i18n.t("fr", "col.line") in f.value.columns and reason in f.value.columns
    )
    shown = set(table[reason])
    assert shown and not shown & {r for (r,) in stored}  # no English reason left
    assert all(
        text.startswith(("Cette ligne", "L'événement", "Aucun", "Une ligne", "«")) for text in shown
    ), shown


def test_templates_are_recognised_by_the_importer():
    from pipelines import load

    folder = ROOT / "dashboard" / "templates"
    expected = {
        "events_calendar": "events_calendar",
        "signin_sheet": "signin_sheet",
        "facebook_event_counts": "facebook_event_counts",
    }
    for name, source in expected.items():
        for lang in i18n.LANGUAGES:
            assert (
                load.recognise(folder / f"{name}_{lang}.csv", load.ImportOptions()).name == source
            )


# boundaries and the command ---------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_pipelines_never_import_streamlit_or_plotly():
    for path in (ROOT / "pipelines").rglob("*.py"):
        found = {n.split(".")[0] for n in _imports(path)}
        assert not found & {"streamlit", "plotly"}, path


def test_only_the_loading_module_imports_the_loader_and_only_the_data_pages_use_it():
    users = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        names = _imports(path)
        relative = path.relative_to(ROOT).as_posix()
        if names & {"pipelines.load", "pipelines.batch"}:
            assert relative == "dashboard/loading.py"
        if "dashboard.loading" in names:
            users.add(relative)
    assert users <= {
        "dashboard/app_pages/imports.py",
        "dashboard/app_pages/welcome.py",
        "dashboard/import_review.py",
    }


def test_charts_never_call_streamlit():
    assert not {n for n in _imports(ROOT / "dashboard" / "charts.py") if "streamlit" in n}


def test_dashboard_command_runs_streamlit_headless(monkeypatch):
    seen = {}
    monkeypatch.setattr(os, "execv", lambda exe, argv: seen.update(argv=argv))
    result = CliRunner().invoke(cli.app, ["dashboard"])
    assert result.exit_code == 0, result.output
    argv = seen["argv"]
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("dashboard/app.py")
    assert "--server.headless" in argv and "--browser.gatherUsageStats" in argv
    assert argv[argv.index("--server.port") + 1] == "8501"


def test_a_database_without_schema_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "bare.duckdb"
    duckdb.connect(str(path)).close()  # a file, but never `turnout init`
    monkeypatch.setenv("TURNOUT_DB", str(path))
    at = app()
    no_exception(at)
    assert at.error[0].value == i18n.t("en", "database.problem")
    assert "turnout init" in at.caption[0].value


def test_the_board_on_an_empty_database_gets_a_message_not_buttons(db):
    at = app("fr", "board")
    no_exception(at)
    assert at.title[0].value == i18n.t("fr", "welcome.title")
    assert any(i.value == i18n.t("fr", "welcome.board") for i in at.info)
    assert "load_sample" not in [b.key for b in at.button]


def test_follow_up_list_is_the_models_ranking_with_source_ids_only(sample_db):
    at = app()
    at.switch_page(PAGES["people"]).run()
    no_exception(at)
    table = at.dataframe[-1].value
    with duckdb.connect(str(sample_db), read_only=True) as con:
        ranks = [
            r for (r,) in con.execute("select rank from mart_follow_up order by rank").fetchall()
        ]
    assert len(ranks) > data.FOLLOW_UP_SHOWN > 50  # the sample's list is longer than the page
    assert table[i18n.t("en", "col.rank")].tolist() == ranks[: data.FOLLOW_UP_SHOWN]
    assert _shown(at)[i18n.t("en", "people.follow_up.count")] == i18n.number("en", len(ranks))
    assert i18n.t(
        "en",
        "people.follow_up.first",
        shown=i18n.number("en", data.FOLLOW_UP_SHOWN),
        total=i18n.number("en", len(ranks)),
    ) in [c.value for c in at.caption]
    shown = " ".join(str(v) for v in table.to_numpy().ravel())
    assert "@" not in shown


def _csv(content: bytes, delimiter: str = ",") -> list[list[str]]:
    import csv
    import io

    assert content.startswith("\ufeff".encode())  # Excel reads the accents
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_follow_up_csv_holds_the_whole_list_in_the_pages_columns(sample_db):
    at = app("fr")
    at.switch_page(PAGES["people"]).run()
    headers = [str(c) for c in at.dataframe[-1].value.columns]
    rows = _csv(data.follow_up_csv(None, headers, "fr"), ";")  # a French page's dialect
    with duckdb.connect(str(sample_db), read_only=True) as con:
        expected = con.execute("""
            select rank, action_network_uuid, zoom_registrant_email_hash, probability
            from mart_follow_up order by rank""").fetchall()
    assert rows[0] == headers
    assert len(rows) - 1 == len(expected) > data.FOLLOW_UP_SHOWN
    column = {name: i for i, name in enumerate(headers)}
    ranks = [int(r[column[i18n.t("fr", "col.rank")]]) for r in rows[1:]]
    assert ranks == [e[0] for e in expected]
    uuids = [r[column[i18n.t("fr", "col.action_network_uuid")]] or None for r in rows[1:]]
    assert uuids == [e[1] for e in expected]
    chances = [r[column[i18n.t("fr", "col.probability")]] for r in rows[1:]]
    assert chances == ["" if e[3] is None else str(e[3]).replace(".", ",") for e in expected]
    assert "@" not in " ".join(",".join(r) for r in rows[1:])


def test_follow_up_csv_never_carries_a_formula(sample_db):
    with duckdb.connect(str(sample_db)) as con:
        con.execute(
            "update mart_follow_up set action_network_uuid = '=HYPERLINK(\"x\")', "
            "mobilize_user_id = '-12' where rank = 1"
        )
    headers = [f"c{i}" for i in range(10)]
    first = _csv(data.follow_up_csv(None, headers, "en"))[1]
    assert first[5:7] == ['\'=HYPERLINK("x")', "'-12"]


def test_follow_up_for_one_campaign_reads_only_the_rows_shown(sample_db):
    campaign = data.options()["campaign"][0]
    with duckdb.connect(str(sample_db), read_only=True) as con:
        expected = [
            r
            for (r,) in con.execute(
                """
            select rank from mart_follow_up where person_id in (
                select person_id from mart_person_records
                where stage = 'commitment' and campaign = ?)
            order by rank""",
                [campaign],
            ).fetchall()
        ]
    assert len(expected) > 10
    assert data.follow_up(campaign, limit=10)["rank"].tolist() == expected[:10]
    assert data.follow_up_count(campaign) == len(expected)
    headers = [f"c{i}" for i in range(10)]
    assert [int(r[0]) for r in _csv(data.follow_up_csv(campaign, headers, "en"))[1:]] == expected


def test_a_rerun_reads_nothing_again(sample_db, monkeypatch):
    at = app()
    reads = []
    real = data._run
    monkeypatch.setattr(data, "_run", lambda *args: reads.append(args[1]) or real(*args))
    for name in ("overview", "funnel", "events", "people", "channels"):
        at.switch_page(PAGES[name]).run()
        read = len(reads)
        at.run()
        no_exception(at)
        assert len(reads) == read, name  # the second run came from the cache


@pytest.mark.parametrize("period", ("all", "90"))
@pytest.mark.parametrize("campaign", (None, 0))
@pytest.mark.parametrize("channel", (None, 0, -1))
def test_funnel_and_breakdowns_count_as_the_facts_say(sample_db, period, campaign, channel):
    found = data.options()
    campaign = None if campaign is None else found["campaign"][campaign]
    channel = None if channel is None else found["channel"][channel]
    since, until = ui.window(period, data.date_range()[1])[:2]
    columns = ["stage", "interactions", "people"]
    expected = reference_funnel(sample_db, campaign, channel, since, until)
    if campaign is None and channel is None:
        assert expected[0][3] > 0
    assert [
        [""] + r for r in data.funnel(campaign, channel, since, until)[columns].values.tolist()
    ] == expected
    for group in ("channel", "campaign"):
        expected = reference_funnel(sample_db, campaign, channel, since, until, group)
        found = data.funnel_by(group, campaign, channel, since, until)
        assert found[["group_value", *columns]].values.tolist() == expected, group
        together = data.funnel(campaign, channel, since, until, group=group)
        assert together.equals(data.funnel(campaign, channel, since, until)), group


def test_filter_options_are_every_campaign_and_channel_of_the_facts(sample_db):
    with duckdb.connect(str(sample_db), read_only=True) as con:
        campaigns = {
            r[0]
            for r in con.execute(
                "select campaign from mart_funnel_facts where campaign is not null "
                "union select campaign from mart_event_gap where campaign is not null"
            ).fetchall()
        }
        channels = {
            r[0] for r in con.execute("select distinct channel from mart_funnel_facts").fetchall()
        }
    found = data.options()
    assert found["campaign"] == sorted(campaigns) and campaigns
    assert found["channel"] == sorted(channels) and len(channels) > 3


def test_the_funnel_page_reads_only_the_open_breakdown(sample_db, monkeypatch):
    groups = []
    real = data.funnel_by
    monkeypatch.setattr(
        data, "funnel_by", lambda group, *a: groups.append(group) or real(group, *a)
    )
    at = app().switch_page(PAGES["funnel"]).run()
    assert groups == ["channel"]
    at.session_state["funnel_breakdown"] = i18n.t("en", "tab.by_campaign")
    at.run()
    no_exception(at)
    assert groups == ["channel", "campaign"]
    titles = [spec["layout"]["title"]["text"] for spec in figures(at)]
    assert i18n.t("en", "chart.by_campaign") in titles
    assert i18n.t("en", "chart.by_channel") not in titles


def test_events_page_shows_the_files_rates_without_reading_the_funnel(sample_db, monkeypatch):
    at = app("en", "lead", f_period="365")
    ctx = at.session_state["ctx"]
    want = sample_expected.event_figures(ctx.since, ctx.until)  # read from the files
    monkeypatch.setattr(data, "funnel", lambda *a, **k: pytest.fail("the funnel was read"))
    at.switch_page(PAGES["events"]).run()
    no_exception(at)
    assert want["show_up"] is not None
    pooled = next(m.value for m in at.metric if m.label == i18n.t("en", "kpi.show_up"))
    assert pooled == i18n.percent("en", want["show_up"])


def pyramid_tiers() -> list[str]:
    """The tiers of the default rules (pipelines/pyramid.toml), from the bottom up."""
    import tomllib

    rules = tomllib.loads((ROOT / "pipelines" / "pyramid.toml").read_text(encoding="utf-8"))
    return [tier["name"] for tier in rules["tier"]]


def _pyramid_counts(at) -> dict[str, int]:
    spec = next(s for s in figures(at) if s["data"][0].get("meta") == "pyramid")
    return {layer["name"]: decode(layer["customdata"])[0] for layer in spec["data"]}


def test_the_pyramid_is_drawn_as_a_pyramid_with_the_tiers_of_the_about_page(sample_db):
    at = app("en", "lead").switch_page(PAGES["people"]).run()
    spec = next(s for s in figures(at) if s["data"][0].get("meta") == "pyramid")
    layers = spec["data"]
    widths = [max(decode(layer["x"])) - min(decode(layer["x"])) for layer in layers]
    bottoms = [min(decode(layer["y"])) for layer in layers]
    # from the top tier down: each layer lower and wider than the one above it
    assert bottoms == sorted(bottoms, reverse=True) and widths == sorted(widths)
    assert len(set(widths)) == len(widths)
    for lang in ("en", "fr"):
        names = [i18n.label(lang, "tier", t) for t in ("observing", *pyramid_tiers())]
        about = i18n.t(lang, "about.def.pyramid")
        assert [n for n in names if n in about] == names  # every tier, bottom up
        assert sorted(names, key=about.index) == names
    drawn = [layer["name"] for layer in layers][::-1]  # bottom up, the tiers with people
    tiers = [i18n.label("en", "tier", t) for t in ("observing", *pyramid_tiers())]
    assert len(drawn) >= 3 and drawn == [t for t in tiers if t in drawn]


def test_people_pyramid_follows_the_period_and_says_which_month(sample_db):
    at = app("en", "lead", f_period="90").switch_page(PAGES["people"]).run()
    no_exception(at)
    ctx = at.session_state["ctx"]
    last_day = ctx.until - timedelta(days=1)
    with duckdb.connect(str(sample_db), read_only=True) as con:
        (month,) = con.execute(
            "select max(month) from mart_person_months where month <= ?",
            [last_day.date().replace(day=1)],
        ).fetchone()
        counts = con.execute(
            "select tier, count(*) from mart_person_months where month = ? group by tier", [month]
        ).fetchall()
        now = dict(
            con.execute("select tier, count(*) from mart_person_tiers group by tier").fetchall()
        )
    expected = {i18n.label("en", "tier", tier): n for tier, n in counts}
    assert _pyramid_counts(at) == expected
    title = i18n.t("en", "chart.pyramid_at", month=i18n.month("en", month))
    assert title in [s["layout"]["title"]["text"] for s in figures(at)]
    every = app("en", "lead").switch_page(PAGES["people"]).run()
    assert _pyramid_counts(every) == {i18n.label("en", "tier", t): n for t, n in now.items()}


def test_people_cohorts_start_within_the_period(sample_db):
    at = app("en", "lead", f_period="365").switch_page(PAGES["people"]).run()
    since = at.session_state["ctx"].since
    heatmap = next(s for s in figures(at) if s["data"][0]["type"] == "heatmap")
    with duckdb.connect(str(sample_db), read_only=True) as con:
        months = [
            m
            for (m,) in con.execute(
                "select distinct cohort_month from mart_retention where cohort_month >= ? "
                "order by 1",
                [since.date().replace(day=1)],
            ).fetchall()
        ][-12:]
    assert len(heatmap["data"][0]["y"]) == len(months) > 0
    assert all(
        name.startswith(i18n.month("en", m))
        for name, m in zip(heatmap["data"][0]["y"], months, strict=True)
    )


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_charts_without_campaigns_say_so_when_one_is_chosen(sample_db, lang):
    campaign = data.options()["campaign"][0]
    at = app(lang, "lead", f_campaign=campaign, f_period="365")
    at.switch_page(PAGES["people"]).run()
    no_exception(at)
    assert i18n.t(lang, "people.every_campaign", campaign=campaign) in [i.value for i in at.info]
    at.switch_page(PAGES["channels"]).run()
    notes = [i.value for i in at.info]
    assert i18n.t(lang, "channels.every_campaign", campaign=campaign) in notes
    assert i18n.t(lang, "channels.all_time") in notes
    plain = app(lang, "lead").switch_page(PAGES["channels"]).run()
    assert not {i18n.t(lang, "channels.all_time")} & {i.value for i in plain.info}


def test_downloads_never_carry_a_spreadsheet_formula():
    import csv
    import io

    import pandas as pd

    from dashboard import ui

    text = ui.csv_bytes(
        pd.DataFrame({"event": ['=HYPERLINK("x")', "Vigil"], "people": [-3, 4]})
    ).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["event", "people"],
        ['\'=HYPERLINK("x")', "-3"],
        ["Vigil", "4"],
    ]
