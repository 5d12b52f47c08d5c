"""Time from clicking "Planifier" to the plan shown, in a real browser, for the demo territory.

Each run starts a fresh `streamlit run app.py`, logs in, clicks "Planifier" at once (the app's
background warm-up of the demo plan is then still running: the click waits for it) and waits for the
KPIs and the chart; then clicks again (cached). With ``--idle N`` the first click comes N seconds
after the login instead. Prints every run and the median. Needs /usr/bin/chromium.

    python bench/app_plan_click.py [runs] [--idle SECONDS]
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_run(idle: float = 0.0) -> tuple[float, float]:
    """Seconds from the click to the plan shown: first click on a fresh server, then again (cached)."""
    port = _free_port()
    env = {**os.environ, "TOURNEE_PASSWORD": PASSWORD, "TOURNEE_WORKSPACE": tempfile.mkdtemp()}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(120_000)
            expect.set_options(timeout=120_000)
            page.goto(f"{url}/planifier")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Entrer").click()
            button = page.get_by_role("button", name="Planifier", exact=True)
            time.sleep(idle)
            timings = []
            for _ in range(2):
                expect(button).to_be_enabled()
                began = time.perf_counter()
                button.click()
                expect(page.get_by_text("Plan prêt en")).to_be_visible()
                expect(page.get_by_text("Besoin couvert")).to_be_visible()
                expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
                timings.append(time.perf_counter() - began)
            browser.close()
        return timings[0], timings[1]
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    args = sys.argv[1:]
    idle = float(args[args.index("--idle") + 1]) if "--idle" in args else 0.0
    runs = int(args[0]) if args and args[0] != "--idle" else 3
    first, again = [], []
    for i in range(runs):
        c, w = one_run(idle)
        first.append(c)
        again.append(w)
        print(f"run {i + 1}: click → plan shown {c:.2f} s (first click, {idle:g} s after login), {w:.2f} s (again)")
    print(f"median over {runs} runs: {statistics.median(first):.2f} s first click, {statistics.median(again):.2f} s again")


if __name__ == "__main__":
    main()
