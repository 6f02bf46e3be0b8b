"""Benchmark of the metrics API on demo databases of about 1M and 10M cases (not a test).

    python benchmarks/bench_metrics.py [--cases 1000000 10000000] [--dir DIR] [--repeat 21]
                                       [--db PATH] [--no-pandas]

For each size: builds (or reuses) a demo database with etl.demo.build_demo at the scale that
gives that many cases, then times every public function the pages call (p50, p95, max over
--repeat runs after one warm-up) and, for comparison, the same headline KPIs computed the
common way: pandas over the full raw tables held in memory. Budgets (issue 3): rollup queries
p50 < 10 ms at any size; incident-grain queries p50 < 25 ms at 1M cases and < 150 ms at 10M;
nothing over 1 s. Prints a table and writes JSON next to the databases.

Workload kinds: 'rollup' (pages' headline numbers and trends), 'fact' (incident- or case-grain
queries: list filters and groups, contributor scopes, case lists, maps, notifications),
'analysis' and 'analyst' (held to the 1 s budget only). 'analysis' is a reading of the issue,
stated here so it can be challenged: its 25 ms budget names incident-grain *queries*, and
time_to_justice (a Kaplan-Meier estimator per cohort over every case) and state_progress (para
4(a): stage transitions per host State for two periods, with the changes) are multi-step
analyses, not one KPI query. Their p50 is printed beside the incident-grain budget too.
The pandas comparison is against the fact path (kpis for two nationalities, which no rollup
answers) and the rollup path (headline kpis).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

import metrics  # noqa: E402
from access.scope import FULL, Scope  # noqa: E402
from metrics import Filters  # noqa: E402

BUDGET_ROLLUP_MS = 10
BUDGET_FACT_MS = {1_000_000: 25, 10_000_000: 150}
BUDGET_MAX_MS = 1000


def build(path: Path, cases: int) -> dict:
    from etl.demo import CASES_PER_SCALE, build_demo

    scale = max(1.0, cases / CASES_PER_SCALE)
    t = time.perf_counter()
    counts = build_demo(str(path), seed=2589, scale=scale)
    return {"scale": scale, "build_s": round(time.perf_counter() - t, 1), "counts": counts}


def timed(fn, repeat: int) -> dict:
    """Wall-clock p50/p95/max and CPU p50 (process time, all DuckDB threads): on a shared,
    oversubscribed machine the CPU time is the steadier of the two."""
    fn()  # warm-up (file pages, plan caches)
    xs, cs = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        xs.append((time.perf_counter() - t) * 1000)
        cs.append((time.process_time() - c) * 1000)
    xs.sort()
    return {
        "p50": round(statistics.median(xs), 2),
        "p95": round(xs[min(len(xs) - 1, int(len(xs) * 0.95))], 2),
        "max": round(xs[-1], 2),
        "cpu_p50": round(statistics.median(cs), 2),
    }


def workloads(con) -> list[tuple[str, str, object]]:
    """(kind, name, callable): kind 'rollup' reads rollups only, 'fact' incident/case grain,
    'analysis' multi-step analyses (Kaplan-Meier, State progress) and 'analyst' heavier paths
    (past as-of dates, day-level periods), both with only the 1 s budget."""
    F = Filters()
    year = Filters(date_from="2024-01-01", date_to="2024-12-31")
    host = Scope(role="member_state", host_states=("CAF",))
    contributor = Scope(role="member_state", contributing_states=("BGD",))
    return [
        (
            "rollup",
            "SQL: sum cases by mission (rollup_cases)",
            lambda: con.execute(
                "select mission_code, sum(cases), sum(investigated) from rollup_cases group by 1"
            ).fetchall(),
        ),
        ("rollup", "kpis() headline", lambda: metrics.kpis(con, F, FULL)),
        ("rollup", "kpis() one year", lambda: metrics.kpis(con, year, FULL)),
        ("rollup", "kpis(by=mission)", lambda: metrics.kpis(con, F, FULL, by=("mission",))),
        ("rollup", "kpis() host State scope", lambda: metrics.kpis(con, F, host)),
        ("rollup", "funnel()", lambda: metrics.funnel(con, F, FULL)),
        (
            "rollup",
            "series(month, by mission)",
            lambda: metrics.series(
                con, F, FULL, measures=("killed", "injured", "cases"), by=("mission",)
            ),
        ),
        ("rollup", "kpi_change()", lambda: metrics.kpi_change(con, F, FULL)),
        (
            "fact",
            "SQL: case counts (fact_cases)",
            lambda: con.execute(
                "select count(*), count(investigation_opened_on), count(arrest_on),"
                " count(first_conviction_on), sum(persons_convicted)"
                " from fact_cases"
            ).fetchall(),
        ),
        (
            "fact",
            "kpis(nationality=BGD)",
            lambda: metrics.kpis(con, F.replace(nationalities=("BGD",)), FULL),
        ),
        (
            "fact",
            "kpis(nationality=BGD,NPL)",
            lambda: metrics.kpis(con, F.replace(nationalities=("BGD", "NPL")), FULL),
        ),
        ("fact", "kpis() contributor scope", lambda: metrics.kpis(con, F, contributor)),
        ("fact", "kpis(by=gender)", lambda: metrics.kpis(con, F, FULL, by=("gender",))),
        (
            "fact",
            "stalled_count(by mission)",
            lambda: metrics.stalled_count(con, F, FULL, by=("mission",)),
        ),
        (
            "fact",
            "case_list(1000, by days in stage)",
            lambda: metrics.case_list(con, F, FULL, sort="days_in_current_stage"),
        ),
        (
            "analysis",
            "time_to_justice(judgment, by year)",
            lambda: metrics.time_to_justice(con, F, FULL, cohort_by="year"),
        ),
        ("fact", "map_aggregates(grid 1 deg)", lambda: metrics.map_aggregates(con, F, FULL)),
        ("fact", "notifications_by_state()", lambda: metrics.notifications_by_state(con, F, FULL)),
        ("fact", "suspects_by_gender()", lambda: metrics.suspects_by_gender(con, F, FULL)),
        ("fact", "completeness()", lambda: metrics.completeness(con, F, FULL)),
        ("analysis", "state_progress()", lambda: metrics.state_progress(con, F, FULL)),
        (
            "analyst",
            "kpis(as_of=2024-06-30)",
            lambda: metrics.kpis(con, F.replace(as_of=date(2024, 6, 30)), FULL),
        ),
        (
            "analyst",
            "kpis(2024-01-15..2024-03-10)",
            lambda: metrics.kpis(
                con, F.replace(date_from="2024-01-15", date_to="2024-03-10"), FULL
            ),
        ),
    ]


def pandas_kpis(t: dict[str, pd.DataFrame]) -> dict:
    """Headline KPIs the common way: joins and group-bys over the raw tables in memory."""
    inc, vic, cas, ev = t["incidents"], t["victims"], t["cases"], t["case_events"]
    reg = t["register_records"]
    snap = reg["snapshot_date"].max()
    reg = reg[(reg["snapshot_date"] == snap) & (reg["incident_type"] == "Malicious Act")]
    v = vic.merge(inc[["incident_id", "act_type"]], on="incident_id")
    released = v["outcome"] == "released"
    abduction = v["act_type"] == "abduction"
    first = ev.groupby(["case_id", "stage"])["event_date"].min().unstack()
    persons = (
        ev.assign(p=ev["persons"].fillna(1)).groupby(["case_id", "stage"])["p"].sum().unstack()
    )
    c = cas.set_index("case_id").join(first).join(persons.add_suffix("_persons"))

    def has(col):
        return c[col].notna() if col in c else pd.Series(False, index=c.index)

    prosecuted = (
        has("charges")
        | has("trial_opened")
        | has("convicted")
        | has("convicted_in_absentia")
        | has("acquitted")
    )
    convicted = has("convicted") | has("convicted_in_absentia")
    n = len(c)
    return {
        "killed": len(reg),
        "injured": int((v["outcome"] == "injured").sum()),
        "detained": int(((v["outcome"] == "detained") | (released & ~abduction)).sum()),
        "abducted": int(((v["outcome"] == "abducted") | (released & abduction)).sum()),
        "incidents": len(inc),
        "cases": n,
        "investigated": int(has("investigation_opened").sum()),
        "investigation_rate": has("investigation_opened").sum() / n if n else None,
        "prosecuted": int(prosecuted.sum()),
        "convicted_cases": int(convicted.sum()),
        "conviction_rate": convicted.sum() / n if n else None,
        "persons_convicted": float(
            c.get("convicted_persons", pd.Series(dtype=float)).sum()
            + c.get("convicted_in_absentia_persons", pd.Series(dtype=float)).sum()
        ),
    }


def fact_budget(cases: int) -> int:
    """The incident-grain budget of the size nearest to `cases` (on a log scale: the 1M budget
    up to ~3.2M cases, the 10M budget beyond), from the database's own case count, so that
    `--db` on a 10M database is held to the 10M budget."""
    sizes = sorted(BUDGET_FACT_MS)
    return BUDGET_FACT_MS[min(sizes, key=lambda n: abs(math.log(max(cases, 1) / n)))]


def run(db: Path, cases: int, repeat: int, with_pandas: bool) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    counts = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
        for t in ("incidents", "victims", "cases", "case_events")
    }
    import os

    out = {"db": str(db), "counts": counts, "results": [], "loadavg_start": os.getloadavg()}
    budget_fact = fact_budget(counts["cases"])
    for kind, name, fn in workloads(con):
        r = timed(fn, repeat) | {"kind": kind, "name": name}
        budget = {"rollup": BUDGET_ROLLUP_MS, "fact": budget_fact}.get(kind, BUDGET_MAX_MS)
        r["budget_ms"] = budget
        r["ok"] = r["p50"] <= budget and r["max"] <= BUDGET_MAX_MS
        note = ""
        if kind == "analysis":
            r["within_fact_budget"] = r["p50"] <= budget_fact
            note = f" (fact budget {budget_fact}: {'ok' if r['within_fact_budget'] else 'over'})"
        out["results"].append(r)
        print(
            f"  {kind:8s} {name:40s} p50 {r['p50']:8.2f} ms  cpu {r['cpu_p50']:8.2f}  "
            f"p95 {r['p95']:8.2f}  "
            f"max {r['max']:8.2f}  budget {budget} {'ok' if r['ok'] else 'OVER'}{note}",
            flush=True,
        )
    out["loadavg_end"] = os.getloadavg()
    print(f"  load average {out['loadavg_start']} -> {out['loadavg_end']} (2 cores)", flush=True)
    if with_pandas:
        t0 = time.perf_counter()
        # the columns the KPIs need, every row (memory stays within the machine at 10M)
        needed = {
            "incidents": "incident_id, act_type",
            "victims": "incident_id, outcome",
            "cases": "case_id, incident_id",
            "case_events": "case_id, stage, event_date, persons",
            "register_records": "snapshot_date, incident_type",
        }
        tables = {
            name: con.execute(f"select {cols} from {name}").df()  # noqa: S608
            for name, cols in needed.items()
        }
        load_s = time.perf_counter() - t0
        pd_ms = timed(lambda: pandas_kpis(tables), max(3, repeat // 4))
        duck_fact = next(r for r in out["results"] if r["name"] == "kpis(nationality=BGD,NPL)")
        duck_roll = next(r for r in out["results"] if r["name"] == "kpis() headline")
        check = pandas_kpis(tables)
        mine = metrics.kpis(con, Filters(), FULL).iloc[0]
        agree = all(
            int(mine[k]) == int(check[k])
            for k in (
                "killed",
                "injured",
                "detained",
                "abducted",
                "incidents",
                "cases",
                "investigated",
                "prosecuted",
                "convicted_cases",
            )
        )
        out["pandas"] = {
            "load_s": round(load_s, 1),
            "kpis_ms": pd_ms,
            "ratio_vs_duckdb_fact": round(pd_ms["p50"] / duck_fact["p50"], 1),
            "ratio_vs_duckdb_rollup": round(pd_ms["p50"] / duck_roll["p50"], 1),
            "same_numbers": agree,
        }
        print(
            f"  pandas   full-table KPIs p50 {pd_ms['p50']:.1f} ms (load {load_s:.1f} s): "
            f"{out['pandas']['ratio_vs_duckdb_fact']}x the DuckDB fact path, "
            f"{out['pandas']['ratio_vs_duckdb_rollup']}x the rollup path; same numbers: "
            f"{agree}",
            flush=True,
        )
        del tables
    con.close()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--dir", default="/tmp/r2589-bench-metrics")
    p.add_argument("--db", help="benchmark this existing database only")
    p.add_argument("--models", action="store_true", help="rebuild the models of --db first")
    p.add_argument("--repeat", type=int, default=21)
    p.add_argument("--no-pandas", action="store_true")
    p.add_argument("--out", help="write the JSON report here (default: next to the databases)")
    args = p.parse_args(argv)
    report = []
    if args.db:
        targets = [(Path(args.db), args.cases[0])]
    else:
        d = Path(args.dir)
        d.mkdir(parents=True, exist_ok=True)
        targets = [(d / f"demo-{n}.duckdb", n) for n in args.cases]
    for db, n in targets:
        info = {}
        if args.db and args.models:
            from etl.models import build_models

            t = time.perf_counter()
            c = duckdb.connect(str(db))
            c.execute("set memory_limit = '1400MB'")  # as etl.demo builds them
            build_models(c)
            c.execute("checkpoint")
            c.close()
            info["models_s"] = round(time.perf_counter() - t, 1)
            print(f"  models rebuilt in {info['models_s']} s", flush=True)
        if not db.exists():
            print(f"building {db} (~{n:,} cases)...", flush=True)
            info = build(db, n)
            print(f"  built in {info['build_s']} s: {info['counts']}", flush=True)
        print(f"{db}:", flush=True)
        report.append(run(db, n, args.repeat, not args.no_pandas) | {"build": info})
    out = Path(args.db).with_suffix(".bench.json") if args.db else Path(args.dir) / "bench.json"
    if args.out:
        out = Path(args.out)
    out.write_text(json.dumps(report, indent=1, default=str))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
