"""The README's DuckDB and Spark recipes, run as written, against the single-key path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from kafkaretry.partitioning.murmur2 import java_partition
from tests.conftest import ROOT, require, skip_or_fail

README = (ROOT / "README.md").read_text(encoding="utf-8")
KEYS = ["21", "foobar", "", None, "café", "日本語", "k" * 300, *(f"user-{i}" for i in range(200))]


def recipe(name: str) -> dict[str, Any]:
    found = re.search(rf"<!-- recipe: {name} -->\n```python\n(.*?)```", README, flags=re.DOTALL)
    assert found, name
    namespace: dict[str, Any] = {}
    exec(compile(found.group(1), f"README.md recipe {name}", "exec"), namespace)
    return namespace


def expected(n: int) -> list[int | None]:
    return [None if k is None else java_partition(k.encode(), n) for k in KEYS]


def test_duckdb_recipe_over_a_parquet_file(tmp_path: Path) -> None:
    require("duckdb")
    pa = require("pyarrow")
    pq = require("pyarrow.parquet")
    path = tmp_path / "events.parquet"
    pq.write_table(pa.table({"i": list(range(len(KEYS))), "user_id": KEYS}), path)
    con = recipe("duckdb")["con"]
    rows = con.sql(
        f"SELECT i, kafka_partition(user_id, 12), kafka_partition(user_id, 7) "
        f"FROM '{path}' ORDER BY i"
    ).fetchall()
    assert [r[1] for r in rows] == expected(12)
    assert [r[2] for r in rows] == expected(7)
    mixed = con.sql(
        f"SELECT kafka_partition(user_id, CASE WHEN i % 2 = 0 THEN 3 ELSE 5 END) "
        f"FROM '{path}' ORDER BY i"
    ).fetchall()
    assert [r[0] for r in mixed] == [
        e3 if i % 2 == 0 else e5
        for i, (e3, e5) in enumerate(zip(expected(3), expected(5), strict=True))
    ]


# pyspark (about 450 MB) is in the `test` extra; the test also needs Java 17+ on PATH.
def test_spark_recipe_in_local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    require("pyspark")
    require("pandas")
    if shutil.which("java") is None:
        skip_or_fail("java on PATH (pyspark starts a JVM)")
    from pyspark.sql import SparkSession

    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # the driver listens on loopback only
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("kafkaretry-recipe")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        udf = recipe("spark")["kafka_partition_udf"]
        df = spark.createDataFrame([(i, k) for i, k in enumerate(KEYS)], "i int, user_id string")
        rows = df.withColumn("p", udf(12)("user_id")).orderBy("i").collect()
        assert [r["p"] for r in rows] == expected(12)
    finally:
        _stop(spark)


def _stop(spark: Any) -> None:
    """Stop Spark and the JVM that pyspark started for it, so no process outlives the test."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    spark.stop()
    if gateway is None:
        return
    proc = getattr(gateway, "proc", None)
    gateway.shutdown()
    SparkContext._gateway = SparkContext._jvm = None
    if proc is not None:
        if proc.stdin is not None:
            proc.stdin.close()  # pyspark's JVM exits when its stdin closes
        proc.terminate()
        proc.wait(timeout=60)
