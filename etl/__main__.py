"""Command line: python -m etl load|demo|status|models.

Exit codes: 0 loaded (or nothing to do), 1 rejected (report written, database unchanged),
2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from etl.db import DB_ENV, default_db_path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m etl",
        description="Load extracts into the resolution 2589 database, build the demo, list loads.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    db_help = f"database file (default: ${DB_ENV} or data/r2589.duckdb)"

    pl = sub.add_parser(
        "load", help="validate and load extract files (CSV or XLSX), all or nothing"
    )
    pl.add_argument("files", nargs="+", metavar="FILE")
    pl.add_argument("--db", type=Path, help=db_help)
    pl.add_argument(
        "--report",
        type=Path,
        help="write the JSON report here (default: <db>.load-report.json beside the database)",
    )
    pl.add_argument(
        "--synthetic", action="store_true", help="mark the loaded rows as synthetic (demo data)"
    )
    pl.add_argument("--quiet", action="store_true", help="no progress lines")

    pd = sub.add_parser("demo", help="build the demo database (synthetic data)")
    pd.add_argument("--db", type=Path, help=db_help)
    pd.add_argument("--seed", type=int, default=2589)
    pd.add_argument("--scale", type=float, default=1)

    ps = sub.add_parser("status", help="list loads (batches) and register snapshots")
    ps.add_argument("--db", type=Path, help=db_help)

    pm = sub.add_parser(
        "models", help="rebuild the model tables if they predate this version of etl/models.sql"
    )
    pm.add_argument("--db", type=Path, help=db_help)
    return p


def _load(args: argparse.Namespace) -> int:
    from etl.load import load

    db = args.db or default_db_path()
    report = args.report or db.with_name(db.name + ".load-report.json")

    def progress(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    try:
        result = load(args.files, db, synthetic=args.synthetic, progress=progress)
    except (RuntimeError, OSError, duckdb.Error) as e:
        print(f"load failed, database unchanged: {e}", file=sys.stderr)
        return 1
    for line in result.notes:
        print(line, file=sys.stderr)
    for p in result.problems:
        print(p, file=sys.stderr)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(result.as_dict(), indent=2, default=str), encoding="utf-8")
    if result.status == "rejected":
        print(
            f"rejected: {len(result.problems)} problem(s); database {db} unchanged; "
            f"report: {report}",
            file=sys.stderr,
        )
        return 1
    if result.status == "unchanged":
        print(
            f"nothing to do: every file was already loaded into {db}; report: {report}",
            file=sys.stderr,
        )
        return 0
    rows = sum(b["rows_read"] for b in result.batches)
    print(
        f"loaded {len(result.batches)} file(s), {rows:,} rows into {db} in {result.seconds:.1f} s; "
        f"report: {report}",
        file=sys.stderr,
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    try:
        from etl.demo import build_demo
    except ImportError:
        print("demo generator not available yet (etl/demo.py with build_demo)", file=sys.stderr)
        return 2
    db = args.db or default_db_path()
    build_demo(db, args.seed, args.scale)
    print(f"demo database built: {db}", file=sys.stderr)
    return 0


def _status(args: argparse.Namespace) -> int:
    db = args.db or default_db_path()
    if not db.exists():
        print(f"no database at {db}", file=sys.stderr)
        return 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        batches = con.execute(
            """select batch_id, loaded_at, kind, rows_read, rows_inserted, rows_updated,
                      synthetic, file_name, left(sha256, 12)
               from load_batches order by batch_id"""
        ).fetchall()
        snapshots = con.execute(
            """select s.snapshot_date, s.rows, s.batch_id, b.file_name
               from register_snapshots s left join load_batches b using (batch_id)
               order by s.snapshot_date"""
        ).fetchall()
    finally:
        con.close()
    print(f"database {db}")
    print(f"loads ({len(batches)}):")
    print(
        "  batch  loaded_at            kind           read  inserted  updated  synth  file (sha256)"
    )
    for b, at, kind, read, ins, upd, syn, name, sha in batches:
        print(
            f"  {b:>5}  {at:%Y-%m-%d %H:%M:%S}  {kind:<12} {read:>7,} {ins:>9,} {upd:>8,}  "
            f"{'yes' if syn else 'no':<5}  {name} ({sha})"
        )
    print(f"register snapshots ({len(snapshots)}):")
    for d, rows, b, name in snapshots:
        print(f"  {d}  {rows:>7,} rows  batch {b}  {name}")
    return 0


def _models(args: argparse.Namespace) -> int:
    from etl.models import models_sha, rebuild_models

    db = args.db or default_db_path()
    if not db.exists():
        print(f"no database at {db}", file=sys.stderr)
        return 1
    try:
        rebuilt = rebuild_models(db)
    except (RuntimeError, OSError, duckdb.Error) as e:
        print(f"model rebuild failed, database unchanged: {e}", file=sys.stderr)
        return 1
    state = "rebuilt" if rebuilt else "already current"
    print(f"models {state} in {db} (models.sql {models_sha()})", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"load": _load, "demo": _demo, "status": _status, "models": _models}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
