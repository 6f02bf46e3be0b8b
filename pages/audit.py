"""Audit log (headquarters only): who signed in, viewed cases, exported data or was refused."""

from ui.auth import require_page

scope = require_page("audit")

import streamlit as st  # noqa: E402 - the guard runs before anything else

from access.audit import EVENTS, read_audit, verify_chain  # noqa: E402
from ui.auth import t as auth_t  # noqa: E402

FR = auth_t("title") == "Connexion"
st.title("Journal d’audit" if FR else "Audit log")
st.markdown(
    "**Qui s’est connecté, a consulté des dossiers, exporté des données ou a été refusé ?**"
    if FR
    else "**Who signed in, viewed cases, exported data or was refused?**"
)
ok, broken_at = verify_chain()
if ok:
    st.caption(
        "Chaîne d’empreintes intacte : aucune ligne modifiée ni supprimée."
        if FR
        else "Hash chain intact: no entry edited or deleted."
    )
else:
    st.error(
        f"Chaîne d’empreintes rompue à la ligne {broken_at} : le journal a été modifié."
        if FR
        else f"Hash chain broken at line {broken_at}: the log was edited."
    )
chosen = st.multiselect("Événements" if FR else "Events", list(EVENTS), default=[])
log = read_audit(scope, events=tuple(chosen) or None)
st.dataframe(log, hide_index=True, width="stretch")
st.caption(
    f"{len(log)} " + ("entrées (les plus récentes d’abord)" if FR else "entries (newest first)")
)
