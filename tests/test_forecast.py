"""Turnout forecast: on the sample campaign it beats the baselines with an honest interval;
a short history gets the fallback; `turnout forecast --format json` covers every event."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines import marts, warehouse
from pipelines.cli import app
from pipelines.models import evaluation as leave_one_out
from pipelines.models import forecast, forecast_inputs, kept_inputs, showup
from tests.conftest import SAMPLE_DATA, query
from tests.given import event, given
from tests.sample_db import sample_database

METHODS = {forecast.MODEL, forecast.RATE, forecast.FACEBOOK, forecast.SIMILAR, forecast.NONE}
needs_sample = pytest.mark.skipif(
    not (SAMPLE_DATA / "events_calendar.csv").exists(), reason="no sample campaign"
)


@pytest.fixture(scope="module")
def sample_db():
    return sample_database()


@pytest.fixture(scope="module")
def evaluation(sample_db):
    with warehouse.reader(sample_db) as con:
        return leave_one_out.evaluate(forecast.load(con))


@needs_sample
def test_forecast_beats_the_best_baseline(evaluation):
    _, summary = evaluation
    assert summary["events"] == 18
    everything, with_going = summary["mae"], summary["mae_events_with_facebook_going"]
    baselines = [v for k, v in with_going.items() if k.startswith("baseline")]
    assert with_going[forecast.MODEL] < min(baselines)
    assert everything[forecast.MODEL] < everything["baseline: historical rate × registered"]


@needs_sample
def test_forecast_beats_the_baselines_replayed_in_time_order(evaluation):
    """Stricter: each event forecast from the events before it only (the last 10)."""
    ordered = evaluation[1]["time_ordered"]
    assert ordered["events"] == 18 - forecast.MIN_EVENTS
    assert ordered["mae"][forecast.MODEL] < ordered["mae"]["baseline: historical rate × registered"]
    going = ordered["mae_events_with_facebook_going"]
    assert going[forecast.MODEL] < min(v for k, v in going.items() if k.startswith("baseline"))


@needs_sample
def test_interval_covers_most_past_events_but_not_all(evaluation):
    _, summary = evaluation
    assert 0.70 <= summary["coverage_80"][forecast.MODEL] <= 0.90


@needs_sample
def test_a_past_event_is_forecast_without_its_own_outcome(sample_db):
    """Change who came to one event: its leave-one-out forecast does not move."""
    with warehouse.reader(sample_db) as con:
        frames = forecast.load(con)
    past = frames.past
    target = past.iloc[5]
    ids = list(past["event_id"])
    before = forecast._model_forecasts(frames, ids, past.iloc[[5]])
    regs = frames.registrations
    regs.loc[regs["event_id"] == target["event_id"], "came"] = True
    frames.events.loc[frames.events["event_id"] == target["event_id"], "attended"] = 999
    after = forecast._model_forecasts(frames, ids, past.iloc[[5]])
    assert before.equals(after)


@needs_sample
def test_features_only_look_back(sample_db):
    rows = query(
        sample_db,
        """
        with f as (select event_id, person_id, past_attended + past_no_show as seen
                   from ("""
        + kept_inputs.sql("forecast_registrations")
        + """))
        select count(*) from f join events using (event_id)
        where seen > (select count(*) from events as e2 where e2.starts_at < events.starts_at)
    """,
    )
    assert rows[0][0] == 0


def test_the_feature_columns_become_the_matrix_column_stack_makes():
    """``showup.as_matrix`` builds the models' design: the numbers ``np.column_stack`` gives,
    row-major, whatever the columns' types."""
    rng = np.random.default_rng(0)
    columns = [rng.random(1000), rng.random(1000) > 0.5, rng.integers(0, 9, 1000), rng.random(1000)]
    made = showup.as_matrix(columns)
    expected = np.column_stack(columns).astype(float)
    assert made.dtype == np.float64 and made.flags["C_CONTIGUOUS"]
    assert np.array_equal(made, expected)
    assert showup.as_matrix([np.array([]), np.array([], dtype=bool)]).shape == (0, 2)


@needs_sample
def test_rows_taken_from_the_whole_design_give_the_chances_their_own_design_gives(sample_db):
    """A refit builds the registrations' design once and forecasts each event from its rows
    of it: the chances must be those of the rows' own design, to the last bit, with their
    lead times or with the lead time of registrations still to come."""
    with warehouse.reader(sample_db) as con:
        frames = forecast.load(con)
    regs = frames.registrations
    whole = showup.design(regs)
    model = showup.fit(regs, frames.past)
    rows = regs.iloc[::-3]  # not in order, not every row
    own = whole[regs.index.get_indexer(rows.index)]
    later = np.full(len(rows), 4.5)
    assert np.array_equal(model.probabilities(rows, matrix=own), model.probabilities(rows))
    assert np.array_equal(model.probabilities(rows, later, own), model.probabilities(rows, later))
    assert not np.array_equal(model.probabilities(rows, later), model.probabilities(rows))
    event = frames.events[frames.events["is_upcoming"]].iloc[0]
    event = event.copy()
    event["forecast_at"] = event["starts_at"] - pd.Timedelta(days=9)  # some still to come
    assert showup.expected_attendance(model, event, rows, own) == showup.expected_attendance(
        model, event, rows
    )


