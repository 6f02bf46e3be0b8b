"""Disclosure control applied to every result before it leaves metrics/ (policy: access/policy.py).

Three functions, one contract each:

- `visible_columns(scope, columns, kind="aggregate")`: the columns this scope may see, in the
  given order. Safe on its own: a field visible only row by row (admin area for a State that is
  host State *and* something else) is dropped here; `redact` keeps it where allowed.
  ``kind="rows"`` (case lists, case pages, map points, row exports) raises `AccessDenied` for
  roles without row-level access (briefing).
- `redact(df, scope, kind="rows")`: `df` with withheld columns removed and row-level rules
  applied (admin area blanked on rows outside a host State's territory).
- `protect_counts(df, scope, count_columns, threshold=None, *, dims=None, additive=(), rates=None)`:
  small-number protection with complementary suppression (algorithm below). Returns a copy in
  which every suppressed count cell is ``<NA>`` (nullable Int64), rates derived from a suppressed
  count are ``<NA>`` too, and ``attrs["disclosure"]`` records which cells were suppressed and why
  (by row label: the row position for frames from metrics/, which reset the index), and which
  totals may be shown. Charts plot the NA as a gap (or 0) from this numeric frame.

Presentation (tables, chart labels, tooltips, downloads) takes `marked(df)`: the same frame with
each suppressed count cell holding a `Marker`, a str "<5" (primary) or "x" (complementary). The
marker is the cell's value, so it survives whatever a page does next: renaming columns to the
reader's language, filtering, sorting, melting, pivoting, building a new frame from a column.
`protected_sum` adds marked cells up (a sum over a hidden cell is itself a marker, never a
number). `display_counts` gives all-text columns for callers that want strings.

Algorithm (documented in docs/access.md):

1. Primary suppression: for every role below headquarters, a count ``1 <= n < threshold`` is
   suppressed, shown "<5". Zero is shown (it identifies nobody).
2. Sibling groups: the cells of one count column that share all dimension values but one (each
   marginal total along each dimension), all cells of a column (grand total), and, for
   ``additive`` column sets (e.g. victims_f, victims_m, victims_unknown), the cells of one row.
   Every group total is assumed to be public (another chart may show it).
3. Audit: a reader knows each visible value, that a "<5" cell lies in [1, t-1], that an "x" cell
   lies in [t, smallest visible non-zero sibling], and every group total. Interval bounds are
   propagated through all groups until nothing tightens. A hidden cell whose interval holds a
   single integer is derivable.
4. Complementary suppression: for each group holding a derivable cell, the smallest visible
   non-zero sibling is suppressed too (shown "x"); then audit again, until no hidden cell is
   derivable. If a group has no visible non-zero sibling left, its total is marked unsafe
   (``attrs["disclosure"]["totals"][column]`` is None for the grand total, and
   ``unsafe_groups`` lists the others): the caller must not show it.
5. Rates (``rates={"rate_col": ["num_col", "den_col"]}``) are suppressed wherever one of their
   counts is suppressed.

Bounds propagation is exact for one-dimensional tables and for a single count per cell; for
tables with several dimensions it is a sound approximation of the linear-programming audit that
statistical offices use (tests/test_access_suppression.py checks two-dimensional tables against
an exact LP audit).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from access import settings
from access.policy import ALL, OWN_TERRITORY, field_for_column, row_level_allowed
from access.scope import Scope

PRIMARY = "primary"
SECONDARY = "secondary"

# Columns that look like a person's name even if a metric forgot to declare them.
_PERSONAL_NAME = re.compile(r"(^|_)full_name$|^(victim|suspect|focal_point|witness)_name$")


class AccessDenied(PermissionError):
    """The scope may not see this kind of result at all (e.g. row-level data for briefing)."""


# --------------------------------------------------------------------------- fields


def _field_visibility(scope: Scope, column: str) -> str:
    rule = field_for_column(column)
    if rule is None:
        if _PERSONAL_NAME.search(column) and scope.role != "hq":
            return "none"
        return ALL
    return rule.visibility[scope.role]


def _host_only(scope: Scope) -> bool:
    return bool(scope.host_states) and not (scope.contributing_states or scope.nationality_states)


def check_kind(scope: Scope, kind: str) -> None:
    if kind not in ("aggregate", "rows"):
        raise ValueError(f"kind must be 'aggregate' or 'rows', got {kind!r}")
    if kind == "rows" and not row_level_allowed(scope):
        raise AccessDenied(f"role {scope.role!r} sees aggregates only, not row-level data")


def visible_columns(scope: Scope, columns: Iterable[str], kind: str = "aggregate") -> list[str]:
    """The columns of `columns` this scope may see (order kept)."""
    check_kind(scope, kind)
    out = []
    for column in columns:
        v = _field_visibility(scope, column)
        if v == ALL or (v == OWN_TERRITORY and scope.role == "member_state" and _host_only(scope)):
            out.append(column)
    return out


def redact(df: pd.DataFrame, scope: Scope, kind: str = "rows") -> pd.DataFrame:
    """`df` with withheld columns dropped and row-level field rules applied."""
    check_kind(scope, kind)
    keep = []
    blank_outside_territory = []
    for column in df.columns:
        v = _field_visibility(scope, column)
        if v == ALL:
            keep.append(column)
        elif v == OWN_TERRITORY and scope.role == "member_state" and scope.host_states:
            if _host_only(scope):
                keep.append(column)
            elif "host_state" in df.columns:
                keep.append(column)
                blank_outside_territory.append(column)
    out = df[keep].copy()
    if blank_outside_territory:
        outside = ~out["host_state"].isin(scope.host_states)
        for column in blank_outside_territory:
            out[column] = out[column].astype("object").where(~outside, None)
    return out


# --------------------------------------------------------------------------- counts


def _groups(
    frame: pd.DataFrame, dims: Sequence[str], n_cols: int, additive_idx: list[list[int]]
) -> list[np.ndarray]:
    """Sibling groups as arrays of flat cell ids (row * n_cols + col)."""
    n_rows = len(frame)
    positions = np.arange(n_rows)
    # grand total; a one-row frame's is its own cell, which protection cannot hide behind
    # siblings (protect_counts withholds that total with the cell instead)
    row_sets: list[np.ndarray] = [positions] if n_rows > 1 else []
    seen = {()}
    for d in dims:
        others = tuple(x for x in dims if x != d)
        if others in seen:
            continue
        seen.add(others)
        keys = frame[list(others)].astype("string").fillna("\x00NA").agg("\x1f".join, axis=1)
        for _, idx in pd.Series(positions).groupby(keys.to_numpy(), sort=False):
            if len(idx) > 1:
                row_sets.append(idx.to_numpy())
    groups = [rows * n_cols + k for k in range(n_cols) for rows in row_sets]
    for cols in additive_idx:
        cols_arr = np.array(cols)
        groups.extend(r * n_cols + cols_arr for r in range(n_rows))
    return groups


def _others_sum(values: np.ndarray) -> np.ndarray:
    """For each element, the sum of the other elements (inf-aware: inf - inf never happens)."""
    infinite = np.isinf(values)
    n_inf = infinite.sum()
    finite_sum = values[~infinite].sum()
    return np.where(
        infinite,
        np.inf if n_inf > 1 else finite_sum,
        np.inf if n_inf > 0 else finite_sum - np.where(infinite, 0.0, values),
    )


def _audit(
    val: np.ndarray,
    state: np.ndarray,
    groups: list[np.ndarray],
    known: list[bool],
    t: int,
    exact: bool = False,
    budget: list[int] | None = None,
) -> np.ndarray:
    """Flat ids of hidden cells whose value a reader can work out (interval of one integer)."""
    hidden = state > 0
    lo = np.where(state == 1, 1.0, np.where(state == 2, float(t), 0.0))
    hi = np.where(state == 1, float(t - 1), np.inf)
    # A complementary cell was chosen as the smallest visible non-zero sibling: the reader may
    # infer it is no larger than any visible non-zero sibling.
    for g in groups:
        g2 = g[state[g] == 2]
        if len(g2):
            vis = val[g][(state[g] == 0) & (val[g] > 0)]
            if len(vis):
                hi[g2] = np.minimum(hi[g2], vis.min())
    active = [g for g, k in zip(groups, known, strict=True) if k and hidden[g].any()]
    # Worklist propagation: a group is revisited only when one of its hidden cells tightened.
    hidden_of = [g[hidden[g]] for g in active]
    sums = [val[g].sum() - val[g][~hidden[g]].sum() for g in active]  # known hidden sums
    groups_of: dict[int, list[int]] = {}
    for i, h in enumerate(hidden_of):
        for c in h:
            groups_of.setdefault(int(c), []).append(i)
    queue = list(range(len(active)))
    queued = [True] * len(active)
    steps = 0
    # With linear programs left, propagation is only the quick first look: on tables whose
    # groups form cycles (additive columns across marginal totals) its intervals shrink by
    # small steps for thousands of visits; the programs give the exact answer instead.
    rounds = 5 if exact and budget is not None and budget[0] > 0 else 50
    while queue and steps < rounds * max(len(active), 1):
        steps += 1
        i = queue.pop()
        queued[i] = False
        h, s = hidden_of[i], sums[i]
        new_lo = np.maximum(lo[h], s - _others_sum(hi[h]))
        new_hi = np.minimum(hi[h], s - (lo[h].sum() - lo[h]))
        changed = (new_lo > lo[h] + 1e-9) | (new_hi < hi[h] - 1e-9)
        if changed.any():
            lo[h], hi[h] = new_lo, new_hi
            for c in h[changed]:
                for j in groups_of[int(c)]:
                    if not queued[j]:
                        queued[j] = True
                        queue.append(j)
    # Only small (primary) cells need protecting: a complementary cell is >= t by construction.
    primary = state == 1
    found = np.flatnonzero(primary & (np.floor(hi + 1e-9) - np.ceil(lo - 1e-9) < 1))
    if len(found) or not exact or budget is None:
        return found
    return _lp_audit(val, hidden, primary, lo, hi, active, budget)


LP_MAX_HIDDEN = 200  # hidden cells per component; above this, bounds propagation alone
# linear programs (min and max of one cell) per protect_counts call, then propagation alone.
# A count, not a deadline, so the same query is protected the same way on a busy machine as on
# a quiet one (about 1 s of HiGHS here).
LP_PAIRS = 300


def _components(hidden: np.ndarray, active: list[np.ndarray]) -> list[tuple[np.ndarray, list]]:
    """Independent sub-problems: hidden cells linked by a shared group (union-find), each with
    the groups that touch it. Count columns are independent unless declared additive."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g in active:
        h = [int(c) for c in g[hidden[g]]]
        for c in h[1:]:
            parent[find(c)] = find(h[0])
        if h:
            find(h[0])
    cells_by_root: dict[int, list[int]] = {}
    for c in parent:
        cells_by_root.setdefault(find(c), []).append(c)
    groups_by_root: dict[int, list[np.ndarray]] = {}
    for g in active:
        h = g[hidden[g]]
        if len(h):
            groups_by_root.setdefault(find(int(h[0])), []).append(g)
    return [
        (np.array(sorted(cells)), groups_by_root.get(root, []))
        for root, cells in cells_by_root.items()
    ]


