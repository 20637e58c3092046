"""Aggregate formats: posts, Facebook event counts, petition totals.

Every expected number below is read off the fixture files in
tests/fixtures/aggregate/ (or the real files in ../shared/real_data), not from
the code under test.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.errors import TurnoutError
from pipelines.sources import mapped
from tests.conftest import ROOT, query, real_file, run_import, write

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


# Facebook events (Graph API JSON) ------------------------------------------------------------


def event_counts(db: Path) -> list[tuple]:
    return query(
        db,
        "select event_id, snapshot_at, going, interested, maybe, declined "
        "from facebook_event_snapshots order by event_id, snapshot_at",
    )


def test_facebook_event_graph_single_object(db):
    run_import(db, FIXTURES / "events_calendar.csv")
    result = run_import(db, FIXTURES / "facebook_event.json", exported_at=MARCH_1)
    assert result.source == "facebook_event_graph" and result.rows_loaded == 1
    assert event_counts(db) == [("E1", MARCH_1, 85, 240, 12, 3)]


def test_facebook_event_graph_data_page_rejects_unknown_events(db):
    run_import(db, FIXTURES / "events_calendar.csv")
    result = run_import(db, FIXTURES / "facebook_events_page.json", exported_at=MARCH_8)
    assert result.source == "facebook_event_graph"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert result.rejects[0]["line"] == 3
    assert "'facebook:9990009' is not in the events calendar" in result.rejects[0]["reason"]
    assert event_counts(db) == [
        ("E1", MARCH_8, 90, 251, 13, 4),
        ("E2", MARCH_8, 40, 120, None, None),
    ]


def test_facebook_event_graph_event_chosen_on_the_command_line(db):
    run_import(db, FIXTURES / "events_calendar.csv")
    result = run_import(db, FIXTURES / "facebook_event.json", exported_at=MARCH_1, event_id="E3")
    assert result.rows_loaded == 1
    assert event_counts(db) == [("E3", MARCH_1, 85, 240, 12, 3)]


# Petitions -------------------------------------------------------------------------------------


def test_uk_petition_real_file(db):
    result = run_import(db, real_file("uk_petition_266925.json"))
    assert result.source == "uk_petition" and result.rows_loaded == 1
    assert query(
        db,
        "select petition_id, petition_name, snapshot_at, signature_count from petition_snapshots",
    ) == [
        (
            "ukparl:266925",
            "Rule out any prospect of granting an amnesty on illegal immigration",
            datetime(2019, 11, 4, 23, 55, 2),
            35444,
        )
    ]  # 04:55:02Z, 23:55:02 EST the day before


def test_uk_petition_without_updated_at_is_a_snapshot_at_the_export_time(db):
    result = run_import(
        db, FIXTURES / "uk_petition_700123.json", exported_at=MARCH_8, campaign="streets"
    )
    assert result.source == "uk_petition"
    assert query(
        db,
        "select petition_id, petition_name, campaign, snapshot_at, signature_count "
        "from petition_snapshots",
    ) == [
        ("ukparl:700123", "Fund safe cycle lanes on every school street", "streets", MARCH_8, 10482)
    ]


# Generic CSV through a column mapping ----------------------------------------------------------

UCI_MAPPING = ROOT / "examples" / "uci_facebook_metrics.toml"


def test_uci_facebook_metrics_through_the_example_mapping(db):
    path = real_file("uci_facebook_metrics.csv")
    with open(path, newline="", encoding="ascii") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    expected_reach = sum(int(r["Lifetime Post Total Reach"]) for r in rows)
    expected_likes = sum(int(r["like"]) for r in rows if r["like"])
    assert len(rows) == 500 and expected_reach / 500 == pytest.approx(13903.36)

    result = run_import(db, path, mapping=UCI_MAPPING, exported_at=MARCH_1)
    # line 11's "23+24" sits in a column the mapping does not use: the post is loaded
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (500, 500, 0)
    assert query(
        db,
        "select count(*), sum(reach), sum(reactions), count(distinct post_id), "
        "min(platform), max(platform) from post_snapshots",
    ) == [(500, expected_reach, expected_likes, 500, "facebook", "facebook")]
    assert query(
        db, "select reach from post_snapshots where post_id = 'uci_facebook_metrics.csv:11'"
    ) == [(4694,)]


def test_mapped_column_with_a_bad_number_rejects_the_row(db, tmp_path):
    mapping = write(
        tmp_path,
        "reach.toml",
        """
