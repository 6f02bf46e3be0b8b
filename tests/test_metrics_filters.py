"""Filters: hashable values, bound parameters only; SQL-injection strings in every field change
nothing and let no row through."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest
from test_metrics_fixtures import build_fixture

import metrics
from access.scope import FULL, Scope
from metrics import Filters
from metrics.api import KPI_COUNT_COLUMNS

INJECTIONS = (
    "x' or '1'='1",
    "MINUSCA') or (1=1",
    "'; drop table fact_cases; --",
    'CAF" or "1"="1',
    "1); select * from victims; --",
    "%",
    "*",
)
TUPLE_FIELDS = [
    f.name
    for f in dataclasses.fields(Filters)
    if f.name
    not in ("date_from", "date_to", "as_of", "snapshot", "peacekeeping_only", "verified_only")
]
DATE_FIELDS = ("date_from", "date_to", "as_of", "snapshot")


@pytest.fixture(scope="module")
def con():
    c = build_fixture()
    yield c
    c.close()


def test_filters_are_hashable_and_normalised():
    a = Filters(missions=["MINUSCA"], date_from="2020-01-01")
    b = Filters(missions=("MINUSCA",), date_from=date(2020, 1, 1))
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
    assert Filters(incident_types=None).incident_types == ()
    assert Filters(missions="MINUSCA").missions == ("MINUSCA",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.missions = ()  # type: ignore[misc]


@pytest.mark.parametrize("field", TUPLE_FIELDS)
@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_in_filters_match_nothing(con, field, payload):
    df = metrics.kpis(con, Filters(**{field: (payload,)}), FULL)
    counts = df[list(KPI_COUNT_COLUMNS)].iloc[0]
    if field == "incident_types":
        # killed_all_types (denominator of malicious_share) ignores the incident type
        assert counts.drop("killed_all_types").sum() == 0
    else:
        # the killed/incident/case counts are all zero: nothing matched the payload
        assert counts[["killed", "injured", "incidents", "cases"]].sum() == 0
    assert con.execute("select count(*) from fact_cases").fetchone()[0] == 5


@pytest.mark.parametrize("field", DATE_FIELDS)
def test_injection_strings_in_date_fields_are_rejected(field):
    with pytest.raises(ValueError, match=field):
        Filters(**{field: "2020-01-01' or '1'='1"})


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_in_row_functions_and_scopes(con, payload):
    f = Filters(missions=(payload,), host_states=(payload,))
    assert metrics.case_list(con, f, FULL).empty
    assert metrics.map_points(con, f, FULL).empty
    with pytest.raises(LookupError):
        metrics.case_detail(con, payload, FULL)
    for scope in (
        Scope(role="member_state", host_states=(payload,)),
        Scope(role="member_state", contributing_states=(payload,)),
        Scope(role="focal_point", missions=(payload,)),
    ):
        assert metrics.case_list(con, Filters(), scope).empty
        assert metrics.notifications_by_state(con, Filters(), scope).empty
        assert metrics.capacity_building(con, Filters(), scope).empty
    with pytest.raises(ValueError):
        metrics.kpis(con, Filters(), FULL, by=(payload,))
    with pytest.raises(ValueError):
        metrics.series(con, Filters(), FULL, measures=(payload,))
    assert con.execute("select count(*) from victims").fetchone()[0] == 8


def test_month_alignment_decides_rollup_or_facts():
    assert Filters(date_from="2020-01-01", date_to="2020-12-31").month_aligned
    assert not Filters(date_from="2020-01-02").month_aligned
    assert not Filters(as_of="2020-02-28").month_aligned or date(2020, 2, 28).day == 29
    assert Filters(as_of="2020-02-29").month_aligned


def test_every_filter_field_changes_some_result(con):
    """No field is silently ignored by kpis."""
    base = metrics.kpis(con, Filters(incident_types=()), FULL)
    changes = {
        "date_from": "2021-01-01",
        "date_to": "2021-12-31",
        "missions": ("MINUSCA",),
        "host_states": ("MLI",),
        "nationalities": ("TGO",),
        "act_types": ("ambush",),
        "personnel_types": ("Police",),
        "genders": ("F",),
        "peacekeeping_only": True,
        "verified_only": True,
        "as_of": "2021-12-31",
        "snapshot": "2021-06-30",
        "incident_types": ("Illness",),
    }
    for field, value in changes.items():
        got = metrics.kpis(con, Filters(**{"incident_types": (), field: value}), FULL)
        assert not got.equals(base), field
    assert isinstance(base, pd.DataFrame)
