"""Shared test fixtures: paths to the real data in ../shared and a small demo database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "external"
REGISTER = SHARED / "un-pko-fatalities"
REGISTER_2021 = REGISTER / "odp_noticas_2021-06.csv"
REGISTER_2023 = REGISTER / "dppadposs-fatalities_2023-11-28.csv"
REGISTER_2025 = REGISTER / "dppadposs-fatalities_2025-04-04.csv"
AWSD = SHARED / "awsd" / "security_incidents_2021-06-21.csv"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A small demo database (seed 2589, scale 0.05), and the app pointed at it (audit log in
    the same temp dir); one per test module, the environment restored afterwards."""
    from etl.demo import build_demo

    folder = tmp_path_factory.mktemp("app-db")
    db = folder / "demo.duckdb"
    build_demo(str(db), seed=2589, scale=0.05)
    saved = {k: os.environ.get(k) for k in ("R2589_DB", "R2589_AUDIT")}
    os.environ["R2589_DB"] = str(db)
    os.environ["R2589_AUDIT"] = str(folder / "audit.jsonl")
    yield db
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
