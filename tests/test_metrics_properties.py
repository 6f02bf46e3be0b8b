"""Properties over random filters on the fixture: rates within [0, 1] or null; person counts of
the groups add up to the total; filtering then grouping equals grouping then selecting (filters
commute with breakdowns, and the order of values does not matter); as of today equals now."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_metrics_fixtures import build_fixture

import metrics
from access.scope import FULL
from metrics import Filters
from metrics.api import KPI_COLUMNS, KPI_COUNT_COLUMNS

CON = build_fixture()
RATES = [c for c in KPI_COLUMNS if c not in KPI_COUNT_COLUMNS]
PERSON_COUNTS = ["killed", "injured", "detained", "abducted"]
POOLS = {
    "missions": ("MINUSCA", "MINUSMA", "UNAMA", "UNSECRETARIAT"),
    "host_states": ("CAF", "MLI", "AFG"),
    "nationalities": ("BGD", "TGO", "SEN", "CAF", "FRA", "EGY", "AFG", "BRA", "PAK"),
    "act_types": ("ambush", "ied_mine", "abduction", "detention"),
    "personnel_types": ("Military", "Police", "Local", "International Civilian"),
    "genders": ("F", "M", "unknown"),
}
FIELD_OF_DIM = {
    "mission": "missions",
    "host_state": "host_states",
    "nationality": "nationalities",
    "act_type": "act_types",
    "personnel_type": "personnel_types",
    "gender": "genders",
}
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
dates = st.one_of(st.none(), st.dates(date(2019, 1, 1), date(2023, 12, 31)))


@st.composite
def filters(draw, with_as_of=True):
    kw = {
        k: tuple(draw(st.lists(st.sampled_from(v), max_size=2, unique=True)))
        for k, v in POOLS.items()
        if draw(st.booleans())
    }
    kw["incident_types"] = draw(
        st.sampled_from(
            [("Malicious Act",), (), ("Illness",), ("Malicious Act", "To Be Determined")]
        )
    )
    kw["date_from"] = draw(dates)
    kw["date_to"] = draw(dates)
    kw["peacekeeping_only"] = draw(st.booleans())
    kw["verified_only"] = draw(st.booleans())
    if with_as_of:
        kw["as_of"] = draw(dates)
        kw["snapshot"] = draw(st.sampled_from([None, date(2021, 6, 30), date(2023, 11, 28)]))
    return Filters(**kw)


@SETTINGS
@given(f=filters(), by=st.lists(st.sampled_from(metrics.DIMENSIONS), max_size=2, unique=True))
def test_rates_are_fractions_or_null(f, by):
    df = metrics.kpis(CON, f, FULL, by=tuple(by))
    for c in RATES:
        values = pd.to_numeric(df[c], errors="coerce").dropna()
        assert ((values >= 0) & (values <= 1)).all(), c


@SETTINGS
@given(f=filters(), dim=st.sampled_from(metrics.DIMENSIONS))
def test_group_rows_add_up_to_the_total_for_person_counts(f, dim):
    total = metrics.kpis(CON, f, FULL).iloc[0]
    groups = metrics.kpis(CON, f, FULL, by=(dim,))
    for c in PERSON_COUNTS:
        assert int(groups[c].sum()) == int(total[c]), (dim, c)


@SETTINGS
@given(f=filters(), dim=st.sampled_from(sorted(FIELD_OF_DIM)), data=st.data())
def test_filtering_then_grouping_equals_grouping_then_selecting(f, dim, data):
    field = FIELD_OF_DIM[dim]
    value = data.draw(st.sampled_from(POOLS[field]))
    f = f.replace(**{field: ()})
    filtered = metrics.kpis(CON, f.replace(**{field: (value,)}), FULL).iloc[0]
    grouped = metrics.kpis(CON, f, FULL, by=(dim,))
    row = grouped[grouped[dim] == value]
    for c in [*PERSON_COUNTS, "incidents", "cases", "investigated", "convicted_cases"]:
        expected = int(row[c].iloc[0]) if len(row) else 0
        assert int(filtered[c]) == expected, (dim, value, c)


@SETTINGS
@given(f=filters())
def test_the_order_of_filter_values_does_not_matter(f):
    reversed_ = f.replace(**{k: tuple(reversed(getattr(f, k))) for k in POOLS})
    a = metrics.kpis(CON, f, FULL)
    b = metrics.kpis(CON, reversed_, FULL)
    pd.testing.assert_frame_equal(a, b)


@SETTINGS
@given(f=filters(with_as_of=False))
def test_as_of_today_equals_now(f):
    today = date.today()
    now = metrics.kpis(CON, f, FULL)
    then = metrics.kpis(CON, f.replace(as_of=today), FULL)
    pd.testing.assert_frame_equal(now, then, check_dtype=False)
    pd.testing.assert_frame_equal(
        metrics.funnel(CON, f, FULL), metrics.funnel(CON, f.replace(as_of=today), FULL)
    )
    a = metrics.time_to_justice(CON, f, FULL)["summary"]
    b = metrics.time_to_justice(CON, f.replace(as_of=today), FULL)["summary"]
    pd.testing.assert_frame_equal(a, b)
