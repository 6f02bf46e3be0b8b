"""Data and methods: how is each number defined, and how complete is the data?

The metric catalogue (metrics/catalogue.py), the data dictionary (docs/data-dictionary.md),
load history, completeness per mission, and what each role may see (access/policy.py).
"""

from ui.auth import require_page

scope = require_page("methods")

from pathlib import Path  # noqa: E402 - the guard runs before anything else

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from metrics import catalogue  # noqa: E402
from metrics.catalogue import term  # noqa: E402
from ui.formatting import fmt_date, fmt_int, fmt_pct  # noqa: E402
from ui.layout import table, unit_label  # noqa: E402
from ui.shell import begin_page  # noqa: E402

page = begin_page("methods", scope)
lang = page.lang
ROOT = Path(__file__).resolve().parents[1]

st.markdown(page.t("data.methods_note"))
tabs = st.tabs(
    [
        page.t("data.catalogue"),
        page.t("data.completeness"),
        page.t("data.loads"),
        page.t("data.policy"),
        page.t("data.dictionary"),
    ]
)

with tabs[0]:
    cat = catalogue()  # static declarations, no database
    shown = pd.DataFrame(
        {
            page.t("data.metric"): cat["label_fr"] if lang == "fr" else cat["label_en"],
            page.t("common.definition"): cat["description_fr"]
            if lang == "fr"
            else cat["description_en"],
            page.t("common.numerator"): [term(x, lang) for x in cat["numerator"]],
            page.t("common.denominator"): [term(x, lang) for x in cat["denominator"]],
            page.t("common.unit"): [unit_label(u, lang) for u in cat["unit"]],
            page.t("data.question"): cat["question"],
            page.t("common.caveats"): cat["caveats"],
            page.t("data.filters"): cat["filters"],
            "key": cat["key"],
        }
    )
    table(shown, "metric-catalogue", lang, key="catalogue", height=520)

with tabs[1]:
    comp = page.metric("completeness")
    shown = comp.copy()
    for c in shown.columns:
        if c.startswith("share_") or c.endswith("_share"):
            shown[c] = [fmt_pct(v, lang, 1) for v in shown[c]]
    shown = shown.rename(
        columns={
            "mission": page.t("common.mission"),
            "mission_code": page.t("common.mission"),
            "incidents": page.t("map.incidents"),
            "share_unverified": page.t("data.share_unverified"),
            "victims": page.t("cases.victims"),
            "share_unknown_gender": page.t("data.share_unknown_gender"),
            "register_fatalities": page.t("data.register_fatalities"),
            "register_unknown_gender_share": page.t("data.register_unknown_gender_share"),
            "cases": page.t("trends.cases"),
            "share_missing_stage_dates": page.t("data.share_missing_stage_dates"),
        }
    )
    table(shown, "completeness-by-mission", lang, key="completeness", height=480)
    st.caption(page.t("data.completeness_caption"))

with tabs[2]:
    status = page.call("data_status") or {}
    c = st.columns(4)
    c[0].metric(
        page.t("status.last_updated"), fmt_date(status.get("last_updated"), lang), border=True
    )
    c[1].metric(
        page.t("status.verified_up_to"), fmt_date(status.get("verified_up_to"), lang), border=True
    )
    c[2].metric(
        page.t("status.register_snapshot"),
        fmt_date(status.get("register_snapshot"), lang),
        border=True,
    )
    c[3].metric(
        page.t("data.incidents_cases"),
        f"{fmt_int(status.get('incidents'), lang)} / {fmt_int(status.get('cases'), lang)}",
        border=True,
    )
    snapshots = status.get("register_snapshots") or []
    if snapshots:
        st.markdown(
            f"**{page.t('data.snapshots')}**: " + ", ".join(fmt_date(s, lang) for s in snapshots)
        )
    loads = page.call("load_history")
    if loads.attrs.get("withheld"):
        st.caption(page.t("data.loads_withheld"))
    elif loads.empty:
        st.info(page.t("data.loads_none"))
    else:
        shown = loads.rename(
            columns={
                "batch_id": page.t("data.batch_id"),
                "file_name": page.t("data.file_name"),
                "kind": page.t("data.kind"),
                "rows_read": page.t("data.rows_read"),
                "rows_inserted": page.t("data.rows_inserted"),
                "rows_updated": page.t("data.rows_updated"),
                "loaded_at": page.t("data.loaded_at"),
                "synthetic": page.t("data.synthetic"),
                "sha256_prefix": page.t("data.sha256_prefix"),
            }
        )
        loaded_at = page.t("data.loaded_at")
        table(
            shown,
            "load-history",
            lang,
            key="loads",
            column_config={loaded_at: st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")},
        )
        st.caption(page.t("data.loads_caption"))

with tabs[3]:
    try:
        from access.policy import policy_table
    except ImportError:
        st.info(page.t("data.not_yet"))
    else:
        table(policy_table(lang), "access-policy", lang, key="policy")
        st.caption(page.t("common.suppressed_note"))

with tabs[4]:
    dictionary = ROOT / "docs" / "data-dictionary.md"
    if dictionary.exists():
        st.markdown(dictionary.read_text(encoding="utf-8"))
    else:
        st.info(page.t("data.not_yet"))
