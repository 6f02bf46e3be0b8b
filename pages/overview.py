"""Overview (senior leadership): are crimes against peacekeepers being brought to justice?

First screen: six headline figures with the change against the previous period, the justice
chain from incident to conviction, and the missions side by side.
"""

from ui.auth import require_page

scope = require_page("overview")

import pandas as pd  # noqa: E402 - the guard runs before anything else
import streamlit as st  # noqa: E402

from access.disclosure import Marker, marked  # noqa: E402
from access.settings import suppression_threshold  # noqa: E402
from ui import charts  # noqa: E402
from ui.filters import apply_selection  # noqa: E402
from ui.formatting import (  # noqa: E402
    colon,
    fmt_date,
    fmt_int,
    fmt_pct,
    fmt_pp,
    fmt_signed_int,
    fmt_signed_pct,
)
from ui.i18n import label  # noqa: E402
from ui.layout import definitions_popover, kpi, metric_label, table  # noqa: E402
from ui.nav import link  # noqa: E402
from ui.shell import begin_page, mission_name  # noqa: E402

page = begin_page("overview", scope)
lang = page.lang

FUNNEL_LABELS = {
    "incidents": "stage.incidents",
    "cases": "stage.cases",
    "investigated": "stage.investigated",
    "suspects_identified": "stage.suspects",
    "arrested_cases": "stage.arrests",
    "prosecuted": "stage.prosecuted",
    "convicted_cases": "stage.convicted",
}
HEADLINE = ("killed", "incidents", "cases", "investigation_rate", "conviction_rate", "pending")
STALLED_DAYS = 180


def change_text(row: pd.Series) -> str | None:
    """'+3 (+12%) vs previous period' for counts, '+4 pts' for rates."""
    if not isinstance(row["change"], (int, float)) or pd.isna(row["change"]):
        return None
    if row["format"] == "rate":
        return fmt_pp(row["change"], lang)
    pct = f" ({fmt_signed_pct(row['change_pct'], lang)})" if pd.notna(row["change_pct"]) else ""
    return f"{fmt_signed_int(row['change'], lang)}{pct}"


def value_text(value: object, fmt: str) -> str:
    return fmt_pct(value, lang) if fmt == "rate" else fmt_int(value, lang)


def bars(
    bars_html: str, df: pd.DataFrame, name: str, *, key: str, percent_cols: list[str] = ()
) -> None:
    """Bars drawn as HTML (ui.charts.bars_html: no chart library to load on the first screen),
    then the table behind them, collapsed, with its downloads (as ui.layout.chart does)."""
    st.html(bars_html)
    with st.expander(page.t("common.show_table")):
        table(df, name, lang, key=f"{key}-table", percent_cols=list(percent_cols))


# ------------------------------------------------------------------ headline figures
change = page.metric("kpi_change", keys=HEADLINE).set_index("metric")
first = change.iloc[0]
st.subheader(
    f"{page.t('overview.kpis')}{colon(lang)}{fmt_date(first['period_from'], lang)} – {fmt_date(first['period_to'], lang)}"
)
st.caption(
    f"{page.t('overview.change_caption')}{colon(lang)}{fmt_date(first['previous_from'], lang)} – {fmt_date(first['previous_to'], lang)}"
)
for col, key in zip(st.columns(len(HEADLINE)), HEADLINE, strict=True):
    row = change.loc[key]
    with col:
        sign = (
            row["change"]
            if isinstance(row["change"], (int, float)) and not pd.isna(row["change"])
            else None
        )
        current = row["current"]
        if pd.isna(current) and isinstance(row.get("current_withheld"), str):
            # a withheld count reads "<5" or "x", as in every table, not "–"
            current = Marker(row["current_withheld"], suppression_threshold())
        kpi(
            key,
            value_text(current, row["format"]),
            lang,
            delta_text=change_text(row),
            large=page.large,
            delta_sign=sign,
            label_text=page.t(f"overview.kpi.{key}"),
        )

# the sections below follow the period filter (all incidents to date when none is set)
if page.filters.date_from or page.filters.date_to:
    scope_of_period = page.t(
        "overview.period_filtered",
        period=f"{fmt_date(page.filters.date_from, lang) if page.filters.date_from else '…'} – "
        f"{fmt_date(page.filters.date_to, lang) if page.filters.date_to else '…'}",
    )
else:
    scope_of_period = page.t("overview.all_time")

# ------------------------------------------------------------------ funnel | missions
left, right = st.columns([5, 6], gap="large")

