"""The docs stay true: every format is documented, every command has help."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from pipelines import load, sources
from pipelines.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT_NAMES = sorted(sources.REGISTRY)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_is_in_the_readme_table(name):
    assert re.search(rf"^\| `{name}` \|", README, re.MULTILINE), \
        f"add `{name}` to the README's table of formats"


def example_file(name: str):
    """The file a format names as its example, in sample_data/ or tests/fixtures/."""
    wanted = sources.REGISTRY[name].sample_file
    places = [ROOT / "sample_data" / wanted, *(ROOT / "tests" / "fixtures").rglob(wanted)]
    return next((p for p in places if wanted and p.is_file()), None)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_has_an_example_file_that_is_recognised(name):
    source = sources.REGISTRY[name]
    assert source.example_header and source.title
    path = example_file(name)
    assert path is not None, \
        f"{name}: sample_file should name a file in sample_data/ or tests/fixtures/"
    if source.auto_detect:
        assert load.recognise(path, load.ImportOptions()).name == name


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
