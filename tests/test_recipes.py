"""The README's recipes stay true: each is followed once, in a copy of the project.

A throwaway format, mart and page are made exactly as "Add a format", "Add a metric" and
"Add a page" say, in a copy of pipelines/, dashboard/, tests/ and the docs (never the
environment), and are then seen to work there, in another Python process that imports
the copy: the format is recognised and its file imported into a new database, the mart
is built by the refresh after an import, the page renders in both languages and only for
the roles it names. Each test also checks which files the recipe had to touch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
COPIED = ("pipelines", "dashboard", "tests", "docs", "README.md", "pyproject.toml")
README = (ROOT / "README.md").read_text(encoding="utf-8")
CALENDAR = "tests/fixtures/aggregate/events_calendar.csv"
# two Instagram posts, as Meta Business Suite exports them: 420 and 95 accounts reached
INSTAGRAM = (
    '"Post ID","Account ID","Account username","Account name",Description,"Duration (sec)",'
    '"Publish time",Permalink,"Post type","Data comment",Date,Views,Reach,Likes,Shares,'
    "Follows,Comments,Saves\n"
    "18040000000000001,17841401234567890,bienvenue,Bienvenue,Bonjour,,03/01/2026 10:00,"
    "https://www.instagram.com/p/abc/,IG image,,Lifetime,500,420,12,3,0,2,1\n"
    "18040000000000002,17841401234567890,bienvenue,Bienvenue,Merci,,03/04/2026 18:30,"
    "https://www.instagram.com/p/def/,IG image,,Lifetime,120,95,4,0,0,1,0\n"
)


def recipe(title: str) -> str:
    """The README section ``## <title>``, up to the next section."""
    found = re.search(rf"^## {title}\n(.*?)(?=^## )", README, re.S | re.M)
    assert found, f"the README has no section '## {title}'"
    return found.group(1)


