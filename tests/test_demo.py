# ruff: noqa: S608 - table names come from the generator's constants
"""The demo generator: deterministic, complete, consistent, and shaped like the public record."""

from __future__ import annotations

import csv

import duckdb
import pytest

from etl import checks
from etl.demo import (
    CASES_PER_SCALE,
    DATA_END,
    EXTRACT_TABLES,
    MISSIONS,
    SCALED_TABLES,
    TABLES,
    build_demo,
    write_extracts,
)
from etl.extracts import recognise

# Rough bounding boxes (lat_min, lat_max, lon_min, lon_max) of the host States in the demo.
BBOX = {
    "MLI": (10.1, 25.0, -12.3, 4.3),
    "CAF": (2.2, 11.0, 14.4, 27.5),
    "COD": (-13.5, 5.4, 12.2, 31.3),
    "SSD": (3.5, 12.3, 23.4, 36.0),
    "SDN": (8.6, 22.3, 21.8, 38.6),
    "LBN": (33.0, 34.7, 35.1, 36.7),
    "SYR": (32.3, 37.4, 35.7, 42.4),
    "CYP": (34.5, 35.8, 32.2, 34.6),
    "ESH": (20.7, 27.7, -17.2, -8.6),
    "HTI": (18.0, 20.1, -74.5, -71.6),
    "CIV": (4.3, 10.8, -8.6, -2.4),
    "LBR": (4.3, 8.6, -11.5, -7.3),
    "AFG": (29.3, 38.5, 60.5, 75.0),
    "IRQ": (29.0, 37.4, 38.7, 48.6),
    "SOM": (-1.7, 12.0, 40.9, 51.5),
    "LBY": (19.5, 33.2, 9.3, 25.2),
}
UNIFORMED = "('Military', 'Police', 'Military Observer')"


