"""Spark gives the same people and the same marts as DuckDB, row for row.

The sample campaign and the harder fixture (tests/test_spark_export.py) are exported to
Parquet; people are linked and every mart built on Spark ``local[2]`` as one chain in one
session, then each table is compared with DuckDB's own: the same columns, and the same
rows once sorted (floats within 1e-9). Skipped, saying why, where PySpark or Java is not.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse
from pipelines.engines import handover, pooled
from tests.sample_db import sample_database
from tests.test_spark_export import adversarial_db  # noqa: F401  (a fixture)

pytest.importorskip("pyspark", reason="PySpark is not installed: pip install -e '.[spark]'")
if shutil.which("java") is None:
    pytest.skip(
        "no Java runtime here: Spark needs Java 17+ (apt-get install openjdk-17-jre-headless)",
        allow_module_level=True,
    )

from pipelines.engines import spark as engine  # noqa: E402  (after the skips)

pytestmark = pytest.mark.spark
FLOAT_TOLERANCE = 1e-9


@pytest.fixture(scope="session")
def spark_session():
    session = engine.start("local[2]", app_name="turnout-parity")
    yield session
    session.stop()


def _same(left, right) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=0, abs_tol=FLOAT_TOLERANCE)
    return left == right


def differences(db: Path, out: Path, table: str) -> str | None:
    """What differs between DuckDB's ``table`` and the one Spark wrote under ``out``."""
    files = str(out / table / "*.parquet")
    with warehouse.reader(db) as con:
        mine = [c for (c, *_) in con.execute(f"describe {table}").fetchall()]
        theirs = [
            c
            for (c, *_) in con.execute("describe select * from read_parquet(?)", [files]).fetchall()
        ]
        if sorted(mine) != sorted(theirs):
            return f"columns differ: {sorted(set(mine) ^ set(theirs))}"
        columns = ", ".join(mine)
        # record ids: numbers in DuckDB, their 32 hex digits on Spark (the hand-over's)
        digests = warehouse.digest_columns(con, table)
        as_spark = ", ".join(f"printf('%032x', {c}) as {c}" if c in digests else c for c in mine)
        expected = con.execute(f"select {as_spark} from {table} order by all").fetchall()
        got = con.execute(f"select {columns} from read_parquet(?) order by all", [files]).fetchall()
    if len(expected) != len(got):
        return f"{len(expected)} rows on DuckDB, {len(got)} on Spark"
    wrong = [
        (e, g)
        for e, g in zip(expected, got, strict=True)
        if not all(_same(a, b) for a, b in zip(e, g, strict=True))
    ]
    if wrong:
        return f"{len(wrong)} of {len(expected)} rows differ, e.g. {wrong[0][0]} ≠ {wrong[0][1]}"
    return None


def run_chain(session, db: Path, folder: Path) -> tuple[Path, list[str]]:
    handover.export([db], folder / "export")
    built = engine.refresh(session, folder / "export", folder / "marts")
    for view in pooled.read_manifest(folder / "marts")["views"]:  # compared as written
        session.table(view).write.mode("overwrite").parquet(str(folder / "marts" / view))
    return folder / "marts", built


def test_spark_links_the_same_people_and_builds_the_same_marts(
    spark_session,
    adversarial_db,  # noqa: F811  (the fixture imported above)
    tmp_path,
):
    found = {}
    for name, db in (("adversarial", adversarial_db), ("sample", sample_database())):
        out, built = run_chain(spark_session, db, tmp_path / name)
        with warehouse.reader(db) as con:
            marts_in_duckdb = {
                n
                for (n,) in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_name like 'mart_%'"
                ).fetchall()
            }
        assert set(built) <= marts_in_duckdb and len(built) >= 16
        for table in ["person_keys", *built]:
            problem = differences(db, out, table)
            if problem:
                found[f"{name}: {table}"] = problem
    assert not found, "\n".join(f"{where}: {what}" for where, what in found.items())

    # and the dashboard's database made from Spark's marts has DuckDB's figures and types
    target = tmp_path / "pooled.duckdb"
    pooled.load(tmp_path / "sample" / "marts", target)
    with (
        warehouse.reader(sample_database()) as mine,
        duckdb.connect(str(target), read_only=True) as theirs,
    ):
        for table in ("mart_funnel", "mart_event_gap", "mart_person_months"):
            assert (
                theirs.execute(f"describe {table}").fetchall()
                == mine.execute(f"describe {table}").fetchall()
            )
            assert (
                theirs.execute(f"select count(*) from {table}").fetchone()
                == mine.execute(f"select count(*) from {table}").fetchone()
            )
