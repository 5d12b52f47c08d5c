"""The workspace file is kept safe: owner-only modes, no symbolic links, a damaged file refused by
every command with the last sound backup named, backups made before each publication (the last 10
kept) and restored after a check (`planner.publish.backups`, `planner.publish.store_schema`)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.errors import TourneeError
from planner.publish import backups
from planner.publish.backups import KEEP_BACKUPS, create_backup, list_backups, restore_backup
from planner.publish.store import PlanStore

posix_only = pytest.mark.skipif(os.name != "posix", reason="Unix modes and symbolic links")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _filled(ws: Path, small_instance, sample_plan, versions: int = 3) -> PlanStore:
    store = PlanStore(ws)
    for i in range(versions):
        store.save(sample_plan(small_instance), small_instance, note=f"version {i} " + "x" * 3000)
    return store


def _damage(db: Path) -> None:
    """Overwrite the middle of a b-tree page of the versions table with garbage (after a checkpoint)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='versions'").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x0d" + b"\xff" * 64)  # a leaf page header with impossible cell counts and offsets


# --- Modes and links ----------------------------------------------------------------------------------


@posix_only
def test_workspace_is_0700_and_database_files_0600_whatever_the_umask(tmp_path: Path, small_instance, sample_plan):
    old = os.umask(0o002)
    try:
        store = _filled(tmp_path / "espace", small_instance, sample_plan, versions=1)
        with sqlite3.connect(store.path) as conn:  # keeps -wal and -shm while we look
            conn.execute("SELECT COUNT(*) FROM versions").fetchone()
            assert _mode(tmp_path / "espace") == 0o700
            for suffix in ("", "-wal", "-shm"):
                path = store.path.with_name(store.path.name + suffix)
                assert path.exists() and _mode(path) == 0o600, suffix
        create_backup(store.path)
        assert _mode(tmp_path / "espace" / "sauvegardes") == 0o700
        assert {_mode(b.path) for b in list_backups(store.path)} == {0o600}
    finally:
        os.umask(old)


@posix_only
def test_modes_of_an_existing_workspace_are_fixed_on_opening(tmp_path: Path, small_instance, sample_plan) -> None:
    store = _filled(tmp_path / "espace", small_instance, sample_plan, versions=1)
    os.chmod(tmp_path / "espace", 0o755)
    os.chmod(store.path, 0o644)
    assert main(["history", "--workspace", str(tmp_path / "espace"), "--out", str(tmp_path / "pub")]) == 0
    assert _mode(tmp_path / "espace") == 0o700 and _mode(store.path) == 0o600


@posix_only
def test_a_symlinked_database_or_workspace_is_refused(tmp_path: Path, small_instance, sample_plan, capsys) -> None:
    real = _filled(tmp_path / "vrai", small_instance, sample_plan, versions=1)
    linked_ws = tmp_path / "lien"
    linked_ws.symlink_to(tmp_path / "vrai", target_is_directory=True)
    with pytest.raises(TourneeError, match="est un lien symbolique"):
        PlanStore(linked_ws)
    ws = tmp_path / "autre"
    ws.mkdir()
    (ws / "tournee.sqlite").symlink_to(real.path)
    assert main(["history", "--workspace", str(ws), "--out", str(tmp_path / "pub")]) == 2
    err = capsys.readouterr().err
    assert "est un lien symbolique" in err and "--workspace" in err
    assert main(["history", "--workspace", str(ws / "tournee.sqlite"), "--out", str(tmp_path / "pub")]) == 2


# --- Damaged files, backups, restoring ------------------------------------------------------------------


def test_a_damaged_store_is_refused_naming_the_last_sound_backup(
    tmp_path: Path, small_instance, sample_plan, capsys
) -> None:
    """A page overwritten: every command that reads the store refuses it (exit 2), in French, with the
    last sound backup and the command that restores it; restoring it brings every version back."""
    ws = tmp_path / "espace"
    store = _filled(ws, small_instance, sample_plan)
    good = create_backup(store.path)
    _damage(store.path)
    with pytest.raises(TourneeError, match="l'espace de travail est abîmé") as refused:
        PlanStore(ws)
    assert str(good) in str(refused.value) and "planner backup --restaurer" in str(refused.value)
    for argv in (
        ["history", "--workspace", str(ws), "--out", str(tmp_path / "pub")],
        ["diff", "1", "2", "--workspace", str(ws)],
        ["tokens", "list", "--workspace", str(ws)],
        ["feeds", "--workspace", str(ws), "--out", str(tmp_path / "pub")],
        ["publish", "--version", "1", "--workspace", str(ws), "--out", str(tmp_path / "pub")],
        ["replan", "--version", "1", "--workspace", str(ws), "--unavailable", "d1:2027-01-11", "--today", "2027-01-06"],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "abîmé" in err and str(good) in err, argv

    assert main(["backup", "--restaurer", str(good), "--workspace", str(ws)]) == 0
    assert "restaurée" in capsys.readouterr().out
    assert [v.version for v in PlanStore(ws).history()] == [1, 2, 3]
    assert list((ws / "sauvegardes").glob("abimee-*.sqlite"))  # the damaged file is kept aside


def test_without_a_sound_backup_the_refusal_says_so(tmp_path: Path, small_instance, sample_plan) -> None:
    store = _filled(tmp_path / "espace", small_instance, sample_plan)
    _damage(store.path)
    with pytest.raises(TourneeError, match="aucune sauvegarde saine"):
        PlanStore(tmp_path / "espace")


def test_backups_keep_the_last_ten_and_restore_checks_the_file(tmp_path: Path, small_instance, sample_plan) -> None:
    store = _filled(tmp_path / "espace", small_instance, sample_plan, versions=1)
    made = [create_backup(store.path) for _ in range(KEEP_BACKUPS + 2)]
    kept = list_backups(store.path)
    assert [b.path for b in kept] == made[::-1][:KEEP_BACKUPS]
    damaged = kept[0].path
    _damage(damaged)
    with pytest.raises(TourneeError, match="abîmée elle aussi"):
        restore_backup(store.path, damaged)
    assert backups.last_sound_backup(store.path).path == kept[1].path
    other = tmp_path / "autre.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (a)")
    conn.close()
    with pytest.raises(TourneeError, match="n'est pas une sauvegarde"):
        restore_backup(store.path, other)


def test_cli_backup_lists_and_creates(tmp_path: Path, small_instance, sample_plan, capsys) -> None:
    ws = tmp_path / "espace"
    _filled(ws, small_instance, sample_plan, versions=1)
    assert main(["backup", "--workspace", str(ws)]) == 0
    assert "Aucune sauvegarde" in capsys.readouterr().out
    assert main(["backup", "--creer", "--workspace", str(ws)]) == 0
    assert "Sauvegarde écrite" in capsys.readouterr().out
    assert main(["backup", "--workspace", str(ws)]) == 0
    assert "sauvegardes" in capsys.readouterr().out
