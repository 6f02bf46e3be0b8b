"""Readers: put the rows of one extract file, as text, into a staging table of the load.

Every staging table has the kind's columns (all VARCHAR, staged names) plus `_row`, the row
number a person sees: the line number in a CSV (header = row 1), the spreadsheet row in an XLSX.

- CSV goes through DuckDB's own reader (streaming, never pandas), strict about structure:
  a line with too few or too many fields (a truncated file) is reported with its line number.
- Encodings: UTF-8 only (a BOM is fine). UTF-16 and Latin-1/Windows-1252 files are rejected with
  a message saying how to save as UTF-8; they are never transcoded by guess, because the two
  8-bit encodings differ on exactly the characters names need (é, ô, ’).
- XLSX goes through fastexcel (calamine): every sheet whose header row matches a kind is loaded
  (a note says which sheets were used and which ignored). Formula cells are rejected, never
  computed and never taken from the cached value: a cached value may be stale or absent (files
  written by scripts carry none). A merged header row is detected and explained.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import duckdb

from etl.extracts import DATE, ExtractKind, clean_header, closest, describe_expected, recognise

MAX_REPORTED = 1000  # problems reported per file and check; the rest are counted


@dataclass(frozen=True)
class Problem:
    """One problem, located as a person finds it: file, row (header = 1), column."""

    file: str
    row: int | None
    column: str | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.row if self.row is not None else '-'}:{self.column or '-'}"
        return f"{where}: {self.message}" + (f" ({self.fix})" if self.fix else "")

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass
class Staged:
    """One extract staged for a load: a file, or one sheet of a workbook."""

    path: Path
    kind: ExtractKind
    table: str  # staging table name (ours, never from the file)
    rows: int
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.path}[{self.sheet}]" if self.sheet else str(self.path)


def stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    prefix: str,
    problems: list[Problem],
    lines: int | None = None,
) -> list[Staged]:
    """Stage one file (CSV or XLSX). Problems are appended; returns what could be staged."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _stage_xlsx(con, path, prefix, problems)
    if suffix in (".csv", ".txt", ""):
        staged = _stage_csv(con, path, prefix, problems, lines)
        return [staged] if staged else []
    problems.append(
        Problem(
            str(path),
            None,
            None,
            f"unsupported file type '{suffix}'",
            "give a .csv (UTF-8) or .xlsx file",
        )
    )
    return []


# ---------------------------------------------------------------- CSV


def _sniff_encoding(path: Path, head: bytes) -> Problem | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4096]:
        return Problem(
            str(path),
            1,
            None,
            "file is UTF-16 encoded (as saved by 'Unicode Text' in Excel); only UTF-8 is read",
            "save it as 'CSV UTF-8 (comma delimited)', or convert it: iconv -f UTF-16 -t UTF-8",
        )
    return None


