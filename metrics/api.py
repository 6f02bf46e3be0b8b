"""The public API pages, exports and the CLI call: every number the product shows.

Each function takes a DuckDB connection, a `Filters` value and the caller's `Scope` (always an
explicit argument, never looked up), applies the scope in SQL, and passes every DataFrame it
returns through `access.disclosure.visible_columns` and `protect_counts` so disclosure is
enforced in one place. Definitions: metrics/catalogue.py (rendered in docs/metrics.md).

Speed: headline numbers read rollup_kpis in one scan when the selection allows it (whole
months, no past as-of date, no filter or group on nationality, personnel category, gender or
act type, scope expressible on mission / host State), the other rollups when it almost does,
and the incident/case-grain facts otherwise (docs/metrics.md, "Which table answers").

Conditional counts are written `cast(coalesce(count_if(p), 0) as bigint)` rather than
`count(*) filter (where p)`: in DuckDB 2.0 grouped FILTER aggregates run about twice as slowly
(count_if alone is a HUGEINT, and null when p is never true, hence the wrapping).
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from access import disclosure, settings
from access.scope import Scope
from etl.extracts import STAGES as EXTRACT_STAGES
from metrics import survival
from metrics.catalogue import BY_KEY, catalogue_frame
from metrics.filters import (
    LIST_DIMS,
    PERSON_DIM_COLUMNS,
    TRACKING_INCIDENT_TYPE,
    Filters,
    Where,
    _is_in,
    check_dims,
    incident_where,
    person_where,
)

Con = duckdb.DuckDBPyConnection

PERSON_COUNTS = ("killed", "injured", "detained", "abducted")
CASE_COUNTS = (
    "cases",
    "investigated",
    "suspects_identified",
    "arrested_cases",
    "prosecuted",
    "judged",
    "convicted_cases",
    "closed_without_prosecution",
    "persons_arrested",
    "persons_convicted",
    "persons_acquitted",
    "suspects",
    "full_justice",
    "partial_justice",
    "impunity",
    "pending",
)
INCIDENT_COUNTS = ("incidents", "notified", "notified_24h", "notified_72h")
# (rate, numerator, denominator): always sum(num) / nullif(sum(den), 0) over the selected rows.
RATES = (
    ("investigation_rate", "investigated", "cases"),
    ("suspects_identified_rate", "suspects_identified", "cases"),
    ("arrest_rate", "arrested_cases", "cases"),
    ("prosecution_rate", "prosecuted", "cases"),
    ("conviction_rate", "convicted_cases", "cases"),
    ("conviction_rate_prosecuted", "convicted_cases", "prosecuted"),
    ("notified_24h_share", "notified_24h", "incidents"),
    ("notified_72h_share", "notified_72h", "incidents"),
    ("women_share", "women", "persons_harmed"),
    ("unknown_gender_share", "unknown_gender", "persons_harmed"),
)
KPI_COLUMNS = (
    "killed",
    "injured",
    "detained",
    "abducted",
    "incidents",
    "cases",
    "investigated",
    "investigation_rate",
    "suspects_identified",
    "suspects_identified_rate",
    "arrested_cases",
    "arrest_rate",
    "prosecuted",
    "prosecution_rate",
    "convicted_cases",
    "conviction_rate",
    "conviction_rate_prosecuted",
    "persons_arrested",
    "persons_convicted",
    "persons_acquitted",
    "full_justice",
    "partial_justice",
    "impunity",
    "pending",
    "notified_24h_share",
    "notified_72h_share",
    "women_share",
    "unknown_gender_share",
    "malicious_share",
    # numerators and denominators of the shares, so disclosure control can protect them
    "notified_24h",
    "notified_72h",
    "women",
    "unknown_gender",
    "persons_harmed",
    "killed_all_types",
)
KPI_COUNT_COLUMNS = tuple(
    c for c in KPI_COLUMNS if not c.endswith(("_rate", "_share", "_prosecuted"))
)
# Count columns that add up to another shown count, in every row (checked for five groupings
# in tests/test_metrics_kpis.py): persons harmed by outcome (total persons_harmed), case
# files by outcome (total cases), convicted case files by outcome (total convicted_cases).
# Disclosure control treats each as a group with a public total, so a hidden cell is never
# the difference of visible ones.
KPI_ADDITIVE = (
    ("killed", "injured", "detained", "abducted"),
    ("full_justice", "partial_justice", "impunity", "pending"),
    ("full_justice", "partial_justice"),
)
KPI_RATES = {
    **{rate: [num, den] for rate, num, den in RATES},
    "malicious_share": ["killed", "killed_all_types"],
}
FAR_FUTURE = date(9999, 12, 31)
ALL = Filters()


# ---------------------------------------------------------------------------- plumbing
def _finish(
    df: pd.DataFrame,
    scope: Scope,
    count_columns=(),
    *,
    rows: bool = False,
    rates: dict | None = None,
    dims=None,
    additive=(),
) -> pd.DataFrame:
    """The single exit of every DataFrame: withheld fields dropped (row-level rules for `rows`),
    small counts protected with complementary suppression (aggregates)."""
    df = df.reset_index(drop=True)
    if rows:
        return disclosure.redact(df, scope, "rows")
    columns = list(df.columns)
    cols = disclosure.visible_columns(scope, columns)
    if cols != columns:
        df = df[[c for c in columns if c in cols]]
    counts = [c for c in count_columns if c in df.columns]
    rates = {
        r: list(nd)
        for r, nd in (rates or {}).items()
        if r in df.columns and all(x in df.columns for x in nd)
    }
    if dims is not None:
        dims = [d for d in dims if d in df.columns]
    return disclosure.protect_counts(df, scope, counts, dims=dims, additive=additive, rates=rates)


def _columns(df: pd.DataFrame, columns) -> pd.DataFrame:
    """`df[list(columns)]`, without the copy when `df` has those columns in that order."""
    columns = list(columns)
    return df if list(df.columns) == columns else df[columns]


def _rows_allowed(scope: Scope, what: str) -> None:
    if scope.aggregates_only:
        raise disclosure.AccessDenied(
            f"{what} is row-level data; the {scope.role} role sees aggregates only"
        )


def _q(con: Con, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def _scope_fits_rollup(scope: Scope) -> bool:
    """Rollups carry mission and host State, not victims' nationalities."""
    return (
        scope.is_full
        or scope.role == "focal_point"
        or not (scope.contributing_states or scope.nationality_states)
    )


def _check_filters(filters) -> Filters:
    if filters is None:
        return ALL
    if not isinstance(filters, Filters):
        raise TypeError("filters must be a metrics.Filters")
    return filters


def _check_scope(scope) -> Scope:
    if not isinstance(scope, Scope):
        raise TypeError("scope must be an access.scope.Scope (built on the server)")
    return scope


def _as_of_ts(f: Filters):
    """Exclusive timestamp bound for notifications and answers as of the as-of date."""
    return FAR_FUTURE if f.as_of is None else f.as_of + timedelta(days=1)


def register_snapshot(con: Con, filters: Filters) -> date | None:
    """The register snapshot a selection reads: the chosen one; else, as of a past date, the
    latest taken on or before it (the earliest if none); else the latest."""
    if filters.snapshot is not None:
        return filters.snapshot
    if filters.as_of is not None:
        row = con.execute(
            "select max(snapshot_date) from rollup_persons where source = 'register'"
            " and snapshot_date <= ?",
            [filters.as_of],
        ).fetchone()
        if row[0] is not None:
            return row[0]
        return con.execute(
            "select min(snapshot_date) from rollup_persons where source = 'register'"
        ).fetchone()[0]
    return con.execute(
        "select max(snapshot_date) from rollup_persons where source = 'register'"
    ).fetchone()[0]


def _group_cols(by, expr_for) -> tuple[str, str]:
    """(select list, group-by list) for the dims, each as `expr as dim`."""
    if not by:
        return "", ""
    sel = ", ".join(f"{expr_for(d)} as {d}" for d in by) + ", "
    grp = "group by " + ", ".join(str(i + 1) for i in range(len(by)))
    return sel, grp


def _empty(by, columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in (*by, *columns)})


# ---------------------------------------------------------------------------- persons
PERSON_SUMS = (
    "killed",
    "injured",
    "detained",
    "abducted",
    "killed_tracked",
    "persons_harmed",
    "women",
    "unknown_gender",
    "killed_unknown_gender",
    "register_all",
    "register_malicious",
)
# Dimensions the headline rollup (rollup_persons_mission) carries.
MISSION_GRAIN_DIMS = {"mission", "host_state", "year", "month", "incident_type", "act_type"}


def _person_scope_fits_rollup(scope: Scope) -> bool:
    return (
        scope.is_full
        or scope.role == "focal_point"
        or not (scope.contributing_states or scope.nationality_states)
    )


def _persons_sql(con: Con, f: Filters, scope: Scope, by, sums=PERSON_SUMS) -> tuple[str, list]:
    """Person counts by dims: from rollup_persons_mission (the headline rollup) when nothing
    asks for nationality, personnel type or gender; else rollup_persons (month-aligned
    periods) or fact_persons (any other period). A period that starts on a 1st but ends
    mid-month (a past as-of date, typically) reads the rollups for its whole months and
    fact_persons for the last, partial month only.

    register_all / register_malicious ignore the incident-type filter (malicious_share).
    `sums`: the PERSON_SUMS computed (the others are left out)."""
    snapshot = register_snapshot(con, f)
    upper = f.upper_date
    if not f.month_aligned and upper is not None and (f.date_from is None or f.date_from.day == 1):
        first = upper.replace(day=1)
        tail = _persons_part_sql(
            f.replace(date_from=first, date_to=upper, as_of=None), scope, by, snapshot, sums
        )
        if f.date_from is not None and f.date_from >= first:
            return tail
        head = _persons_part_sql(
            f.replace(date_to=first - timedelta(days=1), as_of=None), scope, by, snapshot, sums
        )
        keys = ", ".join(by)
        totals = ", ".join(f"sum({c}) as {c}" for c in sums)
        sql = f"""
            select {keys + "," if by else ""} {totals}
            from ({head[0]} union all by name {tail[0]})
            {"group by " + keys if by else ""}
        """  # noqa: S608 - identifiers from allow-lists, values bound
        return sql, [*head[1], *tail[1]]
    return _persons_part_sql(f, scope, by, snapshot, sums)


def _persons_part_sql(f: Filters, scope: Scope, by, snapshot, sums=PERSON_SUMS) -> tuple[str, list]:
    if not f.month_aligned:
        table, n = "fact_persons", "1"
    elif (
        not (f.nationalities or f.personnel_types or f.genders)
        and set(by) <= MISSION_GRAIN_DIMS
        and _person_scope_fits_rollup(scope)
    ):
        table, n = "rollup_persons_mission", "p.persons"
    else:
        table, n = "rollup_persons", "p.persons"
    w = person_where(f.replace(incident_types=()), "p", grain="day" if n == "1" else "month")
    w.add("(p.source = 'tracking' or p.snapshot_date = ?)", snapshot)
    w.add_pred(scope.person_predicate("p"))
    if f.incident_types:
        selected, sparams = (
            "list_contains(?::varchar[], p.incident_type)",
            [list(f.incident_types)],
        )
    else:
        selected, sparams = "true", []
    sel, grp = _group_cols(by, lambda d: f"p.{PERSON_DIM_COLUMNS[d]}")
    harmed = "p.sel and (p.source = 'register' or p.outcome in ('injured', 'detained', 'abducted'))"
    killed = "p.sel and p.source = 'register'"
    tracked = "p.sel and p.source = 'tracking'"
    if table == "rollup_persons_mission":
        # wide rollup: persons by outcome are columns, women / unknown gender among them
        s_ = "filter (where p.sel)"
        aggs = {
            "killed": f"sum(p.killed) {s_}",
            "injured": f"sum(p.injured) {s_}",
            "detained": f"sum(p.detained) {s_}",
            "abducted": f"sum(p.abducted) {s_}",
            "killed_tracked": f"sum(p.killed_tracked) {s_}",
            "persons_harmed": f"sum(p.killed + p.injured + p.detained + p.abducted) {s_}",
            "women": f"sum(p.killed_f + p.harmed_f) {s_}",
            "unknown_gender": f"sum(p.killed_unknown + p.harmed_unknown) {s_}",
            "killed_unknown_gender": f"sum(p.killed_unknown) {s_}",
            "register_all": "sum(p.killed)",
            "register_malicious": "sum(p.killed) filter (where p.incident_type = 'Malicious Act')",
        }
    else:
        aggs = {
            "killed": f"sum({n}) filter (where {killed})",
            "injured": f"sum({n}) filter (where {tracked} and p.outcome = 'injured')",
            "detained": f"sum({n}) filter (where {tracked} and p.outcome = 'detained')",
            "abducted": f"sum({n}) filter (where {tracked} and p.outcome = 'abducted')",
            "killed_tracked": f"sum({n}) filter (where {tracked} and p.outcome = 'killed')",
            "persons_harmed": f"sum({n}) filter (where {harmed})",
            "women": f"sum({n}) filter (where {harmed} and p.gender = 'F')",
            "unknown_gender": f"sum({n}) filter (where {harmed} and p.gender = 'unknown')",
            "killed_unknown_gender": f"sum({n}) filter (where {killed} and p.gender = 'unknown')",
            "register_all": f"sum({n}) filter (where p.source = 'register')",
            "register_malicious": (
                f"sum({n}) filter (where p.source = 'register'"
                " and p.incident_type = 'Malicious Act')"
            ),
        }
    aggs = ", ".join(f"{aggs[c]} as {c}" for c in sums)
    sql = f"""
        select {sel} {aggs}
        from (select *, {selected} as sel from {table} as p where {w.sql}) as p
        {grp}
    """  # noqa: S608 - identifiers from allow-lists, values bound
    return sql, [*sparams, *w.params]


def _persons(con: Con, f: Filters, scope: Scope, by, sums=PERSON_SUMS) -> pd.DataFrame:
    sql, params = _persons_sql(con, f, scope, by, sums)
    return _fill_counts(_q(con, sql, params), sums)


# ---------------------------------------------------------------------------- incidents
def _incident_dim_expr(alias: str):
    def expr(d: str) -> str:
        if d == "mission":
            return f"{alias}.mission_code"
        if d == "incident_type":
            return "'Malicious Act'"
        if d in LIST_DIMS:
            return d  # produced by _unnested()
        return f"{alias}.{d}"

    return expr


