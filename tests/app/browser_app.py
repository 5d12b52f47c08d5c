"""Running the app for a browser: a `streamlit run app.py` server on a free local port, and the
coordinator's "log in, click Planifier, wait for the plan" steps. Shared by tests/app/test_browser.py and
bench/app_plan_click.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tests.support.processes import stop

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 60


def require_chromium() -> None:
    """At the top of a browser test module: in CI (env ``CI`` set) a missing Chromium fails the
    module; elsewhere the module is skipped only when /usr/bin/chromium is absent."""
    import pytest

    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests must run in CI. Install it with "
            "`apt-get update && apt-get install -y chromium` (see .ci/run).",
            pytrace=False,
        )
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def app_server(env: dict[str, str], log: IO[Any] | None = None) -> Iterator[str]:
    """The app served on 127.0.0.1 with extra environment ``env``; yields its URL, stops it after.

    Raises RuntimeError (with the server's output when ``log`` is a file) if it does not start.
    """
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env={**os.environ, **env}, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                output = Path(log.name).read_text() if log is not None and hasattr(log, "name") else ""
                msg = f"streamlit did not start on {url}\n{output}"
                raise RuntimeError(msg)
            time.sleep(0.3)
        yield url
    finally:
        stop(process, 10)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def log_in(page: Any, url: str, password: str) -> None:
    """Open the planning page and give the coordinator password."""
    page.goto(f"{url}/planifier")
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Entrer").click()


def click_plan(page: Any) -> float:
    """Click "Planifier" and wait for the plan (status, KPIs, timetable chart); returns the seconds."""
    from playwright.sync_api import expect

    button = page.get_by_role("button", name="Planifier", exact=True)
    expect(button).to_be_enabled()
    began = time.perf_counter()
    button.click()
    expect(page.get_by_text("Plan prêt en")).to_be_visible()
    expect(page.get_by_text("Besoin couvert")).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    return time.perf_counter() - began
