"""Entry point: page config, database on first start, sign-in, navigation for the role, filters.

    streamlit run app.py

Thin by design: pages present, metrics/ computes, access/ decides who sees what.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from ui import auth
from ui.i18n import t
from ui.nav import navigation_pages
from ui.shell import current_lang, mark_entry, record_run_time

ROOT = Path(__file__).resolve().parent

st.set_page_config(
    page_title="Resolution 2589",
    page_icon=str(ROOT / "static" / "favicon.png"),  # local file: no request to a font host
    layout="wide",
    initial_sidebar_state="expanded",
)

started, started_cpu = time.perf_counter(), time.thread_time()
mark_entry()
scope = auth.current_scope()
if scope is None:
    # Not signed in: register every page (hidden) so the URL the reader opened resolves, and let
    # that page's own guard (ui.auth.require_page) show the sign-in form and stop. After sign-in
    # the same URL opens the page itself. The sign-in screen stays light (no sidebar, no filter
    # or metrics modules): the form is the first thing drawn; meanwhile a background thread
    # loads what the pages need, once per process (ui.auth starts it).
    st.navigation(navigation_pages(None, current_lang(), every_page=True), position="hidden").run()
    st.stop()

from ui.filters import sidebar_filters  # noqa: E402 - after sign-in only (pulls in metrics)
from ui.shell import ensure_database, filter_choices, language_switch  # noqa: E402

lang = language_switch()
ensure_database(lang)
pages = navigation_pages(scope, lang)
if not pages:
    st.error(t("auth.refused", lang))
    st.stop()
page = st.navigation(pages, position="sidebar", expanded=True)
options, names = filter_choices(scope, lang)
sidebar_filters(lang, options, names)
if hasattr(auth, "render_account"):
    with st.sidebar:
        st.divider()
    auth.render_account(scope)
page.run()
record_run_time(page.url_path, time.perf_counter() - started, time.thread_time() - started_cpu)
