"""Build the model tables that metrics/ reads (fact_incidents, fact_cases, rollup_persons...).

Owned by the metrics work: the SQL lives in etl/models.sql, one statement chain per model.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MODELS_SQL = Path(__file__).with_name("models.sql")


def build_models(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every model table from the loaded extracts (idempotent)."""
    if MODELS_SQL.exists():
        con.execute(MODELS_SQL.read_text(encoding="utf-8"))
