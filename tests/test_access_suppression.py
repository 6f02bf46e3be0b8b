"""Small-number protection: no count under the threshold is visible, or derivable from the
totals and siblings a Member State can see, in any view built from the protected frame."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from access.disclosure import (
    PRIMARY,
    SECONDARY,
    display_counts,
    legend,
    protect_counts,
    protected_total,
    suppressed_mask,
)
from access.scope import Scope

MALI = Scope(role="member_state", host_states=("MLI",))
HQ = Scope(role="hq")
T = 5


def test_small_counts_are_shown_as_less_than_threshold_and_zero_is_shown():
    df = pd.DataFrame({"mission": ["A", "B", "C", "D"], "killed": [2, 10, 7, 0]})
    out = protect_counts(df, MALI, ["killed"], threshold=T)
    shown = display_counts(out)
    assert shown.killed.tolist() == ["<5", "10", "x", "0"]
    assert out.killed.isna().tolist() == [True, False, True, False]
    assert protected_total(out, "killed") == 19  # two hidden cells: the total reveals neither
    assert suppressed_mask(out).killed.tolist() == [True, False, True, False]


def test_headquarters_sees_every_count():
    df = pd.DataFrame({"mission": ["A", "B"], "killed": [1, 2]})
    out = protect_counts(df, HQ, ["killed"], threshold=T)
    assert out.killed.tolist() == [1, 2]
    assert out.attrs["disclosure"]["applied"] is False


@pytest.mark.parametrize(
    "role",
    [
        Scope(role="analyst"),
        Scope(role="briefing"),
        Scope(role="focal_point", missions=("MINUSCA",)),
        Scope(role="member_state", contributing_states=("TCD",)),
    ],
)
def test_every_role_below_headquarters_is_protected(role):
    df = pd.DataFrame({"mission": ["A", "B", "C"], "killed": [1, 50, 60]})
    out = protect_counts(df, role, ["killed"], threshold=T)
    assert out.killed.isna().sum() == 2


def test_a_lone_hidden_cell_with_only_zero_siblings_makes_the_total_unsafe():
    df = pd.DataFrame({"mission": ["A", "B"], "killed": [2, 0]})
    out = protect_counts(df, MALI, ["killed"], threshold=T)
    assert protected_total(out, "killed") is None


def test_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("R2589_SUPPRESSION_THRESHOLD", "10")
    df = pd.DataFrame({"mission": ["A", "B", "C"], "killed": [7, 50, 60]})
    out = protect_counts(df, MALI, ["killed"])
    assert display_counts(out).killed.tolist()[0] == "<10"
    assert "<10" in legend("en") and "<10" in legend("fr")


def test_rates_from_a_suppressed_count_are_suppressed():
    df = pd.DataFrame(
        {
            "host_state": ["MLI", "CAF", "COD"],
            "cases": [20, 30, 40],
            "convicted_cases": [1, 9, 12],
            "conviction_rate": [0.05, 0.3, 0.3],
        }
    )
    out = protect_counts(
        df,
        MALI,
        ["cases", "convicted_cases"],
        threshold=T,
        rates={"conviction_rate": ["convicted_cases", "cases"]},
    )
    assert out.conviction_rate.isna().tolist() == [True, True, False]


def test_additive_columns_protect_the_row_total():
    df = pd.DataFrame(
        {
            "mission": ["A", "B"],
            "victims_f": [1, 0],
            "victims_m": [30, 8],
            "victims_unknown": [6, 0],
        }
    )
    out = protect_counts(
        df,
        MALI,
        ["victims_f", "victims_m", "victims_unknown"],
        threshold=T,
        additive=[["victims_f", "victims_m", "victims_unknown"]],
    )
    cells = out.attrs["disclosure"]["cells"]
    assert cells["victims_f"][0] == PRIMARY
    # row A: f is hidden; the smallest visible non-zero sibling in the row (unknown=6) goes too
    assert cells["victims_unknown"][0] == SECONDARY


def test_protected_frames_concatenate_and_keep_na():
    a = protect_counts(pd.DataFrame({"m": ["A", "B", "C"], "n": [1, 9, 9]}), MALI, ["n"], T)
    b = protect_counts(pd.DataFrame({"m": ["D", "E", "F"], "n": [2, 8, 8]}), MALI, ["n"], T)
    both = pd.concat([a, b])
    assert both.n.isna().sum() == 4


# ------------------------------------------------------------------------- exact audit


def _lp_ranges(values, state, groups, t):
    """Exact feasible range of every hidden cell, by linear programming (the reader's view:
    visible cells, every group total, "<t" cells in [1, t-1], "x" cells >= t)."""
    scipy_opt = pytest.importorskip("scipy.optimize")
    hidden = np.flatnonzero(state > 0)
    if len(hidden) == 0:
        return {}
    pos = {c: i for i, c in enumerate(hidden)}
    a_eq, b_eq = [], []
    for g in groups:
        hs = [c for c in g if state[c] > 0]
        if not hs:
            continue
        row = np.zeros(len(hidden))
        for c in hs:
            row[pos[c]] = 1
        a_eq.append(row)
        b_eq.append(sum(values[c] for c in g) - sum(values[c] for c in g if state[c] == 0))
    bounds = [(1, t - 1) if state[c] == 1 else (t, None) for c in hidden]
    a_eq, b_eq = (a_eq, b_eq) if a_eq else (None, None)
    ranges = {}
    for c in hidden:
        obj = np.zeros(len(hidden))
        obj[pos[c]] = 1
        lo = scipy_opt.linprog(obj, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        hi = scipy_opt.linprog(-obj, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert lo.status == 0, "the true table must be feasible"
        ranges[c] = (lo.fun, -hi.fun if hi.status == 0 else math.inf)
    return ranges


def _check_table(df, dims, count_cols, t=T):
    out = protect_counts(df, MALI, count_cols, threshold=t, dims=dims)
    info = out.attrs["disclosure"]
    n_rows, n_cols = len(df), len(count_cols)
    values = df[count_cols].to_numpy(float).reshape(-1)
    state = np.zeros(n_rows * n_cols, dtype=int)
    for k, c in enumerate(count_cols):
        for r, kind in info["cells"][c].items():
            state[r * n_cols + k] = 1 if kind == PRIMARY else 2
    # 1. nothing under the threshold is visible
    shown = out[count_cols].to_numpy(object).reshape(-1)
    for v, s, o in zip(values, state, shown, strict=True):
        if 1 <= v < t:
            assert s == 1 and o is pd.NA
    # 2. the reader's constraints: grand total and every marginal total along each dimension
    row_sets = [list(range(n_rows))]
    for d in dims:
        others = [x for x in dims if x != d]
        if others:
            # a one-cell "marginal" is the cell itself: the view that shows it protects it
            row_sets += [
                list(ix) for ix in df.groupby(others, sort=False).indices.values() if len(ix) > 1
            ]
    unsafe = {(tuple(g["rows"]), tuple(g["columns"])) for g in info["unsafe_groups"]}
    groups = [
        [r * n_cols + k for r in rows]
        for k, c in enumerate(count_cols)
        for rows in row_sets
        if (tuple(sorted(rows)), (c,)) not in unsafe
    ]
    for c, (lo, hi) in _lp_ranges(values, state, groups, t).items():
        if state[c] != 1:
            continue  # a complementary cell is >= t: knowing it reveals no small count
        assert math.floor(hi + 1e-6) - math.ceil(lo - 1e-6) >= 1, (
            f"cell {c} (value {values[c]}) derivable: [{lo}, {hi}]\n{display_counts(out)}"
        )
    return out


counts = st.one_of(st.integers(0, 4), st.integers(0, 40))


@settings(max_examples=150, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12))
def test_one_dimensional_tables_hide_and_protect_every_small_count(values):
    df = pd.DataFrame({"mission": [f"M{i}" for i in range(len(values))], "killed": values})
    _check_table(df, ["mission"], ["killed"])


@settings(max_examples=120, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n_years: st.integers(1, 5).flatmap(
            lambda n_missions: st.tuples(
                st.just(n_years),
                st.just(n_missions),
                st.lists(counts, min_size=n_years * n_missions, max_size=n_years * n_missions),
            )
        )
    )
)
def test_two_dimensional_tables_protect_against_row_and_column_totals(spec):
    n_years, n_missions, values = spec
    df = pd.DataFrame(
        [(2015 + y, f"M{m}") for y in range(n_years) for m in range(n_missions)],
        columns=["year", "mission"],
    )
    df["killed"] = values
    _check_table(df, ["year", "mission"], ["killed"])


def test_a_classic_two_by_two_table_hides_all_four_cells():
    df = pd.DataFrame({"m": list("AABB"), "y": [1, 2, 1, 2], "n": [3, 10, 12, 20]})
    out = _check_table(df, ["m", "y"], ["n"])
    assert out.n.isna().all()
