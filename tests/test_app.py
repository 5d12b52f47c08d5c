"""The Streamlit app, driven headless with `streamlit.testing.v1.AppTest`: one smoke test per page and
the flows that matter (plan the demo, publish, re-plan; residents see only what was published, never a
staff name; a volunteer sees only their own shifts; the working copy survives a new session)."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from planner.domain.errors import MoveRefused
from planner.domain.french import date_fr, hhmm
from planner.domain.plan import Plan
from planner.inputs import load_territory
from planner.planning.changes import UnitOutOfService
from planner.planning.moves import SessionMove, move_session
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as make_plan
from planner.planning.replan import replan
from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
from planner.publish.publication import publish_version
from planner.publish.store import PlanStore

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TINY = ROOT / "tests" / "data" / "tiny"
DEMO = "medicobus-dieppe"
PASSWORD = "mot-de-passe-de-test"
TIMEOUT = 90  # seconds per run: the first demo plan is computed inside one


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A known password and a private workspace, so that tests never write into the repository.

    Streamlit installs the app script as ``__main__``; it is put back after each test, or processes
    spawned later in the session (Dask workers in tests/test_studies.py) would run app.py.
    """
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    monkeypatch.setenv("TOURNEE_PASSWORD", PASSWORD)
    monkeypatch.delenv("TOURNEE_STAFF_PASSWORD", raising=False)
    monkeypatch.delenv("TOURNEE_PUBLIC_URL", raising=False)
    monkeypatch.setenv("TOURNEE_WORKSPACE", str(tmp_path / "workspace"))


def _app(page: str | None = None, *, coordinator: bool = False) -> AppTest:
    """The app, run once, on ``page`` (a file of app_pages/), optionally already logged in."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if coordinator:
        at.session_state["access"] = "coordinator"
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
    return at


def _ok(at: AppTest) -> None:
    """No uncaught exception and no error message on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[0]


def _rendered_text(at: AppTest) -> str:
    """Every text the page renders: element protos (UTF-8) and the cells of every table."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts += [table.value.to_csv() for table in [*at.dataframe, *at.table]]
    return "\n".join(parts)


def _plan_demo(at: AppTest) -> AppTest:
    at.switch_page("app_pages/planifier.py").run()
    _button(at, "Planifier").click().run()
    return at


def _future_inputs(weeks: int = 2) -> PlanInputs:
    """The tiny territory planned from a Monday one to two weeks ahead, so that every visit is to come."""
    today = date.today()
    start = today + timedelta(days=14 - today.weekday())
    settings = Settings({"start": start.isoformat(), "weeks": weeks})
    return PlanInputs(TerritoryFiles.load(TINY), settings, PlanOptions(time_limit=1, rota_time_limit=1))


def _publish(workspace: Path, inputs: PlanInputs, plan: Plan) -> PlanStore:
    """Save and publish ``plan`` in the app's workspace of its territory, as the "Publier" page does."""
    store = PlanStore(workspace / inputs.territory)
    version = store.save(plan, inputs.instance(), inputs=inputs)
    publish_version(store, version, workspace / inputs.territory / "publication")
    return store


@pytest.fixture
def published(tmp_path: Path) -> tuple[PlanInputs, Plan, PlanStore]:
    """The tiny territory published in the test's workspace."""
    inputs = _future_inputs()
    plan = make_plan(inputs.instance(), inputs.options)
    return inputs, plan, _publish(tmp_path / "workspace", inputs, plan)


# --- Public page ----------------------------------------------------------------------------


def test_resident_page_says_when_nothing_is_published() -> None:
    """Before any publication the public page says so, and shows no plan (no demo plan either)."""
    at = _app()
    _ok(at)
    assert any("Aucun planning n'a encore été publié" in i.value for i in at.info)
    assert not any(s.label == "Votre commune" for s in at.selectbox) and not at.table


