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

from access.disclosure import marked, protected_sum  # noqa: E402
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


def add_up(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`persons` of a marked frame added up by `keys`: a group holding a suppressed cell is a
    marker ("<5" or "x"), never the understated sum of its visible cells."""
    out = frame.groupby(keys, as_index=False, sort=False)["persons"].agg(protected_sum)
    return out.assign(persons=out["persons"].astype(object))  # numbers and markers side by side


# marked: suppressed cells hold "<5" / "x", which every table, label and total below keeps.
# Each table is asked for as it is drawn (protected on its own): victims by gender, by gender
# and category, by gender and outcome.
by_gender = marked(page.metric("gender_breakdown", across=()))
by_category = marked(page.metric("gender_breakdown", across=("personnel_type",)))
by_outcome = marked(page.metric("gender_breakdown", across=("outcome",)))
k = page.metric("kpis").iloc[0]

# ------------------------------------------------------------------ headline
totals = {g: protected_sum(by_gender.loc[by_gender["gender"] == g, "persons"]) for g in GENDERS}
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
    by_cat = add_up(by_category, ["personnel_type", "gender"])
    by_cat["category"] = [label("personnel", c, lang) for c in by_cat["personnel_type"]]
    by_cat["text"] = [fmt_int(v, lang) for v in by_cat["persons"]]
    by_cat["persons_num"] = numeric(by_cat["persons"])
    names = {g: label("gender", g, lang) for g in GENDERS}
    fig = charts.stacked_bars(
        by_cat,
        "category",
        "persons_num",
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
    # one cell per (category, gender): each cell's marker lands in the pivoted table
    shown = by_cat.pivot(index="category", columns="gender", values="persons")
    shown = shown.astype(object).reindex(columns=list(GENDERS), fill_value=0).fillna(0)
    shown = shown.reset_index()
    shown.columns.name = None
    shown = shown.rename(columns={**names, "category": page.t("common.personnel")})
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
    by_out = add_up(by_outcome, ["outcome", "gender"])
    by_out = by_out[by_out["outcome"].isin(OUTCOMES)].copy()
    by_out["outcome_label"] = [label("outcome", o, lang) for o in by_out["outcome"]]
    by_out["text"] = [fmt_int(v, lang) for v in by_out["persons"]]
    by_out["persons_num"] = numeric(by_out["persons"])
    fig = charts.stacked_bars(
        by_out,
        "outcome_label",
        "persons_num",
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
    shown = by_out.pivot(index="outcome_label", columns="gender", values="persons")
    shown = shown.astype(object).reindex(columns=list(GENDERS), fill_value=0).fillna(0)
    shown = shown.reset_index()
    shown.columns.name = None
    shown = shown.rename(columns={**names, "outcome_label": page.t("common.outcome")})
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
    persons = pd.to_numeric(share["persons"], errors="coerce")
    share = share[persons.isna() | (persons > 0)]  # a year with "<5" persons stays, marked
    # (metrics withholds the share wherever women or persons is hidden)
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
    shown = marked(share)[["period", "women", "men", "unknown_gender"]]
    shown["period"] = [pd.Timestamp(p).year for p in share["period"]]
    shown["women_share"] = [fmt_pct(v, lang, 1) for v in share["women_share"]]
    names_share = {
        "period": page.t("common.year"),
        "women": label("gender", "F", lang),
        "men": label("gender", "M", lang),
        "unknown_gender": label("gender", "unknown", lang),
        "women_share": page.t("gender.share_women"),
    }
    chart(fig, shown, "share-of-women-by-year", lang, key="women_share_chart", names=names_share)
    definitions_popover(["women_share", "unknown_gender_share"], lang)

with right:
    st.subheader(page.t("gender.suspects"))
    sus = marked(page.metric("suspects_by_gender"))
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
