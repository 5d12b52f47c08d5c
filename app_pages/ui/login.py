"""The coordinator's log-in: an account's name and password, and a growing wait after wrong ones.

Accounts: "coordination", whose password is `TOURNEE_PASSWORD` (or ``password`` in secrets.toml),
and those of ``comptes.json`` in the workspace (`planner comptes ajouter NOM`, Argon2 hashes,
`planner.publish.AccountStore`). After `SESSION_THRESHOLD` wrong passwords in this browser session,
or `OVERALL_THRESHOLD` from anyone (the attempts file ``connexions.json`` of the workspace, with the
time of each failure of the last hour), the next attempt must wait: `BASE_WAIT_SECONDS`, doubled at
each further failure, up to `MAX_WAIT_SECONDS`. The wait is a period during which attempts are
refused unchecked, shown in French — the server never sleeps. Every failure, refusal and success is
logged (logger ``tournee.app``); the session keeps only the signed marker of `app_pages.ui.access`.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

import streamlit as st
from filelock import FileLock

from app_pages.ui import access
from app_pages.ui.files import workspace_root
from planner.publish import DEFAULT_ACCOUNT, AccountStore

log = logging.getLogger("tournee.app")

ATTEMPTS_FILE = "connexions.json"
FAILURES_KEY = "login_failures"  # this session's failure times (never what was typed)
SESSION_THRESHOLD = 5
OVERALL_THRESHOLD = 10
WINDOW_SECONDS = 3600
BASE_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 15 * 60

#: The clock of the waits (tests replace it).
clock: Callable[[], float] = time.time


def wait_end(failures: list[float], threshold: int) -> float:
    """When the next attempt may be made after ``failures`` (times, oldest first): 0 below ``threshold``."""
    if len(failures) < threshold:
        return 0.0
    return failures[-1] + min(BASE_WAIT_SECONDS * 2 ** (len(failures) - threshold), MAX_WAIT_SECONDS)


def _recent(times: list[float], now: float) -> list[float]:
    return sorted(t for t in times if isinstance(t, int | float) and now - WINDOW_SECONDS < t <= now)


@contextmanager
def _attempts_file() -> Iterator[IO[str]]:
    """The workspace's attempts file, opened and locked (one writer at a time, `filelock` as the
    publication lock: Linux, macOS and Windows)."""
    path = workspace_root() / ATTEMPTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path.with_name(f".{ATTEMPTS_FILE}.lock"), timeout=10), path.open("a+", encoding="utf-8") as f:
        path.chmod(0o600)
        yield f


def _read_failures(f: IO[str]) -> list[float]:
    f.seek(0)
    try:
        data = json.loads(f.read() or "{}")
    except ValueError:
        return []
    failures = data.get("echecs", []) if isinstance(data, dict) else []
    return list(failures) if isinstance(failures, list) else []


def overall_failures(now: float) -> list[float]:
    with _attempts_file() as f:
        return _recent(_read_failures(f), now)


def _record_overall_failure(now: float) -> int:
    with _attempts_file() as f:
        failures = [*_recent(_read_failures(f), now), now]
        f.seek(0)
        f.truncate()
        json.dump({"echecs": failures}, f)
        f.flush()
    return len(failures)


def duration_fr(seconds: float) -> str:
    """``95`` → "1 min 35 s"."""
    whole = max(1, math.ceil(seconds))
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def waiting_seconds(now: float) -> float:
    """How long this session must still wait before its next attempt (0: it may try now)."""
    mine = _recent(st.session_state.get(FAILURES_KEY, []), now)
    end = max(wait_end(mine, SESSION_THRESHOLD), wait_end(overall_failures(now), OVERALL_THRESHOLD))
    return max(0.0, end - now)


def password_is_right(name: str, password: str) -> bool:
    """``password`` opens account ``name`` (the configured password for "coordination", else comptes.json)."""
    expected = access.configured_password()
    if name == DEFAULT_ACCOUNT and expected:
        return hmac.compare_digest(password.encode(), expected.encode())
    return AccountStore(workspace_root()).verify(name, password)


def attempt(name: str, password: str) -> str | None:
    """Check one log-in; None when it succeeded (the session is then logged in), else the French refusal."""
    now = clock()
    wait = waiting_seconds(now)
    if wait > 0:
        log.warning("coordinator log-in attempt for %r refused unchecked: %.0f s of waiting left", name, wait)
        return f"Trop d'essais manqués : attendez {duration_fr(wait)} avant de réessayer."
    if password_is_right(name, password):
        st.session_state.pop(FAILURES_KEY, None)
        access.log_in_as(name)
        log.info("coordinator %r logged in", name)
        return None
    mine = [*_recent(st.session_state.get(FAILURES_KEY, []), now), now]
    st.session_state[FAILURES_KEY] = mine
    overall = _record_overall_failure(now)
    log.warning(
        "wrong coordinator password for %r (%d in this session, %d overall in the last hour)", name, len(mine), overall
    )
    wait = waiting_seconds(now)
    if wait > 0:
        return f"Mot de passe incorrect. Trop d'essais manqués : attendez {duration_fr(wait)} avant de réessayer."
    return "Mot de passe incorrect."


NO_PASSWORD_MESSAGE = (
    "Aucun mot de passe n'est configuré : cet espace est fermé.\n\n"
    "Pour l'ouvrir, définissez la variable d'environnement `TOURNEE_PASSWORD` avant de lancer "
    "l'application (`TOURNEE_PASSWORD='…' streamlit run app.py`), ou ajoutez la ligne "
    '`password = "…"` dans le fichier `.streamlit/secrets.toml` ; ou créez un compte par personne '
    "avec `planner comptes ajouter NOM`."
)


ACCOUNT_KEY = "login-account"
PASSWORD_KEY = "login-password"
REFUSAL_KEY = "login-refusal"


def _on_submit() -> None:
    """The log-in form's callback (before the page runs again): check the attempt, then empty the
    password box, so that what was typed stays in no widget nor session value."""
    name = str(st.session_state.get(ACCOUNT_KEY) or "").strip() or DEFAULT_ACCOUNT
    given = str(st.session_state.get(PASSWORD_KEY) or "")
    st.session_state[PASSWORD_KEY] = ""
    refusal = attempt(name, given)
    if refusal is not None:
        st.session_state[REFUSAL_KEY] = refusal


def require_coordinator() -> None:
    """Stop the page here unless this session is logged in as a coordinator."""
    if access.is_coordinator():
        return
    st.title("Espace coordination")
    if not access.configured_password() and not AccountStore(workspace_root()).names():
        st.error(NO_PASSWORD_MESSAGE)
        st.stop()
    with st.form("login-coordinator"):
        st.text_input("Compte", placeholder=DEFAULT_ACCOUNT, help=f"vide : « {DEFAULT_ACCOUNT} »", key=ACCOUNT_KEY)
        st.text_input("Mot de passe", type="password", key=PASSWORD_KEY)
        st.form_submit_button("Entrer", on_click=_on_submit)
    refusal = st.session_state.pop(REFUSAL_KEY, None)
    if refusal:
        st.error(refusal)
    st.stop()
