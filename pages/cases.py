"""Cases: where does each case stand, and which have stalled?

The pipeline (every case file placed by its current stage and the days it has spent there,
stalled ones marked), the case list, and a case page (timeline, victims, suspects,
notifications, UN support) as far as the role allows. `?case=ID` opens a case page, so a link to
a case can be shared; metrics refuses a case outside the caller's scope.
"""

from ui.auth import require_page

scope = require_page("cases")

import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import streamlit as st  # noqa: E402

from access.disclosure import is_marker, marked  # noqa: E402
from ui import auth, charts  # noqa: E402
from ui.formatting import fmt_date, fmt_int  # noqa: E402
from ui.i18n import has, label  # noqa: E402
from ui.layout import PLOTLY_CONFIG, chart, definitions_popover, table  # noqa: E402
from ui.shell import begin_page, country_name  # noqa: E402

page = begin_page("cases", scope)
lang = page.lang

# the case page's detail tables: coded values as labels, States by name, dates in the
# reader's language, column names from the message catalogue (col.<column>)
CODED = {
    "gender": "gender1",  # one person: Woman / Man, not the groups' Women / Men
    "outcome": "outcome",
    "personnel_category": "personnel",
    "status": "suspect",
    "channel": "channel",
    "assistance_type": "assistance",
    "age_band": "age",
}
STATES = ("nationality", "recipient_state", "host_state")
DATES = ("sent_at", "answer_received_on", "start_date", "end_date")


def detail_table(df: pd.DataFrame, name: str, key: str) -> None:
    shown = df.copy()
    for col, prefix in CODED.items():
        if col in shown.columns:
            shown[col] = [label(prefix, v, lang) if isinstance(v, str) else v for v in shown[col]]
    for col in STATES:
        if col in shown.columns:
            shown[col] = [country_name(v, lang) if isinstance(v, str) else v for v in shown[col]]
    for col in DATES:
        if col in shown.columns:
            shown[col] = [fmt_date(v, lang) for v in shown[col]]
    names = {c: page.t(f"col.{c}") for c in shown.columns if has(f"col.{c}")}
    table(shown, name, lang, key=key, names=names)


STALLED_DAYS = 180
LIST_LIMIT = 2000


def open_case(case_id: str) -> None:
    st.query_params["case"] = case_id


def close_case() -> None:
    st.query_params.pop("case", None)


def yes_no(flag: object) -> str:
    return page.t("cases.yes") if bool(flag) else page.t("cases.no")


# ------------------------------------------------------------------ one case
case_id = st.query_params.get("case")
if case_id:
    st.button(page.t("cases.back"), on_click=close_case)
    try:
        detail = page.call("case_detail", case_id)
    except LookupError:
        st.error(page.t("cases.not_found"))
        st.stop()
    if hasattr(auth, "log_case_view"):
        auth.log_case_view(scope, case_id)
    case = detail["case"].iloc[0]
    st.header(f"{page.t('cases.detail')} {case_id}")
    facts = st.columns(5)
    facts[0].metric(page.t("common.mission"), case.get("mission_code", "–"), border=True)
    facts[1].metric(
        page.t("cases.jurisdiction"), country_name(case.get("state", ""), lang), border=True
    )
    facts[2].metric(
        page.t("cases.incident_date"), fmt_date(case.get("incident_date"), lang), border=True
    )
    facts[3].metric(
        page.t("cases.current_stage"), label("stage", case.get("current_stage"), lang), border=True
    )
    facts[4].metric(
        page.t("common.outcome"), label("outcome", case.get("outcome"), lang), border=True
    )

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(page.t("cases.timeline"))
        ev = detail["events"].copy()
        if ev.empty:
            st.info(page.t("common.no_data"))
        else:
            ev["stage_label"] = [label("stage", s, lang) for s in ev["stage"]]
            fig = go.Figure(
                go.Scatter(
                    x=ev["event_date"],
                    y=ev["stage_label"],
                    mode="markers+lines+text",
                    text=[fmt_date(d, lang) for d in ev["event_date"]],
                    textposition="middle right",
                    marker={"size": 14, "symbol": "diamond", "color": "#0072B2"},
                    line={"color": "#999999"},
                )
            )
            charts.base_layout(fig, height=60 + 42 * len(ev), large=page.large, legend=False)
            fig.update_yaxes(
                autorange="reversed",
                categoryorder="array",
                categoryarray=list(dict.fromkeys(ev["stage_label"])),
            )
            st.plotly_chart(fig, config=PLOTLY_CONFIG, theme=None, key="case_timeline")
            shown = ev.assign(event_date=[fmt_date(d, lang) for d in ev["event_date"]])
            shown = shown[["event_date", "stage_label", "persons", "source"]].rename(
                columns={
                    "event_date": page.t("common.date"),
                    "stage_label": page.t("common.stage"),
                    "persons": page.t("cases.persons"),
                    "source": page.t("common.source"),
                }
            )
            table(shown, f"case-{case_id}-events", lang, key="case_events")
    with right:
        st.subheader(page.t("cases.victims"))
        detail_table(detail["victims"], f"case-{case_id}-victims", "case_victims")
        st.subheader(page.t("cases.suspects"))
        detail_table(detail["suspects"], f"case-{case_id}-suspects", "case_suspects")
    st.subheader(page.t("cases.notifications"))
    detail_table(detail["notifications"], f"case-{case_id}-notifications", "case_notifications")
    st.subheader(page.t("cases.assistance"))
    detail_table(detail["assistance"], f"case-{case_id}-assistance", "case_assistance")
    st.stop()

