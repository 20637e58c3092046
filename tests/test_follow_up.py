"""The follow-up list: better than recency on the sample, only people who never acted,
source ids but no contact details, and a CSV a spreadsheet cannot run."""

from __future__ import annotations

import csv
import re
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines import spreadsheet, warehouse
from pipelines.cli import app
from pipelines.models import follow_up, follow_up_inputs, follow_up_list, present
from tests.conftest import SAMPLE_DATA, query
from tests.given import event, given, registration
from tests.sample_db import sample_database

needs_sample = pytest.mark.skipif(
    not (SAMPLE_DATA / "events_calendar.csv").exists(), reason="no sample campaign"
)


@pytest.fixture(scope="module")
def sample_db():
    return sample_database()


@needs_sample
def test_model_beats_recency_on_a_later_window(sample_db):
    with warehouse.reader(sample_db) as con:
        result = follow_up.evaluate(con)
    assert result["method"] == follow_up.MODEL
    first, second = result["cutoffs"]
    assert first < second < result["as_of"]
    assert result["auc"] > result["auc_recency"]


@needs_sample
def test_the_list_holds_committed_people_who_never_acted(sample_db):
    listed = query(
        sample_db,
        "select count(*), count(distinct person_id), min(rank), "
        "max(rank), count(distinct rank) from mart_follow_up",
    )[0]
    assert listed[0] == listed[1] == listed[3] == listed[4] > 100 and listed[2] == 1
    acted = query(
        sample_db,
        """
        select count(*) from mart_follow_up
        where person_id in (select person_id from mart_person_records where stage = 'action')
           or person_id not in (select person_id from mart_person_records
                                where stage = 'commitment')""",
    )
    assert acted == [(0,)]
    ordered = query(sample_db, "select probability from mart_follow_up order by rank")
    assert [p for (p,) in ordered] == sorted((p for (p,) in ordered), reverse=True)


@needs_sample
def test_csv_has_source_ids_and_no_contact_details(sample_db, tmp_path, monkeypatch):
    monkeypatch.setenv("TURNOUT_DB", str(sample_db))
    out = tmp_path / "follow-up.csv"
    result = CliRunner().invoke(app, ["follow-up", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";"))  # French
    assert rows and rows[0]["rank"] == "1"
    assert "," in rows[0]["probability"]  # a decimal comma, as French spreadsheets read it
    assert any(r["eventbrite_attendee_number"] for r in rows)
    assert any(r["action_network_uuid"] for r in rows)
    assert any(r["mobilize_user_id"] for r in rows)
    assert any(r["zoom_registrant_email_hash"] for r in rows)
    text = out.read_text(encoding="utf-8")
    assert "@" not in text
    assert not [v for v in _not_hex(rows) if re.search(r"555[ .-]?01\d\d", v)]


def _not_hex(rows: list[dict[str, str]]) -> list[str]:
    """The cells that are not person labels, hashes or UUIDs: a phone's digits turn up in
    those hex strings by chance (each database hashes with its own key)."""
    hex_token = re.compile(r"(p|anon:)?[0-9a-f]{15}|[0-9a-f-]{32,}")
    cells = [v for row in rows for v in row.values() if v and not hex_token.fullmatch(v)]
    assert cells  # ranks, probabilities and numbers at least
    return cells


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formulas_are_neutralised(cell):
    assert spreadsheet.safe_cell(cell) == "'" + cell
    assert spreadsheet.safe_cell("plain") == "plain" and spreadsheet.safe_cell(None) == ""


def test_a_formula_in_a_source_id_is_written_as_text(db, tmp_path):
    given(
        db,
        events=[event("e1", "2026-03-05 18:30"), event("e2", "2026-05-05 18:30")],
        registrations=[
            {
                "event_id": "e1",
                "email_key": "a@",
                "source": "mobilize",
                "source_ref": '=HYPERLINK("http://x","y")',
                "registered_at": "2026-03-01",
            },
            {
                "event_id": "e2",
                "email_key": "a@",
                "source": "mobilize",
                "source_ref": "-42",
                "registered_at": "2026-04-01",
            },
        ],
    )
    with warehouse.writer(db) as con:
        assert follow_up.refresh(con).startswith("refitted")
    with warehouse.reader(db) as con:
        present.write_follow_up(con, tmp_path / "list.csv", spreadsheet.dialect("en"))
    row = next(csv.DictReader((tmp_path / "list.csv").open(encoding="utf-8-sig")))
    assert row["mobilize_user_id"] == '\'-42; =HYPERLINK("http://x","y")'
    assert row["method"] == follow_up.RECENCY  # nobody ever acted: nothing to learn from


