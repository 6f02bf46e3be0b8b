# ruff: noqa: S608 - every SQL text here is built from this module's constants, never from input
"""Deterministic synthetic demo data: every table of etl/schema.sql, realistic and flagged.

Everything is generated inside DuckDB from `range()` with hash-based pseudo-randomness
(`rnd(key, salt)` = top 53 bits of `hash(key, salt, seed)` as a double in [0, 1)), so a build
is a dozen set-based SQL statements, not a Python loop per row. Weighted picks use CASE
thresholds or equi-joins on 1,000-slot lookup tables; incidents are allocated to mission x year
buckets by stratified allocation (exact proportions), then everything else hangs off them.

Scale: `scale` multiplies every incident-driven population (incidents and what hangs off them,
the synthetic register, capacity-building activities). Scale 1 is the realistic size: about
2,400 incidents 2013-2026 (about 210 deadly, shaped like the real register's "Malicious Act"
deaths by mission and year), 2,800 victims (about 370 killed, 1,900 injured), 1,750 national
case files, 1,500 register records. Cases grow linearly: CASES_PER_SCALE (about 1,750) x scale
(scale 570 -> ~1M cases, scale 5,700 -> ~10M). Focal points, deployments and the six hand-written "anchor"
cases (shaped like the public verdicts listed in DOMAIN.md) do not scale. Timings: see
benchmarks/bench_demo.py. At benchmark scales the cost is mostly DuckDB compressing and writing
about 8 rows per case (unique string ids, narratives); the scaled tables are written without
primary-key indexes (see SCALED_TABLES).

Same seed and scale => identical table contents (not identical file bytes: DuckDB's storage
layout depends on thread scheduling). Every row is synthetic: `synthetic = true` where the
column exists; sources, narratives and names say SYNTHETIC; the load batch has kind 'demo'.
Nothing is dated after DATA_END (the demo's "as of" date).
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path

import duckdb

from etl.db import SCHEMA_SQL, init_db

DATA_END = date(2026, 10, 31)  # the demo's "as of" date: nothing happens after it
FIRST_YEAR = 2013
SOURCE = "SYNTHETIC demo"
SLOTS = 1000  # resolution of weighted picks (one slot = 0.1 %)
CASES_PER_SCALE = 1750  # national case files per unit of scale (measured; tests keep it honest)

# Tables whose size grows with `scale`. They are created from schema.sql's definitions minus
# any PRIMARY KEY: DuckDB maintains a key as an ART index that costs CPU per inserted row and
# must fit in memory (at 10M cases it does not fit in 2 GB). Up to KEYED_MAX_SCALE the keys are
# added back after the bulk insert (one index build per table), so a realistic-size demo has
# exactly schema.sql's constraints; above it (benchmark sizes) uniqueness is the data tests'
# job (etl/checks.py), as for loaded tables once schema.sql carries no keys.
SCALED_TABLES = (
    "register_records",
    "incidents",
    "victims",
    "cases",
    "case_events",
    "suspects",
    "notifications",
    "assistance",
)
KEYED_MAX_SCALE = 50.0

TABLES = (
    "load_batches",
    "register_snapshots",
    "register_records",
    "incidents",
    "victims",
    "cases",
    "case_events",
    "suspects",
    "notifications",
    "assistance",
    "focal_points",
    "deployments",
)

# ---------------------------------------------------------------------------------- missions
# profile: act-type and perpetrator mix; justice: host-State justice profile (stage odds).
# start/end: operational window used for incidents (transfer of authority, closure).
MISSIONS: dict[str, dict] = {
    "MINUSMA": dict(host="MLI", profile="MLI", start="2013-07-01", end="2023-12-31", base=50),
    "MINUSCA": dict(host="CAF", profile="CAF", start="2014-09-15", end=None, base=40),
    "MONUSCO": dict(host="COD", profile="COD", start="2013-01-01", end=None, base=30),
    "UNMISS": dict(host="SSD", profile="PKO", start="2013-01-01", end=None, base=16),
    "UNAMID": dict(host="SDN", profile="PKO", start="2013-01-01", end="2020-12-31", base=18),
    "UNISFA": dict(host="SDN", profile="PKO", start="2013-01-01", end=None, base=5),
    "UNIFIL": dict(host="LBN", profile="OBS", start="2013-01-01", end=None, base=5),
    "UNDOF": dict(host="SYR", profile="OBS", start="2013-01-01", end=None, base=1.5),
    "UNFICYP": dict(host="CYP", profile="OBS", start="2013-01-01", end=None, base=1),
    "MINURSO": dict(host="ESH", profile="OBS", start="2013-01-01", end=None, base=0.7),
    "MINUSTAH": dict(host="HTI", profile="PKO", start="2013-01-01", end="2017-10-15", base=5),
    "UNOCI": dict(host="CIV", profile="PKO", start="2013-01-01", end="2017-06-30", base=3),
    "UNMIL": dict(host="LBR", profile="PKO", start="2013-01-01", end="2018-03-30", base=1.5),
    "UNAMA": dict(host="AFG", profile="SPM", start="2013-01-01", end=None, base=2),
    "UNAMI": dict(host="IRQ", profile="SPM", start="2013-01-01", end="2025-12-31", base=1),
    "UNSOM": dict(host="SOM", profile="SPM", start="2013-06-03", end="2024-10-30", base=2),
    "UNSMIL": dict(host="LBY", profile="SPM", start="2013-01-01", end=None, base=1.5),
    "BINUH": dict(host="HTI", profile="SPM", start="2019-10-16", end=None, base=2),
}

# Year multipliers of the non-lethal incident rate (surges the public record describes).
SURGES = {
    ("UNIFIL", 2024): 5.0,
    ("UNIFIL", 2023): 1.5,
    ("MONUSCO", 2022): 1.6,
    ("MONUSCO", 2025): 1.5,
    ("MINUSCA", 2021): 1.4,
    ("MINUSMA", 2023): 0.6,
    ("UNMISS", 2014): 1.8,
    ("UNAMID", 2013): 1.5,
}

# Deaths by malicious act: the real register (snapshot 2023-11-28) for 2013-2023, snapshot
# 2025-04-04 for 2024 and January-February 2025, team estimates for the rest of 2025-2026.
DEATHS: dict[str, dict[int, int]] = {
    "MINUSMA": {
        2013: 4,
        2014: 28,
        2015: 12,
        2016: 27,
        2017: 24,
        2018: 11,
        2019: 22,
        2020: 6,
        2021: 20,
        2022: 15,
        2023: 5,
    },
    "MINUSCA": {
        2014: 1,
        2015: 11,
        2016: 2,
        2017: 15,
        2018: 7,
        2019: 2,
        2020: 6,
        2021: 4,
        2022: 3,
        2023: 1,
        2024: 1,
        2025: 2,
        2026: 1,
    },
    "MONUSCO": {
        2013: 4,
        2014: 1,
        2015: 3,
        2017: 19,
        2018: 8,
        2020: 1,
        2021: 1,
        2022: 13,
        2023: 1,
        2025: 4,
        2026: 1,
    },
    "UNAMID": {2013: 16, 2014: 6, 2015: 3, 2016: 1, 2017: 1},
    "UNMISS": {2013: 9, 2014: 1, 2015: 1, 2016: 2, 2018: 1, 2024: 1},
    "UNISFA": {2013: 2, 2014: 1, 2015: 2, 2016: 1, 2019: 1, 2024: 2},
    "UNIFIL": {2015: 1, 2022: 1},
    "UNDOF": {2013: 1},
    "MINUSTAH": {2015: 1},
    "UNOCI": {2016: 1},
    "UNAMA": {2014: 1, 2015: 1},
    "UNAMI": {2020: 1},
    "UNSMIL": {2019: 3},
    "BINUH": {2019: 1},
    "UNSOM": {2024: 1},
}
KILLED_PER_LETHAL = ((1, 70), (2, 15), (3, 7), (4, 4), (6, 2), (10, 2))
MEAN_KILLED = sum(k * w for k, w in KILLED_PER_LETHAL) / sum(w for _, w in KILLED_PER_LETHAL)

# Towns: (name, admin area, lat, lon, jitter in degrees, weight). Jitter is small where a
# border or a lake is close (Goma, Bangui, Uvira, Naqoura...).
TOWNS: dict[str, list[tuple]] = {
    "MINUSMA": [
        ("Kidal", "Kidal", 18.4411, 1.4078, 0.10, 14),
        ("Aguelhok", "Kidal", 19.4614, 0.8583, 0.08, 12),
        ("Tessalit", "Kidal", 20.2011, 1.0114, 0.08, 10),
        ("Gao", "Gao", 16.2667, -0.0400, 0.10, 14),
        ("Ansongo", "Gao", 15.6597, 0.5022, 0.10, 5),
        ("Ménaka", "Ménaka", 15.9182, 2.4022, 0.10, 6),
        ("Tombouctou", "Tombouctou", 16.7735, -3.0074, 0.10, 10),
        ("Goundam", "Tombouctou", 16.4145, -3.6708, 0.08, 3),
        ("Léré", "Tombouctou", 15.7167, -4.9167, 0.08, 3),
        ("Mopti", "Mopti", 14.4843, -4.1827, 0.08, 6),
        ("Douentza", "Mopti", 15.0019, -2.9498, 0.10, 5),
        ("Bandiagara", "Mopti", 14.3500, -3.6100, 0.08, 3),
        ("Bamako", "District de Bamako", 12.6392, -8.0029, 0.04, 4),
        ("Siby", "Koulikoro", 12.3833, -8.3333, 0.05, 1),
    ],
    "MINUSCA": [
        ("Bangui", "Bangui", 4.3947, 18.5582, 0.03, 16),
        ("Bangassou", "Mbomou", 4.7413, 22.8184, 0.05, 10),
        ("Kaga-Bandoro", "Nana-Grébizi", 6.9896, 19.1874, 0.10, 8),
        ("Bambari", "Ouaka", 5.7679, 20.6757, 0.10, 9),
        ("Bria", "Haute-Kotto", 6.5423, 21.9863, 0.10, 8),
        ("Obo", "Haut-Mbomou", 5.3998, 26.4869, 0.08, 4),
        ("Zémio", "Haut-Mbomou", 5.0314, 25.1361, 0.05, 3),
        ("Bouar", "Nana-Mambéré", 5.9500, 15.6000, 0.10, 5),
        ("Paoua", "Ouham-Pendé", 7.2434, 16.4401, 0.10, 5),
        ("Ndélé", "Bamingui-Bangoran", 8.4109, 20.6473, 0.10, 4),
        ("Batangafo", "Ouham", 7.3008, 18.2836, 0.10, 5),
        ("Alindao", "Basse-Kotto", 5.0265, 21.2079, 0.10, 4),
    ],
    "MONUSCO": [
        ("Beni", "Nord-Kivu", 0.4911, 29.4731, 0.08, 18),
        ("Butembo", "Nord-Kivu", 0.1264, 29.2911, 0.06, 6),
        ("Goma", "Nord-Kivu", -1.6792, 29.2228, 0.02, 9),
        ("Rutshuru", "Nord-Kivu", -1.1833, 29.4500, 0.05, 7),
        ("Eringeti", "Nord-Kivu", 0.5833, 29.6500, 0.05, 5),
        ("Bunia", "Ituri", 1.5593, 30.2522, 0.06, 10),
        ("Djugu", "Ituri", 1.9244, 30.4978, 0.06, 7),
        ("Uvira", "Sud-Kivu", -3.3953, 29.1378, 0.02, 5),
        ("Bukavu", "Sud-Kivu", -2.5083, 28.8608, 0.02, 4),
        ("Kananga", "Kasaï-Central", -5.8962, 22.4166, 0.08, 2),
        ("Kinshasa", "Kinshasa", -4.3217, 15.3126, 0.02, 2),
    ],
    "UNMISS": [
        ("Juba", "Central Equatoria", 4.8594, 31.5713, 0.05, 10),
        ("Malakal", "Upper Nile", 9.5334, 31.6605, 0.06, 7),
        ("Bor", "Jonglei", 6.2092, 31.5589, 0.08, 5),
        ("Bentiu", "Unity", 9.2333, 29.8333, 0.08, 6),
        ("Wau", "Western Bahr el Ghazal", 7.7011, 27.9953, 0.08, 4),
        ("Yei", "Central Equatoria", 4.0950, 30.6778, 0.05, 3),
        ("Akobo", "Jonglei", 7.7833, 33.0000, 0.03, 2),
    ],
    "UNAMID": [
        ("El Fasher", "North Darfur", 13.6279, 25.3494, 0.10, 8),
        ("Nyala", "South Darfur", 12.0500, 24.8833, 0.10, 7),
        ("El Geneina", "West Darfur", 13.4525, 22.4472, 0.05, 4),
        ("Zalingei", "Central Darfur", 12.9096, 23.4741, 0.08, 4),
        ("Kutum", "North Darfur", 14.2000, 24.6667, 0.08, 3),
    ],
    "UNISFA": [
        ("Abyei", "Abyei Area", 9.5950, 28.4370, 0.05, 6),
        ("Agok", "Abyei Area", 9.3500, 28.5833, 0.04, 3),
        ("Diffra", "Abyei Area", 9.9800, 28.4300, 0.04, 2),
    ],
    "UNIFIL": [
        ("Naqoura", "South Lebanon", 33.1181, 35.1394, 0.02, 4),
        ("Tyre", "South Lebanon", 33.2705, 35.2038, 0.02, 3),
        ("Bint Jbeil", "Nabatieh", 33.1200, 35.4336, 0.02, 3),
        ("Marjayoun", "Nabatieh", 33.3603, 35.5917, 0.02, 3),
    ],
    "UNDOF": [
        ("Camp Faouar", "Quneitra", 33.2000, 35.9000, 0.02, 3),
        ("Quneitra", "Quneitra", 33.1260, 35.8240, 0.01, 2),
    ],
    "UNFICYP": [
        ("Nicosia buffer zone", "Nicosia", 35.1725, 33.3650, 0.02, 3),
        ("Pyla", "Larnaca", 35.0131, 33.6922, 0.01, 1),
    ],
    "MINURSO": [
        ("Laayoune", "Western Sahara", 27.1536, -13.2033, 0.05, 2),
        ("Smara", "Western Sahara", 26.7384, -11.6719, 0.05, 1),
    ],
    "MINUSTAH": [
        ("Port-au-Prince", "Ouest", 18.5944, -72.3074, 0.03, 6),
        ("Cité Soleil", "Ouest", 18.5800, -72.3300, 0.01, 3),
        ("Cap-Haïtien", "Nord", 19.7578, -72.2044, 0.03, 2),
        ("Les Cayes", "Sud", 18.1933, -73.7461, 0.03, 1),
    ],
    "BINUH": [("Port-au-Prince", "Ouest", 18.5944, -72.3074, 0.03, 1)],
    "UNOCI": [
        ("Abidjan", "Abidjan", 5.3600, -4.0083, 0.04, 4),
        ("Man", "Tonkpi", 7.4125, -7.5538, 0.05, 2),
    ],
    "UNMIL": [
        ("Monrovia", "Montserrado", 6.3156, -10.8074, 0.03, 3),
        ("Gbarnga", "Bong", 6.9956, -9.4722, 0.05, 1),
    ],
    "UNAMA": [
        ("Kabul", "Kabul", 34.5553, 69.2075, 0.04, 4),
        ("Herat", "Herat", 34.3529, 62.2040, 0.04, 1),
        ("Kunduz", "Kunduz", 36.7280, 68.8570, 0.04, 1),
    ],
    "UNAMI": [
        ("Baghdad", "Baghdad", 33.3152, 44.3661, 0.04, 3),
        ("Erbil", "Erbil", 36.1911, 44.0092, 0.04, 1),
        ("Mosul", "Nineveh", 36.3489, 43.1577, 0.04, 1),
    ],
    "UNSOM": [
        ("Mogadishu", "Banadir", 2.0469, 45.3182, 0.03, 4),
        ("Garowe", "Nugaal", 8.4054, 48.4845, 0.04, 1),
        ("Kismayo", "Lower Juba", -0.3582, 42.5454, 0.03, 1),
    ],
    "UNSMIL": [
        ("Tripoli", "Tripoli", 32.8872, 13.1913, 0.03, 3),
        ("Benghazi", "Benghazi", 32.1167, 20.0667, 0.03, 1),
    ],
}

# Nationality of uniformed victims: shaped like the real register's malicious-act deaths
# 2013-2023 by mission (contingents most exposed), with small additions.
VICTIM_TCC: dict[str, dict[str, float]] = {
    "MINUSMA": {
        "TCD": 64,
        "GIN": 17,
        "TGO": 16,
        "EGY": 15,
        "NER": 15,
        "BFA": 15,
        "BGD": 9,
        "SEN": 6,
        "NGA": 3,
        "CIV": 2,
        "LKA": 2,
        "JOR": 1,
        "FRA": 1,
        "CHN": 1,
        "LBR": 1,
        "BEN": 1,
    },
    "MINUSCA": {
        "RWA": 11,
        "BDI": 9,
        "MAR": 9,
        "BGD": 4,
        "KHM": 4,
        "MRT": 3,
        "EGY": 3,
        "PAK": 3,
        "TZA": 2,
        "CMR": 2,
        "SEN": 2,
        "ZMB": 2,
        "GAB": 1,
        "NPL": 1,
    },
    "MONUSCO": {
        "TZA": 25,
        "PAK": 9,
        "MWI": 8,
        "IND": 6,
        "ZAF": 3,
        "NPL": 2,
        "BGD": 2,
        "URY": 1,
        "MAR": 1,
        "IDN": 1,
        "RUS": 1,
    },
    "UNMISS": {
        "IND": 4,
        "RWA": 2,
        "NPL": 2,
        "ETH": 2,
        "BGD": 1,
        "GHA": 1,
        "CHN": 1,
        "MNG": 1,
        "KOR": 1,
    },
    "UNAMID": {
        "RWA": 4,
        "SEN": 3,
        "NGA": 3,
        "TZA": 3,
        "ETH": 2,
        "EGY": 1,
        "JOR": 1,
        "BGD": 1,
        "PAK": 1,
    },
    "UNISFA": {"ETH": 6, "GHA": 2, "PAK": 1, "NPL": 1},
    "UNIFIL": {
        "ESP": 2,
        "IRL": 1,
        "FRA": 2,
        "ITA": 2,
        "GHA": 2,
        "IND": 2,
        "IDN": 2,
        "MYS": 1,
        "NPL": 1,
        "KOR": 1,
    },
    "UNDOF": {"NPL": 3, "IND": 2, "FJI": 2, "URY": 1, "GHA": 1},
    "UNFICYP": {"ARG": 2, "GBR": 2, "SVK": 2},
    "MINURSO": {"EGY": 1, "BGD": 1, "GHA": 1, "PAK": 1, "RUS": 1, "HND": 1},
    "MINUSTAH": {"BRA": 4, "URY": 2, "CHL": 2, "NPL": 1, "LKA": 1, "JOR": 1},
    "UNOCI": {"NER": 2, "BGD": 2, "MAR": 1, "PAK": 1, "SEN": 1, "TGO": 1},
    "UNMIL": {"NGA": 2, "PAK": 2, "BGD": 1, "GHA": 1, "CHN": 1},
    "UNAMA": {"NPL": 1},
    "UNAMI": {"FJI": 2, "NPL": 1},
    "UNSOM": {"UGA": 2, "GBR": 1},
    "UNSMIL": {"NPL": 1},
    "BINUH": {"CAN": 1, "FRA": 1},
}
INTERNATIONAL_STAFF = {
    "KEN": 8,
    "UGA": 5,
    "CMR": 5,
    "FRA": 5,
    "USA": 4,
    "SEN": 4,
    "IND": 4,
    "PHL": 4,
    "GBR": 3,
    "CAN": 3,
    "ETH": 3,
    "NGA": 3,
    "ZWE": 3,
    "GHA": 3,
    "TUN": 2,
    "RWA": 2,
    "BEL": 2,
    "DEU": 2,
    "ITA": 2,
    "TZA": 2,
    "ZAF": 2,
    "BFA": 2,
    "CIV": 2,
    "MAR": 2,
    "EGY": 2,
    "PAK": 2,
    "NPL": 2,
    "JOR": 1,
    "LBN": 1,
    "BGD": 1,
    "BRA": 1,
}

# Deployed uniformed strength: (first day of month, strength) anchors, linear in between, and
# contributor shares (percent). Rough public orders of magnitude, not official figures.
STRENGTH: dict[str, list[tuple[str, int]]] = {
    "MINUSMA": [
        ("2013-07-01", 6000),
        ("2014-06-01", 8500),
        ("2015-06-01", 10500),
        ("2017-06-01", 12500),
        ("2019-06-01", 13500),
        ("2022-06-01", 13200),
        ("2023-06-01", 12800),
        ("2023-12-01", 1500),
    ],
    "MINUSCA": [
        ("2014-09-01", 7500),
        ("2015-06-01", 10500),
        ("2017-06-01", 12000),
        ("2018-12-01", 13000),
        ("2021-06-01", 14400),
        ("2023-06-01", 15100),
        ("2026-10-01", 14300),
    ],
    "MONUSCO": [
        ("2013-01-01", 19500),
        ("2016-06-01", 18500),
        ("2018-06-01", 16500),
        ("2020-06-01", 15500),
        ("2022-06-01", 14500),
        ("2024-06-01", 12000),
        ("2025-06-01", 11000),
        ("2026-10-01", 10500),
    ],
    "UNMISS": [
        ("2013-01-01", 7500),
        ("2014-06-01", 11500),
        ("2016-06-01", 13500),
        ("2018-06-01", 17000),
        ("2021-06-01", 17500),
        ("2024-06-01", 18000),
        ("2026-10-01", 17500),
    ],
    "UNAMID": [
        ("2013-01-01", 22000),
        ("2015-06-01", 19000),
        ("2017-06-01", 14000),
        ("2018-06-01", 11000),
        ("2019-06-01", 8000),
        ("2020-06-01", 6600),
        ("2020-12-01", 6000),
    ],
    "UNISFA": [
        ("2013-01-01", 4000),
        ("2016-06-01", 4500),
        ("2021-06-01", 3800),
        ("2022-06-01", 3200),
        ("2026-10-01", 3900),
    ],
    "UNIFIL": [
        ("2013-01-01", 11000),
        ("2016-06-01", 10500),
        ("2020-06-01", 10300),
        ("2024-06-01", 10100),
        ("2026-10-01", 9000),
    ],
    "UNDOF": [
        ("2013-01-01", 1000),
        ("2015-06-01", 800),
        ("2020-06-01", 1100),
        ("2026-10-01", 1150),
    ],
    "UNFICYP": [("2013-01-01", 860), ("2026-10-01", 850)],
    "MINURSO": [("2013-01-01", 230), ("2026-10-01", 220)],
    "MINUSTAH": [
        ("2013-01-01", 8700),
        ("2015-06-01", 5000),
        ("2017-06-01", 4000),
        ("2017-10-01", 1000),
    ],
    "UNOCI": [
        ("2013-01-01", 10500),
        ("2015-06-01", 7000),
        ("2016-06-01", 4500),
        ("2017-06-01", 500),
    ],
    "UNMIL": [
        ("2013-01-01", 9000),
        ("2015-06-01", 6000),
        ("2016-06-01", 3000),
        ("2018-03-01", 500),
    ],
}
CONTRIBUTORS: dict[str, dict[str, float]] = {
    "MINUSMA": {
        "TCD": 12,
        "BGD": 11,
        "EGY": 9,
        "SEN": 9,
        "BFA": 10,
        "TGO": 8,
        "NER": 7,
        "GIN": 6,
        "CHN": 3,
        "DEU": 5,
        "CIV": 4,
        "BEN": 3,
        "JOR": 2,
        "LKA": 2,
        "NGA": 2,
        "CMR": 2,
        "GBR": 2,
        "SWE": 2,
        "NLD": 1,
    },
    "MINUSCA": {
        "RWA": 14,
        "PAK": 9,
        "BGD": 10,
        "EGY": 9,
        "ZMB": 7,
        "BDI": 5,
        "MAR": 6,
        "CMR": 6,
        "MRT": 5,
        "SEN": 5,
        "TZA": 3,
        "NPL": 4,
        "KHM": 2,
        "GAB": 4,
        "PER": 2,
        "PRT": 1,
        "IDN": 2,
    },
    "MONUSCO": {
        "PAK": 20,
        "IND": 16,
        "BGD": 10,
        "URY": 6,
        "ZAF": 8,
        "NPL": 7,
        "TZA": 6,
        "MWI": 5,
        "EGY": 6,
        "IDN": 5,
        "MAR": 5,
        "GHA": 2,
        "SEN": 2,
        "KEN": 2,
    },
    "UNMISS": {
        "IND": 14,
        "RWA": 14,
        "NPL": 9,
        "CHN": 6,
        "ETH": 10,
        "BGD": 8,
        "GHA": 6,
        "MNG": 6,
        "KOR": 2,
        "PAK": 3,
        "LKA": 1,
        "FJI": 1,
        "VNM": 1,
        "THA": 2,
    },
    "UNAMID": {
        "RWA": 13,
        "ETH": 12,
        "EGY": 10,
        "NGA": 10,
        "SEN": 7,
        "PAK": 5,
        "TZA": 5,
        "JOR": 4,
        "BGD": 3,
        "IDN": 3,
        "GMB": 3,
        "ZMB": 3,
        "BFA": 5,
        "CHN": 2,
        "NPL": 3,
        "KEN": 1,
    },
    "UNISFA": {"ETH": 55, "GHA": 10, "PAK": 8, "NPL": 7, "ZMB": 5, "BGD": 5, "IND": 5, "MNG": 5},
    "UNIFIL": {
        "IDN": 12,
        "ITA": 11,
        "IND": 9,
        "GHA": 9,
        "FRA": 7,
        "ESP": 6,
        "MYS": 8,
        "NPL": 8,
        "KOR": 3,
        "CHN": 4,
        "IRL": 3,
        "TUR": 1,
        "BRA": 2,
        "FIN": 2,
    },
    "UNDOF": {"NPL": 25, "IND": 20, "FJI": 15, "URY": 20, "GHA": 8, "IRL": 8, "CZE": 2, "BTN": 2},
    "UNFICYP": {"ARG": 30, "GBR": 30, "SVK": 30, "SRB": 3, "HUN": 2, "UKR": 2, "PAK": 3},
    "MINURSO": {
        "EGY": 10,
        "BGD": 10,
        "GHA": 10,
        "HND": 8,
        "PAK": 10,
        "RUS": 10,
        "MNG": 5,
        "CHN": 5,
        "MYS": 5,
        "FRA": 5,
    },
    "MINUSTAH": {
        "BRA": 20,
        "URY": 12,
        "NPL": 10,
        "JOR": 8,
        "LKA": 8,
        "CHL": 6,
        "ARG": 5,
        "PER": 4,
        "BGD": 7,
        "PAK": 5,
        "SEN": 4,
        "BEN": 3,
        "FRA": 2,
        "CAN": 2,
    },
    "UNOCI": {
        "BGD": 20,
        "PAK": 15,
        "MAR": 10,
        "NER": 8,
        "SEN": 8,
        "TGO": 8,
        "JOR": 6,
        "GHA": 6,
        "BEN": 5,
        "EGY": 4,
        "MWI": 4,
        "FRA": 3,
        "NGA": 3,
    },
    "UNMIL": {
        "NGA": 18,
        "PAK": 15,
        "BGD": 12,
        "GHA": 10,
        "CHN": 8,
        "ETH": 8,
        "JOR": 6,
        "IND": 6,
        "NPL": 5,
        "UKR": 4,
        "USA": 2,
        "MNG": 6,
    },
}

# Act types: (lethal mix, non-lethal mix) by profile.
ACTS: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "MLI": (
        {
            "ied_mine": 38,
            "indirect_fire": 14,
            "ambush": 18,
            "armed_attack": 18,
            "attack_on_premises": 6,
            "killing": 6,
        },
        {
            "ied_mine": 28,
            "indirect_fire": 22,
            "armed_attack": 14,
            "ambush": 8,
            "attack_on_premises": 8,
            "assault": 6,
            "detention": 4,
            "abduction": 3,
            "other": 7,
        },
    ),
    "CAF": (
        {"ambush": 35, "armed_attack": 40, "killing": 15, "attack_on_premises": 8, "ied_mine": 2},
        {
            "armed_attack": 25,
            "ambush": 14,
            "assault": 16,
            "detention": 10,
            "abduction": 7,
            "attack_on_premises": 10,
            "ied_mine": 2,
            "indirect_fire": 1,
            "other": 15,
        },
    ),
    "COD": (
        {"ambush": 30, "armed_attack": 45, "killing": 10, "attack_on_premises": 10, "ied_mine": 5},
        {
            "armed_attack": 24,
            "ambush": 14,
            "attack_on_premises": 14,
            "assault": 15,
            "detention": 8,
            "abduction": 5,
            "ied_mine": 3,
            "indirect_fire": 4,
            "other": 13,
        },
    ),
    "PKO": (
        {
            "armed_attack": 45,
            "ambush": 25,
            "killing": 20,
            "attack_on_premises": 5,
            "indirect_fire": 5,
        },
        {
            "armed_attack": 18,
            "assault": 22,
            "detention": 18,
            "abduction": 6,
            "ambush": 8,
            "attack_on_premises": 10,
            "indirect_fire": 3,
            "ied_mine": 2,
            "other": 13,
        },
    ),
    "OBS": (
        {"indirect_fire": 40, "armed_attack": 30, "killing": 30},
        {
            "assault": 35,
            "attack_on_premises": 15,
            "indirect_fire": 20,
            "detention": 8,
            "armed_attack": 7,
            "other": 15,
        },
    ),
    "SPM": (
        {"attack_on_premises": 30, "armed_attack": 30, "killing": 30, "ied_mine": 10},
        {
            "armed_attack": 15,
            "attack_on_premises": 20,
            "assault": 20,
            "abduction": 15,
            "detention": 15,
            "indirect_fire": 5,
            "other": 10,
        },
    ),
}

# Alleged perpetrator labels by mission (weights); a "from year" suffix `@YYYY` limits a label
# to incidents from that year on, `<YYYY` to incidents before that year.
PERPETRATORS: dict[str, dict[str, float]] = {
    "MINUSMA": {
        "JNIM-affiliated@2017": 40,
        "Ansar Dine<2017": 15,
        "AQIM<2017": 8,
        "Al-Mourabitoune<2017": 5,
        "ISGS-affiliated@2016": 12,
        "community self-defence militia@2018": 5,
        "unidentified armed men": 30,
    },
    "MINUSCA": {
        "anti-Balaka": 30,
        "ex-Séléka faction (UPC)": 15,
        "ex-Séléka faction (FPRC)": 10,
        "3R": 10,
        "CPC coalition@2021": 18,
        "unidentified armed men": 20,
    },
    "MONUSCO": {
        "ADF": 40,
        "CODECO@2018": 15,
        "M23@2022": 14,
        "Mai-Mai group": 15,
        "FDLR": 4,
        "demonstrators@2022": 4,
        "unidentified armed men": 15,
    },
    "UNMISS": {
        "SPLA-IO": 15,
        "national security forces": 20,
        "armed youth": 30,
        "unidentified armed men": 30,
    },
    "UNAMID": {"SLA-AW": 15, "armed militia": 40, "unidentified armed men": 45},
    "UNISFA": {"Misseriya militia": 40, "armed youth": 20, "unidentified armed men": 40},
    "UNIFIL": {
        "unidentified individuals": 50,
        "local residents": 30,
        "state armed forces (fire on positions)": 20,
    },
    "UNDOF": {"non-State armed group": 50, "unidentified armed men": 50},
    "UNFICYP": {"local residents": 60, "unidentified individuals": 40},
    "MINURSO": {"unidentified individuals": 70, "demonstrators": 30},
    "MINUSTAH": {"criminal gang": 60, "demonstrators": 25, "unidentified armed men": 15},
    "BINUH": {"criminal gang": 90, "unidentified armed men": 10},
    "UNOCI": {"unidentified armed men": 60, "armed militia": 40},
    "UNMIL": {"unidentified individuals": 70, "demonstrators": 30},
    "UNAMA": {"Taliban-affiliated": 40, "ISIL-K": 20, "unidentified armed men": 40},
    "UNAMI": {"ISIL": 40, "armed militia": 30, "unidentified armed men": 30},
    "UNSOM": {"Al-Shabaab": 85, "unidentified armed men": 15},
    "UNSMIL": {"armed militia": 60, "ISIL": 20, "unidentified armed men": 20},
}

ACT_LABEL = {
    "killing": "killing",
    "armed_attack": "armed attack",
    "ied_mine": "IED/mine strike",
    "indirect_fire": "indirect fire",
    "ambush": "ambush",
    "detention": "detention",
    "abduction": "abduction",
    "assault": "assault",
    "attack_on_premises": "attack on premises",
    "other": "other act of violence",
}
ACT_TARGET = {
    "killing": "personnel",
    "armed_attack": "patrol",
    "ied_mine": "convoy",
    "indirect_fire": "camp",
    "ambush": "convoy",
    "detention": "personnel",
    "abduction": "personnel",
    "assault": "patrol",
    "attack_on_premises": "base",
    "other": "personnel",
}

# National justice, by host-State profile and incident class: probability of a host-State case
# file (a tracked case opens when the host State is notified, so most incidents have one; many
# never go further than 'notified'), then of each stage given the previous one. Calibrated on the public findings in
# DOMAIN.md (CAR: many investigations and detentions, few convictions; Mali: most deaths never
# investigated; DRC: most investigated, few tried; about eight trials 2013-2023).
#                 case  inv   susp  arrest charge trial closed appeal
JUSTICE = {
    ("MLI", "lethal"): (0.95, 0.25, 0.50, 0.55, 0.50, 0.30, 0.05, 0.20),
    ("MLI", "other"): (0.90, 0.06, 0.40, 0.50, 0.35, 0.15, 0.05, 0.20),
    ("CAF", "lethal"): (0.97, 0.85, 0.60, 0.70, 0.25, 0.22, 0.10, 0.40),
    ("CAF", "other"): (0.90, 0.30, 0.55, 0.65, 0.10, 0.20, 0.12, 0.30),
    ("COD", "lethal"): (0.97, 0.90, 0.50, 0.45, 0.30, 0.22, 0.08, 0.50),
    ("COD", "other"): (0.90, 0.22, 0.40, 0.40, 0.20, 0.15, 0.10, 0.40),
    ("OTHER", "lethal"): (0.90, 0.50, 0.40, 0.40, 0.35, 0.30, 0.15, 0.30),
    ("OTHER", "other"): (0.85, 0.12, 0.30, 0.40, 0.25, 0.20, 0.15, 0.30),
    ("TCC", "lethal"): (0.06, 0.90, 0.15, 0.10, 0.20, 0.10, 0.30, 0.10),
}
AUTHORITIES = {
    "CAF": {
        "Parquet du Tribunal de grande instance de Bangui": 40,
        "Cour pénale spéciale": 25,
        "Gendarmerie nationale, Section de recherches et d'investigation": 25,
        "Parquet du Tribunal de grande instance de Bangassou": 10,
    },
    "MLI": {
        "Pôle judiciaire spécialisé de lutte contre le terrorisme": 70,
        "Brigade d'investigation spécialisée": 15,
        "Tribunal de grande instance de la Commune VI de Bamako": 15,
    },
    "COD": {
        "Auditorat militaire de garnison de Beni": 30,
        "Auditorat militaire supérieur du Nord-Kivu": 25,
        "Auditorat militaire de garnison de Bunia": 20,
        "Auditorat militaire de garnison de Bukavu": 15,
        "Parquet de grande instance de Goma": 10,
    },
    "OTHER": {
        "Public prosecutor": 50,
        "Military prosecutor": 30,
        "National police, criminal investigations": 20,
    },
}
NOTIFY_ANSWER = {
    "CAF": 0.55,
    "COD": 0.45,
    "MLI": 0.30,
    "SSD": 0.25,
    "SDN": 0.30,
    "LBN": 0.70,
    "SYR": 0.30,
    "CYP": 0.80,
    "ESH": 0.50,
    "HTI": 0.40,
    "SOM": 0.35,
    "AFG": 0.20,
    "IRQ": 0.50,
    "LBY": 0.30,
    "CIV": 0.60,
    "LBR": 0.60,
}

ASSISTANCE_HOSTS = {  # host -> (mission, weight, beneficiaries)
    "CAF": (
        "MINUSCA",
        35,
        [
            "Cour pénale spéciale",
            "Gendarmerie nationale (Section de recherches et d'investigation)",
            "Parquet du Tribunal de grande instance de Bangui",
            "Maison centrale de Ngaragba",
            "Cour d'appel de Bangui",
        ],
    ),
    "COD": (
        "MONUSCO",
        30,
        [
            "Auditorat militaire supérieur du Nord-Kivu",
            "Police nationale congolaise (police judiciaire)",
            "Tribunal militaire de garnison de Beni",
            "Prison centrale de Munzenze (Goma)",
            "Cour militaire opérationnelle du Nord-Kivu",
        ],
    ),
    "MLI": (
        "MINUSMA",
        22,
        [
            "Pôle judiciaire spécialisé",
            "Brigade d'investigation spécialisée",
            "Gendarmerie nationale",
            "Cour d'assises de Bamako",
            "Maison centrale d'arrêt de Bamako",
        ],
    ),
    "SSD": (
        "UNMISS",
        7,
        [
            "South Sudan National Police Service",
            "Ministry of Justice (public prosecution)",
            "Juba Central Prison",
        ],
    ),
    "LBN": ("UNIFIL", 3, ["Lebanese Armed Forces (military police)", "Military Court"]),
    "SDN": ("UNISFA", 2, ["Abyei community protection committees", "Sudan Police Force"]),
    "HTI": ("BINUH", 1, ["Police nationale d'Haïti (DCPJ)", "Parquet de Port-au-Prince"]),
}
ASSISTANCE_TYPES = {
    "forensics": 12,
    "evidence": 14,
    "investigation": 18,
    "prosecution": 12,
    "court_security": 8,
    "detention": 10,
    "victim_witness_protection": 8,
    "training": 18,
}

FOCAL_FUNCTIONS = [
    "Chief, Justice and Corrections Section",
    "Senior Legal Adviser, Office of the SRSG",
    "Chief, Rule of Law and Security Institutions",
    "Senior Judicial Affairs Officer",
    "Chief of Staff",
]


# ---------------------------------------------------------------------------------- helpers
def _lit(v) -> str:
    """A SQL literal of our own constants (never of user input)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _values(rows: list[tuple], names: list[str]) -> str:
    body = ",\n".join("(" + ", ".join(_lit(v) for v in r) + ")" for r in rows)
    return f"(values {body}) as t({', '.join(names)})"


