"""Atomic, idempotent loads of extract files into the database file.

A load never writes the database in place (DuckDB lets a process write only when no other
process has the file open, and readers must keep answering):
1. copy the database file to `<db>.tmp-<pid>` beside it (or start fresh if there is none);
2. open the copy read-write and, in one transaction: stage every file, validate, upsert,
   record load batches, rebuild the models (etl.models.build_models), run the data tests;
3. CHECKPOINT, close, os.replace() the copy onto the database file.
Readers in other processes keep the old file open and keep answering; new connections see the
new file. Any problem leaves the database file untouched (the copy is deleted).

Loading bytes already loaded (sha256 in load_batches) is a no-op. The files of one load may be
given in any order: they are staged, then applied parents first, and a record may come from one
file of the load only, so the result does not depend on the order.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from etl import checks
from etl.db import init_db
from etl.extracts import CASE_TRACKING, MISSION, ExtractKind
from etl.readers import Problem, Staged, stage
from etl.validate import check_file, check_load, q, typed


@dataclass
class LoadResult:
    """What a load did: loaded, rejected (problems) or nothing to do (all already loaded)."""

    status: str  # 'loaded' | 'rejected' | 'unchanged'
    db: Path
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    batches: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "rejected" else 0

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "database": str(self.db),
            "seconds": round(self.seconds, 3),
            "batches": self.batches,
            "notes": self.notes,
            "problems": [p.as_dict() for p in self.problems],
        }


class Rejected(Exception):
    """Raised inside a load to abandon the copy."""


def sha256(path: Path) -> tuple[str, int]:
    """(sha256, number of lines) in one pass over the file."""
    h = hashlib.sha256()
    n, last = 0, b"\n"
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return h.hexdigest(), n + (last != b"\n")


@contextlib.contextmanager
def _exclusive(db: Path) -> Iterator[None]:
    """One load at a time per database file (a second load waits)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".tmp-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _loaded_shas(db: Path) -> dict[str, tuple[int, str]]:
    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        if not con.execute(
            "select count(*) from duckdb_tables() where table_name = 'load_batches'"
        ).fetchone()[0]:
            return {}
        return {
            s: (b, f)
            for s, b, f in con.execute(
                "select sha256, batch_id, file_name from load_batches"
            ).fetchall()
        }
    finally:
        con.close()


