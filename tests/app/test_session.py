"""The coordinator's working copy (`app_pages.ui.session`): kept on the server, it survives a page
reload and a new log-in."""

from __future__ import annotations

from tests.app.conftest import button, log_in, ok, plan_demo, run_app, set_settings


def test_working_copy_survives_a_reload_and_a_new_log_in() -> None:
    """Settings, the plan and a re-plan change being prepared are kept on the server: a new session
    (a page reload) that logs in again finds them all where they were."""
    at = run_app(coordinator=True)
    set_settings(at, weeks=2)
    plan_demo(at)
    at.switch_page("app_pages/pages/replanifier.py").run()
    button(at, "Ajouter ce changement").click().run()
    ok(at)
    plan = at.session_state["work"].plan
    assert plan is not None and len(at.session_state["work"].pending) == 1

    again = log_in("parametres")
    assert next(n for n in again.number_input if n.label == "Nombre de semaines").value == 2
    again.switch_page("app_pages/pages/planifier.py").run()
    ok(again)
    assert "Besoin couvert" in [m.label for m in again.metric]  # the plan shows without clicking
    assert again.session_state["work"].plan == plan
    again.switch_page("app_pages/pages/replanifier.py").run()
    assert any("indisponible du" in m.value for m in again.markdown)
