"""Page "Planifier": plan the demo (KPIs in French figures, tables, week chart, map), failures in
plain words with the setting to change, plans solved once per server and in the background, and the
manual moves and pins."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from app_pages.ui.session import WorkingCopy
from planner.check.validate import validate
from planner.domain.french import date_fr, time_fr
from planner.inputs import load_territory
from planner.planning.move_candidates import move_options
from tests.app.conftest import (
    DEMO,
    TIMEOUT,
    button,
    future_inputs,
    log_in,
    ok,
    plan_demo,
    published_demo,
    run_app,
    set_settings,
)


def test_plan_the_demo_shows_kpis_tables_and_chart() -> None:
    """Clicking "Planifier" shows the key figures in one row (each explained once, in its tooltip), every
    KPI with its explanation on demand, how the plan was found (method, budget, bound), the sessions,
    the rota and the week; « Plan prêt » once drawn."""
    at = plan_demo(run_app(coordinator=True))
    ok(at)
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["Besoin couvert", "Séances / semaine"]  # the demo has no priority zone
    assert 4 <= len(labels) <= 6 and all(m.proto.help for m in at.metric)
    assert not [c for c in at.caption if any(m.proto.help in c.value for m in at.metric)]  # said once
    details = at.dataframe[0].value
    assert len(details) >= 10 and "Continuité des soins" in list(details["indicateur"])
    (details_box,) = [e for e in at.expander if e.label.startswith("Tous les indicateurs")]
    how = [c.value for c in details_box.caption if c.value.startswith("Comment ce plan a été calculé")]
    assert len(how) == 1 and "Motif hebdomadaire (CP-SAT" in how[0]  # as the summary says
    sessions, shifts, totals = at.dataframe[-3].value, at.dataframe[-2].value, at.dataframe[-1].value
    assert len(sessions) > 0 and {"date", "commune", "début", "fin"} <= set(sessions.columns)
    assert len(shifts) > 0 and "nom" in shifts.columns
    assert totals["gardes"].sum() == len(shifts)
    rota, unit_week = [h.proto.body for h in at.get("html") if "tournee-week" in h.proto.body]
    assert "<th>personne</th>" in rota and rota.count("<tr>") == 1 + len(load_territory(DEMO).staff)
    assert "<th>jour</th><th>séance 1</th><th>séance 2</th>" in unit_week
    assert [b.label for b in at.get("download_button")] == ["Imprimer la semaine 1 (A4 paysage)"]
    assert at.get("vega_lite_chart"), "no timetable chart"
    assert any("tournee-map-data" in f.proto.srcdoc for f in at.get("iframe")), "no map"
    assert any("Plan prêt" in text_format.MessageToString(s.proto, as_utf8=True) for s in at.get("status"))


def test_kpis_are_french_figures_and_left_out_counts_agree_with_the_history() -> None:
    """KPIs read with decimal commas; under the estimate the driving time is not shown beside the same
    distance; the tile "Communes sous leur objectif" and the history column of the same name count the
    same communes; the communes with a target of 0 are listed as never visited by choice."""
    at = published_demo(weeks=2)
    at.switch_page("app_pages/pages/planifier.py").run()
    details = at.dataframe[0].value
    tiles = dict(zip(details["indicateur"], details["valeur"], strict=True))
    assert {m.label: m.value for m in at.metric}["Séances / semaine"] == tiles["Séances / semaine"]
    assert "," in tiles["Séances / semaine"] and "." not in "".join(tiles.values())
    assert tiles["Besoin couvert"].endswith("\u202f%")
    assert "Conduite (min / semaine)" not in tiles and "Distance (km / semaine)" in tiles
    plan = at.session_state["work"].plan
    assert tiles["Communes sous leur objectif"] == str(len(plan.unserved))
    assert {m.label: m.value for m in at.metric}["Sous l'objectif"] == str(len(plan.unserved))
    never = [c for c in load_territory(DEMO).communes if c.visits_per_week == 0]
    assert f"Communes jamais visitées, par choix ({len(never)})" in [e.label for e in at.expander]
    at.switch_page("app_pages/pages/publier.py").run()
    history = at.dataframe[0].value
    assert "communes non servies" not in history.columns
    assert list(history["communes sous leur objectif"]) == [len(plan.unserved)]


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
    at = run_app("parametres", coordinator=True)
    next(r for r in at.radio if r.label == "Temps de trajet").set_value("road")
    button(at, "Appliquer").click().run()
    plan_demo(at)
    assert not at.exception
    kinds = [type(child).__name__ for child in at.main.children.values()]
    assert kinds[-2:] == ["Status", "Error"], kinds  # the message is beside the status box, not in it
    (message,) = [e.value for e in at.error]
    assert "réseau routier" in message and "« Paramètres »" in message and "« Temps de trajet »" in message
    assert "--roads" not in message and "planner " not in message
    assert at.session_state["work"].plan is None


def test_loaded_territory_is_planned_in_the_background_and_the_click_gets_that_plan() -> None:
    """Loading a territory starts its plan at once; « Planifier » then shows that very plan (valid)."""
    from app_pages.ui import plan_cache
    from planner.check.validate import validate

    at = run_app("territoire", coordinator=True)
    next(s for s in at.selectbox if s.label == "Territoire intégré").set_value("doctobus-evreux")
    button(at, "Charger ce territoire").click().run()
    evreux = load_territory("doctobus-evreux")
    cache, lock = plan_cache._plan_cache()
    with lock:
        started = [solve for (key, _), solve in cache.items() if key == plan_cache.fingerprint(evreux)]
    assert len(started) == 1, "no plan of the loaded territory under way"
    background = started[0].future.result(timeout=TIMEOUT)
    at.switch_page("app_pages/pages/planifier.py").run()
    button(at, "Planifier").click().run()
    ok(at)
    assert at.session_state["work"].plan is background
    assert validate(evreux, background) == []


def test_a_plan_that_failed_is_not_solved_again_in_the_background_but_a_click_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each rerun of « Planifier » asks for a background start: after a failure it starts nothing
    (it would fail again, for nothing), while the click solves again and shows the failure."""
    import threading

    from app_pages.ui import plan_cache
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


