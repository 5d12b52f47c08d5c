"""Time from clicking "Planifier" to the plan shown, in a real browser, for each built-in territory.

Each run starts a fresh `streamlit run app.py` and logs in. For the demo territory it clicks
"Planifier" at once (the app's background warm-up of the demo plan is then still running: the click
waits for it); for another territory it first loads it on the Territoire page. It waits for the KPIs
and the chart, then clicks again (cached). With ``--idle N`` the first click comes N seconds after
the login instead. Prints every run and the median per territory. Needs /usr/bin/chromium.

    python bench/app_plan_click.py [runs] [--idle SECONDS] [--territory NAME | --all]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.app.browser_app

from playwright.sync_api import expect, sync_playwright

from planner import builtin_territories, load_territory
from planner.inputs.territory import DEMO_TERRITORY
from tests.app.browser_app import CHROMIUM, CHROMIUM_ARGS, app_server, click_plan, log_in

PASSWORD = "bench"


def load_builtin(page, name: str) -> None:
    """Load the built-in territory ``name`` on the Territoire page, then come back to Planifier."""
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name="Territoire", exact=True).click()
    page.get_by_role("combobox", name="Territoire intégré").click()
    page.get_by_role("option", name=load_territory(name).title).click()
    page.get_by_role("button", name="Charger ce territoire").click()
    expect(page.get_by_text("chargé.")).to_be_visible()
    nav.get_by_role("link", name="Planifier", exact=True).click()


def one_run(idle: float = 0.0, territory: str = DEMO_TERRITORY) -> tuple[float, float]:
    """Seconds from the click to the plan shown: first click on a fresh server, then again (cached)."""
    env = {"TOURNEE_PASSWORD": PASSWORD, "TOURNEE_WORKSPACE": tempfile.mkdtemp()}
    with app_server(env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(120_000)
        expect.set_options(timeout=120_000)
        log_in(page, url, PASSWORD)
        if territory != DEMO_TERRITORY:
            expect(page.get_by_role("button", name="Planifier", exact=True)).to_be_visible()
            load_builtin(page, territory)
        time.sleep(idle)
        first, again = click_plan(page), click_plan(page)
        browser.close()
    return first, again


def main() -> None:
    args = sys.argv[1:]
    idle = float(args[args.index("--idle") + 1]) if "--idle" in args else 0.0
    runs = int(args[0]) if args and args[0].isdigit() else 3
    if "--all" in args:
        territories = builtin_territories()
    else:
        territories = [args[args.index("--territory") + 1]] if "--territory" in args else [DEMO_TERRITORY]
    for territory in territories:
        first, again = [], []
        for i in range(runs):
            f, a = one_run(idle, territory)
            first.append(f)
            again.append(a)
            print(
                f"{territory} run {i + 1}: click → plan shown {f:.2f} s (first click, {idle:g} s after login), "
                f"{a:.2f} s (again)"
            )
        print(
            f"{territory}: median over {runs} runs: {statistics.median(first):.2f} s first click, "
            f"{statistics.median(again):.2f} s again"
        )


if __name__ == "__main__":
    main()
