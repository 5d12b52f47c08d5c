"""Page "Publier": saved versions, and starting again from one of them."""

from __future__ import annotations

from tests.app.conftest import button, ok, plan_demo, run_app, set_settings


def test_start_again_from_a_saved_version() -> None:
    """ "Repartir de la version N" makes the version's inputs and plan the working copy."""
    at = run_app(coordinator=True)
    set_settings(at, weeks=1)
    plan_demo(at)
    at.switch_page("app_pages/pages/publier.py").run()
    button(at, "Enregistrer la version").click().run()
    saved = at.session_state["work"]
    set_settings(at, weeks=3)
    assert at.session_state["work"].plan is None
    at.switch_page("app_pages/pages/publier.py").run()
    button(at, "Repartir de la version 1").click().run()
    ok(at)
    back = at.session_state["work"]
    assert back.inputs == saved.inputs and back.plan == saved.plan and back.origin == "version 1"
