"""Gender: who are the victims and suspects, by gender?

Victims by gender x personnel category x outcome, the share of women over time, and suspects by
gender. 'Unknown' gender is always its own group. Gender colours are fixed across the product
(women, men, unknown) and every bar carries a pattern and its number, so colour is never the
only cue.
"""

from ui.auth import require_page

scope = require_page("gender")

import pandas as pd  # noqa: E402 - the guard runs before anything else
import streamlit as st  # noqa: E402

from ui import charts  # noqa: E402
from ui.filters import apply_selection  # noqa: E402
from ui.formatting import fmt_int, fmt_pct  # noqa: E402
from ui.i18n import label  # noqa: E402
from ui.layout import chart, definitions_popover, kpi  # noqa: E402
from ui.shell import begin_page  # noqa: E402

page = begin_page("gender", scope)
lang = page.lang
GENDERS = ("F", "M", "unknown")
OUTCOMES = ("killed", "injured", "detained", "abducted")


def numeric(s: pd.Series) -> pd.Series:
    """Chart lengths: suppressed cells ('<5') are drawn as 0 but labelled with their text."""
    return pd.to_numeric(s, errors="coerce").fillna(0)


breakdown = page.metric("gender_breakdown")
k = page.metric("kpis").iloc[0]

# ------------------------------------------------------------------ headline
totals = {g: numeric(breakdown.loc[breakdown["gender"] == g, "persons"]).sum() for g in GENDERS}
cols = st.columns(5)
with cols[0]:
    kpi("women_share", fmt_pct(k["women_share"], lang, 1), lang)
with cols[1]:
    kpi("unknown_gender_share", fmt_pct(k["unknown_gender_share"], lang, 1), lang)
for col, g in zip(cols[2:], GENDERS, strict=True):
    with col:
        st.metric(
            page.t("gender.victims_of", who=label("gender", g, lang)),
            fmt_int(totals[g], lang),
            border=True,
            help=page.t("gender.victims_help"),
        )


def click_gender(chart_key: str, dimension: str) -> None:
    event = st.session_state.get(chart_key)
    points = event.selection.points if event else []
    if points:
        gender = points[0].get("customdata")
        gender = gender[0] if isinstance(gender, list) else gender
        if gender in GENDERS:
            apply_selection(gender=[gender])


left, right = st.columns(2, gap="large")
with left:
    st.subheader(page.t("gender.victims"))
    by_cat = breakdown.groupby(["personnel_type", "gender"], as_index=False)["persons"].agg(
        lambda s: numeric(s).sum()
    )
    by_cat["category"] = [label("personnel", c, lang) for c in by_cat["personnel_type"]]
    by_cat["text"] = [fmt_int(v, lang) for v in by_cat["persons"]]
    names = {g: label("gender", g, lang) for g in GENDERS}
    fig = charts.stacked_bars(
        by_cat,
        "category",
        "persons",
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
    shown = by_cat.pivot_table(
        index="category", columns="gender", values="persons", aggfunc="sum", fill_value=0
    )
    shown = shown.reindex(columns=list(GENDERS), fill_value=0).rename(columns=names).reset_index()
    shown = shown.rename(columns={"category": page.t("common.personnel")})
    chart(
        fig,
        shown,
        "victims-by-gender-and-category",
        lang,
        key="gender_cat",
        on_select=lambda: click_gender("gender_cat", "gender"),
    )
    st.caption(page.t("gender.click_caption"))

with right:
    st.subheader(page.t("gender.by_outcome"))
    by_out = breakdown.groupby(["outcome", "gender"], as_index=False)["persons"].agg(
        lambda s: numeric(s).sum()
    )
    by_out = by_out[by_out["outcome"].isin(OUTCOMES)]
    by_out["outcome_label"] = [label("outcome", o, lang) for o in by_out["outcome"]]
    by_out["text"] = [fmt_int(v, lang) for v in by_out["persons"]]
    fig = charts.stacked_bars(
        by_out,
        "outcome_label",
        "persons",
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
    shown = by_out.pivot_table(
        index="outcome_label", columns="gender", values="persons", aggfunc="sum", fill_value=0
    )
    shown = shown.reindex(columns=list(GENDERS), fill_value=0).rename(columns=names).reset_index()
    shown = shown.rename(columns={"outcome_label": page.t("common.outcome")})
    chart(
        fig,
        shown,
        "victims-by-gender-and-outcome",
        lang,
        key="gender_outcome",
        on_select=lambda: click_gender("gender_outcome", "gender"),
    )
    st.caption(page.t("gender.sources_caption"))

left, right = st.columns(2, gap="large")
with left:
    st.subheader(page.t("gender.share_women"))
    share = page.metric("women_share_series", freq="year")
    share = share[numeric(share["persons"]) > 0]
    fig = charts.lines(
        share,
        "period",
        "women_share",
        None,
        y_title=page.t("gender.share_women"),
        percent=True,
        height=320,
        large=page.large,
        lang=lang,
        colours={None: charts.GENDER_COLOURS["F"]},
    )
    fig.update_layout(showlegend=False)
    shown = pd.DataFrame(
        {
            page.t("common.year"): [pd.Timestamp(p).year for p in share["period"]],
            label("gender", "F", lang): share["women"],
            label("gender", "M", lang): share["men"],
            label("gender", "unknown", lang): share["unknown_gender"],
            page.t("gender.share_women"): [fmt_pct(v, lang, 1) for v in share["women_share"]],
        }
    )
    chart(fig, shown, "share-of-women-by-year", lang, key="women_share_chart")
    definitions_popover(["women_share", "unknown_gender_share"], lang)

with right:
    st.subheader(page.t("gender.suspects"))
    sus = page.metric("suspects_by_gender")
    sus["label"] = [label("gender", g, lang) for g in sus["gender"]]
    fig = charts.hbar(
        sus["label"],
        numeric(sus["suspects"]),
        [fmt_int(v, lang) for v in sus["suspects"]],
        colours=[charts.GENDER_COLOURS.get(g, "#999999") for g in sus["gender"]],
        height=320,
        large=page.large,
        lang=lang,
    )
    fig.update_traces(
        marker_pattern={
            "shape": [charts.GENDER_PATTERNS.get(g, "") for g in sus["gender"]],
            "fgcolor": "white",
            "fgopacity": 0.45,
            "solidity": 0.25,
            "fillmode": "overlay",
        }
    )
    shown = sus[["label", "suspects"]].rename(
        columns={"label": page.t("common.gender"), "suspects": page.t("gender.suspects_n")}
    )
    chart(fig, shown, "suspects-by-gender", lang, key="suspects_gender")
    definitions_popover(["suspects"], lang)