# column types of the allocation buckets (_allocate rows: mission, year, first day, days,
# numbers [lo, hi)), as a VALUES list of those literals typed them
BUCKET_TYPES = dict(
    mission_code="varchar", yr="integer", d0="date", days="integer", lo="integer", hi="integer"
)


def _table(x, name: str, rows: list[tuple], columns: dict[str, str]) -> None:
    """Temp table `name` from Python rows with the given column types, by one unnest() of a
    list parameter per column: the same table as `select ... from (values ...)` would give,
    but DuckDB takes ~0.1 s to parse and bind a VALUES list of 1,700 rows (the monthly
    strengths) and a few ms to bind the parameters. Only for tables whose types are known."""
    cols = list(columns.items())
    sel = ", ".join(f"unnest(${i + 1}::{t}[]) as {c}" for i, (c, t) in enumerate(cols))
    x(f"create temp table {name} as select {sel}", [[r[i] for r in rows] for i in range(len(cols))])


def _pick(u: str, weights: dict[str, float]) -> str:
    """CASE expression mapping a uniform u in [0,1) to a key with the given weights."""
    total = sum(weights.values())
    acc, parts = 0.0, []
    items = list(weights.items())
    for key, w in items[:-1]:
        acc += w / total
        parts.append(f"when {u} < {acc!r} then {_lit(key)}")
    return f"(case {' '.join(parts)} else {_lit(items[-1][0])} end)"