def _pick_session(at: AppTest, key: str, today: date) -> None:
    """Choose the session to move in "Déplacer ou échanger une séance" (and "today"): its options are then listed."""
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(today)
    next(s for s in at.selectbox if s.label == "Séance").set_value(key).run()
    ok(at)


def _place_select(at: AppTest):
    return next(s for s in at.selectbox if s.label.startswith("Nouvelle place"))


def test_move_a_session_pin_and_plan_again() -> None:
    """ "Déplacer ou échanger une séance": once a session is chosen, only the days, units and starts the rules
    accept are offered (never a Sunday, never where it already is); the one picked is made, shows what
    changed and the new plan, is kept with the inputs and re-applied after "Planifier". A pin set in
    the editor is a setting, and the next plan honours it."""
    at = run_app(coordinator=True)
    set_settings(at, weeks=2)
    plan_demo(at)
    work = at.session_state["work"]
    plan, instance = work.plan, work.inputs.instance()
    tour = next(t for t in plan.tours if t.date > plan.start)
    last = tour.sessions[-1]
    _pick_session(at, f"{tour.unit_id}|{tour.date.isoformat()}|{last.insee}", plan.start)
    select = _place_select(at)
    expected = move_options(instance, plan, (tour.unit_id, tour.date, last.insee), today=plan.start, time_limit=1)
    assert expected and select.options == [o.text(instance) for o in expected]
    assert f"({len(expected)} possible(s), selon les règles)" in select.label
    here = f"{date_fr(tour.date)}, {instance.unit(tour.unit_id).name}, {time_fr(last.start)}"
    assert not any("dimanche" in label or label == here for label in (o.text(instance) for o in expected))
    assert at.session_state["work"].plan == plan

    option = expected[0]
    select.set_value(0)
    button(at, "Déplacer").click().run()
    ok(at)
    assert any("Séance déplacée" in s.value for s in at.success)
    assert at.session_state["work"].plan == plan  # offered beside the current plan, not yet accepted
    assert any(h.value == "Plan proposé : séance déplacée" for h in at.subheader)
    grid = next(h.proto.body for h in at.get("html") if "tournee-week" in h.proto.body and "changed" in h.proto.body)
    name = html.escape(instance.commune(last.insee).name)
    assert any(f"{mark} {name}" in grid for mark in ("→", "←", "+", "✕")), grid  # the move, highlighted
    button(at, "Accepter").click().run()
    ok(at)
    work = at.session_state["work"]
    key = f"{option.unit_id}/{option.to_day.isoformat()}"
    moved = next(t for t in work.plan.tours if t.key == key)
    assert any(s.insee == last.insee and s.start == option.start for s in moved.sessions)
    assert len(work.inputs.moves) == 1
    plan_demo(at)
    ok(at)
    again = next(t for t in at.session_state["work"].plan.tours if t.key == key)
    assert any(s.insee == last.insee and s.start == option.start for s in again.sessions)

    insee = plan.tours[0].sessions[0].insee
    next(s for s in at.selectbox if s.label == "Commune" and s.key == "pin-commune").set_value(insee)
    next(s for s in at.selectbox if s.key == "pin-day").set_value(3)
    button(at, "Épingler").click().run()
    ok(at)
    assert at.session_state["work"].inputs.settings.rules["pins"] == [[insee, 3, ""]]
    assert at.session_state["work"].plan is None
    plan_demo(at)
    ok(at)
    pinned = at.session_state["work"].plan
    assert {t.date.weekday() for t, s in pinned.sessions() if s.insee == insee} <= {3}


