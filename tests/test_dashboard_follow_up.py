"""The People page's follow-up list and the dashboard's downloads: the model's ranking with
source ids only, the whole list in the page's columns and the reader's dialect, one
campaign's rows alone, and never a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import duckdb
import pandas as pd
import pytest

from dashboard import data, i18n, ui
from tests.dashboard_helpers import PAGES, app, metrics, no_exception

pytestmark = pytest.mark.usefixtures("fresh_caches")


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
    assert metrics(at)[i18n.t("en", "people.follow_up.count")] == i18n.number("en", len(ranks))
    assert i18n.t(
        "en",
        "people.follow_up.first",
        shown=i18n.number("en", data.FOLLOW_UP_SHOWN),
        total=i18n.number("en", len(ranks)),
    ) in [c.value for c in at.caption]
    shown = " ".join(str(v) for v in table.to_numpy().ravel())
    assert "@" not in shown


def _csv(content: bytes, delimiter: str = ",") -> list[list[str]]:
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


def test_downloads_never_carry_a_spreadsheet_formula():
    text = ui.csv_bytes(
        pd.DataFrame({"event": ['=HYPERLINK("x")', "Vigil"], "people": [-3, 4]})
    ).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["event", "people"],
        ['\'=HYPERLINK("x")', "-3"],
        ["Vigil", "4"],
    ]