def _unnested(source: str, by, alias: str) -> str:
    """A relation over `source` with one row per value of every list dimension in `by`
    (empty list -> 'unknown')."""
    rel = f"select * from {source}"  # noqa: S608 - source and columns are ours
    for d in by:
        if d in LIST_DIMS:
            col = LIST_DIMS[d]
            unnest = f"unnest(case when len({col}) = 0 then ['unknown'] else {col} end)"
            rel = f"select *, {unnest} as {d} from ({rel})"  # noqa: S608
    return f"({rel}) as {alias}"


def _use_rollup(f: Filters, scope: Scope, by) -> bool:
    return (
        f.as_of is None
        and f.month_aligned
        and not (f.nationalities or f.personnel_types or f.genders)
        and not (set(by) & set(LIST_DIMS))
        and _scope_fits_rollup(scope)
    )


def _incidents_sql(f: Filters, scope: Scope, by) -> tuple[str, list]:
    rollup = _use_rollup(f, scope, by)
    w = incident_where(f, "i", rollup=rollup)
    w.add_pred(scope.incident_predicate("i"))
    sel, grp = _group_cols(by, _incident_dim_expr("i"))
    if rollup:
        sql = f"""
            select {sel}
                coalesce(sum(i.incidents), 0) as incidents,
                coalesce(sum(i.notified), 0) as notified,
                coalesce(sum(i.notified_24h), 0) as notified_24h,
                coalesce(sum(i.notified_72h), 0) as notified_72h
            from rollup_incidents as i
            where {w.sql}
            {grp}
        """  # noqa: S608
        return sql, w.params
    notified = "i.first_notified_at < ?"
    sql = f"""
        select {sel}
            count(*) as incidents,
            cast(coalesce(count_if({notified}), 0) as bigint) as notified,
            cast(coalesce(count_if({notified} and i.notification_delay_hours <= 24), 0) as bigint) as notified_24h,
            cast(coalesce(count_if({notified} and i.notification_delay_hours <= 72), 0) as bigint) as notified_72h
        from {_unnested("fact_incidents", by, "i")}
        where {w.sql}
        {grp}
    """  # noqa: S608
    ts = _as_of_ts(f)
    return sql, [ts, ts, ts, *w.params]


# ---------------------------------------------------------------------------- cases
def _case_source(f: Filters) -> tuple[str, list]:
    if f.as_of is None:
        return "fact_cases", []
    return "fact_cases_as_of(?::date)", [f.as_of]


# Stage dates of fact_cases_as_of read from fact_cases: the first date of a stage (or of any of
# several) among events on or before the as-of date is the all-time first date when that falls
# on or before it, else null.
_AS_OF_MASKED_DATES = (
    "investigation_opened_on",
    "suspects_identified_on",
    "arrest_on",
    "prosecuted_on",
    "judgment_on",
    "first_conviction_on",
    "closed_without_prosecution_on",
)
# Stages whose events carry person counts (persons_* columns and the outcome).
_PERSON_STAGES = ("arrest", "convicted", "convicted_in_absentia", "acquitted")


def _case_counts_source(f: Filters) -> tuple[str, list]:
    """The columns _cases_sql reads, with the values fact_cases_as_of(as_of) gives them, without
    recomputing stage histories from every event. As in the macro, cases with no event after
    the as-of date are taken as they are. For the others, stage dates are fact_cases' masked at
    the as-of date (see _AS_OF_MASKED_DATES), and person counts and the outcome are recomputed
    from their person-stage events on or before it (read only for cases that have any: the
    others count 0 persons)."""
    if f.as_of is None:
        return _case_source(f)
    d = "?::date"
    masked = ", ".join(
        f"case when c.{col} <= {d} then c.{col} end as {col}" for col in _AS_OF_MASKED_DATES
    )
    stages = ", ".join(f"'{s}'" for s in _PERSON_STAGES)
    person_dates = " or ".join(
        f"k.{col} <= {d}"
        for col in ("arrest_on", "convicted_on", "convicted_in_absentia_on", "acquitted_on")
    )

    def persons(stage):
        return f"cast(coalesce(sum(coalesce(e.persons, 1)) filter (where e.stage = '{stage}'), 0) as bigint)"

    sql = f"""(
        select * from fact_cases as c
        where c.opened_on <= {d} and coalesce(c.last_event_on, c.opened_on) <= {d}
        union all by name
        select c.* replace (
            {masked},
            coalesce(x.persons_arrested, 0) as persons_arrested,
            coalesce(x.persons_convicted_present, 0) + coalesce(x.persons_convicted_in_absentia, 0) as persons_convicted,
            coalesce(x.persons_acquitted, 0) as persons_acquitted,
            r2589_case_outcome(
                coalesce(x.persons_convicted_present, 0), coalesce(x.persons_convicted_in_absentia, 0),
                coalesce(x.persons_acquitted, 0), c.closed_without_prosecution_on <= {d}) as outcome
        )
        from fact_cases as c
        left join (
            select e.case_id,
                {persons("arrest")} as persons_arrested,
                {persons("convicted")} as persons_convicted_present,
                {persons("convicted_in_absentia")} as persons_convicted_in_absentia,
                {persons("acquitted")} as persons_acquitted
            from (select * from case_events where stage in ({stages}) and event_date <= {d}) as e
            join (
                select k.case_id from fact_cases as k
                where k.last_event_on > {d} and k.opened_on <= {d} and ({person_dates})
            ) as k on k.case_id = e.case_id
            group by e.case_id
        ) as x on x.case_id = c.case_id
        where c.opened_on <= {d} and c.last_event_on > {d}
    )"""  # noqa: S608 - identifiers ours, values bound
    return sql, [f.as_of] * sql.count("?")  # every parameter is the as-of date


def _cases_sql(f: Filters, scope: Scope, by) -> tuple[str, list]:
    rollup = _use_rollup(f, scope, by)
    w = incident_where(f, "c", rollup=rollup)
    w.add_pred(scope.incident_predicate("c"))
    sel, grp = _group_cols(by, _incident_dim_expr("c"))
    if rollup:
        sums = ",\n".join(f"coalesce(sum(c.{k}), 0) as {k}" for k in CASE_COUNTS)
        sql = f"select {sel} {sums} from rollup_cases as c where {w.sql} {grp}"  # noqa: S608
        return sql, w.params
    source, sparams = _case_counts_source(f)
    sql = f"""
        select {sel}
            count(*) as cases,
            cast(coalesce(count_if(c.investigation_opened_on is not null), 0) as bigint) as investigated,
            cast(coalesce(count_if(c.suspects_identified_on is not null), 0) as bigint) as suspects_identified,
            cast(coalesce(count_if(c.arrest_on is not null), 0) as bigint) as arrested_cases,
            cast(coalesce(count_if(c.prosecuted_on is not null), 0) as bigint) as prosecuted,
            cast(coalesce(count_if(c.judgment_on is not null), 0) as bigint) as judged,
            cast(coalesce(count_if(c.first_conviction_on is not null), 0) as bigint) as convicted_cases,
            cast(coalesce(count_if(c.closed_without_prosecution_on is not null), 0) as bigint) as closed_without_prosecution,
            coalesce(sum(c.persons_arrested), 0) as persons_arrested,
            coalesce(sum(c.persons_convicted), 0) as persons_convicted,
            coalesce(sum(c.persons_acquitted), 0) as persons_acquitted,
            coalesce(sum(c.suspects), 0) as suspects,
            cast(coalesce(count_if(c.outcome = 'full_justice'), 0) as bigint) as full_justice,
            cast(coalesce(count_if(c.outcome = 'partial_justice'), 0) as bigint) as partial_justice,
            cast(coalesce(count_if(c.outcome = 'impunity'), 0) as bigint) as impunity,
            cast(coalesce(count_if(c.outcome = 'pending'), 0) as bigint) as pending
        from {_unnested(source, by, "c")}
        where {w.sql}
        {grp}
    """  # noqa: S608
    return sql, [*sparams, *w.params]


# ---------------------------------------------------------------------------- combine
def _plain_numeric(s: pd.Series) -> bool:
    """A numpy int, unsigned, float or bool column (no extension or object dtype)."""
    return isinstance(s.dtype, np.dtype) and s.dtype.kind in "iufb"


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    if _plain_numeric(num) and _plain_numeric(den) and num.index.equals(den.index):
        # the common case in plain arrays (the pandas path below converts each twice)
        n, d = num.to_numpy(dtype="float64"), den.to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            return pd.Series(np.where(d != 0, n / np.where(d != 0, d, 1.0), np.nan), num.index)
    num = pd.to_numeric(num, errors="coerce").astype("float64")
    den = pd.to_numeric(den, errors="coerce").astype("float64")
    return (num / den.where(den != 0)).astype("float64")


def _fill_counts(df: pd.DataFrame, columns) -> pd.DataFrame:
    for c in columns:
        if c in df.columns:
            s = df[c]
            if s.dtype == np.dtype("int64"):
                continue  # already what the conversion below gives
            if isinstance(s.dtype, np.dtype) and s.dtype.kind == "f":
                df[c] = np.nan_to_num(s.to_numpy(), nan=0.0).astype("int64")
                continue
            df[c] = pd.to_numeric(s, errors="coerce").fillna(0).astype("int64")
    return df


def _sort(df: pd.DataFrame, by) -> pd.DataFrame:
    if by and len(df):
        df = df.sort_values(list(by), na_position="last", kind="stable")
    return df.reset_index(drop=True)


ALL_COUNTS = (*PERSON_SUMS, *INCIDENT_COUNTS, *CASE_COUNTS)


# rollup_kpis columns summed by the headline path (persons, incidents, cases side by side).
KPI_ROLLUP_SUMS = (
    "killed",
    "killed_f",
    "killed_unknown",
    "injured",
    "detained",
    "abducted",
    "killed_tracked",
    "harmed_f",
    "harmed_unknown",
    *INCIDENT_COUNTS,
    *CASE_COUNTS,
)
RATE_DEFS = (*RATES, ("malicious_share", "register_malicious", "register_all"))
# rollup_kpis columns each count is made of (the others: the column of the same name)
KPI_ROLLUP_INPUTS = {
    "persons_harmed": ("killed", "injured", "detained", "abducted"),
    "women": ("killed_f", "harmed_f"),
    "unknown_gender": ("killed_unknown", "harmed_unknown"),
    "killed_unknown_gender": ("killed_unknown",),
    "register_all": ("killed",),
    "register_malicious": ("killed",),
    "killed_all_types": ("killed",),
}


def _counts_for(columns) -> tuple[str, ...]:
    """The counts of ALL_COUNTS that the KPI columns `columns` (counts or rates) are made of,
    in ALL_COUNTS order."""
    wanted = set()
    for c in columns:
        rate = next(((num, den) for r, num, den in RATE_DEFS if r == c), None)
        wanted.update(rate or (("register_all",) if c == "killed_all_types" else (c,)))
    return tuple(c for c in ALL_COUNTS if c in wanted)


def _rollup_inputs(columns) -> tuple[str, ...]:
    """The rollup_kpis columns the KPI columns `columns` (counts or rates) are computed from."""
    inputs = {x for c in _counts_for(columns) for x in KPI_ROLLUP_INPUTS.get(c, (c,))}
    return tuple(c for c in KPI_ROLLUP_SUMS if c in inputs)


def _kpi_facet(
    f: Filters, scope: Scope, by
) -> tuple[str, str | tuple[str, ...] | None, str | None] | None:
    """(facet, value, grouped dimension) of rollup_kpis_facets when the selection has exactly
    one condition on a victim attribute held as a list (one nationality, personnel type or
    gender filtered on; or one of them grouped on; or a contributing State's or a State of
    nationality's scope with that one State) and otherwise fits the rollups; for a filter on
    several nationalities, ('nationalities', the values sorted and distinct, None), read with
    rollup_nationality_sets (_nationality_set_source); else None."""
    if f.as_of is not None or not f.month_aligned or f.act_types or "act_type" in by:
        return None
    filtered = [
        (dim, values)
        for dim, values in (
            ("nationality", f.nationalities),
            ("personnel_type", f.personnel_types),
            ("gender", f.genders),
        )
        if values
    ]
    grouped = [d for d in by if d in LIST_DIMS]
    scoped = None
    if not _scope_fits_rollup(scope):
        states = (*scope.contributing_states, *scope.nationality_states)
        if scope.host_states or len(states) != 1:
            return None
        scoped = ("uniformed" if scope.contributing_states else "civilian", states[0], None)
    if len(filtered) + len(grouped) + (scoped is not None) != 1:
        return None
    if scoped:
        return scoped
    if grouped:
        return grouped[0], None, grouped[0]
    dim, values = filtered[0]
    if len(values) == 1:
        return dim, values[0], None
    if dim == "nationality" and len(set(values)) <= _MAX_NATIONALITY_SET:
        # several nationalities: persons from the facet, incidents and cases counted once
        # each from rollup_nationality_sets (see _nationality_set_source)
        return "nationalities", tuple(sorted(set(values))), None
    return None


# Nationalities a filter may hold for rollup_nationality_sets to answer it (the condition
# grows with the square of their number; more read the facts).
_MAX_NATIONALITY_SET = 12
# rollup_kpis columns of persons (the rest: incidents and cases)
_KPI_PERSON_SUMS = KPI_ROLLUP_SUMS[: KPI_ROLLUP_SUMS.index(INCIDENT_COUNTS[0])]


