"""A generic CSV through a column mapping (``--mapping``, TOML): the example mapping of the UCI
Facebook metrics, a bad number rejecting its row, mapping errors that name the file and the
key, and a mapping to a person-level table that hashes emails and phones."""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime

import pytest

from pipelines import config
from pipelines.errors import TurnoutError
from pipelines.sources import mapped
from tests.conftest import ROOT, query, real_file, run_import, write

MARCH_1 = datetime(2026, 3, 1, 9, 0)

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
    # kept as their keyed hashes, by hand: the number of the first 32 hex digits of each sha256
    secret = config.read_secret(db).decode()
    kept = [
        int(hashlib.sha256(f"{secret}{key}".encode()).hexdigest()[:32], 16)
        for key in ("email:ana@example.org", "phone:+15145550101")
    ]
    assert query(
        db, "select coalesce(email_key, phone_key) from signatures order by signed_at"
    ) == [(k,) for k in kept]
