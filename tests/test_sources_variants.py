"""Variants real exports come in: dates in words, export times, ids Excel mangled.

Expected values are read off the fixture files or worked out by hand, never asked of the
code under test.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dashboard import i18n
from pipelines import staging
from pipelines.cli import app
from pipelines.load import date_in_name
from tests.conftest import query, run_import, write

FIXTURES = Path(__file__).parent / "fixtures" / "aggregate"
X_HEADER = "Post id,Date,Post text,Link,Impressions,Likes,Replies,Reposts,Url clicks\n"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Mon Feb 10 2025", datetime(2025, 2, 10)),  # X, late 2024 to early 2025
        ("Thu, Apr 23, 2026", datetime(2026, 4, 23)),  # X, 2026
        ("Tue Mar 04 2025", datetime(2025, 3, 4)),
        ("Mar 4 2025", datetime(2025, 3, 4)),  # "mar" is a month here, not mardi
        ("September 3, 2024", datetime(2024, 9, 3)),
        ("Sept 3 2024", datetime(2024, 9, 3)),
        ("lun. 10 févr. 2025", datetime(2025, 2, 10)),
        ("mar. 4 mars 2025", datetime(2025, 3, 4)),
        ("mardi 4 mars 2025 18:30", datetime(2025, 3, 4, 18, 30)),
        ("jeu., déc. 11, 2025", datetime(2025, 12, 11)),
        ("10 août 2025", datetime(2025, 8, 10)),
        ("dim. 1 sept. 2024", datetime(2024, 9, 1)),
    ],
)
def test_dates_written_in_words_english_and_french(written, expected):
    with duckdb.connect() as con:
        staging.install_macros(con)
        assert (
            con.execute("select turnout_timestamp(?, false)", [written]).fetchone()[0] == expected
        )


def test_x_export_with_french_dates_in_words(db, tmp_path):
    path = write(
        tmp_path,
        "account_analytics_content_20250201_20250228.csv",
        X_HEADER + "1888959709614682283,lun. 10 févr. 2025,Vigile,https://x.com/a/status/1,"
        "104,7,0,1,0\n" + "1888596657253810355,dim. 9 févr. 2025,Merci,https://x.com/a/status/2,"
        "52,1,0,1,0\n",
    )
    result = run_import(db, path)
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("x_posts", 2, 0)
    assert query(db, "select post_id, published_at from post_snapshots order by post_id") == [
        ("1888596657253810355", datetime(2025, 2, 9)),
        ("1888959709614682283", datetime(2025, 2, 10)),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Oct-01-2025_Oct-31-2025_723907156931247.csv", datetime(2025, 10, 31)),
        ("Nov-01-2025_Dec-03-2025_1546288099846685.csv", datetime(2025, 12, 3)),
        ("account_analytics_content_2026-01-24_2026-04-23.csv", datetime(2026, 4, 23)),
        ("account_analytics_content_20241114_20250212.csv", datetime(2025, 2, 12)),
        ("tweet_activity_metrics_seamlessbayarea_20190401_20190501_en.csv", datetime(2019, 5, 1)),
        ("seamlessbayarea_may_2022_tweets.csv", None),
        ("zoom_webinar_84150012201.csv", None),
        ("Feb-30-2025_export.csv", None),  # no such day
    ],
)
def test_the_end_of_the_period_a_file_name_carries(name, expected):
    assert date_in_name(name) == expected


def test_excel_ids_recovered_from_distinct_permalinks_that_agree(db):
    result = run_import(
        db,
        FIXTURES / "tweet_activity_metrics_ourcampaign_excel_resaved.csv",
        exported_at=datetime(2015, 10, 7),
    )
    assert result.source == "x_posts_legacy"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (8, 5, 3)
    # lines 6 and 7 share one permalink; line 8's permalink is another tweet's (6.49… ≠ 6.53E+17)
    assert [(r["line"], r["column"], r["code"]) for r in result.rejects] == [
        (6, "Tweet id", "row.scientific_id"),
        (7, "Tweet id", "row.scientific_id"),
        (8, "Tweet id", "row.scientific_id"),
    ]
    assert query(
        db,
        "select post_id, published_at, impressions, reactions from post_snapshots order by post_id",
    ) == [
        ("649001234567890123", datetime(2015, 9, 30, 18, 42), 424, 12),
        ("649201234567890555", datetime(2015, 10, 1, 7, 5), 1203, 30),
        ("650011234567890777", datetime(2015, 10, 2, 19, 0), 880, 20),
        ("651234567890123456", datetime(2015, 10, 3, 9, 0), 100, 1),
        ("653400000000000001", datetime(2015, 10, 6, 9, 0), 500, 5),
    ]


def test_meta_permalinks_without_the_id_recover_nothing(db):
    # the fixture's permalinks end in /posts/2: too short to be the post's id
    result = run_import(db, FIXTURES / "facebook_posts_excel.csv", exported_at=datetime(2026, 3, 1))
    assert "row.scientific_id" in {r["code"] for r in result.rejects}


def test_import_summary_says_when_nothing_dates_the_export(tmp_path, monkeypatch):
    monkeypatch.setenv("TURNOUT_DB", str(tmp_path / "t.duckdb"))
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    body = X_HEADER + "1888959709614682283,Mon Feb 10 2025,Hi,https://x.com/a/status/1,1,1,0,0,0\n"
    undated = write(tmp_path, "my_tweets.csv", body)
    dated = write(
        tmp_path, "account_analytics_content_20250201_20250228.csv", body.replace("Hi", "Hello")
    )
    result = runner.invoke(app, ["import", str(undated), str(dated)], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert "my_tweets.csv: export time unknown: taken from the file's date" in result.output
    assert "use --exported-at" in result.output
    assert (
        "account_analytics_content_20250201_20250228.csv: export time unknown" not in result.output
    )


def test_data_page_says_when_nothing_dates_the_export(db):
    from tests.dashboard_helpers import PAGES, app, no_exception

    body = X_HEADER + "1888959709614682283,Mon Feb 10 2025,Hi,https://x.com/a/status/1,1,1,0,0,0\n"
    for lang in ("en", "fr"):
        at = app(lang).switch_page(PAGES["data"]).run()
        content = body.replace("Hi", lang).encode()  # not the same file twice
        at.file_uploader[0].set_value([(f"tweets_{lang}.csv", content, "text/csv")]).run()
        at.button(key="run_import").click().run()
        no_exception(at)
        assert i18n.t(lang, "data.export_time_unknown", file=f"tweets_{lang}.csv") in [
            w.value for w in at.warning
        ]
