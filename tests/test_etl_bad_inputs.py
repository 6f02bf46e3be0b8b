"""Every kind of bad input is rejected with a message naming file, row and column, and the
database file is left exactly as it was."""
# ruff: noqa: S608 - SQL built from test constants and pytest temporary paths

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter
from openpyxl.styles import Font
from test_etl_support import (
    CASE_FILES,
    cli,
    copy_case_files,
    file_digest,
    leftovers,
    rewrite,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("base") / "base.duckdb"
    code, err = cli("load", "--quiet", "--db", db, *sorted(CASE_FILES.glob("*.csv")))
    assert code == 0, err
    return db


@pytest.fixture
def db(base_db, tmp_path) -> Path:
    target = tmp_path / "r2589.duckdb"
    shutil.copyfile(base_db, target)
    return target


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    return copy_case_files(tmp_path / "in")


def rejected(db: Path, *paths: Path) -> tuple[str, dict]:
    """Load, expect a rejection that leaves the database untouched; return stderr and report."""
    before = file_digest(db)
    report = db.with_name("report.json")
    code, err = cli("load", "--quiet", "--db", db, "--report", report, *paths)
    assert code == 1, err
    assert file_digest(db) == before, "the database file changed"
    assert leftovers(db) == []
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] == "rejected"
    assert str(report) in err
    return err, data


def test_wrong_header_names_the_file_and_lists_expected_headers(db, files):
    rewrite(files["incidents"], "incident_id,occurred_at,", "incident_id,date,")
    err, _ = rejected(db, files["incidents"])
    assert f"{files['incidents']}:1:occurred_at: header matches no extract kind" in err
    assert "closest kind 'incidents', missing: occurred_at, unexpected: date" in err
    assert "victims: victim_id,incident_id," in err  # every accepted header is listed


def test_bad_date_is_reported_with_row_and_column(db, files):
    rewrite(
        files["case_events"], "EV-0002,CASE-CAF-01,2017-06-01", "EV-0002,CASE-CAF-01,2017-13-01"
    )
    err, report = rejected(db, files["case_events"])
    assert f"{files['case_events']}:3:event_date: not a valid date '2017-13-01'" in err
    assert "use YYYY-MM-DD" in err
    assert report["problems"][0] == {
        "file": str(files["case_events"]),
        "row": 3,
        "column": "event_date",
        "message": "not a valid date '2017-13-01'",
        "fix": "use YYYY-MM-DD, e.g. 2021-04-03",
    }


def test_ambiguous_date_is_an_error_never_a_guess(db, files):
    rewrite(
        files["case_events"], "EV-0007,CASE-MLI-01,2019-03-01", "EV-0007,CASE-MLI-01,03/04/2021"
    )
    rewrite(files["incidents"], "2021-10-05T14:00", "05/10/2021 14:00")
    err, _ = rejected(db, files["case_events"], files["incidents"])
    assert (
        f"{files['case_events']}:8:event_date: ambiguous date '03/04/2021': "
        "day and month cannot be told apart (use YYYY-MM-DD" in err
    )
    # the incident narrative of row 3 spans two lines: INC-0003 is on line 5
    assert f"{files['incidents']}:5:occurred_at: ambiguous date '05/10/2021 14:00'" in err


def test_unknown_mission_and_country_codes(db, files):
    rewrite(
        files["incidents"],
        "INC-0003,2021-10-05T14:00,MONUSCO,COD",
        "INC-0003,2021-10-05T14:00,MONUSKO,CD",
    )
    err, _ = rejected(db, files["incidents"])
    assert f"{files['incidents']}:5:mission_code: unknown mission code 'MONUSKO'" in err
    assert f"{files['incidents']}:5:host_state: unknown country code 'CD'" in err
    assert "ISO 3166-1 alpha-3" in err


def test_dangling_reference_to_nothing_in_the_load_or_the_database(db, files):
    rewrite(files["victims"], "VIC-0006,INC-0004", "VIC-0006,INC-9999")
    err, _ = rejected(db, files["victims"])
    assert (
        f"{files['victims']}:7:incident_id: incident_id 'INC-9999' names no row of incidents, "
        "neither in this load nor in the database" in err
    )


