"""Benchmark of the demo generator (a script, not a test): wall time, CPU time and peak memory
of etl.demo.build_demo at scales giving about 1M and 10M national case files.

    python benchmarks/bench_demo.py                 # ~1M cases, then ~10M cases
    python benchmarks/bench_demo.py --cases 1e6     # one size
    python benchmarks/bench_demo.py --scale 540 --models
    python benchmarks/bench_demo.py --reference     # + DuckDB alone writing the same rows

Each build runs in a fresh subprocess so its peak RSS (getrusage ru_maxrss) is its own. CPU
time (user + system, all threads) is reported beside wall time because a shared machine
inflates wall time. With --models the model build (etl/models.sql) is timed apart, after the
demo tables. Budgets (issue 2): 1M cases <= 5 s, 10M cases <= 30 s, peak RSS < 2 GB.

With --reference each build is followed by DuckDB alone writing the same rows: the demo's
tables copied, as they are, into a new database file under the demo's settings (memory limit,
no insertion order), in a fresh subprocess. No generator can write those rows in less, so the
ratio demo / reference is the figure that travels between machines.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from etl.demo import build_demo
t0, c0 = time.perf_counter(), time.process_time()
counts = build_demo({db!r}, seed=2589, scale={scale!r}, models=False)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = dict(wall=wall, cpu=cpu, rss_mb=rss, counts=counts)
if {models!r}:
    # the models of the demo just built, under the demo's settings (build_demo(models=True)
    # runs the same statements before its final checkpoint)
    import duckdb
    from etl.models import build_models
    t0, c0 = time.perf_counter(), time.process_time()
    con = duckdb.connect({db!r})
    con.execute("set memory_limit = '1400MB'")
    con.execute("set temp_directory = " + repr({db!r} + ".spill"))
    build_models(con)
    con.execute("checkpoint")
    con.close()
    out.update(models_wall=time.perf_counter() - t0, models_cpu=time.process_time() - c0,
               rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""

REFERENCE = r"""
import json, resource, time, duckdb
src, dst = {db!r}, {db!r} + ".copy"
con = duckdb.connect(dst)
con.execute("set memory_limit = '1400MB'")
con.execute("set preserve_insertion_order = false")
con.execute("set enable_progress_bar = false")
con.execute("attach " + repr(src) + " as src (read_only)")
tables = [t for (t,) in con.execute(
    "select table_name from duckdb_tables() where database_name = 'src' and not internal"
    " and table_name in (select unnest(?))", [{tables!r}]).fetchall()]
t0, c0 = time.perf_counter(), time.process_time()
rows = 0
for t in tables:
    con.execute(f"create table {{t}} as select * from src.{{t}}")
    rows += con.execute(f"select count(*) from {{t}}").fetchone()[0]
con.execute("detach src")
con.execute("checkpoint")
con.close()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(wall=wall, cpu=cpu, rss_mb=rss, rows=rows)))
"""


def cases_per_scale() -> float:
    """Case files generated per unit of scale (measured at scale 4)."""
    with tempfile.TemporaryDirectory() as d:
        r = run(Path(d) / "probe.duckdb", 4.0, False)
    return r["counts"]["cases"] / 4.0


def run(db: Path, scale: float, models: bool) -> dict:
    return _child(CHILD.format(root=str(ROOT), db=str(db), scale=scale, models=models))


def reference(db: Path, tables: list[str]) -> dict:
    """DuckDB alone copying the extract tables of the demo at `db` into a new file."""
    out = _child(REFERENCE.format(db=str(db), tables=tables))
    Path(str(db) + ".copy").unlink(missing_ok=True)
    return out


def _child(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        errors = [ln for ln in out.stderr.splitlines() if "Error" in ln] or out.stderr.splitlines()[
            -1:
        ]
        return {"error": errors[-1] if errors else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=float, action="append", help="target number of case files")
    ap.add_argument("--scale", type=float, action="append", help="explicit scale(s)")
    ap.add_argument(
        "--models", action="store_true", help="then time etl.models.build_models on it, apart"
    )
    ap.add_argument(
        "--reference",
        action="store_true",
        help="then time DuckDB alone copying the demo's extract tables into a new file",
    )
    ap.add_argument("--dir", default=None, help="where to write the database (default: a temp dir)")
    a = ap.parse_args()
    per = cases_per_scale()
    scales = list(a.scale or []) + [round(c / per) for c in (a.cases or [])]
    if not scales:
        scales = [round(1e6 / per), round(1e7 / per)]
    print(f"{per:.0f} cases per unit of scale")
    with tempfile.TemporaryDirectory(dir=a.dir) as d:
        for scale in scales:
            r = run(Path(d) / f"bench-{scale:g}.duckdb", scale, a.models)
            if "error" in r:
                print(f"scale {scale:g}: failed: {r['error']}", flush=True)
                continue
            c = r["counts"]
            rows = sum(v for k, v in c.items() if k != "load_batches")
            print(
                f"scale {scale:g}: {c['cases']:,} cases, {c['incidents']:,} incidents, {rows:,} rows"
                f" | demo: wall {r['wall']:.1f} s, cpu {r['cpu']:.1f} s"
                + (
                    f"; models: wall {r['models_wall']:.1f} s, cpu {r['models_cpu']:.1f} s"
                    if "models_cpu" in r
                    else ""
                )
                + f"; peak RSS {r['rss_mb']:.0f} MB",
                flush=True,
            )
            if a.reference:
                # the extract tables only (the model tables are not the generator's)
                tables = sorted(k for k in c if k != "load_batches")
                ref = reference(Path(d) / f"bench-{scale:g}.duckdb", tables)
                if "error" in ref:
                    print(f"  reference: failed: {ref['error']}", flush=True)
                else:
                    print(
                        f"  reference, DuckDB alone copying the same {ref['rows']:,} rows into a"
                        f" new file: wall {ref['wall']:.1f} s, cpu {ref['cpu']:.1f} s, peak RSS"
                        f" {ref['rss_mb']:.0f} MB | demo / reference: wall"
                        f" {r['wall'] / ref['wall']:.2f}x, cpu {r['cpu'] / ref['cpu']:.2f}x",
                        flush=True,
                    )
            (Path(d) / f"bench-{scale:g}.duckdb").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