def test_resident_page_shows_next_visits_and_no_staff_name(published) -> None:
    """For every visited commune of the published plan, the page lists dated visits with hours, and
    no roster name anywhere."""
    inputs, plan, _ = published
    names = [p.name for p in inputs.instance().staff]
    assert names, "the roster is empty: this test would prove nothing"
    at = _app()
    _ok(at)
    assert any("planning publié (version 1)" in c.value for c in at.caption)
    commune_box = next(s for s in at.selectbox if s.label == "Votre commune")
    visited = {s.insee for _, s in plan.sessions()}
    for index, insee in enumerate(commune_box.options):
        next(s for s in at.selectbox if s.label == "Votre commune").select_index(index).run()
        _ok(at)
        shown = _rendered_text(at)
        leaked = [n for n in names if n in shown]
        assert not leaked, f"staff names on the public page: {leaked}"
        if any(code in insee for code in visited):
            visits = at.table[0].value
            assert list(visits.columns) == ["Date", "Heure", "Lieu", "Unité", "État"]
            assert visits["Heure"].str.match(r"\d{2}:\d{2} – \d{2}:\d{2}").all()


def test_cancelled_visit_stays_listed_with_its_reason(published, tmp_path: Path) -> None:
    """A published visit removed by the next publication (its unit out of service) stays on the
    residents' page, "annulé (unité hors service)", beside the visits still planned."""
    inputs, plan, _ = published
    tour = plan.tours[-1]
    change = UnitOutOfService(tour.unit_id, tour.date, tour.date)
    today = inputs.instance().rules.start
    new = replan(inputs.instance(), plan, [change], today=today, time_limit=1).plan
    _publish(tmp_path / "workspace", inputs.with_changes([change], today), new)
    at = _app()
    commune = tour.sessions[0].insee
    box = next(s for s in at.selectbox if s.label == "Votre commune")
    box.select_index(next(i for i, code in enumerate(box.options) if commune in code)).run()
    _ok(at)
    rows = at.table[0].value
    cancelled = rows[rows["État"] == "annulé (unité hors service)"]
    assert list(cancelled["Date"]) == [date_fr(tour.date)]
    assert (rows["État"] == "prévu").sum() == sum(1 for _, s in new.sessions() if s.insee == commune)


