"""Link people and build the marts on Apache Spark, from an exported Parquet folder.

The canonical tables come from ``turnout export --parquet`` (see ``handover``); people are
linked by the same set-based label propagation as ``identity.resolve_people``; each mart
is its DuckDB SQL translated by ``transpile`` and is written as Parquet under
``OUT/<mart name>/``, then read back from there by the marts built on it. PySpark is an
optional dependency (``pip install 'turnout[spark]'``) and needs Java 17 or later.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import identity, marts
from pipelines.engines import handover, pooled, transpile
from pipelines.errors import TurnoutError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

LOCAL_MASTER = "local[2]"
PERSON_KEYS = "person_keys"


def start(master: str = LOCAL_MASTER, app_name: str = "turnout") -> SparkSession:
    """A Spark session that counts time in UTC, as the DuckDB side does."""
    # PySpark warns about pandas versions on import; Turnout hands it no pandas frames
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise TurnoutError(code="spark.not_installed") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise TurnoutError(code="spark.no_java")
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master.startswith("local"):
        # few shuffle partitions on one machine; a cluster keeps Spark's own default
        builder = builder.config("spark.sql.shuffle.partitions", "2")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_input(spark: SparkSession, folder: Path) -> dict[str, list[str]]:
    """Each exported table as a temporary view; returns every table's column names."""
    handover.read_manifest(folder)  # a folder that is not an export is refused here
    columns = {}
    for table in handover.CANONICAL_TABLES + handover.PYRAMID_TABLES:
        frame = spark.read.parquet(str(folder / table))
        frame.createOrReplaceTempView(table)
        columns[table] = frame.columns
    return columns


def _keys_sql() -> str:
    return identity._keys_sql()  # the same keys as DuckDB's linking reads


def link_people(spark: SparkSession) -> DataFrame:
    """``person_keys``: each key with its person, the connected components of keys.

    A key's label is the smallest key hash it is linked to; a round takes each neighbour's
    label and then the label of the label (pointer jumping), until no label changes.
    """
    edges = spark.sql(f"select distinct a, b from ({identity._edges_sql()})")
    edges.union(edges.selectExpr("b as a", "a as b")).localCheckpoint().createOrReplaceTempView(
        "key_neighbours"
    )
    labels = spark.sql(f"""
        select key_hash, min(key_kind) as key_kind, key_hash as label
        from ({_keys_sql()}) group by key_hash
    """).localCheckpoint()
    while True:
        labels.createOrReplaceTempView("key_labels")
        following = spark.sql("""
            with best_neighbour as (
                select n.a as key_hash, min(l.label) as label
                from key_neighbours as n join key_labels as l on l.key_hash = n.b
                group by n.a
            ),
            stepped as (
                select l.key_hash, l.key_kind,
                       least(l.label, coalesce(b.label, l.label)) as label
                from key_labels as l left join best_neighbour as b using (key_hash)
            )
            select s.key_hash, s.key_kind, least(s.label, coalesce(j.label, s.label)) as label
            from stepped as s left join key_labels as j on j.key_hash = s.label
        """).localCheckpoint()
        following.createOrReplaceTempView("key_labels_next")
        changed = spark.sql("""
            select count(*) from key_labels_next join key_labels using (key_hash)
            where key_labels_next.label <> key_labels.label
        """).first()
        if changed is None:  # a count without group by returns one row
            raise LookupError("Spark returned no row for the count of changed labels")
        labels = following
        if changed[0] == 0:
            break
    # identity.person_id_sql: the number of the label's first 15 hex digits
    return labels.selectExpr(
        "key_hash", "key_kind", "cast(conv(left(label, 15), 16, 10) as bigint) as person_id"
    )


def _materialise(spark: SparkSession, frame: DataFrame, name: str, out: Path) -> list[str]:
    """Write ``frame`` as ``out/name`` and read it back as the view ``name``; its columns."""
    frame.write.mode("overwrite").parquet(str(out / name))
    written = spark.read.parquet(str(out / name))
    written.createOrReplaceTempView(name)
    return written.columns


def refresh(
    spark: SparkSession, input_folder: Path, out: Path, step: Callable[[str], None] | None = None
) -> list[str]:
    """Link people and build every mart from ``input_folder`` into ``out``; the marts' names.

    A mart that is a view in DuckDB (``-- materialized: view``) stays a view here: it is
    not written, and ``load-marts`` gives it its DuckDB SQL. ``out`` gets a manifest naming
    the input, so that ``load-marts`` finds the canonical tables.
    """
    step = step or (lambda _name: None)
    schema = register_input(spark, input_folder)  # grows with each mart built
    out.mkdir(parents=True, exist_ok=True)
    step("linking people")
    schema[PERSON_KEYS] = _materialise(spark, link_people(spark), PERSON_KEYS, out)
    built, views = [], []
    for stem, sql in marts.mart_files():
        name = marts.table_name(stem)
        step(name)
        frame = spark.sql(transpile.to_spark(stem, sql, schema))
        if marts.is_view(sql):
            frame.createOrReplaceTempView(name)
            views.append(name)
            schema[name] = frame.columns
        else:
            schema[name] = _materialise(spark, frame, name, out)
        built.append(name)
    fingerprint = handover.read_manifest(input_folder)["key_fingerprint"]
    pooled.write_manifest(out, input_folder, built, views, fingerprint)
    return built
