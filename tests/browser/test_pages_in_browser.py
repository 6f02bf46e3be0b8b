"""Every page in a real browser: opens from a fresh server, shows its headline, raises nothing,
and never asks any host but the app's own (offline rule). Screenshots go to artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ui.i18n import t
from ui.nav import PAGES

pytestmark = pytest.mark.browser

LOCAL_SCHEMES = ("data:", "blob:", "about:")


def watch_requests(page: Page, base: str) -> list[str]:
    """Collect every request to a host other than the app server."""
    foreign: list[str] = []

    def check(request) -> None:
        url = request.url
        if not url.startswith(base) and not url.startswith(LOCAL_SCHEMES):
            foreign.append(url)

    page.on("request", check)
    return foreign


IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
             && !document.querySelector('[data-testid="stSkeleton"]')"""
DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(e => e.querySelector('.main-svg'))"""


def wait_for_app(page: Page, timeout: float = 30_000) -> None:
    """Until the script has finished (no running indicator, no placeholder skeleton) and the
    charts and tables it produced are drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    for _ in range(2):  # a rerun can start right after the first idle moment
        page.wait_for_function(IDLE, timeout=timeout)
        page.wait_for_timeout(500)
    page.wait_for_function(DRAWN, timeout=timeout)
    page.wait_for_timeout(800)  # tables draw on a canvas a moment after the script ends


DEMO_PASSWORD = "r2589-demo"
USER_NAMES = {
    "hq.officer": "UN Headquarters officer",
    "friends": "Group of Friends",
    "mali": "Mali, host State",
}


def open_signed_in(page: Page, url: str, user: str = "hq.officer") -> None:
    """Open a URL in a new session and sign in as a demo user (the page guard shows the form)."""
    page.goto(url)
    wait_for_app(page)
    # the sign-in screen is the one with a password field (its h1 is the app's title)
    if page.locator('[data-testid="stMain"] input[type="password"]').count() == 0:
        return
    form = page.locator('[data-testid="stForm"]')
    form.wait_for(timeout=30_000)
    if user != "hq.officer":
        form.locator('[data-testid="stSelectbox"]').click()
        page.get_by_role("option", name=re.compile(re.escape(USER_NAMES[user]))).click()
    form.locator('input[type="password"]').fill(DEMO_PASSWORD)
    form.get_by_test_id("stBaseButton-primaryFormSubmit").click()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stForm\"]')", timeout=30_000
    )
    wait_for_app(page)


def assert_no_exception(page: Page) -> None:
    shown = page.locator('[data-testid="stException"]')
    assert shown.count() == 0, shown.first.inner_text()


VISIBLE = [p for p in PAGES if p.key != "audit"]


@pytest.mark.parametrize("spec", VISIBLE, ids=[p.key for p in VISIBLE])
def test_every_page_opens_offline_with_its_headline(page: Page, app_server, screenshots, spec):
    foreign = watch_requests(page, app_server)
    open_signed_in(page, f"{app_server}/{spec.url_path}")
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(
        t(f"page.{spec.key}", "en")
    )
    expect(page.get_by_text(t(f"question.{spec.key}", "en")).first).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=str(screenshots / f"{spec.key}.png"))
    assert foreign == [], f"requests left the server: {foreign[:5]}"


def test_french_link_shows_french_and_keeps_filters(page: Page, app_server, screenshots):
    foreign = watch_requests(page, app_server)
    open_signed_in(page, f"{app_server}/overview?lang=fr&mission=MINUSCA")
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(t("page.overview", "fr"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("MINUSCA").first).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=str(screenshots / "overview-fr.png"))
    assert "mission=MINUSCA" in page.url and "lang=fr" in page.url
    assert foreign == []


def test_changing_a_filter_writes_the_url_and_the_url_reproduces_it(page: Page, app_server):
    open_signed_in(page, f"{app_server}/overview")
    page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').first.click()
    page.wait_for_url(re.compile(r"pko=true"), timeout=10_000)
    wait_for_app(page)
    shared = page.url
    other = page.context.new_page()
    open_signed_in(other, shared)
    box = other.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"] input').first
    expect(box).to_be_checked()
    assert_no_exception(other)
    other.close()


def test_briefing_screen_shows_aggregates_only_in_large_type(page: Page, app_server, screenshots):
    foreign = watch_requests(page, app_server)
    open_signed_in(page, f"{app_server}/overview", user="friends")
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(t("page.overview", "en"))
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_text(t("page.cases", "en"), exact=True)).to_have_count(0)
    assert_no_exception(page)
    page.screenshot(path=str(screenshots / "overview-briefing.png"))
    assert foreign == []


def test_overview_first_screen_loads_no_chart_library(page: Page, app_server):
    """The Overview's bars are plain HTML, so a new visitor's browser never fetches Plotly's
    bundle for the first screen (it was ~1.2 s of JavaScript before the headline was drawn)."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_signed_in(page, f"{app_server}/overview")
    expect(page.locator(".r2589-bars")).to_have_count(2)
    expect(page.locator(".r2589-bars").first).to_contain_text(t("stage.convicted", "en"))
    assert_no_exception(page)
    assert [u for u in requested if "PlotlyChart" in u] == []


def test_sign_in_screen_links_to_the_other_language_keeping_the_address(page: Page, app_server):
    page.goto(f"{app_server}/overview?mission=MINUSCA")
    page.locator('[data-testid="stForm"] input[type="password"]').wait_for(timeout=30_000)
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"lang=fr"), timeout=10_000)
    page.locator('[data-testid="stForm"] input[type="password"]').wait_for(timeout=30_000)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(
        "Tableau de bord de la résolution 2589"
    )
    assert "mission=MINUSCA" in page.url
    expect(page.get_by_role("link", name="English")).to_be_visible()


def test_sign_in_screen_fetches_the_first_screens_code_while_the_reader_types(
    page: Page, app_server
):
    """While the sign-in form is on screen, the browser fetches (same origin only) the code of
    the widgets the first page after sign-in draws (ui.auth.FIRST_SCREEN_CHUNKS), so the
    Overview's tiles and tables no longer wait for it after the click."""
    from ui.auth import FIRST_SCREEN_CHUNKS

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{app_server}/overview")
    page.locator('[data-testid="stForm"] input[type="password"]').wait_for(timeout=30_000)
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some((r) => /\\/static\\/js\\/DataFrame\\.[^/]*\\.js$/.test(r.name))",
        timeout=15_000,
    )
    names = {u.rsplit("/", 1)[-1].split(".")[0] for u in requested if "/static/js/" in u}
    assert set(FIRST_SCREEN_CHUNKS) <= names
    assert all(u.startswith(app_server) for u in requested if "/static/js/" in u)
    assert_no_exception(page)
