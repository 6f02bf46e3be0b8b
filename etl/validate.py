"""Validation of staged extracts, in SQL over the staging tables (any size, never pandas).

Two passes, each reporting every problem it finds (capped at MAX_REPORTED per file and check,
the rest counted):
1. per file: required values, ISO dates, numbers, accepted values, mission and country codes
   against the reference tables, duplicate keys, per-row date order;
2. across the load and the database (only when pass 1 is clean): the same key in two files,
   references (victim -> incident, case -> incident, event -> case, suspect -> case,
   notification -> incident) and impossible sequences (an event before its incident, a
   judgment before the investigation...).
Identifiers in SQL come from etl/extracts.py (our allow-list); values are bound parameters.
"""
# ruff: noqa: S608 - identifiers come from etl/extracts.py (allow-list); values are bound or come from the staged data inside SQL

from __future__ import annotations

import duckdb

from etl.extracts import (
    COUNTRY,
    DATE,
    INTEGER,
    LATITUDE,
    LONGITUDE,
    M49,
    MISSION,
    STAGE_ORDER,
    TIMESTAMP,
    Column,
    ExtractKind,
)
from etl.readers import MAX_REPORTED, Problem, Staged

ISO_DATE = r"\d{4}-\d{2}-\d{2}"
ISO_TIMESTAMP = r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?"
SLASHED = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"


def q(name: str) -> str:
    """Quote an identifier that comes from our allow-list."""
    return '"' + name.replace('"', '""') + '"'


def typed(col: Column, expr: str | None = None) -> str:
    """SQL turning the staged text of `col` into its stored type."""
    e = expr or q(col.name)
    if col.default is not None:
        e = f"coalesce(nullif(trim({e}), ''), '{col.default}')"
    if col.type == DATE:
        return f"cast({e} as date)"
    if col.type == TIMESTAMP:
        return f"cast(replace({e}, 'T', ' ') as timestamp)"
    if col.type == INTEGER:
        return f"cast({e} as bigint)"
    if col.type == M49:
        return f"cast(cast({e} as double) as integer)"
    if col.type in (LATITUDE, LONGITUDE):
        return f"cast({e} as double)"
    return e


def blank(v: str) -> str:
    """SQL: the staged text `v` is empty (null, '' or only spaces)."""
    return f"{v} is null or trim({v}) = ''"


def _column_checks(
    kind: ExtractKind, col: Column, is_blank: str | None = None
) -> list[tuple[str, str, str, list]]:
    """(condition, message expr, fix expr, params) for one column; `v` is the value.
    `is_blank`: a boolean column already holding blank(v) (computed once per row for the
    counting scan instead of once per check)."""
    v = q(col.name)
    checks: list[tuple[str, str, str, list]] = []
    if col.required:
        checks.append(
            (
                is_blank or blank(v),
                "'missing value: " + col.name + " is required'",
                "'fill it in'",
                [],
            )
        )
    present = f"not {is_blank}" if is_blank else f"{v} is not null and trim({v}) <> ''"
    if col.type == DATE:
        checks.append(
            (
                f"{present} and not (regexp_full_match({v}, '{ISO_DATE}') "
                f"and try_cast({v} as date) is not null)",
                f"case when regexp_full_match(trim({v}), '{SLASHED}') "
                f"then 'ambiguous date ''' || {v} || ''': day and month cannot be told apart' "
                f"else 'not a valid date ''' || {v} || '''' end",
                "'use YYYY-MM-DD, e.g. 2021-04-03'",
                [],
            )
        )
    elif col.type == TIMESTAMP:
        checks.append(
            (
                f"{present} and not (regexp_full_match({v}, '{ISO_TIMESTAMP}') "
                f"and try_cast(replace({v}, 'T', ' ') as timestamp) is not null)",
                f"case when regexp_full_match(split_part(trim({v}), ' ', 1), '{SLASHED}') "
                f"then 'ambiguous date ''' || {v} || ''': day and month cannot be told apart' "
                f"else 'not a valid ISO date or date-time ''' || {v} || '''' end",
                "'use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], e.g. 2021-04-03T14:30'",
                [],
            )
        )
    elif col.type == INTEGER:
        checks.append(
            (
                f"{present} and try_cast(case when regexp_full_match({v}, '\\d+') then {v} end "
                f"as integer) is null",
                f"'not a whole number >= 0: ''' || {v} || ''''",
                "'write digits only, e.g. 3'",
                [],
            )
        )
    elif col.type == M49:
        checks.append(
            (
                f"{present} and not regexp_full_match({v}, '\\d{{1,3}}(\\.0+)?')",
                f"'not an M49 code: ''' || {v} || ''''",
                "'a UN M49 country code, e.g. 250'",
                [],
            )
        )
    elif col.type in (LATITUDE, LONGITUDE):
        limit = 90 if col.type == LATITUDE else 180
        checks.append(
            (
                f"{present} and coalesce(abs(try_cast({v} as double)) > {limit}, true)",
                f"'not a {col.type} in decimal degrees: ''' || {v} || ''''",
                f"'a number between -{limit} and {limit}, e.g. 4.3612'",
                [],
            )
        )
    if col.accepted:
        value = f"trim({v})" if kind.is_register else v
        checks.append(
            (
                f"{present} and not list_contains(?::varchar[], {value})",
                f"'value ''' || {v} || ''' is not accepted'",
                "'one of: ' || array_to_string(?::varchar[], ', ')",
                [list(col.accepted), list(col.accepted)],
            )
        )
    if col.code == MISSION:
        checks.append(
            (
                f"{present} and {v} not in (select alias from ref_mission_aliases)",
                f"'unknown mission code ''' || {v} || ''''",
                "'use a code or alias listed in data/reference/mission_aliases.csv, e.g. MINUSCA'",
                [],
            )
        )
    if col.code == COUNTRY:
        checks.append(
            (
                f"{present} and {v} not in (select iso3 from ref_countries)",
                f"'unknown country code ''' || {v} || ''''",
                "'use an ISO 3166-1 alpha-3 code listed in data/reference/countries.csv, e.g. CAF'",
                [],
            )
        )
    return checks


