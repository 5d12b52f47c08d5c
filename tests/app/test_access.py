"""The coordination pages' password: refused when wrong, closed when none is set, and every
coordination page opens once given."""

from __future__ import annotations

import pytest

from tests.app.conftest import PASSWORD, button, ok, run_app


def test_coordination_refuses_a_wrong_password() -> None:
    """A wrong password gets a French refusal and the page stays closed."""
    at = run_app("planifier")
    at.text_input[0].input("pas-le-bon")
    button(at, "Entrer").click().run()
    assert [e.value for e in at.error] == ["Mot de passe incorrect."]
    assert not [b for b in at.button if b.label == "Planifier"]


def test_coordination_opens_with_the_right_password() -> None:
    at = run_app("planifier")
    at.text_input[0].input(PASSWORD)
    button(at, "Entrer").click().run()
    ok(at)
    assert button(at, "Planifier")


def test_coordination_is_closed_when_no_password_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a configured password, the page explains how to set one."""
    monkeypatch.delenv("TOURNEE_PASSWORD")
    at = run_app("planifier")
    assert not at.exception
    assert len(at.error) == 1 and "TOURNEE_PASSWORD" in at.error[0].value
    assert not at.text_input


@pytest.mark.parametrize("page", ["territoire", "parametres", "planifier", "replanifier", "publier", "etude"])
def test_coordination_page_smoke(page: str) -> None:
    at = run_app(page, coordinator=True)
    ok(at)
