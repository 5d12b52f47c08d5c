"""The app in a real browser: `streamlit run app.py` on a free local port, driven by Playwright with
Debian's Chromium, one server for the whole module. Each audience in turn, on one story:

- the coordinator fixes a bad cell of the territory, sets the horizon and plans, reloads the page and
  finds the working copy as it was, re-plans after an absence and accepts, moves a session (a refused
  move shows its rule), publishes;
- a resident picks a commune, sees its visits, subscribes to or downloads its calendar;
- a doctor opens their own shifts with the personal link the coordinator hands out, downloads them;
- on a phone-sized screen the public pages need no sideways scrolling and the commune picker works;
- Streamlit's own words that the app can reach are French.

The tests run in this order (each continues the story of the one before). In CI (env ``CI`` set) they
must run: a missing Chromium is a failure, not a skip. Elsewhere they are skipped only when
/usr/bin/chromium is absent (``apt-get install chromium``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from app_pages.ui import streamlit_fr
from planner.domain.french import date_fr, parse_time, time_fr
from tests.app.browser_app import CHROMIUM, CHROMIUM_ARGS, app_server, click_plan, log_in, require_chromium
from tests.support.paths import ROOT, TINY

pytestmark = pytest.mark.slow  # a Streamlit server driven by Chromium
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, ignored by git
PASSWORD = "mot-de-passe-de-test"
PUBLIC_URL = "https://exemple.org/tournee"
TINY_COMMUNES = TINY / "communes.csv"
PAGE_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}

require_chromium()

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402 (after the skip above)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's workspace (versions and publications of every territory)."""
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, workspace: Path) -> Iterator[str]:
    """A Streamlit server of the app on 127.0.0.1, with a private workspace; stopped at the end."""
    env = {
        "TOURNEE_WORKSPACE": str(workspace),
        "TOURNEE_PASSWORD": PASSWORD,
        "TOURNEE_PUBLIC_URL": PUBLIC_URL,
    }
    with (tmp_path_factory.mktemp("server") / "streamlit.log").open("w") as log:
        try:
            with app_server(env, log) as url:
                yield url
        except RuntimeError as exc:
            pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        expect.set_options(timeout=PAGE_TIMEOUT_MS)  # the first plan of a fresh server takes seconds
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser: Browser, viewport: dict[str, int] = DESKTOP, **options) -> Page:
    """A page in a browser context of its own: another person, with no session of the others."""
    page = browser.new_context(viewport=viewport, locale="fr-FR", accept_downloads=True, **options).new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


@pytest.fixture(scope="module")
def page(browser: Browser) -> Page:
    """The coordinator's browser, kept for the whole module."""
    return _new_page(browser)


def _no_error_on(page: Page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def _open(page: Page, title: str) -> None:
    """Go to a page through the side menu (the same browser session, unlike a new address)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _next_monday() -> date:
    """A Monday one to two weeks ahead, or the first one after it whose fortnight has no French
    public holiday: every visit of the plan is still to come, and the story does not depend on the
    date it runs (from 30 Nov. 2026 the fortnight held Christmas, the only day with room for a move)."""
    today = date.today()
    monday = today + timedelta(days=14 - today.weekday())
    french = holidays.France(years=range(monday.year, monday.year + 2))
    while any(monday + timedelta(days=i) in french for i in range(14)):
        monday += timedelta(days=7)
    return monday


def _download(page: Page, button: str) -> tuple[str, bytes]:
    """Click a download button; the file's suggested name and its content."""
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile(re.escape(button))).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _set_population(page: Page, value: str) -> None:
    """Type ``value`` into the population cell of the first commune (the grid is a canvas: keyboard)."""
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 40, box["y"] + 52)  # a cell of the first row
    expect(grid.locator("canvas[data-testid='data-grid-canvas']")).to_be_focused()
    page.keyboard.press("Home")  # first column: ⚠ problème, then code INSEE, nom, population
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("textarea.gdg-input")).to_be_focused()  # the cell's editor is open
    editor = page.locator("textarea.gdg-input")
    editor.fill(value)
    expect(editor).to_have_value(value)
    page.keyboard.press("Enter")
    expect(grid.locator("tbody tr").first.locator("td").nth(3)).to_have_text(value)


