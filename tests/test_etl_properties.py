"""Property tests: loading is idempotent and does not depend on the order of the files."""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_etl_support import cli, dump, file_digest

from etl.extracts import ACT_TYPES, CASE_EVENTS, CASES, INCIDENTS, VERIFICATION, VICTIMS

MISSIONS = [("MINUSCA", "CAF"), ("MONUSCO", "COD"), ("MINUSMA", "MLI")]
# Stages with no order rule between them, so any dates after the incident are valid.
FREE_STAGES = ["notified", "investigation_opened", "suspect_identified", "arrest", "detention"]
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@st.composite
def case_files(draw) -> dict[str, list[list[str]]]:
    """Rows of small consistent extracts, some tables split over two files."""
    rows: dict[str, list[list[str]]] = {
        "incidents": [],
        "victims": [],
        "cases": [],
        "case_events": [],
    }
    for i in range(draw(st.integers(1, 4))):
        day = date(2014, 1, 1) + timedelta(days=draw(st.integers(0, 3000)))
        mission, host = draw(st.sampled_from(MISSIONS))
        iid = f"INC-{i:03d}"
        rows["incidents"].append(
            [
                iid,
                day.isoformat() + draw(st.sampled_from(["", "T06:30", "T23:59:59"])),
                mission,
                host,
                draw(st.sampled_from(["", "Nord-Kivu", "Ouaka"])),
                "",
                draw(st.sampled_from(["", "4.36"])),
                draw(st.sampled_from(["", "18.56"])),
                draw(st.sampled_from(ACT_TYPES)),
                "",
                draw(st.sampled_from(["", "Attack, with comma", 'Quote "inside"'])),
                draw(st.sampled_from(VERIFICATION)),
                "",
            ]
        )
        for v in range(draw(st.integers(0, 3))):
            rows["victims"].append(
                [
                    f"VIC-{i:03d}-{v}",
                    iid,
                    draw(st.sampled_from(["Military", "Police", "Local"])),
                    draw(st.sampled_from(["KHM", "GIN", "BGD", host])),
                    draw(st.sampled_from(["F", "M", "unknown"])),
                    "",
                    draw(st.sampled_from(["killed", "injured", "abducted"])),
                    "",
                    "",
                ]
            )
        for c in range(draw(st.integers(0, 2))):
            cid = f"CASE-{i:03d}-{c}"
            rows["cases"].append([cid, iid, host, ""])
            for e in range(draw(st.integers(0, 3))):
                rows["case_events"].append(
                    [
                        f"EV-{i:03d}-{c}-{e}",
                        cid,
                        (day + timedelta(days=draw(st.integers(0, 900)))).isoformat(),
                        draw(st.sampled_from(FREE_STAGES)),
                        draw(st.sampled_from(["", "1", "12"])),
                        "national authorities",
                    ]
                )
    return rows


HEADERS = {k.table: [c.name for c in k.columns] for k in (INCIDENTS, VICTIMS, CASES, CASE_EVENTS)}


def write(rows: dict[str, list[list[str]]], folder: Path, split: dict[str, int]) -> list[Path]:
    """One file per table, or two when split[table] cuts the rows in two."""
    paths = []
    for table, table_rows in rows.items():
        cut = min(split.get(table, 0), len(table_rows))
        parts = [table_rows[:cut], table_rows[cut:]] if 0 < cut < len(table_rows) else [table_rows]
        for n, part in enumerate(parts):
            path = folder / f"{table}_{n}.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(HEADERS[table])
                w.writerows(part)
            paths.append(path)
    return paths


splits = st.dictionaries(st.sampled_from(list(HEADERS)), st.integers(0, 4), max_size=4)


@SETTINGS
@given(rows=case_files(), split=splits)
def test_loading_twice_equals_loading_once(rows, split):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write(rows, folder, split)
        db = folder / "db.duckdb"
        code, err = cli("load", "--quiet", "--db", db, *files)
        assert code == 0, err
        once, digest = dump(db), file_digest(db)
        code, err = cli("load", "--quiet", "--db", db, *files)
        assert code == 0, err
        assert "nothing to do" in err
        assert file_digest(db) == digest
        assert dump(db) == once


@SETTINGS
@given(rows=case_files(), split=splits, data=st.data())
def test_any_order_of_the_same_files_gives_the_same_database(rows, split, data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write(rows, folder, split)
        shuffled = data.draw(st.permutations(files))
        reference, permuted = folder / "a.duckdb", folder / "b.duckdb"
        assert cli("load", "--quiet", "--db", reference, *files)[0] == 0
        code, err = cli("load", "--quiet", "--db", permuted, *shuffled)
        assert code == 0, err
        assert dump(permuted) == dump(reference)


@SETTINGS
@given(rows=case_files(), split=splits)
def test_parents_then_children_in_two_loads_equals_one_load(rows, split):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write(rows, folder, split)
        one, two = folder / "one.duckdb", folder / "two.duckdb"
        assert cli("load", "--quiet", "--db", one, *files)[0] == 0
        parents = [f for f in files if f.name.startswith(("incidents", "cases"))]
        children = [f for f in files if f not in parents]
        assert cli("load", "--quiet", "--db", two, *parents)[0] == 0
        code, err = cli("load", "--quiet", "--db", two, *children)
        assert code == 0, err
        assert dump(two) == dump(one)
