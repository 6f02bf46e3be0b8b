"""Scope predicates: every role gets exactly the rows that concern it, from SQL with bound
parameters only; the user directory and page policy; column withholding for every role."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access.disclosure import AccessDenied, redact, visible_columns
from access.policy import FIELDS, PAGES, WITHHELD_COLUMNS, allowed_pages, policy_table
from access.scope import CIVILIAN, UNIFORMED, Scope
from access.users import load_directory

MISSIONS = ["MINUSCA", "MONUSCO", "MINUSMA", "UNMISS"]
HOSTS = {"MINUSCA": "CAF", "MONUSCO": "COD", "MINUSMA": "MLI", "UNMISS": "SSD"}
STATES = ["MLI", "TCD", "NPL", "COD", "CAF", "BGD", "RWA", "SSD", "SEN"]
INJECTION = [
    "MLI') or 1=1 --",
    "' OR '1'='1",
    "TCD; drop table fact_incidents; --",
    "x'||(select 1)||'",
    "%",
    "*",
    "\x00",
    'MLI" or "1"="1',
]


def _incidents(n: int = 240, seed: int = 7) -> pd.DataFrame:
    import random

    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        mission = rnd.choice(MISSIONS)
        rows.append(
            {
                "incident_id": f"I{i:04d}",
                "mission_code": mission,
                "host_state": HOSTS[mission],
                "year": rnd.choice([2019, 2020, 2021, 2022, 2023]),
                "admin_area": f"Area {rnd.randint(1, 5)}",
                "lat": rnd.uniform(-5, 15),
                "lon": rnd.uniform(10, 30),
                "narrative": "synthetic",
                "killed": rnd.randint(0, 3),
                "uniformed_nationalities": rnd.sample(STATES, rnd.randint(0, 2)),
                "civilian_nationalities": rnd.sample(STATES, rnd.randint(0, 2)),
            }
        )
    return pd.DataFrame(rows)


def _persons(incidents: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in incidents.itertuples():
        for nat in r.uniformed_nationalities:
            rows.append((r.incident_id, r.mission_code, r.host_state, nat, "Military"))
        for nat in r.civilian_nationalities:
            rows.append((r.incident_id, r.mission_code, r.host_state, nat, "Local"))
    return pd.DataFrame(
        rows, columns=["incident_id", "mission_code", "host_state", "nationality", "personnel_type"]
    )


INCIDENTS = _incidents()
PERSONS = _persons(INCIDENTS)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.register("inc_df", INCIDENTS)
    c.execute("create table fact_incidents as select * from inc_df")
    c.register("per_df", PERSONS)
    c.execute("create table victims as select * from per_df")
    yield c
    c.close()


def incident_in_scope(row, scope: Scope) -> bool:
    if scope.is_full:
        return True
    if scope.role == "focal_point":
        return row["mission_code"] in scope.missions
    return (
        row["host_state"] in scope.host_states
        or bool(set(row["uniformed_nationalities"]) & set(scope.contributing_states))
        or bool(set(row["civilian_nationalities"]) & set(scope.nationality_states))
    )


def person_in_scope(row, scope: Scope) -> bool:
    if scope.is_full:
        return True
    if scope.role == "focal_point":
        return row["mission_code"] in scope.missions
    return (
        row["host_state"] in scope.host_states
        or (row["nationality"] in scope.contributing_states and row["personnel_type"] in UNIFORMED)
        or (row["nationality"] in scope.nationality_states and row["personnel_type"] in CIVILIAN)
    )


def scoped_incidents(con, scope: Scope, *, mission=None, year=None) -> pd.DataFrame:
    pred, params = scope.incident_predicate("f")
    where, extra = [pred], list(params)
    if mission is not None:
        where.append("f.mission_code = ?")
        extra.append(mission)
    if year is not None:
        where.append("f.year = ?")
        extra.append(year)
    sql = "select * from fact_incidents f where " + " and ".join(where)  # noqa: S608
    return con.execute(sql, extra).df()


def scoped_persons(con, scope: Scope) -> pd.DataFrame:
    pred, params = scope.person_predicate("p")
    return con.execute("select * from victims p where " + pred, params).df()  # noqa: S608


# ------------------------------------------------------------------------- strategies

codes = st.lists(st.sampled_from(STATES), min_size=0, max_size=3, unique=True).map(tuple)


@st.composite
def scopes(draw) -> Scope:
    role = draw(st.sampled_from(["hq", "analyst", "focal_point", "member_state", "briefing"]))
    if role == "focal_point":
        missions = draw(
            st.lists(st.sampled_from(MISSIONS), min_size=1, max_size=2, unique=True).map(tuple)
        )
        return Scope(role=role, missions=missions)
    if role == "member_state":
        h, c, n = draw(codes), draw(codes), draw(codes)
        if not (h or c or n):
            h = (draw(st.sampled_from(STATES)),)
        return Scope(role=role, host_states=h, contributing_states=c, nationality_states=n)
    return Scope(role=role)


# ------------------------------------------------------------------------- tests


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    scope=scopes(),
    mission=st.one_of(st.none(), st.sampled_from(MISSIONS + ["UNKNOWN"])),
    year=st.one_of(st.none(), st.integers(2018, 2024)),
)
def test_every_returned_row_is_in_scope_and_none_is_missing(con, scope, mission, year):
    got = scoped_incidents(con, scope, mission=mission, year=year)
    assert all(incident_in_scope(r, scope) for _, r in got.iterrows())
    expected = INCIDENTS[
        INCIDENTS.apply(lambda r: incident_in_scope(r, scope), axis=1)
        & ((INCIDENTS.mission_code == mission) if mission else True)
        & ((INCIDENTS.year == year) if year else True)
    ]
    assert sorted(got.incident_id) == sorted(expected.incident_id)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scope=scopes())
def test_person_grain_rows_are_in_scope(con, scope):
    got = scoped_persons(con, scope)
    assert all(person_in_scope(r, scope) for _, r in got.iterrows())
    expected = PERSONS[PERSONS.apply(lambda r: person_in_scope(r, scope), axis=1)]
    assert len(got) == len(expected)


def test_each_capacity_sees_its_own_rows_only(con):
    mali = Scope(role="member_state", host_states=("MLI",))
    chad = Scope(role="member_state", contributing_states=("TCD",))
    nepal = Scope(role="member_state", nationality_states=("NPL",))
    m = scoped_incidents(con, mali)
    assert len(m) and set(m.host_state) == {"MLI"}
    c = scoped_incidents(con, chad)
    assert len(c) and all("TCD" in u for u in c.uniformed_nationalities)
    n = scoped_incidents(con, nepal)
    assert len(n) and all("NPL" in u for u in n.civilian_nationalities)
    # a State with several capacities sees the union, nothing more
    multi = Scope(role="member_state", host_states=("MLI",), contributing_states=("TCD",))
    assert set(scoped_incidents(con, multi).incident_id) == set(m.incident_id) | set(c.incident_id)


@pytest.mark.parametrize("evil", INJECTION)
def test_injection_strings_in_scope_values_are_inert(con, evil):
    for scope in (
        Scope(role="member_state", host_states=(evil,)),
        Scope(role="member_state", contributing_states=(evil,)),
        Scope(role="member_state", nationality_states=(evil,)),
        Scope(role="focal_point", missions=(evil,)),
    ):
        assert scoped_incidents(con, scope).empty
        assert scoped_persons(con, scope).empty
        assert evil not in scope.incident_predicate("f")[0]
        assert evil not in scope.person_predicate("p")[0]
    # injection strings in a filter value beside a scope: bound too
    mali = Scope(role="member_state", host_states=("MLI",))
    assert scoped_incidents(con, mali, mission=evil).empty
    assert con.execute("select count(*) from fact_incidents").fetchone()[0] == len(INCIDENTS)


def test_scope_is_hashable_and_label_does_not_change_identity():
    a = Scope(role="member_state", host_states=("MLI",), label="Mali")
    b = Scope(role="member_state", host_states=("MLI",), label="someone else")
    assert a == b and hash(a) == hash(b) and a.cache_key == b.cache_key
    assert Scope(role="member_state", host_states=("TCD",)) != a


def test_invalid_scopes_are_refused():
    with pytest.raises(ValueError):
        Scope(role="admin")
    with pytest.raises(ValueError):
        Scope(role="member_state")
    with pytest.raises(ValueError):
        Scope(role="focal_point")


# ------------------------------------------------------------------------- directory


def test_demo_directory_has_every_role_and_the_named_users():
    d = load_directory()
    roles = {u.role for u in d.users}
    assert roles == {"hq", "analyst", "focal_point", "member_state", "briefing"}
    scopes_by_user = {u.username: u.scope() for u in d.users}
    assert scopes_by_user["mali"].host_states == ("MLI",)
    assert scopes_by_user["chad"].contributing_states == ("TCD",)
    assert scopes_by_user["nepal"].nationality_states == ("NPL",)
    drc = scopes_by_user["drc"]
    assert drc.host_states and drc.contributing_states and drc.nationality_states
    assert scopes_by_user["minusca.focal"].missions == ("MINUSCA",)


def test_oidc_claims_map_by_subject_then_trusted_group_never_by_other_claims():
    d = load_directory()
    user, scope = d.scope_for_claims({"sub": "mali@demo.r2589.invalid"})
    assert user == "mali" and scope.host_states == ("MLI",)
    # claims a user might control (email, name, a 'role' claim) do not grant anything
    assert d.scope_for_claims({"sub": "stranger", "email": "mali@demo.r2589.invalid"}) is None
    assert d.scope_for_claims({"sub": "stranger", "role": "hq", "r2589_role": "hq"}) is None
    _, g = d.scope_for_claims({"sub": "someone", "r2589_groups": ["r2589-analysts"]})
    assert g.role == "analyst"
    # the subject wins over groups
    _, s = d.scope_for_claims({"sub": "chad@demo.r2589.invalid", "r2589_groups": ["r2589-hq"]})
    assert s.role == "member_state"


def test_directory_rejects_invalid_entries(tmp_path):
    from access.users import UserDirectory

    bad = tmp_path / "u.toml"
    bad.write_text('[[users]]\nusername = "x"\nrole = "member_state"\n', encoding="utf-8")
    with pytest.raises(ValueError):
        UserDirectory.from_toml(bad)
    dup = tmp_path / "d.toml"
    dup.write_text(
        '[[users]]\nusername = "a"\nrole = "hq"\nsubjects=["s"]\n'
        '[[users]]\nusername = "b"\nrole = "hq"\nsubjects=["s"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError):
        UserDirectory.from_toml(dup)


# ------------------------------------------------------------------------- fields and pages

ALL_COLUMNS = list(INCIDENTS.columns) + [
    "full_name",
    "victim_name",
    "suspect_full_name",
    "focal_point_name",
    "perpetrator_group",
    "affiliation",
    "place",
    "witness_name",
]
ROLE_SCOPES = {
    "hq": Scope(role="hq"),
    "analyst": Scope(role="analyst"),
    "focal_point": Scope(role="focal_point", missions=("MINUSCA",)),
    "host": Scope(role="member_state", host_states=("MLI",)),
    "contributor": Scope(role="member_state", contributing_states=("TCD",)),
    "multi": Scope(role="member_state", host_states=("MLI",), contributing_states=("TCD",)),
    "briefing": Scope(role="briefing"),
}


@pytest.mark.parametrize("name", list(ROLE_SCOPES))
def test_withheld_fields_never_reach_a_role_below_headquarters(name):
    scope = ROLE_SCOPES[name]
    cols = visible_columns(scope, ALL_COLUMNS)
    if scope.role == "hq":
        assert cols == ALL_COLUMNS
        return
    assert not set(cols) & (WITHHELD_COLUMNS - {"admin_area"})
    assert "witness_name" not in cols  # undeclared name-like columns are withheld too
    assert "killed" in cols and "mission_code" in cols
    expected_admin = name in ("analyst", "focal_point", "host")
    assert ("admin_area" in cols) == expected_admin


def test_admin_area_is_blanked_outside_a_host_states_territory():
    scope = ROLE_SCOPES["multi"]
    df = INCIDENTS[INCIDENTS.apply(lambda r: incident_in_scope(r, scope), axis=1)]
    out = redact(df, scope)
    assert "lat" not in out.columns and "narrative" not in out.columns
    assert out.loc[out.host_state == "MLI", "admin_area"].notna().all()
    assert out.loc[out.host_state != "MLI", "admin_area"].isna().all()
    # visible_columns alone is conservative for a mixed-capacity State
    assert "admin_area" not in visible_columns(scope, list(df.columns))


def test_briefing_gets_no_row_level_data():
    with pytest.raises(AccessDenied):
        visible_columns(ROLE_SCOPES["briefing"], ["incident_id"], kind="rows")
    with pytest.raises(AccessDenied):
        redact(INCIDENTS, ROLE_SCOPES["briefing"])
    assert visible_columns(ROLE_SCOPES["briefing"], ["killed"]) == ["killed"]


def test_pages_per_role():
    assert allowed_pages(None) == set()
    assert allowed_pages(Scope(role="hq")) == set(PAGES)
    for name, scope in ROLE_SCOPES.items():
        pages = allowed_pages(scope)
        assert ("audit" in pages) == (scope.role == "hq"), name
        assert ("cases" in pages) == (scope.role != "briefing"), name
        assert pages <= set(PAGES)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_policy_table_lists_every_field_for_every_role(lang):
    table = policy_table(lang)
    assert len(table) == len(FIELDS) + 3
    assert table.shape[1] == 6
    assert table.notna().all().all()
    if lang == "fr":
        assert "Siège de l'ONU" in table.columns
        assert table.iloc[0, 2] == "non"
