"""Page "Re-planifier": a change applied to the published version or to the plan on screen, its
differences shown, accepted into the working copy's inputs for good."""

from __future__ import annotations

from pathlib import Path

from app_pages.ui.session import WorkingCopy
from planner import validate
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
    assert [m.label for m in at.metric][:4] == [
        "Tournées supprimées",
        "Séances supprimées",
        "Gardes réaffectées",
        "Gardes annulées",
    ]
    assert "Besoin couvert" in [m.label for m in at.metric]  # the new plan beside the current one
    button(at, "Accepter ce nouveau plan").click().run()
    ok(at)
    assert any("Nouveau plan accepté" in s.value for s in at.success)

    at.switch_page("app_pages/pages/habitants.py").run()
    assert any("planning publié (version 1)" in c.value for c in at.caption)


def _replan(at, *, today) -> None:
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(today)
    button(at, "Re-planifier").click().run()
    ok(at)
    button(at, "Accepter ce nouveau plan").click().run()
    ok(at)


def test_replan_of_an_older_version_carries_over_what_newer_versions_accepted(published) -> None:
    """Version 1 published; re-planned with a commune closed on a day, accepted and published as version 2.
    Re-planning version 1 again carries that closure over: the page lists it, and the plan accepted keeps
    it (no visit there that day) and passes the validator."""
    inputs, plan, store = published
    closed = plan.tours[0].sessions[0]
    day = plan.tours[0].date
    at = run_app("publier", coordinator=True)
    at.session_state["work"] = WorkingCopy(inputs)  # the coordinator works on the published territory
    at.run()
    at.switch_page("app_pages/pages/replanifier.py").run()
    assert next(r for r in at.radio if r.label == "Partir de").value == "Version publiée (1)"
    next(s for s in at.selectbox if s.label == "Type de changement").set_value("commune").run()
    next(s for s in at.selectbox if s.label == "Commune").set_value(closed.insee)
    next(d for d in at.date_input if d.label == "Période (du … au …)").set_value((day, day))
    button(at, "Ajouter ce changement").click().run()
    _replan(at, today=plan.start)
    at.switch_page("app_pages/pages/publier.py").run()
    button(at, "Enregistrer et publier").click().run()
    ok(at)
    assert store.published_version() == 2

    at.switch_page("app_pages/pages/replanifier.py").run()
    next(r for r in at.radio if r.label == "Partir de").set_value("Une autre version enregistrée").run()
    next(s for s in at.selectbox if s.label == "Version enregistrée").set_value(1).run()
    ok(at)
    name = inputs.instance().commune(closed.insee).name
    assert any("version 2" in i.value and name in i.value for i in at.info)
    button(at, "Ajouter ce changement").click().run()  # someone unavailable on the first day
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(plan.start)
    button(at, "Re-planifier").click().run()
    ok(at)
    assert any(i.value.startswith("Changements repris de la version 2 :") and name in i.value for i in at.info)
    button(at, "Accepter ce nouveau plan").click().run()
    ok(at)
    accepted = at.session_state["work"]
    instance = accepted.inputs.instance()
    assert len(accepted.inputs.changes) == 2
    assert not [s for t in accepted.plan.tours if t.date == day for s in t.sessions if s.insee == closed.insee]
    assert validate(instance, accepted.plan) == []


def test_a_refused_carry_over_is_shown_as_its_message(published, monkeypatch) -> None:
    """When what a newer version accepted cannot be carried over (`CarryOverRefused`), the page shows
    its French message as an error, and no plan to accept."""
    import planner
    from planner.planning import CarryOverRefused

    message = "Refusé : la version 2 (plus récente que la version 1) a accepté des changements à reprendre"

    def refuse(*args, **kwargs):
        raise CarryOverRefused((2,), message)

    inputs, _, _ = published
    monkeypatch.setattr(planner, "replan", refuse)
    at = run_app("publier", coordinator=True)
    at.session_state["work"] = WorkingCopy(inputs)
    at.run()
    at.switch_page("app_pages/pages/replanifier.py").run()
    button(at, "Ajouter ce changement").click().run()
    button(at, "Re-planifier").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert not [b for b in at.button if b.label == "Accepter ce nouveau plan"]


