"""The one path from pages to metrics/: a cached DuckDB connection and cached metric results.

- The connection is a `st.cache_resource` keyed by the database path and the file's inode and
  modification time, so a new load swapped in atomically (etl/load.py) is picked up by the next
  run; every call takes its own `.cursor()` (one shared connection is not thread-safe).
- Results are `st.cache_data` keyed by every input: the metric's name, the database identity,
  the caller's Scope (an explicit argument, never read from `st.user` inside), the Filters and
  the keyword arguments. Two users with the same filters but different scopes never share an
  entry.
- Pages and downloads both read `metric(...)`: a download is the very DataFrame on screen.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from access.scope import Scope
from etl.db import ATTACHED, connect_current, default_db_path

CACHE_TTL_S = 3600
CACHE_MAX_ENTRIES = 2000


def db_identity(path: str | os.PathLike | None = None) -> tuple[str, int, int]:
    """(path, inode, mtime_ns): changes whenever a new database file is swapped in."""
    p = Path(path or default_db_path()).resolve()
    stat = p.stat()
    return str(p), stat.st_ino, stat.st_mtime_ns


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(path: str, inode: int, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    # connect_current, not connect_read: DuckDB keeps one instance per path and process, so
    # while this process holds a connection to the file a load has since replaced, a plain
    # connect on the same path would return the old file (etl.db.connect_current).
    return connect_current(path)


def cursor(identity: tuple[str, int, int] | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the cached read-only connection (one per call: thread-safe)."""
    cur = _connection(*(identity or db_identity())).cursor()
    cur.execute(f"use {ATTACHED}")  # cursors do not inherit USE
    return cur


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


@st.cache_data(show_spinner=False, ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES)
def _cached_call(
    name: str,
    identity: tuple[str, int, int],
    scope: Scope | None,
    scope_key: tuple | None,
    args: tuple,
    kwargs_items: tuple,
) -> Any:
    import metrics

    fn = getattr(metrics, name)
    kwargs = dict(kwargs_items)
    if scope is not None:
        kwargs["scope"] = scope
    con = cursor(identity)
    try:
        return fn(con, *args, **kwargs)
    finally:
        con.close()


def call(name: str, *args: Any, scope: Scope | None, **kwargs: Any) -> Any:
    """metrics.<name>(cursor, *args, scope=scope, **kwargs), cached by every input.

    `scope` is required (pass None only for functions that take none, like data_status).
    `scope.cache_key` is passed beside the Scope so the key never depends on how Streamlit
    hashes a dataclass. Results are shared between sessions only for equal scopes.
    """
    return _cached_call(
        name,
        db_identity(),
        scope,
        scope.cache_key if scope is not None else None,
        tuple(_freeze(a) for a in args),
        tuple(sorted((k, _freeze(v)) for k, v in kwargs.items())),
    )


def status() -> dict:
    """metrics.data_status (last update, register snapshot, latest incident, synthetic...),
    cached; {} when there is no database to ask (callers then say nothing rather than guess)."""
    try:
        return call("data_status", scope=None) or {}
    except Exception:  # noqa: BLE001 - no database, or not readable: nothing to tell
        return {}


def metric(name: str, scope: Scope, filters: Any, **kwargs: Any) -> Any:
    """metrics.<name>(cursor, filters, scope=scope, **kwargs): the common shape."""
    return call(name, filters, scope=scope, **kwargs)


def database_exists() -> bool:
    return Path(default_db_path()).exists()
