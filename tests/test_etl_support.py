"""Helpers shared by the tests/test_etl_*.py files (no tests here)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
from pathlib import Path

import duckdb

from etl.__main__ import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASE_FILES = FIXTURES / "case_tracking"
CASE_FILE_NAMES = (
    "incidents.csv",
    "victims.csv",
    "cases.csv",
    "case_events.csv",
    "suspects.csv",
    "notifications.csv",
    "assistance.csv",
    "focal_points.csv",
    "deployments.csv",
)
IGNORED_COLUMNS = {"batch_id", "loaded_at"}


def cli(*args: str | Path) -> tuple[int, str]:
    """Run `python -m etl ...` in-process: (exit code, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse usage errors
            code = int(e.code or 0)
    return code, err.getvalue()


def file_digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def leftovers(db: Path) -> list[Path]:
    """Temporary copies a load left beside the database (there must be none)."""
    return [p for p in db.parent.glob(db.name + ".tmp-*") if not p.name.endswith(".tmp-lock")]


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without batch ids and load timestamps: what must not depend
    on load order or repetition."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for (table,) in con.execute(
            "select table_name from duckdb_tables() order by table_name"
        ).fetchall():
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where table_name = ? order by column_index",
                    [table],
                ).fetchall()
                if c not in IGNORED_COLUMNS
            ]
            rows = con.execute(
                f'select {", ".join(chr(34) + c + chr(34) for c in cols)} from "{table}"'  # noqa: S608
            ).fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def copy_case_files(dest: Path) -> dict[str, Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in CASE_FILE_NAMES:
        shutil.copyfile(CASE_FILES / name, dest / name)
        out[name.removesuffix(".csv")] = dest / name
    return out


def rewrite(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path
