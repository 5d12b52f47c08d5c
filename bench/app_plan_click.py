"""Time from clicking "Planifier" to the plan shown, in a real browser, for the demo territory.

Each run starts a fresh `streamlit run app.py`, logs in and clicks "Planifier" at once (the app's
background warm-up of the demo plan is then still running: the click waits for it), waits for the
KPIs and the chart, then clicks again (cached). With ``--idle N`` the first click comes N seconds
after the login instead. Prints every run and the median. Needs /usr/bin/chromium.

    python bench/app_plan_click.py [runs] [--idle SECONDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.browser_app

from playwright.sync_api import expect, sync_playwright

from tests.browser_app import CHROMIUM, CHROMIUM_ARGS, app_server, click_plan, log_in

PASSWORD = "bench"


def one_run(idle: float = 0.0) -> tuple[float, float]:
    """Seconds from the click to the plan shown: first click on a fresh server, then again (cached)."""
    env = {"TOURNEE_PASSWORD": PASSWORD, "TOURNEE_WORKSPACE": tempfile.mkdtemp()}
    with app_server(env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(120_000)
        expect.set_options(timeout=120_000)
        log_in(page, url, PASSWORD)
        time.sleep(idle)
        first, again = click_plan(page), click_plan(page)
        browser.close()
    return first, again


def main() -> None:
    args = sys.argv[1:]
    idle = float(args[args.index("--idle") + 1]) if "--idle" in args else 0.0
    runs = int(args[0]) if args and args[0] != "--idle" else 3
    first, again = [], []
    for i in range(runs):
        f, a = one_run(idle)
        first.append(f)
        again.append(a)
        print(f"run {i + 1}: click → plan shown {f:.2f} s (first click, {idle:g} s after login), {a:.2f} s (again)")
    print(f"median over {runs} runs: {statistics.median(first):.2f} s first click, {statistics.median(again):.2f} s again")


if __name__ == "__main__":
    main()