def test_reference_to_a_row_already_in_the_database_is_fine(db, tmp_path):
    extra = tmp_path / "victims_more.csv"
    extra.write_text(
        "victim_id,incident_id,personnel_category,nationality,gender,age_band,outcome,casualty_id,full_name\n"
        "VIC-0100,INC-0004,Police,SEN,F,25-34,detained,,\n",
        encoding="utf-8",
    )
    code, err = cli("load", "--quiet", "--db", db, extra)
    assert code == 0, err


def test_duplicate_id_within_a_file(db, files):
    text = files["suspects"].read_text(encoding="utf-8")
    files["suspects"].write_text(text + "SUS-0001,CASE-MLI-01,,M,charged,\n", encoding="utf-8")
    err, _ = rejected(db, files["suspects"])
    assert (
        f"{files['suspects']}:5:suspect_id: duplicate suspect_id 'SUS-0001' (first at row 2)" in err
    )


def test_same_id_in_two_files_of_one_load(db, files, tmp_path):
    rewrite(files["incidents"], "several peacekeepers killed", "ten peacekeepers killed")
    other = tmp_path / "incidents_b.csv"
    other.write_text(
        files["incidents"].read_text(encoding="utf-8").splitlines()[0]
        + "\nINC-0001,2017-05-13,MINUSCA,CAF,,,,,killing,,,confirmed,\n",
        encoding="utf-8",
    )
    err, _ = rejected(db, files["incidents"], other)
    assert (
        f"{other}:2:incident_id: incident_id 'INC-0001' is also in {files['incidents']} row 2"
        in err
    )


def test_truncated_file_last_line_cut_short(db, files):
    data = files["deployments"].read_bytes()
    files["deployments"].write_bytes(data + b"2023-01-01,MONUSCO,IN")
    err, _ = rejected(db, files["deployments"])
    assert f"{files['deployments']}:5:" in err
    assert "wrong number of fields: Expected Number of Columns: 5 Found: 3" in err


def test_line_with_too_many_fields(db, files):
    rewrite(files["cases"], "CASE-COD-01,INC-0003,COD,", "CASE-COD-01,INC-0003,COD,extra,")
    err, _ = rejected(db, files["cases"])
    assert f"{files['cases']}:4:" in err and "Found: 5" in err


def test_empty_file(db, tmp_path):
    empty = tmp_path / "incidents.csv"
    empty.write_bytes(b"")
    err, _ = rejected(db, empty)
    assert f"{empty}:1:-: empty file" in err


def test_latin1_file_is_rejected_with_a_save_as_utf8_message(db, files):
    text = CASE_FILES.joinpath("assistance.csv").read_text(encoding="utf-8")
    files["assistance"].write_bytes(text.encode("latin-1"))
    err, _ = rejected(db, files["assistance"])
    assert f"{files['assistance']}:3:beneficiary: bytes that are not UTF-8" in err
    assert "Latin-1/Windows-1252" in err and "save it as 'CSV UTF-8" in err


def test_utf16_file_is_rejected_with_a_save_as_utf8_message(db, files):
    text = CASE_FILES.joinpath("assistance.csv").read_text(encoding="utf-8")
    files["assistance"].write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    err, _ = rejected(db, files["assistance"])
    assert f"{files['assistance']}:1:-: file is UTF-16 encoded" in err
    assert "save it as 'CSV UTF-8" in err


def test_every_problem_is_reported_not_only_the_first(db, files):
    rewrite(files["victims"], "VIC-0002,INC-0001,Military,MAR,M", "VIC-0002,INC-0001,Soldier,MAR,X")
    rewrite(
        files["victims"],
        "VIC-0005,INC-0003,Local,COD,unknown,unknown,injured",
        "VIC-0005,INC-0003,Local,COD,unknown,unknown,wounded",
    )
    rewrite(files["notifications"], "2019-02-23", "23.02.2019")
    err, report = rejected(db, files["victims"], files["notifications"])
    located = {(p["file"].rsplit("/", 1)[1], p["row"], p["column"]) for p in report["problems"]}
    assert located == {
        ("victims.csv", 3, "personnel_category"),
        ("victims.csv", 3, "gender"),
        ("victims.csv", 6, "outcome"),
        ("notifications.csv", 3, "sent_at"),
    }
    assert (
        "value 'wounded' is not accepted (one of: killed, injured, detained, abducted, released)"
        in err
    )


