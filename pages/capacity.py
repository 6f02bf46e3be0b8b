"""Capacity building and focal points (paras 3, 5 and 9): what support has the UN given, and
who are the focal points?"""

from ui.auth import require_page

scope = require_page("capacity")

import pandas as pd  # noqa: E402 - the guard runs before anything else
import streamlit as st  # noqa: E402

from access.disclosure import marked  # noqa: E402
from ui import charts  # noqa: E402
from ui.filters import apply_selection  # noqa: E402
from ui.formatting import fmt_date, fmt_int, fmt_pct  # noqa: E402
from ui.i18n import label  # noqa: E402
from ui.layout import chart, definitions_popover, kpi, table  # noqa: E402
from ui.shell import begin_page, country_name  # noqa: E402

page = begin_page("capacity", scope)
lang = page.lang
GENDERS = ("F", "M", "unknown")


def numeric(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").fillna(0)


# marked: a suppressed count reads "<5" / "x" in tiles, labels and tables (charts use numbers)
total = marked(page.metric("capacity_building", by=()))
row = total.iloc[0] if len(total) else pd.Series(dtype=object)
cols = st.columns(4)
with cols[0]:
    kpi("assistance_activities", fmt_int(row.get("activities"), lang), lang)
with cols[1]:
    kpi("assistance_participants", fmt_int(row.get("participants"), lang), lang)
with cols[2]:
    # metrics withholds the share wherever women or the total is hidden
    kpi("assistance_women_share", fmt_pct(row.get("women_share"), lang), lang)
with cols[3]:
    kpi(
        "assistance_participants_unknown",
        fmt_int(row.get("participants_unknown"), lang),
        lang,
        label_text=page.t("capacity.unknown_participants"),
    )

left, right = st.columns(2, gap="large")
with left:
    st.subheader(page.t("capacity.by_type"))
    by_type = marked(page.metric("capacity_building", by=("assistance_type",)))
    by_type["type_label"] = [label("assistance", a, lang) for a in by_type["assistance_type"]]
    fig = charts.hbar(
        by_type["type_label"],
        numeric(by_type["activities"]),
        [fmt_int(v, lang) for v in by_type["activities"]],
        height=380,
        large=page.large,
        lang=lang,
    )
    shown = by_type[
        [
            "type_label",
            "activities",
            "participants",
            "participants_f",
            "participants_m",
            "participants_unknown",
        ]
    ]
    names = {
        "type_label": page.t("capacity.type"),
        "activities": page.t("capacity.activities"),
        "participants": page.t("capacity.participants_n"),
        "participants_f": label("gender", "F", lang),
        "participants_m": label("gender", "M", lang),
        "participants_unknown": label("gender", "unknown", lang),
    }
    chart(fig, shown, "capacity-building-by-type", lang, key="cap_type", names=names)

with right:
    st.subheader(page.t("capacity.participants"))
    by_state = marked(page.metric("capacity_building", by=("host_state",)))
    long = by_state.melt(
        id_vars=["host_state"],
        value_vars=["participants_f", "participants_m", "participants_unknown"],
        var_name="g",
        value_name="n",
    )
    long["gender"] = long["g"].map(
        {"participants_f": "F", "participants_m": "M", "participants_unknown": "unknown"}
    )
    long["state_name"] = [country_name(s, lang) for s in long["host_state"]]
    long["n_num"] = numeric(long["n"])
    long["text"] = [fmt_int(v, lang) for v in long["n"]]
    names = {g: label("gender", g, lang) for g in GENDERS}
    fig = charts.stacked_bars(
        long,
        "state_name",
        "n_num",
        "gender",
        stack_label=names,
        colours=charts.GENDER_COLOURS,
        patterns=charts.GENDER_PATTERNS,
        order=GENDERS,
        horizontal=True,
        height=380,
        large=page.large,
        lang=lang,
        text="text",
    )
    for trace in fig.data:
        trace.customdata = [by_state["host_state"].iloc[i] for i in range(len(by_state))]

    def on_click() -> None:
        event = st.session_state.get("cap_state")
        points = event.selection.points if event else []
        if points and points[0].get("customdata"):
            code = points[0]["customdata"]
            apply_selection(host=[code[0] if isinstance(code, list) else code])

    shown = by_state.copy()
    shown.insert(
        0, page.t("common.host_state"), [country_name(s, lang) for s in shown["host_state"]]
    )
    shown = shown.drop(columns=["host_state"])
    names = {
        "activities": page.t("capacity.activities"),
        "participants": page.t("capacity.participants_n"),
        "participants_f": label("gender", "F", lang),
        "participants_m": label("gender", "M", lang),
        "participants_unknown": label("gender", "unknown", lang),
        "women_share": page.t("capacity.women_share"),
    }
    chart(
        fig,
        shown,
        "capacity-building-participants-by-state",
        lang,
        key="cap_state",
        on_select=on_click,
        names=names,
    )
    st.caption(page.t("states.click_caption"))
definitions_popover(
    [
        "assistance_activities",
        "assistance_participants",
        "assistance_participants_unknown",
        "assistance_women_share",
    ],
    lang,
)

st.subheader(page.t("capacity.focal_points"))
fps = page.call("focal_points", on=page.filters.as_of)
fps = fps.copy()
if "current" in fps.columns:
    fps["current"] = [page.t("cases.yes") if c else page.t("cases.no") for c in fps["current"]]
for c in ("from_date", "to_date"):
    if c in fps.columns:
        fps[c] = [fmt_date(d, lang) if pd.notna(d) else "" for d in fps[c]]
fps = fps.rename(
    columns={
        "mission_code": page.t("common.mission"),
        "function": page.t("capacity.function"),
        "from_date": page.t("capacity.from"),
        "to_date": page.t("capacity.to"),
        "current": page.t("capacity.current"),
        "full_name": page.t("capacity.name"),
        "focal_point_id": "ID",
    }
)
table(fps, "focal-points", lang, key="focal_points")
st.caption(page.t("capacity.focal_caption"))
