"""Sign-in and the caller's scope for Streamlit pages (STUB until issue 5 lands).

Pages call `require_page(key)` first thing: it returns the server-side Scope of the signed-in
user or stops the script with a refusal.
"""

from __future__ import annotations

from access.scope import FULL, Scope


def current_scope() -> Scope | None:
    return FULL


def require_page(page_key: str) -> Scope:
    return FULL