def _lp_audit(
    val: np.ndarray,
    hidden: np.ndarray,
    primary: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    active: list[np.ndarray],
    budget: list[int],
) -> np.ndarray:
    """Exact audit by linear programming (scipy's HiGHS) over every known group total at once:
    the smallest and largest value each hidden small cell can take. Bounds propagation misses
    derivations that combine several groups; this does not. Solved per independent component;
    a component with more than LP_MAX_HIDDEN hidden cells keeps bounds propagation only."""
    try:
        from scipy.optimize import linprog
    except ImportError:  # pragma: no cover - scipy ships with the app's dependencies
        return np.array([], dtype=int)
    out: list[int] = []
    for cells, groups in _components(hidden, active):
        if not groups or len(cells) > LP_MAX_HIDDEN or not primary[cells].any():
            continue
        pos = {int(c): i for i, c in enumerate(cells)}
        a_eq = np.zeros((len(groups), len(cells)))
        b_eq = np.zeros(len(groups))
        for r, g in enumerate(groups):
            for c in g[hidden[g]]:
                a_eq[r, pos[int(c)]] = 1.0
            b_eq[r] = val[g].sum() - val[g][~hidden[g]].sum()
        bounds = [(lo[c], None if np.isinf(hi[c]) else hi[c]) for c in cells]
        # narrowest intervals first: the likeliest to be pinned down
        order = sorted((c for c in cells if primary[c]), key=lambda c: hi[c] - lo[c])
        while len(order) > 1 and budget[0] > 0:
            # Screening, two programs for all the cells left: the smallest and the largest sum
            # of those small cells. The true values are feasible too, so a cell that differs
            # from its true value by 1 or more in either solution can take two integers: it is
            # not derivable and needs no programs of its own. Again with the cells left while
            # that clears some; the rest are solved one by one.
            budget[0] -= 1
            obj = np.zeros(len(cells))
            obj[[pos[int(c)] for c in order]] = 1.0
            moved = np.zeros(len(cells), dtype=bool)
            for sign in (1.0, -1.0):
                res = linprog(sign * obj, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
                if res.status == 0:
                    moved |= np.abs(res.x - val[cells]) >= 1 - 1e-6
            left = [c for c in order if not moved[pos[int(c)]]]
            if len(left) == len(order):
                break
            order = left
        for c in order:
            if budget[0] <= 0:
                return np.array(out, dtype=int)
            budget[0] -= 1
            obj = np.zeros(len(cells))
            obj[pos[int(c)]] = 1.0
            low = linprog(obj, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            high = linprog(-obj, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if low.status != 0 or high.status != 0:
                continue
            if np.floor(-high.fun + 1e-6) - np.ceil(low.fun - 1e-6) < 1:
                out.append(int(c))
    return np.array(out, dtype=int)


def _plain_numbers(df: pd.DataFrame) -> bool:
    """Every column a plain numpy int, unsigned, float or bool (no extension or object dtype)."""
    return all(isinstance(d, np.dtype) and d.kind in "iufb" for d in df.dtypes)


def protect_counts(
    df: pd.DataFrame,
    scope: Scope,
    count_columns: Sequence[str],
    threshold: int | None = None,
    *,
    dims: Sequence[str] | None = None,
    additive: Sequence[Sequence[str]] = (),
    rates: dict[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Small-number protection with complementary suppression (see the module docstring).

    `dims` are the columns that identify a cell (default: every column that is neither a count,
    a rate nor a float); `additive` lists sets of count columns that add up to a shown total.
    For headquarters the frame is returned unchanged (a copy), with the same attrs.
    """
    t = int(threshold or settings.suppression_threshold())
    rates = dict(rates or {})
    count_columns = [c for c in count_columns if c in df.columns]
    out = df.copy()
    info: dict = {
        "threshold": t,
        "applied": bool(scope.suppress_small_counts),
        "count_columns": list(count_columns),
        "cells": {},  # column -> {row label: "primary" | "secondary"}
        "totals": {},  # column -> grand total, or None when it would reveal a hidden cell
        "unsafe_groups": [],
    }
    plain_frame = _plain_numbers(out)
    series = [] if plain_frame else [out[c] for c in count_columns]
    if plain_frame:
        # every column a plain numpy number (one-row KPI frames, the usual case): one
        # conversion of the whole frame (a Series per column was most of such a call's cost)
        raw = out.to_numpy(dtype="float64")[:, out.columns.get_indexer(count_columns)]
    elif all(pd.api.types.is_numeric_dtype(s.dtype) for s in series):
        # numeric columns: column by column into one array (selecting the columns as a frame
        # first cost more than the rest of a one-row call; apply(to_numeric) ~15x more);
        # plain numpy columns need no NA handling
        raw = np.empty((len(out), len(series)), dtype="float64")
        for k, s in enumerate(series):
            plain = isinstance(s.dtype, np.dtype)
            raw[:, k] = s.to_numpy() if plain else s.to_numpy("float64", na_value=np.nan)
    else:
        raw = out[count_columns].apply(pd.to_numeric, errors="coerce").astype("float64").to_numpy()
    totals = np.nansum(raw, axis=0) if count_columns else ()
    for c, total in zip(count_columns, totals, strict=True):
        info["totals"][c] = _as_int(total)
    if not scope.suppress_small_counts or out.empty or not count_columns:
        out.attrs["disclosure"] = info
        return out

    if dims is None:
        dims = [
            c
            for c in out.columns
            if c not in count_columns and c not in rates and not pd.api.types.is_float_dtype(out[c])
        ]
    dims = list(dims)
    n_rows, n_cols = raw.shape
    val = np.nan_to_num(raw.reshape(-1), nan=0.0)
    state = np.zeros(n_rows * n_cols, dtype=np.int8)  # 0 shown, 1 primary, 2 secondary
    state[(val >= 1) & (val < t)] = 1
    col_pos = {c: i for i, c in enumerate(count_columns)}
    additive_idx = [[col_pos[c] for c in cols if c in col_pos] for cols in additive]
    additive_idx = [cols for cols in additive_idx if len(cols) > 1]
    groups = _groups(out, dims, n_cols, additive_idx)
    # the reader's model this frame was protected against (audits re-check it independently)
    info["dims"] = dims
    info["additive"] = [[count_columns[i] for i in cols] for cols in additive_idx]
    known = [True] * len(groups)
    member: dict[int, list[int]] = {}
    for gi, g in enumerate(groups):
        for cell in g:
            member.setdefault(int(cell), []).append(gi)

    grand = {gi for gi, g in enumerate(groups) if len(g) == n_rows and n_rows > 1}
    budget = [LP_PAIRS]  # linear programs left for the exact audit
    for _ in range(n_rows * n_cols + 1):
        derivable = _audit(
            val, state, groups, known, t, exact=len(dims) > 1 or bool(additive_idx), budget=budget
        )
        if len(derivable) == 0:
            break
        acted: set[int] = set()
        acted_groups: set[int] = set()
        for cell in derivable:
            # Skip a cell whose sibling was just suppressed (audit again first). A grand total
            # links every cell of a column, so it only counts when it is the cell's sole group.
            # A cell in no group (one row, no additive set) is pinned by the threshold alone
            # ("<2" is 1): no sibling can help; its column total is withheld below.
            if int(cell) not in member:
                continue
            near = [gi for gi in member[int(cell)] if gi not in grand] or member[int(cell)]
            if acted_groups.intersection(near):
                continue
            best = None  # (value, cell) of the smallest visible non-zero sibling
            for gi in member[int(cell)]:
                if not known[gi]:
                    continue
                g = groups[gi]
                cand = g[(state[g] == 0) & (val[g] > 0)]
                if len(cand):
                    j = cand[np.argmin(val[cand])]
                    if best is None or val[j] < best[0]:
                        best = (val[j], int(j))
            if best is not None:
                state[best[1]] = 2
                acted.add(best[1])
                acted_groups.update(member[best[1]])
            else:
                for gi in member[int(cell)]:
                    known[gi] = False  # the total of this group must not be shown
                acted.add(-1)
                acted_groups.update(member[int(cell)])
        if not acted:
            break

    if n_rows == 1:
        # one row: a hidden cell is its column's total (no group of its own above)
        for k in np.flatnonzero(state):
            info["totals"][count_columns[int(k)]] = None
            info["unsafe_groups"].append({"columns": [count_columns[int(k)]], "rows": [0]})
    for gi, g in enumerate(groups):
        if not known[gi]:
            cols = sorted({count_columns[int(c) % n_cols] for c in g})
            rows = sorted({int(c) // n_cols for c in g})
            if len(rows) == n_rows and len(cols) == 1:
                info["totals"][cols[0]] = None
            info["unsafe_groups"].append({"columns": cols, "rows": rows})

    state2 = state.reshape(n_rows, n_cols)
    # nullable columns built straight from the float array (one assignment for all of them:
    # per-column pandas conversions were most of the cost of a one-row KPI frame)
    protected: dict[str, pd.api.extensions.ExtensionArray] = {}
    labels = out.index
    for k, c in enumerate(count_columns):
        values = raw[:, k]
        missing = np.isnan(values)
        mask = missing | (state2[:, k] > 0)
        present = values[~missing]
        if np.array_equal(present, np.round(present)):
            data = np.where(mask, 0, values).astype("int64")
            protected[c] = pd.arrays.IntegerArray(data, mask)
        else:
            protected[c] = pd.arrays.FloatingArray(np.where(mask, 0.0, values), mask)
        info["cells"][c] = {
            _label(labels[r]): (PRIMARY if state2[r, k] == 1 else SECONDARY)
            for r in np.flatnonzero(state2[:, k])
        }
    for rate, sources in rates.items():
        if rate in out.columns:
            hit = np.zeros(n_rows, dtype=bool)
            for s in sources:
                if s in col_pos:
                    hit |= state2[:, col_pos[s]] > 0
            col = out[rate]
            if pd.api.types.is_numeric_dtype(col):
                values = col.to_numpy(dtype="float64", na_value=np.nan)
            else:
                values = pd.to_numeric(col, errors="coerce").to_numpy(
                    dtype="float64", na_value=np.nan
                )
            mask = np.isnan(values) | hit
            protected[rate] = pd.arrays.FloatingArray(np.where(mask, 0.0, values), mask)
    attrs = dict(out.attrs)
    out = pd.DataFrame(
        {c: protected[c] if c in protected else out[c] for c in out.columns}, index=out.index
    )
    out.attrs.update(attrs)
    out.attrs["disclosure"] = info
    return out


def _label(x):
    """A row label as a plain Python value (numpy ints become int), so lookups by label match."""
    return x.item() if isinstance(x, np.generic) else x


def _as_int(x: float):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return int(x) if float(x).is_integer() else float(x)


def protected_total(df: pd.DataFrame, column: str):
    """The grand total of `column` for a frame from `protect_counts`, or None when showing it
    would reveal a suppressed cell."""
    info = df.attrs.get("disclosure")
    if info is None:
        raise ValueError("frame did not come from protect_counts")
    return info["totals"].get(column)


def suppressed_mask(df: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Boolean frame: True where a count cell is suppressed (primary or complementary)."""
    info = df.attrs.get("disclosure") or {}
    columns = list(columns or info.get("count_columns") or [])
    return pd.DataFrame({c: df[c].isna() for c in columns}, index=df.index)


def marker(kind: str, threshold: int) -> str:
    return f"<{threshold}" if kind == PRIMARY else "x"


class Marker(str):
    """A suppressed count as the reader sees it: "<5" (primary) or "x" (withheld to protect a
    small count). A str, so formatting (ui.formatting passes text through), tables and exports
    show it as is and `pd.to_numeric(..., errors="coerce")` reads it as a gap; `kind` says which
    of the two it is."""

    kind: str

    def __new__(cls, kind: str, threshold: int) -> Marker:
        if kind not in (PRIMARY, SECONDARY):
            raise ValueError(f"marker kind must be {PRIMARY!r} or {SECONDARY!r}, got {kind!r}")
        obj = super().__new__(cls, marker(kind, threshold))
        obj.kind = kind
        return obj

    def __reduce__(self):  # pickles (caches, session state) keep the kind
        t = int(self[1:]) if self.kind == PRIMARY else 0
        return (Marker, (self.kind, t))


_MARKER_TEXT = re.compile(r"<\d+|x")


def is_marker(value: object) -> bool:
    """A `Marker`, or its text ("<5", "x") where pandas turned a column of nothing but markers
    into plain strings (it infers a str dtype, e.g. for a group-by result)."""
    return isinstance(value, Marker) or (
        isinstance(value, str) and _MARKER_TEXT.fullmatch(value) is not None
    )


def marker_kind(value: object) -> str | None:
    """PRIMARY ("<5"), SECONDARY ("x"), or None for anything that is not a marker."""
    if isinstance(value, Marker):
        return value.kind
    if is_marker(value):
        return PRIMARY if value.startswith("<") else SECONDARY
    return None


def _cells(df: pd.DataFrame) -> tuple[dict, dict]:
    info = df.attrs.get("disclosure")
    if info is None:
        raise ValueError("frame did not come from protect_counts")
    return info, info.get("cells", {})


def is_marked(df: pd.DataFrame) -> bool:
    """True when `df` already holds markers (from `marked`), or holds no protected counts."""
    info = df.attrs.get("disclosure")
    return info is None or bool(info.get("marked"))


def marked(df: pd.DataFrame) -> pd.DataFrame:
    """The protected frame for presentation: each count column with a suppressed cell as Python
    objects, a visible count as an int (or float), a suppressed one as a `Marker`; everything
    else unchanged (headquarters' frames keep their numeric columns).

    Cells are found by row label, so a frame filtered or sorted after `protect_counts` (index
    kept) is marked correctly. Already marked frames come back as they are (a copy)."""
    info, cells = _cells(df)
    out = df.copy()
    if info.get("marked"):
        return out
    t = info["threshold"]
    for c in info["count_columns"]:
        if c not in out.columns:
            continue  # dropped by the caller (e.g. a narrower table): nothing to show
        kinds = cells.get(c, {})
        if not kinds:
            continue  # nothing suppressed: the column keeps its numbers and dtype
        values = []
        for label, v in zip(df.index, df[c].tolist(), strict=True):
            kind = kinds.get(_label(label))
            if kind is not None:
                values.append(Marker(kind, t))
            elif v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                values.append(pd.NA)
            elif isinstance(v, float) and v.is_integer():
                values.append(int(v))
            else:
                values.append(v.item() if isinstance(v, np.generic) else v)
        out[c] = pd.Series(values, index=df.index, dtype=object)
    out.attrs["disclosure"] = {**info, "marked": True}
    return out


def protected_sum(values: Iterable[object], threshold: int | None = None) -> object:
    """The sum of marked cells (a page's own total, e.g. a pivot that adds rows up).

    All visible: their sum. Otherwise a marker, never a number (the visible part alone would
    understate the count): the hidden cell's own marker when it is the only non-zero part,
    else "x"."""
    t = int(threshold or settings.suppression_threshold())
    total, hidden = 0, []
    for v in values:
        if is_marker(v):
            hidden.append(v)
        elif v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        else:
            total += v
    if not hidden:
        return int(total) if float(total).is_integer() else total
    if len(hidden) == 1 and total == 0:
        return hidden[0]
    return Marker(SECONDARY, t)


def display_counts(df: pd.DataFrame, fmt=None) -> pd.DataFrame:
    """A copy with every count column as text: suppressed counts as "<5" (small) or "x"
    (withheld to protect a small count), other counts formatted with `fmt` (default str),
    missing ones empty."""
    info, _ = _cells(df)
    fmt = fmt or (lambda v: str(v))
    out = marked(df)
    for c in info["count_columns"]:
        if c not in out.columns:
            continue
        out[c] = pd.Series(
            [
                str(v) if is_marker(v) else "" if v is pd.NA or v is None else fmt(v)
                for v in out[c].tolist()
            ],
            index=df.index,
            dtype="string",
        )
    return out


LEGEND = {
    "en": "<{t}: fewer than {t} (between 1 and {tm}); x: withheld so that a small number cannot "
    "be worked out from totals",
    "fr": "<{t} : moins de {t} (entre 1 et {tm}) ; x : masqué pour qu'un petit effectif ne puisse "
    "pas être déduit des totaux",
}


def legend(lang: str = "en", threshold: int | None = None) -> str:
    t = threshold or settings.suppression_threshold()
    return LEGEND["fr" if lang == "fr" else "en"].format(t=t, tm=t - 1)
