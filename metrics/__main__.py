"""Analyst command line: a stable contract that scripts and reports rely on.

    python -m metrics kpis [--db PATH] [--from DATE] [--to DATE] [--mission CODE]...
        [--host-state ISO3]... [--nationality ISO3]... [--incident-type TYPE|all]...
        [--act-type TYPE]... [--personnel-type TYPE]... [--gender F|M|unknown]...
        [--peacekeeping-only] [--verified-only] [--as-of DATE] [--snapshot DATE]
        [--by DIM]... [--format table|csv|json] [--scope-user USER]
    python -m metrics catalogue [--format table|csv|json]
    python -m metrics docs [--check]

Dates are inclusive (incident date). --incident-type defaults to malicious acts; 'all' lifts it.
Output: one row per group; JSON is a list of objects with the group keys as fields, rates as
fractions 0..1 and null where the denominator is 0. Unknown codes or options exit 2 naming
them and the valid values. Full (headquarters) scope unless --scope-user names a user of the
access directory.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date, datetime

import pandas as pd

from metrics.filters import DIMENSIONS, GENDERS, INCIDENT_TYPES, PERSONNEL_TYPES, Filters

EXIT_USAGE = 2
FORMATS = ("table", "csv", "json")


class UsageError(Exception):
    """Bad command-line input: exit 2 with the message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D401 - argparse hook
        flags = sorted({s for a in self._actions for s in a.option_strings if s.startswith("--")})
        extra = f"\nvalid options: {', '.join(flags)}" if flags else ""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}{extra}\n")


