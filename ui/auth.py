"""Sign-in, session expiry, sign-out and the caller's scope for Streamlit pages.

Pages call `require_page(key)` first thing: it returns the server-side Scope of the signed-in
user, or shows the sign-in form / a refusal and stops the script. app.py calls
`require_sign_in()` before building the navigation from `access.policy.allowed_pages(scope)`.

Two modes, chosen from the server's secrets only:
- **OIDC** when secrets.toml has an ``[auth]`` section: `st.login` / `st.logout`; the user is the
  identity token's subject, looked up in the server-side directory (access/users.py); the
  token's ``exp`` is checked on every run (Streamlit does not).
- **Demo** when there is no ``[auth]`` section (or no secrets file at all): named demo users from
  the demo directory with the demo password; failed attempts rate-limited; a banner says
  "Demo sign-in: not for real data".

The scope never comes from query parameters, widgets or client-set session state: it is
recomputed on every run from the directory, keyed by the server-side session record below
(no widget has its key, so the browser cannot write it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from access import audit, signin
from access.policy import allowed_pages, role_label
from access.scope import Scope
from access.users import load_directory

_RECORD = "_r2589_auth_record"  # never used as a widget key
_REFUSALS_LOGGED = "_r2589_refusals_logged"

_TEXT = {
    "en": {
        "app_title": "Resolution 2589 dashboard",
        "title": "Sign in",
        "other_lang": "Français",
        "demo_banner": "Demo sign-in: not for real data. Demo users are fictitious; the password "
        "for every demo user is `r2589-demo`.",
        "user": "Demo user",
        "password": "Password",
        "submit": "Sign in",
        "bad": "Sign-in failed: wrong user or password.",
        "locked": "Too many failed sign-ins for this user. Try again in {s} seconds.",
        "oidc_intro": "Sign in with your organisation's account to open the dashboard.",
        "oidc_button": "Sign in",
        "not_authorised": "You are signed in as {who}, but this account has no access to the "
        "dashboard. Ask UN Headquarters to add it to the user directory.",
        "expired": "Your session has expired. Please sign in again.",
        "token_expired": "Your sign-in has expired. Please sign in again.",
        "refused": "You do not have access to this page.",
        "sign_out": "Sign out",
        "signed_in_as": "Signed in as",
        "no_directory": "The user directory could not be read; sign-in is disabled.",
        "no_auth_config": "Sign-in is not configured: the server has a real user directory but "
        "no identity provider ([auth] in secrets.toml). Demo sign-in is only offered with the "
        "demo directory.",
    },
    "fr": {
        "app_title": "Tableau de bord de la résolution 2589",
        "title": "Connexion",
        "other_lang": "English",
        "demo_banner": "Connexion de démonstration : pas pour des données réelles. Les "
        "utilisateurs sont fictifs ; le mot de passe de chacun est `r2589-demo`.",
        "user": "Utilisateur de démonstration",
        "password": "Mot de passe",
        "submit": "Se connecter",
        "bad": "Échec de la connexion : utilisateur ou mot de passe incorrect.",
        "locked": "Trop d'échecs de connexion pour cet utilisateur. Réessayez dans {s} secondes.",
        "oidc_intro": "Connectez-vous avec le compte de votre organisation pour ouvrir le "
        "tableau de bord.",
        "oidc_button": "Se connecter",
        "not_authorised": "Vous êtes connecté comme {who}, mais ce compte n'a pas accès au "
        "tableau de bord. Demandez au Siège de l'ONU de l'ajouter à l'annuaire.",
        "expired": "Votre session a expiré. Veuillez vous reconnecter.",
        "token_expired": "Votre connexion a expiré. Veuillez vous reconnecter.",
        "refused": "Vous n'avez pas accès à cette page.",
        "sign_out": "Se déconnecter",
        "signed_in_as": "Connecté en tant que",
        "no_directory": "L'annuaire des utilisateurs est illisible ; la connexion est désactivée.",
        "no_auth_config": "La connexion n'est pas configurée : le serveur a un annuaire réel mais "
        "aucun fournisseur d'identité ([auth] dans secrets.toml). La connexion de démonstration "
        "n'est proposée qu'avec l'annuaire de démonstration.",
    },
}


@dataclass
class SessionRecord:
    """Server-side memory of who signed in to this session (never sent to the browser)."""

    mode: str  # "demo" | "oidc"
    user: str  # directory username, or "sub via group" for group-mapped OIDC users
    subject: str
    signed_in_at: float
    last_seen: float


# ------------------------------------------------------------------------- helpers


def _lang() -> str:
    try:
        lang = st.query_params.get("lang")  # language only: never scope
        if not lang:
            lang = (st.context.locale or "en")[:2]
    except Exception:
        lang = "en"
    return "fr" if str(lang).lower().startswith("fr") else "en"


def t(key: str, **kw) -> str:
    return _TEXT[_lang()][key].format(**kw)


def auth_mode() -> str:
    """ "oidc" when the server's secrets hold an [auth] section, else "demo".

    Reading st.secrets without a secrets file raises; that means demo mode.
    """
    try:
        return "oidc" if "auth" in st.secrets else "demo"
    except Exception:
        return "demo"


def _record() -> SessionRecord | None:
    rec = st.session_state.get(_RECORD)
    return rec if isinstance(rec, SessionRecord) else None


def _clear_record() -> None:
    st.session_state.pop(_RECORD, None)


def _user_claims() -> dict:
    try:
        return dict(st.user.to_dict())
    except Exception:
        return {}


_SEEN_TOKENS: set[tuple[str, str]] = set()  # (sub, iat) already logged as a sign-in


def _log_once(kind: str, key: str, **kw) -> None:
    """Log a refusal once per session and key (reruns would flood the log)."""
    seen = st.session_state.setdefault(_REFUSALS_LOGGED, set())
    if not isinstance(seen, set):
        seen = set()
        st.session_state[_REFUSALS_LOGGED] = seen
    if (kind, key) in seen:
        return
    seen.add((kind, key))
    audit.log_event(kind, **kw)


# ------------------------------------------------------------------------- scope


def _scope_from_oidc() -> tuple[Scope | None, str | None]:
    """(scope, problem) for the OIDC user of this session; problem in
    {None, "signed_out", "token_expired", "idle", "not_authorised"}."""
    claims = _user_claims()
    if not claims.get("is_logged_in"):
        _clear_record()
        return None, "signed_out"
    sub = str(claims.get("sub") or "")
    if signin.token_expired(claims):
        _log_once(
            "session_expired",
            f"token:{sub}:{claims.get('exp')}",
            user=sub,
            detail={"reason": "token exp"},
        )
        return None, "token_expired"
    found = load_directory().scope_for_claims(claims)
    if found is None:
        _log_once("refused", sub, user=sub, detail={"reason": "subject not in directory"})
        return None, "not_authorised"
    user, scope = found
    now = time.time()
    rec = _record()
    if rec is not None and rec.subject != sub:
        rec = None
    if rec is not None and signin.idle_expired(rec.last_seen, now):
        audit.log_event("session_expired", user=user, scope=scope, detail={"reason": "idle"})
        _clear_record()
        return None, "idle"
    if rec is None:
        rec = SessionRecord("oidc", user, sub, now, now)
        st.session_state[_RECORD] = rec
        token_key = (sub, str(claims.get("iat", "")))
        if token_key not in _SEEN_TOKENS:
            if len(_SEEN_TOKENS) > 50_000:  # bounded memory; worst case a sign-in logged twice
                _SEEN_TOKENS.clear()
            _SEEN_TOKENS.add(token_key)
            audit.log_event("sign_in", user=user, scope=scope, detail={"mode": "oidc"})
    rec.last_seen = now
    return scope, None


def _scope_from_demo() -> tuple[Scope | None, str | None]:
    rec = _record()
    if rec is None or rec.mode != "demo":
        return None, "signed_out"
    directory = load_directory()
    if not directory.demo:
        _clear_record()
        return None, "signed_out"
    user = directory.by_username(rec.user)
    if user is None:  # removed from the directory since sign-in
        _clear_record()
        return None, "signed_out"
    scope = user.scope()
    now = time.time()
    if signin.idle_expired(rec.last_seen, now):
        audit.log_event("session_expired", user=rec.user, scope=scope, detail={"reason": "idle"})
        _clear_record()
        return None, "idle"
    rec.last_seen = now
    return scope, None


def _resolve() -> tuple[Scope | None, str | None]:
    try:
        if auth_mode() == "oidc":
            return _scope_from_oidc()
        return _scope_from_demo()
    except (OSError, ValueError) as exc:  # unreadable or invalid directory: fail closed
        audit.log_event("refused", user=None, detail={"reason": f"directory error: {exc}"})
        return None, "no_directory"


def current_scope() -> Scope | None:
    """The signed-in user's Scope, computed on the server; None when not signed in."""
    return _resolve()[0]


