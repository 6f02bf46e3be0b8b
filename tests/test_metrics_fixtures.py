"""A small hand-made world for the metrics tests, and checks of the model tables built from it.

Every expected value in tests/test_metrics_*.py is worked out by hand from the rows below.

Register (snapshot 2023-11-28; the 2021-06-30 snapshot has R1, R2, R5, R6 and R3 as
'To Be Determined', reclassified to 'Malicious Act' later):
  R1 MINUSCA 2020-03-10 Military BGD M  Malicious Act
  R2 MINUSMA 2021-06-05 Military TGO M  Malicious Act
  R3 MINUSMA 2021-06-05 Police   SEN M  Malicious Act
  R4 MINUSMA 2021-08-01 Military TGO M  Illness
  R5 UNAMA   2019-05-01 Local    AFG -  Malicious Act   (special political mission)
  R6 UNSECRETARIAT 2003-08-19 International Civilian BRA F Malicious Act (office, no host)
  R7 MINUSCA 2022-01-15 Military PAK F  To Be Determined

Case tracking:
  I1 2020-03-10 08:00 MINUSCA/CAF ambush confirmed: V1 killed Military BGD M, V2 injured
     Military BGD F, V3 injured Local CAF unknown; N1 to CAF +12 h, answered 2020-03-20
  I2 2021-06-05 00:00 MINUSMA/MLI ied_mine probable: V4 killed Military TGO M, V5 killed
     Police SEN M; N2 to MLI +60 h, no answer
  I3 2022-01-15 MINUSCA/CAF abduction unverified: V6 released International Civilian FRA F,
     V7 abducted Local CAF M; no notification
  I4 2022-11-01 MINUSMA/MLI detention confirmed: V8 detained Military EGY M; N3 to MLI +120 h,
     answered 2022-12-01
  C1 (I1, CAF) notified 03-11, investigation 2020-04-01, suspect 06-01, arrest 07-01 (3),
     charges 09-01, trial 2021-01-10, convicted 2021-03-01 (2) + acquitted 2021-03-01 (1)
     -> partial_justice
  C2 (I2, MLI) notified 2021-06-08, investigation 07-01, suspect 09-01, in absentia
     2022-05-01 (1) -> partial_justice
  C3 (I2, FRA) investigation 2021-08-01 -> pending
  C4 (I4, MLI) notified 2022-11-07, closed without prosecution 2023-02-01 -> impunity
  C5 (I3, CAF) investigation 2022-02-01, arrest 03-01 (no count = 1), detention 03-02,
     charges 04-01, trial 10-01, convicted 2023-01-10 (1), sentence 2023-01-10 -> full_justice
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from etl.db import init_db
from etl.models import build_models

MISSIONS = [
    ("MINUSCA", "pko", "CAF"),
    ("MINUSMA", "pko", "MLI"),
    ("UNAMA", "spm", "AFG"),
    ("UNSECRETARIAT", "office", None),
]
REGISTER = [
    ("R1", "2020-03-10", "MINUSCA", "Military", "Malicious Act", "M", "BGD"),
    ("R2", "2021-06-05", "MINUSMA", "Military", "Malicious Act", "M", "TGO"),
    ("R3", "2021-06-05", "MINUSMA", "Police", "Malicious Act", "M", "SEN"),
    ("R4", "2021-08-01", "MINUSMA", "Military", "Illness", "M", "TGO"),
    ("R5", "2019-05-01", "UNAMA", "Local", "Malicious Act", None, "AFG"),
    ("R6", "2003-08-19", "UNSECRETARIAT", "International Civilian", "Malicious Act", "F", "BRA"),
    ("R7", "2022-01-15", "MINUSCA", "Military", "To Be Determined", "F", "PAK"),
]
OLD_SNAPSHOT = date(2021, 6, 30)
NEW_SNAPSHOT = date(2023, 11, 28)
INCIDENTS = [
    (
        "I1",
        "2020-03-10 08:00:00",
        "MINUSCA",
        "CAF",
        "Haut-Mbomou",
        5.1,
        22.1,
        "ambush",
        "confirmed",
    ),
    ("I2", "2021-06-05 00:00:00", "MINUSMA", "MLI", "Kidal", 18.4, 1.4, "ied_mine", "probable"),
    ("I3", "2022-01-15 00:00:00", "MINUSCA", "CAF", "Ouham", 6.9, 17.4, "abduction", "unverified"),
    ("I4", "2022-11-01 00:00:00", "MINUSMA", "MLI", "Mopti", 14.5, -4.2, "detention", "confirmed"),
]
VICTIMS = [
    ("V1", "I1", "Military", "BGD", "M", "killed", "R1"),
    ("V2", "I1", "Military", "BGD", "F", "injured", None),
    ("V3", "I1", "Local", "CAF", "unknown", "injured", None),
    ("V4", "I2", "Military", "TGO", "M", "killed", "R2"),
    ("V5", "I2", "Police", "SEN", "M", "killed", "R3"),
    ("V6", "I3", "International Civilian", "FRA", "F", "released", None),
    ("V7", "I3", "Local", "CAF", "M", "abducted", None),
    ("V8", "I4", "Military", "EGY", "M", "detained", None),
]
CASES = [
    ("C1", "I1", "CAF"),
    ("C2", "I2", "MLI"),
    ("C3", "I2", "FRA"),
    ("C4", "I4", "MLI"),
    ("C5", "I3", "CAF"),
]
EVENTS = [
    ("C1", "2020-03-11", "notified", None),
    ("C1", "2020-04-01", "investigation_opened", None),
    ("C1", "2020-06-01", "suspect_identified", 3),
    ("C1", "2020-07-01", "arrest", 3),
    ("C1", "2020-09-01", "charges", 3),
    ("C1", "2021-01-10", "trial_opened", 3),
    ("C1", "2021-03-01", "convicted", 2),
    ("C1", "2021-03-01", "acquitted", 1),
    ("C2", "2021-06-08", "notified", None),
    ("C2", "2021-07-01", "investigation_opened", None),
    ("C2", "2021-09-01", "suspect_identified", 1),
    ("C2", "2022-05-01", "convicted_in_absentia", 1),
    ("C3", "2021-08-01", "investigation_opened", None),
    ("C4", "2022-11-07", "notified", None),
    ("C4", "2023-02-01", "closed_without_prosecution", None),
    ("C5", "2022-02-01", "investigation_opened", None),
    ("C5", "2022-03-01", "arrest", None),
    ("C5", "2022-03-02", "detention", 1),
    ("C5", "2022-04-01", "charges", 1),
    ("C5", "2022-10-01", "trial_opened", 1),
    ("C5", "2023-01-10", "convicted", 1),
    ("C5", "2023-01-10", "sentence", 1),
]
SUSPECTS = [
    ("S1", "C1", "M", "convicted"),
    ("S2", "C1", "M", "convicted"),
    ("S3", "C1", "F", "acquitted"),
    ("S4", "C2", "unknown", "convicted_in_absentia"),
    ("S5", "C5", "M", "convicted"),
]
NOTIFICATIONS = [
    ("N1", "I1", "2020-03-10 20:00:00", "note_verbale", "CAF", "2020-03-20"),
    ("N2", "I2", "2021-06-07 12:00:00", "letter", "MLI", None),
    ("N3", "I4", "2022-11-06 00:00:00", "note_verbale", "MLI", "2022-12-01"),
]
ASSISTANCE = [
    ("A1", "CAF", "MINUSCA", "2021-05-01", "forensics", 2, 10, 0),
    ("A2", "MLI", "MINUSMA", "2022-02-01", "training", 5, 15, 1),
    ("A3", "CAF", None, "2022-07-01", "evidence", 0, 3, 2),
]
FOCAL_POINTS = [
    (
        "FP1",
        "MINUSCA",
        "Focal point, investigation and prosecution",
        "Jane Doe",
        "2021-01-01",
        None,
    ),
    ("FP2", "MINUSMA", "Focal point", "John Roe", "2021-01-01", "2023-12-31"),
]
DEPLOYMENTS = [
    ("2020-03-01", "MINUSCA", "BGD", "M", 900),
    ("2020-03-01", "MINUSCA", "BGD", "F", 100),
    ("2020-04-01", "MINUSCA", "BGD", "M", 1900),
    ("2020-04-01", "MINUSCA", "BGD", "F", 100),
]


def build_fixture(con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory database holding the world described in the module docstring."""
    con = con or duckdb.connect()
    init_db(con)
    for code, kind, host in MISSIONS:
        con.execute("delete from ref_mission_aliases where mission_code = ?", [code])
        con.execute("delete from ref_missions where mission_code = ?", [code])
        con.execute(
            "insert into ref_missions (mission_code, name_en, name_fr, kind, host_states,"
            " primary_host) values (?, ?, ?, ?, ?, ?)",
            [code, code, code, kind, host, host],
        )
    con.execute(
        "insert into load_batches (batch_id, file_name, sha256, kind, rows_read, rows_inserted,"
        " rows_updated, loaded_at) values (1, 'fixture', 'x', 'fixture', 0, 0, 0,"
        " timestamp '2023-12-01 10:00:00')"
    )
    for snap, rows in (
        (OLD_SNAPSHOT, [r for r in REGISTER if r[0] in ("R1", "R2", "R3", "R5", "R6")]),
        (NEW_SNAPSHOT, REGISTER),
    ):
        con.execute("insert into register_snapshots values (?, 1, ?, false)", [snap, len(rows)])
        for cid, d, m, pt, it, g, iso in rows:
            if snap == OLD_SNAPSHOT and cid == "R3":
                it = "To Be Determined"
            con.execute(
                "insert into register_records (snapshot_date, casualty_id, nationality_name,"
                " incident_date, mission_code, mission_acronym, personnel_type, incident_type,"
                " gender, nationality_iso3, batch_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                [snap, cid, iso, d, m, m, pt, it, g, iso],
            )
    for iid, at, m, host, area, lat, lon, act, ver in INCIDENTS:
        con.execute(
            "insert into incidents (incident_id, occurred_at, mission_code, host_state, admin_area,"
            " lat, lon, act_type, verification, batch_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            [iid, at, m, host, area, lat, lon, act, ver],
        )
    for vid, iid, pc, nat, g, out, cas in VICTIMS:
        con.execute(
            "insert into victims (victim_id, incident_id, personnel_category, nationality, gender,"
            " outcome, casualty_id, full_name, batch_id) values (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            [vid, iid, pc, nat, g, out, cas, f"Name {vid}"],
        )
    for cid, iid, state in CASES:
        con.execute("insert into cases values (?, ?, ?, 'court', 1)", [cid, iid, state])
    for n, (cid, d, stage, persons) in enumerate(EVENTS):
        con.execute(
            "insert into case_events values (?, ?, ?, ?, ?, 'fixture', 1)",
            [f"E{n:02d}", cid, d, stage, persons],
        )
    for sid, cid, g, status in SUSPECTS:
        con.execute(
            "insert into suspects values (?, ?, 'group', ?, ?, ?, 1)",
            [sid, cid, g, status, f"Name {sid}"],
        )
    for row in NOTIFICATIONS:
        con.execute("insert into notifications values (?, ?, ?, ?, ?, ?, 1)", list(row))
    for aid, host, m, start, kind, f, mm, u in ASSISTANCE:
        con.execute(
            "insert into assistance values (?, ?, ?, ?, null, ?, 'police', ?, ?, ?, 1)",
            [aid, host, m, start, kind, f, mm, u],
        )
    for row in FOCAL_POINTS:
        con.execute("insert into focal_points values (?, ?, ?, ?, ?, ?, 1)", list(row))
    for row in DEPLOYMENTS:
        con.execute("insert into deployments values (?, ?, ?, ?, ?, 1)", list(row))
    build_models(con)
    return con


