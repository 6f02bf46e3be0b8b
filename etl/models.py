"""Build the model tables that metrics/ reads (fact_incidents, fact_cases, rollup_persons...).

Owned by the metrics work: the SQL lives in etl/models.sql, one statement chain per model.

Every build stamps the database with the hash of models.sql (table `model_version`), so a
database built by an older version of the code is recognised (`models_current`) and its models
rebuilt (`rebuild_models`, `python -m etl models`; the dashboard does it on start) instead of
failing on a table it lacks.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import duckdb

MODELS_SQL = Path(__file__).with_name("models.sql")


@cache
def models_sha() -> str:
    """Version of the model definitions: the first 16 hex digits of sha256(models.sql)."""
    return hashlib.sha256(MODELS_SQL.read_bytes()).hexdigest()[:16]


def build_models(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every model table from the loaded extracts (idempotent)."""
    con.execute(MODELS_SQL.read_text(encoding="utf-8"))
    con.execute(
        "create or replace table model_version as select ?::varchar as models_sha",
        [models_sha()],
    )


def models_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database's model tables were built from this models.sql."""
    try:
        row = con.execute("select models_sha from model_version").fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] == models_sha()


def rebuild_models(db: Path) -> bool:
    """Rebuild the models of `db` if they are not current, all or nothing: on a private copy,
    with the data tests a load runs, swapped in only if both succeed (etl.load.writable_copy).
    Returns True when it rebuilt them. Raises RuntimeError naming the failed data tests."""
    from etl import checks
    from etl.load import writable_copy

    con = duckdb.connect(str(db), read_only=True)
    try:
        if models_current(con):
            return False
    finally:
        con.close()
    with writable_copy(db) as (con, _tmp):
        if models_current(con):  # another process rebuilt them while we waited for the lock
            return False
        con.execute("begin transaction")
        build_models(con)
        failures = checks.run(con)
        if failures:
            con.execute("rollback")
            raise RuntimeError(
                "model rebuild failed its data tests: " + "; ".join(str(f) for f in failures[:5])
            )
        con.execute("commit")
    return True