def _slots(groups: dict[str, list[tuple[tuple, float]]]) -> list[tuple]:
    """(group, slot_lo, slot_hi, *value) rows: each group's SLOTS slots shared by weight
    (largest remainder), for an equi-join pick on floor(u * SLOTS)."""
    rows = []
    for g, items in groups.items():
        total = sum(w for _, w in items)
        exact = [w / total * SLOTS for _, w in items]
        counts = [int(x) for x in exact]
        order = sorted(range(len(items)), key=lambda i: exact[i] - counts[i], reverse=True)
        for i in order[: SLOTS - sum(counts)]:
            counts[i] += 1
        lo = 0
        for (value, _), c in zip(items, counts, strict=True):
            if c:
                rows.append((g, lo, lo + c, *value))
            lo += c
    return rows


def _months(a: date, b: date):
    y, m = a.year, a.month
    while (y, m) <= (b.year, b.month):
        yield date(y, m, 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _strength_by_month() -> list[tuple[str, date, int]]:
    out = []
    for code, anchors in STRENGTH.items():
        pts = [(date.fromisoformat(d), s) for d, s in anchors]
        for m in _months(pts[0][0], min(pts[-1][0], DATA_END)):
            for (d0, s0), (d1, s1) in zip(pts, pts[1:], strict=False):
                if d0 <= m <= d1:
                    f = (m - d0).days / max((d1 - d0).days, 1)
                    out.append((code, m, round(s0 + (s1 - s0) * f)))
                    break
    return out


def _buckets() -> tuple[list[tuple], list[tuple]]:
    """(mission, year, from, days, weight) for lethal and for non-lethal incidents."""
    lethal, other = [], []
    for code, m in MISSIONS.items():
        start = date.fromisoformat(m["start"])
        end = min(date.fromisoformat(m["end"]) if m["end"] else DATA_END, DATA_END)
        for y in range(max(FIRST_YEAR, start.year), end.year + 1):
            d0, d1 = max(date(y, 1, 1), start), min(date(y, 12, 31), end)
            days = (d1 - d0).days + 1
            deaths = DEATHS.get(code, {}).get(y, 0)
            if deaths:
                lethal.append((code, y, d0.isoformat(), days, deaths / MEAN_KILLED))
            other.append(
                (code, y, d0.isoformat(), days, m["base"] * days / 365 * SURGES.get((code, y), 1.0))
            )
    return lethal, other


def _allocate(buckets: list[tuple], n: int) -> list[tuple]:
    """Stratified allocation: incident numbers [lo, hi) per bucket, by weight (largest remainder)."""
    total = sum(b[-1] for b in buckets)
    exact = [b[-1] / total * n for b in buckets]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(buckets)), key=lambda i: exact[i] - counts[i], reverse=True)[
        : n - sum(counts)
    ]:
        counts[i] += 1
    rows, lo = [], 0
    for b, c in zip(buckets, counts, strict=True):
        if c:
            rows.append((*b[:-1], lo, lo + c))
        lo += c
    return rows