def _checksum(con: duckdb.DuckDBPyConnection, table: str) -> str:
    return con.execute(
        f"select count(*) || ':' || coalesce(md5(string_agg(x, '|' order by x)), '') "
        f"from (select t::varchar as x from {table} as t)"
    ).fetchone()[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    counts = build_demo(path, seed=2589, scale=1)
    con = duckdb.connect(str(path), read_only=True)
    yield con, counts, path
    con.close()


@pytest.fixture(scope="module")
def con(demo):
    return demo[0]


def test_every_table_is_filled_at_scale_one(demo):
    con, counts, _ = demo
    assert set(counts) == set(TABLES)
    assert all(n > 0 for n in counts.values()), counts
    assert 1500 <= counts["incidents"] <= 2600
    for table in TABLES:
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == counts[table]


def test_the_same_seed_gives_the_same_content_and_another_seed_differs(demo, tmp_path):
    con, _, _ = demo
    again = tmp_path / "again.duckdb"
    other = tmp_path / "other.duckdb"
    build_demo(again, seed=2589, scale=1, models=False)
    build_demo(other, seed=7, scale=1, models=False)
    with (
        duckdb.connect(str(again), read_only=True) as a,
        duckdb.connect(str(other), read_only=True) as o,
    ):
        for table in TABLES:
            assert _checksum(con, table) == _checksum(a, table), table
        for table in (
            "incidents",
            "victims",
            "cases",
            "case_events",
            "notifications",
            "register_records",
        ):
            assert _checksum(con, table) != _checksum(o, table), table


def test_the_database_passes_the_load_data_tests(con):
    problems = checks.run(con)
    assert not problems, [p.message if hasattr(p, "message") else p for p in problems]


def test_every_row_is_flagged_synthetic(con):
    assert con.execute("select kind, synthetic from load_batches").fetchall() == [("demo", True)]
    assert con.execute("select bool_and(synthetic) from incidents").fetchone()[0]
    assert con.execute("select bool_and(synthetic) from register_snapshots").fetchone()[0]
    assert con.execute("select bool_and(source like 'SYNTHETIC%') from incidents").fetchone()[0]
    assert con.execute("select bool_and(source like 'SYNTHETIC%') from case_events").fetchone()[0]
    assert con.execute("select bool_and(full_name like 'SYNTHETIC%') from victims").fetchone()[0]


def test_references_hold_across_tables(con):
    orphans = con.execute(
        """
        select
          (select count(*) from victims where incident_id not in (select incident_id from incidents)),
          (select count(*) from cases where incident_id not in (select incident_id from incidents)),
          (select count(*) from case_events where case_id not in (select case_id from cases)),
          (select count(*) from suspects where case_id not in (select case_id from cases)),
          (select count(*) from notifications where incident_id not in (select incident_id from incidents)),
          (select count(*) from incidents where mission_code not in (select mission_code from ref_missions)),
          (select count(*) from victims where nationality not in (select iso3 from ref_countries)),
          (select count(*) from deployments where contributor not in (select iso3 from ref_countries))
        """
    ).fetchone()
    assert orphans == (0,) * 8


def test_killed_victims_are_malicious_acts_in_the_synthetic_register(con):
    missing = con.execute(
        """
        select count(*) from victims v
        where v.outcome = 'killed' and not exists (
            select 1 from register_records r
            where r.casualty_id = v.casualty_id and r.incident_type = 'Malicious Act')
        """
    ).fetchone()[0]
    assert missing == 0
    assert (
        con.execute(
            "select count(*) from victims where outcome <> 'killed' and casualty_id is not null"
        ).fetchone()[0]
        == 0
    )
    types = {
        r[0] for r in con.execute("select distinct incident_type from register_records").fetchall()
    }
    assert types == {
        "Malicious Act",
        "Accident",
        "Illness",
        "Self-Inflicted",
        "To Be Determined",
        "Unknown",
    }


def test_incidents_happen_in_the_mission_host_state_within_its_borders(con):
    wrong_host = con.execute(
        "select count(*) from incidents i join ref_missions m using (mission_code) where i.host_state <> m.primary_host"
    ).fetchone()[0]
    assert wrong_host == 0
    rows = con.execute("select host_state, lat, lon from incidents").fetchall()
    outside = [
        r
        for r in rows
        if not (BBOX[r[0]][0] <= r[1] <= BBOX[r[0]][1] and BBOX[r[0]][2] <= r[2] <= BBOX[r[0]][3])
    ]
    assert not outside, outside[:5]


def test_nothing_happens_after_the_as_of_date_or_before_the_incident(con):
    assert con.execute("select max(event_date) from case_events").fetchone()[0] <= DATA_END
    assert con.execute("select max(occurred_at)::date from incidents").fetchone()[0] <= DATA_END
    early = con.execute(
        """
        select count(*) from case_events e join cases c using (case_id) join incidents i using (incident_id)
        where e.event_date < i.occurred_at::date
        """
    ).fetchone()[0]
    assert early == 0
    # judgments follow the trial, which follows charges, which follow the investigation
    out_of_order = con.execute(
        """
        with f as (
            select case_id,
                min(event_date) filter (where stage = 'investigation_opened') as inv,
                min(event_date) filter (where stage = 'charges') as chg,
                min(event_date) filter (where stage = 'trial_opened') as tri,
                min(event_date) filter (where stage in ('convicted', 'convicted_in_absentia', 'acquitted')) as jud
            from case_events group by case_id)
        select count(*) from f
        where (jud is not null and (tri is null or jud < tri))
           or (tri is not null and (chg is null or tri < chg))
           or (chg is not null and (inv is null or chg < inv))
        """
    ).fetchone()[0]
    assert out_of_order == 0


def test_suspect_statuses_match_the_case_events(con):
    mismatch = con.execute(
        """
        with e as (
            select case_id,
                coalesce(sum(persons) filter (where stage = 'convicted'), 0) as conv,
                coalesce(sum(persons) filter (where stage = 'convicted_in_absentia'), 0) as absentia,
                coalesce(sum(persons) filter (where stage = 'acquitted'), 0) as acq
            from case_events group by case_id),
        s as (
            select case_id,
                count(*) filter (where status = 'convicted') as conv,
                count(*) filter (where status = 'convicted_in_absentia') as absentia,
                count(*) filter (where status = 'acquitted') as acq
            from suspects group by case_id)
        select count(*) from e left join s using (case_id)
        where e.conv + e.absentia + e.acq > 0
          and (coalesce(s.conv, 0), coalesce(s.absentia, 0), coalesce(s.acq, 0)) <> (e.conv, e.absentia, e.acq)
        """
    ).fetchone()[0]
    assert mismatch == 0


def test_minusma_minusca_and_monusco_hold_most_deaths(con):
    by_mission = dict(
        con.execute(
            "select i.mission_code, count(*) from victims v join incidents i using (incident_id) "
            "where v.outcome = 'killed' group by all"
        ).fetchall()
    )
    total = sum(by_mission.values())
    assert 250 <= total <= 500
    top3 = sorted(by_mission, key=by_mission.get, reverse=True)[:3]
    assert set(top3) == {"MINUSMA", "MINUSCA", "MONUSCO"}
    assert sum(by_mission[m] for m in top3) / total > 0.7
    injured = con.execute("select count(*) from victims where outcome = 'injured'").fetchone()[0]
    assert 2 * total <= injured <= 8 * total


def test_women_are_a_small_share_of_uniformed_victims_and_larger_among_civilians(con):
    uniformed, civilian = con.execute(
        f"""
        select avg((gender = 'F')::int) filter (where personnel_category in {UNIFORMED}),
               avg((gender = 'F')::int) filter (where personnel_category not in {UNIFORMED})
        from victims
        """
    ).fetchone()
    assert 0.02 <= uniformed <= 0.10
    assert civilian > 2 * uniformed
    unknown = con.execute("select avg((gender = 'unknown')::int) from victims").fetchone()[0]
    assert 0.01 <= unknown <= 0.08


def test_in_mali_most_deadly_incidents_are_never_investigated(con):
    share = dict(
        con.execute(
            """
            with lethal as (
                select distinct incident_id, host_state from victims join incidents using (incident_id)
                where outcome = 'killed' and host_state in ('MLI', 'CAF', 'COD'))
            select l.host_state, avg((exists (
                select 1 from cases c join case_events e using (case_id)
                where c.incident_id = l.incident_id and c.state = l.host_state
                  and e.stage = 'investigation_opened'))::int)
            from lethal l group by all
            """
        ).fetchall()
    )
    assert share["MLI"] < 0.4
    assert share["CAF"] > 0.5 and share["COD"] > 0.5


def test_about_eight_trials_and_few_convictions_in_the_three_countries(con):
    trials, convicted_cases = con.execute(
        """
        select count(*) filter (where stage = 'trial_opened'),
               count(distinct case_id) filter (where stage in ('convicted', 'convicted_in_absentia'))
        from case_events join cases using (case_id)
        where state in ('CAF', 'COD', 'MLI') and year(event_date) between 2013 and 2023
        """
    ).fetchone()
    assert 4 <= trials <= 14
    assert 2 <= convicted_cases <= trials
    bangassou = con.execute(
        "select stage, persons from case_events where case_id = 'DEMO-CASE-ANCHOR-CAF1' "
        "and stage in ('convicted', 'convicted_in_absentia', 'acquitted') order by stage"
    ).fetchall()
    assert bangassou == [("acquitted", 4), ("convicted", 22), ("convicted_in_absentia", 6)]


def test_some_notifications_are_answered_and_mali_answers_least(con):
    rates = dict(
        con.execute(
            "select recipient_state, avg((answer_received_on is not null)::int) from notifications "
            "where recipient_state in ('MLI', 'CAF', 'COD') group by all"
        ).fetchall()
    )
    assert rates["MLI"] < rates["CAF"] and rates["MLI"] < rates["COD"]
    incidents, notified = con.execute(
        "select count(*), count(*) filter (where incident_id in (select incident_id from notifications)) from incidents"
    ).fetchone()
    assert 0.9 < notified / incidents < 1


def test_deployments_are_mission_sized_with_few_women(con):
    strength = dict(
        con.execute(
            "select mission_code, sum(strength) from deployments where month = date '2022-06-01' group by all"
        ).fetchall()
    )
    assert 12000 <= strength["MINUSCA"] <= 16000
    assert 12000 <= strength["MINUSMA"] <= 14500
    assert 12000 <= strength["MONUSCO"] <= 17000
    women = con.execute(
        "select sum(strength) filter (where gender = 'F') / sum(strength) from deployments"
    ).fetchone()[0]
    assert 0.04 <= women <= 0.11


def test_scale_multiplies_the_incident_driven_tables(tmp_path, demo):
    counts = build_demo(tmp_path / "x2.duckdb", seed=2589, scale=2, models=False)
    base = demo[1]
    for table in ("incidents", "victims", "cases", "register_records"):
        assert 1.8 <= counts[table] / base[table] <= 2.2, table
    assert 0.9 <= counts["cases"] / (2 * CASES_PER_SCALE) <= 1.1
    assert counts["focal_points"] == base["focal_points"]
    assert counts["deployments"] == base["deployments"]


def test_extracts_have_the_table_columns_and_are_recognised(tmp_path, demo):
    con, counts, _ = demo
    paths = write_extracts(tmp_path / "x", seed=2589, scale=1)
    assert {p.name for p in paths} == {f"{t}.csv" for t in EXTRACT_TABLES} | {"register_demo.csv"}
    for p in paths:
        with p.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        kind = recognise(rows[0])
        assert kind is not None, p.name
        if p.stem in EXTRACT_TABLES:
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_name = ? "
                    "order by ordinal_position",
                    [p.stem],
                ).fetchall()
                if r[0] not in ("batch_id", "synthetic")
            ]
            assert rows[0] == cols
            assert len(rows) - 1 == counts[p.stem]
        else:
            assert kind.name == "register_new"
            assert len(rows) - 1 == counts["register_records"]
    with (tmp_path / "x" / "incidents.csv").open(encoding="utf-8") as f:
        f.readline()
        assert "T" in f.readline().split(",")[1]  # ISO date-time, as the loader expects


