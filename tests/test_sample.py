"""The synthetic campaign: reproducible from its seed and the committed sample, fictional
contact details with overlapping, messy keys, and rows in proportion to the people asked for.
Its real formats are tested in test_sample_headers.py, its rates and effects in
test_sample_rates.py.

Contact details and rows are read from the written CSV files with DuckDB, the way an analyst
would, not from the generator's internals.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, sample
from tests.sample_files import csv_rows, load_views, one

ROOT = Path(__file__).resolve().parent.parent


# --- reproducibility ---------------------------------------------------------------------


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    sample.generate(tmp_path / "a", people=600, seed=7)
    sample.generate(tmp_path / "b", people=600, seed=7)
    sample.generate(tmp_path / "c", people=600, seed=8)
    a, b, c = (_contents(tmp_path / d) for d in "abc")
    assert a == b
    assert a.keys() == c.keys()
    differing = [name for name in a if a[name] != c[name]]
    assert len(differing) > len(a) * 0.8


def test_cli_defaults_are_the_committed_sample(tmp_path):
    signature = inspect.signature(cli.sample)
    assert signature.parameters["people"].default == sample.DEFAULT_PEOPLE
    assert signature.parameters["seed"].default == sample.DEFAULT_SEED
    committed = ROOT / "sample_data"
    if not (committed / "events_calendar.csv").exists():
        pytest.skip("sample_data/ not generated yet")
    sample.generate(tmp_path / "fresh")
    written = _contents(tmp_path / "fresh")
    for name, data in written.items():
        assert (committed / name).read_bytes() == data, f"{name}: run `make sample`"


def test_reference_date_is_fixed_not_today():
    assert str(sample.REFERENCE).startswith("2026-11-01")
    past = [e for e in sample.EVENTS if e.past]
    assert 0 < len(sample.EVENTS) - len(past) <= 4


# --- people ----------------------------------------------------------------------------------


def test_only_fictional_contact_details(sample_views):
    bad = one(
        sample_views,
        "select count(*) from (select email from eventbrite union all "
        "select email from zoom union all select email from signins union all "
        "select email from audience) where email is not null and not regexp_matches("
        "email, '@example\\.(org|com)$')",
    )[0]
    assert bad == 0
    phones = sample_views.execute(
        "select distinct regexp_replace(user__phone_number, '\\D', '', 'g') "
        "from mobilize where user__phone_number is not null"
    ).fetchall()
    assert phones and all(p[0][-7:-2] == "55501" for p in phones)


def test_people_overlap_and_messy_keys(sample_views, sample_campaign):
    overlap = one(
        sample_views,
        "select count(*) from (select email from audience intersect "
        "select email from eventbrite intersect select email from signins)",
    )[0]
    assert overlap > 10
    sheets = (sample_campaign / "signin_sheets.csv").read_text()
    assert "(514) 555 01" in sheets or "(438) 555 01" in sheets
    assert "+1 " in sheets and ",," in sheets  # international format; phone-only or name-only
    rows = csv_rows(sample_campaign / "signin_sheets.csv")[1:]
    assert any(r[1] and not r[2] and not r[3] for r in rows)  # a name only
    assert any(r[3] and not r[2] for r in rows)  # a phone only
    assert any(r[2] != r[2].strip() or r[2] != r[2].lower() for r in rows)


# --- scale -----------------------------------------------------------------------------------


def _person_rows(folder: Path) -> int:
    con = duckdb.connect()
    load_views(con, folder)
    total = 0
    for view in ("eventbrite", "zoom", "mobilize", "signins", "audience"):
        total += one(con, f"select count(*) from {view}")[0]
    total += one(
        con, f"select count(*) from read_csv('{folder}/mailchimp_activity_*.csv', all_varchar=true)"
    )[0]
    return total


def test_doubling_people_doubles_rows(tmp_path):
    sample.generate(tmp_path / "small", people=1000, seed=3)
    sample.generate(tmp_path / "large", people=2000, seed=3)
    ratio = _person_rows(tmp_path / "large") / _person_rows(tmp_path / "small")
    assert 1.8 <= ratio <= 2.2


def test_sample_command_writes_the_campaign(tmp_path):
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        cli.app, ["sample", "--out", str(tmp_path / "s"), "--people", "300", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "events_calendar.csv").exists()
    assert (
        len(list((tmp_path / "s").glob("*.csv"))) == len(list((ROOT / "sample_data").glob("*.csv")))
        or not (ROOT / "sample_data" / "events_calendar.csv").exists()
    )
