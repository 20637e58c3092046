"""The docs stay true: every format is documented, every command has help."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from pipelines import sources
from pipelines.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT_NAMES = sorted(sources.REGISTRY)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_is_in_the_readme_table(name):
    assert re.search(rf"^\| `{name}` \|", README, re.MULTILINE), \
        f"add `{name}` to the README's table of formats"


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_has_an_example_file_and_header(name):
    source = sources.REGISTRY[name]
    assert source.example_header and source.title
    fixtures = ROOT / "tests" / "fixtures"
    named = [p for p in fixtures.rglob("*") if p.is_file() and name in p.name]
    sample = source.sample_file and (ROOT / "sample_data" / source.sample_file).exists()
    assert named or sample, f"{name}: add a file in tests/fixtures/ or sample_data/"


def test_every_command_is_documented():
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    for command in commands:
        assert f"turnout {command}" in README, f"document `turnout {command}` in the README"
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and len(result.output.splitlines()) > 3


def test_sources_command_lists_every_format():
    result = CliRunner().invoke(app, ["sources"], terminal_width=400)
    for name in FORMAT_NAMES:
        assert name in result.output
