"""Aggregate formats: the posts of Meta Business Suite, Instagram, legacy Facebook Insights and
X, in their current, older, French and Excel-copied forms. Facebook event counts and petition
totals: test_sources_aggregate_counts.py; a generic CSV through a mapping:
test_sources_mapped.py.

Every expected number below is read off the fixture files in
tests/fixtures/aggregate/ (or the real files in ../shared/real_data), not from
the code under test.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.conftest import query, run_import, write

FIXTURES = Path(__file__).parent / "fixtures" / "aggregate"
MARCH_1 = datetime(2026, 3, 1, 9, 0)
MARCH_8 = datetime(2026, 3, 8, 9, 0)
FB, IG = "facebook", "instagram"
X_CURRENT = "account_analytics_content_2026-07-01_2026-07-31.csv"
X_LEGACY = "tweet_activity_metrics_ourcampaign_20150901_20151001_en.csv"
X_LEGACY_FR = "tweet_activity_metrics_notrecampagne_20150901_20151001_fr.csv"
POST_COLUMNS = "platform, published_at, reach, impressions, reactions, comments, shares, clicks"


def posts(db: Path, where: str = "true") -> dict[str, tuple]:
    rows = query(
        db, f"select post_id, {POST_COLUMNS} from post_snapshots where {where} order by post_id"
    )
    return {row[0]: row[1:] for row in rows}


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8-sig")


# Meta Business Suite, Facebook ------------------------------------------------------


def test_meta_posts_detected_and_mapped(db):
    result = run_import(db, FIXTURES / "facebook_posts_2026-03-01.csv", exported_at=MARCH_1)
    assert result.source == "meta_posts"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 3, 1)
    # the trailing totals row is refused as such (its line is the spreadsheet row: 5)
    assert result.rejects == [
        {
            "line": 5,
            "column": None,
            "reason": "A totals row (a sum of the rows above), not a record.",
            "code": "row.totals",
            "params": {},
        }
    ]
    assert posts(db) == {
        "122158000000000001": (FB, datetime(2026, 2, 5, 18, 30), 1200, 1520, 40, 12, 5, 88),
        "122158000000000002": (FB, datetime(2026, 2, 14, 9, 5), 3600, 4210, 150, 30, 22, 310),
        "122158000000000003": (FB, datetime(2026, 2, 20, 12, 0), 250, 300, 8, None, 0, 14),
    }
    assert query(db, "select distinct exported_at from post_snapshots") == [(MARCH_1,)]


def test_meta_newer_export_is_a_new_snapshot_and_the_latest_counts(db):
    run_import(db, FIXTURES / "facebook_posts_2026-03-01.csv", exported_at=MARCH_1)
    newer = run_import(db, FIXTURES / "facebook_posts_2026-03-08.csv", exported_at=MARCH_8)
    assert newer.source == "meta_posts"  # the older "Impressions" header
    assert newer.rows_loaded == 3
    assert query(db, "select count(*), count(distinct post_id) from post_snapshots") == [(6, 3)]
    latest = query(
        db,
        """
        select sum(reach), sum(impressions), sum(reactions) from (
            select * from post_snapshots
            qualify row_number() over (partition by post_id order by exported_at desc) = 1
        )
    """,
    )
    assert latest == [(1400 + 3700 + 260, 1800 + 4400 + 310, 50 + 160 + 9)]


def test_meta_same_snapshot_in_another_file_counts_as_duplicates(db, tmp_path):
    run_import(db, FIXTURES / "facebook_posts_2026-03-01.csv", exported_at=MARCH_1)
    # the same export saved again without its totals row: a different file, the same values
    lines = fixture_text("facebook_posts_2026-03-01.csv").splitlines(keepends=True)
    copy = write(tmp_path, "facebook_posts_copy.csv", "".join(lines[:-1]))
    result = run_import(db, copy, exported_at=MARCH_1)
    assert result.status == "imported"
    assert (result.rows_loaded, result.rows_duplicate, result.rows_rejected) == (0, 3, 0)
    assert query(db, "select count(*) from post_snapshots") == [(3,)]


def test_meta_excel_mangled_post_id_is_rejected_with_its_line(db):
    result = run_import(db, FIXTURES / "facebook_posts_excel.csv", exported_at=MARCH_1)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    [reject] = result.rejects
    assert reject["line"] == 3 and reject["column"] == "Post ID"
    assert "1.22158E+17" in reject["reason"] and "scientific notation" in reject["reason"]
    assert set(posts(db)) == {"122158000000000001", "122158000000000003"}


def test_meta_french_excel_copy(db):
    """';' delimiter, day-first dates, narrow no-break spaces between thousands."""
    result = run_import(db, FIXTURES / "facebook_posts_fr_excel.csv", exported_at=MARCH_1)
    assert result.source == "meta_posts" and result.rows_rejected == 0
    assert posts(db) == {
        "122158000000000004": (FB, datetime(2026, 2, 21, 10, 0), 9875, 12480, 350, 51, 30, 1204),
        "122158000000000005": (FB, datetime(2026, 3, 3, 8, 15), 1500, 2010, 31, 6, 3, 77),
    }


def test_meta_utf16_with_sep_line(db, tmp_path):
    """Business Suite's UTF-16 LE flavour with a `sep=,` first line."""
    text = ("sep=,\n" + fixture_text("facebook_posts_2026-03-08.csv")).replace("\n", "\r\n")
    path = tmp_path / "facebook_posts_utf16.csv"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = run_import(db, path, exported_at=MARCH_8)
    assert result.source == "meta_posts"
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    assert posts(db)["122158000000000002"] == (
        "facebook",
        datetime(2026, 2, 14, 9, 5),
        3700,
        4400,
        160,
        31,
        22,
        320,
    )