# ------------------------------------------------------------------ pipeline and list
stalled_only = st.toggle(page.t("cases.stalled_only"), key="stalled", bind="query-params")
cases = page.metric("case_list", days=STALLED_DAYS, sort="days_in_current_stage", limit=LIST_LIMIT)
if stalled_only:
    cases = page.metric("stalled_cases", days=STALLED_DAYS, limit=LIST_LIMIT)
counts = marked(page.metric("stalled_count", days=STALLED_DAYS)).iloc[0]  # "<5" stays "<5"
c1, c2, c3 = st.columns([2, 2, 6])
c1.metric(
    page.t("cases.open_cases"),
    fmt_int(counts["pending"], lang),
    border=True,
    help=page.t("cases.open_help"),
)
c2.metric(
    page.t("cases.stalled_n"),
    fmt_int(counts["stalled_cases"], lang),
    border=True,
    help=page.t("overview.stalled_caption", days=fmt_int(STALLED_DAYS, lang)),
)
with c3:
    st.caption(page.t("cases.pipeline_caption", days=fmt_int(STALLED_DAYS, lang)))
    if len(cases) >= LIST_LIMIT:
        st.caption(page.t("cases.limited", n=fmt_int(LIST_LIMIT, lang)))

st.subheader(page.t("cases.by_stage"))
by_stage = page.metric("cases_by_stage", days=STALLED_DAYS)
stage_counts = pd.to_numeric(by_stage["cases"], errors="coerce")
if not (stage_counts.fillna(0) > 0).any() and not stage_counts.isna().any():
    st.info(page.t("common.no_data"))
else:
    stage_labels = [label("stage", s, lang) for s in by_stage["stage"]]
    shown_stage = marked(by_stage)  # small counts as "<5" / "x" in labels and the table
    texts = [
        fmt_int(n, lang)
        + (
            f" ({page.t('cases.stalled_of', n=fmt_int(k, lang))})"
            if is_marker(k) or pd.isna(k) or k > 0
            else ""
        )
        for n, k in zip(shown_stage["cases"], shown_stage["stalled"], strict=True)
    ]
    fig = charts.hbar(
        stage_labels,
        stage_counts.fillna(0),  # a withheld count is drawn as 0, labelled with its marker
        texts,
        height=60 + 30 * len(by_stage),
        large=page.large,
        lang=lang,
    )
    shown = shown_stage.assign(stage=stage_labels)[["stage", "cases", "stalled"]]
    names = {
        "stage": page.t("common.stage"),
        "cases": page.t("cases.by_stage_n"),
        "stalled": page.t("cases.stalled_n"),
    }
    chart(fig, shown, "case-files-by-stage", lang, key="cases_by_stage", names=names)
    st.caption(page.t("cases.by_stage_caption", days=fmt_int(STALLED_DAYS, lang)))
    definitions_popover(["cases_at_stage", "stalled_cases"], lang)

st.subheader(page.t("cases.pipeline"))
if cases.empty:
    st.info(page.t("common.no_data"))