class Project:
    """A copy of the project in a temporary folder, with its own database."""

    def __init__(self, folder: Path):
        self.root = folder / "project"
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source,
                    self.root / name,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "screenshots"),
                )
            else:
                shutil.copy2(source, self.root / name)
        self.db = folder / "database" / "turnout.duckdb"
        self.db.parent.mkdir()
        self.instagram = folder / "instagram_posts_export.csv"
        self.instagram.write_text(INSTAGRAM, encoding="utf-8")
        self.home = folder / "home"
        self.home.mkdir()
        self.before = self._hashes()

    def _hashes(self) -> dict[str, str]:
        return {
            p.relative_to(self.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".pytest_cache" not in p.parts
        }

    def touched(self) -> set[str]:
        """The files added or changed since the copy was made."""
        after = self._hashes()
        return {name for name, digest in after.items() if self.before.get(name) != digest}

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def insert(self, name: str, after: str, text: str) -> None:
        """Put ``text`` right after the first line that starts with ``after``."""
        path = self.root / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith(after))
        lines.insert(at + 1, textwrap.dedent(text).lstrip("\n"))
        path.write_text("".join(lines), encoding="utf-8")

    def add_strings(self, lang: str, entries: dict[str, str]) -> None:
        """New entries at the end of a dashboard catalogue, written as its others are."""
        path = self.root / "dashboard" / "locales" / f"{lang}.json"
        text = path.read_text(encoding="utf-8").rstrip()
        assert text.endswith("}")
        added = "".join(
            f",\n {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in entries.items()
        )
        path.write_text(text[:-1].rstrip() + added + "\n}\n", encoding="utf-8")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """``python args`` in the copy, which it imports instead of the checkout."""
        env = {
            **os.environ,
            "PYTHONPATH": str(self.root),
            "TURNOUT_DB": str(self.db),
            "HOME": str(self.home),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        done = subprocess.run(
            [sys.executable, *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check:
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    def turnout(self, *args: str) -> str:
        return self.run("-m", "pipelines.cli", *args).stdout

    def pytest(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(
            "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *args, check=check
        )

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture
def project(tmp_path) -> Project:
    made = Project(tmp_path)
    where = made.run(
        "-c", "import pipelines, dashboard; print(pipelines.__file__); print(dashboard.__file__)"
    ).stdout.split()
    assert all(Path(p).is_relative_to(made.root) for p in where), where  # the copy runs
    return made


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


def test_add_a_format_as_the_readme_says(project):
    steps = recipe("Add a format")
    for named in (
        "pipelines/sources/<name>.py",
        "SOURCE = Source(",
        "signatures",
        "target",
        "example_header",
        "sample_file",
        "constants",
        "tests/fixtures/",
        "formats table",
    ):
        assert named in steps, f"the recipe no longer says {named!r}"
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


def test_add_a_metric_as_the_readme_says(project):
    steps = recipe("Add a metric")
    for named in (
        "pipelines/sql/marts/",
        "header comment",
        "numeric prefix",
        "tests/test_marts.py",
        "contract",
        "given these rows",
        "docs/metrics.md",
    ):
        assert named in steps, f"the recipe no longer says {named!r}"
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


# Add a page ------------------------------------------------------------------------------

PAGE = '''
    """Formats (a throwaway page made by tests/test_recipes.py): files imported per format."""

    from __future__ import annotations

    import pandas as pd
    import streamlit as st

    from dashboard import charts, data, i18n, ui

    c = ui.context()
    st.title(c.t("page.formats"))
    files = data.imports().groupby("source").size().sort_index()
    table = pd.DataFrame({c.t("col.format"): files.index, c.t("formats.files"): files.values})
    texts = [i18n.number(c.lang, int(n)) for n in files.values]
    fig = charts.bars(list(files.index), {c.t("formats.files"): (files.tolist(), texts)},
                      c.t("formats.chart"), c.t("formats.unit"))
    ui.chart(fig, table, c.t("formats.chart.def"), "formats")
'''
PAGE_LINE = '    Page("formats", "app_pages/formats.py", "🗂️", (LEAD,)),\n'
STRINGS = {
    "en": {
        "page.formats": "Formats",
        "formats.files": "Files imported",
        "formats.chart": "Files imported, by format",
        "formats.unit": "files",
        "formats.chart.def": "Each imported file counts once, whatever its rows.",
    },
    "fr": {
        "page.formats": "Formats",
        "formats.files": "Fichiers importés",
        "formats.chart": "Fichiers importés, par format",
        "formats.unit": "fichiers",
        "formats.chart.def": "Chaque fichier importé compte une fois, quelles que soient "
        "ses lignes.",
    },
}
PAGE_FILES = {
    "dashboard/app_pages/formats.py",
    "dashboard/pages.py",
    "dashboard/locales/en.json",
    "dashboard/locales/fr.json",
}
OPEN_THE_PAGE = """
import json

from tests.dashboard_helpers import app, decode, figures, not_in_catalogue, strings

seen = {}
for lang in ("en", "fr"):
    at = app(lang).switch_page("app_pages/formats.py").run()
    bars = figures(at)[0]["data"][0] if figures(at) else {}
    seen[lang] = {"errors": [e.message for e in at.exception],
                  "title": [t.value for t in at.title],
                  "categories": decode(bars.get("x")), "values": decode(bars.get("y")),
                  "not_in_catalogue": not_in_catalogue(strings(at), set())}
    board = app(lang, "board")
    try:
        board.switch_page("app_pages/formats.py")
        seen[lang]["board"] = "offered"
    except ValueError:
        seen[lang]["board"] = "not offered"
print(json.dumps(seen))
"""


def test_add_a_page_as_the_readme_says_in_four_files(project):
    steps = recipe("Add a page")
    for named in (
        "four files",
        "dashboard/app_pages/<page>.py",
        "ui.context()",
        "dashboard/data.py",
        "ui.chart",
        "dashboard/pages.py",
        "roles",
        "dashboard/locales/en.json",
        "fr.json",
        "page.<page>",
    ):
        assert named in steps, f"the recipe no longer says {named!r}"
    project.write("dashboard/app_pages/formats.py", PAGE)  # step 1
    project.insert("dashboard/pages.py", '    Page("channels"', PAGE_LINE)  # step 2
    for lang, entries in STRINGS.items():  # steps 3 and 4
        project.add_strings(lang, entries)
    assert project.touched() == PAGE_FILES

    project.turnout("init")
    project.turnout("import", CALENDAR, str(project.instagram), "--exported-at", "2026-03-08T09:00")
    seen = json.loads(project.run("-c", OPEN_THE_PAGE).stdout.splitlines()[-1])
    for lang in ("en", "fr"):
        assert seen[lang]["errors"] == [], seen[lang]
        assert seen[lang]["title"] == [STRINGS[lang]["page.formats"]]
        assert seen[lang]["categories"] == ["events_calendar", "instagram_posts"]
        assert seen[lang]["values"] == [1, 1]
        assert seen[lang]["not_in_catalogue"] == []
        assert seen[lang]["board"] == "not offered"  # the roles the registry gives it
    # the copy's own checks of the list of pages and of the catalogues
    project.pytest("tests/test_pages.py", "tests/test_i18n.py")