# Instagram -----------------------------------------------------------------------------


def test_instagram_posts(db):
    result = run_import(db, FIXTURES / "instagram_posts.csv", exported_at=MARCH_8)
    assert result.source == "instagram_posts"
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)  # the totals row
    assert posts(db) == {
        "18000000000000001": (IG, datetime(2026, 3, 1, 10, 15), 1800, 2500, 210, 25, 15, None),
        # `--`, `N/A` and `-` are empty, not zero and not errors
        "18000000000000002": (IG, datetime(2026, 3, 13, 19, 0), 7000, 9800, 640, None, 88, None),
        "18000000000000003": (IG, datetime(2026, 3, 14, 8, 0), None, 700, 35, 4, None, None),
    }


# Legacy Facebook Insights --------------------------------------------------------------


def test_facebook_insights_legacy(db):
    result = run_import(db, FIXTURES / "facebook_insights_legacy.csv", exported_at=MARCH_1)
    assert result.source == "facebook_insights_legacy"
    # the description row is not data
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 2, 0)
    assert posts(db) == {
        # stories by action type (like, comment, share); clicks: the first "Lifetime Post
        # Consumptions" (780), not the repeated column at the end (560)
        "123456789012345_987654321098765": (
            "facebook",
            datetime(2017, 12, 31, 9, 5),
            5200,
            9800,
            180,
            25,
            40,
            780,
        ),
        "123456789012345_987654321098766": (
            "facebook",
            datetime(2018, 1, 2, 18, 45),
            1200,
            2100,
            30,
            4,
            5,
            85,
        ),
    }


# X ----------------------------------------------------------------------------------------


def test_x_posts(db):
    result = run_import(db, FIXTURES / X_CURRENT, exported_at=MARCH_1)
    assert result.source == "x_posts" and result.rows_rejected == 0
    assert posts(db) == {  # no reach on X; likes, replies, reposts, URL clicks
        "1944000000000000001": ("x", datetime(2026, 7, 14), None, 12345, 321, 45, 67, 150),
        "1944000000000000002": ("x", datetime(2026, 7, 15), None, 980, 40, 6, 8, 2),
    }


def test_x_posts_french_headers(db):
    result = run_import(db, FIXTURES / "account_analytics_content_fr.csv", exported_at=MARCH_1)
    assert result.source == "x_posts"
    assert posts(db) == {
        "1944000000000000003": ("x", datetime(2026, 7, 16), None, 2500, 120, 14, 22, 31),
    }


def test_x_posts_legacy(db):
    result = run_import(db, FIXTURES / X_LEGACY, exported_at=MARCH_1)
    assert result.source == "x_posts_legacy" and result.rows_rejected == 0
    # favorites, replies, retweets; "-" is empty; "18:42 +0000" is 14:42 in Montréal (EDT)
    assert posts(db) == {
        "649001234567890123": ("x", datetime(2015, 9, 30, 14, 42), None, 424, 12, 2, 5, 4),
        "649001234567890124": ("x", datetime(2015, 10, 1, 3, 5), None, 1203, 30, 7, None, 9),
    }


def test_x_posts_legacy_french_excel_copy(db):
    """French headers, ';', decimal commas, a narrow no-break space, N/A and -- empties."""
    result = run_import(db, FIXTURES / X_LEGACY_FR, exported_at=MARCH_1)
    assert result.source == "x_posts_legacy" and result.rows_rejected == 0
    assert posts(db) == {
        "649001234567890125": ("x", datetime(2015, 9, 30, 14, 42), None, 424, 12, 2, 5, 4),
        "649001234567890126": ("x", datetime(2015, 10, 1, 3, 5), None, 1203, 30, 7, None, None),
    }


def test_x_posts_utf16_with_sep_line(db, tmp_path):
    path = tmp_path / "account_analytics_content.csv"
    text = ("sep=,\n" + fixture_text(X_CURRENT)).replace("\n", "\r\n")
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = run_import(db, path, exported_at=MARCH_1)
    assert result.source == "x_posts" and result.rows_loaded == 2
    assert posts(db)["1944000000000000001"][3] == 12345