with left:
    st.subheader(page.t("overview.funnel"))
    st.caption(scope_of_period)
    fun = page.metric("funnel")
    values = pd.to_numeric(fun["count"], errors="coerce").fillna(0)
    fun = marked(fun)  # a withheld stage reads "<5" or "x", in the bars and in the table
    labels = [page.t(FUNNEL_LABELS.get(s, s)) for s in fun["stage"]]
    texts = [
        fmt_int(r["count"], lang)
        + (f" ({fmt_pct(r['share_of_cases'], lang)})" if pd.notna(r["share_of_cases"]) else "")
        for _, r in fun.iterrows()
    ]
    colours = ["#999999", *["#0072B2"] * (len(fun) - 2), "#009E73"]
    shown = pd.DataFrame(
        {
            page.t("common.stage"): labels,
            page.t("common.count"): fun["count"],
            page.t("overview.share_of_cases"): fun["share_of_cases"],
        }
    )
    bars(
        charts.bars_html(
            labels,
            values,
            texts,
            colours=colours,
            title=page.t("overview.funnel"),
            large=page.large,
        ),
        shown,
        "justice-funnel",
        key="funnel",
        percent_cols=[page.t("overview.share_of_cases")],
    )
    st.caption(page.t("overview.funnel_caption"))
    definitions_popover(list(fun["stage"]), lang)

with right:
    st.subheader(page.t("overview.missions"))
    st.caption(scope_of_period)
    by_mission = page.metric("kpis", by=("mission",))
    by_mission = by_mission[
        pd.to_numeric(by_mission["cases"], errors="coerce").fillna(1) > 0
    ].copy()
    cols = ["killed", "incidents", "cases", "investigation_rate", "conviction_rate", "pending"]
    shown = by_mission[["mission", *cols]].copy()
    headers = {c: page.t(f"overview.col.{c}") for c in cols}
    headers["mission"] = page.t("common.mission")
    config = {
        headers["mission"]: st.column_config.TextColumn(
            help=", ".join(f"{m}: {mission_name(m, lang)}" for m in shown["mission"])
        )
    }

    def on_mission_click() -> None:
        sel = st.session_state.get("missions_table")
        rows = sel.selection.rows if sel else []
        if rows:
            apply_selection(mission=[by_mission.iloc[rows[0]]["mission"]])

    table(
        shown,
        "missions-side-by-side",
        lang,
        key="missions_table",
        names=headers,  # table() marks "<5" / "x" first, then applies the reader's labels
        column_config=config,
        on_select=on_mission_click,
        percent_cols=[headers["investigation_rate"], headers["conviction_rate"]],
    )
    st.caption(page.t("overview.missions_caption"))

# ------------------------------------------------------------------ stalled and outcomes
left, right = st.columns([5, 6], gap="large")
with left:
    st.subheader(page.t("overview.outcomes"))
    k = marked(page.metric("kpis")).iloc[0]  # a withheld outcome reads "<5" or "x"
    outcomes = ["full_justice", "partial_justice", "impunity", "pending"]
    df = pd.DataFrame(
        {
            "outcome": outcomes,
            "label": [label("outcome", o, lang) for o in outcomes],
            "cases": [k[o] for o in outcomes],
        }
    )
    bars(
        charts.bars_html(
            df["label"],
            pd.to_numeric(df["cases"], errors="coerce").fillna(0),
            [fmt_int(v, lang) for v in df["cases"]],
            colours=[charts.OUTCOME_COLOURS[o] for o in outcomes],
            title=page.t("overview.outcomes"),
            large=page.large,
        ),
        df[["label", "cases"]].rename(
            columns={"label": page.t("common.outcome"), "cases": page.t("stage.cases")}
        ),
        "case-outcomes",
        key="outcomes",
    )
    definitions_popover(outcomes, lang)

with right:
    st.subheader(page.t("overview.stalled"))
    st.caption(page.t("overview.stalled_caption", days=fmt_int(STALLED_DAYS, lang)))
    counts = page.metric("stalled_count", days=STALLED_DAYS, by=("mission",))
    counts = marked(counts[pd.to_numeric(counts["pending"], errors="coerce").fillna(1) > 0])
    shown = pd.DataFrame(
        {
            page.t("common.mission"): counts["mission"],
            metric_label("stalled_cases", lang): counts["stalled_cases"],
            metric_label("pending", lang): counts["pending"],
        }
    )
    table(shown, "stalled-by-mission", lang, key="stalled_table", height=260)
    link("cases", page.t("common.open_cases"), scope, {"stalled": "1"})
