"""notifications_by_state and map_aggregates answer whole-month selections from rollups
(rollup_notifications with rollup_notification_values, rollup_map_cells); the result is the
fact path's exactly (values, dtypes, disclosure attrs) for every filter and every scope."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

import metrics
from access.scope import FULL, Scope
from access.users import load_directory
from metrics import Filters, api

SCOPES = {
    "hq": FULL,
    "analyst": Scope(role="analyst"),
    **{u.username: u.scope() for u in load_directory().users},
    "two missions": Scope(role="focal_point", missions=("MINUSMA", "MONUSCO")),
    "two host States": Scope(role="member_state", host_states=("MLI", "CAF")),
}
# whole months (the rollups answer), then selections the facts answer
FILTERS = [
    Filters(),
    Filters(incident_types=()),
    Filters(incident_types=("Accident",)),
    Filters(date_from="2020-01-01", date_to="2022-12-31"),
    Filters(date_from="2023-02-01", date_to="2023-02-28"),
    Filters(date_to="2019-06-30"),
    Filters(missions=("MINUSMA",)),
    Filters(missions=("MINUSCA", "MONUSCO"), verified_only=True),
    Filters(host_states=("CAF",), peacekeeping_only=True),
    Filters(act_types=("armed_attack", "ambush"), date_from="2021-01-01", date_to="2021-12-31"),
    Filters(date_from="2030-01-01"),
    Filters(date_from="2020-01-15"),
    Filters(as_of=date(2022, 11, 30)),
    Filters(nationalities=("BGD",)),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("rollups") / "demo.duckdb"
    build_demo(str(path), seed=2589, scale=2)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def _fact_path(monkeypatch, fn):
    with monkeypatch.context() as m:
        m.setattr(api, "_notifications_fit_rollup", lambda f: False)
        m.setattr(api, "_map_fits_rollup", lambda f, scope: False)
        return fn()


def _assert_same(old: pd.DataFrame, new: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(old, new, check_exact=True)
    assert old.attrs == new.attrs


@pytest.mark.parametrize("user", list(SCOPES))
def test_rollups_equal_the_facts_for_every_filter_and_scope(con, monkeypatch, user):
    scope = SCOPES[user]
    shown = 0
    for f in FILTERS:
        for metric in (metrics.notifications_by_state, metrics.map_aggregates):

            def fn(metric=metric, f=f):
                return metric(con, f, scope)

            new = fn()
            _assert_same(_fact_path(monkeypatch, fn), new)
            shown += len(new)
    assert shown > 0


def test_whole_months_never_read_the_facts(con, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the fact path was taken")

    monkeypatch.setattr(api, "_notifications_facts", refuse)
    df = metrics.notifications_by_state(con, Filters(date_from="2021-01-01"), FULL)
    assert len(df) > 3 and df["median_delay_hours"].notna().all()
    sql = []
    real_q = api._q
    monkeypatch.setattr(api, "_q", lambda c, s, p: sql.append(s) or real_q(c, s, p))
    grid = metrics.map_aggregates(con, Filters(date_from="2021-01-01"), FULL)
    assert grid["incidents"].sum() > 0 and "rollup_map_cells" in sql[-1]


def test_notification_bins_hold_values_in_rank_order(con):
    # every value of a State's bin is <= every value of its next non-empty bin, so counts per
    # bin locate a rank; the middle values of every State sit in bins 8 and 9
    rows = con.execute(
        """
        select measure, recipient_state, bin, min(value) as lo, max(value) as hi
        from rollup_notification_values group by all order by measure, recipient_state, bin
        """
    ).df()
    for _, g in rows.groupby(["measure", "recipient_state"]):
        assert (g["hi"].to_numpy()[:-1] <= g["lo"].to_numpy()[1:]).all()
    totals = con.execute(
        """
        select
            sum(delay_bin_01 + delay_bin_02 + delay_bin_03 + delay_bin_04 + delay_bin_05
                + delay_bin_06 + delay_bin_07 + delay_bin_08 + delay_bin_09 + delay_bin_10
                + delay_bin_11 + delay_bin_12 + delay_bin_13 + delay_bin_14 + delay_bin_15
                + delay_bin_16),
            (select count(*) from fact_notifications where first_to_state),
            sum(delay_bin_08 + delay_bin_09) > 0
        from rollup_notifications
        """
    ).fetchone()
    assert totals[0] == totals[1] and totals[2]
