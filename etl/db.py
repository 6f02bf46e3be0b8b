"""Where the database lives and how it is opened.

Readers open the file read-only; loads build a new file beside it and swap it in atomically
(see etl/load.py), so a reader never sees half a load.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = ROOT / "data" / "reference"
SCHEMA_SQL = Path(__file__).with_name("schema.sql")
DEFAULT_DB = ROOT / "data" / "r2589.duckdb"
DB_ENV = "R2589_DB"


def default_db_path() -> Path:
    """The database path: $R2589_DB if set, else data/r2589.duckdb."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def connect_read(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection (many processes may hold one at once)."""
    return duckdb.connect(str(path or default_db_path()), read_only=True)


def init_db(con: duckdb.DuckDBPyConnection) -> None:
    """Create the storage schema and (re)load the committed reference tables.

    Children are emptied before parents (ref_mission_aliases references ref_missions) and
    parents filled first. Run it outside a transaction: DuckDB rejects deleting a mission and
    the aliases that reference it within one transaction.
    """
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    tables = (
        ("ref_countries", "countries.csv"),
        ("ref_missions", "missions.csv"),
        ("ref_mission_aliases", "mission_aliases.csv"),
        ("ref_country_aliases", "country_aliases.csv"),
    )
    present = [(t, REFERENCE_DIR / f) for t, f in tables if (REFERENCE_DIR / f).exists()]
    digest = hashlib.sha256(
        b"".join(p.name.encode() + p.read_bytes() for _, p in present)
    ).hexdigest()
    if con.execute("select any_value(sha256) from ref_version").fetchone()[0] == digest:
        return  # reference files unchanged since the last refresh
    for table, _ in reversed(present):
        con.execute(f"delete from {table}")  # noqa: S608 - table names are ours
    for table, path in present:
        con.execute(
            f"insert into {table} by name select * from read_csv(?, header=true, all_varchar=false)",  # noqa: S608
            [str(path)],
        )
    con.execute("delete from ref_version")
    con.execute("insert into ref_version values (?)", [digest])


ATTACHED = "r2589"


def connect_current(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the database file as it is now.

    DuckDB shares one database instance per path and process: while any connection to the old
    file is open, `connect_read` on the same path returns the old file, even after a load has
    swapped a new one in. Here a private in-memory instance ATTACHes the file read-only, so every
    call opens the current file. Take cursors with `cursor_on(con)`: DuckDB cursors do not
    inherit USE.
    """
    con = duckdb.connect()
    con.execute(f"attach ? as {ATTACHED} (read_only)", [str(path or default_db_path())])
    con.execute(f"use {ATTACHED}")
    return con


def cursor_on(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on `con` that reads the attached database (works for connect_read too)."""
    cur = con.cursor()
    attached = cur.execute(
        "select count(*) from duckdb_databases() where database_name = ?", [ATTACHED]
    ).fetchone()[0]
    if attached:
        cur.execute(f"use {ATTACHED}")
    return cur