@needs_sample
def test_the_frames_joined_in_the_database_are_the_kept_rows_with_their_events(sample_db):
    """The kept registrations in the query's order (the fit samples them by position), each
    with its event's attributes: as pandas joins them, for every event or for some."""
    with warehouse.reader(sample_db) as con:
        events = forecast_inputs.read_events(con)
        kept = con.execute(f"select * from {forecast_inputs.REGISTRATIONS}").df()
        some = list(events["event_id"].iloc[::3])
        every, few = forecast_inputs.frames(con, events), forecast_inputs.frames(con, events, some)
    kept = kept.sort_values(["event_id", "person_id"], ignore_index=True)
    expected = kept.merge(events[forecast_inputs.EVENT_COLUMNS], on="event_id")
    assert len(expected) > 100 and expected["reminder_sent"].notna().any()
    assert expected["channel"].isna().any() and expected["channel"].notna().any()
    # the text columns come out as categories, the same values once read as text
    text = {column: expected[column].dtype for column in ("event_id", "channel", "kind")}
    for got in (every, few):
        assert all(isinstance(got.registrations[c].dtype, pd.CategoricalDtype) for c in text)
    pd.testing.assert_frame_equal(every.registrations.astype(text), expected)
    chosen = expected[expected["event_id"].isin(some)].reset_index(drop=True)
    assert 0 < len(chosen) < len(expected)
    pd.testing.assert_frame_equal(few.registrations.astype(text), chosen)
    assert few.events is events


@needs_sample
def test_a_sampled_fit_is_the_same_on_every_load(sample_db, monkeypatch):
    # a large campaign is fitted on a sample of registration rows picked by position
    monkeypatch.setattr(showup, "MAX_TRAINING_ROWS", 300)
    with warehouse.reader(sample_db) as con:
        first, second = forecast.load(con), forecast.load(con)
    keys = first.registrations[["event_id", "person_id"]]
    assert keys.equals(keys.sort_values(["event_id", "person_id"], ignore_index=True))
    columns = ["event_id", "expected", "low", "high", "method"]
    assert forecast.mart_rows(first)[columns].equals(forecast.mart_rows(second)[columns])


@needs_sample
def test_the_mart_is_refitted_by_the_import(sample_db):
    rows = query(
        sample_db,
        "select event_id, method, expected, low, high, actual, is_upcoming "
        "from mart_event_forecast order by starts_at",
    )
    assert len(rows) == 21
    past = [r for r in rows if not r[6]]
    assert {r[1] for r in past} == {forecast.MODEL}
    assert all(r[3] <= r[2] <= r[4] and r[5] is not None for r in past)


@needs_sample
def test_a_kept_fit_forecasts_every_event_as_the_fit_itself_did(sample_db, tmp_path):
    """With its fit kept, the forecast reads only the registrations of the events it
    forecasts again and counts the others' in the database: on the data it was fitted on,
    every event's row must come out as the fit's own refresh wrote it."""
    from tests.dashboard_helpers import copy_database

    db = copy_database(sample_db, tmp_path)
    columns = "* exclude (inputs_hash)"
    with warehouse.writer(db) as con:
        assert forecast.refresh(con, "asked").startswith("refitted")
        fitted = con.execute(f"select {columns} from mart_event_forecast order by event_id").df()
        con.execute("update mart_event_forecast set inputs_hash = 'another'")
        said = forecast.refresh(con)
        again = con.execute(f"select {columns} from mart_event_forecast order by event_id").df()
    assert said.startswith("kept the fit of"), said
    # not a trivial case: events forecast again by the model, and events that keep theirs
    upcoming = fitted[fitted["is_upcoming"]]
    assert (upcoming["method"] == forecast.MODEL).any() and upcoming["registered_then"].gt(0).any()
    assert (fitted.loc[~fitted["is_upcoming"], "registered_then"] > 0).all()
    pd.testing.assert_frame_equal(again, fitted)


KEPT_FITS_ONLY = """
import sys
from pathlib import Path
from pipelines import warehouse
from pipelines.models import follow_up, follow_up_list, forecast
with warehouse.writer(Path(sys.argv[1])) as con:
    con.execute("update mart_event_forecast set inputs_hash = 'another'")
    con.execute(f"update {follow_up_list.WRITTEN} set inputs_hash = 'another'")
    print(forecast.refresh(con))
    print(follow_up.refresh(con))
print(sorted({"sklearn", "scipy.stats"} & set(sys.modules)))
"""