def test_public_pages_give_webcal_subscription_links(published, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the publication folder online (TOURNEE_PUBLIC_URL), the commune page links to
    webcal://…/public/commune-INSEE.ics and a person's page to webcal://…/prive/<token>/planning.ics."""
    monkeypatch.setenv("TOURNEE_PUBLIC_URL", "https://exemple.org/tournee/")
    _, plan, store = published
    insee = plan.tours[0].sessions[0].insee
    at = _app()
    box = next(s for s in at.selectbox if s.label == "Votre commune")
    box.select_index(next(i for i, code in enumerate(box.options) if insee in code)).run()
    _ok(at)
    assert f"(webcal://exemple.org/tournee/public/commune-{insee}.ics)" in _rendered_text(at)
    token = store.tokens()["staff:d1"]
    mine = AppTest.from_file(APP, default_timeout=TIMEOUT)
    mine.switch_page("app_pages/medecin.py")
    mine.query_params["jeton"] = token
    mine.run()
    _ok(mine)
    assert f"(webcal://exemple.org/tournee/prive/{token}/planning.ics)" in _rendered_text(mine)


# --- Passwords and personal links -----------------------------------------------------------


def test_coordination_refuses_a_wrong_password() -> None:
    """A wrong password gets a French refusal and the page stays closed."""
    at = _app("planifier")
    at.text_input[0].input("pas-le-bon")
    _button(at, "Entrer").click().run()
    assert [e.value for e in at.error] == ["Mot de passe incorrect."]
    assert not [b for b in at.button if b.label == "Planifier"]


def test_coordination_opens_with_the_right_password() -> None:
    at = _app("planifier")
    at.text_input[0].input(PASSWORD)
    _button(at, "Entrer").click().run()
    _ok(at)
    assert _button(at, "Planifier")


def test_coordination_is_closed_when_no_password_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a configured password, the page explains how to set one."""
    monkeypatch.delenv("TOURNEE_PASSWORD")
    at = _app("planifier")
    assert not at.exception
    assert len(at.error) == 1 and "TOURNEE_PASSWORD" in at.error[0].value
    assert not at.text_input


def test_staff_page_has_no_shared_password_and_lists_no_one(published, monkeypatch: pytest.MonkeyPatch) -> None:
    """The staff page asks for a personal link: no shared password (even when the old
    TOURNEE_STAFF_PASSWORD is set), no list of names, no one's shifts."""
    monkeypatch.setenv("TOURNEE_STAFF_PASSWORD", "equipe")
    inputs, _, _ = published
    at = _app("medecin")
    _ok(at)
    assert [t.label for t in at.text_input] == ["Votre lien ou code personnel"]
    assert not at.selectbox and not at.dataframe
    shown = _rendered_text(at)
    assert not [p.name for p in inputs.instance().staff if p.name in shown]


def test_personal_link_opens_only_that_persons_shifts(published) -> None:
    """?jeton=<token of d1> shows d1's shifts and no colleague's name; a wrong or revoked token is refused."""
    inputs, plan, store = published
    instance = inputs.instance()
    token = store.tokens()["staff:d1"]
    assert len(token) >= 22  # secrets.token_urlsafe: at least 128 random bits
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("app_pages/medecin.py")
    at.query_params["jeton"] = token
    at.run()
    _ok(at)
    mine = [s for s in plan.shifts if s.staff_id == "d1"]
    assert mine and len(at.dataframe[0].value) == len(mine)
    shown = _rendered_text(at)
    assert instance.person("d1").name in shown
    assert not [p.name for p in instance.staff if p.id != "d1" and p.name in shown]
    assert "Télécharger mon calendrier" in shown

    store.revoke("staff:d1")
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.switch_page("app_pages/medecin.py")
    again.query_params["jeton"] = token
    again.run()
    assert [e.value for e in again.error] == [
        "Ce lien personnel n'est pas (ou plus) valable : demandez-en un nouveau à la coordination."
    ]
    assert not again.dataframe


# --- Coordination pages ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["territoire", "parametres", "planifier", "replanifier", "publier", "etude"])
def test_coordination_page_smoke(page: str) -> None:
    at = _app(page, coordinator=True)
    _ok(at)


def test_plan_the_demo_shows_kpis_tables_and_chart() -> None:
    """Clicking "Planifier" shows every KPI with its explanation, the sessions, the rota and the week."""
    at = _plan_demo(_app(coordinator=True))
    _ok(at)
    labels = [m.label for m in at.metric]
    assert "Besoin couvert" in labels and "Séances / semaine" in labels
    assert len(labels) >= 10
    sessions, shifts, totals = at.dataframe[-3].value, at.dataframe[-2].value, at.dataframe[-1].value
    assert len(sessions) > 0 and {"date", "commune", "début", "fin"} <= set(sessions.columns)
    assert len(shifts) > 0 and "nom" in shifts.columns
    assert totals["gardes"].sum() == len(shifts)
    rota, unit_week = [h.proto.body for h in at.get("html") if "tournee-week" in h.proto.body]
    assert "<th>personne</th>" in rota and rota.count("<tr>") == 1 + len(load_territory(DEMO).staff)
    assert "<th>jour</th><th>séance 1</th><th>séance 2</th>" in unit_week
    assert [b.label for b in at.get("download_button")] == ["Imprimer la semaine 1 (A4 paysage)"]
    assert at.get("vega_lite_chart"), "no timetable chart"
    assert at.get("component_instance"), "no map"
    assert any("Plan prêt" in text_format.MessageToString(s.proto, as_utf8=True) for s in at.get("status"))


def _set_settings(at: AppTest, *, weeks: int, time_limit: float = 1.0) -> None:
    at.switch_page("app_pages/parametres.py").run()
    next(n for n in at.number_input if n.label == "Nombre de semaines").set_value(weeks)
    next(n for n in at.number_input if n.label == "Temps de calcul max. (s)").set_value(time_limit)
    _button(at, "Appliquer").click().run()
    _ok(at)


def _published_demo(weeks: int) -> AppTest:
    """A coordinator session that planned the demo over ``weeks`` weeks and published it as version 1."""
    at = _app(coordinator=True)
    _set_settings(at, weeks=weeks)
    _plan_demo(at)
    at.switch_page("app_pages/publier.py").run()
    _button(at, "Enregistrer et publier").click().run()
    _ok(at)
    assert any("Version 1 publiée" in s.value for s in at.success)
    return at


def _log_in(page: str) -> AppTest:
    """A new browser session (as after a reload): open ``page`` and give the password."""
    at = _app(page)
    at.text_input[0].input(PASSWORD)
    _button(at, "Entrer").click().run()
    _ok(at)
    return at


def test_settings_change_the_working_territory() -> None:
    """Setting a one-week horizon and applying it changes the instance the next plan is made from."""
    at = _app(coordinator=True)
    _set_settings(at, weeks=1)
    assert any("Réglages enregistrés" in s.value for s in at.success)
    assert at.session_state["work"].inputs.instance().rules.weeks == 1
    assert at.session_state["work"].inputs.settings.rules == {"weeks": 1}


def test_time_grid_and_set_up_are_settings_and_a_session_off_the_grid_is_refused() -> None:
    """The grid of published times and the set-up time are set on Paramètres; a session length that
    would end off the grid is refused in French, and nothing is saved."""
    at = _app(coordinator=True)
    at.switch_page("app_pages/parametres.py").run()
    next(s for s in at.selectbox if s.label.startswith("Horaires publiés")).set_value(30)
    next(n for n in at.number_input if n.label.startswith("Mise en place")).set_value(30)
    _button(at, "Appliquer").click().run()
    _ok(at)
    assert at.session_state["work"].inputs.settings.rules == {"time_step": 30, "setup_minutes": 30}
    next(s for s in at.selectbox if s.label.startswith("Horaires publiés")).set_value(60)
    next(n for n in at.number_input if n.label == "Durée d'une séance (min)").set_value(150)
    _button(at, "Appliquer").click().run()
    assert any("ne finit pas sur la grille de 60 min" in e.value for e in at.error)
    assert at.session_state["work"].inputs.settings.rules == {"time_step": 30, "setup_minutes": 30}


def test_working_copy_survives_a_reload_and_a_new_log_in() -> None:
    """Settings, the plan and a re-plan change being prepared are kept on the server: a new session
    (a page reload) that logs in again finds them all where they were."""
    at = _app(coordinator=True)
    _set_settings(at, weeks=2)
    _plan_demo(at)
    at.switch_page("app_pages/replanifier.py").run()
    _button(at, "Ajouter ce changement").click().run()
    _ok(at)
    plan = at.session_state["work"].plan
    assert plan is not None and len(at.session_state["work"].pending) == 1

    again = _log_in("parametres")
    assert next(n for n in again.number_input if n.label == "Nombre de semaines").value == 2
    again.switch_page("app_pages/planifier.py").run()
    _ok(again)
    assert "Besoin couvert" in [m.label for m in again.metric]  # the plan shows without clicking
    assert again.session_state["work"].plan == plan
    again.switch_page("app_pages/replanifier.py").run()
    assert any("indisponible du" in m.value for m in again.markdown)


def test_replan_from_the_published_version_uses_its_own_inputs(tmp_path: Path) -> None:
    """A plan of 2 weeks (not the scenario's 4) is published; another coordinator session, whose working
    copy is the plain demo again, re-plans from "Version publiée": the version's own horizon is used
    and the re-plan succeeds."""
    _published_demo(weeks=2)
    (tmp_path / "workspace" / ".coordination" / "copie-de-travail.json").unlink()

    other = _log_in("replanifier")
    assert other.session_state["work"].inputs.instance().rules.weeks == 4  # a fresh working copy
    assert next(r for r in other.radio if r.label == "Partir de").value == "Version publiée (1)"
    _button(other, "Ajouter ce changement").click().run()
    _button(other, "Re-planifier").click().run()
    _ok(other)
    assert [m.label for m in other.metric][:2] == ["Tournées supprimées", "Séances supprimées"]
    _button(other, "Accepter ce nouveau plan").click().run()
    _ok(other)
    accepted = other.session_state["work"]
    assert accepted.inputs.instance().rules.weeks == 2 and len(accepted.inputs.changes) == 1


def test_accepted_unit_out_of_service_never_comes_back() -> None:
    """The unit out of service on a day, re-planned and accepted: planning again never puts that day's
    tours back (the change is part of the working copy's inputs)."""
    at = _app(coordinator=True)
    _set_settings(at, weeks=2)
    _plan_demo(at)
    plan = at.session_state["work"].plan
    day = plan.tours[1].date
    at.switch_page("app_pages/replanifier.py").run()
    next(s for s in at.selectbox if s.label == "Type de changement").set_value("unit").run()
    next(d for d in at.date_input if d.label == "Période (du … au …)").set_value((day, day))
    _button(at, "Ajouter ce changement").click().run()
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(plan.start)
    _button(at, "Re-planifier").click().run()
    _button(at, "Accepter ce nouveau plan").click().run()
    _ok(at)
    assert not [t for t in at.session_state["work"].plan.tours if t.date == day]
    _plan_demo(at)
    _ok(at)
    again = at.session_state["work"].plan
    assert again.tours and not [t for t in again.tours if t.date == day]


def test_start_again_from_a_saved_version() -> None:
    """ "Repartir de la version N" makes the version's inputs and plan the working copy."""
    at = _app(coordinator=True)
    _set_settings(at, weeks=1)
    _plan_demo(at)
    at.switch_page("app_pages/publier.py").run()
    _button(at, "Enregistrer la version").click().run()
    saved = at.session_state["work"]
    _set_settings(at, weeks=3)
    assert at.session_state["work"].plan is None
    at.switch_page("app_pages/publier.py").run()
    _button(at, "Repartir de la version 1").click().run()
    _ok(at)
    back = at.session_state["work"]
    assert back.inputs == saved.inputs and back.plan == saved.plan and back.origin == "version 1"


def test_territory_problems_are_shown_beside_the_rows_at_fault() -> None:
    """A bad cell is reported in the problem column of its own row, and the territory is not used."""
    from app_pages import territory_files, views
    from app_pages.session import WorkingCopy

    files = TerritoryFiles.load(DEMO)
    sources = territory_files.sources_of(files)
    communes = sources.communes.copy()
    communes.loc[1, "population"] = "beaucoup"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["access"] = "coordinator"
    at.session_state["work"] = WorkingCopy(
        PlanInputs(files), sources=sources.edited(communes, sources.roster, sources.scenario)
    )
    at.run()
    at.switch_page("app_pages/territoire.py").run()
    _button(at, "Valider et utiliser ce territoire").click().run()
    assert not at.exception
    assert any("problème(s) à corriger" in e.value for e in at.error)
    shown = at.data_editor[0].value
    assert views.PROBLEM_COLUMN in shown.columns
    notes = shown[views.PROBLEM_COLUMN]
    assert "population" in notes[1]
    assert (notes.drop(index=1) == "").all()
    assert at.session_state["work"].inputs.files == files  # the faulty files are not used


def test_publish_then_replan_then_accept() -> None:
    """The coordinator publishes the demo, marks a doctor unavailable, sees the diff and accepts it;
    the residents' page shows the published version."""
    at = _published_demo(weeks=2)
    at.switch_page("app_pages/replanifier.py").run()
    _ok(at)
    _button(at, "Ajouter ce changement").click().run()
    _button(at, "Re-planifier").click().run()
    _ok(at)
    assert [m.label for m in at.metric] == [
        "Tournées supprimées",
        "Séances supprimées",
        "Gardes réaffectées",
        "Gardes annulées",
    ]
    _button(at, "Accepter ce nouveau plan").click().run()
    _ok(at)
    assert any("Nouveau plan accepté" in s.value for s in at.success)

    at.switch_page("app_pages/habitants.py").run()
    assert any("planning publié (version 1)" in c.value for c in at.caption)


def test_territory_upload_table_reader_keeps_codes_as_text() -> None:
    """Uploaded CSVs become text tables: INSEE codes keep their leading zero, `;` files are read."""
    from app_pages import territory_files

    sources = territory_files.uploaded_sources(
        "essai",
        {
            "communes": "\ufeffinsee;name\n01004;Ambérieu\n".encode(),
            "roster": b"id,name\nm1,Dr Z. Essai (exemple)\n",
            "scenario": b'name = "essai"\n',
        },
    )
    assert sources.communes.loc[0, "insee"] == "01004"
    assert isinstance(sources.roster, pd.DataFrame) and sources.roster.loc[0, "name"] == "Dr Z. Essai (exemple)"


# --- Study page -------------------------------------------------------------------------------


def test_study_page_runs_a_study_and_compares_two_scenarios() -> None:
    """Units 1 to 2 on the demo, one week: a table of two scenarios, the knee sentence, two maps compared."""
    at = _app("etude", coordinator=True)
    next(s for s in at.select_slider if s.label == "Unités").set_value((1, 2))
    next(n for n in at.number_input if n.label == "Semaines de l'horizon").set_value(1)
    next(n for n in at.number_input if n.label.startswith("Budget de calcul")).set_value(0.5)
    _button(at, "Lancer l'étude").click().run()
    _ok(at)
    assert at.success and at.success[0].value.startswith(("Au-delà de", "Jusqu'à"))
    table = at.dataframe[0].value
    assert list(table["scénario"]) == ["u1", "u2"] and list(table["statut"]) == ["ok", "ok"]
    assert table["besoin couvert (part)"].str.fullmatch(r"\d+,\d\u202f%").all()  # French figures
    assert [s.label for s in at.selectbox] == ["Scénario A", "Scénario B"]
    assert sum(m.label == "Besoin couvert" for m in at.metric) == 2

    work = at.session_state["work"]  # the roster edited: the same ranges make a new study, not a refusal
    files = work.inputs.files
    roster = files.roster.replace(b"(exemple)", b"(exemple bis)", 1)
    assert roster != files.roster
    at.session_state["work"] = dataclasses.replace(
        work, inputs=dataclasses.replace(work.inputs, files=dataclasses.replace(files, roster=roster))
    )
    _button(at, "Lancer l'étude").click().run()
    _ok(at)
    assert list(at.dataframe[0].value["statut"]) == ["ok", "ok"]


# --- French figures, failures in plain words, consistent counts (issue 14) -----------------------


def test_plan_without_road_data_says_so_plainly_with_the_setting_to_change(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Road times chosen, no road network in the cache and no connection (faked at the socket): the
    page says why in full view (not inside the collapsed status box) and which setting of the app to
    change, never a command-line option."""
    from planner.travel.roads import cache

    def no_dns(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(cache.socket, "create_connection", no_dns)
    monkeypatch.setenv("TOURNEE_CACHE", str(tmp_path / "cache"))
    at = _app("parametres", coordinator=True)
    next(r for r in at.radio if r.label == "Temps de trajet").set_value("road")
    _button(at, "Appliquer").click().run()
    _plan_demo(at)
    assert not at.exception
    kinds = [type(child).__name__ for child in at.main.children.values()]
    assert kinds[-2:] == ["Status", "Error"], kinds  # the message is beside the status box, not in it
    (message,) = [e.value for e in at.error]
    assert "réseau routier" in message and "« Paramètres »" in message and "« Temps de trajet »" in message
    assert "--roads" not in message and "planner " not in message
    assert at.session_state["work"].plan is None


def test_kpis_are_french_figures_and_left_out_counts_agree_with_the_history() -> None:
    """KPIs read with decimal commas; under the estimate the driving time is not shown beside the same
    distance; the tile "Communes sous leur objectif" and the history column of the same name count the
    same communes; the communes with a target of 0 are listed as never visited by choice."""
    at = _published_demo(weeks=2)
    at.switch_page("app_pages/planifier.py").run()
    tiles = {m.label: m.value for m in at.metric}
    assert "," in tiles["Séances / semaine"] and "." not in "".join(tiles.values())
    assert tiles["Besoin couvert"].endswith("\u202f%")
    assert "Conduite (min / semaine)" not in tiles and "Distance (km / semaine)" in tiles
    plan = at.session_state["work"].plan
    assert tiles["Communes sous leur objectif"] == str(len(plan.unserved))
    never = [c for c in load_territory(DEMO).communes if c.visits_per_week == 0]
    assert f"Communes jamais visitées, par choix ({len(never)})" in [e.label for e in at.expander]
    at.switch_page("app_pages/publier.py").run()
    history = at.dataframe[0].value
    assert "communes non servies" not in history.columns
    assert list(history["communes sous leur objectif"]) == [len(plan.unserved)]


def test_loading_another_territory_names_it_at_once() -> None:
    """After "Charger ce territoire", the caption names the territory just loaded (not the previous one)."""
    at = _app("territoire", coordinator=True)
    assert "Médicobus" in at.caption[0].value
    next(s for s in at.selectbox if s.label == "Territoire intégré").set_value("doctobus-evreux")
    _button(at, "Charger ce territoire").click().run()
    _ok(at)
    assert "Évreux" in at.caption[0].value and "Médicobus" not in at.caption[0].value
    assert any("chargé" in s.value for s in at.success)


def test_loaded_territory_is_planned_in_the_background_and_the_click_gets_that_plan() -> None:
    """Loading a territory starts its plan at once; « Planifier » then shows that very plan (valid)."""
    from app_pages import plan_cache
    from planner.check.validate import validate

    at = _app("territoire", coordinator=True)
    next(s for s in at.selectbox if s.label == "Territoire intégré").set_value("doctobus-evreux")
    _button(at, "Charger ce territoire").click().run()
    evreux = load_territory("doctobus-evreux")
    cache, lock = plan_cache._plan_cache()
    with lock:
        started = [future for (key, _), future in cache.items() if key == plan_cache.fingerprint(evreux)]
    assert len(started) == 1, "no plan of the loaded territory under way"
    background = started[0].result(timeout=TIMEOUT)
    at.switch_page("app_pages/planifier.py").run()
    _button(at, "Planifier").click().run()
    _ok(at)
    assert at.session_state["work"].plan is background
    assert validate(evreux, background) == []


def test_a_plan_that_failed_is_not_solved_again_in_the_background_but_a_click_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each rerun of « Planifier » asks for a background start: after a failure it starts nothing
    (it would fail again, for nothing), while the click solves again and shows the failure."""
    import threading

    from app_pages import plan_cache
    from planner.domain.errors import PlanningError

    solves = []

    def failing(instance, options, progress=None):
        solves.append(instance.name)
        raise PlanningError("échec voulu")

    monkeypatch.setattr(plan_cache, "solve_plan", failing)
    instance = load_territory("medicobus-dieppe").replace(name="echec-voulu")
    options = plan_cache.default_options()
    with pytest.raises(PlanningError):
        plan_cache.compute_plan(instance, options)
    for _rerun in range(3):
        plan_cache.start_in_background(instance, options)
    for thread in threading.enumerate():
        if thread.name == "tournee-plan-echec-voulu":
            thread.join(timeout=TIMEOUT)
    assert solves == ["echec-voulu"]
    with pytest.raises(PlanningError):
        plan_cache.compute_plan(instance, options)  # the click
    assert solves == ["echec-voulu"] * 2


def test_territory_editor_headers_are_french_and_files_keep_their_columns() -> None:
    """The communes editor shows "nom", "latitude"… as headers; the table (and the file) keep name, lat."""
    at = _app("territoire", coordinator=True)
    editor = at.data_editor[0]
    assert {"name", "lat", "lon", "population"} <= set(editor.value.columns)
    config = editor.proto.columns
    assert '"label": "nom"' in config and '"label": "latitude"' in config and '"label": "code INSEE"' in config


def test_doctor_sees_their_week_and_can_print_their_shifts(published) -> None:
    """The personal page shows the chosen week day by day (the person's cells only) and offers the
    printable list of their shifts beside the calendar."""
    inputs, plan, store = published
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("app_pages/medecin.py")
    at.query_params["jeton"] = store.tokens()["staff:d1"]
    at.run()
    _ok(at)
    (week,) = [h.proto.body for h in at.get("html") if "tournee-week" in h.proto.body]
    assert "<th>garde</th>" in week
    first = min(s.date for s in plan.shifts if s.staff_id == "d1")
    assert f"{first:%d/%m}" in week
    other = {p.name for p in inputs.instance().staff if p.id != "d1"}
    assert not [n for n in other if n in week]
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Télécharger mon calendrier (.ics)", "Imprimer mon planning (page HTML)"]


def _a_time_that_fits(instance, plan: Plan) -> tuple:
    """A tour, its last session and a start 15 minutes off that the day can hold (the library says)."""
    for tour in plan.tours:
        last = tour.sessions[-1]
        for start in (last.start + 15, last.start - 15):
            try:
                move_session(instance, plan, SessionMove(tour.unit_id, tour.date, last.insee, tour.date, start=start),
                             today=plan.start, time_limit=1)  # fmt: skip
            except MoveRefused:
                continue
            return tour, last, start
    raise AssertionError("no session of the demo can start 15 minutes earlier or later")


def _move(at: AppTest, key: str, to_day: date, start: str = "") -> None:
    """Fill and send the form "Déplacer une séance" of "Planifier"."""
    next(s for s in at.selectbox if s.label == "Séance").set_value(key)
    next(d for d in at.date_input if d.label == "Nouveau jour").set_value(to_day)
    next(t for t in at.text_input if t.label == "Heure de début (facultatif)").input(start)
    plan = at.session_state["work"].plan
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(plan.start)
    _button(at, "Déplacer").click().run()


def test_move_a_session_pin_and_plan_again() -> None:
    """ "Déplacer une séance": a refused move shows its rule in French and changes nothing; an accepted
    one shows what changed and the new plan, is kept with the inputs and re-applied after
    "Planifier". A pin set in the editor is a setting, and the next plan honours it."""
    at = _app(coordinator=True)
    _set_settings(at, weeks=2)
    _plan_demo(at)
    plan = at.session_state["work"].plan
    tour, last, start = _a_time_that_fits(at.session_state["work"].inputs.instance(), plan)
    key = f"{tour.unit_id}|{tour.date.isoformat()}|{last.insee}"
    _move(at, key, tour.date + timedelta(days=6 - tour.date.weekday()))
    [refused] = [e.value for e in at.error]
    assert refused.startswith(
        "Refusé : Médicobus ne travaille pas le dimanche (règle UNIT_DAY)\n\nDéplacement demandé : "
    )
    assert at.session_state["work"].plan == plan

    _move(at, key, tour.date, hhmm(start))
    _ok(at)
    assert any("Séance déplacée" in s.value for s in at.success)
    work = at.session_state["work"]
    moved = next(t for t in work.plan.tours if t.key == tour.key)
    assert any(s.insee == last.insee and s.start == start for s in moved.sessions)
    assert len(work.inputs.moves) == 1
    _plan_demo(at)
    _ok(at)
    again = next(t for t in at.session_state["work"].plan.tours if t.key == tour.key)
    assert any(s.insee == last.insee and s.start == start for s in again.sessions)

    insee = plan.tours[0].sessions[0].insee
    next(s for s in at.selectbox if s.label == "Commune" and s.key == "pin-commune").set_value(insee)
    next(s for s in at.selectbox if s.key == "pin-day").set_value(3)
    _button(at, "Épingler").click().run()
    _ok(at)
    assert at.session_state["work"].inputs.settings.rules["pins"] == [[insee, 3, ""]]
    assert at.session_state["work"].plan is None
    _plan_demo(at)
    _ok(at)
    pinned = at.session_state["work"].plan
    assert {t.date.weekday() for t, s in pinned.sessions() if s.insee == insee} <= {3}