@contextlib.contextmanager
def writable_copy(db: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A read-write connection to a private copy of `db`, swapped in only if the block ends
    without an exception (after the caller committed). Holds the load lock throughout."""
    with _exclusive(db):
        tmp = db.with_name(f"{db.name}.tmp-{os.getpid()}")
        wal = db.with_name(db.name + ".wal")
        # Under the lock no other load runs: any copy left beside the database is from a load
        # that was killed, and is removed.
        for stale in db.parent.glob(db.name + ".tmp-*"):
            if stale.name != db.name + ".tmp-lock":
                shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(
                    missing_ok=True
                )
        if db.exists():
            shutil.copyfile(db, tmp)
            if wal.exists():  # a writer that did not checkpoint: keep its changes
                shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))
        # Our own progress goes to stderr; DuckDB's bar would write to stdout.
        con = duckdb.connect(str(tmp))
        con.execute("set enable_progress_bar = false")
        if limit := os.environ.get("R2589_LOAD_MEMORY"):
            con.execute("set memory_limit = ?", [limit])
        ok = False
        try:
            yield con, tmp
            con.execute("checkpoint")
            ok = True
        finally:
            con.close()
            if ok:
                os.replace(tmp, db)
                wal.unlink(missing_ok=True)  # its content is in the new file
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(tmp.with_name(tmp.name + ".tmp"), ignore_errors=True)


def load(
    files: Sequence[str | os.PathLike],
    db: str | os.PathLike,
    *,
    synthetic: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Load extract files into the database `db`, all or nothing."""
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    db = Path(db)
    paths = [Path(f) for f in files]
    result = LoadResult("loaded", db)
    missing = [p for p in paths if not p.is_file()]
    if missing:
        result.status = "rejected"
        result.problems = [
            Problem(str(p), None, None, "no such file", "check the path") for p in missing
        ]
        return result

    # Idempotence: bytes already loaded (or given twice) are skipped.
    shas: dict[Path, str] = {}
    lines: dict[Path, int] = {}
    seen: dict[str, Path] = {}
    loaded = _loaded_shas(db)
    todo: list[Path] = []
    # hashlib releases the GIL: files are hashed side by side, one thread per core.
    with ThreadPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        digests = list(pool.map(sha256, paths))
    for p, (digest, n_lines) in zip(paths, digests, strict=True):
        lines[p] = n_lines
        if digest in loaded:
            batch, name = loaded[digest]
            result.notes.append(f"{p}: already loaded as batch {batch} ({name}); skipped")
        elif digest in seen:
            result.notes.append(f"{p}: same bytes as {seen[digest]}; skipped")
        else:
            seen[digest] = p
            shas[p] = digest
            todo.append(p)
    if not todo:
        result.status = "unchanged"
        result.seconds = time.perf_counter() - started
        return result

    try:
        with writable_copy(db) as (con, _tmp):
            # Reference tables are refreshed first, outside the transaction: DuckDB refuses to
            # delete a referenced mission and its aliases in one transaction. The copy is
            # private, so this changes nothing that anyone sees unless the load commits.
            init_db(con)
            _require_reference(con)
            # Staging tables are filled before the transaction too: their rowid is then the
            # file order (uncommitted rows get transaction-local row ids).
            staged = _stage_all(con, todo, lines, result, say)
            con.execute("begin transaction")
            _apply(con, staged, shas, synthetic, result, say)
            say("building models")
            try:
                from etl.models import build_models

                build_models(con)
            except duckdb.Error as e:
                result.problems.append(
                    Problem("etl/models.sql", None, None, f"model build failed: {e}")
                )
                raise Rejected from e
            say("running data tests")
            failures = checks.run(con)
            if failures:
                result.problems.extend(failures)
                raise Rejected
            say("committing")
            con.execute("commit")
    except Rejected:
        result.status = "rejected"
        result.batches = []
    result.seconds = time.perf_counter() - started
    return result


def _require_reference(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("ref_missions", "ref_mission_aliases", "ref_countries"):
        if not con.execute(f"select count(*) from {table}").fetchone()[0]:  # noqa: S608
            raise RuntimeError(
                f"reference table {table} is empty: data/reference/*.csv is missing from this checkout"
            )


def _stage_all(
    con: duckdb.DuckDBPyConnection,
    todo: list[Path],
    lines: dict[Path, int],
    result: LoadResult,
    say: Callable[[str], None],
) -> list[Staged]:
    staged: list[Staged] = []
    for n, p in enumerate(sorted(todo, key=str)):
        t0 = time.perf_counter()
        say(f"reading {p}")
        got = stage(con, p, f"f{n}", result.problems, lines.get(p))
        for s in got:
            result.notes.extend(s.notes)
            say(
                f"  {s.label}: {s.rows:,} rows, kind {s.kind.name} ({time.perf_counter() - t0:.1f} s)"
            )
        staged.extend(got)
    return staged


def _apply(
    con: duckdb.DuckDBPyConnection,
    staged: list[Staged],
    shas: dict[Path, str],
    synthetic: bool,
    result: LoadResult,
    say: Callable[[str], None],
) -> None:
    problems = result.problems
    for s in staged:
        say(f"checking {s.label}")
        check_file(con, s, problems)
    if problems:
        raise Rejected
    say("checking references and sequences across files")

    # Batches: one per file, numbered in file-name order so a load is reproducible.
    now = datetime.now(UTC).replace(tzinfo=None)
    batch_of: dict[Path, int] = {}
    for p in sorted({s.path for s in staged}, key=str):
        kinds = sorted({s.kind.name for s in staged if s.path == p})
        batch_of[p] = con.execute(
            """insert into load_batches (file_name, sha256, kind, rows_read, rows_inserted,
                   rows_updated, loaded_at, synthetic)
               values (?, ?, ?, ?, 0, 0, ?, ?) returning batch_id""",
            [
                p.name,
                shas[p],
                "+".join(kinds),
                sum(s.rows for s in staged if s.path == p),
                now,
                synthetic,
            ],
        ).fetchone()[0]

    _stage_typed(con, staged, batch_of)
    check_load(con, staged, problems)
    if problems:
        raise Rejected

    for s in staged:
        if s.kind.is_register:
            _load_register(con, s, batch_of[s.path], synthetic, problems)
    if problems:
        raise Rejected
    kinds_present = {s.kind.table for s in staged}
    for kind in CASE_TRACKING:
        if kind.table in kinds_present:
            say(f"writing {kind.table}")
            _upsert(con, kind, synthetic)
    result.batches = [
        dict(
            zip(
                ("batch_id", "file_name", "kind", "rows_read", "rows_inserted", "rows_updated"),
                r,
                strict=True,
            )
        )
        for r in con.execute(
            """select batch_id, file_name, kind, rows_read, rows_inserted, rows_updated
               from load_batches where batch_id in (select unnest(?::integer[])) order by batch_id""",
            [list(batch_of.values())],
        ).fetchall()
    ]


def _stage_typed(
    con: duckdb.DuckDBPyConnection, staged: list[Staged], batch_of: dict[Path, int]
) -> None:
    """stg_<table>: the typed rows of every file of that kind in this load, mission codes
    made canonical, with _file, _row and _batch."""
    by_table: dict[str, list[Staged]] = {}
    for s in staged:
        if not s.kind.is_register:
            by_table.setdefault(s.kind.table, []).append(s)
    # File labels and batches as a table (values bound), so the views below hold no values.
    con.execute("create temp table load_files (file_no integer, label varchar, batch integer)")
    numbered = list(enumerate(staged))
    con.executemany(
        "insert into load_files values (?, ?, ?)",
        [[n, s.label, batch_of[s.path]] for n, s in numbered],
    )
    number = {id(s): n for n, s in numbered}
    for table, items in by_table.items():
        kind = items[0].kind
        parts = []
        for s in items:
            cols = []
            joins = []
            for c in kind.columns:
                if c.code == MISSION:
                    alias = f"m_{c.name}"
                    joins.append(
                        f"left join ref_mission_aliases {alias} on {alias}.alias = r.{q(c.name)}"
                    )
                    cols.append(f"{alias}.mission_code as {q(c.name)}")
                else:
                    cols.append(f"{typed(c, 'r.' + q(c.name))} as {q(c.name)}")
            parts.append(
                f"select {', '.join(cols)}, f.label as _file, r._row, f.batch as _batch "  # noqa: S608
                f"from {s.table} r {' '.join(joins)} "
                f"cross join (select label, batch from load_files where file_no = {number[id(s)]:d}) f"
            )
        # A view, not a copy: validated text is cast again where it is read, which costs less
        # than materialising every row a second time.
        con.execute(f"create temp view stg_{table} as " + " union all ".join(parts))


def _upsert(con: duckdb.DuckDBPyConnection, kind: ExtractKind, synthetic: bool) -> None:
    key = ", ".join(q(k) for k in kind.key)
    cols = [c.name for c in kind.columns]
    # rows_updated: keys already stored; rows_inserted: the rest.
    counts = con.execute(
        f"""select _batch, count(*) as n,
                   count(*) filter (where ({key}) in (select ({key}) from {q(kind.table)})) as n_upd
            from stg_{kind.table} group by _batch"""  # noqa: S608
    ).fetchall()
    for batch, n, n_upd in counts:
        con.execute(
            """update load_batches set rows_updated = rows_updated + ?,
                   rows_inserted = rows_inserted + ? where batch_id = ?""",
            [n_upd, n - n_upd, batch],
        )
    extra_cols, extra_vals = "", ""
    if kind.table == "incidents":
        extra_cols, extra_vals = ", synthetic", f", {'true' if synthetic else 'false'}"
    names = ", ".join(q(c) for c in cols)
    insert = (
        f"into {q(kind.table)} ({names}, batch_id{extra_cols}) "  # noqa: S608
        f"select {names}, _batch{extra_vals} from stg_{kind.table}"
    )
    if _has_primary_key(con, kind.table):
        # A database created before the keys lost their PRIMARY KEY constraint (etl/schema.sql).
        verb = "insert or replace" if any(n_upd for _, _, n_upd in counts) else "insert"
        con.execute(f"{verb} {insert}")
        return
    if any(n_upd for _, _, n_upd in counts):
        # Upsert = the stored rows of the staged keys go, the staged rows come in (validation
        # made the staged keys unique, so each key ends up exactly once).
        match = " and ".join(f"t.{q(k)} = s.{q(k)}" for k in kind.key)
        con.execute(
            f"delete from {q(kind.table)} t using (select distinct {key} from stg_{kind.table}) s "  # noqa: S608
            f"where {match}"
        )
    # Row order in the stored table means nothing (the staging tables keep file order, for line
    # numbers): letting DuckDB write in any order uses both threads.
    con.execute("set preserve_insertion_order = false")
    try:
        con.execute(f"insert {insert}")
    finally:
        con.execute("reset preserve_insertion_order")


def _has_primary_key(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            """select count(*) from duckdb_constraints()
               where table_name = ? and constraint_type = 'PRIMARY KEY'
                 and database_name = current_database() and schema_name = 'main'""",
            [table],
        ).fetchone()[0]
    )


def _load_register(
    con: duckdb.DuckDBPyConnection,
    s: Staged,
    batch_id: int,
    synthetic: bool,
    problems: list[Problem],
) -> None:
    """One register file = one snapshot: a new set of rows keyed by its snapshot date."""
    t = s.table
    if s.kind.name == "register_new":
        snapshot, snapshot_row = con.execute(
            f"select cast(max(last_update) as date), 1 from {t}"  # noqa: S608
        ).fetchone()
        record_id = "cast(r.id as bigint)"
        gender = "nullif(trim(r.gender), '')"
    else:
        snapshot, snapshot_row = con.execute(
            f"select cast(max(incident_date) as date), 1 from {t}"  # noqa: S608
        ).fetchone()
        record_id, gender = "null", "null"
    if snapshot is None:
        problems.append(Problem(s.label, None, None, "register file has no rows"))
        return
    existing = con.execute(
        """select s.batch_id, b.file_name from register_snapshots s
           join load_batches b using (batch_id) where s.snapshot_date = ?""",
        [snapshot],
    ).fetchone()
    if existing:
        problems.append(
            Problem(
                s.label,
                snapshot_row,
                "last_update" if s.kind.name == "register_new" else "incident_date",
                f"snapshot {snapshot} is already loaded from {existing[1]} (batch {existing[0]}) "
                "with different content",
                "a snapshot is loaded once and kept whole; load a newer snapshot instead",
            )
        )
        return
    con.execute(
        f"""insert into register_records (snapshot_date, casualty_id, nationality_name,
                record_id, incident_date, mission_code, mission_acronym, personnel_type,
                incident_type, gender, nationality_iso3, m49, batch_id)
            select ?, r.casualty_id, coalesce(r.casualty_nationality, ''), {record_id},
                   cast(r.incident_date as date), a.mission_code, r.mission_acronym,
                   trim(r.casualty_personnel_type), r.type_of_incident, {gender},
                   coalesce(nullif(trim(r.isocode3), ''), ca.iso3),
                   cast(cast(r.m49_code as double) as integer), ?
            from {t} r
            join ref_mission_aliases a on a.alias = r.mission_acronym
            left join ref_country_aliases ca on ca.label = r.casualty_nationality""",  # noqa: S608
        [snapshot, batch_id],
    )
    con.execute(
        "insert into register_snapshots values (?, ?, ?, ?)",
        [snapshot, batch_id, s.rows, synthetic],
    )
    con.execute(
        "update load_batches set rows_inserted = rows_inserted + ? where batch_id = ?",
        [s.rows, batch_id],
    )


def report_lines(result: LoadResult) -> list[str]:
    """Human-readable lines for stderr."""
    lines = list(result.notes)
    lines += [str(p) for p in result.problems]
    return lines


def print_problems(result: LoadResult, stream=sys.stderr) -> None:
    for line in report_lines(result):
        print(line, file=stream)