target = "post_snapshots"
[columns]
reach = "Lifetime Post reach by people who like your Page"
[constants]
platform = "facebook"
post_id = "{file}:{line}"
""",
    )
    header = "Lifetime Post reach by people who like your Page"
    data = write(tmp_path, "posts.csv", f"Post Hour;{header}\n3;1640\n10;6112\n10;23+24\n")
    result = run_import(db, data, mapping=mapping, exported_at=MARCH_1)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert result.rejects == [
        {
            "line": 4,
            "column": header,
            "reason": "'23+24' is not a number.",
            "code": "row.not_a_number",
            "params": {"value": "23+24"},
        }
    ]
    assert query(db, "select post_id, reach from post_snapshots order by reach") == [
        ("posts.csv:2", 1640),
        ("posts.csv:3", 6112),
    ]


@pytest.mark.parametrize(
    ("body", "bad_key"),
    [
        ('target = "posts"\n[columns]\nreach = "Reach"', "'target'"),
        ('target = "post_snapshots"\nfoo = 1\n[columns]\nreach = "Reach"', "'foo'"),
        (
            'target = "post_snapshots"\n[columns]\nreech = "Reach"\n[constants]\nplatform = "x"\n'
            'post_id = "{line}"',
            "'columns.reech'",
        ),
        (
            'target = "post_snapshots"\n[columns]\nreach = "Reach"\n[constants]\n'
            'post_id = "{line}"',
            "'columns.platform'",
        ),
        (
            'target = "post_snapshots"\n[columns]\nreach = 3\n[constants]\nplatform = "x"\n'
            'post_id = "{line}"',
            "'columns.reach'",
        ),
        ('target = "signatures"\n[columns]\npetition_id = "Petition"', "'columns.email'"),
    ],
)
def test_mapping_errors_name_the_file_and_the_key(tmp_path, body, bad_key):
    path = write(tmp_path, "my_mapping.toml", body)
    with pytest.raises(TurnoutError) as error:
        mapped.source_from_mapping(path)
    assert "my_mapping.toml" in str(error.value) and bad_key in str(error.value)


def test_mapping_that_is_not_toml(tmp_path):
    path = write(tmp_path, "broken.toml", "target = \n")
    with pytest.raises(TurnoutError, match="broken.toml is not valid TOML"):
        mapped.source_from_mapping(path)


def test_mapping_to_a_person_level_table_hashes_emails_and_phones(db, tmp_path):
    mapping = write(
        tmp_path,
        "signatures.toml",
        """
target = "signatures"
[columns]
email = "Courriel"
phone = "Tel"
signed_at = "Date"
channel = "Source"
[constants]
petition_id = "water-2026"
""",
    )
    data = write(
        tmp_path,
        "form.csv",
        "Nom,Courriel,Tel,Date,Source\n"
        "Ana,ana@example.org,,2026-03-01 10:00,flyer\n"
        "Bob,,514 555 0101,2026-03-02 11:00,radio\n"
        "Nobody,,,2026-03-02,\n",
    )
    result = run_import(db, data, mapping=mapping)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert result.rejects[0]["line"] == 4 and "Ana" not in result.rejects[0]["reason"]
    assert query(
        db,
        "select source, petition_id, email_key is not null, phone_key is not null, "
        "signed_at, channel from signatures order by signed_at",
    ) == [
        ("mapped:signatures", "water-2026", True, False, datetime(2026, 3, 1, 10), "flyer"),
        ("mapped:signatures", "water-2026", False, True, datetime(2026, 3, 2, 11), "radio"),
    ]
    assert query(db, "select count(*) from signatures where email_key like '%example%'") == [(0,)]
