"""A copy of the project for the tests of the README's recipes: pipelines/, dashboard/, tests/
and the docs copied to a temporary folder (never the environment), with its own database, run
in another Python process that imports the copy; and the README's sections it follows."""

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

from tests.conftest import ROOT

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


def recipe(title: str, *named: str) -> str:
    """The README section ``## <title>``, up to the next section, checked to still name each
    of ``named``."""
    found = re.search(rf"^## {title}\n(.*?)(?=^## )", README, re.S | re.M)
    assert found, f"the README has no section '## {title}'"
    for each in named:
        assert each in found.group(1), f"the recipe no longer says {each!r}"
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


def copied_project(folder: Path) -> Project:
    """A copy of the project in ``folder``, checked to be what a Python process there imports."""
    made = Project(folder)
    where = made.run(
        "-c", "import pipelines, dashboard; print(pipelines.__file__); print(dashboard.__file__)"
    ).stdout.split()
    assert all(Path(p).is_relative_to(made.root) for p in where), where  # the copy runs
    return made
