"""Shared test fixtures: paths to the real data in ../shared and a small demo database."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "external"
REGISTER = SHARED / "un-pko-fatalities"
REGISTER_2021 = REGISTER / "odp_noticas_2021-06.csv"
REGISTER_2023 = REGISTER / "dppadposs-fatalities_2023-11-28.csv"
REGISTER_2025 = REGISTER / "dppadposs-fatalities_2025-04-04.csv"
AWSD = SHARED / "awsd" / "security_incidents_2021-06-21.csv"
