"""The command line: exit codes, report, status, default path, demo; and the data dictionary
documents every column of every extract kind."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
from test_etl_support import CASE_FILES, cli, dump, file_digest, leftovers

from etl.extracts import KINDS

ROOT = Path(__file__).resolve().parents[1]


def test_usage_errors_exit_2(tmp_path):
    assert cli()[0] == 2
    assert cli("load")[0] == 2  # no FILE
    assert cli("frobnicate")[0] == 2


def test_load_writes_a_json_report_and_status_lists_the_loads(tmp_path):
    db = tmp_path / "r.duckdb"
    code, err = cli("load", "--db", db, *sorted(CASE_FILES.glob("*.csv")))
    assert code == 0, err
    assert "reading " in err and "incidents.csv: 4 rows, kind incidents" in err  # progress
    report = db.with_name("r.duckdb.load-report.json")
    assert f"report: {report}" in err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] == "loaded"
    assert {b["file_name"]: (b["rows_read"], b["rows_inserted"]) for b in data["batches"]}[
        "case_events.csv"
    ] == (9, 9)
    out = subprocess.run(
        [sys.executable, "-m", "etl", "status", "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "loads (9):" in out and "case_events.csv" in out and "register snapshots (0):" in out


def test_upsert_counts_updates_and_keeps_provenance(tmp_path):
    db = tmp_path / "r.duckdb"
    assert cli("load", "--quiet", "--db", db, *sorted(CASE_FILES.glob("*.csv")))[0] == 0
    newer = tmp_path / "incidents_2024.csv"
    lines = CASE_FILES.joinpath("incidents.csv").read_text(encoding="utf-8").splitlines()
    newer.write_text(
        "\n".join([lines[0], lines[-1].replace("unverified", "confirmed")]) + "\n", encoding="utf-8"
    )
    code, err = cli("load", "--quiet", "--db", db, newer)
    assert code == 0, err
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        """select i.verification, b.file_name, b.rows_inserted, b.rows_updated
           from incidents i join load_batches b using (batch_id) where incident_id = 'INC-0004'"""
    ).fetchone()
    con.close()
    assert row == ("confirmed", "incidents_2024.csv", 0, 1)


def test_upsert_replaces_without_primary_keys_and_in_a_database_that_still_has_them(tmp_path):
    """schema.sql declares no PRIMARY KEY on case-tracking tables (ART indexes made large loads
    slow): an upsert deletes the stored rows of the staged keys, then inserts. A database
    created while the tables had primary keys loads the same way (insert or replace)."""
    from etl.db import init_db
    from etl.extracts import CASE_TRACKING

    newer = tmp_path / "incidents_2024.csv"
    lines = CASE_FILES.joinpath("incidents.csv").read_text(encoding="utf-8").splitlines()
    newer.write_text(
        "\n".join([lines[0], lines[-1].replace("unverified", "confirmed")]) + "\n",
        encoding="utf-8",
    )
    dumps = []
    for keyed in (False, True):
        db = tmp_path / f"keyed-{keyed}.duckdb"
        con = duckdb.connect(str(db))
        init_db(con)
        if keyed:
            for kind in CASE_TRACKING:
                con.execute(f"alter table {kind.table} add primary key ({', '.join(kind.key)})")
        keys = con.execute(
            "select count(*) from duckdb_constraints() where constraint_type = 'PRIMARY KEY' "
            "and table_name = 'incidents'"
        ).fetchone()[0]
        con.close()
        assert keys == (1 if keyed else 0)
        assert cli("load", "--quiet", "--db", db, *sorted(CASE_FILES.glob("*.csv")))[0] == 0
        code, err = cli("load", "--quiet", "--db", db, newer)
        assert code == 0, err
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute(
            "select count(*), count(*) filter (where verification = 'confirmed') "
            "from incidents where incident_id = 'INC-0004'"
        ).fetchone() == (1, 1)
        con.close()
        dumps.append(dump(db))
    assert dumps[0] == dumps[1]


def test_default_database_path_comes_from_the_environment(tmp_path):
    db = tmp_path / "env.duckdb"
    out = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--quiet", str(CASE_FILES / "focal_points.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"R2589_DB": str(db), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""  # everything human goes to stderr
    assert db.exists() and f"into {db}" in out.stderr


def test_missing_file_is_rejected_without_creating_a_database(tmp_path):
    db = tmp_path / "none.duckdb"
    code, err = cli("load", "--db", db, tmp_path / "nope.csv")
    assert code == 1 and "nope.csv:-:-: no such file" in err
    assert not db.exists() and leftovers(db) == []


def test_one_bad_file_rejects_the_whole_load(tmp_path):
    db = tmp_path / "r.duckdb"
    assert cli("load", "--quiet", "--db", db, CASE_FILES / "focal_points.csv")[0] == 0
    before = file_digest(db)
    bad = tmp_path / "deployments.csv"
    bad.write_text("month,mission_code,contributor,gender,strength\n2023-01-15,MINUSCA,RWA,M,10\n")
    code, err = cli(
        "load",
        "--quiet",
        "--db",
        db,
        "--report",
        tmp_path / "r.json",
        CASE_FILES / "incidents.csv",
        bad,
    )
    assert code == 1
    assert f"{bad}:2:month: month 2023-01-15 is not the first day of a month" in err
    assert file_digest(db) == before


def test_demo_extracts_pass_validation_and_load(tmp_path):
    from etl.demo import write_extracts

    paths = write_extracts(tmp_path / "demo", 7, 0.05)
    db = tmp_path / "demo.duckdb"
    code, err = cli("load", "--quiet", "--synthetic", "--db", db, *paths)
    assert code == 0, err
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select bool_and(synthetic) from incidents").fetchone()[0] is True
    assert con.execute("select bool_and(synthetic) from load_batches").fetchone()[0] is True
    con.close()
    # and loading them again is a no-op
    before = dump(db)
    assert cli("load", "--quiet", "--db", db, *paths)[0] == 0
    assert dump(db) == before


def test_demo_command_builds_a_database(tmp_path):
    db = tmp_path / "demo.duckdb"
    code, err = cli("demo", "--db", db, "--seed", "3", "--scale", "0.02")
    assert code == 0, err
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from incidents").fetchone()[0] > 0
    con.close()


def test_models_command_rebuilds_models_that_predate_the_code_and_only_those(tmp_path):
    """A database built by an older checkout (no model_version stamp, and one model table it
    did not have) gets its models rebuilt, all else equal; a current one is left untouched."""
    from etl.models import models_current, models_sha

    db = tmp_path / "demo.duckdb"
    assert cli("demo", "--db", db, "--seed", "3", "--scale", "0.02")[0] == 0
    current = dump(db)
    assert current["model_version"] == [(models_sha(),)]
    con = duckdb.connect(str(db))
    con.execute("drop table model_version")
    con.execute("drop table rollup_kpis_facets")
    assert not models_current(con)
    con.close()

    code, err = cli("models", "--db", db)
    assert code == 0 and "models rebuilt" in err, err
    assert dump(db) == current
    assert leftovers(db) == []

    digest = file_digest(db)
    code, err = cli("models", "--db", db)
    assert code == 0 and "already current" in err, err
    assert file_digest(db) == digest
    assert cli("models", "--db", tmp_path / "none.duckdb")[0] == 1


def test_data_dictionary_documents_every_column_and_accepted_value():
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"`{kind.name}`" in text, kind.name
        for name in kind.header:
            assert re.search(rf"\| `{re.escape(name)}` \|", text), f"{kind.name}.{name}"
        for col in kind.columns:
            for value in col.accepted or ():
                assert f"`{value}`" in text, f"{kind.name}.{col.name}={value}"


def test_a_failing_data_test_rejects_the_load(tmp_path, monkeypatch):
    """Data tests run on the database as it would be committed; a bug that breaks a rule
    (here a model build that corrupts a row) rejects the load and changes nothing."""
    import etl.models

    db = tmp_path / "r.duckdb"
    assert cli("load", "--quiet", "--db", db, CASE_FILES / "focal_points.csv")[0] == 0
    before = file_digest(db)

    def corrupting_build(con):
        con.execute("update incidents set verification = 'rumour' where incident_id = 'INC-0001'")

    monkeypatch.setattr(etl.models, "build_models", corrupting_build)
    code, err = cli(
        "load",
        "--quiet",
        "--db",
        db,
        "--report",
        tmp_path / "r.json",
        *sorted(CASE_FILES.glob("*.csv")),
    )
    assert code == 1
    assert "data test:-:accepted_values_incidents_verification: 1 offending rows" in err
    assert file_digest(db) == before and leftovers(db) == []


def test_a_copy_left_by_a_killed_load_is_removed_by_the_next_load(tmp_path):
    db = tmp_path / "r.duckdb"
    assert cli("load", "--quiet", "--db", db, CASE_FILES / "focal_points.csv")[0] == 0
    stale = db.with_name(db.name + ".tmp-999999")
    stale.write_bytes(b"half a database")
    (tmp_path / (stale.name + ".tmp")).mkdir()  # DuckDB's spill folder of that copy
    assert cli("load", "--quiet", "--db", db, CASE_FILES / "deployments.csv")[0] == 0
    assert leftovers(db) == []
