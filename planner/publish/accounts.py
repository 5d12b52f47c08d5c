"""Coordinator accounts: each coordinator's name with their own password, hashed with Argon2id
(argon2-cffi), kept in ``comptes.json`` (mode 0600) in the app's workspace.

The file holds no password, only Argon2 hashes (each with its own salt and cost). `verify` spends the
same hashing time for an unknown name as for a known one, so that a wrong name cannot be told from a
wrong password by timing. `planner comptes` manages the file; the app checks log-ins against it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from planner.domain.errors import TourneeError
from planner.publish.files import write_atomic

ACCOUNTS_FILE = "comptes.json"
#: The account of the password given by `TOURNEE_PASSWORD` (or ``password`` in secrets.toml).
DEFAULT_ACCOUNT = "coordination"
NAME_PATTERN = re.compile(r"[A-Za-z0-9À-ÿ][A-Za-z0-9À-ÿ._ -]{0,39}")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()  # Argon2id with the library's recommended costs (RFC 9106, low memory)
#: Verified when the name is unknown, so that both cases take the same time.
_DUMMY_HASH = _hasher.hash("tournee-compte-inconnu")


class AccountError(TourneeError):
    """A refused account name or password (French message)."""


def check_name(name: str) -> str:
    """``name`` stripped, or AccountError when it is not a plausible account name."""
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        msg = (
            f"nom de compte « {name[:40]} » refusé : de 1 à 40 caractères, lettres, chiffres, espace, point, "
            "tiret ou souligné, commençant par une lettre ou un chiffre"
        )
        raise AccountError(msg)
    return name


def check_password(password: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        msg = f"mot de passe refusé : de {MIN_PASSWORD_LENGTH} à {MAX_PASSWORD_LENGTH} caractères"
        raise AccountError(msg)
    return password


class AccountStore:
    """The coordinator accounts of a workspace folder (``comptes.json`` inside)."""

    def __init__(self, folder: str | Path) -> None:
        self.path = Path(folder) / ACCOUNTS_FILE

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            msg = f"{self.path} : fichier des comptes illisible ({type(exc).__name__})"
            raise AccountError(msg) from exc
        accounts = data.get("comptes", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in accounts.items()} if isinstance(accounts, dict) else {}

    def _write(self, accounts: dict[str, str]) -> None:
        text = json.dumps({"comptes": dict(sorted(accounts.items()))}, ensure_ascii=False, indent=2) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, text.encode("utf-8"))
        os.chmod(self.path, 0o600)  # hashes only, but nobody else needs to read them

    def names(self) -> list[str]:
        """The account names, sorted."""
        return sorted(self._read())

    def set_password(self, name: str, password: str) -> bool:
        """Create account ``name``, or give it a new password; True when it is new."""
        name, password = check_name(name), check_password(password)
        accounts = self._read()
        new = name not in accounts
        accounts[name] = _hasher.hash(password)
        self._write(accounts)
        return new

    def remove(self, name: str) -> bool:
        """Remove account ``name``; False when there was none."""
        accounts = self._read()
        if accounts.pop(name.strip(), None) is None:
            return False
        self._write(accounts)
        return True

    def verify(self, name: str, password: str) -> bool:
        """True when ``password`` is account ``name``'s (same hashing time for an unknown name)."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        stored = self._read().get(name.strip())
        try:
            _hasher.verify(stored or _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return stored is not None