@pytest.fixture
def con():
    c = build_fixture()
    yield c
    c.close()


def one(con, sql, params=()):
    return con.execute(sql, list(params)).fetchone()


def test_fact_incidents_has_one_row_per_incident_with_victim_counts(con):
    rows = con.execute(
        "select incident_id, killed, injured, detained, abducted, released, victims_f, victims_m,"
        " victims_unknown, n_cases, notification_delay_hours, verified from fact_incidents"
        " order by 1"
    ).fetchall()
    assert rows == [
        ("I1", 1, 2, 0, 0, 0, 1, 1, 1, 1, 12.0, True),
        ("I2", 2, 0, 0, 0, 0, 0, 2, 0, 2, 60.0, False),
        ("I3", 0, 0, 0, 2, 1, 1, 1, 0, 1, None, False),
        ("I4", 0, 0, 1, 0, 0, 0, 1, 0, 1, 120.0, True),
    ]
    assert one(
        con,
        "select uniformed_nationalities, civilian_nationalities, genders"
        " from fact_incidents where incident_id = 'I1'",
    ) == (["BGD"], ["CAF"], ["F", "M", "unknown"])


def test_fact_cases_outcomes_and_stage_dates(con):
    rows = dict(con.execute("select case_id, outcome from fact_cases").fetchall())
    assert rows == {
        "C1": "partial_justice",
        "C2": "partial_justice",
        "C3": "pending",
        "C4": "impunity",
        "C5": "full_justice",
    }
    c1 = con.execute(
        "select current_stage, persons_arrested, persons_convicted, persons_acquitted,"
        " prosecuted_on, judgment_on from fact_cases where case_id = 'C1'"
    ).fetchone()
    assert c1 == ("convicted", 3, 2, 1, date(2020, 9, 1), date(2021, 3, 1))
    c2 = one(
        con,
        "select prosecuted_on, persons_convicted_in_absentia, suspects_identified_on"
        " from fact_cases where case_id = 'C2'",
    )
    assert c2 == (date(2022, 5, 1), 1, date(2021, 9, 1))