def test_missions_in_the_demo_exist_in_the_reference(con):
    known = {r[0] for r in con.execute("select mission_code from ref_missions").fetchall()}
    assert set(MISSIONS) <= known


def test_a_host_state_case_opens_on_the_day_the_state_is_notified(con):
    mismatched = con.execute(
        """
        select count(*) from cases c
        join case_events e on e.case_id = c.case_id and e.stage = 'notified'
        join notifications n on n.incident_id = c.incident_id and n.recipient_state = c.state
        where e.event_date <> n.sent_at::date
        """
    ).fetchone()[0]
    assert mismatched == 0
    without_notified = con.execute(
        "select count(*) from cases c where c.state in (select host_state from incidents i "
        "where i.incident_id = c.incident_id) and not exists (select 1 from case_events e "
        "where e.case_id = c.case_id and e.stage = 'notified')"
    ).fetchone()[0]
    assert without_notified == 0


def test_deaths_by_mission_follow_the_real_register(con):
    """Malicious-act deaths 2013-2023 per focus mission within a third of the real register
    (snapshot 2023-11-28), and MINUSMA's deadliest years are the real ones."""
    from tests.conftest import REGISTER_2023

    real = dict(
        duckdb.execute(
            "select mission_acronym, count(*) from read_csv(?) where type_of_incident = 'Malicious Act'"
            " and year(incident_date) between 2013 and 2023 group by all",
            [str(REGISTER_2023)],
        ).fetchall()
    )
    demo = dict(
        con.execute(
            "select i.mission_code, count(*) from victims v join incidents i using (incident_id)"
            " where v.outcome = 'killed' and year(i.occurred_at) between 2013 and 2023 group by all"
        ).fetchall()
    )
    for mission in ("MINUSMA", "MINUSCA", "MONUSCO", "UNAMID"):
        assert abs(demo[mission] - real[mission]) <= real[mission] / 3, (
            mission,
            demo[mission],
            real[mission],
        )
    corr = con.execute(
        """
        with d as (
            select year(i.occurred_at) as y, count(*) as n from victims v join incidents i using (incident_id)
            where v.outcome = 'killed' and i.mission_code = 'MINUSMA' group by all),
        r as (
            select year(incident_date) as y, count(*) as n from read_csv(?)
            where type_of_incident = 'Malicious Act' and mission_acronym = 'MINUSMA' group by all)
        select corr(d.n, r.n) from d join r using (y)
        """,
        [str(REGISTER_2023)],
    ).fetchone()[0]
    assert corr > 0.6


