"""Every real export in ../shared/real_data/exports/ imports with its hand-counted figures.

The expected sums are the ones counted by hand in that folder's SOURCES.md (reach, or
impressions for X, at awareness; reactions + comments + shares at engagement; a
petition's total at commitment). The two files Excel mangled are refused, saying why,
and write nothing. Each test skips when the real files are not next to the checkout.
"""

from __future__ import annotations

import csv
from datetime import datetime

import pytest

from pipelines import report, warehouse
from pipelines.errors import ImportRefused
from tests.conftest import query, real_file, run_import

EXPORTS = "exports"
LEGACY_FB = (
    "facebook_insights_legacy/"
    "Facebook Insights Data Export (Post Level) - USC Clinical Trials - 2017-01-19.csv"
)

# file, format, rows, awareness (reach; X: impressions), engagement (R+C+S), commitment
HAND_COUNTED = [
    (
        "x_posts_legacy/tweet_activity_metrics_seamlessbayarea_20190401_20190501_en.csv",
        "x_posts_legacy",
        59,
        58_406,
        399,
        0,
    ),
    ("x_posts_legacy/seamlessbayarea_may_2022_tweets.csv", "x_posts_legacy", 123, 65_551, 698, 0),
    (
        "x_posts_legacy/twitter_activity_metrics_USCTrials_20150901_20151001.csv",
        "x_posts_legacy",
        47,
        16_133,
        14,
        0,
    ),
    ("x_posts/account_analytics_content_2026-01-24_2026-04-23.csv", "x_posts", 52, 5_910, 193, 0),
    (
        "x_posts/account_analytics_content_2026-04-19_2026-05-16.csv",
        "x_posts",
        201,
        38_480,
        1_372,
        0,
    ),
    ("x_posts/account_analytics_content_20241114_20250212.csv", "x_posts", 43, 4_466, 126, 0),
    (
        "meta_posts/Oct-01-2025_Oct-31-2025_723907156931247.csv",
        "meta_posts",
        194,
        4_917_059,
        318_421,
        0,
    ),
    (
        "meta_posts/Nov-01-2025_Dec-03-2025_1546288099846685.csv",
        "meta_posts",
        208,
        4_859_785,
        272_211,
        0,
    ),
    (LEGACY_FB, "facebook_insights_legacy", 1, 35, 1 + 1 + 1, 0),
    ("uk_petition/uk_petition_653440.json", "uk_petition", 1, 0, 0, 11_232),
    ("uk_petition/uk_petition_657717.json", "uk_petition", 1, 0, 0, 10_356),
    ("uk_petition/uk_petitions_data_104309_unwrapped.json", "uk_petition", 1, 0, 0, 22),
]


def funnel_interactions(db) -> dict:
    with warehouse.reader(db) as con:
        return report.funnel(con)["interactions"]


@pytest.mark.parametrize(
    ("name", "source", "rows", "awareness", "engagement", "commitment"),
    HAND_COUNTED,
    ids=[row[0].split("/")[-1] for row in HAND_COUNTED],
)
def test_real_export_imports_with_its_hand_counted_figures(
    db, name, source, rows, awareness, engagement, commitment
):
    result = run_import(db, real_file(f"{EXPORTS}/{name}"))
    assert (result.status, result.source) == ("imported", source)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (rows, rows, 0)
    # dated by their name, their content (a petition's updated_at), all but the renamed one
    assert result.exported_at_unknown == name.endswith("seamlessbayarea_may_2022_tweets.csv")
    figures = funnel_interactions(db)
    assert (figures["awareness"], figures["engagement"], figures["commitment"]) == (
        awareness,
        engagement,
        commitment,
    )


# file, an id as Excel left it
EXCEL_MANGLED = [
    ("meta_posts/Juan365_full_export_20251204_excel_resaved.csv", "1.22166E+17"),
    ("x_posts_legacy/tweet_activity_metrics_USCTrials_excel_resaved.csv", "6.54E+17"),
]


def test_every_real_export_is_checked():
    folder = real_file(EXPORTS)
    found = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "SOURCES.md"
    }
    assert found == {row[0] for row in HAND_COUNTED} | {row[0] for row in EXCEL_MANGLED}


@pytest.mark.parametrize(("name", "example"), EXCEL_MANGLED)
def test_excel_mangled_real_export_is_refused_saying_why(db, name, example):
    path = real_file(f"{EXPORTS}/{name}")
    before = query(db, "select count(*) from imports")
    with pytest.raises(ImportRefused) as refused:
        run_import(db, path)
    assert refused.value.code == "rows.ids_lost_to_excel"
    assert "scientific notation" in str(refused.value) and example in str(refused.value)
    assert "Nothing was written" in str(refused.value)
    assert query(db, "select count(*) from imports") == before
    assert query(db, "select count(*) from post_snapshots") == [(0,)]


def newest_publish_time(path) -> datetime:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return max(
            datetime.strptime(row["Publish time"], "%m/%d/%Y %H:%M")
            for row in csv.DictReader(handle)
        )


@pytest.mark.parametrize(
    ("name", "period_end"),
    [
        ("Oct-01-2025_Oct-31-2025_723907156931247.csv", datetime(2025, 10, 31)),
        ("Nov-01-2025_Dec-03-2025_1546288099846685.csv", datetime(2025, 12, 3)),
    ],
)
def test_meta_export_is_dated_by_its_period_never_before_its_newest_post(db, name, period_end):
    path = real_file(f"{EXPORTS}/meta_posts/{name}")
    result = run_import(db, path)
    expected = max(period_end, newest_publish_time(path))
    assert not result.exported_at_unknown
    assert query(db, "select distinct exported_at from post_snapshots") == [(expected,)]
    assert query(db, "select exported_at from imports") == [(expected,)]


def test_x_export_is_dated_by_the_end_of_the_period_in_its_name(db):
    result = run_import(
        db, real_file(f"{EXPORTS}/x_posts/account_analytics_content_20241114_20250212.csv")
    )
    assert not result.exported_at_unknown
    assert query(db, "select distinct exported_at from post_snapshots") == [
        (datetime(2025, 2, 12),)
    ]


def test_export_nothing_dates_is_flagged_as_unknown(db):
    renamed = real_file(f"{EXPORTS}/x_posts_legacy/seamlessbayarea_may_2022_tweets.csv")
    assert run_import(db, renamed).exported_at_unknown