# Per-row rules across columns: (kind, column reported, condition, message, fix).
ROW_RULES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "assistance",
        "end_date",
        "try_cast(end_date as date) < try_cast(start_date as date)",
        "'end_date ' || end_date || ' is before start_date ' || start_date",
        "'check both dates'",
    ),
    (
        "focal_points",
        "to_date",
        "try_cast(to_date as date) < try_cast(from_date as date)",
        "'to_date ' || to_date || ' is before from_date ' || from_date",
        "'check both dates'",
    ),
    (
        "notifications",
        "answer_received_on",
        "try_cast(answer_received_on as date) "
        "< cast(try_cast(replace(sent_at, 'T', ' ') as timestamp) as date)",
        "'answer_received_on ' || answer_received_on || ' is before sent_at ' || sent_at",
        "'an answer cannot come before the notification; check both dates'",
    ),
    (
        "deployments",
        "month",
        "day(try_cast(month as date)) <> 1",
        "'month ' || month || ' is not the first day of a month'",
        "'write the month as YYYY-MM-01'",
    ),
)


def _collect(
    con: duckdb.DuckDBPyConnection,
    problems: list[Problem],
    file: str,
    column: str | None,
    sql: str,
    params: list,
) -> None:
    """Run a query returning (row, message, fix) and append problems (capped)."""
    rows = con.execute(
        f"select * from ({sql}) order by 1 limit {MAX_REPORTED + 1}", params
    ).fetchall()
    for row, message, fix in rows[:MAX_REPORTED]:
        problems.append(Problem(file, row, column, message, fix or ""))
    if len(rows) > MAX_REPORTED:
        total = con.execute(f"select count(*) from ({sql})", params).fetchone()[0]
        problems.append(
            Problem(file, None, column, f"... and {total - MAX_REPORTED} more rows like these")
        )


