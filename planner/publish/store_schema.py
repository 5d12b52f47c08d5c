"""The SQLite file of a workspace: its tables, the migration of a file of the first format, WAL mode,
and the connections and transactions every `planner.publish.store.PlanStore` method opens.

Apart from what the store saves and reads, so that what makes a file a Tournée workspace is in one
place: a new column is one statement here and one migration step, and a file that is not a
workspace, or is damaged or locked, is refused in French the same way by every method.

The file holds staff names and private tokens: the workspace folder is made 0700 and the file, its
``-wal`` and ``-shm`` 0600 (and set so again at every opening, where the system allows it: on Windows
`os.chmod` only sets the read-only flag and is skipped); a workspace folder or file that is a
symbolic link is refused (`secure_workspace`). `integrity_problem` runs ``PRAGMA quick_check``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from planner.domain.errors import TourneeError

STORE_SCHEMA = "3"

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    version INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    note TEXT NOT NULL,
    instance_name TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    labels_json TEXT NOT NULL,
    tours INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    shifts INTEGER NOT NULL,
    unserved INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS files (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS version_sessions (
    version INTEGER NOT NULL REFERENCES versions(version),
    unit TEXT NOT NULL,
    date TEXT NOT NULL,
    insee TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS version_sessions_by_commune ON version_sessions (insee, date);
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version INTEGER NOT NULL REFERENCES versions(version),
    published TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (subject TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ical_events (
    uid TEXT PRIMARY KEY,
    sequence INTEGER NOT NULL,
    hash TEXT NOT NULL,
    feeds TEXT NOT NULL,
    event_json TEXT NOT NULL,
    cancelled INTEGER NOT NULL,
    updated TEXT NOT NULL
);
"""

#: Columns added by schema "2" (the table definitions above are those of schema "1").
_SCHEMA_2_COLUMNS = (
    "ALTER TABLE versions ADD COLUMN start TEXT",
    "ALTER TABLE versions ADD COLUMN weeks INTEGER",
    "ALTER TABLE versions ADD COLUMN inputs_json TEXT",
    "ALTER TABLE publications ADD COLUMN folder TEXT",
    "ALTER TABLE publications ADD COLUMN base_url TEXT",
)

#: Schema "3": the territory of each publication (several side by side in one workspace), who
#: published it, and the people forgotten (`planner oublier`), whose token is never made again.
_SCHEMA_3 = (
    "ALTER TABLE publications ADD COLUMN territory TEXT",
    "ALTER TABLE publications ADD COLUMN published_by TEXT",
    "CREATE TABLE IF NOT EXISTS forgotten (subject TEXT PRIMARY KEY, pseudonym TEXT NOT NULL, forgotten TEXT NOT NULL)",
    "UPDATE publications SET territory = (SELECT instance_name FROM versions WHERE versions.version ="
    " publications.version) WHERE territory IS NULL",
)

#: Modes of the workspace folder and of the SQLite file (and its -wal, -shm): owner only.
WORKSPACE_DIR_MODE = 0o700
WORKSPACE_FILE_MODE = 0o600
#: Whether `os.chmod` sets Unix modes here (on Windows it only sets the read-only flag: skipped).
UNIX_MODES = os.name == "posix"


def set_mode(path: Path, mode: int) -> None:
    """Set ``path``'s mode where the system has Unix modes and lets us (not the owner: left as is)."""
    if not UNIX_MODES:
        return
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except (FileNotFoundError, PermissionError):
        pass


def _refuse_link(path: Path, what: str) -> None:
    """Refuse ``path`` if it is a symbolic link (``what``: « l'espace de travail », « la base »)."""
    if path.is_symlink():
        msg = (
            f"{path} est un lien symbolique : Tournée refuse d'ouvrir {what} à travers un lien (il pourrait "
            f"faire écrire les données du personnel ailleurs) ; donnez son vrai chemin ({os.path.realpath(path)}) "
            "avec --workspace, ou remplacez le lien par le dossier lui-même"
        )
        raise TourneeError(msg)