def test_fact_cases_as_of_a_past_date_uses_only_earlier_events(con):
    rows = dict(
        con.execute("select case_id, outcome from fact_cases_as_of(date '2021-12-31')").fetchall()
    )
    assert rows == {"C1": "partial_justice", "C2": "pending", "C3": "pending"}


def test_rollups_add_up_to_the_facts(con):
    assert one(con, "select sum(persons) from rollup_persons where source = 'tracking'") == (8,)
    assert one(con, "select sum(persons) from rollup_persons where source = 'register'") == (12,)
    assert one(con, "select sum(incidents) from rollup_incidents") == (4,)
    assert one(
        con, "select sum(cases), sum(investigated), sum(convicted_cases) from rollup_cases"
    ) == (5, 4, 3)


def test_building_the_models_twice_changes_nothing(con):
    before = con.execute("select * from rollup_cases order by all").fetchall()
    build_models(con)
    assert con.execute("select * from rollup_cases order by all").fetchall() == before


@pytest.mark.parametrize(
    "as_of",
    [
        "2020-01-01",
        "2020-06-30",
        "2021-03-01",
        "2021-12-31",
        "2022-11-06",
        "2023-01-10",
        "2030-01-01",
    ],
)
def test_fact_cases_as_of_recomputes_only_what_changed_but_equals_a_full_recompute(con, as_of):
    fast = con.execute(
        "select case_id, outcome, investigation_opened_on, judgment_on, persons_convicted,"
        " current_stage from fact_cases_as_of(?::date) order by case_id",
        [as_of],
    ).fetchall()
    full = con.execute(
        """select f.case_id, coalesce(s.outcome, 'pending'), s.investigation_opened_on,
                  s.judgment_on, coalesce(s.persons_convicted, 0), s.current_stage
           from fact_cases as f left join case_stages_as_of(?::date) as s using (case_id)
           where f.opened_on <= ?::date order by f.case_id""",
        [as_of, as_of],
    ).fetchall()
    assert fast == full