def check_file(con: duckdb.DuckDBPyConnection, s: Staged, problems: list[Problem]) -> None:
    """Pass 1: every per-file check on one staged extract."""
    kind, t, file = s.kind, s.table, s.label
    checks: list[tuple[str, str, str, str, list]] = []  # column, condition, message, fix, params
    counted: list[str] = []  # the same conditions over the blank flags of the counting scan
    flags: list[str] = []
    for i, col in enumerate(kind.columns):
        flag = f"_blank{i}"
        flags.append(f"({blank(q(col.name))}) as {flag}")
        for (cond, message, fix, params), (fast, *_) in zip(
            _column_checks(kind, col), _column_checks(kind, col, flag), strict=True
        ):
            checks.append((col.name, cond, message, fix, params))
            counted.append(fast)
    for rule_kind, column, cond, message, fix in ROW_RULES:
        if rule_kind == kind.name:
            checks.append((column, cond, message, fix, []))
            counted.append(cond)
    # One scan counts every check (each column's blank test computed once per row); only
    # failing checks are queried again for their rows.
    counts = con.execute(
        "select "  # noqa: S608
        + ", ".join(f"count(*) filter (where {cond})" for cond in counted)
        + f" from (select *, {', '.join(flags)} from {t})",
        [p for _, _, _, _, params in checks for p in params[:1]],
    ).fetchone()
    for n, (column, cond, message, fix, params) in zip(counts, checks, strict=True):
        if n:
            _collect(
                con,
                problems,
                file,
                column,
                f"select _row, {message}, {fix} from {t} where {cond}",  # noqa: S608
                params,
            )
    key = ", ".join(q(k) for k in kind.key)
    key_text = " || ' / ' || ".join(f"coalesce({q(k)}, '')" for k in kind.key)
    # A hash aggregate tells whether any key repeats; the window query locates repeats only then.
    repeats = con.execute(
        f"select count(*) from (select 1 from {t} group by {key} having count(*) > 1)"  # noqa: S608
    ).fetchone()[0]
    if repeats:
        _collect(
            con,
            problems,
            file,
            kind.key[0],
            f"""select _row, 'duplicate {"/".join(kind.key)} ''' || {key_text}
                       || ''' (first at row ' || first_row || ')',
                       'each {"/".join(kind.key)} appears once per file; remove or renumber the repeat'
                from (select _row, {key}, min(_row) over (partition by {key}) as first_row from {t})
                where _row <> first_row""",  # noqa: S608
            [],
        )
    if kind.name == "register_new":
        _collect(
            con,
            problems,
            file,
            "last_update",
            f"""select _row, 'last_update ' || last_update || ' differs from ' || common
                       || ', the date of the rest of the file',
                       'one file is one snapshot: every row has the same last_update'
                from {t}, (select mode(last_update) as common from {t})
                where last_update <> common""",  # noqa: S608
            [],
        )


def check_load(
    con: duckdb.DuckDBPyConnection, staged: list[Staged], problems: list[Problem]
) -> None:
    """Pass 2, over the typed staging views `stg_<table>` (columns + _file, _row) built by
    etl/load.py and the tables already in the database."""
    kinds = {s.kind.table: s.kind for s in staged if not s.kind.is_register}
    # The same key in two files of one load: the load would depend on file order.
    files_of = {t: sum(1 for s in staged if s.kind.table == t) for t in kinds}
    for table, kind in kinds.items():
        if files_of[table] < 2:
            continue
        key = ", ".join(q(k) for k in kind.key)
        key_text = " || ' / ' || ".join(f"cast({q(k)} as varchar)" for k in kind.key)
        rows = con.execute(
            f"""select _file, _row, {key_text}, first_file, first_row from (
                    select _file, _row, {key},
                        first_value(_file) over w as first_file,
                        first_value(_row) over w as first_row
                    from stg_{table}
                    window w as (partition by {key} order by _file, _row))
                where _file <> first_file order by _file, _row limit {MAX_REPORTED}"""  # noqa: S608
        ).fetchall()
        for file, row, key_value, first_file, first_row in rows:
            problems.append(
                Problem(
                    file,
                    row,
                    kind.key[0],
                    f"{'/'.join(kind.key)} '{key_value}' is also in {first_file} row {first_row}",
                    "give each record in one file of the load only",
                )
            )
    # References: to a row staged in this load or already in the database.
    for table, kind in kinds.items():
        for ref in kind.references:
            parents = f"(select {q(ref.parent_column)} from {q(ref.table)}"
            if ref.table in kinds:
                parents += f" union all select {q(ref.parent_column)} from stg_{ref.table}"
            parents += ")"
            rows = con.execute(
                f"""select _file, _row, {q(ref.column)} from stg_{table}
                    where {q(ref.column)} not in {parents}
                    order by _file, _row limit {MAX_REPORTED}"""  # noqa: S608
            ).fetchall()
            for file, row, value in rows:
                problems.append(
                    Problem(
                        file,
                        row,
                        ref.column,
                        f"{ref.column} '{value}' names no row of {ref.table}, "
                        "neither in this load nor in the database",
                        f"load the {ref.table} file that has it in the same load, or correct the id",
                    )
                )
    if problems:
        return
    _check_sequences(con, kinds, problems)