def test_what_a_person_did_counts_each_event_and_petition_once(db):
    # a@ registered for the past event twice (two systems), for a past event nobody
    # recorded attendance of and for the upcoming one, signed the petition twice and opened
    # two emails; b@ came to the past event, so a@ was a no-show there
    given(
        db,
        events=[
            event("past", "2026-03-05 18:30"),
            event("unknown", "2026-03-07 18:30"),
            event("next", "2026-05-05 18:30"),
        ],
        registrations=[
            registration("past", "a@", registered_at="2026-03-01"),
            registration("unknown", "a@", registered_at="2026-03-01"),
            registration("past", "a@", registered_at="2026-03-02", source="mobilize"),
            registration("next", "a@", registered_at="2026-04-01"),
        ],
        checkins=[{"event_id": "past", "email_key": "b@", "signed_in_at": "2026-03-05 18:40"}],
        signatures=[
            {"petition_id": "p1", "email_key": "a@", "signed_at": "2026-03-10"},
            {"petition_id": "p1", "email_key": "a@", "signed_at": "2026-03-11"},
        ],
        email_activity=[
            {"email_key": "a@", "action": "open", "email_campaign_id": m, "occurred_at": at}
            for m, at in (("m1", "2026-03-20"), ("m2", "2026-03-21"))
        ],
    )
    with warehouse.reader(db) as con:
        found = follow_up.windows(con)
        assert found is not None
        rows = follow_up.people(con, found.as_of, found.as_of)
    assert len(rows) == 1  # b@ acted: not on the list
    person = rows.iloc[0]
    assert (
        person["registrations"],
        person["upcoming"],
        person["no_shows"],
        person["signatures"],
        person["opens"],
        person["days_since_last"],
    ) == (3, 1, 1, 1, 2, 0.0)


AS_OF = datetime(2026, 5, 3, 10, 0)


def _people(count: int, seed: int) -> pd.DataFrame:
    """People in person_id order (as the list reads them) with few distinct features:
    many ties in probability and in recency."""
    rng = np.random.default_rng(seed)
    ids = sorted(int(n) for n in rng.choice(2**60, count, replace=False))
    return pd.DataFrame(
        {
            "person_id": ids,
            "days_since_last": rng.choice([0.15, 7.0, 30.0], count),  # 0.15: a half
            "days_since_first": 60.0,
            "registrations": rng.integers(0, 2, count),
            "upcoming": 0,
            "no_shows": 0,
            "signatures": 0,
            "opens": rng.integers(0, 2, count),
            "clicks": 0,
            "on_list": rng.choice([True, False], count),
            "channel": rng.choice(
                np.array(["email", "facebook", "flyer", None], dtype=object), count
            ),
            "acted": rng.choice([True, False], count),
        }
    )


def test_the_list_ranks_by_probability_or_recency_with_ties_in_person_id_order():
    now = _people(500, seed=3)
    model = follow_up._fit(_people(300, seed=4))
    probability = model.predict_proba(follow_up.design(now))[:, 1]
    assert len(set(probability)) < len(now) / 5  # ties: the order among them is tested
    ids, days = now["person_id"].tolist(), now["days_since_last"].tolist()
    by_model = sorted(range(len(now)), key=lambda i: (-probability[i], ids[i]))
    by_recency = sorted(range(len(now)), key=lambda i: (days[i], ids[i]))
    ranked = follow_up._rank_with(now, model)
    assert ranked["person_id"].tolist() == [ids[i] for i in by_model]
    assert ranked["rank"].tolist() == list(range(1, len(now) + 1))
    assert ranked["method"].eq(follow_up.MODEL).all()
    ranked = follow_up._rank_with(now, None)
    assert ranked["person_id"].tolist() == [ids[i] for i in by_recency]
    assert ranked["method"].eq(follow_up.RECENCY).all() and ranked["probability"].isna().all()