else:
    # the model's stage order, as metrics.cases_by_stage lists every stage
    order = list(by_stage["stage"])
    present = set(cases["current_stage"])
    stages = [s for s in order if s in present] + sorted(present - set(order), key=str)
    fig = go.Figure()
    status = pd.Series("open", index=cases.index)
    status[cases["stalled"].fillna(False).astype(bool)] = "stalled"
    status[cases["outcome"].astype(str) != "pending"] = "done"
    groups = (
        ("open", page.t("cases.moving"), "#0072B2", "circle"),
        ("stalled", page.t("cases.stalled"), "#D55E00", "x"),
        ("done", page.t("cases.done"), "#999999", "diamond-open"),
    )
    for key, name, colour, symbol in groups:
        part = cases[status == key]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["days_in_current_stage"],
                y=[label("stage", s, lang) for s in part["current_stage"]],
                mode="markers",
                name=name,
                customdata=part["case_id"],
                marker={"color": colour, "symbol": symbol, "size": 10, "opacity": 0.75},
                hovertemplate="%{customdata}<br>%{y}: %{x} "
                + page.t("common.days")
                + "<extra></extra>",
            )
        )
    charts.base_layout(fig, height=420, large=page.large)
    fig.add_vline(
        x=STALLED_DAYS,
        line_dash="dash",
        line_color="#D55E00",
        annotation_text=page.t("cases.stalled_line", days=fmt_int(STALLED_DAYS, lang)),
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=[label("stage", s, lang) for s in stages],
        autorange="reversed",
    )
    fig.update_xaxes(title=page.t("cases.days_in_stage"))
    fig.update_layout(separators=charts.separators(lang))

    def on_pipeline_click() -> None:
        event = st.session_state.get("pipeline")
        points = event.selection.points if event else []
        if points and points[0].get("customdata"):
            cid = points[0]["customdata"]
            open_case(cid[0] if isinstance(cid, list) else cid)

    st.plotly_chart(
        fig,
        config=PLOTLY_CONFIG,
        theme=None,
        key="pipeline",
        on_select=on_pipeline_click,
        selection_mode="points",
    )
    st.caption(page.t("cases.click_caption"))

st.subheader(page.t("cases.list"))
columns = [
    "case_id",
    "mission_code",
    "state",
    "incident_date",
    "act_type",
    "current_stage",
    "days_in_current_stage",
    "stalled",
    "outcome",
    "persons_arrested",
    "persons_convicted",
    "killed",
    "injured",
]
shown = cases[[c for c in columns if c in cases.columns]].copy()
shown["state"] = [country_name(s, lang) for s in shown["state"]]
shown["act_type"] = [label("act", a, lang) for a in shown["act_type"]]
shown["current_stage"] = [label("stage", s, lang) for s in shown["current_stage"]]
shown["outcome"] = [label("outcome", o, lang) for o in shown["outcome"]]
shown["stalled"] = [yes_no(s) for s in shown["stalled"]]
names = {
    "case_id": page.t("cases.case_id"),
    "mission_code": page.t("common.mission"),
    "state": page.t("cases.jurisdiction"),
    "incident_date": page.t("cases.incident_date"),
    "act_type": page.t("filters.act_types"),
    "current_stage": page.t("cases.current_stage"),
    "days_in_current_stage": page.t("cases.days_in_stage"),
    "stalled": page.t("cases.stalled"),
    "outcome": page.t("common.outcome"),
    "persons_arrested": page.t("cases.persons_arrested"),
    "persons_convicted": page.t("cases.persons_convicted"),
    "killed": label("outcome", "killed", lang),
    "injured": label("outcome", "injured", lang),
}
shown = shown.rename(columns=names)


def on_row() -> None:
    event = st.session_state.get("case_table")
    rows = event.selection.rows if event else []
    if rows:
        open_case(str(cases.iloc[rows[0]]["case_id"]))


table(
    shown,
    "case-list",
    lang,
    key="case_table",
    on_select=on_row,
    height=420,
    column_config={names["incident_date"]: st.column_config.DateColumn(format="localized")},
)
st.caption(page.t("cases.row_caption"))
definitions_popover(
    ["stalled_cases", "pending", "full_justice", "partial_justice", "impunity"], lang
)
