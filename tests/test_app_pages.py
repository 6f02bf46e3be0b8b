"""The dashboard in Streamlit's AppTest: every page for every role, values equal to metrics/,
filters that change them, URL parameters that set them, and French that reads French."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
USERS = {
    "hq": "hq.officer",
    "analyst": "analyst",
    "focal_point": "minusca.focal",
    "member_state": "mali",
    "briefing": "friends",
}


# demo_db: tests/conftest.py (a small demo database, the app pointed at it)


def signed_in(
    user: str = "hq.officer", params: dict | None = None, locale: str | None = None
) -> AppTest:
    """An AppTest whose session is signed in as a demo user (the server-side record ui.auth
    keeps), with optional query parameters and browser locale."""
    from ui.auth import SessionRecord

    at = AppTest.from_file(APP, default_timeout=60)
    now = time.time()
    at.session_state["_r2589_auth_record"] = SessionRecord("demo", user, user, now, now)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if locale:
        at.context = {"locale": locale}
    return at


def scope_of(user: str):
    from access.users import load_directory

    return load_directory().by_username(user).scope()


def metrics_call(name, *args, **kwargs):
    import metrics
    from etl.db import connect_read

    con = connect_read()
    try:
        return getattr(metrics, name)(con, *args, **kwargs)
    finally:
        con.close()


def run_page(at: AppTest, path: str | None) -> AppTest:
    """Run the app on a page. AppTest.switch_page runs a page file alone when a pages/ folder
    exists (legacy discovery), without the entry's sidebar; the entry's hidden home page takes
    ?goto=<key> instead, so the page runs inside the full app as in the browser."""
    if path:
        at.query_params["goto"] = Path(path).stem
    at.run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


PAGE_FILES = {
    "overview": "pages/overview.py",
    "trends": "pages/trends.py",
    "map": "pages/map.py",
    "member_states": "pages/member_states.py",
    "cases": "pages/cases.py",
    "gender": "pages/gender.py",
    "capacity": "pages/capacity.py",
    "methods": "pages/methods.py",
    "audit": "pages/audit.py",
}


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_the_role_may_open_runs_without_exception(demo_db, role):
    from ui.nav import allowed_page_keys

    scope = scope_of(USERS[role])
    allowed = allowed_page_keys(scope)
    assert allowed, role
    for key in sorted(allowed):
        at = run_page(signed_in(USERS[role]), PAGE_FILES[key])
        assert_clean(at)
        assert at.title[0].value, key
        assert at.multiselect(key="mission") is not None  # the global filters are there


def test_briefing_role_gets_no_case_pages_and_only_map_aggregates(demo_db):
    from ui.nav import allowed_page_keys

    scope = scope_of("friends")
    assert "cases" not in allowed_page_keys(scope)
    at = run_page(signed_in("friends"), "pages/map.py")
    assert_clean(at)
    modes = at.get("button_group")
    assert all("points" not in str(m.proto) for m in modes)


HEADLINE = ("killed", "incidents", "cases", "investigation_rate", "conviction_rate", "pending")


def expected_tiles(filters, scope, lang="en") -> list[str]:
    """The overview's six tiles as metrics computes them, formatted as the page formats them."""
    from ui.formatting import fmt_int, fmt_pct

    change = metrics_call("kpi_change", filters, scope, keys=HEADLINE)
    markers = {"primary": "<5", "secondary": "x"}
    return [
        fmt_pct(r.current, lang)
        if r.format == "rate"
        else markers.get(r.current_withheld) or fmt_int(r.current, lang)
        for r in change.itertuples()
    ]


def test_a_withheld_headline_count_reads_as_its_marker_on_the_briefing_screen(demo_db):
    """On the briefing screen a headline count under the threshold reads "<5" (as every table
    would), not the "–" of missing data: the first demo year where one is withheld."""
    from datetime import date

    from metrics.filters import Filters

    scope = scope_of("friends")
    for year in range(2013, 2027):
        f = Filters(date_from=date(year, 1, 1), date_to=date(year, 12, 31))
        change = metrics_call("kpi_change", f, scope, keys=HEADLINE)
        if change["current_withheld"].notna().any():
            break
    else:
        pytest.fail("the demo gives the briefing screen no withheld headline count")
    params = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    at = run_page(signed_in("friends", params), None)
    assert_clean(at)
    shown = [m.value for m in at.metric]
    assert shown == expected_tiles(f, scope)
    assert {"<5", "x"} & set(shown), shown


