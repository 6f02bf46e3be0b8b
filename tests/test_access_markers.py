"""Small-number markers where a Member State reads them: a suppressed count shows "<5" (small)
or "x" (withheld to protect a small count) on screen and in the CSV/XLSX downloads, whatever the
page did to the protected frame (columns in the reader's language, filters, melts, pivots,
sums). Headquarters sees the numbers."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from test_app_pages import signed_in  # an AppTest signed in as a demo user

from access.disclosure import (
    PRIMARY,
    SECONDARY,
    Marker,
    is_marker,
    marked,
    protect_counts,
    protected_sum,
)
from access.scope import Scope

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
MALI = Scope(role="member_state", host_states=("MLI",))
HQ = Scope(role="hq")
MARKERS = ("<5", "x")


# ------------------------------------------------------------------ the marked frame
def protected() -> pd.DataFrame:
    """mission A killed 2 (primary), C 7 (its complement), B 10 and D 0 shown."""
    df = pd.DataFrame({"mission": ["A", "B", "C", "D"], "killed": [2, 10, 7, 0]})
    return protect_counts(df, MALI, ["killed"], threshold=5)


def test_marked_cells_hold_their_marker_and_visible_counts_stay_numbers():
    out = marked(protected())
    assert out["killed"].tolist() == ["<5", 10, "x", 0]
    assert [getattr(v, "kind", None) for v in out["killed"]] == [PRIMARY, None, SECONDARY, None]
    assert protected()["killed"].isna().tolist() == [True, False, True, False]  # charts: gaps


def test_markers_survive_rename_filter_sort_melt_pivot_and_new_frames():
    out = marked(protected())
    assert out.rename(columns={"killed": "Tués"})["Tués"].tolist() == ["<5", 10, "x", 0]
    assert out[out["mission"] != "B"].sort_values("mission", ascending=False)[
        "killed"
    ].tolist() == [0, "x", "<5"]
    assert pd.DataFrame({"n": out["killed"]})["n"].tolist() == ["<5", 10, "x", 0]
    long = out.melt(id_vars=["mission"], value_vars=["killed"])
    assert long["value"].tolist() == ["<5", 10, "x", 0]
    wide = out.assign(year=[2020, 2020, 2021, 2021], m=["A", "B", "A", "B"]).pivot(
        index="year", columns="m", values="killed"
    )
    assert wide.loc[2020].tolist() == ["<5", 10]
    assert wide.loc[2021].tolist() == ["x", 0]


def test_a_frame_filtered_or_sorted_before_marking_is_marked_by_row_label():
    p = protected()
    late = p[p["mission"] != "A"].sort_values("mission", ascending=False)
    assert marked(late)["killed"].tolist() == [0, "x", 10]


def test_headquarters_frames_keep_their_numeric_columns():
    df = pd.DataFrame({"mission": ["A", "B"], "killed": [1, 2]})
    out = marked(protect_counts(df, HQ, ["killed"], threshold=5))
    assert out["killed"].tolist() == [1, 2]
    assert pd.api.types.is_integer_dtype(out["killed"])


def test_a_sum_over_a_hidden_cell_is_a_marker_never_a_number():
    small, comp = Marker(PRIMARY, 5), Marker(SECONDARY, 5)
    assert protected_sum([3, 4, 0]) == 7
    assert protected_sum([small, 0, 0]) == "<5"  # the only non-zero part: its own marker
    assert protected_sum([comp]) == "x"
    assert protected_sum([small, 12]) == "x"  # 12 alone would understate the count
    assert protected_sum([small, small]) == "x"
    assert is_marker("<5") and is_marker("x") and not is_marker("xx") and not is_marker(5)


def test_the_table_writes_numbers_for_the_language_beside_the_markers():
    from ui.layout import display_frame

    df = pd.DataFrame({"n": pd.Series([Marker(PRIMARY, 5), 12345, Marker(SECONDARY, 5), None])})
    shown_en, _ = display_frame(df, "en")
    shown_fr, _ = display_frame(df, "fr")
    assert shown_en["n"].tolist() == ["<5", "12,345", "x", "–"]
    assert shown_fr["n"].tolist() == ["<5", "12\u202f345", "x", "–"]


def test_downloads_keep_numbers_as_numbers_and_markers_as_text():
    from ui.export import to_csv_bytes, to_xlsx_bytes

    out = marked(protected()).rename(columns={"killed": "Tués"})
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(out)), encoding="utf-8-sig", dtype=str)
    assert csv["Tués"].tolist() == ["<5", "10", "x", "0"]
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(out))).active
    assert [ws.cell(row=r, column=2).value for r in range(2, 6)] == ["<5", 10, "x", 0]


# ------------------------------------------------------------------ the pages (AppTest)
# demo_db: tests/conftest.py (a small demo database, the app pointed at it)


@pytest.fixture
def downloads(monkeypatch):
    """The download buttons' payloads by file name: the deferred callables Streamlit would run
    on a click, captured when the page registers them."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def page_run(user: str, page: str, lang: str = "en", **params) -> AppTest:
    at = signed_in(user, {"goto": page, "lang": lang, **params})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def call(name, *args, **kwargs):
    import metrics
    from etl.db import connect_read

    con = connect_read()
    try:
        return getattr(metrics, name)(con, *args, **kwargs)
    finally:
        con.close()


