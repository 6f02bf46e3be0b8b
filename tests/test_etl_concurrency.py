"""A dashboard process reading the database keeps answering while a load runs, and sees
either the whole old database or the whole new one, never half a load."""
# ruff: noqa: S608 - SQL built from test constants and pytest temporary paths

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import REGISTER_2023, REGISTER_2025
from test_etl_support import cli

pytestmark = pytest.mark.real_data
ROOT = Path(__file__).resolve().parents[1]
INCIDENTS = 150_000

READER = r"""
import json, sys, time
from pathlib import Path
import duckdb
db, done, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
Q = "select (select count(*) from register_records), (select count(*) from incidents)"
# 'held': one connection kept open across the load (as a cached st.cache_resource connection).
# 'fresh': a new connection per query. DuckDB caches one database instance per path and
# process, so the two modes must run in separate processes.
held = duckdb.connect(db, read_only=True) if mode == "held" else None
seen, errors, queries = set(), [], 0
print("READY", flush=True)
deadline = None
while True:
    try:
        con = held or duckdb.connect(db, read_only=True)
        seen.add(tuple(con.execute(Q).fetchone()))
        if not held:
            con.close()
        queries += 1
    except Exception as e:
        errors.append(repr(e))
    if done.exists():
        deadline = deadline or time.time() + 10
        if len(seen) > 1 or time.time() > deadline or held:
            break
    time.sleep(0.005)
print(json.dumps({"seen": sorted(seen), "errors": errors[:5], "queries": queries}))
"""


def test_a_reader_in_another_process_keeps_answering_during_a_load(tmp_path):
    db = tmp_path / "r2589.duckdb"
    assert cli("load", "--quiet", "--db", db, REGISTER_2023)[0] == 0
    big = tmp_path / "incidents.csv"
    con = duckdb.connect()
    con.execute(
        f"""copy (select 'INC-' || i as incident_id, strftime(date '2014-01-01' + (i % 3000)::int, '%Y-%m-%d') as occurred_at,
                    'MONUSCO' as mission_code, 'COD' as host_state, null as admin_area, null as place,
                    null as lat, null as lon, 'ambush' as act_type, null as perpetrator_group,
                    'narrative ' || i as narrative, 'confirmed' as verification, null as source
                 from range({INCIDENTS}) t(i)) to '{big}' (header)"""
    )
    con.close()
    done = tmp_path / "done"
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(done), mode],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("fresh", "held")
    }
    try:
        for r in readers.values():
            assert r.stdout.readline().strip() == "READY"
        time.sleep(0.2)
        started = time.perf_counter()
        code, err = cli("load", "--quiet", "--db", db, REGISTER_2025, big)
        load_seconds = time.perf_counter() - started
        assert code == 0, err
        done.touch()
        results = {}
        for mode, r in readers.items():
            out, errs = r.communicate(timeout=60)
            results[mode] = json.loads(out.strip().splitlines()[-1])
            assert results[mode]["errors"] == [], errs
    finally:
        for r in readers.values():
            if r.poll() is None:
                r.kill()
    old, new = [4350, 0], [4350 + 4429, INCIDENTS]
    # whole old, then whole new: never half a load
    assert results["fresh"]["seen"] == [old, new], results
    # a connection opened before the load keeps answering from the old file
    assert results["held"]["seen"] == [old], results
    assert results["fresh"]["queries"] > 10 and results["held"]["queries"] > 10
    assert load_seconds > 0.3


def test_a_process_holding_the_old_file_sees_the_new_one_through_connect_current(tmp_path):
    """connect_read on the same path keeps returning the old file while any connection to it
    is open in the process (DuckDB's instance cache); connect_current opens the file as it is
    now, and its cursors read it."""
    from etl.db import connect_current, connect_read, cursor_on

    db = tmp_path / "r2589.duckdb"
    assert cli("load", "--quiet", "--db", db, REGISTER_2023)[0] == 0
    old_read, old_current = connect_read(db), connect_current(db)
    assert cli("load", "--quiet", "--db", db, REGISTER_2025)[0] == 0
    count = "select count(*) from register_records"
    assert connect_read(db).execute(count).fetchone()[0] == 4350  # the trap
    new = connect_current(db)
    assert cursor_on(new).execute(count).fetchone()[0] == 4350 + 4429
    assert cursor_on(old_current).execute(count).fetchone()[0] == 4350  # still answering
    for con in (old_read, old_current, new):
        con.close()