def _not_utf8(path: Path, line: int, column: str | None, sample: bytes | str) -> Problem:
    return Problem(
        str(path),
        line,
        column,
        f"bytes that are not UTF-8 in {sample!r}: the file looks Latin-1/Windows-1252 encoded",
        "save it as 'CSV UTF-8 (comma delimited)', or convert it: "
        "iconv -f WINDOWS-1252 -t UTF-8; it is not converted by guess",
    )


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    prefix: str,
    problems: list[Problem],
    lines: int | None = None,
) -> Staged | None:
    with path.open("rb") as f:
        head = f.read(65536)
    if not head.strip().lstrip(codecs.BOM_UTF8).strip():
        problems.append(
            Problem(
                str(path),
                1,
                None,
                "empty file: no header and no rows",
                "export the extract again; the first line must be the header",
            )
        )
        return None
    if p := _sniff_encoding(path, head):
        problems.append(p)
        return None
    first_line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header = next(csv.reader([first_line.decode("utf-8-sig")]))
    except UnicodeDecodeError:
        problems.append(_not_utf8(path, 1, None, first_line[:80]))
        return None
    kind = recognise(header)
    if kind is None:
        problems.append(wrong_header(str(path), header))
        return None

    # Staged names in file order; the header line is skipped by the reader.
    file_names = clean_header(header)
    staged_names = [kind.columns[kind.header.index(n)].name for n in file_names]
    columns = {n: "VARCHAR" for n in staged_names}
    data = f"{prefix}_data"
    table = f"{prefix}_raw"
    rejects = f"{prefix}_rejects"
    try:
        con.execute(
            f"""create temp table {data} as
                select * from read_csv(?, header = true, auto_detect = false, columns = ?,
                    delim = ',', quote = '"', escape = '"', all_varchar = true,
                    store_rejects = true, rejects_table = '{rejects}',
                    rejects_scan = '{prefix}_scan', max_line_size = 10000000)""",  # noqa: S608 - names are ours
            [str(path), columns],
        )
    except duckdb.Error as e:
        m = re.search(r"[Ll]ine:? (\d+)", str(e))
        problems.append(
            Problem(
                str(path),
                int(m.group(1)) if m else None,
                None,
                f"unreadable CSV: {str(e).splitlines()[0]}",
                "check quoting: a field that contains a comma or a quote must be in double quotes",
            )
        )
        return None
    structural = con.execute(
        f"""select line, column_name, error_type::varchar, csv_line, error_message
            from {rejects} order by line limit {MAX_REPORTED + 1}"""  # noqa: S608
    ).fetchall()
    n_rejects = con.execute(f"select count(*) from {rejects}").fetchone()[0]  # noqa: S608
    if structural:
        # DuckDB numbers records (a quoted field spanning lines counts once): convert its
        # numbers to the lines a person sees.
        starts = _record_starts(path)
        structural = [
            (starts[r[0] - 1] if 0 < r[0] <= len(starts) else r[0], *r[1:]) for r in structural
        ]
    for line, column, error_type, csv_line, message in structural[:MAX_REPORTED]:
        if error_type == "INVALID ENCODING":
            problems.append(_not_utf8(path, line, column, (csv_line or "")[:80]))
        elif error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            problems.append(
                Problem(
                    str(path),
                    line,
                    column,
                    f"wrong number of fields: {message} (a truncated or hand-edited line?)",
                    f"each line needs the {len(staged_names)} fields of the header; "
                    "quote fields that contain commas",
                )
            )
        else:
            problems.append(
                Problem(
                    str(path),
                    line,
                    column,
                    f"unreadable line ({error_type.lower()}): {message}",
                    'check quoting: quotes inside a field are doubled ("")',
                )
            )
    if n_rejects > MAX_REPORTED:
        problems.append(
            Problem(
                str(path), None, None, f"... and {n_rejects - MAX_REPORTED} more unreadable lines"
            )
        )
    if n_rejects:
        # Line numbers of the remaining rows are no longer known: stop here for this file.
        return None
    _add_row_numbers(con, data, table, path, lines)
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
    staged = Staged(path, kind, table, rows)
    if rows == 0:
        staged.notes.append(f"{path}: header only, no data rows")
    return staged


def _record_starts(path: Path) -> list[int]:
    """Line where each record starts, header and blank lines included (index 0 = header)."""
    starts = []
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f)
        line = 0
        try:
            for _ in reader:
                starts.append(line + 1)
                line = reader.line_num
        except csv.Error:
            starts.append(line + 1)
    return starts


def count_lines(path: Path) -> int:
    """Lines in a file as an editor counts them (a last line without newline counts)."""
    n, last = 0, b"\n"
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def _add_row_numbers(
    con: duckdb.DuckDBPyConnection, data: str, table: str, path: Path, lines: int | None
) -> None:
    """Expose `data` as the view `table` with `_row` = line number. Staged outside the
    transaction, the table keeps file order in its rowid, so row = rowid + 2 as long as no quoted
    field spans lines (the file has exactly one line per row plus the header); otherwise the line
    where each record starts is found with Python's csv module (slower, only then)."""
    rows = con.execute(f"select count(*) from {data}").fetchone()[0]  # noqa: S608
    if lines is None:
        lines = count_lines(path)
    if lines <= rows + 1:
        con.execute(f"create temp view {table} as select *, rowid + 2 as _row from {data}")  # noqa: S608
        return
    import pyarrow as pa

    starts = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        line = reader.line_num
        for record in reader:
            if record:  # DuckDB skips blank lines; so do we, keeping their line numbers
                starts.append(line + 1)
            line = reader.line_num
    row_map = pa.table(
        {"i": pa.array(range(len(starts)), pa.int64()), "line": pa.array(starts, pa.int64())}
    )
    con.execute("select 1").fetchall()  # DuckDB 2: no register() with a pending result
    con.register(f"{data}_lines", row_map)
    con.execute(
        f"create temp table {table} as select d.*, m.line as _row "  # noqa: S608
        f"from (select rowid as _i, * from {data}) d join {data}_lines m on m.i = d._i"
    ).fetchall()
    con.execute(f"alter table {table} drop column _i")  # noqa: S608
    con.unregister(f"{data}_lines")