def _iso(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m metrics", description="Resolution 2589 metrics")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    k = sub.add_parser("kpis", help="headline numbers, one row per group")
    k.add_argument("--db", help="database file (default $R2589_DB or data/r2589.duckdb)")
    k.add_argument("--from", dest="date_from", type=_iso, metavar="DATE")
    k.add_argument("--to", dest="date_to", type=_iso, metavar="DATE")
    k.add_argument("--mission", action="append", default=[], metavar="CODE")
    k.add_argument("--host-state", action="append", default=[], metavar="ISO3")
    k.add_argument("--nationality", action="append", default=[], metavar="ISO3")
    k.add_argument("--incident-type", action="append", default=[], metavar="TYPE|all")
    k.add_argument("--act-type", action="append", default=[], metavar="TYPE")
    k.add_argument("--personnel-type", action="append", default=[], metavar="TYPE")
    k.add_argument("--gender", action="append", default=[], metavar="F|M|unknown")
    k.add_argument("--peacekeeping-only", action="store_true")
    k.add_argument("--verified-only", action="store_true")
    k.add_argument("--as-of", type=_iso, metavar="DATE")
    k.add_argument("--snapshot", type=_iso, metavar="DATE", help="register snapshot date")
    k.add_argument("--by", action="append", default=[], metavar="DIM")
    k.add_argument("--format", choices=FORMATS, default="table")
    k.add_argument("--scope-user", metavar="USER", help="compute as this user of the directory")
    c = sub.add_parser("catalogue", help="the metric definitions")
    c.add_argument("--format", choices=FORMATS, default="table")
    d = sub.add_parser("docs", help="write docs/metrics.md from the catalogue")
    d.add_argument("--check", action="store_true", help="exit 1 if docs/metrics.md is stale")
    p.commands = {"kpis": k, "catalogue": c, "docs": d}
    return p


def _check(name: str, values, valid) -> None:
    valid = sorted({v for v in valid if v is not None})
    for v in values:
        if v not in valid:
            shown = ", ".join(valid) if len(valid) <= 120 else ", ".join(valid[:120]) + ", ..."
            raise UsageError(f"unknown {name} {v!r}; valid values: {shown}")


def _codes(con, sql: str) -> list[str]:
    try:
        return [r[0] for r in con.execute(sql).fetchall()]
    except Exception:  # noqa: BLE001 - a table may be missing in an old file
        return []


def build_filters(args, con) -> Filters:
    """Validate every code against the database and allow-lists, then build Filters."""
    missions = _codes(
        con,
        "select mission_code from ref_missions union select distinct mission_code from"
        " rollup_persons union select distinct mission_code from fact_incidents",
    )
    _check("mission", args.mission, missions)
    states = _codes(
        con,
        "select iso3 from ref_countries union select distinct host_state from fact_incidents"
        " union select distinct nationality from rollup_persons",
    )
    _check("host state", args.host_state, states)
    _check("nationality", args.nationality, states)
    types = [t for t in args.incident_type]
    _check("incident type", types, (*INCIDENT_TYPES, "all"))
    if "all" in types and len(types) > 1:
        raise UsageError("--incident-type all cannot be combined with other types")
    incident_types = () if "all" in types else (tuple(types) or ("Malicious Act",))
    from metrics.filters import ACT_TYPES

    _check("act type", args.act_type, ACT_TYPES)
    _check("personnel type", args.personnel_type, PERSONNEL_TYPES)
    _check("gender", args.gender, GENDERS)
    _check("dimension (--by)", args.by, DIMENSIONS)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError("--from is after --to")
    return Filters(
        date_from=args.date_from,
        date_to=args.date_to,
        missions=tuple(args.mission),
        host_states=tuple(args.host_state),
        nationalities=tuple(args.nationality),
        incident_types=incident_types,
        act_types=tuple(args.act_type),
        personnel_types=tuple(args.personnel_type),
        genders=tuple(args.gender),
        peacekeeping_only=args.peacekeeping_only,
        verified_only=args.verified_only,
        as_of=args.as_of,
        snapshot=args.snapshot,
    )


def _plain(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (pd.Timestamp, datetime)):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return _plain(v.item())
    return v


def render(df: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        rows = [
            {c: _plain(v) for c, v in zip(df.columns, row, strict=True)}
            for row in df.itertuples(index=False)
        ]
        return json.dumps(rows, ensure_ascii=False, indent=1)
    if fmt == "csv":
        return df.to_csv(index=False, lineterminator="\n")
    if df.empty:
        return "(no rows)"
    return df.to_string(index=False)


def _scope(args):
    from access.scope import FULL

    if not getattr(args, "scope_user", None):
        return FULL
    from access.users import load_directory

    user = load_directory().by_username(args.scope_user)
    if user is None:
        raise UsageError(f"unknown user {args.scope_user!r} in the access directory")
    return user.scope()


def main(argv: list[str] | None = None, out=None) -> int:
    out = out or sys.stdout
    p = parser()
    args, extra = p.parse_known_args(argv)
    if extra:  # name the unknown option and the valid ones of the sub-command
        p.commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if args.command == "catalogue":
            from metrics.catalogue import catalogue_frame

            out.write(render(catalogue_frame(), args.format) + "\n")
            return 0
        if args.command == "docs":
            from metrics import docs

            if args.check:
                stale = docs.is_stale()
                out.write(
                    "docs/metrics.md is stale\n" if stale else "docs/metrics.md is up to date\n"
                )
                return 1 if stale else 0
            docs.write()
            out.write(f"wrote {docs.DOC_PATH}\n")
            return 0
        from pathlib import Path

        import metrics
        from etl.db import connect_read, default_db_path

        db = Path(args.db) if args.db else default_db_path()
        if not db.exists():
            raise UsageError(f"no database at {db} (build one with python -m etl, or --db PATH)")
        con = connect_read(db)
        try:
            filters = build_filters(args, con)
            df = metrics.kpis(con, filters, _scope(args), by=tuple(dict.fromkeys(args.by)))
        finally:
            con.close()
        out.write(render(df, args.format) + "\n")
        return 0
    except UsageError as e:
        sys.stderr.write(f"python -m metrics: error: {e}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