def current_user() -> str | None:
    rec = _record()
    return rec.user if rec else None


# ------------------------------------------------------------------------- screens


# The sign-in screen has no sidebar. Through app.py there is none (hidden navigation); but a page
# URL opened on a freshly started server runs in Streamlit's legacy mode, whose sidebar lists the
# files of pages/ by name ("app", "audit"...) before anyone has signed in.
_NO_SIDEBAR_CSS = (
    "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl']"
    " { display: none; }</style>"
)


def _language_link() -> None:
    """The sign-in screen's language choice: a plain link to the same address in the other
    language (the sidebar's switch appears after sign-in; a widget here would make the browser
    load one more component before it can draw the form)."""
    import html
    from urllib.parse import urlencode

    other = "en" if _lang() == "fr" else "fr"
    try:
        params = {k: st.query_params.get_all(k) for k in st.query_params if k != "lang"}
    except Exception:
        params = {}
    href = "?" + urlencode({**params, "lang": [other]}, doseq=True)
    st.html(
        f'<a href="{html.escape(href, quote=True)}" target="_self" hreflang="{other}" style="color:#0072B2" '
        f'lang="{other}">{html.escape(t("other_lang"))}</a>'
    )


def _render_sign_in(problem: str | None, page_key: str | None = None) -> None:
    from ui.shell import warm_up_in_background

    # First, so the sidebar is hidden from the first frame (as the link's element, last on the
    # screen, it arrived after the form: on a busy server the sidebar showed meanwhile). Markdown
    # rather than st.html: the title already loads its renderer, so the form waits for nothing.
    st.markdown(_NO_SIDEBAR_CSS, unsafe_allow_html=True)
    st.title(t("app_title"))
    st.subheader(t("title"))
    _sign_in_body(problem, page_key)
    # Here rather than in app.py: on a freshly started server a deep link runs the page file
    # alone (legacy page discovery), so the page guard is the one place every sign-in passes.
    warm_up_in_background()
    # last, so the browser draws the form before it loads the component that shows the link
    _language_link()
    _prefetch_first_screen()


