"""Who may see what in the app: the coordinator's signed log-in marker, and log-out.

A coordinator logs in with an account's password (`app_pages.ui.login`); the session then keeps only
an opaque marker, "logged in as NAME until T" signed with the workspace's key (HMAC-SHA256, the key in
``.cle-connexion``, 0600), never the password. A marker that was altered or past its time opens nothing.
Volunteers have no shared password: each opens their own shifts with their personal link (a secret
token, see `app_pages.ui.files.person_of_token`), so that nobody sees a colleague's. After a page
reload the coordinator logs in again and finds the working copy as it was (`app_pages.ui.session`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import time
from pathlib import Path

import streamlit as st

log = logging.getLogger("tournee.app")

#: Session-state key of the log-in marker.
MARKER_KEY = "access"
#: How long a log-in lasts.
SESSION_SECONDS = 12 * 3600
#: File of the signing key in the workspace (made on first use, mode 0600; delete it to end every log-in).
KEY_FILE = ".cle-connexion"


def workspace_root() -> Path:
    """Folder of every territory's workspace (env `TOURNEE_WORKSPACE`, default ``out/app``)."""
    return Path(os.environ.get("TOURNEE_WORKSPACE", "out/app"))


def _key() -> bytes:
    """The key markers are signed with: a file of the workspace rather than a value of this module,
    so that Streamlit reloading the app's modules (a source file changed) logs nobody out."""
    path = workspace_root() / KEY_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another session made it first
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def secret(key: str) -> str | None:
    """A value of `.streamlit/secrets.toml`, or None when there is no such file or key."""
    try:
        value = st.secrets.get(key)
    except FileNotFoundError:  # no secrets file, or one that cannot be read (StreamlitSecretNotFoundError)
        return None
    return str(value) if value else None


def configured_password() -> str | None:
    """The password of the account "coordination": env `TOURNEE_PASSWORD`, else `password` in secrets.toml."""
    return os.environ.get("TOURNEE_PASSWORD") or secret("password")


def _signature(payload: str) -> str:
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def marker(name: str, seconds: float = SESSION_SECONDS) -> str:
    """The signed marker "``name`` is logged in until now + ``seconds``"."""
    payload = f"{name}|{int(time.time() + seconds)}"
    return f"{payload}|{_signature(payload)}"


def coordinator() -> str | None:
    """The account this session is logged in as, or None (no marker, altered, or expired)."""
    value = st.session_state.get(MARKER_KEY)
    if not isinstance(value, str) or value.count("|") < 2:
        return None
    payload, signature = value.rsplit("|", 1)
    name, until = payload.rsplit("|", 1)
    try:
        expected = _signature(payload)
    except OSError as exc:  # the workspace cannot be read: nobody is logged in
        log.warning("cannot read the log-in key: %s", exc)
        return None
    if not hmac.compare_digest(signature, expected) or not until.isdigit() or int(until) < time.time():
        return None
    return name


def is_coordinator() -> bool:
    return coordinator() is not None


def log_in_as(name: str) -> None:
    st.session_state[MARKER_KEY] = marker(name)


def logout() -> None:
    """Forget this session's access and working copy (the copy stays saved on the server)."""
    for key in (MARKER_KEY, "work", "work_instance", "replan_result"):
        st.session_state.pop(key, None)
