"""A live Streamlit server on a small demo database, and Debian's chromium driven by Playwright.

Never `playwright install` (it downloads a browser): the launch uses /usr/bin/chromium with
flags that keep it from calling home. The server is started fresh for the session, so the first
test opens pages on a server where no session has run st.navigation yet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_small_demo(path: Path) -> Path:
    from etl.demo import build_demo

    build_demo(str(path), seed=2589, scale=0.05)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    if os.environ.get("R2589_TEST_DB"):  # reuse a database already built (local iteration)
        return Path(os.environ["R2589_TEST_DB"])
    return build_small_demo(tmp_path_factory.mktemp("browser-db") / "demo.duckdb")


@pytest.fixture(scope="session")
def app_server(demo_db):
    """`streamlit run app.py` on a free port; yields its base URL, stops it afterwards."""
    port = _free_port()
    env = {**os.environ, "R2589_DB": str(demo_db), "PYTHONUNBUFFERED": "1"}
    log = open(demo_db.with_suffix(".server.log"), "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    else:
        proc.terminate()
        raise RuntimeError("streamlit did not start")
    if proc.poll() is not None:
        raise RuntimeError(f"streamlit exited: {demo_db.with_suffix('.server.log').read_text()}")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1920, "height": 1080}, "locale": "en-GB"}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
