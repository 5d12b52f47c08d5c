"""Page "Re-planifier": a change applied to the published version or to the plan on screen, its
differences shown, accepted into the working copy's inputs for good."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import button, log_in, ok, plan_demo, published_demo, run_app, set_settings


def test_replan_from_the_published_version_uses_its_own_inputs(tmp_path: Path) -> None:
    """A plan of 2 weeks (not the scenario's 4) is published; another coordinator session, whose working
    copy is the plain demo again, re-plans from "Version publiée": the version's own horizon is used
    and the re-plan succeeds."""
    published_demo(weeks=2)
    (tmp_path / "workspace" / ".coordination" / "copie-de-travail.json").unlink()

    other = log_in("replanifier")
    assert other.session_state["work"].inputs.instance().rules.weeks == 4  # a fresh working copy
    assert next(r for r in other.radio if r.label == "Partir de").value == "Version publiée (1)"
    button(other, "Ajouter ce changement").click().run()
    button(other, "Re-planifier").click().run()
    ok(other)
    assert [m.label for m in other.metric][:2] == ["Tournées supprimées", "Séances supprimées"]
    button(other, "Accepter ce nouveau plan").click().run()
    ok(other)
    accepted = other.session_state["work"]
    assert accepted.inputs.instance().rules.weeks == 2 and len(accepted.inputs.changes) == 1


def test_accepted_unit_out_of_service_never_comes_back() -> None:
    """The unit out of service on a day, re-planned and accepted: planning again never puts that day's
    tours back (the change is part of the working copy's inputs)."""
    at = run_app(coordinator=True)
    set_settings(at, weeks=2)
    plan_demo(at)
    plan = at.session_state["work"].plan
    day = plan.tours[1].date
    at.switch_page("app_pages/pages/replanifier.py").run()
    next(s for s in at.selectbox if s.label == "Type de changement").set_value("unit").run()
    next(d for d in at.date_input if d.label == "Période (du … au …)").set_value((day, day))
    button(at, "Ajouter ce changement").click().run()
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(plan.start)
    button(at, "Re-planifier").click().run()
    button(at, "Accepter ce nouveau plan").click().run()
    ok(at)
    assert not [t for t in at.session_state["work"].plan.tours if t.date == day]
    plan_demo(at)
    ok(at)
    again = at.session_state["work"].plan
    assert again.tours and not [t for t in again.tours if t.date == day]


def test_publish_then_replan_then_accept() -> None:
    """The coordinator publishes the demo, marks a doctor unavailable, sees the diff and accepts it;
    the residents' page shows the published version."""
    at = published_demo(weeks=2)
    at.switch_page("app_pages/pages/replanifier.py").run()
    ok(at)
    button(at, "Ajouter ce changement").click().run()
    button(at, "Re-planifier").click().run()
    ok(at)
    assert [m.label for m in at.metric] == [
        "Tournées supprimées",
        "Séances supprimées",
        "Gardes réaffectées",
        "Gardes annulées",
    ]
    button(at, "Accepter ce nouveau plan").click().run()
    ok(at)
    assert any("Nouveau plan accepté" in s.value for s in at.success)

    at.switch_page("app_pages/pages/habitants.py").run()
    assert any("planning publié (version 1)" in c.value for c in at.caption)