def _number(x, table: str, buckets: str) -> None:
    """Temp table `table`(b, n): one row per number n in [lo, hi) of every row b of the
    `buckets` table (contiguous ranges). Scanning it instead of `range()` joined to the
    buckets lets DuckDB generate on every thread: `range()` is a single-threaded source, and
    the asof join that found each number's bucket ran on one thread too. n stays BIGINT, as
    `range()`'s was, since rnd() hashes it."""
    x(f"create temp table {table} as select b, unnest(range(lo, hi)) as n from {buckets}")


def _perp_expr(u: str) -> str:
    """CASE over mission and year picking a perpetrator label (labels limited in time by a
    `@YYYY` (from) or `<YYYY` (before) suffix)."""
    parts = []
    for code, labels in PERPETRATORS.items():
        parsed = []
        for k, w in labels.items():
            m = re.fullmatch(r"(.*)([@<])(\d{4})", k)
            parsed.append((m.group(1), m.group(2), int(m.group(3)), w) if m else (k, "", 0, w))
        years = sorted({y for _, op, y, _ in parsed if op} | {FIRST_YEAR})
        conds = []
        for y0, y1 in zip(years, years[1:] + [9999], strict=True):
            valid = {
                name: w
                for name, op, y, w in parsed
                if not (op == "@" and y0 < y) and not (op == "<" and y0 >= y)
            }
            conds.append(f"when yr >= {y0} and yr < {y1} then {_pick(u, valid)}")
        parts.append(f"when mission_code = {_lit(code)} then (case {' '.join(conds)} end)")
    return f"(case {' '.join(parts)} else 'unidentified armed men' end)"


def _rnd_macro(seed: int) -> str:
    # hash() is DuckDB's 64-bit hash; its top 53 bits give a double in [0, 1).
    return (
        "create or replace temp macro rnd(k, salt) as "
        f"((hash(k, salt, {int(seed)}) >> 11)::double / 9007199254740992.0);\n"
        # zero-padded numbers without printf/lpad (both slow): ids sort in generation order,
        # which keeps primary-key index inserts cheap
        "create or replace temp macro pad9(v) as substr((1000000000 + v)::varchar, 2);\n"
        "create or replace temp macro pad2(v) as substr((100 + v)::varchar, 2);\n"
        # when notification nk of an incident at t is sent (para 8): hours, sometimes weeks
        "create or replace temp macro notify_at(t, nk) as t + to_minutes(cast("
        " case when rnd(nk, 92) < 0.93 then 30 + pow(rnd(nk, 93), 3) * 72 * 60"
        " else 4 * 1440 + rnd(nk, 93) * 16 * 1440 end as bigint));\n"
        # the host State is notified of 96 % of incidents
        "create or replace temp macro host_notified(n) as rnd(n, 90) < 0.96"
    )