_PREFETCH_JS = """<script>
(function () {
  const names = %s;
  const main = [...document.querySelectorAll('script[type="module"][src]')]
    .find((s) => /\\/static\\/js\\/index\\./.test(s.src));
  if (!main || window.__r2589_prefetched) return;
  window.__r2589_prefetched = true;
  const go = () => names.forEach((n) => import(new URL(n, main.src).href).catch(() => {}));
  (window.requestIdleCallback || ((f) => setTimeout(f, 300)))(go, { timeout: 1500 });
})();
</script>"""


FIRST_SCREEN_CHUNKS = (
    "DataFrame",
    "Metric",
    "ButtonGroup",
    "DateInput",
    "Multiselect",
    "Checkbox",
    "Button",
    "DownloadButton",
    "PageLink",
)


def _prefetch_first_screen() -> None:
    import json
    from pathlib import Path

    js = Path(st.__file__).parent / "static" / "static" / "js"
    names = sorted(p.name for stem in FIRST_SCREEN_CHUNKS for p in js.glob(f"{stem}.*.js"))
    if names:
        st.html(_PREFETCH_JS % json.dumps(names), unsafe_allow_javascript=True)


def _sign_in_body(problem: str | None, page_key: str | None = None) -> None:
    if problem == "idle":
        st.warning(t("expired"))
    elif problem == "no_directory":
        st.error(t("no_directory"))
        return
    if auth_mode() == "oidc":
        if problem == "token_expired":
            st.warning(t("token_expired"))
            if st.button(t("oidc_button"), key="r2589_oidc_relogin", type="primary"):
                st.logout()  # clears the stale identity cookie; sign in again from home
            return
        if problem == "not_authorised":
            who = str(_user_claims().get("email") or _user_claims().get("sub") or "?")
            st.error(t("not_authorised", who=who))
            if st.button(t("sign_out"), key="r2589_oidc_unauth_out"):
                st.logout()
            return
        if problem == "idle":
            st.logout()
            return
        st.write(t("oidc_intro"))
        if st.button(t("oidc_button"), key="r2589_oidc_login", type="primary"):
            st.login()
        return

    directory = load_directory()
    if not directory.demo:
        # No [auth] section but a real (non-demo) directory: never fall back to demo sign-in.
        st.error(t("no_auth_config"))
        return
    st.warning(t("demo_banner"))
    users = directory.demo_users()
    names = {u.username: f"{u.name} — {role_label(u.role, _lang())}" for u in users}
    with st.form("r2589_demo_sign_in"):
        username = st.selectbox(t("user"), list(names), format_func=names.get)
        password = st.text_input(t("password"), type="password")
        submitted = st.form_submit_button(t("submit"), type="primary")
    if not submitted:
        return
    result = signin.demo_sign_in(directory, username or "", password or "")
    if result.ok:
        now = time.time()
        st.session_state[_RECORD] = SessionRecord("demo", username, username, now, now)
        st.session_state.pop(_REFUSALS_LOGGED, None)
        audit.log_event("sign_in", user=username, scope=result.scope, detail={"mode": "demo"})
        if page_key is not None:
            from streamlit.errors import StreamlitPageNotFoundError

            from ui.shell import through_entry

            try:  # a deep link on a fresh server: on to app.py at once
                through_entry(page_key)
            except StreamlitPageNotFoundError:  # a page run without the entry file (tests)
                pass
        st.rerun()
    elif result.reason == "locked":
        audit.log_event("sign_in_locked", user=username, detail={"mode": "demo"})
        st.error(t("locked", s=int(result.retry_after) + 1))
    else:
        audit.log_event("sign_in_failed", user=username, detail={"mode": "demo"})
        st.error(t("bad"))