def test_judgment_before_investigation_is_an_impossible_sequence(db, files):
    rewrite(
        files["case_events"], "EV-0008,CASE-MLI-01,2023-01-24", "EV-0008,CASE-MLI-01,2019-02-25"
    )
    err, _ = rejected(db, files["case_events"])
    assert (
        f"{files['case_events']}:9:stage: impossible sequence in case CASE-MLI-01: convicted" in err
    )
    assert "before investigation_opened (2019-03-01)" in err


def test_event_before_its_incident_even_when_the_incident_is_in_the_database(db, tmp_path):
    late = tmp_path / "events.csv"
    late.write_text(
        "event_id,case_id,event_date,stage,persons,source\n"
        "EV-0100,CASE-COD-01,2021-09-30,arrest,2,press\n",
        encoding="utf-8",
    )
    err, _ = rejected(db, late)
    assert (
        f"{late}:2:event_date: impossible sequence: event EV-0100 (arrest) dated 2021-09-30" in err
    )


def test_moving_an_incident_after_its_stored_events_is_reported_on_the_incident(db, tmp_path):
    moved = tmp_path / "incidents.csv"
    header = CASE_FILES.joinpath("incidents.csv").read_text(encoding="utf-8").splitlines()[0]
    moved.write_text(
        header + "\nINC-0003,2022-01-01,MONUSCO,COD,,,,,ied_mine,,,probable,\n", encoding="utf-8"
    )
    err, _ = rejected(db, moved)
    assert f"{moved}:2:occurred_at: impossible sequence: event EV-0009" in err


# ---------------------------------------------------------------- XLSX


def _write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    ws.write_formula(r, c, value)
                elif value is not None:
                    ws.write_string(r, c, value) if isinstance(value, str) else ws.write(
                        r, c, value
                    )
    wb.close()
    return path


def _csv_rows(name: str) -> list[list]:
    import csv

    with CASE_FILES.joinpath(name).open(encoding="utf-8", newline="") as f:
        return [[v if v != "" else None for v in row] for row in csv.reader(f)]


def test_xlsx_with_extra_sheets_uses_the_matching_sheet_and_says_so(db, tmp_path):
    rows = _csv_rows("focal_points.csv")
    rows[1][0] = "FP-0009"
    rows[2][0] = "FP-0010"
    book = _write_xlsx(
        tmp_path / "focal.xlsx",
        {
            "Read me": [["Focal points, exported 2024-01-10"]],
            "focal_points": rows,
            "Lists": [["MINUSCA"]],
        },
    )
    code, err = cli("load", "--db", db, book)
    assert code == 0, err
    assert "used sheet(s) 'focal_points'; ignored 'Read me', 'Lists'" in err
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from focal_points").fetchone()[0] == 4
    con.close()


def test_xlsx_problems_use_spreadsheet_row_numbers_and_real_date_cells(db, tmp_path):
    import datetime

    rows = _csv_rows("deployments.csv")
    rows[1][0] = "2023-02-01"
    rows[2][0] = "02/01/2023"
    rows[3][0] = datetime.datetime(2023, 2, 1)  # a real date cell is unambiguous
    rows[1][3], rows[2][3], rows[3][3] = "M", "F", "M"
    book = tmp_path / "deploy.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("deployments")
    date_format = wb.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, datetime.datetime):
                ws.write_datetime(r, c, v, date_format)
            elif v is not None:
                ws.write_string(r, c, v)
    wb.close()
    err, _ = rejected(db, book)
    assert f"{book}[deployments]:3:month: ambiguous date '02/01/2023'" in err
    assert ":4:month" not in err and ":2:month" not in err


def test_xlsx_merged_header_row_is_detected_and_explained(db, tmp_path):
    rows = _csv_rows("focal_points.csv")
    book = tmp_path / "merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "focal_points"
    ws.append(["Mission focal points (para 9)"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    ws["A1"].font = Font(bold=True)
    for row in rows:
        ws.append(row)
    wb.save(book)
    err, _ = rejected(db, book)
    assert f"{book}:1:-: sheet 'focal_points': merged header cells A1:F1" in err
    assert "row 2 holds the 'focal_points' header" in err
    assert "unmerge and delete the title row" in err


def test_xlsx_formula_cells_are_rejected_never_computed(db, tmp_path):
    rows = _csv_rows("assistance.csv")
    rows[1][7] = "=1+2"
    rows[2][8] = "=H2*4"
    book = _write_xlsx(tmp_path / "assist.xlsx", {"assistance": rows})
    err, _ = rejected(db, book)
    assert f"{book}:2:participants_f: sheet 'assistance' cell H2 is a formula (=1+2)" in err
    assert f"{book}:3:participants_m: sheet 'assistance' cell I3 is a formula (=H2*4)" in err
    assert "Paste Special > Values" in err


def test_xlsx_with_no_matching_sheet(db, tmp_path):
    book = _write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["id", "when"], ["1", "2021-01-01"]]})
    err, _ = rejected(db, book)
    assert f"{book}:1:" in err and "sheet 'Sheet1'" in err and "matches no extract kind" in err


