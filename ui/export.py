"""Table downloads: CSV (UTF-8 with BOM, so Excel reads accents) and XLSX, formula-safe.

A cell whose text starts with =, +, -, @ (or tab / carriage return) would be run as a formula by a
spreadsheet (CSV injection). Text cells that start so are prefixed with an apostrophe in CSV;
XLSX cells are written as strings (xlsxwriter `strings_to_formulas=False`) and prefixed too, so
no reader ever evaluates them. Numbers stay numbers (a negative number is not text).

Downloads take the DataFrame that the page already shows (the same scoped metrics result), never
a new query.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
_STEM = re.compile(r"[^A-Za-z0-9_-]+")


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet will evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of df with text cells and column names neutralised; numbers and dates untouched."""
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        series = out[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[col] = series.map(neutralise).astype(object)
        elif isinstance(series.dtype, pd.CategoricalDtype):
            out[col] = series.astype(object).map(neutralise)
    return out


def _join_list(value: object) -> object:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(map(str, value))
    return value


def _listy_to_text(df: pd.DataFrame) -> pd.DataFrame:
    """Lists/arrays (e.g. nationalities) as '; '-joined text: CSV and XLSX hold scalars."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_join_list)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, formulas neutralised."""
    return safe_frame(_listy_to_text(df)).to_csv(index=False).encode("utf-8-sig")


SYNTHETIC_COLUMN = "synthetic_demo_data"


def mark_synthetic(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with a first column saying SYNTHETIC on every row: a CSV of demonstration data
    carries its label wherever the file goes (a CSV has no place for a note)."""
    out = df.copy()
    out.insert(0, SYNTHETIC_COLUMN, "SYNTHETIC")
    return out


def to_xlsx_bytes(
    df: pd.DataFrame, sheet_name: str = "data", about: list[tuple[str, str]] | None = None
) -> bytes:
    """XLSX of `df` on its first sheet; every text cell written as a string, never as a
    formula. `about`: (label, value) rows written to a second sheet, "about" (provenance)."""
    frame = safe_frame(_listy_to_text(df))
    # timezone-aware datetimes are not supported by Excel
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
            frame[col] = frame[col].dt.tz_localize(None)
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        name = _SAFE_NAME.sub("_", sheet_name)[:31] or "data"
        frame.to_excel(writer, sheet_name=name, index=False)
        sheet = writer.sheets[name]
        for i, col in enumerate(frame.columns):
            width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
            sheet.set_column(i, i, min(width, 60))
        sheet.freeze_panes(1, 0)
        if about:
            info = pd.DataFrame(about, columns=["", " "]).map(neutralise)
            info.to_excel(writer, sheet_name="about", index=False, header=False)
            writer.sheets["about"].set_column(0, 0, 28)
            writer.sheets["about"].set_column(1, 1, 90)
    return buffer.getvalue()


def file_stem(name: str) -> str:
    """A safe file name stem (ASCII letters, digits, -, _)."""
    return _STEM.sub("-", name).strip("-").lower() or "table"
