"""Data tests run after every load, on the database as it would be committed.

Each test is a named SQL query that returns the offending rows; zero rows = pass. They repeat,
on the whole database, what validation checks file by file (unique keys, not null, accepted
values, relationships, stage order), so a bug in a loader or a model cannot slip through.
Generated from the kinds in etl/extracts.py (accepted values, required columns, references)
plus hand-written whole-table invariants.
"""
# ruff: noqa: S608 - SQL is built only from names and constants in etl/extracts.py (allow-list)

from __future__ import annotations

import re

import duckdb

from etl.extracts import CASE_TRACKING, INCIDENT_TYPES, PERSONNEL_TYPES, STAGE_ORDER
from etl.readers import Problem


def q(name: str) -> str:
    return '"' + name + '"'


def _sql_list(values) -> str:
    # Values come from our own constants (etl/extracts.py), never from a file.
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def data_tests() -> list[tuple[str, str]]:
    """(name, sql) pairs; each sql returns offending rows."""
    tests: list[tuple[str, str]] = []
    for kind in CASE_TRACKING:
        t = q(kind.table)
        key = ", ".join(q(k) for k in kind.key)
        tests.append(
            (
                f"unique_{kind.table}_{'_'.join(kind.key)}",
                f"select {key}, count(*) from {t} group by all having count(*) > 1",
            )
        )
        for c in kind.columns:
            if c.required:
                tests.append(
                    (
                        f"not_null_{kind.table}_{c.name}",
                        f"select * from {t} where {q(c.name)} is null",
                    )
                )
            if c.accepted:
                tests.append(
                    (
                        f"accepted_values_{kind.table}_{c.name}",
                        f"select {q(c.name)} from {t} where {q(c.name)} not in {_sql_list(c.accepted)}",
                    )
                )
            if c.code == "mission":
                tests.append(
                    (
                        f"relationships_{kind.table}_{c.name}_ref_missions",
                        f"select {q(c.name)} from {t} where {q(c.name)} not in "
                        "(select mission_code from ref_missions)",
                    )
                )
            if c.code == "country":
                tests.append(
                    (
                        f"relationships_{kind.table}_{c.name}_ref_countries",
                        f"select {q(c.name)} from {t} where {q(c.name)} not in "
                        "(select iso3 from ref_countries)",
                    )
                )
        for ref in kind.references:
            tests.append(
                (
                    f"relationships_{kind.table}_{ref.column}_{ref.table}",
                    f"select {q(ref.column)} from {t} where {q(ref.column)} not in "
                    f"(select {q(ref.parent_column)} from {q(ref.table)})",
                )
            )
        tests.append(
            (
                f"relationships_{kind.table}_batch_id_load_batches",
                f"select batch_id from {t} where batch_id not in (select batch_id from load_batches)",
            )
        )
    tests += [
        (
            "unique_register_records_key",
            "select snapshot_date, casualty_id, nationality_name, count(*) from register_records "
            "group by all having count(*) > 1",
        ),
        (
            "accepted_values_register_records_incident_type",
            f"select incident_type from register_records where incident_type not in {_sql_list(INCIDENT_TYPES)}",
        ),
        (
            "accepted_values_register_records_personnel_type",
            "select personnel_type from register_records where personnel_type not in "
            f"{_sql_list(PERSONNEL_TYPES)}",
        ),
        (
            "accepted_values_register_records_gender",
            "select gender from register_records where gender not in ('M', 'F')",
        ),
        (
            "relationships_register_records_mission_code_ref_missions",
            "select mission_code from register_records where mission_code not in "
            "(select mission_code from ref_missions)",
        ),
        (
            "register_snapshots_rows_match_records",
            "select s.snapshot_date, s.rows, count(r.casualty_id) from register_snapshots s "
            "left join register_records r using (snapshot_date) group by all "
            "having count(r.casualty_id) <> s.rows",
        ),
        (
            "relationships_register_records_batch_id_load_batches",
            "select batch_id from register_records where batch_id not in (select batch_id from load_batches)",
        ),
        (
            "case_events_not_before_incident",
            "select e.event_id from case_events e join cases c using (case_id) "
            "join incidents i using (incident_id) where e.event_date < cast(i.occurred_at as date)",
        ),
        (
            "notifications_not_before_incident",
            "select n.notification_id from notifications n join incidents i using (incident_id) "
            "where cast(n.sent_at as date) < cast(i.occurred_at as date)",
        ),
    ]
    for later, earlier in STAGE_ORDER:
        tests.append(
            (
                f"stage_order_{later[0]}_after_{earlier[0]}",
                "select e.event_id from case_events e join (select case_id, min(event_date) as d "
                f"from case_events where stage in {_sql_list(earlier)} group by case_id) f "
                f"using (case_id) where e.stage in {_sql_list(later)} and e.event_date < f.d",
            )
        )
    return tests


_ROW_TEST = re.compile(r"^select .+? from (\"?[a-z_]+\"?) where (.+)$", re.S)


def run(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Problems for every data test that returns rows (with up to 5 examples each).

    Tests of the form `select ... from T where C` are counted together, one scan per table;
    the others (unique, whole-table invariants) run on their own."""
    tests = data_tests()
    by_table: dict[str, list[tuple[int, str]]] = {}
    others: list[int] = []
    for i, (_, sql) in enumerate(tests):
        m = _ROW_TEST.match(sql)
        if m and " join " not in sql and " group by " not in sql:
            by_table.setdefault(m.group(1), []).append((i, m.group(2)))
        else:
            others.append(i)
    counts: dict[int, int] = {}
    for table, conds in by_table.items():
        row = con.execute(
            "select "
            + ", ".join(f"count(*) filter (where {c})" for _, c in conds)  # noqa: S608
            + f" from {table}"
        ).fetchone()
        counts.update({i: n for (i, _), n in zip(conds, row, strict=True)})
    if others:
        counts.update(
            con.execute(
                " union all ".join(
                    f"select {i} as test, count(*) as n from ({tests[i][1]})"  # noqa: S608
                    for i in others
                )
            ).fetchall()
        )
    out = []
    for i, n in sorted(counts.items()):
        if not n:
            continue
        name, sql = tests[i]
        examples = con.execute(f"select * from ({sql}) limit 5").fetchall()  # noqa: S608
        out.append(
            Problem(
                "data test",
                None,
                name,
                f"{n} offending rows, e.g. {examples}",
                "a loader or model bug: the load is rejected; report it with this message",
            )
        )
    return out
