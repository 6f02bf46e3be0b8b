"""Global filters in the sidebar, shared by every page and mirrored in the URL.

Each filter widget is bound to a query parameter (Streamlit's `bind="query-params"`), so the
address bar always holds the view and a copied link reproduces it: the widget's key is the
parameter's name. Values that are not valid options are dropped by the widget. Query parameters
only narrow what the caller's Scope already allows: metrics applies the scope in SQL whatever
the filters say, and the scope never comes from the URL.

Query parameters (repeat a key for several values; a filter at its default is left out):
    from, to, asof            ISO dates (incident date, inclusive; as-of date)
    mission, host, nat        mission codes, host State ISO3, victim nationality ISO3
    itype                     register incident types (default: Malicious Act; empty: all)
    act, personnel, gender    act types, personnel categories, F|M|unknown
    pko, verified             true when ticked
    lang                      en | fr (see ui.shell)

A click on a chart sets the same session keys through `apply_selection`, so it filters every
page and lands in the URL too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

import streamlit as st

from metrics.filters import ACT_TYPES, GENDERS, INCIDENT_TYPES, PERSONNEL_TYPES, Filters
from ui.i18n import label, t

# widget key (= query parameter) -> Filters field
LIST_KEYS = {
    "mission": "missions",
    "host": "host_states",
    "nat": "nationalities",
    "itype": "incident_types",
    "act": "act_types",
    "personnel": "personnel_types",
    "gender": "genders",
}
DATE_KEYS = {"from": "date_from", "to": "date_to", "asof": "as_of"}
BOOL_KEYS = {"pko": "peacekeeping_only", "verified": "verified_only"}
FILTER_KEYS = (*DATE_KEYS, *LIST_KEYS, *BOOL_KEYS)
DEFAULT_INCIDENT_TYPES = ("Malicious Act",)


def filters_from_state(state: Mapping[str, object]) -> Filters:
    """The Filters value for the widget values held in `state` (session state or a dict)."""
    kwargs: dict[str, object] = {}
    for key, field in LIST_KEYS.items():
        value = state.get(key)
        if key == "itype" and value is None:
            value = DEFAULT_INCIDENT_TYPES
        kwargs[field] = tuple(sorted(value or ()))
    for key, field in DATE_KEYS.items():
        kwargs[field] = state.get(key) or None
    for key, field in BOOL_KEYS.items():
        kwargs[field] = bool(state.get(key))
    f = Filters(**kwargs)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        f = f.replace(date_from=f.date_to, date_to=f.date_from)
    return f


def current_filters() -> Filters:
    return filters_from_state(st.session_state)


def active_filter_labels(
    f: Filters, lang: str, names: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """Human-readable list of the filters in force (for the page header and exports)."""
    from ui.formatting import fmt_date

    out: list[str] = []
    if f.date_from or f.date_to:
        out.append(
            f"{t('filters.period', lang)}: {fmt_date(f.date_from, lang) if f.date_from else '…'} – "
            f"{fmt_date(f.date_to, lang) if f.date_to else '…'}"
        )
    for key, field in LIST_KEYS.items():
        values = getattr(f, field) or ()
        if key == "itype" and tuple(values) == DEFAULT_INCIDENT_TYPES:
            continue
        if key == "itype" and not values:
            out.append(f"{t('filters.incident_types', lang)}: {t('filters.all', lang)}")
            continue
        if values:
            shown = [names.get(key, {}).get(v, v) for v in values]
            out.append(f"{t(_LABEL_KEYS[key], lang)}: {', '.join(shown)}")
    if f.peacekeeping_only:
        out.append(t("filters.pko_only", lang))
    if f.verified_only:
        out.append(t("filters.verified_only", lang))
    if f.as_of:
        out.append(f"{t('filters.as_of', lang)}: {fmt_date(f.as_of, lang)}")
    return out


_LABEL_KEYS = {
    "mission": "filters.missions",
    "host": "filters.host_states",
    "nat": "filters.nationalities",
    "itype": "filters.incident_types",
    "act": "filters.act_types",
    "personnel": "filters.personnel",
    "gender": "filters.genders",
}


def _multiselect(
    key: str,
    options: Sequence[str],
    fmt: Callable[[str], str],
    lang: str,
    default: Iterable[str] = (),
) -> None:
    st.multiselect(
        t(_LABEL_KEYS[key], lang),
        options=list(options),
        default=[d for d in default if d in options] or None,
        format_func=fmt,
        key=key,
        bind="query-params",
        placeholder=t("filters.all", lang),
    )


def sidebar_filters(
    lang: str, options: Mapping[str, Sequence[str]], names: Mapping[str, Mapping[str, str]]
) -> Filters:
    """Render the global filters in the sidebar and return the Filters in force.

    `options[key]` lists valid values for the mission/host/nat lists (codes); `names[key]` maps a
    code to its display name in `lang`.
    """
    with st.sidebar:
        st.header(t("filters.title", lang))
        c1, c2 = st.columns(2)
        fmt = "DD/MM/YYYY"
        with c1:
            st.date_input(
                t("filters.from", lang),
                value=None,
                key="from",
                bind="query-params",
                format=fmt,
                min_value=dt.date(1948, 1, 1),
                max_value=dt.date.today(),
            )
        with c2:
            st.date_input(
                t("filters.to", lang),
                value=None,
                key="to",
                bind="query-params",
                format=fmt,
                min_value=dt.date(1948, 1, 1),
                max_value=dt.date.today(),
            )
        for key in ("mission", "host", "nat"):
            _multiselect(
                key, options.get(key, ()), lambda v, k=key: names.get(k, {}).get(v, v), lang
            )
        _multiselect(
            "itype", INCIDENT_TYPES, lambda v: label("itype", v, lang), lang, DEFAULT_INCIDENT_TYPES
        )
        _multiselect("act", ACT_TYPES, lambda v: label("act", v, lang), lang)
        _multiselect("personnel", PERSONNEL_TYPES, lambda v: label("personnel", v, lang), lang)
        _multiselect("gender", GENDERS, lambda v: label("gender", v, lang), lang)
        st.checkbox(
            t("filters.pko_only", lang),
            key="pko",
            bind="query-params",
            help=t("filters.pko_only_help", lang),
        )
        st.checkbox(t("filters.verified_only", lang), key="verified", bind="query-params")
        st.date_input(
            t("filters.as_of", lang),
            value=None,
            key="asof",
            bind="query-params",
            format=fmt,
            help=t("filters.as_of_help", lang),
            min_value=dt.date(1948, 1, 1),
            max_value=dt.date.today(),
        )
        st.button(t("filters.reset", lang), on_click=reset_filters, width="stretch")
        st.caption(t("filters.copy_link", lang))
    return current_filters()


def reset_filters() -> None:
    for key in FILTER_KEYS:
        if key in st.session_state:
            if key in LIST_KEYS:
                st.session_state[key] = list(DEFAULT_INCIDENT_TYPES) if key == "itype" else []
            elif key in BOOL_KEYS:
                st.session_state[key] = False
            else:
                st.session_state[key] = None


def apply_selection(**values: object) -> None:
    """Filter every page by what was clicked: apply_selection(mission=['MINUSCA'], host=['CAF']).

    Call from an on_select callback (before the sidebar widgets are drawn). A click on the value
    already selected clears it (toggle).
    """
    for key, value in values.items():
        if key not in FILTER_KEYS:
            raise KeyError(key)
        if key in LIST_KEYS:
            new = sorted({str(v) for v in (value or [])})
            current = sorted(st.session_state.get(key) or [])
            st.session_state[key] = [] if new == current else new
        else:
            st.session_state[key] = value
