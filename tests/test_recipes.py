"""The README's recipes stay true: each is followed once, in a copy of the project.

A throwaway format, mart and page are made exactly as "Add a format", "Add a metric" and
"Add a page" say, in a copy of pipelines/, dashboard/, tests/ and the docs (never the
environment), and are then seen to work there, in another Python process that imports
the copy: the format is recognised and its file imported into a new database, the mart
is built by the refresh after an import, the page renders in both languages and only for
the roles it names (test_recipes_page.py). Each test also checks which files the recipe had
to touch.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.recipe_project import copied_project, recipe

pytestmark = pytest.mark.slow


# Add a format ----------------------------------------------------------------------------

FORMAT_MODULE = '''
    """Mastodon posts export (made up by tests/test_recipes.py): one row per post."""

    from pipelines.sources import Field, Source

    SOURCE = Source(
        name="mastodon_posts",
        title="Mastodon posts export (made up for a test)",
        target="post_snapshots",
        constants={"platform": "mastodon"},
        signatures=(("Toot ID", "Posted at", "Boosts", "Favourites"),),
        fields=(
            Field("post_id", ("Toot ID",), "id", required=True),
            Field("published_at", ("Posted at",), "timestamp"),
            Field("reach", ("Accounts reached",), "count"),
            Field("reactions", ("Favourites",), "count"),
            Field("shares", ("Boosts",), "count"),
            Field("comments", ("Replies",), "count"),
        ),
        example_header="Toot ID,Posted at,Accounts reached,Favourites,Boosts,Replies",
        sample_file="mastodon_posts_2026-03-08.csv",
    )
'''
FORMAT_FILE = """
    Toot ID,Posted at,Accounts reached,Favourites,Boosts,Replies
    111000000000000001,2026-03-01 10:00,420,12,3,2
    111000000000000002,2026-03-04 18:30,95,4,0,1
"""
FORMAT_TEST = '''
    """The Mastodon posts export: detected, mapped, dated by its name."""

    from tests.conftest import ROOT, query, run_import

    FILE = ROOT / "tests" / "fixtures" / "aggregate" / "mastodon_posts_2026-03-08.csv"


    def test_mastodon_posts_detected_mapped_and_dated_by_name(db):
        result = run_import(db, FILE)
        assert (result.source, result.rows_loaded, result.rows_rejected) == (
            "mastodon_posts", 2, 0)
        assert not result.exported_at_unknown  # the date in its name stands
        assert query(db, "select distinct platform from post_snapshots") == [("mastodon",)]
'''
FORMAT_ROW = "| `mastodon_posts` | Mastodon posts export (made up for a test) | post snapshots |\n"
FORMAT_FILES = {
    "pipelines/sources/mastodon_posts.py",
    "tests/fixtures/aggregate/mastodon_posts_2026-03-08.csv",
    "tests/test_sources_mastodon.py",
    "README.md",
}


def test_add_a_format_as_the_readme_says(tmp_path):
    project = copied_project(tmp_path)
    recipe(
        "Add a format",
        "pipelines/sources/<name>.py",
        "SOURCE = Source(",
        "signatures",
        "target",
        "example_header",
        "sample_file",
        "constants",
        "tests/fixtures/",
        "formats table",
    )
    project.write("pipelines/sources/mastodon_posts.py", FORMAT_MODULE)  # step 1
    # step 2: its fields are the target's columns; `constants` gives the platform
    project.write("tests/fixtures/aggregate/mastodon_posts_2026-03-08.csv", FORMAT_FILE)
    project.write("tests/test_sources_mastodon.py", FORMAT_TEST)  # step 3
    project.insert("README.md", "| `plausible_sources` |", FORMAT_ROW)  # step 4
    assert project.touched() == FORMAT_FILES

    assert "mastodon_posts" in project.turnout("sources")  # recognised by the registry
    project.turnout("init")
    project.turnout("import", "tests/fixtures/aggregate/mastodon_posts_2026-03-08.csv")
    assert project.query(
        "select post_id, platform, reach, reactions, shares, comments "
        "from post_snapshots order by post_id"
    ) == [
        ("111000000000000001", "mastodon", 420, 12, 3, 2),
        ("111000000000000002", "mastodon", 95, 4, 0, 1),
    ]
    # the copy's own checks: its test, the README table, the example file recognised
    project.pytest("tests/test_sources_mastodon.py", "tests/test_docs.py", "-k", "mastodon")


# Add a metric ----------------------------------------------------------------------------

MART_SQL = """
    -- mart_platform_posts: how far each platform's posts reached, as of their latest export.
    -- grain: one row per platform.
    -- upstream: post_snapshots
    -- refresh: full (one row per platform)
    with

    snapshots as (select * from post_snapshots),

    latest as (
        select platform, post_id, reach
        from snapshots
        qualify row_number() over (partition by platform, post_id
                                   order by exported_at desc) = 1
    ),

    per_platform as (
        select platform, count(*) as count_posts, sum(reach) as reach
        from latest
        group by platform
    )

    select * from per_platform
"""
MART_CONTRACT = """
    "mart_platform_posts": {
        "key": ("platform",),
        "not_null": ("count_posts",),
        "accepted": {},
    },
"""
MART_TEST = """


    def test_platform_posts_count_each_post_once_at_its_latest_export(db):
        given(db, post_snapshots=[
            {"post_id": "a", "platform": "x", "exported_at": "2026-03-01", "reach": 10},
            {"post_id": "a", "platform": "x", "exported_at": "2026-03-08", "reach": 30},
            {"post_id": "b", "platform": "x", "exported_at": "2026-03-08", "reach": 5}])
        assert query(db, "select * from mart_platform_posts") == [("x", 2, 35)]
"""
METRIC_DOC = """

    ## Posts by platform (`mart_platform_posts`)

    How many posts each platform has, and how many accounts they reached in all, each
    post counted once, at its latest export.
"""
METRIC_FILES = {
    "pipelines/sql/marts/50_mart_platform_posts.sql",
    "tests/test_marts.py",
    "docs/metrics.md",
}


def test_add_a_metric_as_the_readme_says(tmp_path):
    project = copied_project(tmp_path)
    recipe(
        "Add a metric",
        "pipelines/sql/marts/",
        "header comment",
        "numeric prefix",
        "tests/test_marts.py",
        "contract",
        "given these rows",
        "docs/metrics.md",
    )
    project.write("pipelines/sql/marts/50_mart_platform_posts.sql", MART_SQL)  # step 1
    without = project.pytest("tests/test_marts.py", "-k", "every_mart_has_a_contract", check=False)
    assert without.returncode == 1 and "add a contract" in without.stdout  # as it warns
    project.insert("tests/test_marts.py", "CONTRACTS = {", MART_CONTRACT)  # step 2
    with open(project.root / "tests" / "test_marts.py", "a", encoding="utf-8") as tests:
        tests.write(textwrap.dedent(MART_TEST))
    with open(project.root / "docs" / "metrics.md", "a", encoding="utf-8") as doc:
        doc.write(textwrap.dedent(METRIC_DOC))  # step 3
    assert project.touched() == METRIC_FILES

    project.pytest(
        "tests/test_marts.py", "-k", "every_mart_has_a_contract or platform_posts or empty_database"
    )
    project.turnout("init")  # the refresh after an import builds the new mart
    project.turnout("import", str(project.instagram), "--exported-at", "2026-03-08T09:00")
    assert project.query("select * from mart_platform_posts") == [("instagram", 2, 420 + 95)]