@needs_sample
def test_a_kept_fit_forecasts_and_ranks_without_loading_scikit_learn(sample_db, tmp_path):
    """Loading scikit-learn and scipy.stats takes about 1.4 s, as long as everything else the
    models do after a sign-in sheet at 10M rows: a refresh that keeps both fits, in a new
    process as `turnout import` runs it, must not load them."""
    import subprocess
    import sys

    from tests.dashboard_helpers import copy_database

    db = copy_database(sample_db, tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", KEPT_FITS_ONLY, str(db)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    said = done.stdout.splitlines()
    assert said[0].startswith("kept the fit of") and said[1].startswith("kept the fit of"), said
    assert said[-1] == "[]", said


@needs_sample
def test_json_has_every_event(sample_db, monkeypatch):
    monkeypatch.setenv("TURNOUT_DB", str(sample_db))
    result = CliRunner().invoke(app, ["forecast", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    events = query(sample_db, "select event_id from events order by starts_at, event_id")
    assert [r["event_id"] for r in rows] == [e[0] for e in events]
    for row in rows:
        assert row["method"] in METHODS
        assert row["low"] <= row["expected"] <= row["high"], row
    one = CliRunner().invoke(app, ["forecast", "2026-11-14-rally-mtl", "--format", "json"])
    assert [r["event_id"] for r in json.loads(one.output)] == ["2026-11-14-rally-mtl"]
    missing = CliRunner().invoke(app, ["forecast", "no-such-event"])
    assert missing.exit_code == 1 and "No event" in missing.output


@needs_sample
def test_evaluate_prints_the_figures(sample_db, monkeypatch):
    monkeypatch.setenv("TURNOUT_DB", str(sample_db))
    result = CliRunner().invoke(app, ["forecast", "--evaluate"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "0.5 × going" in result.output and "AUC" in result.output


# a campaign with a short history -------------------------------------------------------


def small_campaign() -> dict:
    """Three past events with attendance, one upcoming with registrations, one with only a
    Facebook count, one with nothing yet."""
    people = [f"p{i}@" for i in range(12)]
    registrations, checkins = [], []
    for number, day in enumerate(("2026-01-10", "2026-02-10", "2026-03-10")):
        event_id = f"past{number}"
        for i, key in enumerate(people[: 8 + number]):
            registrations.append(
                {
                    "event_id": event_id,
                    "email_key": key,
                    "registered_at": f"{day[:8]}01",
                    "attended": i % 3 != 0,
                }
            )
        checkins.append({"event_id": event_id, "phone_key": f"walk{number}#"})
    registrations += [
        {"event_id": "soon", "email_key": key, "registered_at": "2026-04-01"} for key in people[:6]
    ]
    return {
        "events": [
            event("past0", "2026-01-10 18:00", kind="rally", is_online=False),
            event("past1", "2026-02-10 18:00", kind="rally", is_online=False),
            event("past2", "2026-03-10 18:00", kind="vigil", is_online=False),
            event("soon", "2026-04-20 18:00", kind="rally", is_online=False),
            event("fb", "2026-04-25 18:00", kind="rally", is_online=False),
            event("later", "2026-05-20 18:00", kind="vigil", is_online=False),
        ],
        "registrations": registrations,
        "checkins": checkins,
        "facebook_event_snapshots": [
            {"event_id": "fb", "snapshot_at": "2026-04-02", "going": 40, "interested": 90}
        ],
    }


def test_a_short_history_gets_the_fallback(db):
    given(db, **small_campaign())
    with warehouse.writer(db) as con:
        forecast.refresh(con)
    rows = dict(query(db, "select event_id, method from mart_event_forecast"))
    assert rows == {
        "past0": forecast.RATE,
        "past1": forecast.RATE,
        "past2": forecast.RATE,
        "soon": forecast.RATE,
        "fb": forecast.FACEBOOK,
        "later": forecast.SIMILAR,
    }
    for low, expected, high in query(db, "select low, expected, high from mart_event_forecast"):
        assert 0 <= low <= expected <= high


def test_an_empty_database_gets_an_empty_forecast(db):
    with warehouse.writer(db) as con:
        marts.rebuild(con)
        assert forecast.refresh(con) == "no events"
    assert query(db, "select count(*) from mart_event_forecast") == [(0,)]


def test_a_model_that_fails_falls_back(db, monkeypatch):
    given(db, **small_campaign())
    monkeypatch.setattr(forecast, "MIN_EVENTS", 1)

    def broken(*_args, **_kwargs):
        raise ValueError("cannot fit")

    monkeypatch.setattr(showup, "fit", broken)
    with warehouse.writer(db) as con:
        forecast.refresh(con)
    assert query(
        db, "select distinct method from mart_event_forecast where event_id like 'past%'"
    ) == [(forecast.RATE,)]
