"""The workspace store: every saved plan version, which one is published, and the iCal event ledger.

One SQLite file (stdlib `sqlite3`) in the workspace folder. Each write is one transaction in WAL mode
with ``synchronous=FULL``: a crash or an exception in the middle of a save leaves the store as it was
before that save — earlier versions and the published one are never lost.

The event ledger remembers, for every calendar event UID ever published, its SEQUENCE, a hash of its
content and what is needed to write it again: `planner.publish.feeds` bumps SEQUENCE when an event
changes and keeps removed events in the feeds as cancelled, which calendar clients need to update
subscribers (icalendar itself tracks neither).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from planner.domain.errors import TourneeError
from planner.domain.french import hhmm
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.fingerprint import instance_fingerprint
from planner.publish.plan_json import plan_from_json, plan_to_json
from planner.results.plan_diff import PlanDiff, diff_plans

DB_NAME = "tournee.sqlite"
STORE_SCHEMA = "1"

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


@dataclass(frozen=True)
class VersionInfo:
    """One line of the history: a saved plan version and what it holds."""

    version: int
    created: datetime
    fingerprint: str
    note: str
    published: bool
    instance_name: str
    tours: int
    sessions: int
    shifts: int
    unserved: int


@dataclass(frozen=True)
class LedgerEntry:
    """What the store remembers of one published calendar event.

    ``event`` is the JSON-ready data `planner.publish.feeds` needs to write the event again (so that a
    removed event can still be published as cancelled); ``feeds`` are the feeds it appeared in.
    """

    uid: str
    sequence: int
    content_hash: str
    feeds: tuple[str, ...]
    event: Mapping[str, Any]
    cancelled: bool = False


def _labels(instance: Instance) -> dict[str, dict[str, str]]:
    """Display names kept with each version so that history and diffs read well without the inputs."""
    return {
        "communes": {c.insee: c.name for c in instance.communes},
        "units": {u.id: u.name for u in instance.units},
        "staff": {s.id: s.name for s in instance.staff},
    }


def _session_rows(version: int, plan: Plan) -> list[tuple[Any, ...]]:
    return [(version, t.unit_id, t.date.isoformat(), s.insee, hhmm(s.start), hhmm(s.end)) for t, s in plan.sessions()]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PlanStore:
    """Plan versions, publication and the iCal ledger of one workspace, in one SQLite file.

    ``path`` is the workspace folder (the file is ``tournee.sqlite`` inside it, created on first use)
    or a path ending in ``.sqlite``/``.db``. Every method opens its own short connection, so one store
    object can serve several threads (the Streamlit app) and several processes can share the file.
    """

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        path = Path(path)
        self.path = path if path.suffix in (".sqlite", ".db") else path / DB_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA_SQL)
            row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (STORE_SCHEMA,))
            elif row[0] != STORE_SCHEMA:
                msg = (
                    f"l'espace de travail {self.path} a le format {row[0]} "
                    f"alors que cette version de Tournée lit le format {STORE_SCHEMA}"
                )
                raise TourneeError(msg)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is kept, or none of it."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")

    # -- versions

    def save(self, plan: Plan, instance: Instance, *, note: str = "") -> int:
        """Save ``plan`` (made from ``instance``) as a new version; returns its number (1, 2, …)."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO versions (created, fingerprint, note, instance_name, plan_json, labels_json,"
                " tours, sessions, shifts, unserved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._now(),
                    instance_fingerprint(instance),
                    note,
                    plan.instance_name,
                    plan_to_json(plan),
                    json.dumps(_labels(instance), ensure_ascii=False),
                    len(plan.tours),
                    len(plan.sessions()),
                    len(plan.shifts),
                    len(plan.unserved),
                ),
            )
            version = int(cursor.lastrowid)
            conn.executemany("INSERT INTO version_sessions VALUES (?, ?, ?, ?, ?, ?)", _session_rows(version, plan))
        return version

    def _require(self, conn: sqlite3.Connection, version: int) -> None:
        if conn.execute("SELECT 1 FROM versions WHERE version=?", (version,)).fetchone() is None:
            msg = f"la version {version} n'existe pas dans {self.path} (voir « planner history »)"
            raise TourneeError(msg)

    def load(self, version: int) -> Plan:
        """The plan saved as ``version``."""
        with self._connect() as conn:
            self._require(conn, version)
            (text,) = conn.execute("SELECT plan_json FROM versions WHERE version=?", (version,)).fetchone()
        return plan_from_json(text, source=f"{self.path.name} (version {version})")

    def labels(self, version: int) -> dict[str, dict[str, str]]:
        """Commune, unit and staff display names as they were when ``version`` was saved."""
        with self._connect() as conn:
            self._require(conn, version)
            (text,) = conn.execute("SELECT labels_json FROM versions WHERE version=?", (version,)).fetchone()
        return json.loads(text)

    def publish(self, version: int) -> None:
        """Make ``version`` the published plan (the one feeds and posters show)."""
        with self._transaction() as conn:
            self._require(conn, version)
            conn.execute("INSERT INTO publications (version, published) VALUES (?, ?)", (version, self._now()))

    def published_version(self) -> int | None:
        with self._connect() as conn:
            row = conn.execute("SELECT version FROM publications ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else int(row[0])

    def published(self) -> tuple[int, Plan] | None:
        """The published version and its plan, or None when nothing was published yet."""
        version = self.published_version()
        return None if version is None else (version, self.load(version))

    def history(self) -> list[VersionInfo]:
        """Every saved version, oldest first."""
        current = self.published_version()
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT version, created, fingerprint, note, instance_name, tours, sessions, shifts, unserved"
                " FROM versions ORDER BY version"
            ).fetchall()
        return [
            VersionInfo(
                version=v,
                created=datetime.fromisoformat(created),
                fingerprint=fp,
                note=note,
                published=v == current,
                instance_name=name,
                tours=tours,
                sessions=sessions,
                shifts=shifts,
                unserved=unserved,
            )
            for v, created, fp, note, name, tours, sessions, shifts, unserved in rows
        ]

    def diff(self, v1: int, v2: int) -> PlanDiff:
        """What changed from version ``v1`` to version ``v2`` (names as of ``v2``)."""
        labels = self.labels(v1)
        for kind, names in self.labels(v2).items():
            labels.setdefault(kind, {}).update(names)
        result = diff_plans(self.load(v1), self.load(v2), labels=labels)
        return PlanDiff(result.added, result.removed, result.moved, result.shifts_changed, labels, (v1, v2))

    # -- iCal event ledger

    def event_ledger(self) -> dict[str, LedgerEntry]:
        """Every event UID ever published, with its last SEQUENCE, content hash and data."""
        with self._connect() as conn:
            rows = conn.execute("SELECT uid, sequence, hash, feeds, event_json, cancelled FROM ical_events").fetchall()
        return {
            uid: LedgerEntry(uid, seq, h, tuple(json.loads(feeds)), json.loads(event), bool(cancelled))
            for uid, seq, h, feeds, event, cancelled in rows
        }

    def update_event_ledger(self, entries: Iterable[LedgerEntry]) -> None:
        """Record (insert or replace) ledger entries, all in one transaction."""
        now = self._now()
        rows = [
            (
                e.uid,
                e.sequence,
                e.content_hash,
                json.dumps(list(e.feeds)),
                json.dumps(e.event, ensure_ascii=False),
                int(e.cancelled),
                now,
            )
            for e in entries
        ]
        with self._transaction() as conn:
            conn.executemany(
                "INSERT INTO ical_events (uid, sequence, hash, feeds, event_json, cancelled, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET sequence=excluded.sequence,"
                " hash=excluded.hash, feeds=excluded.feeds, event_json=excluded.event_json,"
                " cancelled=excluded.cancelled, updated=excluded.updated",
                rows,
            )