def _first_row(page: Page) -> list[str]:
    """The cells of the territory editor's first row, as its accessible table reads them."""
    return page.locator("[data-testid='stDataFrame']").first.locator("tbody tr").first.locator("td").all_inner_texts()


def _no_sideways_scroll(page: Page) -> None:
    """Neither the page nor the main column is wider than the screen."""
    widths = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return [document.scrollingElement.scrollWidth, window.innerWidth, main.scrollWidth, main.clientWidth];
        }"""
    )
    page_width, screen, main_width, main_visible = widths
    assert page_width <= screen and main_width <= main_visible, widths


def _pick_commune(page: Page) -> str:
    """Type the start of the first commune's name in the picker and choose it; its name. Only once
    the page's run is over: a picker re-drawn by a run still going loses what was typed (once, in a
    full run, right after the territory was chosen)."""
    _idle(page)
    box = page.get_by_role("combobox", name="Votre commune")
    box.click()
    commune = page.get_by_role("option").first.inner_text().rsplit(" (", 1)[0]
    box.fill(commune[:5])
    page.get_by_role("option", name=re.compile(re.escape(commune))).first.click()
    expect(page.get_by_text(f"Prochains passages à {commune}")).to_be_visible()
    return commune


# --- The coordinator ------------------------------------------------------------------------------


def test_coordinator_fixes_a_bad_cell_of_the_territory(server: str, page: Page) -> None:
    """A population typed as a word is refused beside its row, in the French-headed editor; typed back
    as a number, the territory is validated. Runs first, on a fresh server."""
    log_in(page, server, PASSWORD)
    _open(page, "Territoire")
    header = page.locator("[data-testid='stDataFrame']").first.locator("th")
    expect(header.nth(2)).to_have_text("nom")
    assert header.all_inner_texts()[:5] == ["⚠ problème", "code INSEE", "nom", "population", "latitude"]
    original = _first_row(page)
    _set_population(page, "beaucoup")
    page.get_by_role("button", name="Valider et utiliser ce territoire").click()
    expect(page.get_by_text("1 problème(s) à corriger")).to_be_visible()
    problem = page.locator("[data-testid='stDataFrame']").first.locator("tbody tr").first.locator("td").first
    expect(problem).to_contain_text("« population » : « beaucoup » n'est pas un nombre")
    _set_population(page, original[3])
    page.get_by_role("button", name="Valider et utiliser ce territoire").click()
    expect(page.get_by_text(re.compile("validé et utilisé pour la planification"))).to_be_visible()
    cells = page.locator("[data-testid='stDataFrame']").first.locator("tbody tr").first.locator("td")
    expect(cells.first).to_have_text("")  # no problem left on the row
    assert cells.all_inner_texts() == original
    _no_error_on(page)


def test_coordinator_sets_the_horizon_and_plans(page: Page) -> None:
    """A two-week horizon from a coming Monday, then "Planifier": the status, French KPIs, the week's
    chart and grids show; the chosen week downloads as a printable page."""
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
    expect(page.get_by_text(re.compile(r"^\d+,\d\u202f%$")).first).to_be_visible()  # e.g. "92,0 %"
    expect(page.locator(".tournee-week").first).to_contain_text("personne")
    name, content = _download(page, "Imprimer la semaine 1")
    assert name == "semaine-1.html" and b"A4 landscape" in content and "Équipes — semaine 1".encode() in content
    _shot(page, "planifier")


def test_reload_keeps_the_working_copy(page: Page) -> None:
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


def test_coordinator_replans_and_accepts(page: Page) -> None:
    """The absence prepared before the reload: "Re-planifier" shows what changes, "Accepter" keeps it."""
    _open(page, "Re-planifier")
    expect(page.get_by_text(re.compile("indisponible du"))).to_be_visible()
    page.get_by_role("button", name="Re-planifier", exact=True).click()
    expect(page.get_by_text("Différences avec le plan de départ")).to_be_visible()
    page.get_by_role("button", name="Accepter ce nouveau plan").click()
    expect(page.get_by_text(re.compile("Nouveau plan accepté"))).to_be_visible()
    _no_error_on(page)


#: A session in the form "Déplacer ou échanger une séance": « lundi 7 déc. 2026 — Médicobus — Envermeu (09:15) ».
SESSION_LABEL = re.compile(r"^(\w+ \d+ \S+ \d{4}) — (.+) — (.+) \((\d\d:\d\d)\)$")
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def _label_date(text: str) -> date:
    _weekday, day, month, year = text.split()
    return date(int(year), MONTHS.index(month) + 1, int(day))


def _idle(page: Page) -> None:
    """Wait until the app's script run is over (its widgets are then stable)."""
    expect(page.locator("[data-testid='stApp']")).to_have_attribute("data-test-script-state", "notRunning")