# ---------------------------------------------------------------------------------- build
def build_demo(
    db_path, seed: int = 2589, scale: float = 1.0, *, models: bool = True, keys: bool | None = None
) -> dict:
    """Build a complete demo database at `db_path` (atomically replaced). Returns row counts
    per table. `models=False` skips etl.models.build_models (extract writing only). `keys`:
    give SCALED_TABLES the primary keys schema.sql declares (default: up to KEYED_MAX_SCALE)."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"set temp_directory = {_lit(str(tmp) + '.spill')}")
        con.execute("set memory_limit = '1400MB'")
        con.execute("set enable_progress_bar = false")  # nothing on stdout from DuckDB
        # row order carries no meaning (contents are deterministic, not the storage layout)
        con.execute("set preserve_insertion_order = false")
        # bulk inserts compress and write each row group as soon as it is full, instead of
        # buffering five per thread first: less memory to fault in and hand back (~30 % fewer
        # page faults, ~100 MB less peak RSS at 1M cases) and no five-row-group flush left
        # for the end of each insert, when the other thread may be idle
        con.execute("set write_buffer_row_group_count = 1")
        ddl = _unkeyed_ddl()
        for create, _ in ddl.values():
            con.execute(create)
        init_db(con)  # everything else, as schema.sql says (existing tables are left alone)
        counts = _generate(con, int(seed), float(scale))
        if keys is None:
            keys = float(scale) <= KEYED_MAX_SCALE
        if keys:
            for table, (_, key) in ddl.items():
                if key:
                    con.execute(f"alter table {table} add primary key ({key})")
        if models:
            from etl.models import build_models

            build_models(con)
        # Each parallel bulk insert leaves a partly filled row group per thread; by default
        # the checkpoint "vacuums" them: reads, merges and recompresses those row groups
        # (checkpoint 0.47 -> 0.04 CPU s at 1M cases). Nothing here deletes rows, so skipping
        # it only leaves a few partly filled row groups per table; the content is the same,
        # and later loads (own connections) vacuum as usual: the setting is not persisted.
        con.execute("set max_vacuum_tasks = 0")
        con.execute("checkpoint")
        con.close()
    except BaseException:
        con.close()
        for p in (tmp, Path(str(tmp) + ".wal")):
            p.unlink(missing_ok=True)
        raise
    os.replace(tmp, db_path)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts


def _unkeyed_ddl() -> dict[str, tuple[str, str | None]]:
    """{table: (create statement without primary key, key columns or None)} for SCALED_TABLES,
    from schema.sql: same columns, types, defaults, NOT NULL and CHECK constraints."""
    text = SCHEMA_SQL.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"create table if not exists (\w+) \((.*?)\n\);", text, re.S):
        name, body = m.group(1), re.sub(r"--[^\n]*", "", m.group(2))
        if name not in SCALED_TABLES:
            continue
        key = None
        clause = re.search(r",\s*primary key \(([^)]*)\)", body, re.I)
        if clause:
            key, body = clause.group(1), body[: clause.start()] + body[clause.end() :]
        inline = re.search(r"(\w+) \w+ primary key", body, re.I)
        if inline:
            key = inline.group(1)
            body = body[: inline.end() - len("primary key")] + "not null" + body[inline.end() :]
        if re.search(r"primary key|unique", body, re.I):
            raise ValueError(f"schema.sql: unexpected key in {name}")
        out[name] = (f"create table {name} ({body}\n)", key)
    missing = set(SCALED_TABLES) - set(out)
    if missing:
        raise ValueError(f"schema.sql: no definition of {sorted(missing)}")
    return out


def _generate(con: duckdb.DuckDBPyConnection, seed: int, scale: float) -> dict:
    x = con.execute
    x(_rnd_macro(seed))
    end = _lit(DATA_END.isoformat())
    tag = hashlib.sha256(f"demo seed={seed} scale={scale!r}".encode()).hexdigest()
    batch = x(
        "insert into load_batches (file_name, sha256, kind, rows_read, rows_inserted, rows_updated,"
        " loaded_at, synthetic) values (?, ?, 'demo', 0, 0, 0, ?::timestamp, true) returning batch_id",
        [f"SYNTHETIC demo (seed={seed}, scale={scale:g})", tag, DATA_END.isoformat()],
    ).fetchone()[0]

    # ---------------------------------------------------------------- lookup tables
    lethal_b, other_b = _buckets()
    n_lethal = max(1, round(sum(b[-1] for b in lethal_b) * scale))
    n_other = max(1, round(sum(b[-1] for b in other_b) * scale))
    brows = [(True, *r) for r in _allocate(lethal_b, n_lethal)]
    brows += [
        (False, c, y, d, days, lo + n_lethal, hi + n_lethal)
        for c, y, d, days, lo, hi in _allocate(other_b, n_other)
    ]
    _table(
        x,
        "t_bucket",
        [(i, *r) for i, r in enumerate(brows)],
        dict(b="integer", lethal="boolean", **BUCKET_TYPES),
    )
    _number(x, "t_inc_n", "t_bucket")
    x(
        "create temp table t_mission as select * from "
        + _values(
            [(c, m["host"], m["profile"]) for c, m in MISSIONS.items()],
            ["mission_code", "host", "profile"],
        )
    )
    town_rows = _slots(
        {c: [((t[0], t[1], t[2], t[3], t[4]), t[5]) for t in ts] for c, ts in TOWNS.items()}
    )
    x(
        "create temp table t_town as select g as mission_code, unnest(range(lo, hi)) as slot, town, admin,"
        " lat, lon, jitter from "
        + _values(town_rows, ["g", "lo", "hi", "town", "admin", "lat", "lon", "jitter"])
    )
    tcc_rows = _slots({c: [((k,), w) for k, w in d.items()] for c, d in VICTIM_TCC.items()})
    tcc_rows += _slots({"*intl": [((k,), w) for k, w in INTERNATIONAL_STAFF.items()]})
    x(
        "create temp table t_nat as select g, unnest(range(lo, hi)) as slot, iso3 from "
        + _values(tcc_rows, ["g", "lo", "hi", "iso3"])
    )

    # ---------------------------------------------------------------- incidents (plan)
    act_lethal = " ".join(
        f"when {_lit(p)} then {_pick('rnd(n, 1)', a[0])}" for p, a in ACTS.items()
    )
    act_other = " ".join(f"when {_lit(p)} then {_pick('rnd(n, 1)', a[1])}" for p, a in ACTS.items())
    killed = _pick("rnd(n, 2)", {str(k): w for k, w in KILLED_PER_LETHAL})
    perp = _perp_expr("rnd(n, 12)")
    x(
        f"""
        create temp table inc as
        with base as (
            select r.n, b.lethal, b.mission_code, b.yr, m.host, m.profile,
                   b.d0 + cast(floor(rnd(r.n, 0) * b.days) as integer) as d
            from t_inc_n as r
            join t_bucket as b using (b)
            join t_mission as m using (mission_code)
        ),
        acts as (
            select *,
                case when lethal then (case profile {act_lethal} end)
                     else (case profile {act_other} end) end as act_type,
                case when lethal then cast({killed} as integer) else 0 end as killed,
                {perp} as perpetrator_group
            from base
        ),
        i as (
            select a.*,
                d + make_time(
                    case when rnd(n, 3) < 0.1 then 0 else cast(floor(5 + rnd(n, 4) * 18) as integer) % 24 end,
                    case when rnd(n, 3) < 0.1 then 0 else cast(floor(rnd(n, 5) * 60) as integer) end, 0) as occurred_at,
                case
                    when lethal then cast(floor(rnd(n, 6) * (killed * 2 + 2)) as integer)
                    when act_type in ('armed_attack', 'ambush', 'indirect_fire', 'ied_mine', 'attack_on_premises')
                        then case when rnd(n, 6) < 0.4 then 1 + cast(floor(pow(rnd(n, 7), 3) * 4) as integer) else 0 end
                    when act_type = 'assault' then 1 + cast(rnd(n, 7) < 0.3 as integer)
                    when act_type = 'other' then cast(rnd(n, 6) < 0.3 as integer)
                    else 0 end as injured,
                case when act_type = 'detention' then 1 + cast(floor(pow(rnd(n, 7), 2) * 4) as integer)
                     else 0 end as detained,
                case when act_type = 'abduction' then 1 + cast(floor(pow(rnd(n, 7), 2) * 3) as integer)
                     else 0 end as abducted,
                case when act_type = 'detention' then 0.65 when act_type = 'abduction' then 0.45 else 0 end as p_released,
                t.town, t.admin,
                round(t.lat + (rnd(n, 8) * 2 - 1) * t.jitter, 4) as lat,
                round(t.lon + (rnd(n, 9) * 2 - 1) * t.jitter, 4) as lon,
                coalesce(c.iso3, 'XXX') as contingent
            from acts as a
            join t_town as t on t.mission_code = a.mission_code and t.slot = cast(floor(rnd(n, 10) * {SLOTS}) as integer)
            left join t_nat as c on c.g = a.mission_code and c.slot = cast(floor(rnd(n, 11) * {SLOTS}) as integer)
        )
        -- p9: the incident number as written in every id (pad9(n)), made once for incidents,
        -- victims, case files and notifications (9 characters: stored inline, no string heap).
        -- When the host State (para 8) and a contributing State that lost personnel are
        -- notified, if they are: computed once here for notifications and case files alike.
        select *, pad9(n) as p9,
            case when host_notified(n) then notify_at(occurred_at, n * 4 + 1) end as sent_host,
            case when killed > 0 and contingent not in (host, 'XXX') and rnd(n, 91) < 0.4
                 then notify_at(occurred_at, n * 4 + 2) end as sent_tcc
        from i
        """
    )
    x("drop table t_inc_n")
    x(
        f"""
        insert into incidents
        select 'DEMO-INC-' || p9, occurred_at, mission_code, host, admin, town, lat, lon, act_type,
            perpetrator_group,
            concat('SYNTHETIC demo record: ', case act_type
                {" ".join(f"when {_lit(k)} then {_lit(v)}" for k, v in ACT_LABEL.items())} end,
                ' against a ', mission_code, ' ',
                case act_type {" ".join(f"when {_lit(k)} then {_lit(v)}" for k, v in ACT_TARGET.items())} end,
                ' near ', town, ' (', admin, ').') as narrative,
            case when occurred_at >= {end}::date - 45 then
                     case when rnd(n, 13) < 0.5 then 'unverified' when rnd(n, 13) < 0.75 then 'possible' else 'probable' end
                 when rnd(n, 13) < 0.68 then 'confirmed' when rnd(n, 13) < 0.85 then 'probable'
                 when rnd(n, 13) < 0.93 then 'possible' else 'unverified' end as verification,
            '{SOURCE}: mission incident report' as source,
            true, {batch}
        from inc
        """
    )

    # ---------------------------------------------------------------- victims
    uniformed_age = {"18-24": 20, "25-34": 45, "35-44": 25, "45-54": 8, "55+": 1, "unknown": 1}
    civilian_age = {
        "under_18": 0.5,
        "18-24": 10,
        "25-34": 33,
        "35-44": 30,
        "45-54": 17,
        "55+": 6,
        "unknown": 3.5,
    }
    x(
        f"""
        insert into victims
        with v as (
            select n, p9, mission_code, host, profile, act_type, occurred_at, contingent, killed, injured, detained,
                   abducted, p_released, unnest(range(killed + injured + detained + abducted)) as j
            from inc
            where killed + injured + detained + abducted > 0
        ),
        k as (
            select *, n * 100 + j as vk,
                case when j < killed then 'killed' when j < killed + injured then 'injured'
                     when rnd(n * 100 + j, 20) < p_released then 'released'
                     when j < killed + injured + detained then 'detained' else 'abducted' end as outcome,
                case when profile = 'SPM' then {_pick("rnd(n * 100 + j, 21)", {"International Civilian": 45, "Local": 35, "Military": 8, "Police": 5, "Other": 7})}
                     when act_type in ('detention', 'abduction') then {_pick("rnd(n * 100 + j, 21)", {"Military": 25, "Police": 20, "Local": 35, "International Civilian": 15, "Other": 5})}
                     else {_pick("rnd(n * 100 + j, 21)", {"Military": 86, "Police": 7, "Military Observer": 1, "Local": 3.5, "International Civilian": 1.5, "Other": 1})} end
                    as personnel_category
            from v
        ),
        vic as (
            select k.*,
                case when personnel_category = 'Local' then host
                     when personnel_category in ('Military', 'Police', 'Military Observer') then
                          case when rnd(vk, 22) < 0.85 and contingent <> 'XXX' then contingent else coalesce(t.iso3, contingent) end
                     else i.iso3 end as nationality,
                case when personnel_category in ('Military', 'Police', 'Military Observer') then
                          case when rnd(vk, 23) < 0.045 then 'F' when rnd(vk, 23) < 0.085 then 'unknown' else 'M' end
                     else case when rnd(vk, 23) < 0.20 then 'F' when rnd(vk, 23) < 0.24 then 'unknown' else 'M' end
                end as gender
            from k
            left join t_nat as t on t.g = k.mission_code and t.slot = cast(floor(rnd(vk, 24) * {SLOTS}) as integer)
            left join t_nat as i on i.g = '*intl' and i.slot = cast(floor(rnd(vk, 25) * {SLOTS}) as integer)
        )
        select concat('DEMO-VIC-', p9, '-', pad2(j)), 'DEMO-INC-' || p9, personnel_category,
            coalesce(nationality, host), gender,
            case when personnel_category in ('Military', 'Police', 'Military Observer')
                 then {_pick("rnd(vk, 26)", uniformed_age)} else {_pick("rnd(vk, 26)", civilian_age)} end,
            outcome,
            case when outcome = 'killed' then concat(mission_code, '-', strftime(occurred_at, '%Y-%m'), '-D', p9, pad2(j)) end,
            concat('SYNTHETIC Person ', p9, '-', pad2(j)),
            {batch}
        from vic
        """
    )

    # ---------------------------------------------------------------- anchor cases (fixed shapes)
    _anchors(con, batch)

    # ---------------------------------------------------------------- cases
    jrows = [(p, c, *v) for (p, c), v in JUSTICE.items()]
    x(
        "create temp table t_justice as select * from "
        + _values(
            jrows,
            [
                "jp",
                "cls",
                "p_case",
                "p_inv",
                "p_susp",
                "p_arrest",
                "p_charge",
                "p_trial",
                "p_closed",
                "p_appeal",
            ],
        )
    )
    auth = " ".join(
        f"when {_lit(p)} then {_pick('rnd(cn, 30)', a)}" for p, a in AUTHORITIES.items()
    )
    # case files (one per incident x jurisdiction) and each one's stage plan in one temp
    # table: `cases` is inserted from it, so the case files are not materialised twice
    x(
        f"""
        create temp table plan as
        with c0 as (
            select p9, n * 2 as cn, host as state, false as tcc, occurred_at, mission_code, perpetrator_group,
                   case when host in ('MLI', 'CAF', 'COD') then host else 'OTHER' end as jp,
                   case when killed > 0 then 'lethal' else 'other' end as cls,
                   -- attacks that harmed nobody are less often followed up
                   case when killed + injured + detained + abducted > 0 then 1.0 else 0.6 end as case_factor,
                   -- the host State's case opens with the notification (para 8)
                   sent_host::date as d_notified
            from inc
            where sent_host < {end}::date + 1
            union all
            select p9, n * 2 + 1, contingent, true, occurred_at, mission_code, perpetrator_group, 'TCC', 'lethal', 1.0,
                   sent_tcc::date
            from inc where killed > 0 and contingent not in (host, 'XXX')
        ),
        cas as (
            select c0.*, j.* exclude (jp, cls),
                concat('DEMO-CASE-', p9, case when tcc then '-T' else '-H' end) as case_id,
                case when tcc then 'Military prosecutor of the contributing State'
                     else (case jp {auth} end) end as authority
            from c0 join t_justice as j using (jp, cls)
            where rnd(cn, 31) < j.p_case * c0.case_factor
        ),
        -- stage reach, dates and persons per case; events after DATA_END have not happened yet
        r as (
            select case_id, p9, state, authority, cn, jp, tcc, perpetrator_group, occurred_at::date as d0, d_notified, p_closed, p_appeal,
                rnd(cn, 41) < p_inv as f_inv,
                rnd(cn, 42) < p_susp as f_susp,
                rnd(cn, 43) < p_arrest as f_arrest,
                rnd(cn, 44) < p_charge as f_charge,
                rnd(cn, 45) < p_trial as f_trial,
                1 + cast(floor(pow(rnd(cn, 46), 2.5) * 9) as integer) as s
            from cas
        ),
        f as (
            select *,
                f_inv and f_susp as g_susp,
                f_inv and f_susp and f_arrest as g_arrest,
                -- charges need an arrest, except in Mali where suspects at large are charged
                f_inv and f_susp and f_charge and (f_arrest or (jp = 'MLI' and rnd(cn, 47) < 0.5)) as g_charge
            from r
        ),
        d as (
            select *,
                coalesce(d_notified, d0 + case when rnd(cn, 50) < 0.9 then cast(floor(pow(rnd(cn, 51), 3) * 4) as integer)
                                               else 4 + cast(floor(rnd(cn, 51) * 26) as integer) end) as d_not,
                case when f_inv then d0 + 2 + cast(floor(pow(rnd(cn, 52), 2) * 150) as integer) end as d_inv
            from f
        ),
        d2 as (
            select *,
                case when g_susp then d_inv + 10 + cast(floor(pow(rnd(cn, 53), 2) * 400) as integer) end as d_susp
            from d
        ),
        d3 as (
            select *,
                case when g_arrest then d_susp + cast(floor(pow(rnd(cn, 54), 2) * 200) as integer) end as d_arrest
            from d2
        ),
        d4 as (
            select *,
                case when g_arrest then d_arrest + cast(floor(rnd(cn, 55) * 3) as integer) end as d_det,
                case when g_charge then coalesce(d_arrest, d_susp) + 20 + cast(floor(pow(rnd(cn, 56), 2) * 400) as integer) end as d_charge
            from d3
        ),
        d5 as (
            select *,
                case when g_charge and f_trial then d_charge + 60 + cast(floor(pow(rnd(cn, 57), 2) * 900) as integer) end as d_trial,
                -- closed without prosecution after the last step taken (d_det >= d_arrest >=
                -- d_susp >= d_inv): no arrest or detention after the closure
                case when f_inv and not g_charge and rnd(cn, 58) < p_closed
                     then greatest(d_inv + 180 + cast(floor(rnd(cn, 59) * 1000) as integer),
                                   coalesce(d_det, d_arrest, d_susp, d_inv) + 30) end as d_closed
            from d4
        ),
        d6 as (
            select *,
                case when d_trial is not null then d_trial + cast(floor(rnd(cn, 60) * 45) as integer) end as d_judg
            from d5
        ),
        e as (
            -- only what happened by DATA_END
            select case_id, p9, state, authority, cn, jp, tcc, perpetrator_group, d0, s,
                case when d_not <= {end} then d_not end as d_not,
                case when d_inv <= {end} then d_inv end as d_inv,
                case when d_susp <= {end} then d_susp end as d_susp,
                case when d_arrest <= {end} then d_arrest end as d_arrest,
                case when d_det <= {end} then d_det end as d_det,
                case when d_charge <= {end} then d_charge end as d_charge,
                case when d_trial <= {end} then d_trial end as d_trial,
                case when d_judg <= {end} then d_judg end as d_judg,
                case when d_closed <= {end} then d_closed end as d_closed,
                case when d_judg is not null then d_judg + case when rnd(cn, 61) < 0.7 then 0
                     else cast(floor(rnd(cn, 62) * 30) as integer) end end as d_sent0,
                case when d_judg is not null and rnd(cn, 63) < p_appeal
                     then d_judg + 5 + cast(floor(rnd(cn, 64) * 90) as integer) end as d_appeal0
            from d6
        ),
        p as (
            select *,
                -- persons: a arrested (present), c charged (present + at large), judged split
                case when d_arrest is not null then greatest(1, least(s, cast(round(s * (0.3 + 0.7 * rnd(cn, 70))) as integer))) else 0 end as a,
                case when d_det is not null then 1 else 0 end as det_flag
            from e
        ),
        p2 as (
            select *,
                case when d_charge is null then 0
                     when a > 0 then a + case when jp = 'MLI' then cast(floor((s - a) * rnd(cn, 71)) as integer) else 0 end
                     else s end as c
            from p
        ),
        p3 as (
            select *,
                case when d_judg is not null then cast(floor(a * rnd(cn, 72) * 0.5) as integer) else 0 end as q
            from p2
        )
        select *,
            case when d_judg is not null then a - q else 0 end as cp,
            case when d_judg is not null then c - a else 0 end as ca,
            case when d_sent0 <= {end} and (a - q) + (c - a) > 0 then d_sent0 end as d_sent,
            case when d_appeal0 <= {end} then d_appeal0 end as d_appeal
        from p3
        """
    )
    x(f"insert into cases select case_id, 'DEMO-INC-' || p9, state, authority, {batch} from plan")
    stages = [
        ("01", "notified", "d_not", "null", "mission notification log"),
        (
            "02",
            "investigation_opened",
            "d_inv",
            "null",
            "reply of national authorities to note verbale",
        ),
        ("03", "suspect_identified", "d_susp", "s", "mission justice section monitoring"),
        ("04", "arrest", "d_arrest", "a", "national authorities"),
        ("05", "detention", "d_det", "a", "national authorities"),
        ("06", "charges", "d_charge", "c", "prosecutor's office"),
        ("07", "trial_opened", "d_trial", "c", "court record"),
        ("08", "convicted", "case when cp > 0 then d_judg end", "cp", "court record"),
        ("09", "convicted_in_absentia", "case when ca > 0 then d_judg end", "ca", "court record"),
        ("10", "acquitted", "case when q > 0 then d_judg end", "q", "court record"),
        ("11", "sentence", "d_sent", "cp + ca", "court record"),
        (
            "12",
            "appeal",
            "d_appeal",
            "1 + cast(floor(rnd(cn, 73) * (cp + ca + q)) as integer)",
            "court record",
        ),
        (
            "13",
            "closed_without_prosecution",
            "d_closed",
            "null",
            "reply of national authorities to note verbale",
        ),
    ]
    union = " union all ".join(
        f"select case_id || '-E{no}', case_id, {dexpr}, '{stage}', {persons}, "
        f"'{SOURCE}: ' || case when tcc and '{stage}' <> 'notified' then 'contributing State authorities' else {_lit(src)} end "
        f"from plan where ({dexpr}) is not null"
        for no, stage, dexpr, persons, src in stages
    )
    x(f"insert into case_events select *, {batch} from ({union})")

    # suspects: one row per person identified, status from the furthest event reached
    x(
        f"""
        insert into suspects
        with s as (
            select *, unnest(range(s)) as j
            from plan
            where d_susp is not null
        )
        select concat(case_id, '-S', pad2(j)), case_id, coalesce(perpetrator_group, 'unidentified'),
            case when rnd(cn * 100 + j, 80) < 0.02 then 'F' when rnd(cn * 100 + j, 80) < 0.05 then 'unknown' else 'M' end,
            case
                when j < a then
                    case when d_judg is not null and j < cp then 'convicted'
                         when d_judg is not null then 'acquitted'
                         when d_charge is not null then 'charged'
                         when d_closed is not null then 'released'
                         when rnd(cn * 100 + j, 81) < 0.15 then 'released'
                         else 'detained' end
                when j < c then case when d_judg is not null then 'convicted_in_absentia' else 'at_large' end
                when rnd(cn * 100 + j, 82) < 0.04 then 'deceased'
                when rnd(cn * 100 + j, 82) < 0.55 then 'at_large'
                else 'identified' end,
            concat('SYNTHETIC Suspect ', substr(case_id, 11), '-', pad2(j)),
            {batch}
        from s
        """
    )
    x("drop table plan")

    # ---------------------------------------------------------------- notifications (para 8)
    answer = " ".join(f"when {_lit(k)} then {v!r}" for k, v in NOTIFY_ANSWER.items())
    x(
        f"""
        insert into notifications
        with nn as (
            select n, p9, 1 as k, host as recipient, sent_host as sent_at, host, yr from inc
            where sent_host is not null
            union all
            select n, p9, 2, contingent, sent_tcc, host, yr from inc where sent_tcc is not null
        ),
        t as (
            select *, n * 4 + k as nk,
                case when k = 2 then 0.75
                     when host = 'MLI' and yr >= 2021 then 0.15
                     else coalesce(case host {answer} end, 0.4) end as p_answer
            from nn
        )
        select concat('DEMO-NOT-', p9, '-', k), 'DEMO-INC-' || p9, sent_at,
            {_pick("rnd(nk, 94)", {"note_verbale": 60, "letter": 15, "meeting": 10, "email": 12, "other": 3})},
            recipient,
            case when rnd(nk, 95) < p_answer
                      and sent_at::date + 3 + cast(floor(pow(rnd(nk, 96), 2) * 150) as integer) <= {end}
                 then sent_at::date + 3 + cast(floor(pow(rnd(nk, 96), 2) * 150) as integer) end,
            {batch}
        from t
        where sent_at < {end}::date + 1
        """
    )
    x("drop table inc")

    # ---------------------------------------------------------------- register snapshot
    _register(con, batch, scale)

    # ---------------------------------------------------------------- assistance, focal points, deployments
    _assistance(con, batch, scale)
    _focal_points(con, batch)
    _deployments(con, batch)

    counts = {t: x(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    total = sum(v for k, v in counts.items() if k != "load_batches")
    x(
        "update load_batches set rows_read = ?, rows_inserted = ? where batch_id = ?",
        [total, total, batch],
    )
    for t in ("t_bucket", "t_town", "t_nat", "t_mission", "t_justice"):
        x(f"drop table if exists {t}")
    return counts


def _register(con: duckdb.DuckDBPyConnection, batch: int, scale: float) -> None:
    """A synthetic register snapshot as of DATA_END: every killed victim (Malicious Act) plus
    deaths from other causes in the same missions (Illness, Accident, To Be Determined...),
    in roughly the real register's 2013-2023 proportions."""
    x = con.execute
    snap = _lit(DATA_END.isoformat())
    # other causes: about 3 per malicious-act death since 2013 in the real register
    years = []
    strength = _strength_by_month()
    by_year: dict[tuple[str, int], float] = {}
    for code, m, s in strength:
        by_year[(code, m.year)] = by_year.get((code, m.year), 0) + s / 12
    for code, mm in MISSIONS.items():
        if mm["profile"] == "SPM":
            start = date.fromisoformat(mm["start"])
            end = min(date.fromisoformat(mm["end"]) if mm["end"] else DATA_END, DATA_END)
            for y in range(max(start.year, FIRST_YEAR), end.year + 1):
                by_year[(code, y)] = 600.0
    for (code, y), s in sorted(by_year.items()):
        mm = MISSIONS[code]
        start = max(date.fromisoformat(mm["start"]), date(y, 1, 1))
        end = min(
            date.fromisoformat(mm["end"]) if mm["end"] else DATA_END, DATA_END, date(y, 12, 31)
        )
        if end >= start:
            years.append((code, y, start.isoformat(), (end - start).days + 1, s))
    n_other = max(1, round(1150 * scale))
    rows = _allocate(years, n_other)
    _table(x, "t_rb", [(i, *r) for i, r in enumerate(rows)], dict(b="integer", **BUCKET_TYPES))
    _number(x, "t_rb_n", "t_rb")
    causes = {
        "Illness": 62,
        "Accident": 21,
        "To Be Determined": 11,
        "Self-Inflicted": 2,
        "Unknown": 3,
    }
    ptypes = {
        "Military": 62,
        "Police": 10,
        "Local": 13,
        "International Civilian": 11,
        "Military Observer": 1,
        "Other": 3,
    }
    x(
        f"""
        insert into register_records
        with o as (
            select r.n as k, b.mission_code, m.host, m.profile,
                   b.d0 + cast(floor(rnd(r.n, 100) * b.days) as integer) as incident_date,
                   case when m.profile = 'SPM' then {_pick("rnd(r.n, 101)", {"International Civilian": 45, "Local": 40, "Military": 10, "Other": 5})}
                        else {_pick("rnd(r.n, 101)", ptypes)} end as personnel_type,
                   -- recent deaths are more often still "To Be Determined"
                   case when b.yr >= 2025 and rnd(r.n, 102) < 0.35 then 'To Be Determined'
                        else {_pick("rnd(r.n, 103)", causes)} end as incident_type
            from t_rb_n as r
            join t_rb as b using (b)
            join t_mission as m using (mission_code)
        ),
        o2 as (
            select o.*,
                case when personnel_type = 'Local' then host
                     when personnel_type in ('Military', 'Police', 'Military Observer') then coalesce(t.iso3, host)
                     else i.iso3 end as iso3,
                case when rnd(k, 104) < 0.04 then null
                     when personnel_type in ('Military', 'Police', 'Military Observer') and rnd(k, 105) < 0.03 then 'F'
                     when personnel_type not in ('Military', 'Police', 'Military Observer') and rnd(k, 105) < 0.15 then 'F'
                     else 'M' end as gender
            from o
            left join t_nat as t on t.g = o.mission_code and t.slot = cast(floor(rnd(k, 106) * {SLOTS}) as integer)
            left join t_nat as i on i.g = '*intl' and i.slot = cast(floor(rnd(k, 107) * {SLOTS}) as integer)
        ),
        allrows as (
            select concat(mission_code, '-', strftime(incident_date, '%Y-%m'), '-R', pad9(k)) as casualty_id, k + 1 as record_id,
                   incident_date, mission_code, personnel_type, incident_type, gender, iso3
            from o2
            union all
            select v.casualty_id, {n_other} + row_number() over (order by v.casualty_id),
                   i.occurred_at::date, i.mission_code, v.personnel_category, 'Malicious Act',
                   case when v.gender in ('F', 'M') then v.gender end, v.nationality
            from victims as v join incidents as i using (incident_id)
            where v.outcome = 'killed'
        )
        select {snap}::date, a.casualty_id, c.name_en,
            a.record_id,
            a.incident_date, a.mission_code, a.mission_code, a.personnel_type, a.incident_type, a.gender,
            a.iso3, c.m49, {batch}
        from allrows as a
        join ref_countries as c on c.iso3 = a.iso3
        """
    )
    x(
        f"insert into register_snapshots select {snap}::date, {batch}, count(*), true "
        f"from register_records where snapshot_date = {snap}::date"
    )
    x("drop table t_rb")
    x("drop table t_rb_n")