def test_the_refresh_ranks_in_the_database_as_the_model_does_in_pandas():
    """The refresh scores the kept people in SQL from the kept coefficients; scikit-learn's
    probabilities (and its order, ties in person_id order) are the reference."""
    now = _people(500, seed=3)
    model = follow_up._fit(_people(300, seed=4))
    probability = model.predict_proba(follow_up.design(now))[:, 1]
    ids, days = now["person_id"].tolist(), now["days_since_last"].tolist()
    con = duckdb.connect()
    # kept as the times the days since count from (whole seconds: the same days again)
    kept = now.drop(columns=["acted", *follow_up_inputs.AS_OF_COLUMNS]).assign(
        last_at=AS_OF - pd.to_timedelta(now["days_since_last"] * 86400, unit="s").dt.round("s"),
        first_at=AS_OF - pd.to_timedelta(now["days_since_first"] * 86400, unit="s").dt.round("s"),
    )
    con.register("people", kept.sample(frac=1, random_state=5))
    con.execute(f"create table {follow_up_inputs.PEOPLE} as select * from people")  # any order
    con.execute(
        f"create table {follow_up_inputs.SOURCES} (person_id bigint, action_network_uuid "
        "varchar, mobilize_user_id varchar, eventbrite_attendee_number varchar, "
        "zoom_registrant_email_hash varchar)"
    )
    for parameters, expected, method in (
        (
            {"coef": model.coef_.tolist(), "intercept": model.intercept_.tolist()},
            sorted(range(len(now)), key=lambda i: (-probability[i], ids[i])),
            follow_up.MODEL,
        ),
        (
            {"coef": None, "intercept": None},
            sorted(range(len(now)), key=lambda i: (days[i], ids[i])),
            follow_up.RECENCY,
        ),
    ):
        con.execute(f"create or replace table mart_follow_up ({follow_up_list.MART_COLUMNS})")
        follow_up_list.write(con, parameters, AS_OF)
        written = con.execute("select * from mart_follow_up order by rank").df()
        assert written["person_id"].tolist() == [ids[i] for i in expected]
        assert written["rank"].tolist() == list(range(1, len(now) + 1))
        assert written["method"].eq(method).all()
        # rounded as the list shows them in pandas: numpy's way (0.15 days is 0.2 there)
        assert written["days_since_last"].tolist() == [np.round(days[i], 1) for i in expected]
        if method == follow_up.MODEL:
            assert written["probability"].tolist() == [
                np.round(probability[i], 4) for i in expected
            ]
        else:
            assert written["probability"].isna().all()


@needs_sample
def test_the_list_written_by_a_refresh_is_the_list_computed_in_pandas(sample_db, tmp_path):
    """The refresh ranks the kept people without their ids and puts ids and each person's
    ids in other systems back in the database; ``mart_rows`` merges them in pandas."""
    from tests.dashboard_helpers import copy_database

    db = copy_database(sample_db, tmp_path)
    with warehouse.writer(db) as con:
        con.execute(f"update {follow_up_list.WRITTEN} set inputs_hash = 'another'")  # written again
        assert follow_up.refresh(con, "asked").startswith("refitted: asked")
        written = con.execute("select * exclude (order_key) from mart_follow_up order by rank").df()
        computed = follow_up.mart_rows(con)
    assert len(written) > 100 and written["method"].eq(follow_up.MODEL).all()
    assert written["action_network_uuid"].notna().any()
    pd.testing.assert_frame_equal(written, computed.reset_index(drop=True), check_dtype=False)


@needs_sample
def test_a_list_written_before_version_16_is_kept_then_written_again_in_full(sample_db, tmp_path):
    """Version 15 kept the fingerprint on every row and no order before rounding: the
    upgrade keeps the rows and their ranks, and the next refresh, which cannot know what
    the list was written from, writes it again in full with the same fit."""
    from tests.conftest import upgrade_from
    from tests.dashboard_helpers import copy_database

    db = copy_database(sample_db, tmp_path)
    listed = "select * exclude (order_key) from mart_follow_up order by rank"
    with warehouse.writer(db) as con:  # as version 15 left it
        before = con.execute(listed).df()
        con.execute("alter table mart_follow_up drop column order_key")
        con.execute("alter table mart_follow_up add column inputs_hash varchar default 'h'")
        con.execute(f"drop table {follow_up_list.WRITTEN}")
    upgrade_from(db, 16)
    columns = "select column_name from duckdb_columns() where table_name = 'mart_follow_up'"
    with warehouse.writer(db) as con:
        names = [name for (name,) in con.execute(columns).fetchall()]
        assert names[-1] == "order_key" and "inputs_hash" not in names
        pd.testing.assert_frame_equal(con.execute(listed).df(), before)
        said = follow_up.refresh(con)
        assert said.startswith("kept the fit") and "written again in the list" not in said
        pd.testing.assert_frame_equal(con.execute(listed).df(), before)
        assert (
            warehouse.scalar(con, "select count(*) from mart_follow_up where order_key is null")
            == 0
        )
        assert follow_up.refresh(con) == "unchanged: nothing it reads changed"
