"""The Streamlit app, driven headless with `streamlit.testing.v1.AppTest`: one smoke test per page and
the flows that matter (plan the demo, resident page without staff names, passwords)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from planner.inputs import load_territory

APP = str(Path(__file__).resolve().parents[1] / "app.py")
DEMO = "medicobus-dieppe"
PASSWORD = "mot-de-passe-de-test"
TIMEOUT = 90  # seconds per run: the first demo plan is computed inside one


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A known password and a private workspace, so that tests never write into the repository."""
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


# --- Public page ----------------------------------------------------------------------------


def test_resident_page_smoke() -> None:
    """The default page opens on the commune search, without error."""
    at = _app()
    _ok(at)
    assert any(s.label == "Votre commune" for s in at.selectbox)


def test_resident_page_shows_next_visits_and_no_staff_name() -> None:
    """For every visited commune, the page lists dated visits with hours, and no roster name anywhere."""
    names = [p.name for p in load_territory(DEMO).staff]
    assert names, "the demo roster is empty: this test would prove nothing"
    at = _app()
    commune_box = next(s for s in at.selectbox if s.label == "Votre commune")
    for index in range(len(commune_box.options)):
        next(s for s in at.selectbox if s.label == "Votre commune").select_index(index).run()
        _ok(at)
        shown = _rendered_text(at)
        leaked = [n for n in names if n in shown]
        assert not leaked, f"staff names on the public page: {leaked}"
        visits = at.table[0].value
        assert list(visits.columns) == ["Date", "Heure", "Lieu", "Unité"]
        assert visits["Heure"].str.match(r"\d{2}:\d{2} – \d{2}:\d{2}").all()


# --- Passwords ------------------------------------------------------------------------------


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


def test_staff_page_needs_a_password() -> None:
    at = _app("medecin")
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Mot de passe"]
    assert not any(s.label == "Votre nom" for s in at.selectbox)


# --- Coordination pages ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["territoire", "parametres", "planifier", "replanifier", "publier"])
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
    rota, unit_week = at.dataframe[-5].value, at.dataframe[-4].value
    assert "personne" in rota.columns and len(rota) == len(load_territory(DEMO).staff)
    assert list(unit_week.columns) == ["jour", "séance 1", "séance 2"]
    assert at.get("vega_lite_chart"), "no timetable chart"
    assert at.get("component_instance"), "no map"
    assert any("Plan prêt" in text_format.MessageToString(s.proto, as_utf8=True) for s in at.get("status"))


def test_settings_change_the_working_territory() -> None:
    """Setting a one-week horizon and applying it changes the instance the next plan is made from."""
    at = _app("parametres", coordinator=True)
    next(n for n in at.number_input if n.label == "Nombre de semaines").set_value(1)
    _button(at, "Appliquer").click().run()
    _ok(at)
    assert any("Réglages enregistrés" in s.value for s in at.success)
    assert at.session_state["instance"].rules.weeks == 1


def test_staff_page_lists_the_shifts_of_the_chosen_person() -> None:
    at = _app("medecin", coordinator=True)
    _ok(at)
    plan_shifts = None
    box = next(s for s in at.selectbox if s.label == "Votre nom")
    for index in range(len(box.options)):
        next(s for s in at.selectbox if s.label == "Votre nom").select_index(index).run()
        _ok(at)
        if at.dataframe:
            plan_shifts = at.dataframe[0].value
            break
    assert plan_shifts is not None and len(plan_shifts) > 0
    assert {"Date", "Horaire", "Unité", "Rôle", "Communes"} == set(plan_shifts.columns)


def test_territory_problems_are_shown_beside_the_rows_at_fault() -> None:
    """A bad cell is reported in the problem column of its own row, and the territory is not used."""
    from app_pages import territory_files, views

    sources = territory_files.builtin_sources(DEMO)
    communes = sources.communes.copy()
    communes.loc[1, "population"] = "beaucoup"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["access"] = "coordinator"
    at.session_state["sources"] = sources.edited(communes, sources.roster, sources.scenario)
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


def test_publish_then_replan_then_accept() -> None:
    """The coordinator publishes the demo, marks a doctor unavailable, sees the diff and accepts it."""
    at = _plan_demo(_app(coordinator=True))
    at.switch_page("app_pages/publier.py").run()
    _button(at, "Enregistrer et publier").click().run()
    _ok(at)
    assert any("Version 1 publiée" in s.value for s in at.success)

    at.switch_page("app_pages/replanifier.py").run()
    _ok(at)
    _button(at, "Ajouter ce changement").click().run()
    _button(at, "Re-planifier").click().run()
    _ok(at)
    assert [m.label for m in at.metric] == ["Tournées supprimées", "Séances supprimées", "Gardes réaffectées", "Gardes annulées"]
    _button(at, "Accepter ce nouveau plan").click().run()
    _ok(at)
    assert any("Nouveau plan accepté" in s.value for s in at.success)

    at.switch_page("app_pages/habitants.py").run()
    assert any("Planning publié (version 1)" in c.value for c in at.caption)


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

