# ruff: noqa: S608 - column names come from the register files' headers
"""The committed reference data resolves every code the real register snapshots use."""

from __future__ import annotations

import csv

import duckdb
import pytest

from etl.db import REFERENCE_DIR, init_db
from tests.conftest import REGISTER_2021, REGISTER_2023, REGISTER_2025

SNAPSHOTS = [REGISTER_2021, REGISTER_2023, REGISTER_2025]
KINDS = {"pko", "spm", "office"}


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def missions() -> dict[str, dict[str, str]]:
    return {r["mission_code"]: r for r in _read("missions.csv")}


@pytest.fixture(scope="module")
def aliases() -> dict[str, str]:
    return {r["alias"]: r["mission_code"] for r in _read("mission_aliases.csv")}


@pytest.fixture(scope="module")
def countries() -> dict[str, dict[str, str]]:
    return {r["iso3"]: r for r in _read("countries.csv")}


def _register_values(path, column: str) -> set[str | None]:
    rel = duckdb.read_csv(str(path), all_varchar=True)
    col = next(c for c in rel.columns if c.lower().lstrip("\ufeff") == column)
    return {r[0] for r in rel.select(duckdb.ColumnExpression(col)).distinct().fetchall()}


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.name)
def test_every_register_mission_spelling_resolves_to_a_mission(snapshot, aliases, missions):
    codes = _register_values(snapshot, "mission_acronym")
    missing = sorted(c for c in codes if c not in aliases)
    assert not missing, f"mission spellings without alias: {missing}"
    assert {aliases[c] for c in codes} <= set(missions)


def test_renamed_codes_collapse_to_one_mission(aliases):
    assert aliases["UN Secretariat"] == aliases["UNSecretariat"] == "UNSECRETARIAT"
    assert aliases["OSE-Syria"] == aliases["OSESyria"] == "OSESYRIA"
    assert aliases["OSESGY"] == "OSESGY"  # Yemen envoy: a different office (see docs)


def test_every_canonical_code_maps_to_itself(aliases, missions):
    assert all(aliases[code] == code for code in missions)
    assert set(aliases.values()) <= set(missions)


def test_register_snapshots_together_hold_83_spellings_and_81_missions(aliases):
    spellings = set().union(*(_register_values(p, "mission_acronym") for p in SNAPSHOTS))
    assert len(spellings) == 83
    assert len({aliases[s] for s in spellings}) == 81


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.name)
def test_every_register_nationality_resolves_to_a_country(snapshot, countries):
    isos = _register_values(snapshot, "isocode3") - {None}
    assert not sorted(isos - set(countries)), "register iso3 codes missing from countries.csv"
    # rows without an iso3 carry a label that resolves by name or by country_aliases.csv
    labels = {r["label"]: r["iso3"] for r in _read("country_aliases.csv")}
    by_name = {r["name_en"]: iso for iso, r in countries.items()}
    rel = duckdb.read_csv(str(snapshot), all_varchar=True)
    cols = {c.lower().lstrip("\ufeff"): c for c in rel.columns}
    no_iso = duckdb.sql(
        f'select distinct "{cols["casualty_nationality"]}" from rel '
        f'where "{cols["isocode3"]}" is null and "{cols["casualty_nationality"]}" is not null'
    ).fetchall()
    for (label,) in no_iso:
        iso = labels.get(label) or by_name.get(label)
        assert iso in countries, f"nationality label {label!r} resolves to no country"


def test_register_m49_codes_match_countries(countries):
    for snapshot in SNAPSHOTS:
        rel = duckdb.read_csv(str(snapshot), all_varchar=True)
        cols = {c.lower().lstrip("\ufeff"): c for c in rel.columns}
        pairs = duckdb.sql(
            f'select distinct "{cols["isocode3"]}", cast(cast("{cols["m49_code"]}" as double) as int) '
            f'from rel where "{cols["isocode3"]}" is not null'
        ).fetchall()
        for iso, m49 in pairs:
            assert int(countries[iso]["m49"]) == m49, (snapshot.name, iso)


def test_missions_have_valid_kind_hosts_dates_and_names(missions, countries):
    for code, m in missions.items():
        assert m["kind"] in KINDS, code
        assert m["name_en"].strip() and m["name_fr"].strip(), code
        hosts = [h for h in m["host_states"].split(";") if h]
        assert all(h in countries for h in hosts), code
        if hosts:
            assert m["primary_host"] == hosts[0], code
        else:
            assert m["primary_host"] == "" and m["kind"] == "office", code
        if m["start_date"] and m["end_date"]:
            assert m["start_date"] < m["end_date"], code
        assert -90 <= float(m["hq_lat"]) <= 90 and -180 <= float(m["hq_lon"]) <= 180, code


def test_focus_missions_are_described_as_the_un_names_them(missions):
    assert missions["MINUSCA"]["name_fr"] == (
        "Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation en Centrafrique"
    )
    assert missions["MINUSMA"]["end_date"] == "2023-12-31"
    assert missions["MONUSCO"]["end_date"] == ""
    assert (missions["MINUSCA"]["primary_host"], missions["MONUSCO"]["primary_host"]) == (
        "CAF",
        "COD",
    )
    assert missions["MINUSMA"]["hq_name"] == "Bamako"


def test_countries_have_french_names_and_unique_m49(countries):
    assert len(countries) > 249
    assert all(r["name_fr"].strip() for r in countries.values())
    m49 = [r["m49"] for r in countries.values() if r["m49"]]
    assert len(m49) == len(set(m49))
    assert countries["CAF"]["name_fr"] == "République centrafricaine"


def test_reference_tables_load_into_the_schema():
    con = duckdb.connect()
    init_db(con)
    n = con.execute(
        "select (select count(*) from ref_missions), (select count(*) from ref_mission_aliases),"
        " (select count(*) from ref_countries)"
    ).fetchone()
    assert n[0] == 81 and n[1] == 85 and n[2] > 249