def scope_of(user: str) -> Scope:
    from access.users import load_directory

    return load_directory().by_username(user).scope()


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def csv_of(downloads, stem: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(downloads[f"{stem}.csv"]()), encoding="utf-8-sig", dtype=str)


def xlsx_column(downloads, stem: str, header: str) -> list:
    ws = load_workbook(io.BytesIO(downloads[f"{stem}.xlsx"]())).active
    headers = [c.value for c in ws[1]]
    k = headers.index(header) + 1
    return [ws.cell(row=r, column=k).value for r in range(2, ws.max_row + 1)]


def as_shown(value) -> object:
    """A marked metrics cell as a table shows it: the marker, or the number."""
    return str(value) if is_marker(value) else int(value)


def read(cell: str) -> object:
    return cell if cell in MARKERS or cell == "–" else int(cell.replace(",", ""))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cases_by_stage_shows_small_and_complementary_markers_on_screen_and_in_downloads(
    demo_db, downloads, lang
):
    from metrics.filters import Filters
    from ui.i18n import label, t

    expected = marked(call("cases_by_stage", Filters(), scope_of("mali"), days=180))
    want = {
        label("stage", s, lang): (as_shown(n), as_shown(k))
        for s, n, k in zip(expected["stage"], expected["cases"], expected["stalled"], strict=True)
    }
    # the demo has both kinds here: a small stage and the complement that protects it
    notified, opened = (
        label("stage", "notified", lang),
        label("stage", "investigation_opened", lang),
    )
    assert want[opened] == ("<5", "<5") and want[notified][1] == "x"

    at = page_run("mali", "cases", lang)
    stage, n, k = t("common.stage", lang), t("cases.by_stage_n", lang), t("cases.stalled_n", lang)
    shown = table_with(at, n)
    got = {s: (read(a), read(b)) for s, a, b in zip(shown[stage], shown[n], shown[k], strict=True)}
    assert got == want

    csv = csv_of(downloads, "case-files-by-stage")
    assert {
        s: (read(a), read(b)) for s, a, b in zip(csv[stage], csv[n], csv[k], strict=True)
    } == want
    cells = xlsx_column(downloads, "case-files-by-stage", k)
    assert cells == [want[s][1] for s in csv[stage]]  # XLSX: "x" as text, numbers as numbers
    assert any(isinstance(c, int) for c in cells)


def test_headquarters_sees_the_numbers_behind_the_markers(demo_db, downloads):
    from metrics.filters import Filters
    from ui.i18n import label, t

    expected = call("cases_by_stage", Filters(), scope_of("hq.officer"), days=180)
    at = page_run("hq.officer", "cases")
    shown = table_with(at, t("cases.by_stage_n", "en"))
    opened = shown[t("common.stage", "en")] == label("stage", "investigation_opened", "en")
    n = int(shown.loc[opened, t("cases.by_stage_n", "en")].iloc[0])
    assert n == int(expected.loc[expected["stage"] == "investigation_opened", "cases"].iloc[0])
    assert n > 0
    for column in (t("cases.by_stage_n", "en"), t("cases.stalled_n", "en")):
        assert not set(map(str, shown[column])) & set(MARKERS)
        assert not set(csv_of(downloads, "case-files-by-stage")[column]) & set(MARKERS)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_trends_tables_renamed_to_the_language_keep_every_marker(demo_db, downloads, lang):
    from metrics.filters import Filters
    from ui.layout import metric_label

    measures = ("killed", "injured", "detained", "abducted")
    expected = marked(call("series", Filters(), scope_of("mali"), measures=measures, freq="year"))
    at = page_run("mali", "trends", lang)
    column = metric_label("killed", lang)
    shown = table_with(at, column)
    csv = csv_of(downloads, "trend_victims-year")
    seen = 0
    for m in measures:
        want = [as_shown(v) for v in expected[m]]
        assert [read(v) for v in shown[metric_label(m, lang)]] == want, m
        assert [read(v) for v in csv[metric_label(m, lang)]] == want, m
        seen += sum(v == "<5" for v in want)
    assert seen >= 5  # small years in the demo: the check is not vacuous


