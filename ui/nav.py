"""The page list, built for the signed-in role (st.navigation never lists a page the role may
not open; each page file still guards itself with `ui.auth.require_page`)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from access.scope import Scope
from ui.i18n import has, t


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
    PageSpec("member_states", "pages/member_states.py", "member_states", "briefing"),
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


def page_specs(scope: Scope | None, every_page: bool = False) -> list[PageSpec]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    keys = {p.key for p in PAGES} if every_page else allowed_page_keys(scope)
    return [p for p in PAGES if p.key in keys and (root / p.path).exists()]


def navigation_pages(
    scope: Scope | None, lang: str, every_page: bool = False
) -> dict[str, list[st.Page]]:
    """{section title: [st.Page]} for st.navigation.

    The default page (served at "/") is a hidden 'home' that switches to the role's first page,
    so every real page keeps its own URL (/overview...) and deep links work even on the page
    that comes first. `every_page` lists all pages whatever the role: only for the signed-out
    state, where each page's own guard shows the sign-in form (a deep link survives sign-in).
    """
    specs = page_specs(scope, every_page)
    sections: dict[str, list[st.Page]] = {}
    for spec in specs:
        # the sidebar's name: a short one where the page title would be cut ("…points focaux")
        short = f"nav.short.{spec.key}"
        title = t(short if has(short) else f"page.{spec.key}", lang)
        page = st.Page(spec.path, title=title, url_path=spec.url_path)
        sections.setdefault(t(f"nav.group.{spec.group}", lang), []).append(page)
    if specs:
        paths = {spec.key: spec.path for spec in specs}
        first = specs[0].path

        def home() -> None:
            # filter parameters are bound to the sidebar widgets and follow the switch by
            # themselves (setting them here is refused); pass on the others (lang, case...)
            from ui.filters import FILTER_KEYS

            params = {
                k: st.query_params.get_all(k)
                for k in st.query_params
                if k != "goto" and k not in FILTER_KEYS
            }
            target = paths.get(st.query_params.get("goto") or "", first)  # deep link via legacy URL
            st.switch_page(target, query_params=params)

        sections.setdefault("", []).insert(
            0,
            st.Page(
                home,
                title=t("app.short_title", lang),
                url_path="home",
                default=True,
                visibility="hidden",
            ),
        )
        # the hidden home goes first so it is the default; keep it out of the visible sections
        sections = {"": sections.pop("")} | sections
    return sections


def link(key: str, label: str, scope: Scope | None, query_params: dict | None = None) -> None:
    """A link to another page, shown only when the role may open it."""
    for spec in page_specs(scope):
        if spec.key == key:
            st.page_link(spec.path, label=label, query_params=query_params)
            return
