"""The maps in a real browser with no internet: Chromium resolves no host but the app's server, so only
the app answers. The Planifier map draws a circle per session of the week, the communes
left out, the depot's house and the tours' lines in a frame of real height, a stop's popup tells its
session, and nothing but the map tiles is asked of the internet (they fail; a French line says so).
The residents' map of a commune draws its place the same way. Like tests/app/test_browser.py, this
runs in CI (a missing Chromium fails it there)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app_pages.ui import maps, session
from planner import load_territory
from planner.domain import UnitKind
from planner.planning.pipeline import plan as make_plan
from planner.publish import plan_from_dict
from planner.results import week_dates
from tests.app.browser_app import CHROMIUM, CHROMIUM_ARGS, app_server, click_plan, log_in, require_chromium
from tests.app.conftest import DEMO, PASSWORD, future_inputs, publish
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow  # a Streamlit server driven by Chromium

require_chromium()

from playwright.sync_api import Browser, FrameLocator, Page, expect, sync_playwright  # noqa: E402 (after the skip)

ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, ignored by git
#: Every host resolves to nothing but the server's, 127.0.0.1 (Chromium maps addresses too).
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
MAP_FRAME = "iframe[srcdoc*='tournee-map-data']"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's workspace, with the tiny territory published (for the residents' page)."""
    workspace = tmp_path_factory.mktemp("workspace")
    inputs = future_inputs(weeks=1)
    publish(workspace, inputs, make_plan(inputs.instance(), inputs.options))
    return workspace


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[str]:
    env = {"TOURNEE_WORKSPACE": str(workspace), "TOURNEE_PASSWORD": PASSWORD}
    try:
        with app_server(env) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, OFFLINE])
        expect.set_options(timeout=90_000)  # the first plan of a fresh server takes seconds
        try:
            yield browser
        finally:
            browser.close()


def _offline_page(browser: Browser) -> tuple[Page, list[str]]:
    """A page of its own, and the list the addresses its map frames ask for are added to."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if request.frame.url == "about:srcdoc" else None)
    return page, asked


def _drawn_map(page: Page, asked: list[str]) -> FrameLocator:
    """The map's frame, once drawn: it has a height, its tiles were asked for and failed (the French
    line shows), and the frame asked the internet for nothing else (Leaflet is in the page)."""
    frame = page.locator(MAP_FRAME)
    expect(frame).to_have_count(1)
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    assert box is not None and box["height"] > 100 and box["width"] > 100, box
    inside = page.frame_locator(MAP_FRAME)
    expect(inside.locator(".tournee-offline")).to_have_text(maps.OFFLINE)
    assert inside.locator("#carte").evaluate("e => e.clientHeight") > 100
    assert {urlsplit(url).hostname for url in asked} == {urlsplit(maps.OSM_TILES).hostname}, asked
    return inside


def test_planifier_map_draws_every_stop_offline(server: str, browser: Browser, workspace: Path) -> None:
    """After "Planifier" on the demo: as many circles as sessions in week 1 of the plan the app saved,
    the other communes in grey, a house per unit, a line per bus tour; a stop's popup tells its session."""
    page, asked = _offline_page(browser)
    log_in(page, server, PASSWORD)
    click_plan(page)
    saved = json.loads((workspace / ".coordination" / session.FILE_NAME).read_text(encoding="utf-8"))
    plan = plan_from_dict(saved["plan"])
    instance = load_territory(DEMO)
    days = set(week_dates(plan, 0))
    tours = [t for t in plan.tours if t.date in days and t.sessions]
    visited = {s.insee for t in tours for s in t.sessions}
    assert tours, "no tour in week 1"

    inside = _drawn_map(page, asked)
    expect(inside.locator("path.tournee-stop")).to_have_count(sum(len(t.sessions) for t in tours))
    expect(inside.locator("path.tournee-commune")).to_have_count(len(instance.communes) - len(visited))
    expect(inside.locator(".leaflet-marker-icon.tournee-depot")).to_have_count(len(instance.units))
    buses = [t for t in tours if instance.unit(t.unit_id).kind is UnitKind.BUS]
    expect(inside.locator("path.tournee-route")).to_have_count(len(buses))
    assert buses

    inside.locator("path.tournee-stop").first.click(force=True)  # circles may overlap: the one on top
    popup = inside.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(re.compile(r"\d\d:\d\d–\d\d:\d\d"))
    names = {instance.commune(insee).name for insee in visited}
    assert popup.locator("b").inner_text() in names
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(MAP_FRAME).screenshot(path=str(ARTIFACTS / "carte-hors-connexion.png"))
    page.close()


def test_residents_map_draws_the_place_offline(server: str, browser: Browser) -> None:
    """The residents' page of a commune: its place drawn on the map, without internet."""
    page, asked = _offline_page(browser)
    page.goto(server)
    page.get_by_role("combobox", name="Votre commune").click()
    page.get_by_role("option").first.click()
    expect(page.get_by_text(re.compile(r"^Prochains passages à "))).to_be_visible()
    inside = _drawn_map(page, asked)
    expect(inside.locator("path.tournee-place")).to_have_count(1)
    page.close()
