"""Member States (para 4 (a)): what progress has each host State made?

Per host State: what happened in the period against the previous period of the same length
(progress table), answers to the UN's notifications (para 8), and the trend per State.
"""

from ui.auth import require_page

scope = require_page("member_states")

import pandas as pd  # noqa: E402 - the guard runs before anything else
import streamlit as st  # noqa: E402

from access.disclosure import marked  # noqa: E402
from ui import charts  # noqa: E402
from ui.filters import apply_selection  # noqa: E402
from ui.formatting import (  # noqa: E402
    alphabetical,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_pp,
    fmt_signed_int,
)
from ui.layout import chart, definitions_popover, metric_label, table  # noqa: E402
from ui.shell import begin_page, country_name  # noqa: E402

page = begin_page("member_states", scope)
lang = page.lang

COUNT_MEASURES = (
    "incidents",
    "killed",
    "investigations_opened",
    "arrests",
    "prosecutions",
    "judgments",
    "convictions",
    "cases_open_at_end",
)
RATE_MEASURES = ("investigation_rate_at_end", "conviction_rate_at_end")
STEP_MEASURES = ("investigations_opened", "arrests", "prosecutions", "convictions")

progress = page.metric("state_progress")


# States in the order of their names in the reader's language (ISO3 order put Western Sahara
# between Cyprus and Haiti). Rows are reordered, their labels kept: the disclosure record
# names suppressed cells by row label, so markers stay on their cells.
by_name = sorted(
    range(len(progress)),
    key=lambda i: alphabetical(country_name(progress["host_state"].iloc[i], lang)),
)
shown_progress = marked(progress).iloc[by_name]  # small counts as "<5" / "x" in tables
progress = progress.iloc[by_name]
if len(progress):
    first = progress.iloc[0]
    st.caption(
        page.t(
            "states.period_line",
            period=f"{fmt_date(first['period_from'], lang)} – {fmt_date(first['period_to'], lang)}",
            previous=f"{fmt_date(first['previous_from'], lang)} – {fmt_date(first['previous_to'], lang)}",
        )
    )


def cell(value: object, change: object, rate: bool) -> str:
    """'12 (+3)': the value and its change, written out (never colour alone)."""
    if rate:
        return f"{fmt_pct(value, lang)} ({fmt_pp(change, lang)})"
    return f"{fmt_int(value, lang)} ({fmt_signed_int(change, lang)})"


def measure_label(m: str) -> str:
    return page.t(f"states.m.{m}")


st.subheader(page.t("states.progress"))
shown = pd.DataFrame(
    {page.t("common.host_state"): [country_name(s, lang) for s in progress["host_state"]]}
)
for m in (*COUNT_MEASURES, *RATE_MEASURES):
    shown[measure_label(m)] = [
        cell(r[m], r[f"{m}_change"], m in RATE_MEASURES) for _, r in shown_progress.iterrows()
    ]
st.dataframe(shown, hide_index=True, key="progress_table")
export = progress.copy()
export.insert(1, "host_state_name", [country_name(s, lang) for s in export["host_state"]])
with st.expander(page.t("states.download_full")):
    table(export, "host-state-progress", lang, key="progress_export")
st.caption(page.t("states.compare_caption"))

left, right = st.columns(2, gap="large")
with left:
    st.subheader(page.t("states.steps"))
    long = shown_progress.melt(
        id_vars=["host_state"], value_vars=list(STEP_MEASURES), var_name="measure", value_name="n"
    )
    long["state_name"] = [country_name(s, lang) for s in long["host_state"]]
    long["n_num"] = pd.to_numeric(long["n"], errors="coerce").fillna(0)  # a marker: bar of 0
    long["text"] = [fmt_int(v, lang) for v in long["n"]]
    names = {m: measure_label(m) for m in STEP_MEASURES}
    colours = dict(zip(STEP_MEASURES, ["#56B4E9", "#0072B2", "#E69F00", "#009E73"], strict=True))
    patterns = dict(zip(STEP_MEASURES, ["", "/", ".", "x"], strict=True))
    fig = charts.stacked_bars(
        long,
        "state_name",
        "n_num",
        "measure",
        stack_label=names,
        colours=colours,
        patterns=patterns,
        order=STEP_MEASURES,
        horizontal=True,
        height=380,
        large=page.large,
        lang=lang,
        text="text",
    )
    fig.update_layout(barmode="group")
    fig.update_traces(customdata=None)
    for trace, m in zip(
        fig.data, [m for m in STEP_MEASURES if (long["measure"] == m).any()], strict=False
    ):
        part = long[long["measure"] == m]
        trace.customdata = list(part["host_state"])
    tbl = shown_progress[["host_state", *STEP_MEASURES]].copy()
    tbl["host_state"] = [country_name(s, lang) for s in tbl["host_state"]]
    names_steps = {"host_state": page.t("common.host_state"), **names}

    def on_state_click() -> None:
        event = st.session_state.get("state_steps")
        points = event.selection.points if event else []
        if points and points[0].get("customdata"):
            code = points[0]["customdata"]
            apply_selection(host=[code[0] if isinstance(code, list) else code])

    chart(
        fig,
        tbl,
        "justice-steps-by-host-state",
        lang,
        key="state_steps",
        on_select=on_state_click,
        names=names_steps,
    )
    st.caption(page.t("states.click_caption"))

