"""The page list, built for the signed-in role (st.navigation never lists a page the role may
not open; each page file still guards itself with `ui.auth.require_page`)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from access.scope import Scope
from ui.i18n import t


@dataclass(frozen=True)
class PageSpec:
    key: str  # permission key (access/policy.py PAGES)
    path: str
    url_path: str
    group: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "pages/overview.py", "overview", "briefing"),
    PageSpec("trends", "pages/trends.py", "trends", "briefing"),
    PageSpec("map", "pages/map.py", "map", "briefing"),
    PageSpec("member_states", "pages/member_states.py", "member-states", "briefing"),
    PageSpec("cases", "pages/cases.py", "cases", "analysis"),
    PageSpec("gender", "pages/gender.py", "gender", "analysis"),
    PageSpec("capacity", "pages/capacity.py", "capacity", "analysis"),
    PageSpec("methods", "pages/methods.py", "methods", "about"),
    PageSpec("audit", "pages/audit.py", "audit", "about"),
)

_FALLBACK_PAGES_BY_ROLE = {
    "hq": {p.key for p in PAGES},
    "analyst": {p.key for p in PAGES} - {"audit"},
    "focal_point": {p.key for p in PAGES} - {"audit"},
    "member_state": {p.key for p in PAGES} - {"audit"},
    "briefing": {p.key for p in PAGES} - {"audit", "cases"},
}


def allowed_page_keys(scope: Scope | None) -> set[str]:
    """Page keys this scope may open: access/policy.py decides; fallback while it is absent."""
    if scope is None:
        return set()
    try:
        from access.policy import allowed_pages
    except ImportError:
        return set(_FALLBACK_PAGES_BY_ROLE.get(scope.role, set()))
    return set(allowed_pages(scope))


def page_specs(scope: Scope | None) -> list[PageSpec]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    keys = allowed_page_keys(scope)
    return [p for p in PAGES if p.key in keys and (root / p.path).exists()]


def navigation_pages(scope: Scope | None, lang: str) -> dict[str, list[st.Page]]:
    """{section title: [st.Page]} for st.navigation; the first page is the default."""
    sections: dict[str, list[st.Page]] = {}
    for i, spec in enumerate(page_specs(scope)):
        page = st.Page(
            spec.path, title=t(f"page.{spec.key}", lang), url_path=spec.url_path, default=i == 0
        )
        sections.setdefault(t(f"nav.group.{spec.group}", lang), []).append(page)
    return sections


def link(key: str, label: str, scope: Scope | None, query_params: dict | None = None) -> None:
    """A link to another page, shown only when the role may open it."""
    for spec in page_specs(scope):
        if spec.key == key:
            st.page_link(spec.path, label=label, query_params=query_params)
            return
