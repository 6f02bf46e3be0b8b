"""Load speed: CSV and XLSX extracts into the database file, end to end (`etl.load.load`:
staging, validation, upsert, model build, data tests, checkpoint and atomic swap).

    python benchmarks/bench_load.py                  # 1M incidents + 1M victims CSV, 200k-row XLSX
    python benchmarks/bench_load.py --csv-rows 2000000 --xlsx-rows 100000 --keep /tmp/bench

Targets (issue 2): CSV >= 1M rows/s, XLSX >= 200k rows/s. A script, not a test: figures depend on
the machine (and on what else runs on it), so it prints them instead of asserting.
"""
# ruff: noqa: S608 - SQL is built from our own constants and temporary paths

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.extracts import INCIDENTS  # noqa: E402
from etl.load import load  # noqa: E402

INCIDENT_SQL = """
select 'INC-' || lpad(i::varchar, 8, '0') as incident_id,
       strftime(timestamp '2013-01-01 00:00' + to_minutes((i * 7919) % 6000000), '%Y-%m-%dT%H:%M') as occurred_at,
       ['MINUSCA', 'MONUSCO', 'MINUSMA'][1 + i % 3] as mission_code,
       ['CAF', 'COD', 'MLI'][1 + i % 3] as host_state,
       'Area ' || (i % 20) as admin_area, 'Place ' || (i % 500) as place,
       round(4 + (i % 1000) / 1000.0, 4) as lat, round(18 + (i % 997) / 997.0, 4) as lon,
       ['killing', 'armed_attack', 'ied_mine', 'indirect_fire', 'ambush', 'detention'][1 + i % 6] as act_type,
       'group ' || (i % 40) as perpetrator_group,
       'Patrol attacked near the market; one peacekeeper injured' as narrative,
       ['confirmed', 'probable', 'possible', 'unverified'][1 + i % 4] as verification,
       'mission report' as source
from range({n}) t(i)
"""
VICTIM_SQL = """
select 'VIC-' || lpad(i::varchar, 8, '0') as victim_id,
       'INC-' || lpad(i::varchar, 8, '0') as incident_id,
       ['Military', 'Police', 'Local', 'International Civilian'][1 + i % 4] as personnel_category,
       ['BGD', 'PAK', 'RWA', 'EGY', 'SEN', 'FRA'][1 + i % 6] as nationality,
       case when i % 20 = 0 then 'F' when i % 50 = 1 then 'unknown' else 'M' end as gender,
       ['18-24', '25-34', '35-44', '45-54'][1 + i % 4] as age_band,
       ['killed', 'injured', 'injured', 'detained'][1 + i % 4] as outcome,
       null as casualty_id, null as full_name
from range({n}) t(i)
"""


REUSE = False


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def baseline(files: list[Path], folder: Path) -> tuple[float, float]:
    """DuckDB alone, at the same moment: read_csv (all VARCHAR) into a table of a file
    database. The machine may be shared; the ratio to this is the figure that travels.
    Returns (rows/s, CPU seconds)."""
    db = folder / "baseline.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("set enable_progress_bar = false")
    t, c = time.perf_counter(), _cpu()
    rows = 0
    for n, f in enumerate(files):
        con.execute(f"create table t{n} as select * from read_csv(?, all_varchar = true)", [str(f)])
        rows += con.execute(f"select count(*) from t{n}").fetchone()[0]
    con.execute("checkpoint")
    con.close()
    seconds, cpu = time.perf_counter() - t, _cpu() - c
    print(
        f"baseline DuckDB read_csv -> table: {rows:,} rows in {seconds:.2f} s = "
        f"{rows / seconds:,.0f} rows/s (CPU {cpu:.1f} s)"
    )
    return rows / seconds, cpu


def baseline_xlsx(book: Path, folder: Path) -> tuple[float, float]:
    """The reader alone: fastexcel (calamine) sheet -> Arrow -> table of a file database, no
    validation and no formula scan. Returns (rows/s, CPU seconds)."""
    import fastexcel

    db = folder / "baseline_xlsx.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("set enable_progress_bar = false")
    t, c = time.perf_counter(), _cpu()
    sheet = fastexcel.read_excel(str(book)).load_sheet(0, dtypes="string").to_arrow()
    con.register("sheet", sheet)
    con.execute("create table t as select * from sheet")
    con.execute("checkpoint")
    con.close()
    seconds, cpu = time.perf_counter() - t, _cpu() - c
    print(
        f"baseline fastexcel -> Arrow -> DuckDB table: {sheet.num_rows:,} rows in {seconds:.2f} s "
        f"= {sheet.num_rows / seconds:,.0f} rows/s (CPU {cpu:.1f} s)"
    )
    return sheet.num_rows / seconds, cpu