with right:
    st.subheader(page.t("states.notifications"))
    notes = page.metric("notifications_by_state")
    state_col = "recipient_state" if "recipient_state" in notes.columns else notes.columns[0]
    notes = marked(notes)
    label_col = page.t("states.recipient")
    notes.insert(0, label_col, [country_name(s, lang) for s in notes[state_col]])
    rates = (
        pd.to_numeric(notes.get("answer_rate"), errors="coerce")
        if "answer_rate" in notes.columns
        else pd.Series(dtype=float)
    )
    fig = charts.hbar(
        notes[label_col],
        rates.fillna(0),
        [fmt_pct(v, lang) for v in notes.get("answer_rate", [])],
        colours="#009E73",
        height=380,
        large=page.large,
        lang=lang,
    )
    fig.update_xaxes(range=[0, 1.05])
    names = {
        "sent": page.t("states.sent"),
        "answered": page.t("states.answered"),
        "answer_rate": metric_label("answer_rate", lang),
        "no_answer": page.t("states.no_answer"),
        "median_answer_days": page.t("states.median_answer_days"),
        "incidents_notified": page.t("states.incidents_notified"),
        "notified_24h_share": metric_label("notified_24h_share", lang),
        "median_delay_hours": metric_label("median_notification_hours", lang),
    }
    tbl = notes.drop(columns=[state_col])
    for col in ("answer_rate", "notified_24h_share"):
        if col in tbl.columns:
            tbl[col] = [fmt_pct(v, lang) for v in tbl[col]]
    for col in ("median_answer_days", "median_delay_hours"):
        if col in tbl.columns:
            tbl[col] = [fmt_number(v, lang, 1) for v in tbl[col]]
    chart(fig, tbl, "notification-answers-by-state", lang, key="state_answers", names=names)
    definitions_popover(["answer_rate", "notified_24h_share", "median_notification_hours"], lang)


@st.fragment
def trend_panel() -> None:
    st.subheader(page.t("states.trend"))
    options = ("cases", "investigated", "arrested_cases", "prosecuted", "convicted_cases", "killed")
    measure = st.segmented_control(
        page.t("trends.measure"),
        options,
        default="investigated",
        required=True,
        format_func=lambda m: metric_label(m, lang),
        key="state_trend_measure",
    )
    df = page.metric("series", measures=(measure,), freq="year", by=("host_state",))
    # keep a line with data: a non-zero count, or a suppressed one (it shows "<5" / "x")
    df = df[
        df.groupby("host_state")[measure].transform(
            lambda s: s.isna().any() or pd.to_numeric(s, errors="coerce").fillna(0).sum() > 0
        )
    ]
    df = df.assign(value=pd.to_numeric(df[measure], errors="coerce"))
    names = {s: country_name(s, lang) for s in df["host_state"].unique()}
    fig = charts.lines(
        df,
        "period",
        "value",
        "host_state",
        series_label=names,
        y_title=metric_label(measure, lang),
        height=360,
        large=page.large,
        lang=lang,
    )
    # one cell per (year, State): each cell's marker lands in the pivoted table
    shown = marked(df).pivot(index="period", columns="host_state", values=measure).reset_index()
    shown.columns.name = None
    shown.insert(0, page.t("common.year"), [pd.Timestamp(p).year for p in shown["period"]])
    shown = shown.drop(columns=["period"])
    chart(fig, shown, f"{measure}-by-host-state-and-year", lang, key="state_trend", names=names)
    definitions_popover([measure], lang)


trend_panel()
