"""What every page shares: language, the database on first start, the header with data status,
the demo banner, and the page context that pages use to fetch their numbers.

Pages call, first thing:

    scope = require_page("overview")      # ui.auth: server-side identity and permission
    page = begin_page("overview", scope)  # header, status line, banner; page.lang, page.filters

and then only present what `page.metric(...)` returns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from access.scope import Scope
from ui.i18n import LANGS, resolve_lang, t

if TYPE_CHECKING:
    from metrics.filters import Filters

# Imported where used, not here: the sign-in screen imports this module and must not wait for
# pandas, DuckDB and the metrics package (see warm_up_in_background).

LANG_KEY = "ui_lang"
LANG_NAMES = {"en": "English", "fr": "Français"}


# ---------------------------------------------------------------------------- language
def current_lang() -> str:
    """?lang= first (a shared link keeps its language), then the browser's locale."""
    if LANG_KEY not in st.session_state:
        query = st.query_params.get("lang")
        try:
            locale = st.context.locale
        except Exception:  # no browser context (bare script)
            locale = None
        st.session_state[LANG_KEY] = resolve_lang(query, locale)
    lang = st.session_state[LANG_KEY]
    return lang if lang in LANGS else "en"


def language_switch() -> str:
    """EN/FR switch at the top of the sidebar; the choice is written to ?lang=."""
    current_lang()
    with st.sidebar:
        st.segmented_control(
            t("lang.label", st.session_state[LANG_KEY]),
            options=list(LANGS),
            format_func=LANG_NAMES.get,
            key=LANG_KEY,
            required=True,
        )
    lang = current_lang()
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    return lang


# ---------------------------------------------------------------------------- database
@st.cache_resource(show_spinner=False)
def _build_demo_once(path: str) -> str:
    """Build the demo database once per process (concurrent first sessions wait for it)."""
    from etl.demo import build_demo

    build_demo(path, seed=2589, scale=1.0)
    return path


@st.cache_resource(show_spinner=False)
def _models_current(path: str, inode: int, mtime_ns: int) -> bool:
    """Were this database file's model tables built from this etl/models.sql? (once per file
    version: a load or a rebuild replaces the file, which changes its inode)"""
    from etl.models import models_current
    from ui import data

    return models_current(data.cursor((path, inode, mtime_ns)))


def ensure_database(lang: str) -> None:
    """The demo database on first start; on a database whose model tables predate this version
    of the code (built by an older checkout), rebuild them first, all or nothing."""
    from ui import data

    if not data.database_exists():
        from etl.db import default_db_path

        with st.spinner(t("banner.no_db", lang)):
            _build_demo_once(str(default_db_path()))
        return
    identity = data.db_identity()
    if _models_current(*identity):
        return
    from etl.models import rebuild_models

    with st.spinner(t("banner.models_rebuild", lang)):
        try:
            rebuild_models(Path(identity[0]))
        except Exception as exc:  # noqa: BLE001 - shown to the reader, who can act on it
            st.error(t("banner.models_failed", lang, db=identity[0], error=str(exc)))
            st.stop()


# ---------------------------------------------------------------------------- page context
@dataclass(frozen=True)
class PageContext:
    key: str
    scope: Scope
    lang: str
    filters: Filters

    @property
    def large(self) -> bool:
        """Projector mode for briefing screens."""
        return self.scope.aggregates_only

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def metric(self, name: str, filters: Filters | None = None, **kwargs: Any) -> Any:
        """metrics.<name> for this scope and the filters in force (cached by every input)."""
        from ui import data

        return data.metric(name, self.scope, self.filters if filters is None else filters, **kwargs)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """metrics.<name>(cursor, *args, scope=this scope, **kwargs) (cached)."""
        from ui import data

        return data.call(name, *args, scope=self.scope, **kwargs)


COMPACT_CSS = """
<style>
  /* first screen at 1920x1080: less empty space above the title */
  [data-testid="stMainBlockContainer"] { padding-top: 1.6rem; padding-bottom: 2rem; }
  [data-testid="stMain"] h1 { padding-top: 0; }
  /* six KPI tiles side by side on a laptop (1280 px with the sidebar): labels wrap instead of
     being cut to "UN perso…", and values shrink with the window rather than ending in "…" */
  [data-testid="stMetricLabel"] p { white-space: normal; }
  [data-testid="stMetricValue"] > div { font-size: clamp(1.5rem, 2.3vw, 2.25rem); }
</style>
"""