def test_overview_tiles_equal_metrics_and_follow_the_mission_filter(demo_db):
    from metrics.filters import Filters

    scope = scope_of("hq.officer")
    at = run_page(signed_in(), None)
    assert_clean(at)
    shown = [m.value for m in at.metric]
    assert shown == expected_tiles(Filters(), scope)

    at.multiselect(key="mission").set_value(["MINUSMA"]).run()
    assert_clean(at)
    narrowed = [m.value for m in at.metric]
    assert narrowed == expected_tiles(Filters(missions=("MINUSMA",)), scope)
    assert narrowed != shown


def test_funnel_table_equals_metrics(demo_db):
    from metrics.filters import Filters

    scope = scope_of("hq.officer")
    at = run_page(signed_in(), None)
    funnel = metrics_call("funnel", Filters(), scope)
    shown = at.dataframe[0].value  # the funnel's table (first table on the page)
    assert shown.iloc[:, 1].tolist() == funnel["count"].tolist()


def test_query_parameters_set_the_filters_and_the_values(demo_db):
    from metrics.filters import Filters

    scope = scope_of("hq.officer")
    params = {"mission": ["MINUSCA"], "from": "2015-01-01", "to": "2024-12-31", "pko": "true"}
    at = run_page(signed_in(params=params), None)
    assert_clean(at)
    assert at.multiselect(key="mission").value == ["MINUSCA"]
    assert str(at.date_input(key="from").value) == "2015-01-01"
    assert at.checkbox(key="pko").value is True
    expected = Filters(
        missions=("MINUSCA",), date_from="2015-01-01", date_to="2024-12-31", peacekeeping_only=True
    )
    assert [m.value for m in at.metric] == expected_tiles(expected, scope)


def test_filters_from_widget_state_round_trip_to_query_values():
    """Each bound widget key is the URL parameter; the state maps back to the same Filters."""
    import datetime as dt

    from ui.filters import filters_from_state

    state = {
        "from": dt.date(2020, 1, 1),
        "to": dt.date(2020, 12, 31),
        "mission": ["MONUSCO", "MINUSCA"],
        "host": ["COD"],
        "gender": ["F"],
        "pko": True,
        "itype": None,
    }
    f = filters_from_state(state)
    assert f.missions == ("MINUSCA", "MONUSCO")
    assert f.incident_types == ("Malicious Act",)  # the register default when untouched
    assert f.peacekeeping_only and not f.verified_only
    assert filters_from_state({**state, "itype": []}).incident_types == ()  # cleared: all types


def test_french_renders_french_labels_and_number_formats(demo_db):
    at = run_page(signed_in(params={"lang": "fr"}), None)
    assert_clean(at)
    assert at.title[0].value == "Vue d’ensemble"
    labels = [m.label for m in at.metric]
    assert "Dossiers nationaux" in labels
    rates = [m.value for m in at.metric if m.value.endswith("%")]
    assert rates and all("\u202f%" in v for v in rates)
    assert any("période précédente" in c.value for c in at.caption)
    assert any("\u202f: " in c.value for c in at.caption)  # French colon spacing


def test_browser_locale_picks_french_when_no_lang_parameter(demo_db):
    at = run_page(signed_in(locale="fr-FR"), None)
    assert_clean(at)
    assert at.title[0].value == "Vue d’ensemble"


def test_french_thousands_use_a_narrow_no_break_space():
    from ui.formatting import fmt_int, fmt_pct

    assert fmt_int(12345, "fr") == "12\u202f345"
    assert fmt_pct(0.5, "fr") == "50\u202f%"
    assert fmt_int(12345, "en") == "12,345"


def test_a_case_page_opens_from_the_url_and_refuses_out_of_scope_cases(demo_db):
    from metrics.filters import Filters

    hq = scope_of("hq.officer")
    cases = metrics_call("case_list", Filters(), hq, limit=None)
    outside_mali = cases[cases["host_state"] != "MLI"]["case_id"].iloc[0]
    at = run_page(signed_in(params={"case": outside_mali}), "pages/cases.py")
    assert_clean(at)
    assert outside_mali in at.header[0].value
    at = run_page(signed_in("mali", params={"case": outside_mali}), "pages/cases.py")
    assert_clean(at)
    assert at.error
    assert not any(outside_mali in h.value for h in at.header)