def sign_out() -> None:
    rec = _record()
    scope = current_scope() if rec else None
    audit.log_event("sign_out", user=rec.user if rec else None, scope=scope)
    mode = rec.mode if rec else auth_mode()
    _clear_record()
    st.session_state.pop(_REFUSALS_LOGGED, None)
    if mode == "oidc":
        st.logout()
    else:
        st.rerun()


def render_account(scope: Scope, *, container=None) -> None:
    """Who is signed in, with a sign-out button (call it in the sidebar)."""
    box = container or st.sidebar
    rec = _record()
    box.caption(
        f"{t('signed_in_as')}: **{scope.label or (rec.user if rec else '')}**  \n"
        f"{role_label(scope.role, _lang())}"
    )
    if auth_mode() == "demo":
        box.caption(t("demo_banner").split(".")[0] + ".")
    if box.button(t("sign_out"), key="r2589_sign_out"):
        sign_out()


def require_sign_in() -> Scope:
    """The signed-in Scope, or the sign-in screen and st.stop() (for app.py)."""
    scope, problem = _resolve()
    if scope is None:
        _render_sign_in(problem)
        st.stop()
    return scope


def require_page(page_key: str) -> Scope:
    """Guard a page: first line of every page file.

    Returns the Scope when the signed-in user may open `page_key`; otherwise shows the sign-in
    form (not signed in) or a refusal (signed in, page not allowed), logs the refusal and stops
    the script, so nothing of the page runs.
    """
    scope, problem = _resolve()
    if scope is None:
        _log_once(
            "refused",
            f"page:{page_key}",
            user=None,
            detail={"page": page_key, "reason": problem or "signed_out"},
        )
        _render_sign_in(problem, page_key)
        st.stop()
    if page_key not in allowed_pages(scope):
        _log_once(
            "refused",
            f"page:{page_key}",
            user=current_user(),
            scope=scope,
            detail={"page": page_key, "reason": "role"},
        )
        st.error(t("refused"))
        st.stop()
    return scope


def log_case_view(scope: Scope, case_id: str) -> None:
    audit.log_event("case_view", user=current_user(), scope=scope, detail={"case_id": case_id})


def log_export(scope: Scope, what: str, rows: int, fmt: str) -> None:
    audit.log_event(
        "export",
        user=current_user(),
        scope=scope,
        detail={"what": what, "rows": int(rows), "format": fmt},
    )