def _session_options(page: Page, typed: str) -> list[str]:
    """The sessions the form offers (those matching ``typed``, as the picker filters them)."""
    _idle(page)
    box = page.get_by_role("combobox", name="Séance", exact=True)
    for _attempt in range(3):  # a click while the page still re-renders may be lost: click again
        box.click()
        try:
            expect(page.get_by_role("option").first).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    if typed:
        page.keyboard.type(typed)
    expect(page.get_by_role("option").first).to_be_visible()
    labels = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return labels


def _move_session(page: Page, label: str) -> tuple[str, list[str]]:
    """Choose the session ``label`` in "Déplacer ou échanger une séance", then the first of the places offered
    (those the rules accept), and send; the French outcome shown, first line, and the places offered."""
    page.get_by_role("combobox", name="Séance", exact=True).click()
    page.get_by_role("option", name=label, exact=True).click()
    _idle(page)
    places = page.get_by_role("combobox", name=re.compile(r"^Nouvelle place"))
    places.click()
    expect(page.get_by_role("option").first).to_be_visible()
    offered = page.get_by_role("option").all_inner_texts()
    page.get_by_role("option", name=offered[0], exact=True).click()
    page.get_by_role("button", name="Déplacer", exact=True).click()
    outcome = page.locator("[data-testid='stAlert']").filter(has_text=re.compile(r"^(Refusé : |Séance déplacée \()"))
    expect(outcome).to_have_count(1)
    _idle(page)
    return outcome.inner_text().splitlines()[0], offered


PLACE = re.compile(r"^(\w+ \d+ \S+ \d{4}), (.+), (\d+) h (\d\d)$")


def test_coordinator_moves_a_session(page: Page) -> None:
    """ "Déplacer ou échanger une séance": once a session is chosen, only the days, units and times the rules
    accept are offered (never a Sunday, never where it already is); the first one picked is made,
    shown beside the current plan and accepted; the plan then shows the session where it was sent."""
    _open(page, "Planifier")
    expect(page.get_by_text("Déplacer ou échanger une séance")).to_be_visible()
    labels = _session_options(page, "")
    sessions = [(_label_date(m[1]), m[2], m[3], text, m[4]) for text in labels if (m := SESSION_LABEL.match(text))]
    sessions = [s for s in sessions if s[0] >= date.today()]  # nothing before today moves
    assert sessions, labels
    day, unit, commune, text, start = sessions[-1]
    outcome, offered = _move_session(page, text)
    assert outcome.startswith("Séance déplacée"), outcome
    places = [PLACE.match(o) for o in offered]
    assert all(places) and not any("dimanche" in o for o in offered), offered
    assert f"{date_fr(day)}, {unit}, {time_fr(parse_time(start))}" not in offered  # where it already is
    expect(page.get_by_text("Plan proposé : séance déplacée")).to_be_visible()  # beside the current plan
    page.get_by_role("button", name="Accepter", exact=True).click()
    # the panel goes once the rerun has accepted it (the script may not have started running yet)
    expect(page.get_by_text("Plan proposé : séance déplacée")).to_have_count(0)
    _idle(page)
    to_day, _unit, hours, minutes = places[0].groups()
    moved = [m for t in _session_options(page, commune) if (m := SESSION_LABEL.match(t)) and m[3] == commune]
    assert any(m[1] == to_day and m[4] == f"{int(hours):02d}:{minutes}" for m in moved), moved
    _shot(page, "deplacer")


def test_coordinator_publishes(page: Page) -> None:
    _open(page, "Publier")
    page.get_by_role("button", name="Enregistrer et publier").click()
    expect(page.get_by_text(re.compile(r"Version 1 publiée\. Les habitants"))).to_be_visible()
    assert page.get_by_text(re.compile(r"/tmp/|workspace")).count() == 0  # no folder of the server
    _no_error_on(page)


