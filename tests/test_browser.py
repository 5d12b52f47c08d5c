"""The app in a real browser: `streamlit run app.py` on a free local port, driven by Playwright with
Debian's Chromium. The coordinator sets the horizon and plans the demo, reloads the page and finds
the working copy as it was, publishes; a resident picks a commune and sees its stop times.

In CI (env ``CI`` set) these tests must run: a missing Chromium is a failure, not a skip. Elsewhere
they are skipped only when /usr/bin/chromium is absent (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser_app import CHROMIUM, CHROMIUM_ARGS, app_server, click_plan, log_in

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "mot-de-passe-de-test"
PAGE_TIMEOUT_MS = 60_000

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests must run in CI. Install it with "
            "`apt-get update && apt-get install -y chromium` (see .ci/run).",
            pytrace=False,
        )
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Streamlit server of the app on 127.0.0.1, with a private workspace; stopped at the end."""
    env = {"TOURNEE_WORKSPACE": str(tmp_path_factory.mktemp("workspace")), "TOURNEE_PASSWORD": PASSWORD}
    with (tmp_path_factory.mktemp("server") / "streamlit.log").open("w") as log:
        try:
            with app_server(env, log) as url:
                yield url
        except RuntimeError as exc:
            pytest.fail(str(exc))


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
            page = context.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            expect.set_options(timeout=PAGE_TIMEOUT_MS)  # the first plan of a fresh server takes seconds
            yield page
        finally:
            browser.close()


def _no_error_on(page: Page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def _open(page: Page, title: str) -> None:
    """Go to a page through the side menu (the same browser session, unlike a new address)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()


def _next_monday() -> date:
    """A Monday one to two weeks ahead: every visit of the plan is still to come."""
    today = date.today()
    return today + timedelta(days=14 - today.weekday())


def test_coordinator_sets_the_horizon_and_plans(server: str, page: Page) -> None:
    """Log in, set a two-week horizon from a coming Monday, click "Planifier": the status, the KPIs
    and the week's chart show. Runs first, on a fresh server."""
    log_in(page, server, PASSWORD)
    _open(page, "Paramètres")
    page.get_by_role("spinbutton", name="day, Premier jour").click()
    page.keyboard.type(_next_monday().strftime("%d%m%Y"))  # each segment moves on to the next one
    page.get_by_label("Nombre de semaines").fill("2")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.get_by_text("Réglages enregistrés")).to_be_visible()
    _open(page, "Planifier")
    expect(page.get_by_text("2 semaine(s) à partir du")).to_be_visible()
    seconds = click_plan(page)
    print(f"click → plan shown: {seconds:.1f} s")  # a figure, not asserted
    _no_error_on(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "planifier.png"), full_page=True)


def test_reload_keeps_the_working_copy(server: str, page: Page) -> None:
    """A re-plan change being prepared, then a real reload (F5): the password is asked again, and the
    change, the settings and the plan are all where they were."""
    _open(page, "Re-planifier")
    page.get_by_role("button", name="Ajouter ce changement").click()
    expect(page.get_by_text(re.compile("indisponible du"))).to_be_visible()
    page.reload()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_text(re.compile("indisponible du"))).to_be_visible()
    _open(page, "Paramètres")
    expect(page.get_by_label("Nombre de semaines")).to_have_value("2")
    _open(page, "Planifier")
    expect(page.get_by_text("Besoin couvert")).to_be_visible()  # the plan, without clicking "Planifier"
    _no_error_on(page)


def test_published_plan_reaches_the_residents(server: str, page: Page) -> None:
    """Publish, then open the public page as a resident: pick a commune, its next visits show with
    their hours and state."""
    _open(page, "Publier")
    page.get_by_role("button", name="Enregistrer et publier").click()
    expect(page.get_by_text(re.compile(r"Version 1 publiée\. Dossier"))).to_be_visible()

    page.goto(server)
    expect(page.get_by_text("planning publié (version 1)")).to_be_visible()
    expect(page.get_by_text("Quand passe l'unité mobile de santé ?")).to_be_visible()
    commune_box = page.get_by_role("combobox", name="Votre commune")
    commune_box.click()
    commune = page.get_by_role("option").first.inner_text().rsplit(" (", 1)[0]
    commune_box.fill(commune[:5])
    page.get_by_role("option", name=re.compile(re.escape(commune))).first.click()

    expect(page.get_by_text(f"Prochains passages à {commune}")).to_be_visible()
    table = page.locator("[data-testid='stTable']")
    expect(table).to_contain_text(re.compile(r"\d{2}:\d{2} – \d{2}:\d{2}"))
    expect(table).to_contain_text("prévu")
    expect(page.get_by_role("button", name=re.compile("Ajouter à mon agenda"))).to_be_visible()
    _no_error_on(page)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "habitants.png"), full_page=True)