def _assistance(con: duckdb.DuckDBPyConnection, batch: int, scale: float) -> None:
    """Capacity-building activities (paras 3, 5): mostly CAR, DRC, Mali, since 2015."""
    n = max(1, round(260 * scale))
    hosts = {h: w for h, (_, w, _) in ASSISTANCE_HOSTS.items()}
    ben_rows = _slots({h: [((b,), 1) for b in bs] for h, (_, _, bs) in ASSISTANCE_HOSTS.items()})
    con.execute(
        "create temp table t_ben as select g, unnest(range(lo, hi)) as slot, beneficiary from "
        + _values(ben_rows, ["g", "lo", "hi", "beneficiary"])
    )
    # activity numbers from a scanned temp table rather than range(): see _number
    con.execute(f"create temp table t_ass_n as select range as n from range({n})")
    mission = " ".join(
        f"when {_lit(h)} then {_lit(m)}" for h, (m, _, _) in ASSISTANCE_HOSTS.items()
    )
    con.execute(
        f"""
        insert into assistance
        with a as (
            select r.n as k, {_pick("rnd(r.n, 110)", hosts)} as host_state,
                   {_pick("rnd(r.n, 111)", ASSISTANCE_TYPES)} as assistance_type
            from t_ass_n as r
        ),
        b as (
            select a.*, case host_state {mission} end as mission_code,
                -- Mali only while MINUSMA was deployed; others 2015 to DATA_END
                case when host_state = 'MLI' then date '2015-01-05' + cast(floor(rnd(k, 112) * 3250) as integer)
                     else date '2015-01-05' + cast(floor(rnd(k, 112) * (date {_lit(DATA_END.isoformat())} - date '2015-01-05' - 20)) as integer)
                end as start_date,
                cast(8 + floor(pow(rnd(k, 113), 2) * 50) as integer) as participants
            from a
        )
        select 'DEMO-ASS-' || pad9(k), host_state, mission_code, start_date,
            start_date + case when assistance_type in ('forensics', 'detention', 'court_security')
                              then cast(floor(rnd(k, 114) * 60) as integer)
                              else 1 + cast(floor(rnd(k, 114) * 9) as integer) end,
            assistance_type, t.beneficiary,
            cast(round(participants * (0.12 + rnd(k, 115) * 0.18)) as integer),
            participants - cast(round(participants * (0.12 + rnd(k, 115) * 0.18)) as integer)
                - case when rnd(k, 116) < 0.1 then 2 else 0 end,
            case when rnd(k, 116) < 0.1 then 2 else 0 end,
            {batch}
        from b join t_ben as t on t.g = b.host_state and t.slot = cast(floor(rnd(k, 117) * {SLOTS}) as integer)
        """
    )
    con.execute("drop table t_ben")
    con.execute("drop table t_ass_n")