def wrong_header(file: str, header: list, sheet: str | None = None) -> Problem:
    names = clean_header(header)
    near = closest(names)
    missing = [c for c in near.header if c not in names]
    extra = [c for c in names if c not in near.header]
    where = f" (sheet '{sheet}')" if sheet else ""
    if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
        sep = next(sep for sep in ";\t|" if sep in names[0])
        return Problem(
            file,
            1,
            None,
            f"header{where} is one column containing {sep!r}: the file is not comma-separated",
            "save it as 'CSV UTF-8 (comma delimited)' (Excel in a French or German locale "
            "writes semicolons by default)",
        )
    detail = f"closest kind '{near.name}'"
    if missing:
        detail += f", missing: {','.join(missing)}"
    if extra:
        detail += f", unexpected: {','.join(extra)}"
    return Problem(
        file,
        1,
        (missing or extra or [None])[0],
        f"header{where} matches no extract kind ({detail}); got: {','.join(names)}",
        "row 1 must be exactly one of these headers (any column order):\n" + describe_expected(),
    )


# ---------------------------------------------------------------- XLSX

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_FORMULA_RE = re.compile(rb"<f[ >/]")
_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the workbook."""
    wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for s in wb.findall("m:sheets/m:sheet", _NS):
        t = target.get(s.get(f"{{{_NS['r']}}}id"), "")
        out[s.get("name")] = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _scan_sheet_xml(z: zipfile.ZipFile, part: str | None) -> tuple[bool, list[tuple]]:
    """(has formula cells, merged ranges touching rows 1-2), streaming the sheet XML in chunks
    so a large sheet is never held in memory twice."""
    if part is None:
        return False, []
    has_formula, merges, tail = False, [], b""
    with z.open(part) as f:
        while chunk := f.read(1 << 22):
            window = tail + chunk
            # One cheap substring search per chunk; the exact tag is confirmed only on a hit
            # (`<f` also starts <firstHeader>, <firstFooter>...).
            if not has_formula and b"<f" in window and _FORMULA_RE.search(window):
                has_formula = True
            if b"<mergeCell " in window:
                merges += [m for m in _MERGE_RE.findall(window) if int(m[1]) <= 2]
            tail = window[-64:]
    return has_formula, sorted(set(merges))


def _stage_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, prefix: str, problems: list[Problem]
) -> list[Staged]:
    import fastexcel  # imported here: CSV loads never need it
    import numpy as np
    import pyarrow as pa

    file = str(path)
    if path.stat().st_size == 0:
        problems.append(Problem(file, 1, None, "empty file", "export the workbook again"))
        return []
    try:
        z = zipfile.ZipFile(path)
        parts = _sheet_parts(z)
        reader = fastexcel.read_excel(str(path))
    except Exception as e:  # noqa: BLE001 - any failure to open means the same to the user
        problems.append(
            Problem(
                file,
                None,
                None,
                f"not a readable .xlsx workbook ({type(e).__name__}: {e})",
                "save it again from Excel as 'Excel Workbook (.xlsx)', or as CSV UTF-8",
            )
        )
        return []
    staged: list[Staged] = []
    ignored: list[str] = []
    sheet_problems: list[Problem] = []
    for i, name in enumerate(reader.sheet_names):
        has_formula, merges = _scan_sheet_xml(z, parts.get(name))
        # One parse per sheet (calamine reads the whole sheet whatever n_rows asks): the header
        # is the first row of the data.
        arrow = reader.load_sheet(name, header_row=None, dtypes="string").to_arrow()
        top = [
            [arrow.column(j)[r].as_py() for j in range(arrow.num_columns)]
            for r in range(min(2, arrow.num_rows))
        ]
        header = top[0] if top else []
        kind = recognise(header)
        if merges and kind is None:
            ref = ", ".join(
                m[0].decode() + m[1].decode() + (f":{m[2].decode()}{m[3].decode()}" if m[2] else "")
                for m in merges
            )
            second = recognise(top[1]) if len(top) > 1 else None
            hint = f"; row 2 holds the '{second.name}' header" if second else ""
            sheet_problems.append(
                Problem(
                    file,
                    1,
                    None,
                    f"sheet '{name}': merged header cells {ref} (a title or grouped header above "
                    f"the column names){hint}",
                    "unmerge and delete the title row so that row 1 holds one column name per cell",
                )
            )
            continue
        if kind is None:
            ignored.append(name)
            if any(v not in (None, "") for v in header):
                sheet_problems.append(wrong_header(file, header, sheet=name))
            continue
        if has_formula:
            problems.extend(_formula_cells(file, name, z.read(parts[name]), header))
            staged.append(Staged(path, kind, "", 0, sheet=name))  # marks the sheet as used
            continue
        table = f"{prefix}_s{i}_raw"
        names = clean_header(header)
        staged_names = [kind.columns[kind.header.index(n)].name for n in names]
        data = arrow.slice(1).select(list(range(len(names)))).rename_columns(staged_names)
        # Spreadsheet row of each data row (the header is row 1), numbered before blank rows
        # are dropped; computed in Arrow, so no UPDATE pass over the staged rows.
        data = data.append_column("_row", pa.array(np.arange(2, data.num_rows + 2, dtype=np.int64)))
        # DuckDB 2 refuses register() while an earlier execute() result is not fully fetched.
        con.execute("select 1").fetchall()
        con.register(f"{table}_arrow", data)
        date_cols = {c.name for c in kind.columns if c.type == DATE}
        select = ", ".join(
            (
                # A real date cell reads as 'YYYY-MM-DD 00:00:00': unambiguous, keep the date.
                f"regexp_replace({c}, '^(\\d{{4}}-\\d{{2}}-\\d{{2}}) 00:00:00$', '\\1') as {c}"
                if c in date_cols
                else c
            )
            for c in staged_names
        )
        # Blank spreadsheet rows (every cell empty) are not rows of the extract.
        blank = " and ".join(f"({c} is null or trim({c}) = '')" for c in staged_names)
        con.execute(
            f"create temp table {table} as select {select}, _row from {table}_arrow "  # noqa: S608
            f"where not ({blank})"
        ).fetchall()
        con.unregister(f"{table}_arrow")
        n = con.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
        staged.append(Staged(path, kind, table, n, sheet=name))
    if not staged:
        problems.extend(sheet_problems)
        if not sheet_problems:
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    "no sheet has a header row that matches an extract kind",
                    "row 1 of the sheet must be one of these headers:\n" + describe_expected(),
                )
            )
        return []
    problems.extend(p for p in sheet_problems if "merged header" in p.message)
    used = [s.sheet for s in staged]
    note = f"{file}: used sheet(s) {', '.join(repr(s) for s in used)}"
    if ignored:
        note += f"; ignored {', '.join(repr(s) for s in ignored)} (header matches no extract kind)"
    staged[0].notes.append(note)
    return [s for s in staged if s.table]


def _formula_cells(file: str, sheet: str, xml: bytes, header: list) -> list[Problem]:
    """Every formula cell of the sheet, located by row and column name."""
    if b"<f" not in xml:
        return []
    names = clean_header(header)
    out = []
    for col, row, inner in _CELL_RE.findall(xml):
        if not inner or b"<f" not in inner:
            continue
        m = re.search(rb"<f[^>]*>(.*?)</f>", inner, re.S)
        formula = m.group(1).decode("utf-8", "replace") if m else "(shared formula)"
        idx = _col_index(col.decode())
        column = names[idx] if idx < len(names) else col.decode()
        out.append(
            Problem(
                file,
                int(row),
                column,
                f"sheet '{sheet}' cell {col.decode()}{row.decode()} is a formula (={formula}); "
                "formulas are never computed and cached results are not trusted",
                "replace formulas by their values (Copy, then Paste Special > Values)",
            )
        )
        if len(out) >= MAX_REPORTED:
            break
    return out


def sniff_header(path: Path) -> list[str]:
    """The header row of a CSV file (for tests and messages)."""
    with path.open("rb") as f:
        line = f.readline()
    return next(csv.reader(io.StringIO(line.decode("utf-8-sig"))))
