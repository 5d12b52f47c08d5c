"""The coordination pages' password: refused when wrong, closed when none is set, and every
coordination page opens once given; several accounts, each with its own password; a growing wait
after wrong passwords (per session and overall), and no password kept in the session."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.ui import access, login
from planner.publish.accounts import AccountStore
from tests.app.conftest import PASSWORD, button, ok, run_app, text_input


def test_coordination_refuses_a_wrong_password() -> None:
    """A wrong password gets a French refusal and the page stays closed."""
    at = run_app("planifier")
    text_input(at, "Mot de passe").input("pas-le-bon")
    button(at, "Entrer").click().run()
    assert [e.value for e in at.error] == ["Mot de passe incorrect."]
    assert not [b for b in at.button if b.label == "Planifier"]


def test_coordination_opens_with_the_right_password() -> None:
    at = run_app("planifier")
    text_input(at, "Mot de passe").input(PASSWORD)
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


def attempt(at: AppTest, password: str, account: str = "") -> AppTest:
    text_input(at, "Compte").input(account)
    text_input(at, "Mot de passe").input(password)
    return button(at, "Entrer").click().run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_wrong_passwords_bring_a_growing_wait(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After 5 wrong passwords the next attempt waits 30 s (said in French, the server never sleeps):
    the 6th attempt is refused unchecked, even the right password; once the wait is over the right
    password opens the page. Each failure and refusal is logged."""
    now = [1_000_000.0]
    monkeypatch.setattr(login, "clock", lambda: now[0])
    caplog.set_level(logging.INFO, logger="tournee.app")
    at = run_app("planifier")
    for number in range(1, 6):
        now[0] += 1
        attempt(at, f"mauvais-{number}")
        assert errors(at)[0].startswith("Mot de passe incorrect.")
    assert "attendez 30 s" in errors(at)[0]
    now[0] += 1
    attempt(at, "mauvais-6")
    assert errors(at) == ["Trop d'essais manqués : attendez 29 s avant de réessayer."]
    now[0] += 10
    attempt(at, PASSWORD)  # the right one, during the wait: refused, unchecked
    assert errors(at) == ["Trop d'essais manqués : attendez 19 s avant de réessayer."]
    assert not [b for b in at.button if b.label == "Planifier"]
    now[0] += 20
    attempt(at, PASSWORD)
    ok(at)
    assert button(at, "Planifier")
    logged = [r.getMessage() for r in caplog.records if r.name == "tournee.app"]
    assert sum("wrong coordinator password" in m for m in logged) == 5
    assert sum("refused unchecked" in m for m in logged) == 2
    assert any("'coordination' logged in" in m for m in logged)
    assert not [m for m in logged if PASSWORD in m or "mauvais" in m]


def test_the_wait_doubles_with_each_further_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [2_000_000.0]
    monkeypatch.setattr(login, "clock", lambda: now[0])
    at = run_app("planifier")
    for number in range(5):
        attempt(at, f"mauvais-{number}")
    now[0] += 31
    attempt(at, "mauvais-5")
    assert "attendez 1 min" in errors(at)[0]


def test_failures_from_every_session_count_together(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Failures of other sessions (the workspace's attempts file) make a new session wait too."""
    now = [3_000_000.0]
    monkeypatch.setattr(login, "clock", lambda: now[0])
    for _ in range(login.OVERALL_THRESHOLD // login.SESSION_THRESHOLD):
        other = run_app("planifier")  # a new session each time, as a client dropping its cookie would
        for number in range(login.SESSION_THRESHOLD):
            attempt(other, f"mauvais-{number}")
    attempts_file = tmp_path / "workspace" / login.ATTEMPTS_FILE
    assert attempts_file.stat().st_mode & 0o777 == 0o600
    assert "mauvais" not in attempts_file.read_text()
    fresh = run_app("planifier")
    attempt(fresh, PASSWORD)
    assert errors(fresh)[0].startswith("Trop d'essais manqués : attendez")
    now[0] += login.MAX_WAIT_SECONDS + 1
    attempt(fresh, PASSWORD)
    ok(fresh)


def test_the_session_keeps_no_password() -> None:
    """Once logged in, neither the session state nor any widget holds the password: only a signed
    marker, which opens nothing once altered."""
    at = run_app("planifier")
    attempt(at, PASSWORD)
    ok(at)
    state = at.session_state.to_dict()  # what the app keeps: the password box is emptied by the log-in
    assert PASSWORD not in str(state) and state[login.PASSWORD_KEY] == ""
    at.run()  # the next run: not even Streamlit's copy of the request's widget values holds it
    assert PASSWORD not in repr(at.session_state._state._state)
    marker = state[access.MARKER_KEY]
    assert marker.startswith("coordination|")
    name, until, signature = marker.split("|")
    at.session_state[access.MARKER_KEY] = f"chef|{until}|{signature}"
    at.run()
    assert text_input(at, "Mot de passe") and not [b for b in at.button if b.label == "Planifier"]
    at.session_state[access.MARKER_KEY] = f"{name}|{int(until) - access.SESSION_SECONDS - 10}|{signature}"
    at.run()
    assert text_input(at, "Mot de passe")


def test_each_account_logs_in_with_its_own_password(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Accounts made with the store of `planner comptes` each open with their own password, never with
    another's; the page says who is logged in; TOURNEE_PASSWORD still opens "coordination"."""
    accounts = AccountStore(tmp_path / "workspace")
    accounts.set_password("claire", "mot-de-passe-claire")
    accounts.set_password("paul", "mot-de-passe-paul")
    assert (tmp_path / "workspace" / "comptes.json").stat().st_mode & 0o777 == 0o600
    at = run_app("planifier")
    attempt(at, "mot-de-passe-claire", "paul")
    assert errors(at) == ["Mot de passe incorrect."]
    attempt(at, "mot-de-passe-paul", "paul")
    ok(at)
    assert any(c.value == "Connecté : paul" for c in at.sidebar.caption)
    other = run_app("planifier")
    attempt(other, "mot-de-passe-claire", "claire")
    ok(other)
    assert any(c.value == "Connecté : claire" for c in other.sidebar.caption)
    default = run_app("planifier")
    attempt(default, PASSWORD)
    ok(default)
    monkeypatch.delenv("TOURNEE_PASSWORD")  # accounts alone keep the space open
    alone = run_app("planifier")
    attempt(alone, "mot-de-passe-claire", "claire")
    ok(alone)


def test_a_log_in_survives_the_app_modules_being_reloaded(tmp_path) -> None:
    """Streamlit reloads the app's modules when a source file changes: the signing key is the
    workspace's (a 0600 file), not the module's, so that nobody is logged out by it."""
    import importlib

    signed = access.marker("claire")
    importlib.reload(access)
    payload, signature = signed.rsplit("|", 1)
    assert access._signature(payload) == signature
    assert (tmp_path / "workspace" / access.KEY_FILE).stat().st_mode & 0o777 == 0o600
