"""Who may see what in the app: the coordinator's and the staff's passwords, log-in and log-out.

Passwords come from the environment (`TOURNEE_PASSWORD`, `TOURNEE_STAFF_PASSWORD`) or from
`.streamlit/secrets.toml`; comparisons are constant-time.
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


def staff_password() -> str | None:
    """The staff password (env `TOURNEE_STAFF_PASSWORD` or `staff_password`); optional."""
    return os.environ.get("TOURNEE_STAFF_PASSWORD") or secret("staff_password")


def is_coordinator() -> bool:
    return st.session_state.get("access") == "coordinator"


def has_staff_access() -> bool:
    return st.session_state.get("access") in ("coordinator", "staff")


NO_PASSWORD_MESSAGE = (
    "Aucun mot de passe n'est configuré : cet espace est fermé.\n\n"
    "Pour l'ouvrir, définissez la variable d'environnement `TOURNEE_PASSWORD` avant de lancer "
    "l'application (`TOURNEE_PASSWORD='…' streamlit run app.py`), ou ajoutez la ligne "
    "`password = \"…\"` dans le fichier `.streamlit/secrets.toml`. Un mot de passe distinct pour "
    "les équipes peut être donné par `TOURNEE_STAFF_PASSWORD` (ou `staff_password`)."
)


def require_access(level: str) -> None:
    """Stop the page here unless this session gave a password good for ``level``.

    ``level`` is ``"coordinator"`` (the coordinator password) or ``"staff"`` (the staff password or
    the coordinator's). The comparison is constant-time.
    """
    if is_coordinator() or (level == "staff" and has_staff_access()):
        return
    accepted = {"coordinator": configured_password()}
    if level == "staff":
        accepted["staff"] = staff_password()
    accepted = {k: v for k, v in accepted.items() if v}
    st.title("Espace coordination" if level == "coordinator" else "Espace des équipes")
    if not accepted:
        st.error(NO_PASSWORD_MESSAGE)
        st.stop()
    with st.form(f"login-{level}"):
        given = st.text_input("Mot de passe", type="password")
        submitted = st.form_submit_button("Entrer")
    if submitted:
        for granted, expected in accepted.items():
            if hmac.compare_digest(given.encode(), expected.encode()):
                st.session_state["access"] = granted
                st.rerun()
        st.error("Mot de passe incorrect.")
    st.stop()


def logout() -> None:
    st.session_state.pop("access", None)
