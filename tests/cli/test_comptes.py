"""`planner comptes ajouter|liste|retirer`: the app's coordinator accounts, one password each, stored
as Argon2 hashes in ``comptes.json`` (0600) of the app's workspace, never in clear."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from planner.cli import main
from planner.publish.accounts import AccountStore


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def test_accounts_are_added_listed_checked_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = str(tmp_path / "espace")
    assert run(["comptes", "--espace", workspace, "ajouter", "claire"], monkeypatch, "mot-de-passe-claire\n") == 0
    monkeypatch.setenv("TOURNEE_WORKSPACE", workspace)  # the app's variable is the default
    assert run(["comptes", "ajouter", "paul"], monkeypatch, "mot-de-passe-paul\n") == 0
    capsys.readouterr()
    assert run(["comptes", "liste"], monkeypatch) == 0
    assert capsys.readouterr().out.split() == ["claire", "paul"]

    path = tmp_path / "espace" / "comptes.json"
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8")
    assert "mot-de-passe" not in text and "$argon2id$" in text
    store = AccountStore(tmp_path / "espace")
    assert store.verify("claire", "mot-de-passe-claire") and store.verify("paul", "mot-de-passe-paul")
    assert not store.verify("claire", "mot-de-passe-paul") and not store.verify("inconnu", "mot-de-passe-paul")

    assert run(["comptes", "ajouter", "claire"], monkeypatch, "nouveau-mot-de-passe\n") == 0
    assert "modifié" in capsys.readouterr().out
    assert store.verify("claire", "nouveau-mot-de-passe") and not store.verify("claire", "mot-de-passe-claire")

    assert run(["comptes", "retirer", "paul"], monkeypatch) == 0
    assert store.names() == ["claire"] and not store.verify("paul", "mot-de-passe-paul")


def test_bad_names_and_passwords_are_refused_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = str(tmp_path / "espace")
    assert run(["comptes", "--espace", workspace, "ajouter", "claire"], monkeypatch, "court\n") == 2
    assert "mot de passe refusé : de 8" in capsys.readouterr().err
    assert run(["comptes", "--espace", workspace, "ajouter", "../x"], monkeypatch, "assez-long-pour-passer\n") == 2
    assert "nom de compte" in capsys.readouterr().err
    assert run(["comptes", "--espace", workspace, "retirer", "personne"], monkeypatch) == 2
    assert "aucun compte « personne »" in capsys.readouterr().err
    assert not (tmp_path / "espace" / "comptes.json").exists()