def _nationality_set_source(values: tuple[str, ...]) -> tuple[str, list]:
    """A relation with the columns of rollup_kpis for a filter on several nationalities
    (`values` sorted, distinct): persons of those nationalities from rollup_kpis_facets, and
    each incident and case with a victim of any of them once, from rollup_nationality_sets:
    under the smallest selected value its list holds (the rows of each selected value whose
    list holds no smaller one). One branch per value: an equality on the stored order skips
    most of both tables (an IN list over them is read as an optional filter, several times
    slower)."""
    keys = "snapshot_date, mission_code, host_state, is_pko, year, month, incident_type, verified"
    others = [c for c in KPI_ROLLUP_SUMS if c not in _KPI_PERSON_SUMS]
    persons = f"""
        select {keys},
            {", ".join(f"p.{c}" for c in _KPI_PERSON_SUMS)},
            {", ".join(f"0 as {c}" for c in others)},
            greatest({", ".join(f"p.{c}" for c in _KPI_PERSON_SUMS)}) as any_count
        from rollup_kpis_facets as p
        where p.facet = 'nationality' and p.listed and p.value = ?"""  # noqa: S608
    incidents = f"""
        select cast(null as date) as snapshot_date, n.mission_code, n.host_state, n.is_pko,
            n.year, n.month, 'Malicious Act' as incident_type, n.verified,
            {", ".join(f"0 as {c}" for c in _KPI_PERSON_SUMS)},
            {", ".join(f"n.{c}" for c in others)}, n.any_count
        from rollup_nationality_sets as n
        where n.nationality = ?"""  # noqa: S608
    parts, params = [], []
    for i, value in enumerate(values):
        parts.append(persons)
        params.append(value)
        parts.append(
            incidents + "".join(" and not list_contains(n.nationalities, ?)" for _ in values[:i])
        )
        params += [value, *values[:i]]
    return "(" + "\n        union all".join(parts) + "\n    )", params


def _kpis_rollup(
    con: Con, f: Filters, scope: Scope, by, facet=None, split=None, needed=None, columns=None
) -> pd.DataFrame:
    """_kpis_rollup_columns as a DataFrame."""
    return pd.DataFrame(_kpis_rollup_columns(con, f, scope, by, facet, split, needed, columns))


def _kpis_rollup_columns(
    con: Con,
    f: Filters,
    scope: Scope,
    by,
    facet=None,
    split=None,
    needed=None,
    columns=None,
    arrays=False,
) -> dict:
    """The headline path: one scan of rollup_kpis with plain sums per group and incident type,
    combined here (selected incident types summed; every type feeds malicious_share). Valid
    when _use_rollup() and no act type is asked for (rollup_kpis has none). With `facet` (from
    _kpi_facet), the same from rollup_kpis_facets: the rows of one facet (and value). With
    `split` (a 1st of a month), `by` may hold the pseudo-dimension `since_split`: whether the
    month is on or after it (two adjacent periods in one scan). With `needed` (KPI columns),
    only the sums those are made of are computed, and only they are returned (with the keys).
    With `columns` instead, the same for those columns. A group is shown when it holds any
    count not 0 (max(any_count)); without either, every sum is computed and tested.
    The group keys are columns as DuckDB's .df() gives them, or with `arrays` the fetched
    arrays at the groups' rows (masked arrays where a key has nulls).

    Speed: the query is plain sums only (conditional aggregates and CASE expressions over every
    row cost DuckDB more to plan and run than the scan itself), and the latest register snapshot
    is a scalar subquery rather than a query of its own (measured: no faster). Each column
    summed costs about 0.1 ms (binding, scan, conversion), so only needed sums are read."""
    table, source_params = "rollup_kpis", []
    dim = {d: f"k.{PERSON_DIM_COLUMNS[d]}" for d in by if d in PERSON_DIM_COLUMNS}
    if facet is None:
        w = person_where(f.replace(incident_types=()), "k", grain="month")
    elif facet[0] == "nationalities":
        w = person_where(f.replace(incident_types=(), nationalities=()), "k", grain="month")
        table, source_params = _nationality_set_source(facet[1])
    else:
        name, value, grouped = facet
        w = person_where(
            f.replace(incident_types=(), nationalities=(), personnel_types=(), genders=()),
            "k",
            grain="month",
        )
        w.add("k.facet = ?", name)
        if value is not None:
            w.add("k.value = ? and k.listed", value)
        if grouped is not None:
            dim[grouped] = "k.value"
        table = "rollup_kpis_facets"
    if f.snapshot is None:
        w.add(
            "(k.snapshot_date is null or k.snapshot_date = (select max(snapshot_date) from rollup_kpis))"
        )
    else:
        w.add("(k.snapshot_date is null or k.snapshot_date = ?)", f.snapshot)
    if facet is None or facet[0] not in ("uniformed", "civilian"):
        w.add_pred(scope.incident_predicate("k"))  # else the facet is the scope
    key_params = []
    if split is not None:
        dim["since_split"] = "k.month >= ?::date"
        key_params = [split]
    # Rows are split by incident type only when a column needs the types left out of the
    # selection (malicious_share and killed_all_types read every type's killed); otherwise the
    # selected types are filtered in SQL and each result row is a group.
    per_type = needed is None or any(c in ("malicious_share", "killed_all_types") for c in needed)
    if not per_type and f.incident_types:
        _is_in(w, "k.incident_type", f.incident_types)
    keys = "".join(f"{dim[d]} as {d}, " for d in by)
    # the KPI columns read (the sums they are made of are fetched), or None: all of them
    wanted = needed if needed is not None else columns
    fetched = KPI_ROLLUP_SUMS if wanted is None else _rollup_inputs(wanted)
    sums = ", ".join(f"sum(k.{c}) as {c}" for c in fetched)
    # groups with nothing selected are dropped (the two periods of since_split never are)
    by_anything = wanted is not None and bool(by) and tuple(by) != ("since_split",)
    if by_anything:
        # whether a row holds anything (all columns are counts >= 0, never null), whatever
        # was fetched: the largest count of the group's rows, from each row's largest count
        # stored by the model (a greatest() of 29 columns per row here cost about 1.7 ms at
        # 1M cases)
        sums += ", max(k.any_count) as any_count"
    # No ORDER BY: the groups are put in key order here (sorting ~100 rows in DuckDB cost about
    # 1 ms of planning and execution, more than numpy's sort), and the result is read as plain
    # arrays (a DataFrame per result and a conversion per column cost more than the sums).
    sql = f"""
        select {keys} {"k.incident_type, " if per_type else ""} {sums}
        from {table} as k where {w.sql}
        group by all
    """  # noqa: S608
    data = con.execute(sql, [*key_params, *source_params, *w.params]).fetchnumpy()
    n = len(data[fetched[0]])
    counts = np.zeros((n, len(KPI_ROLLUP_SUMS)), dtype="int64")
    for c in fetched:
        counts[:, KPI_ROLLUP_SUMS.index(c)] = np.ma.filled(data[c], 0)
    col = {c: i for i, c in enumerate(KPI_ROLLUP_SUMS)}
    if per_type:
        itype = np.ma.filled(data["incident_type"], None)
        sel = np.isin(itype, list(f.incident_types)) if f.incident_types else np.ones(n, bool)
        picked = counts * sel[:, None]
        malicious = itype == TRACKING_INCIDENT_TYPE
    else:  # only selected types were read
        sel, picked, malicious = np.ones(n, bool), counts, np.zeros(n, bool)
    # only the counts the caller reads (with `needed`), each derived from the summed columns
    names = ALL_COUNTS if needed is None else _counts_for(needed)

    def derived(c: str) -> np.ndarray:
        if c == "persons_harmed":
            return picked[:, [col[x] for x in ("killed", "injured", "detained", "abducted")]].sum(
                axis=1
            )
        if c == "women":
            return picked[:, col["killed_f"]] + picked[:, col["harmed_f"]]
        if c == "unknown_gender":
            return picked[:, col["killed_unknown"]] + picked[:, col["harmed_unknown"]]
        if c == "killed_unknown_gender":
            return picked[:, col["killed_unknown"]]
        if c == "register_all":
            return counts[:, col["killed"]]
        if c == "register_malicious":
            return counts[:, col["killed"]] * malicious
        return picked[:, col[c]]

    values = np.column_stack([derived(c) for c in names]) if names else np.zeros((n, 0), "int64")
    out = {}
    if by:
        # one row per group, groups in key order (nulls last): the incident types of a group
        # summed (each row is a group when the types were filtered in SQL)
        order, starts = _group_runs([data[d] for d in by], n)
        if len(starts):
            summed = np.add.reduceat(values[order], starts, axis=0)
        else:
            summed = np.zeros((0, len(names)), dtype="int64")
        # a group with nothing selected in any source is not a group (other incident types of
        # the register only feed malicious_share)
        if by_anything:
            anything = np.ma.filled(data["any_count"], 0).astype("int64") * sel
            keep = (
                np.add.reduceat(anything[order], starts) != 0 if len(starts) else np.zeros(0, bool)
            )
        elif tuple(by) == ("since_split",):
            keep = np.ones(len(starts), bool)
        else:
            shown = [
                i
                for i, c in enumerate(ALL_COUNTS)
                if c not in ("register_all", "register_malicious", "killed_unknown_gender")
            ]
            keep = (summed[:, shown] != 0).any(axis=1)
        rows, summed = order[starts[keep]], summed[keep]
        # (indexing a masked array keeps its mask)
        out = {d: data[d][rows] if arrays else _key_column(data[d], rows) for d in by}
    else:
        summed = values.sum(axis=0, keepdims=True)
    for i, c in enumerate(names):
        out[c] = summed[:, i]
    with np.errstate(divide="ignore", invalid="ignore"):
        for rate, num, den in RATE_DEFS:
            if num in out and den in out:
                nv, dv = out[num].astype("float64"), out[den].astype("float64")
                out[rate] = np.where(dv != 0, nv / np.where(dv != 0, dv, 1), np.nan)
    if "register_all" in out:
        out["killed_all_types"] = out["register_all"]
    if needed is not None:
        out = {c: out[c] for c in (*by, *needed)}
    elif columns is not None:
        out = {c: out[c] for c in (*by, *columns)}
    return out


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """(code of each value in sorted order of the distinct values, number of them), as
    np.unique's inverse; text by a hash factorisation (~7x faster than np.unique's comparison
    sort of an object array)."""
    if values.dtype == object:
        codes, uniques = pd.factorize(values, sort=True)
        return codes, len(uniques)
    uniques, inverse = np.unique(values, return_inverse=True)
    return inverse, len(uniques)


