"""Trends: how have attacks and the justice response changed over time?

Persons harmed and justice steps per month or year (optionally one line per mission), and the
time from incident to each justice step (Kaplan–Meier curves by incident cohort).
"""

from ui.auth import require_page

scope = require_page("trends")

import datetime as dt  # noqa: E402 - the guard runs before anything else

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from access.disclosure import marked, protected_total  # noqa: E402
from ui import charts  # noqa: E402
from ui.filters import apply_selection  # noqa: E402
from ui.formatting import fmt_date, fmt_days, fmt_int, fmt_month  # noqa: E402
from ui.layout import chart, definitions_popover, metric_label  # noqa: E402
from ui.shell import begin_page  # noqa: E402

page = begin_page("trends", scope)
lang = page.lang

VICTIM_MEASURES = ("killed", "injured", "detained", "abducted")
JUSTICE_MEASURES = ("cases", "investigated", "arrested_cases", "prosecuted", "convicted_cases")
TTJ_EVENTS = ("investigation", "arrest", "judgment", "conviction")

c1, c2, c3 = st.columns([2, 2, 6])
with c1:
    freq = st.segmented_control(
        page.t("trends.grain"),
        ["year", "month"],
        default="year",
        required=True,
        format_func=lambda v: page.t(f"trends.grain.{v}"),
        key="trend_freq",
    )
with c2:
    by_mission = st.toggle(page.t("trends.by_mission"), key="trend_by_mission")
with c3:
    st.caption(page.t("trends.click_caption"))


def period_label(value: object) -> str:
    return str(pd.Timestamp(value).year) if freq == "year" else fmt_month(value, lang)


