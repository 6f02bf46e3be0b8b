"""KPIs, funnel, series and change against the previous period on the hand-made fixture.

Expected values are worked out from the rows listed in tests/test_metrics_fixtures.py.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_metrics_fixtures import build_fixture

import metrics
from access.scope import FULL, Scope
from metrics import Filters


@pytest.fixture(scope="module")
def con():
    c = build_fixture()
    yield c
    c.close()


def kpi(con, filters=None, **kw) -> dict:
    df = metrics.kpis(con, filters or Filters(), FULL, **kw)
    assert len(df) == 1
    return df.iloc[0].to_dict()


def test_default_kpis_count_malicious_acts_from_the_latest_snapshot(con):
    k = kpi(con)
    # killed: R1, R2, R3, R5, R6 (malicious acts, snapshot 2023-11-28)
    assert k["killed"] == 5
    # injured V2, V3; detained V8; abducted V7 + V6 (released after an abduction)
    assert (k["injured"], k["detained"], k["abducted"]) == (2, 1, 2)
    assert (k["incidents"], k["cases"]) == (4, 5)
    # investigated C1 C2 C3 C5; suspects C1 C2 C5; arrests C1 C5; prosecuted C1 C2 C5
    assert (k["investigated"], k["suspects_identified"], k["arrested_cases"]) == (4, 3, 2)
    assert (k["prosecuted"], k["convicted_cases"]) == (3, 3)
    assert k["investigation_rate"] == pytest.approx(0.8)
    assert k["suspects_identified_rate"] == pytest.approx(0.6)
    assert k["arrest_rate"] == pytest.approx(0.4)
    assert k["prosecution_rate"] == pytest.approx(0.6)
    assert k["conviction_rate"] == pytest.approx(0.6)
    assert k["conviction_rate_prosecuted"] == pytest.approx(1.0)
    # persons: arrests 3 (C1) + 1 (C5, no count); convicted 2 + 1 in absentia + 1; acquitted 1
    assert (k["persons_arrested"], k["persons_convicted"], k["persons_acquitted"]) == (4, 4, 1)
    assert (k["full_justice"], k["partial_justice"], k["impunity"], k["pending"]) == (1, 2, 1, 1)
    # notification within 24 h: I1 only (12 h); within 72 h: I1, I2 (60 h); of 4 incidents
    assert k["notified_24h_share"] == pytest.approx(0.25)
    assert k["notified_72h_share"] == pytest.approx(0.5)
    # women: R6 + V2 + V6 = 3 of 10 persons harmed (5 killed + 5 tracked non-fatal); unknown R5, V3
    assert k["women_share"] == pytest.approx(0.3)
    assert k["unknown_gender_share"] == pytest.approx(0.2)
    # malicious share of all register fatalities: 5 / 7
    assert k["malicious_share"] == pytest.approx(5 / 7)


def test_incident_type_all_and_other_types(con):
    assert kpi(con, Filters(incident_types=()))["killed"] == 7
    k = kpi(con, Filters(incident_types=("Illness",)))
    # case tracking records malicious acts only: it disappears with that type filtered out
    assert (k["killed"], k["injured"], k["incidents"], k["cases"]) == (1, 0, 0, 0)
    assert k["investigation_rate"] is None or pd.isna(k["investigation_rate"])


def test_peacekeeping_only_drops_special_political_missions_and_offices(con):
    assert kpi(con, Filters(peacekeeping_only=True))["killed"] == 3


def test_kpis_by_mission(con):
    df = metrics.kpis(con, Filters(), FULL, by=("mission",)).set_index("mission")
    assert df["killed"].to_dict() == {"MINUSCA": 1, "MINUSMA": 2, "UNAMA": 1, "UNSECRETARIAT": 1}
    assert df.loc["MINUSMA", "cases"] == 3
    assert df.loc["MINUSMA", "investigation_rate"] == pytest.approx(2 / 3)
    assert pd.isna(df.loc["UNAMA", "investigation_rate"])


def test_kpis_by_year_and_gender(con):
    df = metrics.kpis(con, Filters(), FULL, by=("year", "gender"))
    got = {(int(r.year), r.gender): int(r.killed) for r in df.itertuples() if r.killed}
    assert got == {(2003, "F"): 1, (2019, "unknown"): 1, (2020, "M"): 1, (2021, "M"): 2}


def test_kpis_by_nationality_counts_an_incident_in_each_victims_group(con):
    df = metrics.kpis(con, Filters(), FULL, by=("nationality",)).set_index("nationality")
    # I2 has TGO and SEN victims: it counts in both groups
    assert df.loc["TGO", "incidents"] == 1 and df.loc["SEN", "incidents"] == 1
    assert df.loc["TGO", "cases"] == 2


def test_several_nationalities_count_an_incident_once(con):
    # I2 has TGO and SEN victims: once in a filter on both (rollup_nationality_sets), as the
    # incident facts count it (read as of today)
    both = Filters(nationalities=("TGO", "SEN"))
    k = kpi(con, both)
    alone = [kpi(con, Filters(nationalities=(n,))) for n in ("TGO", "SEN")]
    assert k["incidents"] < sum(a["incidents"] for a in alone)
    assert k["killed"] == sum(a["killed"] for a in alone)  # persons have one nationality
    for by in ((), ("year",), ("mission",)):
        pd.testing.assert_frame_equal(
            metrics.kpis(con, both, FULL, by=by),
            metrics.kpis(con, both.replace(as_of=date.today()), FULL, by=by),
            check_dtype=False,
        )


def test_day_level_periods_read_the_person_facts(con):
    # 2021-06-05 .. 2021-06-05 is not month-aligned: fact_persons path
    k = kpi(con, Filters(date_from="2021-06-05", date_to="2021-06-05"))
    assert (k["killed"], k["incidents"], k["cases"]) == (2, 1, 2)
    k = kpi(con, Filters(date_from="2021-06-06", date_to="2021-06-30"))
    assert (k["killed"], k["incidents"]) == (0, 0)


def test_as_of_a_past_date_uses_that_snapshot_and_stage_history(con):
    k = kpi(con, Filters(as_of=date(2021, 12, 31)))
    # snapshot 2021-06-30: R3 was still 'To Be Determined'
    assert k["killed"] == 4
    assert (k["incidents"], k["cases"]) == (2, 3)  # C1, C2, C3
    assert (k["investigated"], k["convicted_cases"], k["pending"]) == (3, 1, 2)
    assert k["persons_convicted"] == 2
    # explicit snapshot wins
    assert kpi(con, Filters(snapshot=date(2023, 11, 28), as_of=date(2021, 12, 31)))["killed"] == 5


def test_funnel_stages_in_order(con):
    df = metrics.funnel(con, Filters(), FULL)
    assert list(df["stage"]) == [
        "incidents",
        "cases",
        "investigated",
        "suspects_identified",
        "arrested_cases",
        "prosecuted",
        "convicted_cases",
    ]
    assert list(df["count"]) == [4, 5, 4, 3, 2, 3, 3]
    assert pd.isna(df["share_of_previous"].iloc[1])  # incidents -> cases: different units
    assert df["share_of_previous"].iloc[2] == pytest.approx(0.8)


def test_series_by_year_fills_empty_years_with_zero(con):
    df = metrics.series(
        con,
        Filters(date_from="2019-01-01", date_to="2022-12-31"),
        FULL,
        measures=("killed", "injured", "cases"),
        freq="year",
    )
    assert list(df["period"]) == [date(y, 1, 1) for y in range(2019, 2023)]
    assert list(df["killed"]) == [1, 1, 2, 0]
    assert list(df["injured"]) == [0, 2, 0, 0]
    assert list(df["cases"]) == [0, 1, 2, 2]


def test_series_by_month_and_mission(con):
    df = metrics.series(
        con,
        Filters(date_from="2021-06-01", date_to="2021-07-31"),
        FULL,
        measures=("killed",),
        by=("mission",),
    )
    assert set(df["mission"]) == {"MINUSMA"}
    assert list(df["killed"]) == [2, 0]


def test_kpi_change_compares_equal_length_periods(con):
    df = metrics.kpi_change(con, Filters(date_from="2021-01-01", date_to="2021-12-31"), FULL)
    row = df.set_index("metric").loc["killed"]
    assert (row["current"], row["previous"], row["change"]) == (2, 1, 1)
    assert row["change_pct"] == pytest.approx(1.0)
    assert row["previous_from"] == date(2020, 1, 1) and row["previous_to"] == date(2020, 12, 31)


def test_scope_limits_rows_for_a_focal_point_and_a_host_state(con, monkeypatch):
    # threshold 2 (the lowest): only counts of 1 are suppressed, the checked ones show
    monkeypatch.setenv("R2589_SUPPRESSION_THRESHOLD", "2")
    fp = Scope(role="focal_point", missions=("MINUSMA",))
    df = metrics.kpis(con, Filters(), fp)
    assert int(df["cases"].iloc[0]) == 3
    host = Scope(role="member_state", host_states=("CAF",))
    df = metrics.kpis(con, Filters(), host)
    assert int(df["incidents"].iloc[0]) == 2
    # a contributor sees incidents with its uniformed nationals among the victims (fact path)
    tgo = Scope(role="member_state", contributing_states=("TGO",))
    df = metrics.kpis(con, Filters(), tgo, by=("mission",))
    assert set(df["mission"]) == {"MINUSMA"}


def test_small_counts_are_protected_below_headquarters(con):
    fp = Scope(role="focal_point", missions=("MINUSMA",))
    df = metrics.kpis(con, Filters(), fp)
    assert pd.isna(df["cases"].iloc[0])  # 3 cases < 5: suppressed
    assert int(metrics.kpis(con, Filters(), FULL)["cases"].iloc[0]) == 5


def test_unknown_dimension_is_refused(con):
    with pytest.raises(ValueError, match="valid"):
        metrics.kpis(con, Filters(), FULL, by=("mission; drop table x",))


def test_as_of_mid_month_reads_whole_months_then_the_partial_month(con):
    # snapshot 2021-06-30 is the latest on or before neither date: the earliest is used
    # (2021-06-30 itself is after 2021-06-20), so R3 still counts as 'To Be Determined'
    assert kpi(con, Filters(as_of="2021-06-20"))["killed"] == 4  # R1, R2, R5, R6
    assert kpi(con, Filters(as_of="2021-06-04"))["killed"] == 3  # R2 (06-05) not yet
    k = kpi(con, Filters(date_from="2020-01-01", as_of="2021-06-20"))
    assert (k["killed"], k["injured"], k["incidents"]) == (2, 2, 2)  # R1, R2; V2, V3; I1, I2


def test_as_of_case_counts_equal_the_stage_history_macro_on_every_event_date(con):
    # kpis() reads fact_cases for cases with no later event and recomputes the others from
    # their events; the macro fact_cases_as_of recomputes every changed case from all events
    days = [
        r[0]
        for r in con.execute(
            "select distinct d from (select event_date as d from case_events"
            " union all select event_date - 1 from case_events) order by d"
        ).fetchall()
    ]
    assert len(days) > 10
    for day in days:
        k = kpi(con, Filters(as_of=day))
        want = con.execute(
            """
            select count(*), count(investigation_opened_on), count(suspects_identified_on),
                count(arrest_on), count(prosecuted_on), count(first_conviction_on),
                coalesce(sum(persons_arrested), 0), coalesce(sum(persons_convicted), 0),
                coalesce(sum(persons_acquitted), 0), coalesce(count_if(outcome = 'full_justice'), 0),
                coalesce(count_if(outcome = 'partial_justice'), 0), coalesce(count_if(outcome = 'impunity'), 0),
                coalesce(count_if(outcome = 'pending'), 0)
            from fact_cases_as_of(?::date) where incident_date <= ?
            """,
            [day, day],
        ).fetchone()
        got = tuple(
            int(k[c])
            for c in (
                "cases",
                "investigated",
                "suspects_identified",
                "arrested_cases",
                "prosecuted",
                "convicted_cases",
                "persons_arrested",
                "persons_convicted",
                "persons_acquitted",
                "full_justice",
                "partial_justice",
                "impunity",
                "pending",
            )
        )
        assert got == want, day


@pytest.mark.parametrize(
    "incident_types", [("Malicious Act",), (), ("Illness", "To Be Determined")]
)
def test_series_holds_every_year_and_mission_with_the_kpis_of_that_group(con, incident_types):
    f = Filters(date_from="2018-01-01", date_to="2023-12-31", incident_types=incident_types)
    measures = ("killed", "injured", "cases", "malicious_share")
    s = metrics.series(con, f, FULL, measures=measures, freq="year", by=("mission",))
    k = metrics.kpis(con, f, FULL, by=("year", "mission")).set_index(["year", "mission"])
    missions = sorted(set(s["mission"]))
    # one row per year x mission, sorted by year then mission
    assert list(zip(s["period"], s["mission"], strict=True)) == [
        (date(y, 1, 1), m) for y in range(2018, 2024) for m in missions
    ]
    assert set(k.index.get_level_values("mission")) <= set(missions)
    for row in s.itertuples():
        key = (row.period.year, row.mission)
        for m in ("killed", "injured", "cases"):
            assert getattr(row, m) == (k.loc[key, m] if key in k.index else 0)
        share = k.loc[key, "malicious_share"] if key in k.index else float("nan")
        assert (pd.isna(row.malicious_share) and pd.isna(share)) or row.malicious_share == share
    if "Malicious Act" not in incident_types and incident_types:
        assert s["injured"].sum() == 0 and s["cases"].sum() == 0  # case tracking: malicious only
        # killed in 2021 (Illness, MINUSMA) and 2022 (To Be Determined, MINUSCA)
        killed = s[s["killed"] > 0]
        assert list(zip(killed["period"], killed["mission"], killed["killed"], strict=True)) == [
            (date(2021, 1, 1), "MINUSMA", 1),
            (date(2022, 1, 1), "MINUSCA", 1),
        ]


@pytest.mark.parametrize("by", [(), ("mission",), ("year",), ("nationality",), ("act_type",)])
def test_the_sums_disclosure_control_relies_on_hold(con, by):
    """metrics.api.KPI_ADDITIVE: each declared set of counts adds up to a shown count in every
    row (persons harmed by outcome; case files by outcome; convicted ones by outcome), so a
    hidden part could be worked out from the others if it were not declared."""
    from metrics.api import KPI_ADDITIVE

    totals = {KPI_ADDITIVE[0]: "persons_harmed", KPI_ADDITIVE[1]: "cases"}
    totals[KPI_ADDITIVE[2]] = "convicted_cases"
    df = metrics.kpis(con, Filters(), FULL, by=by)
    assert len(df) > 0 and df["cases"].sum() > 0 and df["convicted_cases"].sum() > 0
    for parts, total in totals.items():
        assert (df[list(parts)].sum(axis=1) == df[total]).all(), (by, parts, total)