def test_trends_by_mission_pivot_puts_each_marker_in_its_cell(demo_db, downloads):
    from metrics.filters import Filters

    expected = marked(
        call(
            "series",
            Filters(),
            scope_of("mali"),
            measures=("killed",),
            freq="year",
            by=("mission",),
        )
    )
    at = AppTest.from_file(APP, default_timeout=60)
    from ui.auth import SessionRecord

    now = time.time()
    at.session_state["_r2589_auth_record"] = SessionRecord("demo", "mali", "mali", now, now)
    at.query_params["goto"] = "trends"
    at.run()
    at.toggle(key="trend_by_mission").set_value(True).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "MINUSMA" in d.value.columns]
    assert tables
    shown = tables[0]
    want = [as_shown(v) for v in expected.loc[expected["mission"] == "MINUSMA", "killed"]]
    assert [read(v) for v in shown["MINUSMA"]] == want
    assert "<5" in want


def test_gender_pivots_show_a_marker_wherever_a_hidden_cell_went_into_the_sum(demo_db):
    from metrics.filters import Filters
    from ui.i18n import label, t

    breakdown = marked(
        call("gender_breakdown", Filters(), scope_of("mali"), across=("personnel_type",))
    )
    at = page_run("mali", "gender")
    shown = table_with(at, t("common.personnel", "en")).set_index(t("common.personnel", "en"))
    hidden_seen = 0
    for (category, gender), part in breakdown.groupby(["personnel_type", "gender"]):
        want = protected_sum(part["persons"])
        got = read(shown.loc[label("personnel", category, "en"), label("gender", gender, "en")])
        assert got == (str(want) if is_marker(want) else want), (category, gender)
        hidden_seen += is_marker(want)
    assert hidden_seen >= 3
    # no number where a suppressed cell went in: every cell is a marker, 0, or a full sum
    values = shown.to_numpy().ravel().tolist()
    assert "–" not in values


def test_member_state_progress_cells_read_the_marker_and_the_change_is_withheld(demo_db, downloads):
    from metrics.filters import Filters
    from ui.i18n import t

    period = {"from": "2020-01-01", "to": "2020-12-31"}
    expected = marked(
        call(
            "state_progress",
            Filters(date_from="2020-01-01", date_to="2020-12-31"),
            scope_of("mali"),
        )
    )
    assert expected["incidents"].tolist() == ["<5"]
    for lang in ("en", "fr"):
        at = page_run("mali", "member_states", lang, **period)
        progress = table_with(at, t("states.m.incidents", lang))
        assert progress[t("states.m.incidents", lang)].tolist() == ["<5 (–)"]
        steps = [
            d.value
            for d in at.dataframe
            if t("states.m.prosecutions", lang) in d.value.columns
            and t("states.m.incidents", lang) not in d.value.columns
        ][0]
        assert steps[t("states.m.prosecutions", lang)].tolist() == [
            as_shown(v) for v in expected["prosecutions"]
        ]
    export = csv_of(downloads, "host-state-progress")
    assert export["incidents"].tolist() == ["<5"]
    assert export["prosecutions"].tolist() == [str(v) for v in expected["prosecutions"]]


def test_map_area_table_and_download_show_the_markers(demo_db, downloads):
    from metrics.filters import Filters
    from ui.i18n import t

    expected = marked(
        call("map_aggregates", Filters(), scope_of("mali"), level="grid", cell_deg=1.0)
    )
    at = page_run("mali", "map")
    column = t("map.incidents", "en")
    shown = table_with(at, column)
    want = [as_shown(v) for v in expected["incidents"]]
    assert [read(v) for v in shown[column]] == want
    assert [read(v) for v in csv_of(downloads, "map-areas")[column]] == want
    assert want.count("<5") >= 3


