"""Sign-in and page guard, driven through Streamlit's AppTest: demo users, OIDC claims, token
expiry, idle timeout, rate limiting, refusals, and query parameters that try to change the scope.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import signin
from access.signin import RateLimiter, demo_sign_in, idle_expired, token_expired
from access.users import load_directory

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "r2589-demo"
GUARDED = """
from ui.auth import require_page
scope = require_page({page!r})
import streamlit as st
st.write("SCOPE:" + repr(scope.cache_key))
"""
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only-not-a-secret",
    "client_id": "r2589",
    "client_secret": "test-only-not-a-secret",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("R2589_AUDIT", str(tmp_path / "audit.jsonl"))
    monkeypatch.delenv("R2589_USERS", raising=False)
    signin.RATE_LIMITER._failures.clear()
    yield
    signin.RATE_LIMITER._failures.clear()


def audit_events(tmp_path) -> list[dict]:
    p = tmp_path / "audit.jsonl"
    return [json.loads(x) for x in p.read_text().splitlines()] if p.exists() else []


def app(page: str = "overview") -> AppTest:
    return AppTest.from_string(GUARDED.format(page=page), default_timeout=30)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.selectbox[0].select(username)
    at.text_input[0].input(password)
    at.button[0].click()
    return at.run()


# ------------------------------------------------------------------------- demo mode


def test_demo_mode_shows_the_demo_banner_and_no_data_before_sign_in(tmp_path):
    at = app().run()
    assert not at.exception
    assert "Demo sign-in: not for real data" in texts(at)
    assert "SCOPE:" not in texts(at)
    refused = [e for e in audit_events(tmp_path) if e["event"] == "refused"]
    assert refused and refused[0]["detail"]["page"] == "overview"


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("mali", "('member_state', (), ('MLI',), (), ())"),
        ("chad", "('member_state', (), (), ('TCD',), ())"),
        ("nepal", "('member_state', (), (), (), ('NPL',))"),
        ("minusca.focal", "('focal_point', ('MINUSCA',), (), (), ())"),
        ("friends", "('briefing', (), (), (), ())"),
        ("hq.officer", "('hq', (), (), (), ())"),
    ],
)
def test_demo_user_gets_the_directory_scope(tmp_path, username, expected):
    at = sign_in(app().run(), username)
    assert not at.exception
    assert f"SCOPE:{expected}" in texts(at)
    ok = [e for e in audit_events(tmp_path) if e["event"] == "sign_in"]
    assert ok[-1]["user"] == username and ok[-1]["role"] == expected.split("'")[1]


def test_query_parameters_naming_another_state_or_role_do_not_change_the_scope():
    at = app()
    at.query_params["role"] = "hq"
    at.query_params["user"] = "hq.officer"
    at.query_params["host_states"] = "TCD"
    at.query_params["state"] = "TCD"
    at.query_params["scope"] = "hq"
    at.run()
    assert "SCOPE:" not in texts(at)  # parameters do not sign anyone in
    at = sign_in(at, "mali")
    assert "SCOPE:('member_state', (), ('MLI',), (), ())" in texts(at)
    at.query_params["host_states"] = "TCD,NPL"
    at.query_params["role"] = "hq"
    at.run()
    assert "SCOPE:('member_state', (), ('MLI',), (), ())" in texts(at)


def test_session_state_written_by_a_client_cannot_sign_in():
    at = app()
    at.session_state["_r2589_auth_record"] = {"mode": "demo", "user": "hq.officer"}
    at.session_state["role"] = "hq"
    at.run()
    assert "SCOPE:" not in texts(at)


def test_wrong_password_is_refused_and_logged(tmp_path):
    at = sign_in(app().run(), "mali", "wrong")
    assert "SCOPE:" not in texts(at)
    assert "Sign-in failed" in texts(at)
    assert [e["event"] for e in audit_events(tmp_path)][-1] == "sign_in_failed"
    assert "wrong" not in (tmp_path / "audit.jsonl").read_text()  # never log a password


def test_failed_sign_ins_are_rate_limited_then_even_the_right_password_waits(tmp_path):
    at = app().run()
    for _ in range(5):
        at = sign_in(at, "chad", "guess")
    at = sign_in(at, "chad", PASSWORD)
    assert "SCOPE:" not in texts(at)
    assert "Too many failed sign-ins" in texts(at)
    assert audit_events(tmp_path)[-1]["event"] == "sign_in_locked"
    # another user is not locked
    at = sign_in(at, "mali", PASSWORD)
    assert "SCOPE:('member_state', (), ('MLI',), (), ())" in texts(at)


def test_page_not_allowed_for_the_role_is_refused_and_logged(tmp_path):
    at = sign_in(app("audit").run(), "mali")
    assert "SCOPE:" not in texts(at)
    assert "You do not have access to this page." in texts(at)
    refused = [e for e in audit_events(tmp_path) if e["event"] == "refused"]
    assert refused[-1]["user"] == "mali" and refused[-1]["detail"] == {
        "page": "audit",
        "reason": "role",
    }
    at = sign_in(app("cases").run(), "friends")  # briefing: no row-level page
    assert "SCOPE:" not in texts(at)


def test_idle_session_expires_and_asks_to_sign_in_again(tmp_path, monkeypatch):
    monkeypatch.setenv("R2589_SESSION_IDLE_MINUTES", "1")
    at = sign_in(app().run(), "mali")
    assert "SCOPE:" in texts(at)
    at.session_state["_r2589_auth_record"].last_seen = time.time() - 120
    at.run()
    assert "SCOPE:" not in texts(at)
    assert "session has expired" in texts(at)
    assert "session_expired" in [e["event"] for e in audit_events(tmp_path)]


def test_sign_out_ends_the_session(tmp_path):
    at = AppTest.from_string(
        GUARDED.format(page="overview")
        + "\nfrom ui.auth import render_account\nrender_account(scope)\n",
        default_timeout=30,
    )
    at = sign_in(at.run(), "mali")
    assert "SCOPE:" in texts(at)
    at.sidebar.button[0].click()
    at.run()
    assert "SCOPE:" not in texts(at)
    assert "sign_out" in [e["event"] for e in audit_events(tmp_path)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("signin-db") / "demo.duckdb"
    build_demo(str(path), seed=2589, scale=0.02)
    return path


def through_entry(username: str) -> AppTest:
    """The real entry file, signed in as a demo user."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert "SCOPE:" not in texts(at) and not at.dataframe
    return sign_in(at, username)