def effective(con: duckdb.DuckDBPyConnection, kind: ExtractKind, staged: bool) -> str:
    """SQL of the table as it will be after the load: staged rows win over stored rows."""
    cols = ", ".join(q(c.name) for c in kind.columns)
    stored = f"select {cols}, null::varchar as _file, null::bigint as _row from {q(kind.table)}"
    if not staged:
        return stored
    key = ", ".join(q(k) for k in kind.key)
    return (
        f"select {cols}, _file, _row from stg_{kind.table} union all "
        f"{stored} where ({key}) not in (select ({key}) from stg_{kind.table})"
    )


def _check_sequences(
    con: duckdb.DuckDBPyConnection, kinds: dict[str, ExtractKind], problems: list[Problem]
) -> None:
    from etl.extracts import CASE_EVENTS, CASES, INCIDENTS, NOTIFICATIONS

    if not ({"incidents", "cases", "case_events", "notifications"} & kinds.keys()):
        return
    eff = {
        k.table: effective(con, k, k.table in kinds)
        for k in (INCIDENTS, CASES, CASE_EVENTS, NOTIFICATIONS)
    }

    def empty(table: str) -> bool:
        """No row in this load nor in the database: every check on its rows finds nothing."""
        return (
            table not in kinds
            and not con.execute(f"select exists (select 1 from {q(table)})").fetchone()[0]
        )

    if empty("case_events") and empty("notifications"):
        return
    # An event dated before its incident: reported on the event row, or on the incident row
    # when only the incident comes from this load.
    rows = con.execute(
        f"""with i as ({eff["incidents"]}), c as ({eff["cases"]}), e as ({eff["case_events"]})
            select coalesce(e._file, i._file), coalesce(e._row, i._row),
                   case when e._file is null then 'occurred_at' else 'event_date' end,
                   e.event_id, e.stage, e.event_date, i.incident_id, cast(i.occurred_at as date)
            from e join c using (case_id) join i using (incident_id)
            where e.event_date < cast(i.occurred_at as date)
              and coalesce(e._file, i._file) is not null
            order by 1, 2 limit {MAX_REPORTED}"""  # noqa: S608
    ).fetchall()
    for file, row, column, event_id, stage, event_date, incident_id, incident_date in rows:
        problems.append(
            Problem(
                file,
                row,
                column,
                f"impossible sequence: event {event_id} ({stage}) dated {event_date} is before "
                f"incident {incident_id} of {incident_date}",
                "a case event cannot precede the incident; check both dates",
            )
        )
    rows = con.execute(
        f"""with i as ({eff["incidents"]}), n as ({eff["notifications"]})
            select coalesce(n._file, i._file), coalesce(n._row, i._row),
                   case when n._file is null then 'occurred_at' else 'sent_at' end,
                   n.notification_id, n.sent_at, i.incident_id, i.occurred_at
            from n join i using (incident_id)
            where cast(n.sent_at as date) < cast(i.occurred_at as date)
              and coalesce(n._file, i._file) is not null
            order by 1, 2 limit {MAX_REPORTED}"""  # noqa: S608
    ).fetchall()
    for file, row, column, nid, sent_at, incident_id, occurred_at in rows:
        problems.append(
            Problem(
                file,
                row,
                column,
                f"impossible sequence: notification {nid} sent {sent_at:%Y-%m-%d} is before "
                f"incident {incident_id} of {occurred_at:%Y-%m-%d}",
                "a notification cannot precede the incident; check both dates",
            )
        )
    for later, earlier in STAGE_ORDER:
        rows = con.execute(
            f"""with e as ({eff["case_events"]}),
                first_earlier as (
                    select case_id, min(event_date) as d, arg_min(stage, event_date) as s,
                           arg_min(_file, event_date) as f, arg_min(_row, event_date) as r
                    from e where stage in (select unnest(?::varchar[])) group by case_id)
                select coalesce(e._file, fe.f), coalesce(e._row, fe.r),
                       case when e._file is null then 'event_date' else 'stage' end,
                       e.case_id, e.event_id, e.stage, e.event_date, fe.s, fe.d
                from e join first_earlier fe using (case_id)
                where e.stage in (select unnest(?::varchar[])) and e.event_date < fe.d
                  and coalesce(e._file, fe.f) is not null
                order by 1, 2 limit {MAX_REPORTED}""",  # noqa: S608
            [list(earlier), list(later)],
        ).fetchall()
        for file, row, column, case_id, event_id, stage, d, first_stage, first_d in rows:
            problems.append(
                Problem(
                    file,
                    row,
                    column,
                    f"impossible sequence in case {case_id}: {stage} (event {event_id}, {d}) "
                    f"before {first_stage} ({first_d})",
                    f"{stage} cannot precede {' / '.join(earlier)}; check the dates and stages",
                )
            )
