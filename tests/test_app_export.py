"""Downloads: CSV with BOM and XLSX where no cell can run as a spreadsheet formula."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from openpyxl import load_workbook

from ui.export import file_stem, neutralise, safe_frame, to_csv_bytes, to_xlsx_bytes

HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=x", "plain", "Côte d'Ivoire"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": HOSTILE,
            "count": [1, 2, -3, 4, 5, 6, 7],
            "rate": [0.5, None, 0.25, 1.0, 0.0, 0.1, 0.2],
            "nationalities": [["FRA", "SEN"], [], ["MLI"], ["CAF"], ["COD"], ["TCD"], ["CIV"]],
        }
    )


def test_text_cells_that_start_like_a_formula_are_prefixed():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("@x") == "'@x"
    assert neutralise("-x") == "'-x"
    assert neutralise("+x") == "'+x"
    assert neutralise("plain") == "plain"
    assert neutralise(-3) == -3  # a negative number stays a number


def test_safe_frame_keeps_numbers_and_neutralises_headers():
    df = pd.DataFrame({"=bad": ["=x"], "n": [-1]})
    out = safe_frame(df)
    assert list(out.columns) == ["'=bad", "n"]
    assert out.iloc[0, 0] == "'=x"
    assert out.iloc[0, 1] == -1


def test_csv_has_bom_and_no_cell_starts_with_a_formula_character():
    raw = to_csv_bytes(_frame())
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    for cell in back["text"]:
        assert not str(cell).startswith(("=", "+", "-", "@", "\t"))
    assert "Côte d'Ivoire" in set(back["text"])
    assert back["nationalities"].iloc[0] == "FRA; SEN"
    assert back["count"].tolist() == [1, 2, -3, 4, 5, 6, 7]


def test_xlsx_holds_no_formula_and_keeps_numbers():
    raw = to_xlsx_bytes(_frame(), sheet_name="cases")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element anywhere
    ws = load_workbook(io.BytesIO(raw)).active
    texts = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))]
    for cell in texts:
        assert not str(cell).startswith(("=", "+", "-", "@", "\t"))
    assert ws.cell(row=4, column=2).value == -3
    assert ws.cell(row=1, column=1).value == "text"


def test_file_stem_is_safe():
    assert file_stem("Cases / MINUSCA 2024") == "cases-minusca-2024"
    assert file_stem("../../etc") == "etc"


def test_english_and_french_catalogues_have_the_same_keys():
    from ui.i18n import MESSAGES

    assert set(MESSAGES["en"]) == set(MESSAGES["fr"])
    assert all(MESSAGES["fr"][k].strip() for k in MESSAGES["fr"])
    # a French string equal to the English one is a word both languages write alike, not a
    # sentence left untranslated (the map legend once was)
    alike = {"Missions", "Accident", "Total", "Source", "Mission", "Date", "Incidents"}
    alike |= {"Police", "Suspects", "Participants", "Suspect", "Notification", "Note verbale"}
    same = {MESSAGES["en"][k] for k in MESSAGES["en"] if MESSAGES["en"][k] == MESSAGES["fr"][k]}
    assert same <= alike, same - alike