def test_audit_page_shows_the_log_to_headquarters_only(tmp_path, monkeypatch, demo_db):
    monkeypatch.setenv("R2589_DB", str(demo_db))
    at = through_entry("analyst")
    at.switch_page("pages/audit.py").run()
    assert not at.dataframe
    at = through_entry("hq.officer")
    at.switch_page("pages/audit.py").run()
    assert not at.exception, at.exception
    log = at.dataframe[0].value
    cells = {str(v) for v in log.to_numpy().reshape(-1)}
    assert {"sign_in", "hq.officer", "analyst"} <= cells
    assert "hash chain is intact" in " ".join(str(s.value) for s in at.success)


def test_no_demo_sign_in_with_a_real_directory_and_no_identity_provider(tmp_path, monkeypatch):
    real = tmp_path / "users.toml"
    text = (ROOT / "data" / "users.demo.toml").read_text(encoding="utf-8")
    real.write_text(text.replace("demo = true", "demo = false"), encoding="utf-8")
    monkeypatch.setenv("R2589_USERS", str(real))
    at = app().run()
    assert "Sign-in is not configured" in texts(at)
    assert not at.selectbox and not at.text_input and "SCOPE:" not in texts(at)


def test_french_sign_in_screen():
    at = app()
    at.query_params["lang"] = "fr"
    at.run()
    assert "Connexion de démonstration : pas pour des données réelles" in texts(at)


@pytest.mark.parametrize(
    ("lang", "title", "heading"),
    [
        ("en", "Resolution 2589 dashboard", "Sign in"),
        ("fr", "Tableau de bord de la résolution 2589", "Connexion"),
    ],
)
def test_sign_in_screen_shows_the_app_title_above_the_form(lang, title, heading):
    at = app()
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert [x.value for x in at.title] == [title]
    assert [x.value for x in at.subheader] == [heading]
    # the title comes first, before the banner and the form (after the invisible style element
    # that hides the sidebar from the first frame)
    nodes = list(at.main)[1:]  # [0] is the main block itself
    assert nodes[0].type == "markdown" and nodes[0].value.startswith("<style>")
    order = [node.type for node in nodes[1:]]
    assert order[:2] == ["title", "subheader"]
    assert order.index("form") > 1
    assert at.selectbox and at.text_input  # the form is still there