def test_replan_lists_who_to_tell_with_a_message_and_a_mailto_link_each(published) -> None:
    """A doctor of the published tiny plan unavailable on their first day: after « Re-planifier »,
    « À prévenir » lists that doctor (a copyable message greeting them, a mailto link each) and any
    commune whose visits changed, its town hall's message naming no one of the staff; accepting keeps it."""
    from planner import notices

    inputs, plan, _ = published
    instance = inputs.instance()
    shift = min((s for s in plan.shifts if s.role.value == "doctor"), key=lambda s: (s.date, s.staff_id))
    at = run_app("publier", coordinator=True)
    at.session_state["work"] = WorkingCopy(inputs)
    at.run()
    at.switch_page("app_pages/pages/replanifier.py").run()
    next(s for s in at.selectbox if s.label == "Personne").set_value(shift.staff_id)
    next(d for d in at.date_input if d.label == "Période (du … au …)").set_value((shift.date, shift.date))
    button(at, "Ajouter ce changement").click().run()
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(plan.start)
    button(at, "Re-planifier").click().run()
    ok(at)
    result = at.session_state["replan_result"][1]
    told = notices(instance, plan, result.plan)
    assert any(h.value == "À prévenir" for h in at.subheader)
    assert any(c.value.startswith(told.headline) for c in at.caption)
    name = instance.person(shift.staff_id).name
    codes = [c.value for c in at.code]
    assert codes == [n.body for n in (*told.people, *told.communes)]
    assert any(code.startswith(f"Bonjour {name},") for code in codes)
    links = [m.value for m in at.markdown if "mailto:" in m.value]
    assert links == [f"[Écrire ce message dans la messagerie]({n.mailto})" for n in (*told.people, *told.communes)]
    staff_names = [p.name for p in instance.staff]
    assert not [n for notice in told.communes for n in staff_names if n in notice.body]
    told_names = [n.name for n in (*told.people, *told.communes)]
    assert [e.label for e in at.expander if e.label in told_names] == told_names
    button(at, "Accepter ce nouveau plan").click().run()
    ok(at)
    assert any(c.startswith(f"Bonjour {name},") for c in (c.value for c in at.code))


def _unpublished_settings_then_replan(published, *, keep: bool):
    """The tiny territory published; the working copy sets a séance of 150 min, not published, then
    re-plans the published version (someone unavailable on the first day), keeping those settings or not."""
    inputs, plan, _ = published
    at = run_app("publier", coordinator=True)
    at.session_state["work"] = WorkingCopy(inputs)
    at.run()
    at.switch_page("app_pages/pages/parametres.py").run()
    next(n for n in at.number_input if n.label == "Durée d'une séance (min)").set_value(150)
    button(at, "Appliquer").click().run()
    ok(at)
    assert at.session_state["work"].inputs.instance().rules.session_minutes == 150
    at.switch_page("app_pages/pages/replanifier.py").run()
    assert next(r for r in at.radio if r.label == "Partir de").value == "Version publiée (1)"
    button(at, "Ajouter ce changement").click().run()
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(plan.start)
    button(at, "Re-planifier").click().run()
    ok(at)
    assert any("séance de 150 min" in w.value for w in at.warning)  # said, before accepting
    next(r for r in at.radio if r.label == "Ce qui n'est pas publié").set_value(keep)
    button(at, "Accepter ce nouveau plan").click().run()
    ok(at)
    return at


def test_accepting_a_replan_of_the_published_version_keeps_the_unpublished_settings(published) -> None:
    """The coordinator changes a setting (séance 180 → 150 min) and does not publish it, then re-plans
    the published version: accepting the re-plan keeps the 150 min (unless asked otherwise), and the
    next plan follows them; undoing comes back to the re-planned plan with the published settings."""
    at = _unpublished_settings_then_replan(published, keep=True)
    kept = at.session_state["work"].inputs
    assert kept.instance().rules.session_minutes == 150
    assert len(kept.changes) == 1
    assert at.session_state["work"].plan is None
    replanned = at.session_state["work"].history.last.plan

    at.switch_page("app_pages/pages/planifier.py").run()
    button(at, "Planifier").click().run()
    ok(at)
    assert any(h.value.startswith("Plan proposé") for h in at.subheader)  # beside the re-planned plan
    button(at, "Accepter").click().run()
    ok(at)
    work = at.session_state["work"]
    assert {s.end - s.start for _, s in work.plan.sessions()} == {150}
    assert validate(work.inputs.instance(), work.plan) == []

    button(at, "Annuler la dernière modification").click().run()  # the new plan
    button(at, "Annuler la dernière modification").click().run()  # the settings put back
    ok(at)
    work = at.session_state["work"]
    assert work.plan == replanned and work.inputs.instance().rules.session_minutes == 180
    assert validate(work.inputs.instance(), work.plan) == []


def test_the_coordinator_may_drop_the_unpublished_settings_when_accepting_a_replan(published) -> None:
    """Asked, the coordinator chooses the published version's settings: the re-planned plan is taken with
    them (séance 180 min, valid), and undoing gives back the 150 min."""
    at = _unpublished_settings_then_replan(published, keep=False)
    work = at.session_state["work"]
    instance = work.inputs.instance()
    assert instance.rules.session_minutes == 180 and len(work.inputs.changes) == 1
    assert work.plan is not None and validate(instance, work.plan) == []
    button(at, "Annuler la dernière modification").click().run()
    ok(at)
    assert at.session_state["work"].inputs.instance().rules.session_minutes == 150