# ---------------------------------------------------------------- a file larger than pandas likes

BIG_ROWS = 1_000_000

READER = """
import resource, sys
from etl.__main__ import main
code = main(["load", "--quiet", "--db", sys.argv[1], "--report", sys.argv[2], sys.argv[3]])
print(code, "pandas" in sys.modules, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_large_file_is_streamed_and_validated_in_sql(db, tmp_path):
    """1M incident rows (190 MB of CSV, 1 GB+ as a pandas frame of strings) under a 300 MB
    DuckDB memory limit: validated in SQL, never through pandas; an ambiguous date on the
    very last line is found with its line number; peak memory stays small."""
    big = tmp_path / "incidents_big.csv"
    con = duckdb.connect()
    con.execute(
        f"""copy (select 'BIG-' || lpad(i::varchar, 7, '0') as incident_id,
                    case when i = {BIG_ROWS} then '04/05/2022'
                         else strftime(date '2020-01-01' + (i % 1000)::int, '%Y-%m-%d') end as occurred_at,
                    'MINUSCA' as mission_code, 'CAF' as host_state, 'Haute-Kotto' as admin_area,
                    'Bria' as place, 6.54 as lat, 21.98 as lon, 'armed_attack' as act_type,
                    'armed group ' || (i % 17) as perpetrator_group,
                    'Patrol attacked near the market; one peacekeeper injured, vehicle damaged' as narrative,
                    'probable' as verification, 'mission report' as source
                 from range(1, {BIG_ROWS + 1}) t(i))
            to '{big}' (header, delimiter ',')"""
    )
    con.close()
    before = file_digest(db)
    out = subprocess.run(
        [sys.executable, "-c", READER, str(db), str(tmp_path / "r.json"), str(big)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "R2589_LOAD_MEMORY": "300MB"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    code, pandas_loaded, max_rss_mb = out.stdout.split()  # nothing else on stdout (no progress bar)
    assert code == "1", out.stderr
    assert pandas_loaded == "False"
    assert f"{big}:{BIG_ROWS + 1}:occurred_at: ambiguous date '04/05/2022'" in out.stderr
    assert file_digest(db) == before
    assert int(max_rss_mb) < 700


def test_row_numbers_count_blank_lines_and_lines_inside_quoted_fields(db, tmp_path):
    focal = tmp_path / "focal.csv"
    focal.write_text(
        "focal_point_id,mission_code,function,full_name,from_date,to_date\n"
        "FP-1,MINUSCA,Rule of law,,2022-01-01,\n"
        "\n"
        'FP-2,MINUSCA,"Justice support,\nsecond line",,2022-13-01,\n'
        "FP-3,MINUSCA,Corrections,,01/02/2022,\n"
        "\n",
        encoding="utf-8",
    )
    err, _ = rejected(db, focal)
    assert f"{focal}:4:from_date: not a valid date '2022-13-01'" in err
    assert f"{focal}:6:from_date: ambiguous date '01/02/2022'" in err


def test_semicolon_separated_file_is_explained(db, files):
    text = files["cases"].read_text(encoding="utf-8")
    files["cases"].write_text(text.replace(",", ";"), encoding="utf-8")
    err, _ = rejected(db, files["cases"])
    assert f"{files['cases']}:1:-: header is one column containing ';'" in err
    assert "comma delimited" in err


def test_file_cut_inside_a_quoted_field(db, files):
    data = files["incidents"].read_bytes()
    files["incidents"].write_bytes(
        data + b'INC-0005,2023-05-01,MINUSCA,CAF,,,,,ambush,,"Convoy hit near'
    )
    err, _ = rejected(db, files["incidents"])
    assert f"{files['incidents']}:7:" in err
    assert "unterminated quote" in err