def _run(label: str, files: list[Path], db: Path, rows: int, base: tuple[float, float]) -> float:
    db.unlink(missing_ok=True)
    marks: list[tuple[float, float, str]] = []
    t0, c0 = time.perf_counter(), _cpu()
    result = load(
        files, db, progress=lambda m: marks.append((time.perf_counter() - t0, _cpu() - c0, m))
    )
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    if result.status != "loaded":
        for p in result.problems[:10]:
            print(p)
        raise SystemExit(f"{label}: load {result.status}")
    print(
        f"{label}: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s "
        f"(CPU {cpu:.1f} s; database {db.stat().st_size / 1e6:.0f} MB)"
    )
    steps = [(0.0, 0.0, "hash, copy, reference data")]
    steps += [m for m in marks if not m[2].startswith("  ")] + [(seconds, cpu, "end")]
    print("      wall     CPU  step")
    models = models_cpu = 0.0
    for (at, c_at, msg), (nxt, c_nxt, _) in zip(steps, steps[1:], strict=False):
        print(f"    {nxt - at:6.2f}  {c_nxt - c_at:6.2f}  {msg}")
        if msg == "building models":
            models, models_cpu = nxt - at, c_nxt - c_at
    print(
        f"    without the model build (etl/models.sql): {rows / (seconds - models):,.0f} rows/s "
        f"(CPU {cpu - models_cpu:.1f} s)"
    )
    rate, base_cpu = base
    print(
        f"    vs baseline: wall {rate / (rows / seconds):.2f}x "
        f"({rate / (rows / (seconds - models)):.2f}x without models); "
        f"CPU {cpu / base_cpu:.2f}x ({(cpu - models_cpu) / base_cpu:.2f}x without models)"
    )
    return rows / seconds


def bench_csv(folder: Path, n: int) -> float:
    con = duckdb.connect()
    inc, vic = folder / "incidents.csv", folder / "victims.csv"
    t = time.perf_counter()
    con.execute(f"copy ({INCIDENT_SQL.format(n=n)}) to '{inc}' (header)")
    con.execute(f"copy ({VICTIM_SQL.format(n=n)}) to '{vic}' (header)")
    con.close()
    mb = (inc.stat().st_size + vic.stat().st_size) / 1e6
    print(f"wrote {2 * n:,} CSV rows ({mb:.0f} MB) in {time.perf_counter() - t:.1f} s")
    base = baseline([inc, vic], folder)
    return _run("CSV  incidents+victims", [inc, vic], folder / "csv.duckdb", 2 * n, base)


def bench_xlsx(folder: Path, n: int) -> float:
    import xlsxwriter

    book = folder / "incidents.xlsx"
    marker = folder / f"incidents.xlsx.{n}"
    if REUSE and marker.exists() and book.exists():
        print(f"reusing {book} ({n:,} rows)")
    else:
        t = time.perf_counter()
        rows = duckdb.sql(INCIDENT_SQL.format(n=n)).fetchall()
        wb = xlsxwriter.Workbook(str(book), {"constant_memory": True})
        ws = wb.add_worksheet("incidents")
        ws.write_row(0, 0, [c.name for c in INCIDENTS.columns])
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write_string(r, c, str(v))
        wb.close()
        marker.touch()
        print(
            f"wrote {n:,} XLSX rows ({book.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t:.1f} s"
        )
    base = baseline_xlsx(book, folder)
    return _run("XLSX incidents", [book], folder / "xlsx.duckdb", n, base)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--csv-rows", type=int, default=1_000_000, help="incidents (and as many victims)"
    )
    ap.add_argument("--xlsx-rows", type=int, default=200_000)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    ap.add_argument(
        "--reuse", action="store_true", help="with --keep: reuse the XLSX written by a former run"
    )
    ap.add_argument("--skip-csv", action="store_true")
    ap.add_argument("--skip-xlsx", action="store_true")
    args = ap.parse_args()
    global REUSE  # noqa: PLW0603
    REUSE = bool(args.reuse and args.keep)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_load_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        csv_rate = 0.0 if args.skip_csv else bench_csv(folder, args.csv_rows)
        xlsx_rate = 0.0 if args.skip_xlsx else bench_xlsx(folder, args.xlsx_rows)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"load average: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} "
        f"on {__import__('os').cpu_count()} cores"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"summary: CSV {csv_rate:,.0f} rows/s (target 1,000,000); "
        f"XLSX {xlsx_rate:,.0f} rows/s (target 200,000); peak RSS {peak:,.0f} MB"
    )


if __name__ == "__main__":
    main()