def test_oidc_sign_in_screen_shows_the_app_title_too():
    at = oidc_app(None)
    assert [x.value for x in at.title] == ["Resolution 2589 dashboard"]


# ------------------------------------------------------------------------- OIDC mode


def oidc_app(claims: dict | None, page: str = "overview") -> AppTest:
    at = app(page)
    at.secrets["auth"] = AUTH
    if claims is not None:
        at.user = claims
    return at.run()


def test_oidc_mode_offers_no_demo_users():
    at = oidc_app(None)
    assert "Demo sign-in" not in texts(at)
    assert not at.selectbox and not at.text_input
    assert [b.label for b in at.button] == ["Sign in"]


def test_oidc_subject_is_mapped_through_the_directory(tmp_path):
    exp = time.time() + 3600
    at = oidc_app({"is_logged_in": True, "sub": "chad@demo.r2589.invalid", "exp": exp, "iat": 1})
    assert "SCOPE:('member_state', (), (), ('TCD',), ())" in texts(at)
    assert audit_events(tmp_path)[-1]["event"] == "sign_in"


def test_oidc_claims_other_than_subject_and_trusted_groups_grant_nothing():
    exp = time.time() + 3600
    at = oidc_app(
        {
            "is_logged_in": True,
            "sub": "stranger",
            "exp": exp,
            "role": "hq",
            "email": "hq.officer@demo.r2589.invalid",
        }
    )
    assert "SCOPE:" not in texts(at)
    assert "has no access" in texts(at)


def test_oidc_expired_token_is_refused_and_logged(tmp_path):
    at = oidc_app({"is_logged_in": True, "sub": "mali@demo.r2589.invalid", "exp": time.time() - 60})
    assert "SCOPE:" not in texts(at)
    assert "sign-in has expired" in texts(at)
    assert "session_expired" in [e["event"] for e in audit_events(tmp_path)]
    at = oidc_app({"is_logged_in": True, "sub": "mali@demo.r2589.invalid"})  # no exp at all
    assert "SCOPE:" not in texts(at)


def test_oidc_signed_out_user_sees_only_the_sign_in_button():
    at = oidc_app({"is_logged_in": False})
    assert "SCOPE:" not in texts(at)


# ------------------------------------------------------------------------- units


def test_rate_limiter_window():
    rl = RateLimiter(max_failures=3, window=60)
    for i in range(3):
        assert rl.locked_for("u", now=100 + i) == 0
        rl.failure("u", now=100 + i)
    assert rl.locked_for("u", now=103) == pytest.approx(57)
    assert rl.locked_for("u", now=161) == 0  # the oldest failure left the window


def test_demo_sign_in_gives_the_same_answer_for_unknown_user_and_wrong_password():
    d = load_directory()
    rl = RateLimiter(max_failures=5, window=300)
    assert demo_sign_in(d, "nobody", PASSWORD, limiter=rl).reason == "bad_credentials"
    assert demo_sign_in(d, "mali", "nope", limiter=rl).reason == "bad_credentials"
    assert demo_sign_in(d, "mali", PASSWORD, limiter=rl).ok


def test_token_expiry_and_idle_rules(monkeypatch):
    assert token_expired({"exp": 1000}, now=2000)
    assert not token_expired({"exp": 1000}, now=990)
    assert token_expired({}, now=0) and token_expired({"exp": "soon"}, now=0)
    monkeypatch.setenv("R2589_SESSION_IDLE_MINUTES", "30")
    assert not idle_expired(1000, now=1000 + 29 * 60)
    assert idle_expired(1000, now=1000 + 31 * 60)


def test_through_the_real_app_url_parameters_cannot_widen_a_member_states_case_list(
    monkeypatch, demo_db, tmp_path
):
    monkeypatch.setenv("R2589_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in {
        "role": "hq",
        "user": "hq.officer",
        "host": "TCD",
        "host_states": "TCD",
        "scope": "hq",
        "from": "2000-01-01",
    }.items():
        at.query_params[key] = value
    at = sign_in(at.run(), "mali")
    at.switch_page("pages/cases.py").run()
    assert not at.exception, at.exception
    shown = [df.value for df in at.dataframe]
    assert shown, "the cases page shows the case list"
    for df in shown:
        for column in df.columns:
            if "State" in str(column) or "host" in str(column).lower():
                assert set(df[column].dropna()) <= {"Mali", "MLI"}, (column, set(df[column]))