def _plan(at: AppTest) -> None:
    button(at, "Planifier").click().run()
    ok(at)


def test_a_new_plan_is_compared_accepted_or_discarded_and_undone_across_reloads() -> None:
    """The first plan is taken as it is; after a new setting (séance 150 min), « Planifier » offers the
    new plan beside the last one (key figures with their differences, the week's changed sessions
    highlighted): « Écarter » keeps the working copy, « Accepter » takes it (valid). « Annuler la
    dernière modification » goes back step by step, and the history is there after a reload."""
    inputs = future_inputs()
    at = run_app("publier", coordinator=True)
    at.session_state["work"] = WorkingCopy(inputs)
    at.run()
    at.switch_page("app_pages/pages/planifier.py").run()
    _plan(at)
    first = at.session_state["work"].plan
    assert first is not None and validate(inputs.instance(), first) == []
    assert not [h for h in at.subheader if h.value.startswith("Plan proposé")]  # nothing to compare with

    at.switch_page("app_pages/pages/parametres.py").run()
    next(n for n in at.number_input if n.label == "Durée d'une séance (min)").set_value(150)
    button(at, "Appliquer").click().run()
    at.switch_page("app_pages/pages/planifier.py").run()
    _plan(at)
    assert at.session_state["work"].plan is None  # offered, not taken
    assert any(h.value == "Plan proposé : nouveau plan" for h in at.subheader)
    strip = {m.label: m for m in at.metric}
    assert strip["Séances / semaine"].proto.body and strip["Besoin couvert"].proto.help.startswith("Plan actuel : ")
    grids = [h.proto.body for h in at.get("html") if "tournee-week" in h.proto.body]
    assert any("changed removed" in g or "changed moved_in" in g for g in grids)
    button(at, "Écarter").click().run()
    ok(at)
    assert at.session_state["work"].plan is None and "candidate" not in at.session_state

    _plan(at)
    button(at, "Accepter").click().run()
    ok(at)
    second = at.session_state["work"].plan
    instance = at.session_state["work"].inputs.instance()
    assert instance.rules.session_minutes == 150 and validate(instance, second) == []
    assert {s.end - s.start for _, s in second.sessions()} == {150}

    button(at, "Annuler la dernière modification").click().run()
    ok(at)
    assert any("Modification annulée : « Nouveau plan »" in s.value for s in at.success)
    assert at.session_state["work"].plan is None

    again = log_in("planifier")  # a reload: the working copy and its history come from the workspace
    assert again.session_state["work"].plan is None
    button(again, "Annuler la dernière modification").click().run()
    ok(again)
    work = again.session_state["work"]
    assert work.plan == first and work.inputs == inputs


def test_the_bar_follows_the_solver_even_when_the_plan_is_under_way_in_the_background(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plan started in the background (as reading the page does), then asked for by the click: the
    click's bar shows each step the solver reports, with the seconds elapsed, not a fixed half-way mark."""
    import threading

    from app_pages.ui import plan_cache

    steps = {0.25: threading.Event(), 0.75: threading.Event()}
    made = object()

    def solving(instance, options, progress=None):
        for fraction, seen in steps.items():
            progress(fraction, f"étape {fraction}")
            assert seen.wait(TIMEOUT), "the page never showed this step"
        return made

    shown = []

    def bar(fraction: float, message: str) -> None:
        shown.append((fraction, message))
        if fraction in steps:
            steps[fraction].set()

    monkeypatch.setattr(plan_cache, "solve_plan", solving)
    instance = load_territory("medicobus-dieppe").replace(name="progression-voulue")
    plan_cache.start_in_background(instance, plan_cache.default_options())
    assert plan_cache.compute_plan(instance, plan_cache.default_options(), progress=bar) is made
    fractions = [f for f, _ in shown]
    assert 0.25 in fractions and 0.75 in fractions and fractions == sorted(fractions)
    assert all(message.endswith(" s)") for _, message in shown)
