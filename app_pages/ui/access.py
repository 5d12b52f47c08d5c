"""Who may see what in the app: the coordinator's password, log-in and log-out.

The password comes from the environment (`TOURNEE_PASSWORD`) or from `.streamlit/secrets.toml`; the
comparison is constant-time. Volunteers have no shared password: each opens their own shifts with
their personal link (a secret token, see `app_pages.ui.files.person_of_token`), so that nobody sees a
colleague's. After a page reload the coordinator logs in again and finds the working copy as it
was (`app_pages.ui.session`).
"""

from __future__ import annotations

import hmac
import os

import streamlit as st


def secret(key: str) -> str | None:
    """A value of `.streamlit/secrets.toml`, or None when there is no such file or key."""
    try:
        value = st.secrets.get(key)
    except FileNotFoundError:  # no secrets file, or one that cannot be read (StreamlitSecretNotFoundError)
        return None
    return str(value) if value else None


def configured_password() -> str | None:
    """The coordinator password: env `TOURNEE_PASSWORD`, else `password` in secrets.toml."""
    return os.environ.get("TOURNEE_PASSWORD") or secret("password")


def is_coordinator() -> bool:
    return st.session_state.get("access") == "coordinator"


NO_PASSWORD_MESSAGE = (
    "Aucun mot de passe n'est configuré : cet espace est fermé.\n\n"
    "Pour l'ouvrir, définissez la variable d'environnement `TOURNEE_PASSWORD` avant de lancer "
    "l'application (`TOURNEE_PASSWORD='…' streamlit run app.py`), ou ajoutez la ligne "
    '`password = "…"` dans le fichier `.streamlit/secrets.toml`.'
)


def require_coordinator() -> None:
    """Stop the page here unless this session gave the coordinator password (constant-time check)."""
    if is_coordinator():
        return
    expected = configured_password()
    st.title("Espace coordination")
    if not expected:
        st.error(NO_PASSWORD_MESSAGE)
        st.stop()
    with st.form("login-coordinator"):
        given = st.text_input("Mot de passe", type="password")
        submitted = st.form_submit_button("Entrer")
    if submitted:
        if hmac.compare_digest(given.encode(), expected.encode()):
            st.session_state["access"] = "coordinator"
            st.rerun()
        st.error("Mot de passe incorrect.")
    st.stop()


def logout() -> None:
    """Forget this session's access and working copy (the copy stays saved on the server)."""
    for key in ("access", "work", "work_instance", "replan_result"):
        st.session_state.pop(key, None)
