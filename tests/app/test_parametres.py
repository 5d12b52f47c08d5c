"""Page "Paramètres": settings over the territory's files change the instance the next plan is made
from; a session that would end off the time grid is refused and nothing is saved."""

from __future__ import annotations

from tests.app.conftest import button, ok, run_app, set_settings


def test_settings_change_the_working_territory() -> None:
    """Setting a one-week horizon and applying it changes the instance the next plan is made from."""
    at = run_app(coordinator=True)
    set_settings(at, weeks=1)
    assert any("Réglages enregistrés" in s.value for s in at.success)
    assert at.session_state["work"].inputs.instance().rules.weeks == 1
    assert at.session_state["work"].inputs.settings.rules == {"weeks": 1}


def test_time_grid_and_set_up_are_settings_and_a_session_off_the_grid_is_refused() -> None:
    """The grid of published times and the set-up time are set on Paramètres; a session length that
    would end off the grid is refused in French, and nothing is saved."""
    at = run_app(coordinator=True)
    at.switch_page("app_pages/pages/parametres.py").run()
    next(s for s in at.selectbox if s.label.startswith("Horaires publiés")).set_value(30)
    next(n for n in at.number_input if n.label.startswith("Mise en place")).set_value(30)
    button(at, "Appliquer").click().run()
    ok(at)
    assert at.session_state["work"].inputs.settings.rules == {"time_step": 30, "setup_minutes": 30}
    next(s for s in at.selectbox if s.label.startswith("Horaires publiés")).set_value(60)
    next(n for n in at.number_input if n.label == "Durée d'une séance (min)").set_value(150)
    button(at, "Appliquer").click().run()
    assert any("ne finit pas sur la grille de 60 min" in e.value for e in at.error)
    assert at.session_state["work"].inputs.settings.rules == {"time_step": 30, "setup_minutes": 30}