def test_signed_out_visitor_sees_the_sign_in_form_and_no_figures(demo_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert_clean(at)
    assert len(at.metric) == 0
    assert len(at.dataframe) == 0


def test_methods_page_shows_the_load_history_to_headquarters_only(demo_db):
    from ui.i18n import t

    history = metrics_call("load_history", scope_of("hq.officer"))
    assert len(history) >= 1
    for lang in ("en", "fr"):
        at = run_page(signed_in(params={"lang": lang}), "pages/methods.py")
        assert_clean(at)
        file_col = t("data.file_name", lang)
        tables = [d.value for d in at.dataframe if file_col in d.value.columns]
        assert len(tables) == 1, lang
        shown = tables[0]
        assert shown[file_col].tolist() == history["file_name"].tolist()
        assert shown[t("data.rows_read", lang)].tolist() == history["rows_read"].tolist()
        prefixes = shown[t("data.sha256_prefix", lang)].tolist()
        assert prefixes == history["sha256_prefix"].tolist()
        assert all(len(p) <= 12 for p in prefixes)
    at = run_page(signed_in("minusca.focal"), "pages/methods.py")
    assert_clean(at)
    assert not any(t("data.file_name", "en") in d.value.columns for d in at.dataframe)
    assert any(c.value == t("data.loads_withheld", "en") for c in at.caption)


def test_cases_page_shows_case_files_by_stage_equal_to_metrics(demo_db):
    from metrics.filters import Filters
    from ui.i18n import label, t

    for user, lang in (("hq.officer", "en"), ("mali", "fr")):
        expected = metrics_call("cases_by_stage", Filters(), scope_of(user), days=180)
        at = run_page(signed_in(user, params={"lang": lang}), "pages/cases.py")
        assert_clean(at)
        assert t("cases.by_stage", lang) in [s.value for s in at.subheader]
        col = t("cases.by_stage_n", lang)
        tables = [d.value for d in at.dataframe if col in d.value.columns]
        assert len(tables) == 1, user
        shown = tables[0]
        stage_col = t("common.stage", lang)
        assert shown[stage_col].tolist() == [label("stage", s, lang) for s in expected["stage"]]
        # a suppressed count reads its marker ("<5" or "x"), every other count its number
        from access.disclosure import marked

        want = [v if isinstance(v, str) else int(v) for v in marked(expected)["cases"]]
        got = [v if v in ("<5", "x") else int(v) for v in shown[col]]
        assert got == want, user
        if user == "mali":
            assert "<5" in got  # the demo has small stages: the check is not vacuous
        assert len(at.get("plotly_chart")) >= 2  # by stage, and the pipeline


def test_cases_by_stage_adds_up_to_the_case_count_for_headquarters(demo_db):
    from metrics.filters import Filters

    hq = scope_of("hq.officer")
    by_stage = metrics_call("cases_by_stage", Filters(), hq, days=180)
    total = metrics_call("stalled_count", Filters(), hq, days=180).iloc[0]
    assert int(by_stage["stalled"].sum()) == int(total["stalled_cases"])
    assert int(by_stage["cases"].sum()) == len(metrics_call("case_list", Filters(), hq, limit=None))


def test_a_database_from_an_older_checkout_gets_its_models_rebuilt_on_start(
    demo_db, tmp_path, monkeypatch
):
    """A database whose model tables predate this etl/models.sql (no stamp, a model table
    missing) opens anyway: the app rebuilds its models, all or nothing, then draws the page."""
    import shutil

    import duckdb

    from etl.models import models_current

    old = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db, old)
    con = duckdb.connect(str(old))
    con.execute("drop table model_version")
    con.execute("drop table rollup_notifications")
    con.close()
    monkeypatch.setenv("R2589_DB", str(old))
    at = run_page(signed_in(), PAGE_FILES["member_states"])
    assert_clean(at)
    assert at.title[0].value == "Member States"
    con = duckdb.connect(str(old), read_only=True)
    assert models_current(con)
    assert con.execute("select count(*) from rollup_notifications").fetchone()[0] > 0
    con.close()
