"""Notifications, progress per host State, capacity building, focal points, gender,
completeness, maps, rates per 1,000 deployed and data status, on the hand-made fixture."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from test_metrics_fixtures import build_fixture

import metrics
from access.scope import FULL, Scope
from metrics import Filters

F = Filters()


@pytest.fixture(scope="module")
def con():
    c = build_fixture()
    yield c
    c.close()


def test_notifications_by_state(con):
    df = metrics.notifications_by_state(con, F, FULL).set_index("state")
    # CAF: N1 answered after 10 days, sent 12 h after I1
    assert df.loc["CAF", ["notifications", "answered", "no_answer"]].tolist() == [1, 1, 0]
    assert df.loc["CAF", "median_delay_hours"] == 12
    # MLI: N2 (60 h, no answer), N3 (120 h, answered after 25 days)
    assert df.loc["MLI", ["notifications", "answered", "no_answer"]].tolist() == [2, 1, 1]
    assert df.loc["MLI", "answer_rate"] == pytest.approx(0.5)
    assert df.loc["MLI", "median_answer_days"] == 25
    assert df.loc["MLI", "median_delay_hours"] == 90
    assert df.loc["MLI", "notified_24h_share"] == 0


def test_notification_answers_as_of_a_past_date(con):
    df = metrics.notifications_by_state(con, Filters(as_of=date(2022, 11, 30)), FULL)
    mli = df.set_index("state").loc["MLI"]
    # N3 sent 2022-11-06 but answered only on 2022-12-01
    assert (mli["notifications"], mli["answered"]) == (2, 0)


def test_state_progress_counts_stages_reached_in_the_period(con):
    df = metrics.state_progress(con, Filters(date_from="2022-01-01", date_to="2022-12-31"), FULL)
    caf = df.set_index("host_state").loc["CAF"]
    mli = df.set_index("host_state").loc["MLI"]
    assert (caf["incidents"], caf["incidents_previous"]) == (1, 0)
    assert (caf["investigations_opened"], caf["investigations_opened_previous"]) == (1, 0)
    assert (mli["investigations_opened"], mli["investigations_opened_previous"]) == (0, 2)
    assert mli["investigations_opened_change"] == -2
    assert (caf["judgments"], caf["judgments_previous"]) == (0, 1)
    assert (mli["convictions"], mli["prosecutions"]) == (1, 1)  # C2 in absentia, 2022-05-01
    assert (caf["cases_open_at_end"], mli["cases_open_at_end"]) == (1, 2)
    assert mli["killed_previous"] == 2
    assert caf["previous_from"] == date(2021, 1, 1)


def test_capacity_building_by_state_and_type(con):
    df = metrics.capacity_building(con, F, FULL).set_index("host_state")
    assert df.loc["CAF", ["activities", "participants", "participants_f"]].tolist() == [2, 17, 2]
    assert df.loc["MLI", "women_share"] == pytest.approx(5 / 21)
    by_type = metrics.capacity_building(con, F, FULL, by=("assistance_type", "year"))
    assert len(by_type) == 3
    only_2022 = metrics.capacity_building(
        con, Filters(date_from="2022-01-01", date_to="2022-12-31"), FULL, by=()
    )
    assert only_2022["activities"].iloc[0] == 2
    with pytest.raises(ValueError):
        metrics.capacity_building(con, F, FULL, by=("beneficiary",))


def test_focal_points_current_flag_and_names_by_role(con):
    df = metrics.focal_points(con, FULL, on=date(2024, 6, 1)).set_index("focal_point_id")
    assert bool(df.loc["FP1", "current"]) and not bool(df.loc["FP2", "current"])
    assert "full_name" in df.columns
    assert "full_name" not in metrics.focal_points(con, Scope(role="analyst")).columns
    fp = metrics.focal_points(con, Scope(role="focal_point", missions=("MINUSMA",)))
    assert list(fp["mission_code"]) == ["MINUSMA"]


def test_gender_breakdown_keeps_unknown(con):
    df = metrics.gender_breakdown(con, F, FULL)
    assert df["persons"].sum() == 10  # 5 killed (register) + 5 injured/detained/abducted
    unknown = df[df["gender"] == "unknown"]
    assert set(zip(unknown["personnel_type"], unknown["outcome"], strict=True)) == {
        ("Local", "injured"),
        ("Local", "killed"),
    }


def test_gender_breakdown_across_gives_the_margins_of_the_three_way_table(con):
    full = metrics.gender_breakdown(con, F, FULL)
    for across, keys in (
        ((), ["gender"]),
        (("personnel_type",), ["gender", "personnel_type"]),
        (("outcome",), ["gender", "outcome"]),
    ):
        df = metrics.gender_breakdown(con, F, FULL, across=across)
        assert list(df.columns) == [*keys, "persons"]
        want = full.groupby(keys, as_index=False)["persons"].sum()
        assert (
            df.sort_values(keys)
            .reset_index(drop=True)
            .equals(want.sort_values(keys).reset_index(drop=True))
        )
    assert metrics.gender_breakdown(con, F, FULL, across=()).set_index("gender")[
        "persons"
    ].to_dict() == {"F": 3, "M": 5, "unknown": 2}
    with pytest.raises(ValueError, match="unknown attribute"):
        metrics.gender_breakdown(con, F, FULL, across=("age_band",))


def test_women_share_series_by_year(con):
    df = metrics.women_share_series(con, F, FULL, freq="year").set_index("period")
    assert df.loc[date(2020, 1, 1), ["women", "men", "unknown_gender"]].tolist() == [1, 1, 1]
    assert df.loc[date(2020, 1, 1), "women_share"] == pytest.approx(1 / 3)
    assert df.loc[date(2019, 1, 1), "women_share"] == 0  # one person of unknown gender


def test_suspects_by_gender_always_lists_three_genders(con):
    df = metrics.suspects_by_gender(con, F, FULL).set_index("gender")
    assert df["suspects"].to_dict() == {"F": 1, "M": 3, "unknown": 1}
    none = metrics.suspects_by_gender(con, Filters(missions=("UNAMA",)), FULL)
    assert list(none["gender"]) == ["F", "M", "unknown"] and none["suspects"].sum() == 0


def test_completeness_per_mission(con):
    df = metrics.completeness(con, F, FULL).set_index("mission")
    assert df.loc["MINUSCA", "share_unverified"] == pytest.approx(0.5)  # I3 unverified
    assert df.loc["MINUSCA", "share_unknown_gender"] == pytest.approx(1 / 5)  # V3
    # C2 was judged in absentia with no charges or trial date
    assert df.loc["MINUSMA", "share_missing_stage_dates"] == pytest.approx(1 / 3)
    assert df.loc["UNAMA", "register_unknown_gender_share"] == 1


def test_map_aggregates_and_points(con):
    grid = metrics.map_aggregates(con, F, FULL, cell_deg=1.0)
    assert grid["incidents"].sum() == 4
    assert {"cell_lat", "cell_lon"} <= set(grid.columns)
    row = grid[(grid["cell_lat"] == 5.5) & (grid["cell_lon"] == 22.5)].iloc[0]
    assert (row["killed"], row["injured"]) == (1, 2)
    areas = metrics.map_aggregates(con, F, FULL, level="admin_area")
    assert set(areas["admin_area"]) == {"Haut-Mbomou", "Kidal", "Ouham", "Mopti"}
    pts = metrics.map_points(con, F, FULL)
    assert list(pts["incident_id"]) == ["I4", "I3", "I2", "I1"]
    assert {"lat", "lon"} <= set(pts.columns)
    # exact coordinates are for headquarters only
    assert "lat" not in metrics.map_points(con, F, Scope(role="analyst")).columns


def test_rates_per_1000_deployed(con):
    df = metrics.rates_per_1000(
        con, Filters(date_from="2020-03-01", date_to="2020-04-30"), FULL, by=("mission",)
    )
    row = df.set_index("mission").loc["MINUSCA"]
    # R1 killed; strength 1,000 in March and 2,000 in April -> average 1,500
    assert row["avg_strength"] == 1500
    assert row["killed_per_1000"] == pytest.approx(1000 / 1500)


def test_verified_up_to_stops_before_an_unverified_backlog():
    c = build_fixture()
    c.execute("update incidents set verification = 'unverified' where incident_id = 'I4'")
    from etl.models import build_models

    build_models(c)
    # tail from 2022-11: 1/1 unverified; from 2022-01: 2/2; from 2021-06: 2/3 > 25 %;
    # from 2020-03: 2/4 > 25 %: no month qualifies
    assert metrics.data_status(c)["verified_up_to"] is None
    c.execute("update incidents set verification = 'confirmed' where incident_id = 'I3'")
    build_models(c)
    # tail from 2022-01: 1/2 > 25 %; from 2021-06: 1/3 > 25 %; from 2020-03: 1/4 <= 25 %
    assert metrics.data_status(c)["verified_up_to"] == date(2020, 3, 31)


def test_data_status(con):
    s = metrics.data_status(con)
    assert s["last_updated"] == datetime(2023, 12, 1, 10, 0)
    assert s["register_snapshot"] == date(2023, 11, 28)
    # the last month (I4, confirmed) has no unverified backlog: verified up to I4's date
    assert s["verified_up_to"] == date(2022, 11, 1)
    assert s["synthetic"] is False
    assert (s["incidents"], s["cases"]) == (4, 5)


def test_completeness_from_rollups_equals_the_facts(con):
    # as of today forces the fact path; no as-of reads the rollups
    import pandas as pd

    now = metrics.completeness(con, F, FULL)
    facts = metrics.completeness(con, Filters(as_of=date.today()), FULL)
    pd.testing.assert_frame_equal(now, facts, check_dtype=False)


def _hidden_in_row(row, cols):
    return [c for c in cols if row[c] is pd.NA]


def test_capacity_participants_by_gender_cannot_be_worked_out_from_the_total(con):
    # CAF: 2 women, 13 men, 2 of unknown gender = 17 participants (shown). Women + men +
    # unknown is a sibling group with a public total: women and unknown are both under 5 and
    # both withheld, so 17 - 13 = 4 gives their sum, not either of them (each lies in 1..3).
    # Women's share beside it (2/17) would make women exact: it is withheld.
    caf = Scope(role="member_state", host_states=("CAF",))
    df = metrics.capacity_building(con, F, caf, by=("host_state",))
    row = df.set_index("host_state").loc["CAF"]
    assert row["participants"] == 17
    sexes = ("participants_f", "participants_m", "participants_unknown")
    assert _hidden_in_row(row, sexes) == ["participants_f", "participants_unknown"]
    assert row["participants_m"] == 13
    assert row["women_share"] is pd.NA
    cells = df.attrs["disclosure"]["cells"]
    assert cells["participants_f"] == {0: "primary"}
    assert cells["participants_unknown"] == {0: "primary"}
    # a single small cell in the group takes a visible sibling with it
    one = metrics.capacity_building(
        con, F, Scope(role="member_state", host_states=("MLI",)), by=("host_state",)
    )
    for _, r in one.iterrows():
        assert sum(r[c] is pd.NA for c in sexes) != 1
    # headquarters sees the numbers
    hq = metrics.capacity_building(con, F, FULL, by=("host_state",)).set_index("host_state")
    assert hq.loc["CAF", list(sexes)].tolist() == [2, 13, 2]


def test_women_share_series_is_withheld_with_its_counts(con):
    # 2020: 1 woman, 1 man, 1 unknown = 3 persons; below headquarters every count is "<5" and
    # the share (1/3, which with the total would give women = 1) is withheld
    df = metrics.women_share_series(con, F, Scope(role="analyst"), freq="year")
    row = df.set_index("period").loc[date(2020, 1, 1)]
    assert _hidden_in_row(row, ("women", "men", "unknown_gender", "persons")) == [
        "women",
        "men",
        "unknown_gender",
        "persons",
    ]
    assert row["women_share"] is pd.NA
    # no row shows a share next to a hidden count of women or persons
    hidden = df["women"].isna() | df["persons"].isna()
    assert df.loc[hidden, "women_share"].isna().all()


def test_funnel_records_which_stages_are_withheld(con):
    # CAF alone: 1 incident, 1 case file... every stage under 5 is "<5" (primary), as kpis() says
    caf = Scope(role="member_state", host_states=("CAF",))
    df = metrics.funnel(con, F, caf)
    assert df["count"].isna().all()
    assert df.attrs["disclosure"]["cells"]["count"] == dict.fromkeys(range(len(df)), "primary")
    assert df.attrs["disclosure"]["totals"]["count"] is None
    assert df["share_of_cases"].isna().all()
    hq = metrics.funnel(con, F, FULL).set_index("stage")["count"]
    assert (hq["cases"], hq["investigated"], hq["convicted_cases"]) == (5, 4, 3)
    assert metrics.funnel(con, F, FULL).attrs["disclosure"]["cells"]["count"] == {}