def test_overview_funnel_outcomes_and_stalled_tables_show_the_markers(demo_db, downloads):
    """The Overview's three tables built from protected counts (justice chain, outcomes, stalled
    case files by mission) read "<5" / "x" where metrics withheld a count, never "–"."""
    from metrics.filters import Filters
    from ui.i18n import label, t
    from ui.layout import metric_label

    mali = scope_of("mali")
    fun = marked(call("funnel", Filters(), mali))
    k = marked(call("kpis", Filters(), mali)).iloc[0]
    stalled = marked(call("stalled_count", Filters(), mali, days=180, by=("mission",)))
    at = page_run("mali", "overview")

    chain = csv_of(downloads, "justice-funnel")[t("common.count", "en")].tolist()
    assert [read(c) for c in chain] == [as_shown(v) for v in fun["count"]]
    assert any(c in MARKERS for c in chain)  # the demo's Mali chain has withheld stages

    outcomes = ["full_justice", "partial_justice", "impunity", "pending"]
    got = csv_of(downloads, "case-outcomes")
    want = {label("outcome", o, "en"): as_shown(k[o]) for o in outcomes}
    assert {
        o: read(n)
        for o, n in zip(got[t("common.outcome", "en")], got[t("stage.cases", "en")], strict=True)
    } == want

    shown = table_with(at, metric_label("stalled_cases", "en"))
    stalled = stalled[pd.to_numeric(stalled["pending"], errors="coerce").fillna(1) > 0]
    assert [read(str(v)) for v in shown[metric_label("stalled_cases", "en")]] == [
        as_shown(v) for v in stalled["stalled_cases"]
    ]
    for frame in (chain, got[t("stage.cases", "en")].tolist()):
        assert "–" not in frame


def test_time_to_justice_median_of_a_small_cohort_reads_withheld_not_not_reached(demo_db):
    from metrics.filters import Filters
    from ui.i18n import t

    summary = call(
        "time_to_justice", Filters(), scope_of("mali"), event="investigation", cohort_by="year"
    )["summary"]
    cases = pd.to_numeric(summary["cases"], errors="coerce")
    small = summary.loc[cases.isna() | (cases < 5), "cohort"].astype(str).tolist()
    assert small, "the demo's Mali cohorts include one under the threshold"
    at = page_run("mali", "trends")
    shown = table_with(at, t("trends.median", "en"))
    cohort, median = t("trends.cohort", "en"), t("trends.median", "en")
    median = dict(zip(shown[cohort].astype(str), shown[median], strict=True))
    assert {median[c] for c in small} == {t("trends.median_withheld", "en")}
    assert t("trends.median_withheld", "en") not in {v for c, v in median.items() if c not in small}


def test_a_withheld_count_drawn_as_an_empty_bar_keeps_its_marker_on_the_chart():
    from ui import charts

    fig = charts.hbar(["A", "B", "C"], [12, None, 0], ["12", "<5", "0"])
    bar = fig.data[0]
    assert list(bar.x) == [12, 0, 0]
    assert list(bar.text) == ["12", "<5", "0"]
    # Plotly writes no "auto" text on a bar of length 0: those go beside the bar
    assert list(bar.textposition) == ["auto", "outside", "outside"]


def test_downloads_of_demonstration_data_say_so_in_the_file(demo_db, downloads):
    """A CSV of the demo carries SYNTHETIC on every row (first column); an XLSX has an "about"
    sheet with the demo notice, the reader's scope and the markers' meaning."""
    from ui.export import SYNTHETIC_COLUMN
    from ui.i18n import t

    page_run("mali", "cases", "fr")
    csv = csv_of(downloads, "case-files-by-stage")
    assert csv.columns[0] == SYNTHETIC_COLUMN
    assert set(csv[SYNTHETIC_COLUMN]) == {"SYNTHETIC"}
    book = load_workbook(io.BytesIO(downloads["case-files-by-stage.xlsx"]()))
    assert book.sheetnames[1] == "about" and book.active.title == book.sheetnames[0]
    about = {r[0].value: r[1].value for r in book["about"].iter_rows()}
    assert about[t("export.source", "fr")] == t("banner.demo", "fr")
    assert about[t("export.scope", "fr")] == scope_of("mali").label
    assert about[t("export.markers", "fr")] == t("export.markers_text", "fr")
