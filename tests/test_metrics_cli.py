"""`python -m metrics`: the stable command-line contract."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from test_metrics_fixtures import build_fixture

from etl.db import ROOT
from metrics.__main__ import main


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "fixture.duckdb"
    import duckdb

    con = duckdb.connect(str(path))
    build_fixture(con)
    con.close()
    return str(path)


def run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    try:
        code = main(list(argv), out=out)
    except SystemExit as e:  # argparse exits for bad options
        code = e.code
    return code, out.getvalue()


def test_kpis_json_is_a_list_of_objects_with_fractions_and_nulls(db):
    code, text = run("kpis", "--db", db, "--by", "mission", "--format", "json")
    assert code == 0
    rows = {r["mission"]: r for r in json.loads(text)}
    assert rows["MINUSMA"]["killed"] == 2
    assert rows["MINUSMA"]["investigation_rate"] == pytest.approx(2 / 3)
    assert rows["UNAMA"]["investigation_rate"] is None
    required = {
        "killed",
        "injured",
        "detained",
        "abducted",
        "incidents",
        "cases",
        "investigated",
        "investigation_rate",
        "prosecuted",
        "convicted_cases",
        "conviction_rate",
        "persons_convicted",
    }
    assert required <= set(rows["MINUSCA"])


def test_kpis_filters_and_incident_type_all(db):
    code, text = run("kpis", "--db", db, "--incident-type", "all", "--format", "json")
    assert json.loads(text)[0]["killed"] == 7
    code, text = run(
        "kpis",
        "--db",
        db,
        "--peacekeeping-only",
        "--from",
        "2021-01-01",
        "--to",
        "2021-12-31",
        "--format",
        "csv",
    )
    assert code == 0
    header, row = text.strip().splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["killed"] == "2"


def test_as_of_and_snapshot_flags(db):
    _, text = run("kpis", "--db", db, "--as-of", "2021-12-31", "--format", "json")
    assert json.loads(text)[0]["killed"] == 4
    _, text = run(
        "kpis", "--db", db, "--snapshot", "2023-11-28", "--as-of", "2021-12-31", "--format", "json"
    )
    assert json.loads(text)[0]["killed"] == 5


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--mission", "NOPE"], "NOPE"),
        (["--host-state", "XXX"], "XXX"),
        (["--nationality", "QQQ"], "QQQ"),
        (["--incident-type", "Murder"], "Murder"),
        (["--personnel-type", "Pilot"], "Pilot"),
        (["--gender", "X"], "'X'"),
        (["--by", "continent"], "continent"),
        (["--frobnicate"], "--frobnicate"),
        (["--format", "xml"], "xml"),
        (["--from", "2021-02-30"], "2021-02-30"),
    ],
)
def test_unknown_codes_and_flags_exit_2_naming_them_and_the_valid_values(db, argv, named, capsys):
    code, _ = run("kpis", "--db", db, *argv)
    err = capsys.readouterr().err
    assert code == 2
    assert named in err
    assert "valid" in err


def test_catalogue_formats():
    code, text = run("catalogue", "--format", "json")
    assert code == 0 and any(m["key"] == "investigation_rate" for m in json.loads(text))
    code, text = run("catalogue", "--format", "csv")
    assert text.startswith("key,question,")


def test_runs_as_a_module(db):
    proc = subprocess.run(
        [sys.executable, "-m", "metrics", "kpis", "--db", db, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["cases"] == 5


def test_scope_user_limits_the_rows(db, monkeypatch, tmp_path):
    """--scope-user computes as a user of the access directory ($R2589_USERS)."""
    users = tmp_path / "users.toml"
    users.write_text(
        '[[users]]\nusername = "minusca.focal"\nname = "MINUSCA focal point"\n'
        'role = "focal_point"\nmissions = ["MINUSCA"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("R2589_USERS", str(users))
    monkeypatch.setenv("R2589_SUPPRESSION_THRESHOLD", "2")
    code, text = run(
        "kpis", "--db", db, "--scope-user", "minusca.focal", "--by", "mission", "--format", "json"
    )
    assert code == 0
    assert {r["mission"] for r in json.loads(text)} == {"MINUSCA"}


def test_unknown_scope_user_exits_2(db, capsys):
    code, _ = run("kpis", "--db", db, "--scope-user", "nobody.at.all")
    assert code == 2 and "nobody.at.all" in capsys.readouterr().err