def test_a_failed_build_leaves_the_previous_database_and_no_temporary_file(tmp_path):
    path = tmp_path / "demo.duckdb"
    build_demo(path, seed=2589, scale=0.05, models=False)
    with duckdb.connect(str(path), read_only=True) as c:
        before = _checksum(c, "incidents")
    with pytest.raises(ValueError):
        build_demo(path, seed="not a seed", scale=0.05, models=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb"]
    with duckdb.connect(str(path), read_only=True) as c:
        assert _checksum(c, "incidents") == before


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select table_name, column_name, ordinal_position, data_type, is_nullable, column_default "
        "from information_schema.columns where table_schema = 'main' order by all"
    ).fetchall()


def _keys(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select table_name, constraint_type, constraint_column_names::varchar "
        "from duckdb_constraints() where constraint_type in ('PRIMARY KEY', 'UNIQUE') "
        "and database_name = current_database() order by all"
    ).fetchall()


def test_a_demo_has_the_schema_of_a_fresh_database_with_or_without_keys(tmp_path, demo):
    """Readers see the same columns and types whether or not the scaled tables got their keys
    back; at a realistic size the demo carries exactly schema.sql's keys (loads upsert on them)."""
    from etl.db import init_db

    con, _, _ = demo
    fresh = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    init_db(fresh)
    unkeyed = tmp_path / "unkeyed.duckdb"
    build_demo(unkeyed, seed=2589, scale=1, models=False, keys=False)
    with duckdb.connect(str(unkeyed), read_only=True) as u:
        fresh_cols = _columns(fresh)
        assert [c for c in _columns(con) if c[0] in TABLES] == [
            c for c in fresh_cols if c[0] in TABLES
        ]
        assert _columns(u) == fresh_cols
        assert _keys(con) == _keys(fresh)
        scaled = set(SCALED_TABLES)
        assert [k for k in _keys(u) if k[0] not in scaled] == [
            k for k in _keys(fresh) if k[0] not in scaled
        ]
        assert not [k for k in _keys(u) if k[0] in scaled]
        for table in TABLES:
            assert _checksum(con, table) == _checksum(u, table), table
    fresh.close()


