"""The app in a real browser: `streamlit run app.py` on a free local port, driven by Playwright with
Debian's Chromium. A resident picks a commune and sees its stop times.

In CI (env ``CI`` set) this test must run: a missing Chromium is a failure, not a skip. Elsewhere it
is skipped only when /usr/bin/chromium is absent (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "mot-de-passe-de-test"
STARTUP_SECONDS = 60
PAGE_TIMEOUT_MS = 60_000

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test must run in CI. Install it with "
            "`apt-get update && apt-get install -y chromium` (see .ci/run).",
            pytrace=False,
        )
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Streamlit server of the app on 127.0.0.1; stopped at the end of the module."""
    port = _free_port()
    env = {
        **os.environ,
        "TOURNEE_WORKSPACE": str(tmp_path_factory.mktemp("workspace")),
        "TOURNEE_PASSWORD": PASSWORD,
    }
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; its log:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
            yield context.new_page()
        finally:
            browser.close()


def test_coordinator_plans_the_demo(server: str, page: Page) -> None:
    """Log in, click "Planifier": progress shows, then KPIs and the week's chart. Runs first, on a
    fresh server, so that the resident test below reuses the plan shown on this page."""
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    page.goto(f"{server}/planifier")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    button = page.get_by_role("button", name="Planifier", exact=True)
    expect(button).to_be_enabled()
    began = time.perf_counter()
    button.click()
    expect(page.get_by_text("Plan prêt en")).to_be_visible()
    expect(page.get_by_text("Besoin couvert")).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    print(f"click → plan shown: {time.perf_counter() - began:.1f} s")  # a figure, not asserted
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "planifier.png"), full_page=True)


def test_resident_finds_the_stop_times_of_a_commune(server: str, page: Page) -> None:
    """Open the public page, type in the commune search, pick one: its next visits show with their hours."""
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    expect.set_options(timeout=PAGE_TIMEOUT_MS)  # the first visit computes the demo plan
    page.goto(server)
    expect(page.get_by_text("Planning de démonstration")).to_be_visible()
    expect(page.get_by_text("Quand passe l'unité mobile de santé ?")).to_be_visible()

    commune_box = page.get_by_role("combobox", name="Votre commune")
    commune_box.click()
    first = page.get_by_role("option").first
    commune = first.inner_text().rsplit(" (", 1)[0]
    commune_box.fill(commune[:5])
    page.get_by_role("option", name=re.compile(re.escape(commune))).first.click()

    expect(page.get_by_text(f"Prochains passages à {commune}")).to_be_visible()
    table = page.locator("[data-testid='stTable']")
    expect(table).to_contain_text(re.compile(r"\d{2}:\d{2} – \d{2}:\d{2}"))
    expect(table).to_contain_text(commune)
    expect(page.get_by_role("button", name=re.compile("Ajouter à mon agenda"))).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "habitants.png"), full_page=True)
