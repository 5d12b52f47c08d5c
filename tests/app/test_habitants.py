"""The residents' page (public): nothing before a publication, then each commune's next visits with
their hours, cancelled visits with their reason, never a staff name, and calendar subscriptions."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.domain.french import date_fr
from planner.planning.changes import UnitOutOfService
from planner.planning.pipeline import plan as make_plan
from planner.planning.replan import replan
from planner.publish import publication_folder, store_schema
from tests.app.conftest import APP, TIMEOUT, future_inputs, ok, publish, rendered_text, run_app


def test_resident_page_says_when_nothing_is_published() -> None:
    """Before any publication the public page says so, and shows no plan (no demo plan either)."""
    at = run_app()
    ok(at)
    assert any("Aucun planning n'a encore été publié" in i.value for i in at.info)
    assert not any(s.label == "Votre commune" for s in at.selectbox) and not at.table


def test_resident_page_shows_next_visits_and_no_staff_name(published) -> None:
    """For every visited commune of the published plan, the page lists dated visits with hours, and
    no roster name anywhere."""
    inputs, plan, _ = published
    names = [p.name for p in inputs.instance().staff]
    assert names, "the roster is empty: this test would prove nothing"
    at = run_app()
    ok(at)
    assert any("planning publié (version 1)" in c.value for c in at.caption)
    commune_box = next(s for s in at.selectbox if s.label == "Votre commune")
    visited = {s.insee for _, s in plan.sessions()}
    for index, insee in enumerate(commune_box.options):
        next(s for s in at.selectbox if s.label == "Votre commune").select_index(index).run()
        ok(at)
        shown = rendered_text(at)
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
    publish(tmp_path / "workspace", inputs.with_changes([change], today), new)
    at = run_app()
    commune = tour.sessions[0].insee
    box = next(s for s in at.selectbox if s.label == "Votre commune")
    box.select_index(next(i for i, code in enumerate(box.options) if commune in code)).run()
    ok(at)
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
    at = run_app()
    box = next(s for s in at.selectbox if s.label == "Votre commune")
    box.select_index(next(i for i, code in enumerate(box.options) if insee in code)).run()
    ok(at)
    assert f"(webcal://exemple.org/tournee/public/commune-{insee}.ics)" in rendered_text(at)
    token = store.tokens()["staff:d1"]
    mine = AppTest.from_file(APP, default_timeout=TIMEOUT)
    mine.switch_page("app_pages/pages/medecin.py")
    mine.query_params["jeton"] = token
    mine.run()
    ok(mine)
    assert f"(webcal://exemple.org/tournee/prive/{token}/planning.ics)" in rendered_text(mine)


def test_resident_page_reads_the_publication_without_symbolic_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the publication folder module's POSIX switch off (as on Windows: no ``public``/``prive`` links, only
    the pointer file), a commune's visits and its calendar download are still shown: the page finds
    the published files through the pointer (`planner.publish.published_file`)."""
    monkeypatch.setattr(publication_folder, "POSIX", False)
    monkeypatch.setattr(store_schema, "UNIX_MODES", False)
    inputs = future_inputs()
    plan = make_plan(inputs.instance(), inputs.options)
    publish(tmp_path / "workspace", inputs, plan)
    out = tmp_path / "workspace" / inputs.territory / "publication"
    assert not [p for p in out.rglob("*") if p.is_symlink()]
    insee = plan.tours[0].sessions[0].insee
    at = run_app()
    ok(at)
    box = next(s for s in at.selectbox if s.label == "Votre commune")
    box.select_index(next(i for i, code in enumerate(box.options) if insee in code)).run()
    ok(at)
    assert len(at.table[0].value) == sum(1 for _, s in plan.sessions() if s.insee == insee)
    calendar = [b for b in at.get("download_button") if b.proto.label == "Ajouter à mon agenda (.ics)"]
    assert calendar, "no calendar download"