def _group_runs(keys: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): the permutation that sorts `n` rows by the key arrays (as ORDER BY with
    nulls last: a masked entry is a null), and where each run of equal keys starts in it."""
    codes = []
    for values in keys:
        mask, data = np.ma.getmaskarray(values), np.ma.getdata(values)
        if mask.any():
            inverse, k = _sorted_codes(data[~mask])
            code = np.full(n, k, dtype=np.intp)  # nulls after every value
            code[~mask] = inverse
        else:
            code = _sorted_codes(data)[0]
        codes.append(code.reshape(-1))
    order = np.lexsort(codes[::-1])
    if n == 0:
        return order, np.zeros(0, dtype=np.intp)
    ordered = np.stack([c[order] for c in codes])
    change = (ordered[:, 1:] != ordered[:, :-1]).any(axis=0)
    return order, np.flatnonzero(np.concatenate(([True], change)))


def _key_column(values: np.ndarray, rows: np.ndarray) -> pd.Series:
    """The rows `rows` of a key array from fetchnumpy as DuckDB's .df() gives such a column:
    text as str (object when empty), nulls as NaN, NaT or <NA> (Int64, Int32, boolean)."""
    data = np.ma.getdata(values)[rows]
    mask = np.ma.getmaskarray(values)[rows]
    if not mask.any():
        return pd.Series(data)
    if data.dtype.kind in "iu":
        return pd.Series(pd.arrays.IntegerArray(data, mask))
    if data.dtype.kind == "b":
        return pd.Series(pd.arrays.BooleanArray(data, mask))
    if data.dtype.kind == "M":
        return pd.Series(np.where(mask, np.datetime64("NaT"), data))
    return pd.Series(np.where(mask, None, data.astype(object)))


# _rollup_facet's answer when no rollup answers a selection
_FACTS = ("facts",)


def _rollup_facet(f: Filters, scope: Scope, by) -> tuple | None:
    """Which table answers the KPIs of this selection: None for rollup_kpis, the facet (see
    _kpi_facet) for rollup_kpis_facets or rollup_nationality_sets, _FACTS for the facts."""
    if _use_rollup(f, scope, by) and not f.act_types and "act_type" not in by:
        return None
    facet = _kpi_facet(f, scope, by)
    return _FACTS if facet is None else facet


def _kpis_raw(con: Con, f: Filters, scope: Scope, by, needed=None, columns=None) -> pd.DataFrame:
    """Every KPI by dims. Headline path: one scan of rollup_kpis (_kpis_rollup). Otherwise
    the person, incident and case aggregates are stacked (union all by name) and summed per
    group in one statement. Rates are computed over the sums. `needed`: KPI columns the caller
    reads (the rollup paths compute only those; the others may be left out). `columns`: the
    KPI columns to return, keys first (the rollup paths build only those)."""
    facet = _rollup_facet(f, scope, by)
    if facet is not _FACTS:
        return _kpis_rollup(con, f, scope, by, facet, needed=needed, columns=columns)
    psql, pparams = _persons_sql(con, f, scope, by)
    isql, iparams = _incidents_sql(f, scope, by)
    csql, cparams = _cases_sql(f, scope, by)
    source = f"""
        select * from ({psql})
        union all by name select * from ({isql})
        union all by name select * from ({csql})
    """  # noqa: S608
    params = [*pparams, *iparams, *cparams]
    dim = {d: f"k.{d}" for d in by}

    def total(c):
        return f"sum(k.{c})"

    keys = "".join(f"{dim[d]} as {d}, " for d in by)
    # sums are named n_<count> inside: the source has columns of the same names
    sums = ", ".join(f"cast(coalesce({total(c)}, 0) as bigint) as n_{c}" for c in ALL_COUNTS)
    outs = ", ".join(f"n_{c} as {c}" for c in ALL_COUNTS)
    rates = ", ".join(
        f"n_{num}::double / nullif(n_{den}, 0) as {rate}" for rate, num, den in RATE_DEFS
    )
    # a group with nothing selected in any source is not a group (other incident types of the
    # register only feed malicious_share)
    shown = [
        c
        for c in ALL_COUNTS
        if c not in ("register_all", "register_malicious", "killed_unknown_gender")
    ]
    tail = ""
    if by:
        tail = (
            f"group by {', '.join(str(i + 1) for i in range(len(by)))} "
            f"having {' or '.join(f'n_{c} <> 0' for c in shown)}"
        )
    order = f"order by {', '.join(f'{d} nulls last' for d in by)}" if by else ""
    sql = f"""
        select {"".join(f"{d}, " for d in by)} {outs}, {rates}, n_register_all as killed_all_types
        from (select {keys} {sums} from ({source}) as k {tail})
        {order}
    """  # noqa: S608 - identifiers from allow-lists, values bound
    return _q(con, sql, params)


# ---------------------------------------------------------------------------- public API
def kpis(con: Con, filters: Filters | None, scope: Scope, by=()) -> pd.DataFrame:
    """Headline numbers, one row per group of `by` (dimensions from filters.DIMENSIONS).

    Columns: the group keys, then KPI_COLUMNS (counts and rates; definitions in the catalogue).
    Persons killed come from the register, the rest from case tracking; nationality, personnel
    category and gender groups of incidents and cases overlap (an incident is in every group of
    its victims).
    """
    f, scope, by = _check_filters(filters), _check_scope(scope), check_dims(by)
    df = _columns(_kpis_raw(con, f, scope, by, columns=KPI_COLUMNS), (*by, *KPI_COLUMNS))
    return _finish(df, scope, KPI_COUNT_COLUMNS, rates=KPI_RATES, dims=by, additive=KPI_ADDITIVE)


def _period(con: Con, f: Filters) -> tuple[date, date]:
    """The selection's period; missing ends default to the 12 months ending on the last date
    with data (or the as-of date)."""
    end = f.upper_date
    if end is None:
        row = con.execute(
            "select greatest(max(incident_date), (select max(month) + interval 1 month - interval 1 day"
            " from rollup_persons)) from fact_incidents"
        ).fetchone()
        end = row[0] if row and row[0] is not None else date.today()
        if hasattr(end, "date"):
            end = end.date()
    start = f.date_from
    if start is None:
        # the day after the same day a year earlier (29 February: the 28th)
        try:
            start = end.replace(year=end.year - 1) + timedelta(days=1)
        except ValueError:
            start = end.replace(year=end.year - 1, day=28) + timedelta(days=1)
    return start, end


def _one_row_of(columns: dict, rows: np.ndarray) -> pd.DataFrame:
    """The KPI_COLUMNS of `columns` (from _kpis_rollup_columns) at `rows` (one or none), as
    kpis() without groups returns them: a group dropped for holding nothing is a row of zeros
    (null rates)."""
    if len(rows):
        return pd.DataFrame({c: np.asarray(columns[c])[rows] for c in KPI_COLUMNS})
    return pd.DataFrame(
        {
            c: np.zeros(1, "int64") if c in KPI_COUNT_COLUMNS else np.full(1, np.nan)
            for c in KPI_COLUMNS
        }
    )


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length ending the day before `start`: the same number of whole
    months when the period is whole months (2021 -> 2020), else the same number of days."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        k = start.year * 12 + start.month - 1 - months
        return date(k // 12, k % 12 + 1, 1), start - timedelta(days=1)
    length = (end - start).days + 1
    prev_end = start - timedelta(days=1)
    return prev_end - timedelta(days=length - 1), prev_end


def kpi_change(con: Con, filters: Filters | None, scope: Scope, keys=None) -> pd.DataFrame:
    """Each KPI for the period and the previous period of equal length, with the change.

    One row per metric: metric, label_en, label_fr, format, current, previous, change
    (current - previous), change_pct (relative change for counts; null when previous is 0),
    current_withheld ('primary' when the current count is withheld as under the threshold,
    'secondary' when withheld to protect one, else null: the reader's "<5" or "x").
    Incident-cohort definition: both periods count incidents (and their cases) in the period.
    """
    f, scope = _check_filters(filters), _check_scope(scope)
    start, end = _period(con, f)
    p_start, p_end = previous_period(start, end)
    # both periods pass disclosure control first: a suppressed value stays suppressed here
    cur_f, prev_f = (
        f.replace(date_from=start, date_to=end),
        f.replace(date_from=p_start, date_to=p_end),
    )
    if (
        _use_rollup(cur_f, scope, ())
        and _use_rollup(prev_f, scope, ())
        and not f.act_types
        and p_end + timedelta(days=1) == start
    ):
        # both periods in one scan of rollup_kpis, then each through _finish as kpis() does
        both = _kpis_rollup_columns(
            con,
            f.replace(date_from=p_start, date_to=end),
            scope,
            ("since_split",),
            split=start,
            columns=KPI_COLUMNS,
        )
        flags = both["since_split"].to_numpy()
        periods = [
            _finish(
                _one_row_of(both, np.flatnonzero(flags == flag)),
                scope,
                KPI_COUNT_COLUMNS,
                rates=KPI_RATES,
                dims=(),
                additive=KPI_ADDITIVE,
            )
            for flag in (True, False)
        ]
    else:
        periods = [kpis(con, cur_f, scope), kpis(con, prev_f, scope)]
    keys = keys or KPI_COLUMNS
    # one conversion per frame (each column lookup would copy the frame's disclosure attrs)
    cur_row, prev_row = (
        dict(zip(d.columns, d.to_numpy(dtype=object)[0], strict=True)) for d in periods
    )
    withheld = periods[0].attrs.get("disclosure", {}).get("cells", {})
    # built column by column (a frame from one dict per row cost about twice as much)
    names = ("metric", "label_en", "label_fr", "format", "current", "previous", "change")
    cols: dict[str, list] = {c: [] for c in (*names, "change_pct", "current_withheld")}
    for k in keys:
        c, p = cur_row[k], prev_row[k]
        c = None if pd.isna(c) else float(c)
        p = None if pd.isna(p) else float(p)
        change = None if c is None or p is None else c - p
        is_count = k in KPI_COUNT_COLUMNS
        m = BY_KEY.get(k)
        cols["metric"].append(k)
        cols["label_en"].append(m.label_en if m else k)
        cols["label_fr"].append(m.label_fr if m else k)
        cols["format"].append(m.format if m else ("count" if is_count else "rate"))
        cols["current"].append(c)
        cols["previous"].append(p)
        cols["change"].append(change)
        cols["change_pct"].append((change / p) if (is_count and change is not None and p) else None)
        cols["current_withheld"].append(next(iter(withheld.get(k, {}).values()), None))
    n = len(cols["metric"])
    for name, value in (
        ("period_from", start),
        ("period_to", end),
        ("previous_from", p_start),
        ("previous_to", p_end),
    ):
        cols[name] = [value] * n
    df = pd.DataFrame(cols)
    return _finish(df, scope, ())


FUNNEL_STAGES = (
    ("incidents", "incident"),
    ("cases", "case"),
    ("investigated", "case"),
    ("suspects_identified", "case"),
    ("arrested_cases", "case"),
    ("prosecuted", "case"),
    ("convicted_cases", "case"),
)


def funnel(con: Con, filters: Filters | None, scope: Scope) -> pd.DataFrame:
    """The justice chain: incidents -> cases -> investigated -> suspects identified -> arrests
    -> prosecuted -> convicted. One row per stage: stage, unit, count, share_of_cases (null for
    incidents), share_of_previous, label_en, label_fr."""
    f, scope = _check_filters(filters), _check_scope(scope)
    # the stages' counts as kpis() gives them, protected (suppressed stages stay suppressed),
    # without the other KPIs: in a one-row frame each count is protected on its own, so the
    # stages' cells are those of kpis(), and the rollup path sums only what the stages read
    stages = [stage for stage, _ in FUNNEL_STAGES]
    k = _finish(
        _columns(_kpis_raw(con, f, scope, (), needed=stages), stages), scope, stages, dims=()
    )
    # read once (each column lookup would copy the frame's disclosure attrs)
    row = dict(zip(k.columns, k.to_numpy(dtype=object)[0], strict=True))
    rows, prev, prev_unit = [], None, None

    def value(col):
        v = row[col]
        return None if pd.isna(v) else int(v)

    cases = value("cases")
    for stage, unit in FUNNEL_STAGES:
        n = value(stage)
        m = BY_KEY.get(stage)
        share_cases = None
        if unit == "case" and n is not None and cases:
            share_cases = n / cases
        # only between stages counted in the same unit (cases), never incidents -> cases
        share_prev = None
        if prev_unit == unit and n is not None and prev:
            share_prev = n / prev
        rows.append(
            {
                "stage": stage,
                "unit": unit,
                "count": n,
                "share_of_cases": share_cases,
                "share_of_previous": share_prev,
                "label_en": m.label_en if m else stage,
                "label_fr": m.label_fr if m else stage,
            }
        )
        prev, prev_unit = n, unit
    df = pd.DataFrame(rows)
    df["count"] = df["count"].astype("Int64")
    # counts were protected by kpis(); stages are not siblings of one total, so no second pass.
    # Which stages kpis() withheld, and why, goes with the frame so tables show "<5" / "x".
    out = _finish(df, scope, ())
    info = dict(out.attrs["disclosure"])
    kcells = k.attrs["disclosure"]["cells"]
    info.update(
        threshold=k.attrs["disclosure"]["threshold"],
        applied=k.attrs["disclosure"]["applied"],
        count_columns=["count"],
        cells={
            "count": {
                pos: kcells[stage][0]
                for pos, (stage, _) in enumerate(FUNNEL_STAGES)
                if 0 in kcells.get(stage, {})
            }
        },
        totals={"count": None},  # stages in different units: their sum means nothing
    )
    out.attrs["disclosure"] = info
    return out


def _period_range(start: date, end: date, freq: str) -> list[date]:
    if freq == "year":
        return [date(y, 1, 1) for y in range(start.year, end.year + 1)]
    out, d = [], date(start.year, start.month, 1)
    while d <= end:
        out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def series(
    con: Con,
    filters: Filters | None,
    scope: Scope,
    measures=("killed", "injured", "detained", "abducted"),
    freq: str = "month",
    by=None,
) -> pd.DataFrame:
    """Time series of KPIs: one row per period (x group), periods without data filled with 0
    for counts (rates stay null). Columns: `period` (date: first day of the month or year),
    the group keys, the measures."""
    f, scope = _check_filters(filters), _check_scope(scope)
    if freq not in ("month", "year"):
        raise ValueError("freq must be 'month' or 'year'")
    by = check_dims(by or ())
    by = tuple(d for d in by if d not in ("month", "year"))
    measures = (measures,) if isinstance(measures, str) else tuple(measures)
    unknown = [m for m in measures if m not in KPI_COLUMNS]
    if unknown:
        raise ValueError(f"unknown measure(s) {unknown}; valid: {', '.join(KPI_COLUMNS)}")
    keys = (freq, *by)
    counts = [m for m in measures if m in KPI_COUNT_COLUMNS]
    facet = _rollup_facet(f, scope, keys)
    if facet is not _FACTS:
        # the rollup path as arrays: the keys stay masked arrays until the grid is built
        columns = _kpis_rollup_columns(con, f, scope, keys, facet, needed=measures, arrays=True)
        key_arrays = [columns[d] for d in keys]
        values = [np.asarray(columns[m]) for m in measures]

        def key_at(i: int, rows: np.ndarray) -> pd.Series:
            return _key_column(key_arrays[i + 1], rows)

    else:
        df = _kpis_raw(con, f, scope, keys, needed=measures)
        key_arrays = [
            np.ma.masked_array(df[d].to_numpy(), mask=df[d].isna().to_numpy()) for d in keys
        ]
        values = [df[m].to_numpy() for m in measures]

        def key_at(i: int, rows: np.ndarray) -> pd.Series:
            return df[by[i]].take(rows).reset_index(drop=True)

    day, valid = _period_days(key_arrays[0], freq)
    if valid.any():
        # the selection's rows lie inside its period, so the range holds every row's period
        start = f.date_from or day[valid].min().item()
        end = f.upper_date or day[valid].max().item()
        periods = _period_range(start, end, freq)
        # each row's place in `periods` (-1: none, as for a day that is not the 1st)
        unit = "Y" if freq == "year" else "M"
        first = day.astype(f"datetime64[{unit}]")
        period_of = np.full(len(day), -1, dtype=np.intp)
        if periods:
            at = (first - np.datetime64(periods[0], unit)).astype(np.intp)
            ok = valid & (first.astype("datetime64[D]") == day) & (at >= 0) & (at < len(periods))
            period_of[ok] = at[ok]
        df = _series_grid(
            key_arrays[1:], key_at, by, periods, measures, values, period_of, valid, counts
        )
        df = _fill_counts(df, counts)
    else:
        df = _fill_counts(_empty(("period", *by), measures), counts)
    return _finish(df, scope, counts, additive=KPI_ADDITIVE)


def _period_days(column: np.ma.MaskedArray, freq: str) -> tuple[np.ndarray, np.ndarray]:
    """(day, valid): the period each row of a `month` or `year` key column (a masked array:
    masked where null) stands for, as datetime64[D] (a month's date; a year's 1 January), and
    where it is not null."""
    data, valid = np.ma.getdata(column), ~np.ma.getmaskarray(column)
    if freq == "year":
        years = np.where(valid, data, 1970).astype("int64")
        day = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    elif data.dtype.kind == "M":
        day = np.where(valid, data.astype("datetime64[D]"), np.datetime64("NaT"))
    else:  # dates as objects (date, Timestamp or None)
        dates = [
            pd.Timestamp(m).date() if ok and pd.notna(m) else None
            for m, ok in zip(data, valid, strict=True)
        ]
        day = np.array(dates, dtype="datetime64[D]")
    return day, valid & ~np.isnat(day)


def _series_grid(
    keys: list[np.ma.MaskedArray],
    key_at,
    by,
    periods: list[date],
    measures,
    values: list[np.ndarray],
    period_of: np.ndarray,
    valid: np.ndarray,
    counts=(),
) -> pd.DataFrame:
    """Every period x every group (a combination of the `by` key arrays `keys` found in any row
    with a period, `valid`), sorted by period then group keys (nulls last), with each measure's
    `values` where a row has that cell (at `period_of` in `periods`, -1 for none) and null
    elsewhere (0 for the `counts`). `key_at(i, rows)` gives the rows `rows` of the i-th key
    as a column. Array lookups instead of a cross merge and a left merge."""
    n = len(period_of)
    group_of = np.zeros(n, dtype=np.intp)
    n_groups = 1
    if by:
        rows = np.flatnonzero(valid)
        order, starts = _group_runs([k[rows] for k in keys], len(rows))
        n_groups = len(starts)
        runs = np.zeros(len(rows), dtype=np.intp)
        runs[starts[1:]] = 1
        group_of[rows[order]] = np.cumsum(runs)
        group_rows = rows[order[starts]]
    inside = period_of >= 0
    row = np.full(len(periods) * n_groups, -1, dtype=np.intp)
    row[period_of[inside] * n_groups + group_of[inside]] = np.flatnonzero(inside)
    found = row >= 0
    out = {"period": np.repeat(np.array(periods, dtype=object), n_groups)}
    if by:
        tiled = np.tile(group_rows, len(periods))
        out |= {d: key_at(i, tiled) for i, d in enumerate(by)}
    for m, v in zip(measures, values, strict=True):
        if found.all():
            out[m] = v[row]
        elif m in counts and v.dtype == np.dtype("int64"):
            out[m] = np.where(found, v[row], 0)  # as _fill_counts fills them
        else:
            column = np.full(len(row), np.nan)
            column[found] = v[row[found]]
            out[m] = column
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------- cases, rows
CASE_LIST_COLUMNS = (
    "case_id",
    "incident_id",
    "state",
    "authority",
    "mission_code",
    "host_state",
    "incident_date",
    "act_type",
    "verification",
    "current_stage",
    "last_event_on",
    "days_in_current_stage",
    "stalled",
    "outcome",
    "investigation_opened_on",
    "arrest_on",
    "prosecuted_on",
    "judgment_on",
    "closed_without_prosecution_on",
    "persons_arrested",
    "persons_convicted",
    "persons_acquitted",
    "killed",
    "injured",
    "detained",
    "abducted",
)
CASE_SORTS = {
    "incident_date": "c.incident_date desc, c.case_id",
    # days in the current stage, longest first = oldest last change first (a plain column
    # sorts without computing the difference for every case)
    "days_in_current_stage": "coalesce(c.last_event_on, c.opened_on), c.case_id",
    "case_id": "c.case_id",
    "last_event_on": "c.last_event_on desc nulls last, c.case_id",
}
# The leading key of each sort but case_id (expression, direction; nulls last as in
# CASE_SORTS): a page of the list lies among the cases whose key is not past the key of the
# case at the page's end in that order, which one top-N on a date finds (see case_list).
_CASE_SORT_KEYS = {
    "incident_date": ("c.incident_date", "desc"),
    "days_in_current_stage": ("coalesce(c.last_event_on, c.opened_on)", "asc"),
    "last_event_on": ("c.last_event_on", "desc"),
}


def _case_rows_sql(f: Filters, scope: Scope, days: int, extra_where: str = ""):
    source, sparams = _case_source(f)
    w = incident_where(f, "c")
    w.add_pred(scope.incident_predicate("c"))
    ref = f.as_of or date.today()
    cols = ", ".join(
        f"c.{c}" for c in CASE_LIST_COLUMNS if c not in ("days_in_current_stage", "stalled")
    )
    sql = f"""
        select {cols},
            date_diff('day', coalesce(c.last_event_on, c.opened_on), ?::date) as days_in_current_stage,
            c.outcome = 'pending'
                and date_diff('day', coalesce(c.last_event_on, c.opened_on), ?::date) >= ? as stalled
        from {source} as c
        where {w.sql} {extra_where}
    """  # noqa: S608
    return sql, [ref, ref, int(days), *sparams, *w.params]


def case_list(
    con: Con,
    filters: Filters | None,
    scope: Scope,
    *,
    days: int = 180,
    sort: str = "incident_date",
    limit: int | None = 1000,
    offset: int = 0,
) -> pd.DataFrame:
    """Cases in scope matching the filters, one row per case (CASE_LIST_COLUMNS), with days in
    the current stage and a stalled flag (pending, no stage change for `days`). Row-level:
    refused for aggregates-only scopes. `sort` from CASE_SORTS; `limit` None for all rows."""
    f, scope = _check_filters(filters), _check_scope(scope)
    _rows_allowed(scope, "the case list")
    if sort not in CASE_SORTS:
        raise ValueError(f"unknown sort {sort!r}; valid: {', '.join(CASE_SORTS)}")
    if limit is not None and f.as_of is None:
        # the page's rows found on the sort keys alone, then read in full (sorting every
        # column of every case costs about a third more at 10M cases)
        w = incident_where(f, "c")
        w.add_pred(scope.incident_predicate("c"))
        ranked, ranked_where, ranked_params = "fact_cases", f"where {w.sql}", w.params
        if sort in _CASE_SORT_KEYS and limit > 0 and offset >= 0:
            # the cases whose sort key is not past the furthest of the first limit + offset
            # keys in the order (a top-N on one date), and those with no key (sorted last):
            # the page is among them, and ordering them compares case ids for a few cases
            # instead of every one (the bound reaches the scan as a filter)
            key, direction = _CASE_SORT_KEYS[sort]
            within, furthest = ("<=", "max") if direction == "asc" else (">=", "min")
            bound = f"""(
                select {furthest}(k) from (
                    select {key} as k from fact_cases as c where {w.sql}
                    order by k {direction} nulls last limit ?
                )
            )"""  # noqa: S608 - identifiers ours, values bound
            cols = "c.rowid, c.case_id, c.incident_date, c.last_event_on, c.opened_on"
            ranked = f"""(
                select {cols} from fact_cases as c where {w.sql} and {key} {within} {bound}
                union all
                select {cols} from fact_cases as c where {w.sql} and {key} is null
            )"""  # noqa: S608 - identifiers ours, values bound
            ranked_where = ""
            ranked_params = [*w.params, *w.params, int(limit) + int(offset), *w.params]
        page = f"""
            and c.rowid in (
                select c.rowid from {ranked} as c {ranked_where}
                order by {CASE_SORTS[sort]} limit ? offset ?
            )
        """  # noqa: S608 - identifiers ours, values bound
        sql, params = _case_rows_sql(f, scope, days, page)
        sql += f" order by {CASE_SORTS[sort]}"
        params += [*ranked_params, int(limit), int(offset)]
        return _finish(_q(con, sql, params), scope, rows=True)
    sql, params = _case_rows_sql(f, scope, days)
    sql += f" order by {CASE_SORTS[sort]}"
    if limit is not None:
        sql += " limit ? offset ?"
        params += [int(limit), int(offset)]
    return _finish(_q(con, sql, params), scope, rows=True)


def stalled_cases(
    con: Con, filters: Filters | None, scope: Scope, days: int = 180, *, limit: int | None = 1000
) -> pd.DataFrame:
    """Pending cases with no stage change for `days` or more as of the as-of date (today if
    unset), longest-stalled first. Row-level: refused for aggregates-only scopes."""
    f, scope = _check_filters(filters), _check_scope(scope)
    _rows_allowed(scope, "the stalled-case list")
    sql, params = _case_rows_sql(f, scope, days)
    sql = f"select * from ({sql}) where stalled order by days_in_current_stage desc, case_id"  # noqa: S608
    if limit is not None:
        sql += " limit ?"
        params.append(int(limit))
    return _finish(_q(con, sql, params), scope, rows=True)


def stalled_count(
    con: Con, filters: Filters | None, scope: Scope, days: int = 180, by=()
) -> pd.DataFrame:
    """Number of stalled cases (see stalled_cases) and pending cases, per group: an aggregate,
    allowed for every role."""
    f, scope, by = _check_filters(filters), _check_scope(scope), check_dims(by)
    sql, params = _case_rows_sql(f, scope, days)
    sel, grp = _group_cols(by, lambda d: _incident_dim_expr("s")(d) if d not in LIST_DIMS else d)
    if set(by) & set(LIST_DIMS):
        raise ValueError("stalled_count groups by mission, host_state, year, month or act_type")
    sql = f"""
        select {sel} cast(coalesce(count_if(s.stalled), 0) as bigint) as stalled_cases,
               cast(coalesce(count_if(s.outcome = 'pending'), 0) as bigint) as pending
        from (select *, year(incident_date) as year,
                     cast(date_trunc('month', incident_date) as date) as month
              from ({sql})) as s
        {grp}
    """  # noqa: S608
    return _finish(_sort(_q(con, sql, params), by), scope, ("stalled_cases", "pending"))


# Every stage a case can be at, from etl/extracts.py, plus 'reported' (rank 0): a case file with
# no stage event yet. Ordered by the model's r2589_stage_rank in SQL.
CASE_STAGES = ("reported", *EXTRACT_STAGES)


def cases_by_stage(
    con: Con, filters: Filters | None, scope: Scope, days: int = 180
) -> pd.DataFrame:
    """Case files by their current stage as of the as-of date (today if unset): one row per
    stage, every stage listed even at 0, in the order of the model's stage rank
    (`r2589_stage_rank`); 'reported' = a case file with no stage event yet. Columns: stage,
    cases, stalled (pending, no stage change for `days`; see stalled_cases). An aggregate,
    allowed for every role; counts protected like other aggregates."""
    f, scope = _check_filters(filters), _check_scope(scope)
    sql, params = _case_rows_sql(f, scope, days)
    sql = f"""
        with stages as (
            select stage, r2589_stage_rank(stage) as stage_rank
            from unnest(?::varchar[]) as t(stage)
        ),
        counted as (
            select coalesce(r.current_stage, 'reported') as stage,
                   count(*) as cases,
                   cast(coalesce(count_if(r.stalled), 0) as bigint) as stalled
            from ({sql}) as r
            group by 1
        )
        select stage, coalesce(c.cases, 0) as cases, coalesce(c.stalled, 0) as stalled
        from stages full outer join counted as c using (stage)
        order by coalesce(stages.stage_rank, r2589_stage_rank(stage)), stage
    """  # noqa: S608
    df = _q(con, sql, [list(CASE_STAGES), *params])
    df = _fill_counts(df, ("cases", "stalled"))
    return _finish(df, scope, ("cases", "stalled"), dims=("stage",))


def case_detail(con: Con, case_id: str, scope: Scope) -> dict[str, pd.DataFrame]:
    """One case as the scope allows: {'case', 'events', 'victims', 'suspects', 'notifications',
    'assistance'}. LookupError if the case does not exist or is out of scope (the two are not
    told apart); PermissionError for aggregates-only scopes."""
    scope = _check_scope(scope)
    _rows_allowed(scope, "a case page")
    pred, pparams = scope.incident_predicate("c")
    sql = f"select * from fact_cases as c where c.case_id = ? and {pred}"  # noqa: S608
    case = _q(con, sql, [str(case_id), *pparams])
    if case.empty:
        raise LookupError(f"case {case_id!r} not found")
    incident_id = case["incident_id"].iloc[0]
    host_state, mission = case["host_state"].iloc[0], case["mission_code"].iloc[0]
    events = _q(
        con,
        "select event_id, event_date, stage, persons, source from case_events"
        " where case_id = ? order by event_date, r2589_stage_rank(stage)",
        [str(case_id)],
    )
    vpred, vparams = scope.person_predicate("v")
    victims = _q(
        con,
        f"""select v.victim_id, v.personnel_category, v.personnel_category as personnel_type,
                   v.nationality, v.gender, v.age_band, v.outcome, v.casualty_id, v.full_name
            from (select v.*, trim(v.personnel_category) as personnel_type, i.mission_code,
                         i.host_state
                  from victims as v join incidents as i using (incident_id)) as v
            where v.incident_id = ? and {vpred}
            order by v.victim_id""",  # noqa: S608
        [incident_id, *vparams],
    ).drop(columns=["personnel_type"])
    suspects = _q(
        con,
        "select suspect_id, gender, status, affiliation, full_name from suspects"
        " where case_id = ? order by suspect_id",
        [str(case_id)],
    )
    if scope.role == "focal_point":
        npred, nparams = scope.mission_predicate("?::varchar")
        nparams = [mission, *nparams]
    else:
        npred, nparams = scope.state_predicate("n.recipient_state")
    notifications = _q(
        con,
        f"""select n.notification_id, n.sent_at, n.channel, n.recipient_state,
                   n.answer_received_on,
                   date_diff('minute', i.occurred_at, n.sent_at) / 60.0 as delay_hours
            from notifications as n join incidents as i using (incident_id)
            where n.incident_id = ? and {npred} order by n.sent_at""",  # noqa: S608
        [incident_id, *nparams],
    )
    if scope.role == "focal_point":
        apred, aparams = scope.mission_predicate("a.mission_code")
    else:
        apred, aparams = scope.state_predicate("a.host_state")
    assistance = _q(
        con,
        f"""select a.assistance_id, a.host_state, a.mission_code, a.start_date, a.end_date,
                   a.assistance_type, a.beneficiary, a.participants_f, a.participants_m,
                   a.participants_unknown
            from assistance as a
            where a.host_state = ? and (a.mission_code is null or a.mission_code = ?)
              and coalesce(a.end_date, a.start_date) >= ? and {apred}
            order by a.start_date""",  # noqa: S608
        [host_state, mission, case["incident_date"].iloc[0], *aparams],
    )
    return {
        "case": _finish(case, scope, rows=True),
        "events": _finish(events, scope, rows=True),
        "victims": _finish(victims, scope, rows=True),
        "suspects": _finish(suspects, scope, rows=True),
        "notifications": _finish(notifications, scope, rows=True),
        "assistance": _finish(assistance, scope, rows=True),
    }


# ---------------------------------------------------------------------------- time to justice
TTJ_EVENTS = {
    "investigation": "investigation_opened_on",
    "arrest": "arrest_on",
    "judgment": "judgment_on",
    "conviction": "first_conviction_on",
}
COHORTS = {
    "year": "year",
    "mission": "mission_code",
    "host_state": "host_state",
    "act_type": "act_type",
    "state": "state",
}


def time_to_justice(
    con: Con,
    filters: Filters | None,
    scope: Scope,
    event: str = "judgment",
    cohort_by: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Kaplan-Meier time from incident to `event` (investigation, arrest, judgment,
    conviction), by cohort. Cases without the event are censored at the as-of date (today if
    unset), or at their closure without prosecution.

    Returns {'curve': cohort, days, at_risk, events, censored, survival, reached;
             'summary': cohort, cases, events, censored, median_days}.
    `reached` = 1 - survival (share of cases that reached the event by that day).
    For scopes that suppress small counts (every role below headquarters), curve points with
    fewer cases at risk than the suppression threshold are dropped, and median_days is null for
    a cohort of fewer cases than the threshold (step sizes would reveal counts).
    """
    f, scope = _check_filters(filters), _check_scope(scope)
    if event not in TTJ_EVENTS:
        raise ValueError(f"unknown event {event!r}; valid: {', '.join(TTJ_EVENTS)}")
    if cohort_by is not None and cohort_by not in COHORTS:
        raise ValueError(f"unknown cohort {cohort_by!r}; valid: {', '.join(COHORTS)}")
    source, sparams = _case_source(f)
    w = incident_where(f, "c")
    w.add_pred(scope.incident_predicate("c"))
    ref = f.as_of or date.today()
    cohort = f"cast(c.{COHORTS[cohort_by]} as varchar)" if cohort_by else "'all'"
    col = TTJ_EVENTS[event]
    sql = f"""
        select cohort, days,
            cast(coalesce(count_if(observed), 0) as bigint) as events,
            cast(coalesce(count_if(not observed), 0) as bigint) as censored
        from (
            select {cohort} as cohort,
                c.{col} is not null as observed,
                greatest(0, date_diff('day', c.incident_date,
                    coalesce(c.{col}, least(c.closed_without_prosecution_on, ?::date)))) as days
            from {source} as c
            where {w.sql}
        )
        group by all
    """  # noqa: S608
    d = _q(con, sql, [ref, *sparams, *w.params])
    # Small cohorts: the steps of a curve reveal counts (1 of 3 cases is a drop of 1/3), so
    # for scopes that suppress small counts, points with fewer cases at risk than the
    # threshold and the median of a cohort with fewer cases than it are left out.
    small = settings.suppression_threshold() if scope.suppress_small_counts else 0
    curves, summary = [], []
    for name, g in d.groupby("cohort", sort=True, dropna=False):
        km = survival.kaplan_meier_counts(g["days"], g["events"], g["censored"])
        km.insert(0, "cohort", name)
        events, censored = int(g["events"].sum()), int(g["censored"].sum())
        median = survival.median_survival(km)
        if events + censored < small:
            median = None
        curves.append(km[km["at_risk"] >= small])
        summary.append(
            {
                "cohort": name,
                "cases": events + censored,
                "events": events,
                "censored": censored,
                "median_days": median,
            }
        )
    curve = (
        pd.concat(curves, ignore_index=True)
        if curves
        else _empty((), ("cohort", "days", "at_risk", "events", "censored", "survival", "reached"))
    )
    summ = (
        pd.DataFrame(summary)
        if summary
        else _empty((), ("cohort", "cases", "events", "censored", "median_days"))
    )
    return {
        "curve": _finish(curve, scope, ("at_risk", "events", "censored")),
        "summary": _finish(summ, scope, ("cases", "events", "censored")),
    }


# ---------------------------------------------------------------------------- gender
def gender_breakdown(
    con: Con,
    filters: Filters | None,
    scope: Scope,
    by=(),
    across=("personnel_type", "outcome"),
) -> pd.DataFrame:
    """Victims by gender x the attributes `across` (personnel category, outcome: killed from the
    register; injured, detained, abducted from case tracking): one row per group with
    `persons`. 'unknown' gender is a group of its own, never dropped.

    Small counts are protected in the table as returned, so ask for the table that is shown:
    gender x category and gender x outcome apart (each protected on its own; both have the
    victims by gender as margins) rather than sums of the three-way table, whose many small
    cells would leave nearly every sum of it withheld. `across=()`: victims by gender."""
    f, scope = _check_filters(filters), _check_scope(scope)
    across = tuple(across)
    unknown = [a for a in across if a not in ("personnel_type", "outcome")]
    if unknown:
        raise ValueError(f"unknown attribute(s) {unknown}; valid: personnel_type, outcome")
    by = tuple(d for d in check_dims(by) if d not in ("gender", "personnel_type"))
    dims = (*by, "gender", *(["personnel_type"] if "personnel_type" in across else []))
    grain = "month" if f.month_aligned else "day"
    table = "rollup_persons" if grain == "month" else "fact_persons"
    n = "p.persons" if grain == "month" else "1"
    w = person_where(f, "p", grain=grain)
    w.add("(p.source = 'tracking' or p.snapshot_date = ?)", register_snapshot(con, f))
    w.add("(p.source = 'register' or p.outcome in ('injured', 'detained', 'abducted'))")
    w.add_pred(scope.person_predicate("p"))
    sel = ", ".join(f"p.{PERSON_DIM_COLUMNS[d]} as {d}" for d in dims)
    if "outcome" in across:
        sel += ", p.outcome"
    sql = f"""
        select {sel}, sum({n}) as persons
        from {table} as p where {w.sql}
        group by all order by all
    """  # noqa: S608
    df = _q(con, sql, w.params)
    df["persons"] = df["persons"].astype("int64")
    return _finish(df, scope, ("persons",))


def women_share_series(
    con: Con, filters: Filters | None, scope: Scope, freq: str = "year", by=None
) -> pd.DataFrame:
    """Share of women among victims (killed, injured, detained, abducted) per period: period,
    group keys, women, men, unknown_gender, persons, women_share (unknown in the denominator)."""
    f, scope = _check_filters(filters), _check_scope(scope)
    if freq not in ("month", "year"):
        raise ValueError("freq must be 'month' or 'year'")
    by = tuple(d for d in check_dims(by or ()) if d not in ("month", "year", "gender"))
    dims = (freq, *by, "gender")
    grain = "month" if f.month_aligned else "day"
    table = "rollup_persons" if grain == "month" else "fact_persons"
    n = "p.persons" if grain == "month" else "1"
    w = person_where(f, "p", grain=grain)
    w.add("(p.source = 'tracking' or p.snapshot_date = ?)", register_snapshot(con, f))
    w.add("(p.source = 'register' or p.outcome in ('injured', 'detained', 'abducted'))")
    w.add_pred(scope.person_predicate("p"))
    sel = ", ".join(f"p.{PERSON_DIM_COLUMNS[d]} as {d}" for d in dims)
    sql = f"select {sel}, sum({n}) as persons from {table} as p where {w.sql} group by all"  # noqa: S608
    df = _q(con, sql, w.params)
    keys = [freq, *by]
    wide = df.pivot_table(
        index=keys, columns="gender", values="persons", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=["F", "M", "unknown"], fill_value=0).reset_index()
    wide = wide.rename(
        columns={"F": "women", "M": "men", "unknown": "unknown_gender", freq: "period"}
    )
    wide.columns.name = None
    if freq == "year" and len(wide):
        wide["period"] = [date(int(y), 1, 1) for y in wide["period"]]
    elif len(wide):
        wide["period"] = [pd.Timestamp(m).date() for m in wide["period"]]
    wide = _fill_counts(wide, ("women", "men", "unknown_gender"))
    wide["persons"] = wide["women"] + wide["men"] + wide["unknown_gender"]
    wide["women_share"] = _rate(wide["women"], wide["persons"])
    cols = ["period", *by, "women", "men", "unknown_gender", "persons", "women_share"]
    if wide.empty:
        wide = _empty((), cols)
    return _finish(
        _sort(wide[cols], ("period", *by)),
        scope,
        ("women", "men", "unknown_gender", "persons"),
        dims=("period", *by),
        # women + men + unknown = persons, shown side by side: one row is a sibling group, and
        # the share is withheld wherever women or persons is
        additive=(("women", "men", "unknown_gender"),),
        rates={"women_share": ("women", "persons")},
    )


def suspects_by_gender(con: Con, filters: Filters | None, scope: Scope, by=()) -> pd.DataFrame:
    """Suspects and accused in the selected cases by gender: group keys, gender (F, M, unknown:
    all three always present), suspects."""
    f, scope, by = _check_filters(filters), _check_scope(scope), check_dims(by)
    source, sparams = _case_source(f)
    w = incident_where(f, "c")
    w.add_pred(scope.incident_predicate("c"))
    sel, grp = _group_cols(by, _incident_dim_expr("c"))
    sql = f"""
        select {sel} coalesce(sum(c.suspects_f), 0) as F, coalesce(sum(c.suspects_m), 0) as M,
               coalesce(sum(c.suspects_unknown), 0) as "unknown"
        from {_unnested(source, by, "c")} where {w.sql} {grp}
    """  # noqa: S608
    wide = _q(con, sql, [*sparams, *w.params])
    df = wide.melt(
        id_vars=list(by), value_vars=["F", "M", "unknown"], var_name="gender", value_name="suspects"
    )
    df = _fill_counts(df, ("suspects",))
    return _finish(_sort(df, (*by, "gender")), scope, ("suspects",))


# ---------------------------------------------------------------------------- States
def _notification_scope(scope: Scope, state_col: str, mission_col: str) -> tuple[str, list]:
    if scope.role == "focal_point":
        return scope.mission_predicate(mission_col)
    return scope.state_predicate(state_col)


# Bins per State and measure in rollup_notifications / rollup_notification_values (etl/models.sql)
_NOTIFICATION_BINS = 16
_NOTIFICATION_MEDIANS = {"delay_hours": "delay_bin", "answer_days": "answer_bin"}
_NOTIFICATION_COUNTS = ("notifications", "answered", "incidents_notified", "notified_24h")


def _notifications_fit_rollup(f: Filters) -> bool:
    """rollup_notifications answers whole months with no past as-of date, no act type and no
    victim-list filter; every scope fits (its predicates are on recipient State and mission)."""
    return (
        f.as_of is None
        and f.month_aligned
        and not (f.act_types or f.nationalities or f.personnel_types or f.genders)
    )


def _notifications_facts(con: Con, f: Filters, scope: Scope) -> pd.DataFrame:
    """The counts and medians of notifications_by_state in one scan of fact_notifications."""
    w = incident_where(f, "n")
    w.add_pred(_notification_scope(scope, "n.recipient_state", "n.mission_code"))
    ts = _as_of_ts(f)
    answered = "n.answer_received_on < ?"
    sql = f"""
        select n.recipient_state as state,
            count(*) as notifications,
            cast(coalesce(count_if({answered}), 0) as bigint) as answered,
            cast(coalesce(count_if(not coalesce({answered}, false)), 0) as bigint) as no_answer,
            median(n.answer_days) filter (where {answered}) as median_answer_days,
            cast(coalesce(count_if(n.first_to_state), 0) as bigint) as incidents_notified,
            cast(coalesce(count_if(n.first_to_state and n.delay_hours <= 24), 0) as bigint) as notified_24h,
            median(n.delay_hours) filter (where n.first_to_state) as median_delay_hours
        from fact_notifications as n
        where {w.sql} and n.sent_at < ?
        group by n.recipient_state
        order by n.recipient_state
    """  # noqa: S608
    return _q(con, sql, [ts, ts, ts, *w.params, ts])


def _notifications_rollup(con: Con, f: Filters, scope: Scope) -> pd.DataFrame:
    """The same as _notifications_facts from the rollups (valid when _notifications_fit_rollup).
    Counts: sums of rollup_notifications. Medians, exact: the selected counts per bin give, per
    State, the bin and the rank within it of the one or two middle values (DuckDB's median
    interpolates halfway between them for an even count); the values of those bins only are
    then read from rollup_notification_values, stored bin first, and ordered per bin."""
    w = incident_where(f, "r", rollup=True)
    w.add_pred(_notification_scope(scope, "r.recipient_state", "r.mission_code"))
    bins = range(1, _NOTIFICATION_BINS + 1)
    # Bins summed together: first the two middle bins alone and those below and above them
    # each as one sum (r2589_rank_bin puts the middle values of a State, and of most
    # selections, in bins 8 and 9; far fewer sums to compute), then, if a middle value of some
    # State falls elsewhere, every bin.
    low, high = _NOTIFICATION_BINS // 2, _NOTIFICATION_BINS // 2 + 1
    coarse = [tuple(range(1, low)), (low,), (high,), tuple(range(high + 1, max(bins) + 1))]
    for groups in (coarse, [(j,) for j in bins]):
        group_sums = [
            f"sum({' + '.join(f'r.{p}_{j:02d}' for j in g)}) as {p}_{gi:02d}"
            for p in _NOTIFICATION_MEDIANS.values()
            for gi, g in enumerate(groups)
        ]
        sums = ", ".join([*(f"sum(r.{c}) as {c}" for c in _NOTIFICATION_COUNTS), *group_sums])
        sql = f"""
            select r.recipient_state as state, {sums}
            from rollup_notifications as r where {w.sql}
            group by r.recipient_state order by r.recipient_state
        """  # noqa: S608
        # read as arrays (a DataFrame and a conversion per column cost more than the sums)
        counts = con.execute(sql, w.params).fetchnumpy()
        state_column = _key_column(counts["state"], np.arange(len(counts["state"])))
        states = state_column.tolist()
        # (measure, state, bin, rank within the bin) of each middle value
        wanted: list[tuple[str, str, int, int]] = []
        found = True
        for measure, prefix in _NOTIFICATION_MEDIANS.items():
            per_group = np.column_stack(
                [_counts(counts[f"{prefix}_{gi:02d}"]) for gi in range(len(groups))]
            )
            upto = per_group.cumsum(axis=1)
            for i, state in enumerate(states):
                total = int(upto[i, -1])
                if total == 0:
                    continue
                for rank in sorted({(total - 1) // 2, total // 2}):
                    g = int(np.searchsorted(upto[i], rank, side="right"))
                    found &= len(groups[g]) == 1
                    start = int(upto[i, g] - per_group[i, g])
                    wanted.append((measure, state, groups[g][0], rank - start))
        if found:
            break
    middle: dict[tuple[str, str], float] = {}
    if wanted:
        wv = incident_where(f, "v", rollup=True)
        wv.add_pred(_notification_scope(scope, "v.recipient_state", "v.mission_code"))
        sql = f"""
            with wanted as (select unnest(?::struct(
                measure varchar, state varchar, bin bigint, rank bigint)[], recursive := true)),
            bins as (
                -- the selected values of each wanted bin, in order
                select v.measure, v.recipient_state as state, v.bin,
                    list(v.value order by v.value) as vals
                from rollup_notification_values as v
                semi join wanted as k
                    on k.measure = v.measure and k.state = v.recipient_state and k.bin = v.bin
                where v.bin between ? and ? and {wv.sql}
                group by all
            )
            -- the median of the one or two middle values: DuckDB's own interpolation
            select k.measure, k.state, median(b.vals[k.rank + 1]) as value
            from wanted as k join bins as b
                on b.measure = k.measure and b.state = k.state and b.bin = k.bin
            group by k.measure, k.state
        """  # noqa: S608
        params = [
            [dict(zip(("measure", "state", "bin", "rank"), row, strict=True)) for row in wanted],
            min(x[2] for x in wanted),
            max(x[2] for x in wanted),
            *wv.params,
        ]
        middle = {(m, st): v for m, st, v in con.execute(sql, params).fetchall()}

    def median(measure: str) -> list[float]:
        return [middle.get((measure, state), np.nan) for state in states]

    notifications, answered = _counts(counts["notifications"]), _counts(counts["answered"])
    return pd.DataFrame(
        {
            "state": state_column,
            "notifications": notifications,
            "answered": answered,
            "no_answer": notifications - answered,
            "median_answer_days": pd.Series(median("answer_days"), dtype="float64"),
            "incidents_notified": _counts(counts["incidents_notified"]),
            "notified_24h": _counts(counts["notified_24h"]),
            "median_delay_hours": pd.Series(median("delay_hours"), dtype="float64"),
        }
    )


def _counts(values: np.ndarray) -> np.ndarray:
    """A column of sums from fetchnumpy (float for DuckDB's hugeint, masked where null) as
    int64 counts, null as 0."""
    return np.ma.filled(values, 0).astype("int64")


def notifications_by_state(con: Con, filters: Filters | None, scope: Scope) -> pd.DataFrame:
    """Para 8, per recipient State: notifications sent, answered (on or before the as-of date),
    answer_rate, no_answer, median_answer_days, incidents notified, notified_24h_share and
    median_delay_hours (first notification of each incident to that State). Whole months with
    no past as-of date, act type or victim-list filter read rollup_notifications (medians
    exact, from rollup_notification_values); other selections one scan of fact_notifications."""
    f, scope = _check_filters(filters), _check_scope(scope)
    if _notifications_fit_rollup(f):
        df = _notifications_rollup(con, f, scope)
    else:
        df = _notifications_facts(con, f, scope)
    df = _fill_counts(
        df, ("notifications", "answered", "no_answer", "incidents_notified", "notified_24h")
    )
    df["answer_rate"] = _rate(df["answered"], df["notifications"])
    df["notified_24h_share"] = _rate(df["notified_24h"], df["incidents_notified"])
    cols = [
        "state",
        "notifications",
        "answered",
        "no_answer",
        "answer_rate",
        "median_answer_days",
        "incidents_notified",
        "notified_24h",
        "notified_24h_share",
        "median_delay_hours",
    ]
    return _finish(
        df[cols],
        scope,
        ("notifications", "answered", "no_answer", "incidents_notified", "notified_24h"),
        rates={
            "answer_rate": ["answered", "notifications"],
            "notified_24h_share": ["notified_24h", "incidents_notified"],
        },
    )


PROGRESS_MEASURES = (
    "incidents",
    "killed",
    "investigations_opened",
    "arrests",
    "prosecutions",
    "judgments",
    "convictions",
    "closed_without_prosecution",
    "cases_open_at_end",
    "investigation_rate_at_end",
    "conviction_rate_at_end",
)


# the counts behind each rate at the period's end (not shown; protected, then dropped)
RATE_AT_END_NUMERATOR = {
    "investigation_rate_at_end": "investigated_at_end",
    "conviction_rate_at_end": "convicted_at_end",
}
PROGRESS_RATE_PARTS = ("cases_at_end", *RATE_AT_END_NUMERATOR.values())


def _progress(con: Con, f: Filters, scope: Scope, periods) -> list[pd.DataFrame]:
    """Per host State, for each (start, end) period: incidents and killed of the period
    (incident cohort, from the rollups when possible) and case stages first reached in the
    period whatever the incident date, in one scan of fact_cases for all periods."""
    cap = f.as_of or FAR_FUTURE
    ends = [min(end, cap) for _, end in periods]
    g = f.replace(date_from=None, date_to=max(ends), as_of=None)
    w = incident_where(g, "c")
    w.add_pred(scope.incident_predicate("c"))
    cols, params = [], []
    for i, ((start, _), end) in enumerate(zip(periods, ends, strict=True)):
        for col, name in (
            ("investigation_opened_on", "investigations_opened"),
            ("arrest_on", "arrests"),
            ("prosecuted_on", "prosecutions"),
            ("judgment_on", "judgments"),
            ("first_conviction_on", "convictions"),
            ("closed_without_prosecution_on", "closed_without_prosecution"),
        ):
            cols.append(
                f"cast(coalesce(count_if(c.{col} between ?::date and ?::date), 0) as bigint) as {name}_{i}"
            )
            params += [start, end]
        cols += [
            f"cast(coalesce(count_if(c.opened_on <= ?::date and coalesce(least(c.judgment_on,"
            f" c.closed_without_prosecution_on), date '9999-12-31') > ?::date), 0) as bigint) as cases_open_at_end_{i}",
            f"cast(coalesce(count_if(c.opened_on <= ?::date), 0) as bigint) as cases_at_end_{i}",
            f"cast(coalesce(count_if(c.investigation_opened_on <= ?::date), 0) as bigint) as investigated_at_end_{i}",
            f"cast(coalesce(count_if(c.first_conviction_on <= ?::date), 0) as bigint) as convicted_at_end_{i}",
        ]
        params += [end] * 5
    sql = f"""
        select c.host_state, {", ".join(cols)}
        from fact_cases as c
        where {w.sql}
        group by c.host_state
    """  # noqa: S608 - identifiers ours, values bound
    c = _q(con, sql, [*params, *w.params])
    out = []
    for i, (start, end) in enumerate(periods):
        k = _kpis_raw(
            con,
            f.replace(date_from=start, date_to=end),
            scope,
            ("host_state",),
            needed=("incidents", "killed"),
        )
        ci = c[["host_state", *[x for x in c.columns if x.endswith(f"_{i}")]]]
        ci = ci.rename(columns={x: x[: -len(f"_{i}")] for x in ci.columns if x.endswith(f"_{i}")})
        df = k[["host_state", "incidents", "killed"]].merge(ci, on="host_state", how="outer")
        df = _fill_counts(df, [m for m in df.columns if m != "host_state"])
        df["investigation_rate_at_end"] = _rate(df["investigated_at_end"], df["cases_at_end"])
        df["conviction_rate_at_end"] = _rate(df["convicted_at_end"], df["cases_at_end"])
        out.append(df[["host_state", *PROGRESS_MEASURES, *PROGRESS_RATE_PARTS]])
    return out


def state_progress(con: Con, filters: Filters | None, scope: Scope) -> pd.DataFrame:
    """Para 4(a): per host State, what happened in the period and the change against the
    previous period of equal length. Incidents and killed count incidents of the period; the
    justice measures count cases whose stage was first reached in the period (whatever the
    incident date); *_at_end measures are cumulative as of the period's last day.

    Columns: host_state, then for each of PROGRESS_MEASURES: `m`, `m_previous`, `m_change`;
    plus period_from, period_to, previous_from, previous_to."""
    f, scope = _check_filters(filters), _check_scope(scope)
    start, end = _period(con, f)
    p_start, p_end = previous_period(start, end)
    cur, prev = _progress(con, f, scope, [(start, end), (p_start, p_end)])
    df = cur.merge(prev, on="host_state", how="outer", suffixes=("", "_previous"))
    df = df[df["host_state"].notna()]
    counts = []
    for m in PROGRESS_MEASURES:
        if not m.endswith("_rate_at_end"):
            df = _fill_counts(df, (m, f"{m}_previous"))
            counts += [m, f"{m}_previous"]
        df[f"{m}_change"] = df[m] - df[f"{m}_previous"]
    df["period_from"], df["period_to"] = start, end
    df["previous_from"], df["previous_to"] = p_start, p_end
    order = ["host_state"] + [
        c for m in PROGRESS_MEASURES for c in (m, f"{m}_previous", f"{m}_change")
    ]
    # the counts each rate at the period's end is made of: protected like every count (a rate
    # shown beside a small numerator would give it away with the case total of another view),
    # then left out of the frame
    parts = [c for m in PROGRESS_RATE_PARTS for c in (m, f"{m}_previous")]
    df = _fill_counts(df, parts)
    df = _sort(
        df[[*order, "period_from", "period_to", "previous_from", "previous_to", *parts]],
        ("host_state",),
    )
    # A change is derived from two counts: hidden when either is. A rate at the period's end
    # is hidden when its numerator or its denominator is.
    derived = {}
    for m in PROGRESS_MEASURES:
        if m.endswith("_rate_at_end"):
            num = RATE_AT_END_NUMERATOR[m]
            derived[m] = [num, "cases_at_end"]
            derived[f"{m}_previous"] = [f"{num}_previous", "cases_at_end_previous"]
            derived[f"{m}_change"] = [*derived[m], *derived[f"{m}_previous"]]
        else:
            derived[f"{m}_change"] = [m, f"{m}_previous"]
    out = _finish(df, scope, [*counts, *parts], rates=derived)
    return out.drop(columns=parts)


# ---------------------------------------------------------------------------- capacity, focal
CAPACITY_DIMS = {
    "host_state": "a.host_state",
    "mission": "a.mission_code",
    "assistance_type": "a.assistance_type",
    "year": "year(a.start_date)",
}


def capacity_building(
    con: Con, filters: Filters | None, scope: Scope, by=("host_state",)
) -> pd.DataFrame:
    """Paras 3 and 5: capacity-building activities started in the period, by host_state,
    mission, assistance_type and/or year: activities, participants_f, participants_m,
    participants_unknown, participants, women_share."""
    f, scope = _check_filters(filters), _check_scope(scope)
    by = (by,) if isinstance(by, str) else tuple(by or ())
    bad = [d for d in by if d not in CAPACITY_DIMS]
    if bad:
        raise ValueError(f"unknown dimension(s) {bad}; valid: {', '.join(CAPACITY_DIMS)}")
    w = Where()
    if f.date_from:
        w.add("a.start_date >= ?", f.date_from)
    if f.upper_date:
        w.add("a.start_date <= ?", f.upper_date)
    if f.missions:
        w.add("list_contains(?::varchar[], a.mission_code)", list(f.missions))
    if f.host_states:
        w.add("list_contains(?::varchar[], a.host_state)", list(f.host_states))
    if scope.role == "focal_point":
        w.add_pred(scope.mission_predicate("a.mission_code"))
    else:
        w.add_pred(scope.state_predicate("a.host_state"))
    sel, grp = _group_cols(by, lambda d: CAPACITY_DIMS[d])
    sql = f"""
        select {sel} count(*) as activities,
            coalesce(sum(a.participants_f), 0) as participants_f,
            coalesce(sum(a.participants_m), 0) as participants_m,
            coalesce(sum(a.participants_unknown), 0) as participants_unknown
        from assistance as a where {w.sql} {grp}
    """  # noqa: S608
    df = _q(con, sql, w.params)
    counts = ("activities", "participants_f", "participants_m", "participants_unknown")
    df = _fill_counts(df, counts)
    df["participants"] = df["participants_f"] + df["participants_m"] + df["participants_unknown"]
    df["women_share"] = _rate(df["participants_f"], df["participants"])
    if by:
        df = df[df["activities"] > 0]
    return _finish(
        _sort(df, by),
        scope,
        (*counts, "participants"),
        dims=by,
        # women + men + unknown = participants, shown side by side (one row is a sibling group);
        # the share is withheld wherever women or participants is
        additive=(("participants_f", "participants_m", "participants_unknown"),),
        rates={"women_share": ("participants_f", "participants")},
    )


def focal_points(con: Con, scope: Scope, on: date | None = None) -> pd.DataFrame:
    """Para 9: focal-point designations per mission (names only where the policy allows), with
    `current` true when the designation covers `on` (today if unset)."""
    scope = _check_scope(scope)
    pred, params = scope.mission_predicate("fp.mission_code")
    on = on or date.today()
    df = _q(
        con,
        f"""select fp.focal_point_id, fp.mission_code, fp.function, fp.full_name, fp.from_date,
                   fp.to_date, fp.from_date <= ?::date and coalesce(fp.to_date, date '9999-12-31') >= ?::date as current
            from focal_points as fp where {pred}
            order by fp.mission_code, fp.from_date, fp.focal_point_id""",  # noqa: S608
        [on, on, *params],
    )
    return _finish(df, scope, ())


# ---------------------------------------------------------------------------- completeness
def completeness(con: Con, filters: Filters | None, scope: Scope) -> pd.DataFrame:
    """Data quality per mission: incidents, share_unverified (not 'confirmed'), victims,
    share_unknown_gender (victims), register_fatalities, register_unknown_gender_share, cases,
    share_missing_stage_dates (no event at all; arrest, prosecution or judgment without an
    investigation date; judgment without charges or trial date)."""
    f, scope = _check_filters(filters), _check_scope(scope)
    rollup = _use_rollup(f, scope, ("mission",))
    wi = incident_where(f, "i", rollup=rollup)
    wi.add_pred(scope.incident_predicate("i"))
    if rollup:
        sql = f"""
            select i.mission_code as mission, sum(i.incidents) as incidents,
                   sum(i.incidents) filter (where not i.verified) as not_confirmed,
                   sum(i.victims) as victims, sum(i.victims_unknown) as victims_unknown_gender
            from rollup_incidents as i where {wi.sql} group by 1"""  # noqa: S608
    else:
        sql = f"""
            select i.mission_code as mission, count(*) as incidents,
                   cast(coalesce(count_if(not i.verified), 0) as bigint) as not_confirmed,
                   sum(i.victims) as victims, sum(i.victims_unknown) as victims_unknown_gender
            from fact_incidents as i where {wi.sql} group by 1"""  # noqa: S608
    isql, iparams = sql, wi.params
    wc = incident_where(f, "c", rollup=rollup)
    wc.add_pred(scope.incident_predicate("c"))
    if rollup:
        source, sparams = "rollup_cases", []
        measures = "sum(c.cases) as cases, sum(c.missing_stage_dates) as missing_stage_dates"
    else:
        source, sparams = _case_source(f)
        measures = """count(*) as cases,
               cast(coalesce(count_if(c.first_event_on is null
                   or (c.investigation_opened_on is null
                       and coalesce(c.arrest_on, c.prosecuted_on, c.judgment_on) is not null)
                   or (c.judgment_on is not null and c.charges_on is null
                       and c.trial_opened_on is null)), 0) as bigint) as missing_stage_dates"""
    csql = f"""
        select c.mission_code as mission, {measures}
        from {source} as c where {wc.sql} group by 1"""  # noqa: S608
    psql, pparams = _persons_sql(
        con, f.replace(genders=()), scope, ("mission",), ("killed", "killed_unknown_gender")
    )
    counts = (
        "incidents",
        "not_confirmed",
        "victims",
        "victims_unknown_gender",
        "cases",
        "missing_stage_dates",
        "register_fatalities",
        "register_unknown_gender",
    )
    # the three parts side by side per mission in one statement (missions are never null)
    sources = (
        "i.incidents",
        "i.not_confirmed",
        "i.victims",
        "i.victims_unknown_gender",
        "c.cases",
        "c.missing_stage_dates",
        "p.killed",
        "p.killed_unknown_gender",
    )
    values = ", ".join(
        f"cast(coalesce({x}, 0) as bigint) as {name}"
        for x, name in zip(sources, counts, strict=True)
    )
    sql = f"""
        select coalesce(i.mission, c.mission, p.mission) as mission, {values}
        from ({isql}) as i
        full join ({csql}) as c on c.mission = i.mission
        full join ({psql}) as p on p.mission = coalesce(i.mission, c.mission)
        order by 1
    """  # noqa: S608 - identifiers ours, values bound
    df = _q(con, sql, [*iparams, *sparams, *wc.params, *pparams])
    df = _fill_counts(df, counts)
    df = df[(df[list(counts)] != 0).any(axis=1)]
    df["share_unverified"] = _rate(df["not_confirmed"], df["incidents"])
    df["share_unknown_gender"] = _rate(df["victims_unknown_gender"], df["victims"])
    df["register_unknown_gender_share"] = _rate(
        df["register_unknown_gender"], df["register_fatalities"]
    )
    df["share_missing_stage_dates"] = _rate(df["missing_stage_dates"], df["cases"])
    cols = [
        "mission",
        "incidents",
        "not_confirmed",
        "share_unverified",
        "victims",
        "victims_unknown_gender",
        "share_unknown_gender",
        "register_fatalities",
        "register_unknown_gender",
        "register_unknown_gender_share",
        "cases",
        "missing_stage_dates",
        "share_missing_stage_dates",
    ]
    return _finish(_sort(df[cols], ("mission",)), scope, counts)


# ---------------------------------------------------------------------------- maps
MAP_POINT_COLUMNS = (
    "incident_id",
    "incident_date",
    "mission_code",
    "host_state",
    "admin_area",
    "act_type",
    "verification",
    "lat",
    "lon",
    "killed",
    "injured",
    "detained",
    "abducted",
)


def map_points(
    con: Con, filters: Filters | None, scope: Scope, *, limit: int | None = 50_000
) -> pd.DataFrame:
    """Incidents with coordinates, one row each (MAP_POINT_COLUMNS), newest first. Row-level:
    refused for aggregates-only scopes; exact coordinates only where the policy allows."""
    f, scope = _check_filters(filters), _check_scope(scope)
    _rows_allowed(scope, "map points")
    w = incident_where(f, "i")
    w.add_pred(scope.incident_predicate("i"))
    w.add("i.lat is not null and i.lon is not null")
    cols = ", ".join(f"i.{c}" for c in MAP_POINT_COLUMNS)
    sql = f"select {cols} from fact_incidents as i where {w.sql} order by i.occurred_at desc, i.incident_id"  # noqa: S608
    params = list(w.params)
    if limit is not None:
        sql += " limit ?"
        params.append(int(limit))
    return _finish(_q(con, sql, params), scope, rows=True)


def _map_fits_rollup(f: Filters, scope: Scope) -> bool:
    """rollup_map_cells answers whole months with no past as-of date, no victim-list filter
    and a scope on mission / host State (as rollup_incidents)."""
    return (
        f.as_of is None
        and f.month_aligned
        and not (f.nationalities or f.personnel_types or f.genders)
        and _scope_fits_rollup(scope)
    )


def map_aggregates(
    con: Con,
    filters: Filters | None,
    scope: Scope,
    level: str = "grid",
    cell_deg: float = 1.0,
) -> pd.DataFrame:
    """Incident counts per map area, allowed for every role. level='grid': square cells of
    `cell_deg` degrees (cell centre lat/lon); level='admin_area': per host State x admin area
    (admin area withheld where the policy says so). Columns: keys (cell_lat, cell_lon = cell
    centre; or host_state, admin_area), incidents, killed, injured, detained, abducted.
    1-degree cells of whole months read rollup_map_cells when the selection fits the rollups
    (no past as-of date, no victim-list filter, scope on mission / host State)."""
    f, scope = _check_filters(filters), _check_scope(scope)
    if level not in ("grid", "admin_area"):
        raise ValueError("level must be 'grid' or 'admin_area'")
    cell = float(cell_deg)
    if not (math.isfinite(cell) and 0.01 <= cell <= 45):
        raise ValueError("cell_deg must be between 0.01 and 45")
    w = incident_where(f, "i")
    w.add_pred(scope.incident_predicate("i"))
    sums = (
        "count(*) as incidents, sum(i.killed) as killed, sum(i.injured) as injured,"
        " sum(i.detained) as detained, sum(i.abducted) as abducted"
    )
    if level == "grid" and cell == 1.0 and _map_fits_rollup(f, scope):
        # rollup_map_cells holds floor(lat), floor(lon): the cells of 1 degree
        w = incident_where(f, "i", rollup=True)
        w.add_pred(scope.incident_predicate("i"))
        sql = f"""
            select (floor(i.cell_lat / ?) + 0.5) * ? as cell_lat,
                (floor(i.cell_lon / ?) + 0.5) * ? as cell_lon,
                cast(sum(i.incidents) as bigint) as incidents, sum(i.killed) as killed,
                sum(i.injured) as injured, sum(i.detained) as detained,
                sum(i.abducted) as abducted
            from rollup_map_cells as i where {w.sql} group by 1, 2 order by 1, 2
        """  # noqa: S608
        params = [cell, cell, cell, cell, *w.params]
    elif level == "grid":
        w.add("i.lat is not null and i.lon is not null")
        sql = f"""
            select (floor(i.lat / ?) + 0.5) * ? as cell_lat, (floor(i.lon / ?) + 0.5) * ? as cell_lon, {sums}
            from fact_incidents as i where {w.sql} group by 1, 2 order by 1, 2
        """  # noqa: S608
        params = [cell, cell, cell, cell, *w.params]
    else:
        sql = f"""
            select i.host_state, coalesce(i.admin_area, 'unknown') as admin_area, {sums}
            from fact_incidents as i where {w.sql} group by 1, 2 order by 1, 2
        """  # noqa: S608
        params = list(w.params)
    df = _fill_counts(
        _q(con, sql, params), ("incidents", "killed", "injured", "detained", "abducted")
    )
    return _finish(df, scope, ("incidents", "killed", "injured", "detained", "abducted"))


# ---------------------------------------------------------------------------- deployments
def rates_per_1000(con: Con, filters: Filters | None, scope: Scope, by=()) -> pd.DataFrame:
    """Register fatalities per 1,000 deployed personnel: killed, avg_strength (mean monthly
    strength over the months of the period that have deployment data), killed_per_1000; null
    where no deployment is loaded for the group. `by` within mission, year, nationality
    (= contributing country), gender."""
    f, scope, by = _check_filters(filters), _check_scope(scope), check_dims(by)
    allowed = ("mission", "year", "nationality", "gender")
    bad = [d for d in by if d not in allowed]
    if bad:
        raise ValueError(f"rates per 1,000 group by {', '.join(allowed)} only, not {bad}")
    killed = _persons(con, f, scope, by)[[*by, "killed"]]
    dep_cols = {
        "mission": "d.mission_code",
        "year": "year(d.month)",
        "nationality": "d.contributor",
        "gender": "d.gender",
    }
    w = Where()
    if f.date_from:
        w.add("d.month >= date_trunc('month', ?::date)", f.date_from)
    if f.upper_date:
        w.add("d.month <= ?", f.upper_date)
    if f.missions:
        w.add("list_contains(?::varchar[], d.mission_code)", list(f.missions))
    if f.nationalities:
        w.add("list_contains(?::varchar[], d.contributor)", list(f.nationalities))
    if f.genders:
        w.add("list_contains(?::varchar[], d.gender)", list(f.genders))
    if scope.role == "focal_point":
        w.add_pred(scope.mission_predicate("d.mission_code"))
    elif not scope.is_full:
        w.add_pred(scope.state_predicate("d.contributor"))
    sel, grp = _group_cols(by, lambda d: dep_cols[d])
    inner_sel = sel + "d.month, sum(d.strength) as strength"
    inner_grp = "group by " + ", ".join(str(i + 1) for i in range(len(by) + 1))
    outer_sel = ", ".join(by) + (", " if by else "")
    outer_grp = ("group by " + ", ".join(by)) if by else ""
    sql = f"""
        select {outer_sel} avg(strength) as avg_strength
        from (select {inner_sel} from deployments as d where {w.sql} {inner_grp})
        {outer_grp}
    """  # noqa: S608
    dep = _q(con, sql, w.params)
    df = killed.merge(dep, on=list(by), how="left") if by else pd.concat([killed, dep], axis=1)
    df = _fill_counts(df, ("killed",))
    df["killed_per_1000"] = _rate(df["killed"] * 1000, df["avg_strength"])
    return _finish(
        _sort(df[[*by, "killed", "avg_strength", "killed_per_1000"]], by), scope, ("killed",)
    )


# ---------------------------------------------------------------------------- status
VERIFIED_TAIL_MAX_UNVERIFIED = 0.25


def data_status(con: Con, scope: Scope | None = None) -> dict:
    """What the data is and how fresh: last_updated (latest load), verified_up_to,
    register_snapshot (latest), register_snapshots, latest_incident, synthetic (any demo data
    loaded), and row counts. The same for every scope (it describes the database, not rows).

    verified_up_to: the end of the latest month M such that, of the incidents from M to the
    end, at most 25 % are still 'unverified' (capped at the latest incident date). Old
    incidents that will never be verified do not hold it back; a backlog at the end does.
    """

    def one(sql):
        row = con.execute(sql).fetchone()
        return row[0] if row else None

    last_loaded = one("select max(loaded_at) from load_batches")
    latest_incident = one("select max(incident_date) from fact_incidents")
    verified_month = con.execute(
        """
        with m as (
            select month, count(*) as n, cast(coalesce(count_if(verification = 'unverified'), 0) as bigint) as u
            from fact_incidents group by month
        ),
        tail as (
            select month,
                sum(u) over (order by month desc rows unbounded preceding)
                / sum(n) over (order by month desc rows unbounded preceding) as share
            from m
        )
        select max(month) from tail where share <= ?
        """,
        [VERIFIED_TAIL_MAX_UNVERIFIED],
    ).fetchone()[0]
    verified_up_to = None
    if verified_month is not None:
        month_end = (pd.Timestamp(verified_month) + pd.offsets.MonthEnd(0)).date()
        verified_up_to = min(month_end, latest_incident)
    synthetic = bool(
        one("select bool_or(synthetic) from load_batches")
        or one("select bool_or(synthetic) from register_snapshots")
        or one("select bool_or(synthetic) from fact_incidents")
    )
    return {
        "last_updated": last_loaded,
        "verified_up_to": verified_up_to,
        "register_snapshot": one(
            "select max(snapshot_date) from rollup_persons where source = 'register'"
        ),
        "register_snapshots": [
            r[0]
            for r in con.execute(
                "select distinct snapshot_date from rollup_persons where source = 'register'"
                " and snapshot_date is not null order by 1"
            ).fetchall()
        ],
        "latest_incident": latest_incident,
        "synthetic": synthetic,
        "incidents": one("select count(*) from fact_incidents"),
        "cases": one("select count(*) from fact_cases"),
    }


LOAD_HISTORY_COLUMNS = (
    "batch_id",
    "file_name",
    "kind",
    "rows_read",
    "rows_inserted",
    "rows_updated",
    "loaded_at",
    "synthetic",
    "sha256_prefix",
)
# Who sees which files were loaded, and when. Other roles are not refused: like a field the
# policy withholds (names, coordinates), the rows are left out silently.
LOAD_HISTORY_ROLES = frozenset({"hq", "analyst"})


def load_history(con: Con, scope: Scope) -> pd.DataFrame:
    """Load batches, newest first: batch_id, file_name, kind, rows_read, rows_inserted,
    rows_updated, loaded_at, synthetic, sha256_prefix (the first 12 characters of the file's
    SHA-256; never the whole digest). Headquarters and analysts only: for any other role the
    rows are withheld, not refused: an empty frame with the same columns and
    `attrs["withheld"] = True` (as withheld fields are dropped rather than refused)."""
    scope = _check_scope(scope)
    allowed = scope.role in LOAD_HISTORY_ROLES
    sql = f"""
        select batch_id, file_name, kind, rows_read, rows_inserted, rows_updated, loaded_at,
               synthetic, left(sha256, 12) as sha256_prefix
        from load_batches
        {"" if allowed else "where false"}
        order by loaded_at desc, batch_id desc
    """  # noqa: S608
    df = _finish(_q(con, sql, []), scope, ())
    df.attrs["withheld"] = not allowed
    return df


def catalogue() -> pd.DataFrame:
    """The metric catalogue (metrics/catalogue.py) as a table, one row per metric."""
    return catalogue_frame()


__all__ = [
    "ALL",
    "KPI_COLUMNS",
    "Filters",
    "capacity_building",
    "case_detail",
    "case_list",
    "cases_by_stage",
    "catalogue",
    "completeness",
    "data_status",
    "focal_points",
    "funnel",
    "gender_breakdown",
    "kpi_change",
    "kpis",
    "load_history",
    "map_aggregates",
    "map_points",
    "notifications_by_state",
    "previous_period",
    "rates_per_1000",
    "register_snapshot",
    "series",
    "stalled_cases",
    "stalled_count",
    "state_progress",
    "suspects_by_gender",
    "time_to_justice",
    "women_share_series",
]
