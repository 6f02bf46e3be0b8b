"""Case files by current stage, and the load history, on the fixture.

Hand-worked from tests/test_metrics_fixtures.py. Current stage = latest event on or before the
as-of date; on a tie of dates, the higher r2589_stage_rank wins.

As of 2023-12-31:
  C1  2021-03-01 convicted (rank 10) and acquitted (rank 8)       -> convicted
  C2  2022-05-01 convicted_in_absentia                            -> convicted_in_absentia
  C3  2021-08-01 investigation_opened, pending, 882 days >= 180   -> investigation_opened, stalled
  C4  2023-02-01 closed_without_prosecution                       -> closed_without_prosecution
  C5  2023-01-10 convicted (rank 10) and sentence (rank 11)       -> sentence
As of 2021-12-31 (C4 and C5 not opened yet):
  C1 convicted; C2 2021-09-01 suspect_identified (121 days, not stalled);
  C3 investigation_opened (152 days, not stalled).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_metrics_fixtures import build_fixture

import metrics
from access.disclosure import AccessDenied
from access.scope import FULL, Scope
from metrics import Filters

AS_OF = Filters(as_of=date(2023, 12, 31))
STAGE_ORDER = [
    "reported",
    "notified",
    "investigation_opened",
    "suspect_identified",
    "arrest",
    "detention",
    "charges",
    "trial_opened",
    "acquitted",
    "convicted_in_absentia",
    "convicted",
    "sentence",
    "appeal",
    "closed_without_prosecution",
]


@pytest.fixture(scope="module")
def con():
    c = build_fixture()
    yield c
    c.close()


def test_cases_by_stage_as_of_2023(con):
    df = metrics.cases_by_stage(con, AS_OF, FULL)
    assert list(df.columns) == ["stage", "cases", "stalled"]
    assert list(df["stage"]) == STAGE_ORDER  # every stage, in the model's rank order
    got = df.set_index("stage")
    nonzero = {s: int(n) for s, n in got["cases"].items() if n}
    assert nonzero == {
        "investigation_opened": 1,
        "convicted_in_absentia": 1,
        "convicted": 1,
        "sentence": 1,
        "closed_without_prosecution": 1,
    }
    assert int(got["cases"].sum()) == 5
    assert {s: int(n) for s, n in got["stalled"].items() if n} == {"investigation_opened": 1}
    # the stalled column agrees with stalled_count / stalled_cases
    assert (
        int(got["stalled"].sum())
        == metrics.stalled_count(con, AS_OF, FULL).iloc[0]["stalled_cases"]
    )


def test_cases_by_stage_as_of_a_past_date(con):
    got = metrics.cases_by_stage(con, Filters(as_of=date(2021, 12, 31)), FULL).set_index("stage")
    assert {s: int(n) for s, n in got["cases"].items() if n} == {
        "investigation_opened": 1,
        "suspect_identified": 1,
        "convicted": 1,
    }
    assert int(got["stalled"].sum()) == 0
    # a shorter threshold makes C2 (121 days) and C3 (152 days) stalled, not C1 (judged)
    got = metrics.cases_by_stage(con, Filters(as_of=date(2021, 12, 31)), FULL, days=100)
    got = got.set_index("stage")
    assert {s: int(n) for s, n in got["stalled"].items() if n} == {
        "investigation_opened": 1,
        "suspect_identified": 1,
    }


def test_cases_by_stage_follows_scope_and_filters(con):
    # Mali as host State: incidents I2 and I4 -> cases C2, C3, C4 (counts of 1 suppressed)
    mali = Scope(role="member_state", host_states=("MLI",))
    got = metrics.cases_by_stage(con, AS_OF, mali).set_index("stage")
    assert got.loc["convicted", "cases"] == 0  # C1 is in CAF: zero, shown
    assert got.loc["sentence", "cases"] == 0  # C5 is in CAF
    for stage in ("investigation_opened", "convicted_in_absentia", "closed_without_prosecution"):
        assert got.loc[stage, "cases"] is pd.NA  # 1 < 5: suppressed
    # headquarters, filtered to MINUSCA: C1 convicted, C5 sentence
    got = metrics.cases_by_stage(con, AS_OF.replace(missions=("MINUSCA",)), FULL)
    assert {s: int(n) for s, n in got.set_index("stage")["cases"].items() if n} == {
        "convicted": 1,
        "sentence": 1,
    }


def test_cases_by_stage_is_an_aggregate_for_briefing(con):
    df = metrics.cases_by_stage(con, AS_OF, Scope(role="briefing"))
    assert list(df["stage"]) == STAGE_ORDER
    got = df.set_index("stage")["cases"]
    assert got.isna().sum() == 5  # the five stages holding one case each
    assert int(got.fillna(0).sum()) == 0  # zeros stay visible
    assert df.attrs["disclosure"]["totals"]["cases"] is None  # the total would give them away


def test_load_history_for_headquarters_and_analysts(con):
    con.execute(
        "insert into load_batches (batch_id, file_name, sha256, kind, rows_read, rows_inserted,"
        " rows_updated, loaded_at, synthetic) values (2, 'cases_2024.csv',"
        " '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'cases', 40, 38,"
        " 2, timestamp '2024-01-15 09:30:00', true)"
    )
    try:
        for scope in (FULL, Scope(role="analyst")):
            df = metrics.load_history(con, scope)
            assert list(df.columns) == list(metrics.api.LOAD_HISTORY_COLUMNS)
            assert list(df["batch_id"]) == [2, 1]  # newest first
            row = df.iloc[0]
            assert (row["file_name"], row["kind"]) == ("cases_2024.csv", "cases")
            assert (row["rows_read"], row["rows_inserted"], row["rows_updated"]) == (40, 38, 2)
            assert str(row["loaded_at"]) == "2024-01-15 09:30:00"
            assert bool(row["synthetic"]) and not bool(df.iloc[1]["synthetic"])
            assert row["sha256_prefix"] == "0123456789ab"  # 12 characters, never the digest
            assert "sha256" not in df.columns
            assert not df.attrs["withheld"]
    finally:
        con.execute("delete from load_batches where batch_id = 2")


@pytest.mark.parametrize(
    "scope",
    [
        Scope(role="briefing"),
        Scope(role="focal_point", missions=("MINUSCA",)),
        Scope(role="member_state", host_states=("MLI",)),
    ],
    ids=["briefing", "focal_point", "member_state"],
)
def test_load_history_is_withheld_from_other_roles(con, scope):
    try:
        df = metrics.load_history(con, scope)
    except AccessDenied:  # pragma: no cover - the documented behaviour is an empty frame
        pytest.fail("load_history withholds rows, it does not refuse")
    assert df.empty
    assert list(df.columns) == list(metrics.api.LOAD_HISTORY_COLUMNS)
    assert df.attrs["withheld"] is True