PROJECTOR_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
  /* large type, but scaled to the window: at 1440 px a fixed 3rem cut "21 %" to "2…" */
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] > div {
    font-size: clamp(1.6rem, 2.9vw, 3rem); text-overflow: clip; overflow: visible; }
  /* labels wrap between words, never inside one ("investiga / ted") */
  [data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
    font-size: 1.05rem; white-space: normal; overflow-wrap: normal; word-break: normal;
    text-overflow: clip; }
  /* below 1700 px a row of six large tiles is too narrow for their words: three per row */
  @media (max-width: 1700px) {
    [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
      flex-wrap: wrap; row-gap: 1rem; }
    [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"])
      > [data-testid="stColumn"] {
      flex: 1 1 calc(33.3% - 1rem) !important; min-width: calc(33.3% - 1rem) !important; }
  }
</style>
"""


_WARM_LOCK = threading.Lock()
_warm_started = False


def _warm_up() -> None:
    """Import what the pages need and open the database (scope-free work only: no metric for
    anyone is computed here). Errors are ignored: the page does the same work itself.

    It runs at a lower CPU priority (Linux: per-thread nice), so that it does not slow the
    server while it still sends the sign-in screen's files. At the end it freezes the garbage
    collector's view of everything loaded so far (gc.freeze): Streamlit runs a full collection
    after every script run (runner.postScriptGC), which walked these ~120,000 long-lived
    objects (modules, the metric catalogue, reference tables) each time, about 60-100 ms per
    run and once more for each page switch. Objects created later are collected as before."""
    import atexit
    import gc
    import os

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # not Linux, or not allowed
        pass
    try:
        import streamlit.emojis  # noqa: F401 - compiled on the first widget with options (~0.17 s)

        import metrics  # noqa: F401 - pandas, numpy, DuckDB, the metrics catalogue
        import ui.charts  # noqa: F401
        import ui.filters  # noqa: F401
        import ui.layout  # noqa: F401
        from ui import data
        from ui.formatting import fmt_date, fmt_int

        for lang in LANGS:  # Babel loads each locale's data on first use
            fmt_int(1234, lang)
            fmt_date("2024-01-31", lang)
        _reference_names()
        if data.database_exists():
            data.status()  # opens the cached connection; every header
    except Exception:  # noqa: BLE001, S110 - best effort
        pass
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)  # let the interpreter's exit collect them as usual


def warm_up_in_background() -> None:
    """Once per server process, from the sign-in screen: a daemon thread does the first-run
    work (imports, Babel locales, reference names, the database connection and its status
    line) while the reader signs in, so the first page after sign-in does not wait for it.
    Sessions signed in never call this; a second call is a no-op."""
    global _warm_started
    with _WARM_LOCK:
        if _warm_started:
            return
        _warm_started = True
    thread = threading.Thread(target=_warm_up, name="r2589-warm-up", daemon=True)
    try:
        from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

        add_script_run_ctx(thread, get_script_run_ctx())  # cached calls know their runtime
    except Exception:  # noqa: BLE001, S110 - bare mode: nothing to attach
        pass
    thread.start()


def record_run_time(page: str, seconds: float, cpu_seconds: float | None = None) -> None:
    """Benchmarks only: append the script's run time (wall, and CPU of the script's thread when
    given) to $R2589_TIMING_LOG when it is set."""
    import os

    path = os.environ.get("R2589_TIMING_LOG")
    if path:
        cpu = "" if cpu_seconds is None else f"\t{cpu_seconds:.6f}"
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{page}\t{seconds:.6f}{cpu}\n")


ENTRY_FLAG = "_r2589_entry_ran"  # server-side only (no widget has this key)


def mark_entry() -> None:
    """Called by app.py: this session runs through the entry file (st.navigation)."""
    st.session_state[ENTRY_FLAG] = True


def through_entry(key: str) -> None:
    """On a freshly started server, a deep link runs the page file alone (legacy page
    discovery): no navigation, no filters, no language switch. Send the reader through the
    entry file, which opens this same page with the same query parameters. No-op when this
    session already runs through the entry file. Called by the page header, and by the sign-in
    form on success (one script run fewer than signing in, then switching from the page)."""
    if st.session_state.get(ENTRY_FLAG):
        return
    # legacy mode has no sidebar widgets, so no parameter is bound yet: pass all of them on
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    params["goto"] = [key]
    st.switch_page("app.py", query_params=params)


def begin_page(key: str, scope: Scope) -> PageContext:
    """Header of every page: title, the question it answers, data status, demo banner."""
    from ui.filters import current_filters

    through_entry(key)
    lang = current_lang()
    page = PageContext(key=key, scope=scope, lang=lang, filters=current_filters())
    st.html(COMPACT_CSS + (PROJECTOR_CSS if page.large else ""))
    st.title(t(f"page.{key}", lang))
    st.markdown(f"**{t(f'question.{key}', lang)}**")
    status_line(page)
    return page


def status_line(page: PageContext) -> None:
    """'Last updated', 'verified up to', register snapshot; demo banner when data is synthetic."""
    from ui import data
    from ui.formatting import colon, fmt_date

    status = data.status()  # {} without a database: the status line says nothing
    lang = page.lang
    if not status:
        return
    get = status.get
    parts = [
        f"{t('status.last_updated', lang)}{colon(lang)}**{fmt_date(get('last_updated'), lang)}**",
        f"{t('status.verified_up_to', lang)}{colon(lang)}**{fmt_date(get('verified_up_to'), lang)}**",
        f"{t('status.register_snapshot', lang)}{colon(lang)}**{fmt_date(get('register_snapshot'), lang)}**",
    ]
    if page.filters.as_of:
        parts.append(
            f"{t('status.as_of', lang)}{colon(lang)}**{fmt_date(page.filters.as_of, lang)}**"
        )
    st.caption(" · ".join(parts))
    if page.scope.suppress_small_counts:
        from access.disclosure import legend

        st.caption(f"{legend(lang)}. {t('common.withheld_dash', lang)}")
    if get("synthetic"):
        st.warning(t("banner.demo", lang))


# ---------------------------------------------------------------------------- filter choices
@st.cache_data(show_spinner=False)
def _reference_names() -> tuple[dict, dict, dict]:
    """Mission and country names (EN/FR) from the committed reference tables."""
    import pandas as pd

    from etl.db import REFERENCE_DIR

    missions = pd.read_csv(REFERENCE_DIR / "missions.csv", keep_default_na=False)
    countries = pd.read_csv(REFERENCE_DIR / "countries.csv", keep_default_na=False)
    mission_hosts = {
        r.mission_code: [h for h in str(r.host_states).split(";") if h]
        for r in missions.itertuples()
    }
    mission_names = {
        lang: dict(zip(missions.mission_code, missions[f"name_{lang}"], strict=True))
        for lang in LANGS
    }
    country_names = {
        lang: dict(zip(countries.iso3, countries[f"name_{lang}"], strict=True)) for lang in LANGS
    }
    return mission_names, country_names, mission_hosts


def mission_name(code: str, lang: str) -> str:
    return _reference_names()[0][lang].get(code, code)


def country_name(iso3: str, lang: str) -> str:
    return _reference_names()[1][lang].get(iso3, iso3)


def filter_choices(
    scope: Scope | None, lang: str
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """Valid values of the mission / host State / nationality filters, with display names."""
    from ui.formatting import alphabetical

    mission_names, country_names, mission_hosts = _reference_names()
    missions = sorted(mission_names[lang])
    hosts = sorted(
        {h for hs in mission_hosts.values() for h in hs},
        key=lambda c: alphabetical(country_names[lang].get(c, c)),
    )
    nats = sorted(country_names[lang], key=lambda c: alphabetical(country_names[lang][c]))
    options = {"mission": missions, "host": hosts, "nat": nats}
    names = {
        "mission": {c: c for c in missions},
        "host": {c: country_names[lang].get(c, c) for c in hosts},
        "nat": {c: country_names[lang].get(c, c) for c in nats},
    }
    return options, names


@st.cache_data(show_spinner=False)
def _reference_tables():
    import pandas as pd

    from etl.db import REFERENCE_DIR

    missions = pd.read_csv(REFERENCE_DIR / "missions.csv", keep_default_na=False)
    countries = pd.read_csv(REFERENCE_DIR / "countries.csv", keep_default_na=False)
    return missions, countries


def iso3_for_m49(m49: str | int | None) -> str | None:
    """ISO3 of a UN M49 numeric code (world-atlas feature ids are M49)."""
    if m49 in (None, ""):
        return None
    _, countries = _reference_tables()
    match = countries.loc[
        countries["m49"].astype(str).str.lstrip("0") == str(m49).lstrip("0"), "iso3"
    ]
    return str(match.iloc[0]) if len(match) else None


def mission_hq(codes: list[str], lang: str):
    """Headquarters of the given missions: mission_code, hq_name, lat, lon (reference data)."""
    missions, _ = _reference_tables()
    hq = missions[missions["mission_code"].isin(codes)][
        ["mission_code", "hq_name", "hq_lat", "hq_lon"]
    ]
    hq = hq.rename(columns={"hq_lat": "lat", "hq_lon": "lon"})
    hq = hq[(hq["lat"].astype(str) != "") & (hq["lon"].astype(str) != "")].copy()
    hq["lat"] = hq["lat"].astype(float)
    hq["lon"] = hq["lon"].astype(float)
    return hq.reset_index(drop=True)