def _focal_points(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Para 9 focal points: designated from late 2021, rotating every 1-3 years."""
    rows = []
    missions = [
        "MINUSCA",
        "MONUSCO",
        "MINUSMA",
        "UNMISS",
        "UNIFIL",
        "UNISFA",
        "UNDOF",
        "UNFICYP",
        "MINURSO",
    ]
    for mi, code in enumerate(missions):
        end = date(2023, 12, 31) if code == "MINUSMA" else None
        d = date(2021, 10, 1 + (mi * 3) % 27)
        k = 0
        while d <= DATA_END and (end is None or d <= end):
            span = 420 + ((mi * 7 + k * 13) % 5) * 120
            to = date.fromordinal(d.toordinal() + span)
            if end and to > end:
                to = end
            if to > DATA_END:
                to = None
            letter = "ABCDEFGH"[k]
            rows.append(
                (
                    f"DEMO-FP-{code}-{k + 1}",
                    code,
                    FOCAL_FUNCTIONS[(mi + k) % len(FOCAL_FUNCTIONS)],
                    f"SYNTHETIC Focal Point {code} {letter}.",
                    d.isoformat(),
                    to.isoformat() if to else None,
                )
            )
            if to is None or (end and to >= end):
                break
            d = date.fromordinal(to.toordinal() + 1)
            k += 1
    con.execute(
        f"insert into focal_points select id, mission_code, fn, nm, f::date, t::date, {batch} from "
        + _values(rows, ["id", "mission_code", "fn", "nm", "f", "t"])
    )


def _deployments(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Monthly uniformed strength by mission x contributor x gender (women ~4-11 %)."""
    _table(
        con.execute,
        "t_str",
        _strength_by_month(),
        dict(mission_code="varchar", month="date", strength="integer"),
    )
    share_rows = [
        (c, iso, w / sum(d.values())) for c, d in CONTRIBUTORS.items() for iso, w in d.items()
    ]
    con.execute(
        "create temp table t_share as select * from "
        + _values(share_rows, ["mission_code", "iso3", "share"])
    )
    con.execute(
        f"""
        insert into deployments
        with m as (
            select s.month, s.mission_code, c.iso3,
                -- each contributor's share drifts a little month to month
                s.strength * c.share * (0.9 + 0.2 * rnd(hash(s.mission_code, c.iso3, s.month), 120)) as total,
                0.04 + 0.07 * rnd(hash(s.mission_code, c.iso3), 121) as f_share
            from t_str as s join t_share as c using (mission_code)
        )
        select month, mission_code, iso3, g.gender,
            cast(round(case when g.gender = 'F' then total * f_share else total * (1 - f_share) end) as integer),
            {batch}
        from m cross join (values ('F'), ('M')) as g(gender)
        where round(case when g.gender = 'F' then total * f_share else total * (1 - f_share) end) > 0
        """
    )
    con.execute("drop table t_str")
    con.execute("drop table t_share")


# ---------------------------------------------------------------------------------- anchors
# Cases shaped like public verdicts (DOMAIN.md). Synthetic records: names, exact places and
# counts of victims are invented; only the shape (who tried how many, when, with what
# outcome) follows the public reporting named in each source.
ANCHORS = [
    dict(
        key="CAF1",
        mission="MINUSCA",
        host="CAF",
        at="2017-05-08 14:30",
        place="Bangassou",
        admin="Mbomou",
        lat=4.78,
        lon=22.60,
        act="ambush",
        perp="anti-Balaka",
        victims=[("Military", "KHM", "killed")] * 4
        + [("Military", "MAR", "killed")]
        + [("Military", "MAR", "injured")] * 8,
        authority="Cour d'appel de Bangui (session criminelle)",
        src="public reporting on the Bangui Court of Appeal verdict of 7 Feb 2020 (Bangassou 2017 attacks)",
        events=[
            ("notified", "2017-05-08", None),
            ("investigation_opened", "2017-05-22", None),
            ("suspect_identified", "2017-09-14", 40),
            ("arrest", "2017-11-20", 12),
            ("detention", "2017-11-21", 12),
            ("arrest", "2018-06-14", 14),
            ("detention", "2018-06-15", 14),
            ("charges", "2019-03-01", 32),
            ("trial_opened", "2020-01-13", 32),
            ("convicted", "2020-02-07", 22),
            ("convicted_in_absentia", "2020-02-07", 6),
            ("acquitted", "2020-02-07", 4),
            ("sentence", "2020-02-07", 28),
        ],
        suspects=[
            ("convicted", 22),
            ("convicted_in_absentia", 6),
            ("acquitted", 4),
            ("at_large", 8),
        ],
    ),
    dict(
        key="CAF2",
        mission="MINUSCA",
        host="CAF",
        at="2017-07-25 06:10",
        place="Bangassou",
        admin="Mbomou",
        lat=4.73,
        lon=22.84,
        act="armed_attack",
        perp="anti-Balaka",
        victims=[("Military", "MAR", "killed")] * 5 + [("Military", "MAR", "injured")] * 3,
        authority="Parquet du Tribunal de grande instance de Bangassou",
        src="mission justice section monitoring",
        events=[("notified", "2017-07-25", None), ("investigation_opened", "2017-08-10", None)],
        suspects=[],
    ),
    dict(
        key="MLI1",
        mission="MINUSMA",
        host="MLI",
        at="2019-02-22 09:15",
        place="Siby",
        admin="Koulikoro",
        lat=12.37,
        lon=-8.32,
        act="ambush",
        perp="unidentified armed men",
        victims=[("Military", "GIN", "killed")] * 3 + [("Military", "GIN", "injured")],
        authority="Cour d'assises de Bamako",
        src="public reporting on the Cour d'assises de Bamako verdict of 24 Jan 2023 (Siby road attack)",
        events=[
            ("notified", "2019-02-22", None),
            ("investigation_opened", "2019-02-25", None),
            ("suspect_identified", "2019-06-18", 1),
            ("arrest", "2019-09-03", 1),
            ("detention", "2019-09-04", 1),
            ("charges", "2020-01-15", 1),
            ("trial_opened", "2023-01-23", 1),
            ("convicted", "2023-01-24", 1),
            ("sentence", "2023-01-24", 1),
        ],
        suspects=[("convicted", 1)],
    ),
    dict(
        key="MLI2",
        mission="MINUSMA",
        host="MLI",
        at="2015-05-20 22:40",
        place="Bamako",
        admin="District de Bamako",
        lat=12.62,
        lon=-7.99,
        act="armed_attack",
        perp="Al-Mourabitoune",
        victims=[("Local", "MLI", "injured"), ("Military", "SEN", "injured")],
        authority="Cour d'assises de Bamako",
        src="public reporting on the Cour d'assises de Bamako verdict of 24 Mar 2021 (May 2015 attack in Bamako)",
        events=[
            ("notified", "2015-05-21", None),
            ("investigation_opened", "2015-05-23", None),
            ("suspect_identified", "2015-08-10", 9),
            ("arrest", "2015-10-02", 1),
            ("detention", "2015-10-03", 1),
            ("charges", "2016-04-12", 9),
            ("trial_opened", "2021-03-22", 9),
            ("convicted", "2021-03-24", 1),
            ("convicted_in_absentia", "2021-03-24", 8),
            ("sentence", "2021-03-24", 9),
        ],
        suspects=[("convicted", 1), ("convicted_in_absentia", 8)],
    ),
    dict(
        key="MLI3",
        mission="MINUSMA",
        host="MLI",
        at="2017-03-15 07:50",
        place="Gao",
        admin="Gao",
        lat=16.21,
        lon=0.08,
        act="ied_mine",
        perp="unidentified armed men",
        victims=[("Military", "TGO", "injured")] * 3,
        authority="Cour d'assises de Bamako",
        src="public reporting on the Cour d'assises de Bamako verdict of 21 Sep 2020 (mines against a MINUSMA contingent)",
        events=[
            ("notified", "2017-03-15", None),
            ("investigation_opened", "2017-03-20", None),
            ("suspect_identified", "2017-11-02", 1),
            ("arrest", "2018-02-14", 1),
            ("detention", "2018-02-15", 1),
            ("charges", "2018-09-10", 1),
            ("trial_opened", "2020-09-18", 1),
            ("convicted", "2020-09-21", 1),
            ("sentence", "2020-09-21", 1),
        ],
        suspects=[("convicted", 1)],
    ),
    dict(
        key="COD1",
        mission="MONUSCO",
        host="COD",
        at="2010-08-18 02:00",
        place="Kirumba",
        admin="Nord-Kivu",
        lat=-0.55,
        lon=29.10,
        act="attack_on_premises",
        perp="Mai-Mai group",
        victims=[("Military", "IND", "killed")] * 3 + [("Military", "IND", "injured")] * 2,
        authority="Tribunal militaire de garnison de Goma",
        src="public reporting on the Goma military garrison court verdict of 15 Jun 2011 (Kirumba attack)",
        events=[
            ("notified", "2010-08-18", None),
            ("investigation_opened", "2010-08-24", None),
            ("suspect_identified", "2010-10-05", 9),
            ("arrest", "2010-11-12", 9),
            ("detention", "2010-11-13", 9),
            ("charges", "2011-02-21", 9),
            ("trial_opened", "2011-05-09", 9),
            ("convicted", "2011-06-15", 5),
            ("acquitted", "2011-06-15", 4),
            ("sentence", "2011-06-15", 5),
            ("appeal", "2011-07-02", 3),
        ],
        suspects=[("convicted", 5), ("acquitted", 4)],
    ),
]


def _anchors(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    inc, vic, cas, ev, sus, notif = [], [], [], [], [], []
    for a in ANCHORS:
        iid = f"DEMO-INC-ANCHOR-{a['key']}"
        label = ACT_LABEL[a["act"]]
        inc.append(
            (
                iid,
                a["at"],
                a["mission"],
                a["host"],
                a["admin"],
                a["place"],
                a["lat"],
                a["lon"],
                a["act"],
                a["perp"],
                f"SYNTHETIC demo record shaped like a public case: {label} against a {a['mission']} "
                f"{ACT_TARGET[a['act']]} near {a['place']} ({a['admin']}).",
                "confirmed",
                f"{SOURCE}: shaped on {a['src']}",
            )
        )
        for j, (cat, nat, outcome) in enumerate(a["victims"]):
            cid = (
                f"{a['mission']}-{a['at'][:7]}-A{a['key']}{j:02d}" if outcome == "killed" else None
            )
            gender = "M"
            vic.append(
                (
                    f"DEMO-VIC-ANCHOR-{a['key']}-{j:02d}",
                    iid,
                    cat,
                    nat,
                    gender,
                    "25-34",
                    outcome,
                    cid,
                    f"SYNTHETIC Person {a['key']}-{j:02d}",
                )
            )
        cid = f"DEMO-CASE-ANCHOR-{a['key']}"
        cas.append((cid, iid, a["host"], a["authority"]))
        for k, (stage, d, persons) in enumerate(a["events"]):
            ev.append(
                (f"{cid}-E{k:02d}", cid, d, stage, persons, f"{SOURCE}: shaped on {a['src']}")
            )
        j = 0
        for status, count in a["suspects"]:
            for _ in range(count):
                sus.append(
                    (
                        f"{cid}-S{j:02d}",
                        cid,
                        a["perp"],
                        "M",
                        status,
                        f"SYNTHETIC Suspect {a['key']}-{j:02d}",
                    )
                )
                j += 1
        notif.append(
            (
                f"DEMO-NOT-ANCHOR-{a['key']}",
                iid,
                a["events"][0][1] + " 18:00",
                "note_verbale",
                a["host"],
                a["events"][1][1] if len(a["events"]) > 1 else None,
            )
        )
    x = con.execute
    x(
        f"insert into incidents select *, true, {batch} from "
        + _values(inc, [f"c{i}" for i in range(13)])
    )
    x(f"insert into victims select *, {batch} from " + _values(vic, [f"c{i}" for i in range(9)]))
    x(f"insert into cases select *, {batch} from " + _values(cas, [f"c{i}" for i in range(4)]))
    x(f"insert into case_events select *, {batch} from " + _values(ev, [f"c{i}" for i in range(6)]))
    x(f"insert into suspects select *, {batch} from " + _values(sus, [f"c{i}" for i in range(6)]))
    x(
        f"insert into notifications select *, {batch} from "
        + _values(notif, [f"c{i}" for i in range(6)])
    )


# ---------------------------------------------------------------------------------- extracts
EXTRACT_TABLES = (
    "incidents",
    "victims",
    "cases",
    "case_events",
    "suspects",
    "notifications",
    "assistance",
    "focal_points",
    "deployments",
)


def write_extracts(out_dir, seed: int = 2589, scale: float = 1.0) -> list[Path]:
    """Write the demo as extract files in the project's case-tracking format (one CSV per
    kind, columns = table columns minus batch_id and synthetic, timestamps as
    YYYY-MM-DDTHH:MM:SS) plus the synthetic register in the UN new schema. Returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = out / f".demo-extracts-{os.getpid()}.duckdb"
    build_demo(db, seed, scale, models=False)
    paths = []
    con = duckdb.connect(str(db), read_only=True)
    try:
        for t in EXTRACT_TABLES:
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name, data_type from information_schema.columns where table_name = ? "
                    "order by ordinal_position",
                    [t],
                ).fetchall()
                if r[0] not in ("batch_id", "synthetic")
            ]
            types = dict(
                con.execute(
                    "select column_name, data_type from information_schema.columns where table_name = ?",
                    [t],
                ).fetchall()
            )
            sel = ", ".join(
                f"strftime({c}, '%Y-%m-%dT%H:%M:%S') as {c}" if types[c] == "TIMESTAMP" else c
                for c in cols
            )
            order = ", ".join(cols[:4] if t == "deployments" else cols[:1])
            p = out / f"{t}.csv"
            con.execute(
                f"copy (select {sel} from {t} order by {order}) to '{p}' (header, delimiter ',')"
            )
            paths.append(p)
        p = out / "register_demo.csv"
        con.execute(
            f"""
            copy (
                select record_id as id, incident_date, casualty_id, mission_acronym,
                    'Fatality' as type_of_casualty, gender, nationality_name as casualty_nationality,
                    case when personnel_type = 'Local' then 'Local ' else personnel_type end as casualty_personnel_type,
                    incident_type as type_of_incident, m49::varchar || '.0' as m49_code,
                    nationality_iso3 as isocode3, snapshot_date as last_update
                from register_records order by record_id
            ) to '{p}' (header, delimiter ',')
            """
        )
        paths.append(p)
    finally:
        con.close()
        db.unlink(missing_ok=True)
    return paths