def test_a_load_on_top_of_a_demo_without_keys_updates_and_adds_rows(tmp_path):
    """Above KEYED_MAX_SCALE the scaled tables carry no primary key: `python -m etl load` still
    upserts into them (a changed incident replaces the stored one, a new one is added)."""
    from test_etl_support import cli

    db = tmp_path / "demo.duckdb"
    build_demo(db, seed=2589, scale=0.05, models=False, keys=False)
    with duckdb.connect(str(db), read_only=True) as c:
        n = c.execute("select count(*) from incidents").fetchone()[0]
        first = c.execute("select min(incident_id) from incidents").fetchone()[0]
    src = next(
        p for p in write_extracts(tmp_path / "x", seed=2589, scale=0.05) if p.stem == "incidents"
    )
    with src.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    changed = next(r for r in rows if r["incident_id"] == first)
    changed["place"] = "Changed place"
    added = dict(changed, incident_id="LOAD-INC-1")
    out = tmp_path / "incidents.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows([changed, added])
    code, err = cli("load", "--quiet", "--synthetic", "--db", db, out)
    assert code == 0, err
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("select count(*) from incidents").fetchone()[0] == n + 1
        assert c.execute(
            "select place from incidents where incident_id = ?", [first]
        ).fetchall() == [("Changed place",)]
