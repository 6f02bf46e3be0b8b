"""Audit log (headquarters): who signed in, viewed cases, exported data or was refused."""

from ui.auth import require_page

scope = require_page("audit")

import streamlit as st  # noqa: E402 - the guard runs before anything else

from ui.formatting import fmt_int  # noqa: E402
from ui.layout import table  # noqa: E402
from ui.shell import begin_page  # noqa: E402

page = begin_page("audit", scope)
lang = page.lang

from access.audit import EVENTS, read_audit, verify_chain  # noqa: E402

chosen = st.multiselect(
    page.t("audit.events"),
    EVENTS,
    default=[],
    placeholder=page.t("filters.all"),
    key="audit_events",
)
log = read_audit(scope, events=tuple(chosen) or None, limit=5000)
ok, broken_at = verify_chain()
if ok:
    st.success(page.t("audit.chain_ok", n=fmt_int(len(log), lang)))
else:
    st.error(page.t("audit.chain_broken", line=fmt_int(broken_at, lang)))
columns = {
    "time": page.t("audit.time"),
    "event": page.t("audit.event"),
    "user": page.t("audit.user"),
    "role": page.t("audit.role"),
    "scope": page.t("audit.scope"),
    "detail": page.t("audit.detail"),
}
table(log.rename(columns=columns), "audit-log", lang, key="audit", height=640)