def click_to_period(chart_key: str, series_are_missions: bool) -> None:
    """A click on a point narrows every page to that period (and mission, when split)."""
    event = st.session_state.get(chart_key)
    points = event.selection.points if event else []
    if not points:
        return
    start = pd.Timestamp(points[0]["x"]).date()
    end = (
        dt.date(start.year, 12, 31)
        if freq == "year"
        else (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    )
    apply_selection(**{"from": start, "to": end})
    mission = points[0].get("customdata")
    if series_are_missions and mission:
        apply_selection(mission=[mission[0] if isinstance(mission, list) else mission])


def series_panel(measures: tuple[str, ...], title_key: str, chart_key: str, default: str) -> None:
    st.subheader(page.t(title_key))
    if by_mission:
        measure = st.selectbox(
            page.t("trends.measure"),
            measures,
            index=measures.index(default),
            format_func=lambda m: metric_label(m, lang),
            key=f"{chart_key}_measure",
        )
        df = page.metric("series", measures=(measure,), freq=freq, by=("mission",))
        # keep a line with data: a non-zero count, or a suppressed one (it shows "<5" / "x")
        df = df[
            df.groupby("mission")[measure].transform(
                lambda s: s.isna().any() or pd.to_numeric(s, errors="coerce").fillna(0).sum() > 0
            )
        ]
        long = df.rename(columns={measure: "value"})
        fig = charts.lines(
            long,
            "period",
            "value",
            "mission",
            y_title=metric_label(measure, lang),
            height=360,
            large=page.large,
            lang=lang,
        )
        # one cell per (period, mission): each cell's marker lands in the pivoted table
        shown = marked(df).pivot(index="period", columns="mission", values=measure).reset_index()
        shown.columns.name = None
        names = {}
    else:
        df = page.metric("series", measures=measures, freq=freq)
        long = df.melt(
            id_vars=["period"], value_vars=list(measures), var_name="measure", value_name="value"
        )
        names = {m: metric_label(m, lang) for m in measures}
        colours = {
            m: charts.VICTIM_COLOURS.get(m, c)
            for m, c in zip(measures, charts.OKABE_ITO, strict=False)
        }
        fig = charts.lines(
            long,
            "period",
            "value",
            "measure",
            series_label=names,
            colours=colours,
            height=360,
            large=page.large,
            lang=lang,
        )
        shown = marked(df)
        measure = None
    fig.update_xaxes(title=page.t(f"trends.grain.{freq}"))
    shown.insert(0, page.t(f"trends.grain.{freq}"), [period_label(p) for p in shown["period"]])
    shown = shown.drop(columns=["period"])
    chart(
        fig,
        shown,
        f"{chart_key}-{freq}",
        lang,
        key=chart_key,
        on_select=lambda: click_to_period(chart_key, by_mission),
        names=names,
    )
    partial = partial_period_note(df["period"])
    if partial:
        st.caption(partial)
    definitions_popover([measure] if measure else list(measures), lang)


def partial_period_note(periods: pd.Series) -> str | None:
    """A note when the last period drawn is cut short by the end of the data (2026 up to
    31 Oct): its total is not comparable with the full periods before it."""
    from ui import data

    end = data.status().get("latest_incident")  # no status: no note rather than a wrong one
    if end is None or periods.empty:
        return None
    upper = page.filters.upper_date
    if upper is not None and upper < end:
        end = upper
    last = pd.Timestamp(max(periods)).date()
    period_end = (
        dt.date(last.year, 12, 31)
        if freq == "year"
        else (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()
    )
    if not (last <= end < period_end):
        return None
    return page.t("trends.partial_period", period=period_label(last), end=fmt_date(end, lang))


left, right = st.columns(2, gap="large")
with left:
    series_panel(VICTIM_MEASURES, "trends.victims", "trend_victims", "killed")
with right:
    series_panel(JUSTICE_MEASURES, "trends.justice", "trend_justice", "cases")


@st.fragment
def time_to_justice_panel() -> None:
    st.subheader(page.t("trends.ttj"))
    c1, c2 = st.columns([3, 7])
    with c1:
        event = st.segmented_control(
            page.t("trends.ttj_event"),
            TTJ_EVENTS,
            default="investigation",
            required=True,
            format_func=lambda e: page.t(f"trends.ttj.{e}"),
            key="ttj_event",
        )
    result = page.metric("time_to_justice", event=event, cohort_by="year")
    curve, summary = result["curve"], result["summary"]
    curve = curve.copy()
    curve["months"] = pd.to_numeric(curve["days"], errors="coerce") / 30.4375
    # recent cohorts first in the legend; at most 8 cohorts drawn (all are in the table)
    cohorts = sorted(curve["cohort"].dropna().unique(), reverse=True)[:8]
    drawn = curve[curve["cohort"].isin(cohorts)]
    fig = charts.lines(
        drawn,
        "months",
        "reached",
        "cohort",
        y_title=page.t("trends.ttj_share"),
        x_title=page.t("trends.ttj_months"),
        percent=True,
        height=380,
        large=page.large,
        lang=lang,
        step=True,
    )
    fig.update_layout(hovermode="closest", legend_title_text=page.t("trends.cohort"))
    shown = marked(summary)[["cohort", "cases", "events", "censored"]]
    # below headquarters metrics leave out the median of a cohort under the threshold (its
    # step sizes would reveal counts): that reads "withheld", an open median "not reached"
    info = summary.attrs.get("disclosure") or {}
    small = info.get("threshold", 0) if info.get("applied") else 0
    cases_n = pd.to_numeric(summary["cases"], errors="coerce")
    shown["median_days"] = [
        fmt_days(v, lang)
        if pd.notna(v)
        else page.t("trends.median_withheld")
        if small and (pd.isna(n) or n < small)
        else page.t("trends.not_reached")
        for v, n in zip(summary["median_days"], cases_n, strict=True)
    ]
    names = {
        "cohort": page.t("trends.cohort"),
        "cases": page.t("trends.cases"),
        "events": page.t("trends.reached"),
        "censored": page.t("trends.still_open"),
        "median_days": page.t("trends.median"),
    }
    chart(fig, shown, f"time-to-{event}", lang, key="ttj_chart", names=names)
    st.caption(page.t("trends.ttj_caption"))
    key = {"investigation": "median_days_to_investigation", "arrest": "median_days_to_arrest"}.get(
        event, "median_days_to_judgment"
    )
    definitions_popover([key], lang)
    # the grand total as disclosure control allows it (None: it would reveal a hidden cohort)
    total = protected_total(summary, "cases")
    if total is not None:
        st.caption(page.t("trends.ttj_total", n=fmt_int(total, lang)))


time_to_justice_panel()