def secure_workspace(db: Path, *, own_folder: bool) -> None:
    """Refuse a workspace folder or database that is a symbolic link; make the folder (0700) and an
    empty database file (0600) if missing, and set the modes of existing ones (``own_folder``: the
    folder is the workspace's own, not one that merely holds a ``….sqlite`` file given by name)."""
    folder = db.parent
    if own_folder:
        _refuse_link(folder, "l'espace de travail")
    _refuse_link(db, "la base")
    if folder.exists() and not folder.is_dir():
        msg = f"l'espace de travail {folder} est un fichier ; attendu : un dossier (ou un fichier .sqlite)"
        raise TourneeError(msg)
    folder.mkdir(parents=True, exist_ok=True, mode=WORKSPACE_DIR_MODE)
    if own_folder:
        set_mode(folder, WORKSPACE_DIR_MODE)
    if not db.exists():
        try:  # created owner-only, so that SQLite gives -wal and -shm the same mode
            os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, WORKSPACE_FILE_MODE))
        except FileExistsError:  # another process made it just now
            pass
    secure_files(db)


def secure_files(db: Path) -> None:
    """The database and its -wal and -shm owner-only (0600), where the system allows it."""
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        set_mode(path, WORKSPACE_FILE_MODE)


def integrity_problem(path: Path) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong with the SQLite file ``path``, or None when it is sound
    (or empty, a workspace not made yet). Raises `TourneeError` for a file that is no SQLite database."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise TourneeError(f"{path} : ouverture impossible ({exc})") from None
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise _not_a_workspace(path, exc) from None
        if "locked" in str(exc):
            raise TourneeError(f"{path} : base de données inaccessible ({exc}) ; réessayez") from None
        return str(exc)
    finally:
        conn.close()
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    return "; ".join(problems[:3]) if problems else None


def _not_a_workspace(path: Path, exc: Exception) -> TourneeError:
    return TourneeError(
        f"{path} : ce fichier n'est pas un espace de travail Tournée, ou il est abîmé ({exc}) ; "
        "attendu : le fichier tournee.sqlite créé par « planner publish » (choisissez un autre --workspace)"
    )


def _create(conn: sqlite3.Connection) -> None:
    """The tables of schema "1", statement by statement (``executescript`` would commit)."""
    for statement in _SCHEMA_SQL.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Schema "1" → "2": horizon and inputs per version, folder per publication (old rows: no inputs)."""
    for statement in _SCHEMA_2_COLUMNS:
        conn.execute(statement)
    for version, text in conn.execute("SELECT version, plan_json FROM versions").fetchall():
        data = json.loads(text)
        conn.execute("UPDATE versions SET start=?, weeks=? WHERE version=?", (data["start"], data["weeks"], version))


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    """Schema "2" → "3": territory and publisher of each publication, the forgotten people."""
    for statement in _SCHEMA_3:
        conn.execute(statement)


#: Seconds a new workspace waits for another process to finish switching it to WAL.
WAL_SWITCH_SECONDS = 30.0


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the file in WAL mode (readers never wait for a writer). Two processes opening a new
    workspace at once both try; SQLite answers "locked" at once to one of them, without its busy
    timeout, so that one waits until the other has switched."""
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection; a file that is not a Tournée workspace is refused in French (`TourneeError`)."""
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise TourneeError(f"{path} : ouverture impossible ({exc})") from None
    try:
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        yield conn
    except sqlite3.OperationalError as exc:
        if not any(word in str(exc) for word in ("locked", "unable to open", "readonly", "disk")):
            raise _not_a_workspace(path, exc) from None
        raise TourneeError(
            f"{path} : base de données inaccessible ({exc}) ; réessayez ou vérifiez les droits"
        ) from None
    except sqlite3.DatabaseError as exc:
        raise _not_a_workspace(path, exc) from None
    finally:
        conn.close()


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it is kept, or none of it."""
    with connect(path) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def prepare(path: Path) -> None:
    """Make ``path`` a workspace of schema `STORE_SCHEMA`: WAL mode, the tables of a new file, the
    migration of a file of schema "1"; a file of another format is refused in French."""
    with connect(path) as conn:
        _use_wal(conn)
    with transaction(path) as conn:
        _create(conn)
        row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        found = row[0] if row else None
        if found in (None, "1", "2"):  # a new store is made as "1", then migrated like an old one
            if found != "2":
                _migrate_to_2(conn)
            _migrate_to_3(conn)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (STORE_SCHEMA,))
        elif found != STORE_SCHEMA:
            msg = (
                f"l'espace de travail {path} a le format {found} alors que cette version de Tournée "
                f"lit le format {STORE_SCHEMA} : ouvrez-le avec la version de Tournée qui l'a écrit"
            )
            raise TourneeError(msg)
