"""Entry point: page config, database on first start, sign-in, navigation for the role, filters.

    streamlit run app.py

Thin by design: pages present, metrics/ computes, access/ decides who sees what.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth
from ui.filters import sidebar_filters
from ui.i18n import t
from ui.nav import navigation_pages
from ui.shell import ensure_database, filter_choices, language_switch

ROOT = Path(__file__).resolve().parent

st.set_page_config(
    page_title="Resolution 2589",
    page_icon=str(ROOT / "static" / "favicon.png"),  # local file: no request to a font host
    layout="wide",
    initial_sidebar_state="expanded",
)

lang = language_switch()
ensure_database(lang)
# Sign-in (ui.auth): shows the sign-in screen and stops until a user is signed in.
scope = auth.require_sign_in() if hasattr(auth, "require_sign_in") else auth.current_scope()
pages = navigation_pages(scope, lang)
if not pages:
    st.error(t("auth.refused", lang))
    st.stop()
if hasattr(auth, "render_account"):
    auth.render_account(scope)
page = st.navigation(pages, position="sidebar", expanded=True)
options, names = filter_choices(scope, lang)
sidebar_filters(lang, options, names)
page.run()
