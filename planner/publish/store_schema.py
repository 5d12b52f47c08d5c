"""The SQLite file of a workspace: its tables, the migration of a file of the first format, WAL mode,
and the connections and transactions every `planner.publish.store.PlanStore` method opens.

Apart from what the store saves and reads, so that what makes a file a Tournée workspace is in one
place: a new column is one statement here and one migration step, and a file that is not a
workspace, or is damaged or locked, is refused in French the same way by every method.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from planner.domain.errors import TourneeError

STORE_SCHEMA = "2"

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
        if found in (None, "1"):  # a new store is made as "1", then migrated like an old one
            _migrate_to_2(conn)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (STORE_SCHEMA,))
        elif found != STORE_SCHEMA:
            msg = (
                f"l'espace de travail {path} a le format {found} alors que cette version de Tournée "
                f"lit le format {STORE_SCHEMA} : ouvrez-le avec la version de Tournée qui l'a écrit"
            )
            raise TourneeError(msg)
