"""Access in a real browser (Debian's chromium through Playwright).

1. Direct URL to every page on a FRESHLY started server, not signed in: before any session has
   run st.navigation, Streamlit's legacy page discovery runs the page file on its own; the page's
   own guard must refuse (sign-in form, no data element).
2. Real OpenID Connect sign-in against a local oidc-provider-mock on 127.0.0.1 (st.login with a
   temporary secrets.toml): Mali (host State) and Chad (troop contributor) each see their own
   scope only; the identity provider's subject is mapped through the server-side directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ui.nav import PAGES as NAV_PAGES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

PAGES = {spec.key: spec.url_path for spec in NAV_PAGES}  # page key -> URL path
DATA_ELEMENTS = (
    '[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stTable"], '
    '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"], '
    '[data-testid="stVegaLiteChart"], [data-testid="stDownloadButton"]'
)
PERIOD = (date(2013, 1, 1), date(2025, 12, 31))
PERIOD_QUERY = f"from={PERIOD[0].isoformat()}&to={PERIOD[1].isoformat()}"
MOCK_USERS = {
    "mali": "mali@demo.r2589.invalid",
    "chad": "chad@demo.r2589.invalid",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


class Server:
    """`streamlit run app.py` on a free port; stopped by `stop()` (by its own pid only)."""

    def __init__(
        self, db: Path, workdir: Path, secrets_file: Path | None = None, port: int | None = None
    ) -> None:
        self.port = port or _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"streamlit-{self.port}.log"
        env = {
            **os.environ,
            "R2589_DB": str(db),
            "R2589_AUDIT": str(workdir / "audit.jsonl"),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("R2589_USERS", None)
        args = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ]
        # Demo mode needs *no* secrets: point at an empty file so a developer's own
        # ~/.streamlit/secrets.toml cannot switch the test to another mode.
        sf = secrets_file or (workdir / "no-secrets.toml")
        if secrets_file is None:
            sf.write_text("", encoding="utf-8")
        args += ["--secrets.files", str(sf)]
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            _wait_http(f"{self.base}/_stcore/health", self.proc)
        except RuntimeError:
            self.stop()
            raise RuntimeError(self.log_path.read_text()) from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def access_db(tmp_path_factory) -> Path:
    if os.environ.get("R2589_TEST_DB"):
        return Path(os.environ["R2589_TEST_DB"])
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("access-db") / "demo.duckdb"
    build_demo(str(path), seed=2589, scale=0.05)
    return path


def wait_idle(page, timeout: float = 30_000) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    for _ in range(2):
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
        )
        page.wait_for_timeout(500)


def no_foreign_requests(page, base: str) -> list[str]:
    """Requests from the app's pages to any host but the app's own (the mock provider's own page
    loads a stylesheet from a CDN: not ours, and blocked like every non-local request)."""
    foreign: list[str] = []
    local = ("http://127.0.0.1", "data:", "blob:", "about:")

    def check(request) -> None:
        try:
            frame_url = request.frame.url
        except Exception:
            frame_url = ""
        if not request.url.startswith(local) and frame_url.startswith(base):
            foreign.append(request.url)

    page.on("request", check)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    return foreign


# --------------------------------------------------------------------------- 1. direct URLs


# The navigation's URL path and the page file's stem (legacy discovery serves the stem).
DIRECT_URLS = sorted({(key, path) for key, url in PAGES.items() for path in (url, key)})


@pytest.mark.parametrize(("key", "path"), DIRECT_URLS)
def test_direct_url_on_a_fresh_server_refuses_an_unauthorised_user(
    browser, access_db, key, path, tmp_path
):
    server = Server(access_db, tmp_path)  # fresh: no session has run st.navigation yet
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server.base}/{path}")
        wait_idle(page)
        page.keyboard.press("Escape")  # an unknown URL opens a "Page not found" modal
        page.wait_for_selector('[data-testid="stForm"]', timeout=30_000)
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "Demo sign-in: not for real data" in body
        assert page.locator(DATA_ELEMENTS).count() == 0, f"{path}: data shown before sign-in"
        assert page.locator('[data-testid="stException"]').count() == 0
        # no sidebar: legacy discovery would list the files of pages/ ("audit"...) there
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.get_by_role("link", name="audit").is_visible()
        context.close()
    finally:
        server.stop()
    if path == key:  # the page file itself ran (legacy discovery): its guard logged the refusal
        log = (tmp_path / "audit.jsonl").read_text()
        assert '"event": "refused"' in log and f'"page": "{key}"' in log


# --------------------------------------------------------------------------- 2. OIDC


def start_provider(stack, token_max_age: float = 3600) -> str:
    from datetime import timedelta

    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub=sub, claims={"email": sub, "name": name.title()})
        for name, sub in MOCK_USERS.items()
    ]
    server = stack.enter_context(
        run_server_in_thread(
            port=_free_port(),
            user_claims=users,
            require_nonce=False,
            access_token_max_age=timedelta(seconds=token_max_age),
        )
    )
    return f"http://127.0.0.1:{server.server_port}"


def start_oidc_app(db: Path, provider: str, workdir: Path) -> Server:
    port = _free_port()
    secrets_file = workdir / "secrets.toml"
    # Throw-away values generated for this run; never written to the repository.
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "r2589-dashboard-test"\n'
        f'client_secret = "{secrets.token_urlsafe(24)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return Server(db, workdir, secrets_file, port=port)  # redirect_uri names the port


@pytest.fixture(scope="module")
def oidc_app(access_db, tmp_path_factory):
    with contextlib.ExitStack() as stack:
        provider = start_provider(stack)
        server = start_oidc_app(access_db, provider, tmp_path_factory.mktemp("oidc-app"))
        stack.callback(server.stop)
        yield server


def oidc_sign_in(browser, base: str, sub: str):
    context = browser.new_context()
    page = context.new_page()
    foreign = no_foreign_requests(page, base)
    page.goto(base)
    wait_idle(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Demo sign-in" not in body  # OIDC mode: no demo users
    assert page.locator(DATA_ELEMENTS).count() == 0
    page.get_by_role("button", name="Sign in").click()
    # the provider's authorisation form
    page.wait_for_selector('input[name="sub"]', timeout=30_000)
    page.fill('input[name="sub"]', sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/?.*"), timeout=30_000)
    wait_idle(page)
    return context, page, foreign


def expected_killed_text(db: Path, username: str) -> str:
    import duckdb

    import metrics
    from access.users import load_directory
    from ui.filters import filters_from_state
    from ui.formatting import fmt_int

    scope = load_directory().by_username(username).scope()
    con = duckdb.connect(str(db), read_only=True)
    try:
        f = filters_from_state({"from": PERIOD[0], "to": PERIOD[1]})
        row = metrics.kpi_change(con, f, scope, keys=("killed",))
    finally:
        con.close()
    killed = row.set_index("metric").loc["killed"]
    # a withheld count reads as its marker on the tile ("<5" or "x"), as in every table
    return {"primary": "<5", "secondary": "x"}.get(killed["current_withheld"]) or fmt_int(
        killed["current"], "en"
    )


LABELS = {"mali": "Mali, host State (demo)", "chad": "Chad, troop-contributing country (demo)"}


@pytest.mark.parametrize(("user", "label"), list(LABELS.items()))
def test_real_oidc_sign_in_gives_each_state_its_own_scope(
    browser, oidc_app, access_db, user, label
):
    context, page, foreign = oidc_sign_in(browser, oidc_app.base, MOCK_USERS[user])
    try:
        page.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
        # a new session (the identity cookie carries the sign-in) over a period with data
        page.goto(f"{oidc_app.base}/overview?{PERIOD_QUERY}")
        wait_idle(page)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert label in sidebar and "Member State" in sidebar
        other = LABELS["chad" if user == "mali" else "mali"]
        assert other not in sidebar
        # the audit page is not in the navigation, and its URL is refused
        assert "Audit log" not in sidebar
        # the "killed" tile settles on the value computed for this user's own scope
        expected = expected_killed_text(access_db, user)
        assert expected != expected_killed_text(access_db, "hq.officer")
        page.get_by_text("1 Jan 2013").first.wait_for(timeout=30_000)  # the period from the URL
        tile = page.locator('[data-testid="stMetric"]').filter(has_text=re.compile("killed", re.I))
        expect(tile.first.locator('[data-testid="stMetricValue"]')).to_have_text(
            expected, timeout=30_000
        )
        assert not foreign, f"requests left the host: {foreign}"
        # the audit log's URL shows nothing of the log to a Member State
        page.goto(f"{oidc_app.base}/audit")
        wait_idle(page)
        page.keyboard.press("Escape")
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "hash chain" not in body and "sign_in" not in body
        # the unknown URL falls back to the role's first page (the Overview, whose own tables
        # may already be drawn): the audit page itself never runs
        headings = page.locator('[data-testid="stMain"] h1').all_inner_texts()
        assert "Audit log" not in headings and "/audit" not in page.url
    finally:
        context.close()
    log = (oidc_app.log_path.parent / "audit.jsonl").read_text()
    assert f'"user": "{user}"' in log and '"mode": "oidc"' in log


def test_oidc_subject_unknown_to_the_directory_sees_no_data(browser, oidc_app):
    context, page, _ = oidc_sign_in(browser, oidc_app.base, "stranger@elsewhere.invalid")
    try:
        page.get_by_text("has no access").first.wait_for(timeout=30_000)
        assert page.locator(DATA_ELEMENTS).count() == 0
    finally:
        context.close()


def test_an_expired_identity_token_is_refused_in_the_browser(browser, access_db, tmp_path):
    """Streamlit keeps the identity cookie for 30 days and never checks `exp`: the app does."""
    with contextlib.ExitStack() as stack:
        provider = start_provider(stack, token_max_age=2)
        server = start_oidc_app(access_db, provider, tmp_path)
        stack.callback(server.stop)
        context, page, _ = oidc_sign_in(browser, server.base, MOCK_USERS["mali"])
        try:
            time.sleep(35)  # past exp + the 30 s leeway
            page.goto(f"{server.base}/overview?{PERIOD_QUERY}")
            wait_idle(page)
            page.get_by_text("sign-in has expired").first.wait_for(timeout=30_000)
            assert page.locator(DATA_ELEMENTS).count() == 0
        finally:
            context.close()
    assert '"event": "session_expired"' in (tmp_path / "audit.jsonl").read_text()