# --- Residents and doctors ------------------------------------------------------------------------


def test_resident_picks_a_commune_subscribes_and_downloads(server: str, browser: Browser) -> None:
    """A resident (no log-in): pick a commune, its next visits show with hours and state; the calendar
    subscription link is a webcal:// address of the publication; the .ics and the poster download."""
    resident = _new_page(browser)
    resident.goto(server)
    expect(resident.get_by_text("planning publié (version 1)")).to_be_visible()
    commune = _pick_commune(resident)
    table = resident.locator("[data-testid='stTable']")
    expect(table).to_contain_text(re.compile(r"\d{2}:\d{2} – \d{2}:\d{2}"))
    expect(table).to_contain_text("prévu")
    link = resident.get_by_role("link", name=f"S'abonner au calendrier de {commune}")
    assert re.fullmatch(r"webcal://exemple\.org/tournee/public/commune-\w+\.ics", link.get_attribute("href") or "")
    name, content = _download(resident, "Ajouter à mon agenda")
    assert name.endswith(".ics") and content.startswith(b"BEGIN:VCALENDAR")
    name, content = _download(resident, "Affiche pour la mairie")
    assert name.startswith("affiche-") and commune.encode() in content
    _no_error_on(resident)
    _shot(resident, "habitants")
    resident.context.close()


def _personal_link(page: Page) -> tuple[str, str]:
    """As the coordinator, on "Médecin": the name and personal link of the first person who has
    shifts in the published plan."""
    _open(page, "Médecin")
    picker = page.get_by_role("combobox", name="Personne")
    for index in range(40):
        picker.click()
        name = page.get_by_role("option").nth(index).inner_text()
        page.get_by_role("option").nth(index).click()
        _idle(page)
        expect(page.get_by_role("heading", name=f"Gardes de {name}")).to_be_visible()
        _idle(page)  # the heading shows once the run has started: wait for its end, not a stale line
        count = page.get_by_text(re.compile(r"^\d+ garde\(s\) sur l'horizon"))
        expect(count).to_be_visible()
        if not count.inner_text().startswith("0 "):
            break
    code = page.locator("[data-testid='stCode']").first
    expect(code).to_contain_text("jeton=")
    return name, code.inner_text().strip()


def test_doctor_opens_own_shifts_with_the_personal_link(page: Page, browser: Browser) -> None:
    """The coordinator hands out a personal link; opened in another browser, it shows that person's
    shifts and week (no colleague's name) and downloads their calendar and printable list."""
    name, link = _personal_link(page)
    doctor = _new_page(browser)
    doctor.goto(link)
    expect(doctor.get_by_role("heading", name=f"Gardes de {name}")).to_be_visible()
    expect(doctor.locator(".tournee-week")).to_contain_text("garde")
    assert doctor.get_by_role("combobox", name="Personne").count() == 0  # nobody else's shifts to pick
    filename, content = _download(doctor, "Télécharger mon calendrier")
    assert filename == "mon-planning.ics" and content.startswith(b"BEGIN:VCALENDAR")
    filename, content = _download(doctor, "Imprimer mon planning")
    assert filename == "mon-planning.html" and f"Planning de {name}".encode() in content
    _no_error_on(doctor)
    _shot(doctor, "medecin")
    doctor.context.close()


def test_phone_screen_needs_no_sideways_scrolling(server: str, page: Page, browser: Browser) -> None:
    """On a 390×844 screen: the residents' page and a doctor's page fit the width, before and after
    choosing, and the commune picker works with the on-screen keyboard's typing."""
    phone = _new_page(browser, PHONE, is_mobile=True, has_touch=True)
    phone.goto(server)
    expect(phone.get_by_text("Quand passe l'unité mobile de santé ?")).to_be_visible()
    _no_sideways_scroll(phone)
    _pick_commune(phone)
    expect(phone.locator("[data-testid='stTable']")).to_contain_text("prévu")
    _no_sideways_scroll(phone)
    _shot(phone, "habitants-telephone")
    _, link = _personal_link(page)
    phone.goto(link)
    expect(phone.locator(".tournee-week")).to_contain_text("garde")
    _no_sideways_scroll(phone)
    _shot(phone, "medecin-telephone")
    _no_error_on(phone)
    phone.context.close()


