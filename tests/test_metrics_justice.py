"""Time to justice (Kaplan-Meier), stalled cases, case list and case page, on the fixture.

Hand-worked from tests/test_metrics_fixtures.py, as of 2023-12-31, days from incident to the
first judgment: C4 closed without prosecution at day 92 (censored), C2 330, C1 356, C5 360
(events), C3 still open at day 939 (censored).
  day 92: 5 at risk, 1 censored, S = 1
  day 330: 4 at risk, 1 event, S = 3/4
  day 356: 3 at risk, 1 event, S = 3/4 * 2/3 = 1/2  -> median 356
  day 360: 2 at risk, 1 event, S = 1/2 * 1/2 = 1/4
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_metrics_fixtures import build_fixture

import metrics
from access.scope import FULL, Scope
from metrics import Filters, survival

AS_OF = Filters(as_of=date(2023, 12, 31))
BRIEFING = Scope(role="briefing")


@pytest.fixture(scope="module")
def con():
    c = build_fixture()
    yield c
    c.close()


def test_kaplan_meier_by_hand():
    curve = survival.kaplan_meier([92, 330, 356, 360, 939], [False, True, True, True, False])
    assert list(curve["days"]) == [0, 92, 330, 356, 360, 939]
    assert list(curve["at_risk"]) == [5, 5, 4, 3, 2, 1]
    assert curve["survival"].tolist() == pytest.approx([1, 1, 0.75, 0.5, 0.25, 0.25])
    assert survival.median_survival(curve) == 356


def test_kaplan_meier_ties_and_no_median():
    # two events on day 10 out of 4, then censoring: S = 1/2 at day 10
    curve = survival.kaplan_meier([10, 10, 20, 30], [True, True, False, False])
    assert curve.set_index("days").loc[10, "survival"] == pytest.approx(0.5)
    assert survival.median_survival(curve) == 10
    assert survival.median_survival(survival.kaplan_meier([5, 6], [False, False])) is None
    assert survival.kaplan_meier([], []).iloc[0]["survival"] == 1


def test_time_to_judgment(con):
    r = metrics.time_to_justice(con, AS_OF, FULL, event="judgment")
    s = r["summary"].iloc[0]
    assert (s["cases"], s["events"], s["censored"], s["median_days"]) == (5, 3, 2, 356)
    assert r["curve"]["survival"].tolist() == pytest.approx([1, 1, 0.75, 0.5, 0.25, 0.25])


def test_time_to_investigation_by_cohort(con):
    r = metrics.time_to_justice(con, AS_OF, FULL, event="investigation", cohort_by="mission")
    s = r["summary"].set_index("cohort")
    # MINUSCA: C5 17 days, C1 22 days -> S(17) = 1/2, so the median is day 17
    assert s.loc["MINUSCA", "median_days"] == 17
    # MINUSMA: C2 26, C3 57, C4 never (closed at day 92, censored) -> S(26)=2/3, S(57)=1/3
    assert s.loc["MINUSMA", "median_days"] == 57


ANALYST = Scope(role="analyst")


def test_survival_curves_hide_small_cohorts_below_headquarters(con, monkeypatch):
    monkeypatch.delenv("R2589_SUPPRESSION_THRESHOLD", raising=False)  # default 5
    # all five cases (threshold 5): the median is shown; only the points with 5 cases at risk
    # (days 0 and 92) are kept, the steps after (4, 3, 2, 1 at risk) would reveal counts
    r = metrics.time_to_justice(con, AS_OF, ANALYST, event="judgment")
    assert r["summary"]["median_days"].tolist() == [356]
    assert r["curve"]["days"].tolist() == [0, 92]
    assert r["curve"]["survival"].tolist() == pytest.approx([1, 1])
    # by mission: MINUSCA has 2 cases, MINUSMA 3, both under 5: no median, no curve point
    r = metrics.time_to_justice(con, AS_OF, ANALYST, event="investigation", cohort_by="mission")
    s = r["summary"].set_index("cohort")
    assert s["median_days"].isna().all()
    assert r["curve"].empty
    # headquarters sees everything
    r = metrics.time_to_justice(con, AS_OF, FULL, event="investigation", cohort_by="mission")
    assert r["summary"].set_index("cohort")["median_days"].tolist() == [17, 57]
    assert len(r["curve"]) == 7  # MINUSCA days 0, 17, 22; MINUSMA days 0, 26, 57, 92


def test_survival_curves_follow_the_threshold(con, monkeypatch):
    monkeypatch.setenv("R2589_SUPPRESSION_THRESHOLD", "3")
    # MINUSMA, days to an investigation: C2 26, C3 57 (events), C4 censored at 92.
    #   day 0: 3 at risk; day 26: 3 at risk, S = 2/3; day 57: 2 at risk, S = 1/3; day 92: 1.
    # Threshold 3: days 0 and 26 are kept, the median (57) too (3 cases); MINUSCA (2 cases,
    # 2 at risk from day 0) shows nothing.
    r = metrics.time_to_justice(con, AS_OF, ANALYST, event="investigation", cohort_by="mission")
    curve = r["curve"]
    assert set(curve["cohort"]) == {"MINUSMA"}
    assert curve["days"].tolist() == [0, 26]
    assert curve["survival"].tolist() == pytest.approx([1, 2 / 3])
    s = r["summary"].set_index("cohort")["median_days"]
    assert s["MINUSMA"] == 57
    assert pd.isna(s["MINUSCA"])


def test_time_to_justice_as_of_a_past_date_censors_later_events(con):
    r = metrics.time_to_justice(con, Filters(as_of=date(2021, 12, 31)), FULL, event="judgment")
    s = r["summary"].iloc[0]
    assert (s["cases"], s["events"]) == (3, 1)  # C1 judged; C2, C3 open then


def test_stalled_cases_as_of(con):
    df = metrics.stalled_cases(con, AS_OF, FULL)
    assert list(df["case_id"]) == ["C3"]
    assert df["days_in_current_stage"].iloc[0] == (date(2023, 12, 31) - date(2021, 8, 1)).days
    assert metrics.stalled_cases(con, AS_OF, FULL, days=1000).empty
    # as of 2021-12-31: C3 (since 2021-08-01, 152 days) is not yet stalled at 180 days
    assert metrics.stalled_cases(con, Filters(as_of=date(2021, 12, 31)), FULL).empty
    n = metrics.stalled_count(con, AS_OF, FULL).iloc[0]
    assert (n["stalled_cases"], n["pending"]) == (1, 1)


def test_case_list_has_days_in_stage_and_outcome(con):
    df = metrics.case_list(con, AS_OF, FULL, sort="case_id").set_index("case_id")
    assert list(df.index) == ["C1", "C2", "C3", "C4", "C5"]
    assert df.loc["C1", "current_stage"] == "convicted"
    assert df.loc["C4", "outcome"] == "impunity"
    assert df.loc["C5", "days_in_current_stage"] == (date(2023, 12, 31) - date(2023, 1, 10)).days
    assert not df.loc["C5", "stalled"]
    page = metrics.case_list(con, AS_OF, FULL, sort="case_id", limit=2, offset=2)
    assert list(page["case_id"]) == ["C3", "C4"]
    with pytest.raises(ValueError):
        metrics.case_list(con, AS_OF, FULL, sort="case_id; drop table cases")


def test_case_list_as_of_leaves_out_later_cases_and_stages(con):
    df = metrics.case_list(con, Filters(as_of=date(2021, 12, 31)), FULL).set_index("case_id")
    assert set(df.index) == {"C1", "C2", "C3"}
    assert df.loc["C2", "outcome"] == "pending"


def test_case_detail_returns_the_case_pieces(con):
    d = metrics.case_detail(con, "C1", FULL)
    assert list(d["events"]["stage"])[:2] == ["notified", "investigation_opened"]
    assert set(d["victims"]["victim_id"]) == {"V1", "V2", "V3"}
    assert list(d["notifications"]["notification_id"]) == ["N1"]
    assert d["notifications"]["delay_hours"].iloc[0] == 12
    assert set(d["assistance"]["assistance_id"]) == {"A1", "A3"}
    assert "full_name" in d["victims"].columns  # headquarters sees names


def test_case_detail_out_of_scope_is_not_found(con):
    with pytest.raises(LookupError):
        metrics.case_detail(con, "C1", Scope(role="focal_point", missions=("MINUSMA",)))
    with pytest.raises(LookupError):
        metrics.case_detail(con, "NOPE", FULL)
    d = metrics.case_detail(con, "C2", Scope(role="analyst"))
    assert "full_name" not in d["victims"].columns  # analysts never see names
    assert "full_name" not in d["suspects"].columns


def test_contributor_sees_only_its_own_nationals_on_a_case_page(con):
    d = metrics.case_detail(con, "C2", Scope(role="member_state", contributing_states=("TGO",)))
    assert list(d["victims"]["nationality"]) == ["TGO"]


@pytest.mark.parametrize(
    "call",
    [
        lambda con: metrics.case_list(con, Filters(), BRIEFING),
        lambda con: metrics.stalled_cases(con, Filters(), BRIEFING),
        lambda con: metrics.case_detail(con, "C1", BRIEFING),
        lambda con: metrics.map_points(con, Filters(), BRIEFING),
    ],
)
def test_row_level_data_is_refused_to_the_briefing_role(con, call):
    with pytest.raises(PermissionError):
        call(con)


def test_briefing_gets_aggregates(con):
    df = metrics.kpis(con, Filters(), BRIEFING)
    assert len(df) == 1
    assert isinstance(metrics.stalled_count(con, AS_OF, BRIEFING), pd.DataFrame)


def test_case_list_longest_in_stage_first(con):
    df = metrics.case_list(con, AS_OF, FULL, sort="days_in_current_stage")
    days = df["days_in_current_stage"].tolist()
    assert days == sorted(days, reverse=True)
    assert df["case_id"].iloc[0] == "C1"  # last change 2021-03-01
