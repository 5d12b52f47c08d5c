"""Backups of a workspace's SQLite file: made with SQLite's online backup API into
``<workspace>/sauvegardes/`` (one before each publication, and on demand with ``planner backup``),
the last `KEEP_BACKUPS` kept, each checked (``PRAGMA quick_check``) before it is restored.

A damaged workspace is refused by every command (`damaged_message`, from `planner.publish.store`)
with the name of the last sound backup and the command that restores it.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from planner.domain.errors import TourneeError
from planner.publish.store_schema import (
    WORKSPACE_DIR_MODE,
    integrity_problem,
    secure_files,
    secure_workspace,
    set_mode,
)

BACKUP_DIR = "sauvegardes"
#: Backups kept in ``sauvegardes/`` (the oldest go first).
KEEP_BACKUPS = 10
_PREFIX = "tournee-"
_SUFFIX = ".sqlite"
_TMP = ".tmp-"


@dataclass(frozen=True)
class Backup:
    """One backup file and when it was made (UTC, from its name)."""

    path: Path
    made: datetime

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def backup_folder(db: Path) -> Path:
    """``<workspace>/sauvegardes/`` of the SQLite file ``db``."""
    return db.parent / BACKUP_DIR


def _made(path: Path) -> datetime | None:
    stamp = path.name.removeprefix(_PREFIX).removesuffix(_SUFFIX).split("-", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def list_backups(db: Path) -> list[Backup]:
    """The backups of ``db``, newest first."""
    folder = backup_folder(db)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{_PREFIX}*{_SUFFIX}"):
        made = _made(path)
        if made is not None and path.is_file() and not path.is_symlink():
            found.append(Backup(path, made))
    return sorted(found, key=lambda b: (b.made, b.path.name), reverse=True)


def _copy(source: Path, target: Path) -> None:
    """Copy the SQLite file ``source`` into the new file ``target`` (online backup API: consistent
    even while other processes write), flushed to disk, owner-only."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    secure_files(target)
    with open(target, "rb+") as f:
        os.fsync(f.fileno())


def create_backup(db: Path, *, keep: int = KEEP_BACKUPS) -> Path:
    """Back ``db`` up into ``sauvegardes/`` (0700; the file 0600) and keep the newest ``keep``."""
    folder = backup_folder(db)
    folder.mkdir(mode=WORKSPACE_DIR_MODE, exist_ok=True)
    set_mode(folder, WORKSPACE_DIR_MODE)
    for stale in folder.glob(f"{_TMP}*"):  # left by a backup that was interrupted
        stale.unlink(missing_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = folder / f"{_PREFIX}{stamp}-{secrets.token_hex(3)}{_SUFFIX}"
    tmp = folder / f"{_TMP}{final.name}"
    try:
        _copy(db, tmp)
        os.replace(tmp, final)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        msg = f"sauvegarde de {db} impossible ({exc}) ; vérifiez la place libre et les droits de {folder}"
        raise TourneeError(msg) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    for old in list_backups(db)[keep:]:
        old.path.unlink(missing_ok=True)
    return final


def last_sound_backup(db: Path) -> Backup | None:
    """The newest backup that passes ``PRAGMA quick_check``, or None."""
    for backup in list_backups(db):
        try:
            if integrity_problem(backup.path) is None and _is_workspace(backup.path):
                return backup
        except TourneeError:
            continue
    return None


def _is_workspace(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return row is not None


def damaged_message(db: Path, problem: str) -> str:
    """The French refusal of a damaged workspace, naming the last sound backup and how to restore it."""
    backup = last_sound_backup(db)
    workspace = db.parent
    if backup is None:
        advice = (
            f"aucune sauvegarde saine dans {backup_folder(db)} : gardez ce fichier tel quel et faites-le examiner "
            "(sqlite3 … « .recover »), ou repartez d'un autre --workspace et republiez le plan (planner publish)"
        )
    else:
        advice = (
            f"dernière sauvegarde saine : {backup.path} ({backup.made:%d/%m/%Y %H:%M:%S} UTC) ; restaurez-la avec "
            f"« planner backup --restaurer {backup.path} --workspace {workspace} » (le fichier abîmé est gardé à côté)"
        )
    return (
        f"{db} : l'espace de travail est abîmé (contrôle PRAGMA quick_check : {problem}) ; rien n'y a été lu ni "
        f"écrit. {advice}"
    )


def restore_backup(db: Path, backup: str | Path, *, own_folder: bool = True) -> Path | None:
    """Put the backup file ``backup`` in place of ``db`` after checking it (``quick_check``, a Tournée
    workspace); the file replaced (and its -wal, -shm) is moved to ``sauvegardes/abimee-…``, whose
    path is returned (None when there was none). Stop the app and every publication first."""
    source = Path(backup)
    if source.is_symlink() or not source.is_file():
        msg = f"{source} : fichier de sauvegarde introuvable (ou lien symbolique) ; voir « planner backup »"
        raise TourneeError(msg)
    problem = integrity_problem(source)
    if problem is not None:
        msg = (
            f"{source} : cette sauvegarde est abîmée elle aussi ({problem}) ; choisissez-en une autre "
            "(« planner backup »)"
        )
        raise TourneeError(msg)
    if not _is_workspace(source):
        msg = (
            f"{source} n'est pas une sauvegarde d'un espace de travail Tournée ; choisissez-en une autre "
            "(« planner backup »)"
        )
        raise TourneeError(msg)
    secure_workspace(db, own_folder=own_folder)
    folder = backup_folder(db)
    folder.mkdir(mode=WORKSPACE_DIR_MODE, exist_ok=True)
    tmp = db.with_name(f"{_TMP}{db.name}-{secrets.token_hex(4)}")
    try:
        _copy(source, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    aside = None
    if db.exists() and db.stat().st_size > 0:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = folder / f"abimee-{stamp}{_SUFFIX}"
        for suffix in ("", "-wal", "-shm"):
            part = db.with_name(db.name + suffix)
            if part.exists():
                os.replace(part, aside.with_name(aside.name + suffix))
    else:
        for suffix in ("-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
    os.replace(tmp, db)
    secure_files(db)
    return aside