# --- Streamlit's own words ------------------------------------------------------------------------


def _replaced_by(page: Page, selector: str) -> tuple[str, str]:
    """The font size of the English text at ``selector`` and the text shown in its place."""
    return tuple(
        page.locator(selector).first.evaluate(
            "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
        )
    )


def test_streamlit_words_the_app_can_reach_are_french(page: Page) -> None:
    """The upload box's button and hint, and the empty list of a picker with no match, read in French
    (tests that Streamlit's markup still matches app_pages/ui/streamlit_fr.py)."""
    _open(page, "Territoire")
    page.get_by_text("Mes fichiers (CSV / TOML)").click()
    button = "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
    assert _replaced_by(page, button) == ("0px", f'"{streamlit_fr.UPLOAD_BUTTON}"')
    hint = "[data-testid='stFileUploaderDropzoneInstructions'] span"
    assert _replaced_by(page, hint) == ("0px", f'"{streamlit_fr.UPLOAD_HINT}"')
    dropzone = page.locator("[data-testid='stFileUploaderDropzone']").first
    dragged = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'communes.csv')); return d; }"
    )
    dropzone.dispatch_event("dragenter", {"dataTransfer": dragged})
    drop = "[data-testid='stFileUploaderDropzone'] > div:not([data-testid]) > span"
    assert _replaced_by(page, drop) == ("0px", f'"{streamlit_fr.DROP_HERE}"')
    dropzone.dispatch_event("dragleave")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(TINY_COMMUNES)
    chip = page.locator("[data-testid='stFileChipName']").first
    expect(chip).to_have_text("communes.csv")  # an uploaded file keeps its name, nothing laid over it
    assert (
        page.locator("[data-testid='stFileChips']").first.evaluate("e => getComputedStyle(e, '::after').content")
        == "none"
    )
    _shot(page, "territoire-televersement")
    _open(page, "Re-planifier")
    page.get_by_role("combobox", name="Personne").click()
    page.keyboard.type("zzzz")
    empty = "[role='listbox'][data-empty='true'] [role='option'] span"
    assert _replaced_by(page, empty) == ("0px", f'"{streamlit_fr.NO_RESULTS}"')
    page.keyboard.press("Escape")


# --- Two territories published --------------------------------------------------------------------


def test_resident_chooses_among_two_published_territories(server: str, workspace: Path, browser: Browser) -> None:
    """With a second territory published beside the demo (the planner's publishing API), the residents'
    page asks for the territory, and each one shows its communes and visits; the resident's menu holds
    the public pages only."""
    from planner.planning.options import PlanOptions
    from planner.planning.pipeline import plan as make_plan
    from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
    from planner.publish.publication import publish_version
    from planner.publish.store import PlanStore

    settings = Settings({"start": _next_monday().isoformat(), "weeks": 2})
    inputs = PlanInputs(TerritoryFiles.load(TINY), settings, PlanOptions(time_limit=1, rota_time_limit=1))
    store = PlanStore(workspace / inputs.territory)
    version = store.save(make_plan(inputs.instance(), inputs.options), inputs.instance(), inputs=inputs)
    publish_version(store, version, workspace / inputs.territory / "publication")

    resident = _new_page(browser)
    resident.goto(server)
    picker = resident.get_by_role("combobox", name="Territoire")
    titles = []
    for index in range(2):
        picker.click()
        option = resident.get_by_role("option").nth(index)
        titles.append(option.inner_text())
        option.click()
        expect(resident.get_by_text(f"{titles[-1]} — planning publié")).to_be_visible()
        _pick_commune(resident)
        expect(resident.locator("[data-testid='stTable']")).to_contain_text("prévu")
        _no_error_on(resident)
    assert len(set(titles)) == 2
    sidebar = resident.locator("[data-testid='stSidebar']")
    links = [text.split("\n")[-1] for text in sidebar.get_by_role("link").all_inner_texts()]  # after the icon
    assert sorted(links) == ["Habitants", "Médecin"]
    assert resident.get_by_text("Coordination").count() == 0
    _shot(resident, "habitants-deux-territoires")
    resident.context.close()
