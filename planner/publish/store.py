"""The workspace store: every saved plan version with its inputs, the publications, the iCal event
ledger and the private subscription tokens.

One SQLite file (stdlib `sqlite3`) in the workspace folder. Each write is one transaction in WAL mode
with ``synchronous=FULL``: a crash or an exception in the middle of a save leaves the store as it was
before that save — earlier versions and the published one are never lost.

A version keeps what it was made from (`planner.publish.plan_inputs.PlanInputs`): the territory's
three files are stored once each, by SHA-256, in the ``files`` table; the version holds their digests,
the settings, the solver options and the accepted changes, so that another process can rebuild its
instance to re-plan, diff or re-publish it. Versions saved by the first format of the store (schema
"1") have no inputs: they still load, are shown as such, and refuse what needs the inputs.

The event ledger (`planner.publish.event_ledger`) remembers, for every calendar event UID ever
published, its SEQUENCE, a hash of its content and what is needed to write it again. The file itself —
its tables, migrations and connections — is `planner.publish.store_schema`.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from planner.domain.errors import TourneeError
from planner.domain.french import hhmm
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.event_ledger import LedgerEntry, read_ledger, write_ledger
from planner.publish.fingerprint import instance_fingerprint
from planner.publish.plan_inputs import PlanInputs, describe_inputs
from planner.publish.plan_json import plan_from_json, plan_to_json
from planner.publish.store_schema import (
    connect,
    integrity_problem,
    prepare,
    secure_files,
    secure_workspace,
    transaction,
)
from planner.results.plan_diff import PlanDiff, diff_plans

DB_NAME = "tournee.sqlite"


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
    start: date
    weeks: int
    inputs: Mapping[str, Any] | None = None  # `PlanInputs.to_dict()`; None for versions saved without

    @property
    def settings_text(self) -> str:
        """The territory's settings and options in French, or why there are none."""
        if self.inputs is None:
            return "données d'entrée non enregistrées (version ancienne)"
        return describe_inputs(self.inputs)


@dataclass(frozen=True)
class PublicationInfo:
    """One publication: which version, when, the folder it was written to and the public address it
    was given (both None for publications recorded before schema 2), its territory and who published
    it (None when not said, or recorded before schema 3)."""

    version: int
    published: datetime
    folder: str | None
    base_url: str | None = None
    territory: str | None = None
    published_by: str | None = None


_PUBLICATION_COLUMNS = "version, published, folder, base_url, territory, published_by"


def _publication(row: tuple[Any, ...]) -> PublicationInfo:
    return PublicationInfo(row[0], datetime.fromisoformat(row[1]), row[2], row[3], row[4], row[5])


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


#: Bytes of randomness of a subscription token (`secrets.token_urlsafe`): 24 bytes = 192 bits.
TOKEN_BYTES = 24


class PlanStore:
    """Plan versions, publications, the iCal ledger and the tokens of one workspace, in one SQLite file.

    ``path`` is the workspace folder (the file is ``tournee.sqlite`` inside it, created on first use)
    or a path ending in ``.sqlite``/``.db``. Every method opens its own short connection, so one store
    object can serve several threads (the Streamlit app) and several processes can share the file.
    A workspace of schema "1" or "2" is migrated when opened.

    Opening it refuses a workspace folder or file that is a symbolic link, makes the folder 0700 and
    the file 0600 (`planner.publish.store_schema.secure_workspace`), then runs ``PRAGMA quick_check``
    (unless ``check=False``): a damaged file is refused in French with the last sound backup
    (`planner.publish.backups`) before anything is read or written.
    """

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] = _utc_now, check: bool = True) -> None:
        path = Path(path)
        own_folder = path.suffix not in (".sqlite", ".db")
        self.path = path / DB_NAME if own_folder else path
        secure_workspace(self.path, own_folder=own_folder)
        self._clock = clock
        if check:
            problem = integrity_problem(self.path)
            if problem is not None:
                from planner.publish.backups import damaged_message

                raise TourneeError(damaged_message(self.path, problem))
        prepare(self.path)
        secure_files(self.path)

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")

    # -- versions

    def save(self, plan: Plan, instance: Instance, *, inputs: PlanInputs | None = None, note: str = "") -> int:
        """Save ``plan`` (made from ``instance``) as a new version; returns its number (1, 2, …).

        With ``inputs`` (what ``instance`` was built from), the version keeps them: its files once
        each by SHA-256, the rest as JSON. They must rebuild exactly ``instance``, else nothing is saved.
        """
        inputs_json = None
        if inputs is not None:
            if instance_fingerprint(inputs.instance()) != instance_fingerprint(instance):
                msg = (
                    "les données d'entrée jointes au plan ne redonnent pas le territoire pour lequel il a été "
                    "calculé ; rien n'a été enregistré (merci de signaler ce défaut)"
                )
                raise TourneeError(msg)
            inputs_json = json.dumps(inputs.to_dict(), ensure_ascii=False, sort_keys=True)
        with transaction(self.path) as conn:
            if inputs is not None:
                conn.executemany(
                    "INSERT OR IGNORE INTO files (sha256, content) VALUES (?, ?)",
                    [(digest, inputs.files.by_name()[name]) for name, digest in inputs.files.digests().items()],
                )
            cursor = conn.execute(
                "INSERT INTO versions (created, fingerprint, note, instance_name, plan_json, labels_json,"
                " tours, sessions, shifts, unserved, start, weeks, inputs_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    plan.start.isoformat(),
                    plan.weeks,
                    inputs_json,
                ),
            )
            version = cursor.lastrowid
            assert version is not None  # the INSERT's row
            conn.executemany("INSERT INTO version_sessions VALUES (?, ?, ?, ?, ?, ?)", _session_rows(version, plan))
        return version

    def _require(self, conn: sqlite3.Connection, version: int) -> None:
        if conn.execute("SELECT 1 FROM versions WHERE version=?", (version,)).fetchone() is None:
            msg = f"la version {version} n'existe pas dans {self.path} (voir « planner history »)"
            raise TourneeError(msg)

    def _column(self, version: int, column: str) -> Any:
        with connect(self.path) as conn:
            self._require(conn, version)
            return conn.execute(f"SELECT {column} FROM versions WHERE version=?", (version,)).fetchone()[0]

    def load(self, version: int) -> Plan:
        """The plan saved as ``version``."""
        return plan_from_json(self._column(version, "plan_json"), source=f"{self.path.name} (version {version})")

    def labels(self, version: int) -> dict[str, dict[str, str]]:
        """Commune, unit and staff display names as they were when ``version`` was saved."""
        return json.loads(self._column(version, "labels_json"))

    def file_bytes(self, digest: str) -> bytes | None:
        """A stored input file by its SHA-256, or None."""
        with connect(self.path) as conn:
            row = conn.execute("SELECT content FROM files WHERE sha256=?", (digest,)).fetchone()
        return None if row is None else bytes(row[0])

    def inputs(self, version: int) -> PlanInputs | None:
        """What ``version`` was made from, or None for a version saved without its inputs."""
        text = self._column(version, "inputs_json")
        return None if text is None else PlanInputs.from_dict(json.loads(text), self.file_bytes)

    def rebuild(self, version: int) -> tuple[PlanInputs, Instance, Plan]:
        """The inputs, the instance and the plan of ``version``, as in the process that saved it.

        Raises `TourneeError` (French) for a version saved without its inputs.
        """
        inputs = self.inputs(version)
        if inputs is None:
            msg = (
                f"la version {version} a été enregistrée par une version de Tournée qui ne gardait pas les "
                "données d'entrée (territoire, réglages) : elle ne peut être ni re-planifiée ni republiée. "
                "Recalculez le plan (planner plan), puis publiez-le (planner publish)."
            )
            raise TourneeError(msg)
        return inputs, inputs.instance(), self.load(version)

    def history(self) -> list[VersionInfo]:
        """Every saved version, oldest first (``published``: in force for its territory)."""
        in_force = set(self.published_by_territory().values())
        if not in_force and (current := self.published_version()) is not None:
            in_force = {current}
        with connect(self.path) as conn:
            rows = conn.execute(
                "SELECT version, created, fingerprint, note, instance_name, tours, sessions, shifts, unserved,"
                " start, weeks, inputs_json FROM versions ORDER BY version"
            ).fetchall()
        return [
            VersionInfo(
                version=v,
                created=datetime.fromisoformat(created),
                fingerprint=fp,
                note=note,
                published=v in in_force,
                instance_name=name,
                tours=tours,
                sessions=sessions,
                shifts=shifts,
                unserved=unserved,
                start=date.fromisoformat(start),
                weeks=weeks,
                inputs=None if inputs is None else json.loads(inputs),
            )
            for v, created, fp, note, name, tours, sessions, shifts, unserved, start, weeks, inputs in rows
        ]

    def diff(self, v1: int, v2: int) -> PlanDiff:
        """What changed from version ``v1`` to version ``v2`` (names as of ``v2``)."""
        labels = self.labels(v1)
        for kind, names in self.labels(v2).items():
            labels.setdefault(kind, {}).update(names)
        result = diff_plans(self.load(v1), self.load(v2), labels=labels)
        return PlanDiff(result.added, result.removed, result.moved, result.shifts_changed, labels, (v1, v2))

    # -- publications

    def record_publication(
        self,
        version: int,
        folder: str,
        ledger: Iterable[LedgerEntry] = (),
        *,
        published: datetime | None = None,
        base_url: str | None = None,
        territory: str | None = None,
        published_by: str | None = None,
    ) -> None:
        """Record that ``version`` is now published in ``folder``, with the ledger entries it changed,
        in one transaction (`planner.publish.publication` calls it once the folder is in place).
        ``territory`` defaults to the version's; ``published_by`` is who published it (kept, shown
        by ``planner history``)."""
        when = (published or self._clock()).astimezone(UTC).isoformat(timespec="seconds")
        with transaction(self.path) as conn:
            self._require(conn, version)
            if territory is None:
                territory = conn.execute("SELECT instance_name FROM versions WHERE version=?", (version,)).fetchone()[0]
            conn.execute(
                "INSERT INTO publications (version, published, folder, base_url, territory, published_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (version, when, folder, base_url, territory, published_by),
            )
            write_ledger(conn, ledger, when)

    def last_publication(self, territory: str | None = None) -> PublicationInfo | None:
        """The latest publication (of ``territory`` when given), or None when there is none yet."""
        where, params = ("WHERE territory=?", (territory,)) if territory is not None else ("", ())
        with connect(self.path) as conn:
            row = conn.execute(
                f"SELECT {_PUBLICATION_COLUMNS} FROM publications {where} ORDER BY id DESC LIMIT 1", params
            ).fetchone()
        return None if row is None else _publication(row)

    def publications(self) -> list[PublicationInfo]:
        """Every publication, oldest first."""
        with connect(self.path) as conn:
            rows = conn.execute(f"SELECT {_PUBLICATION_COLUMNS} FROM publications ORDER BY id").fetchall()
        return [_publication(row) for row in rows]

    def is_recorded(self, folder: str) -> bool:
        """Whether a publication into the folder named ``folder`` is recorded."""
        with connect(self.path) as conn:
            return conn.execute("SELECT 1 FROM publications WHERE folder=?", (folder,)).fetchone() is not None

    def published_territories(self) -> list[str]:
        """The territories this workspace publishes, the first published first."""
        with connect(self.path) as conn:
            rows = conn.execute(
                "SELECT territory FROM publications WHERE territory IS NOT NULL GROUP BY territory ORDER BY MIN(id)"
            ).fetchall()
        return [row[0] for row in rows]

    def territory_of(self, version: int) -> str:
        """The territory (instance name) ``version`` was planned for."""
        return str(self._column(version, "instance_name"))

    def published_by_territory(self) -> dict[str, int]:
        """The version in force of each territory published."""
        found = {}
        for territory in self.published_territories():
            last = self.last_publication(territory)
            if last is not None:
                found[territory] = last.version
        return found

    def published_version(self) -> int | None:
        last = self.last_publication()
        return None if last is None else last.version

    def published(self) -> tuple[int, Plan] | None:
        """The published version and its plan, or None when nothing was published yet."""
        version = self.published_version()
        return None if version is None else (version, self.load(version))

    # -- iCal event ledger

    def event_ledger(self) -> dict[str, LedgerEntry]:
        """Every event UID ever published, with its last SEQUENCE, content hash and data."""
        with connect(self.path) as conn:
            return read_ledger(conn)

    def update_event_ledger(self, entries: Iterable[LedgerEntry]) -> None:
        """Record (insert or replace) ledger entries, all in one transaction."""
        with transaction(self.path) as conn:
            write_ledger(conn, entries, self._now())

    # -- private subscription tokens

    def ensure_tokens(self, subjects: Iterable[str]) -> dict[str, str]:
        """The secret token of each subject (``staff:ID``, ``unit:ID``, ``coordination``), made on first use.

        A token names its subject's private folder of a publication and opens a person's page of the
        app: 192 random bits (`secrets.token_urlsafe`), so that it cannot be guessed.
        """
        wanted = list(dict.fromkeys(subjects))
        with transaction(self.path) as conn:
            known = dict(conn.execute("SELECT subject, token FROM tokens").fetchall())
            for subject in wanted:
                if subject not in known:
                    known[subject] = secrets.token_urlsafe(TOKEN_BYTES)
                    conn.execute(
                        "INSERT INTO tokens (subject, token, created) VALUES (?, ?, ?)",
                        (subject, known[subject], self._now()),
                    )
        return {s: known[s] for s in wanted}

    def forgotten(self) -> dict[str, str]:
        """The people forgotten (``planner oublier``): subject → pseudonym. They get no token again."""
        with connect(self.path) as conn:
            return dict(conn.execute("SELECT subject, pseudonym FROM forgotten ORDER BY subject").fetchall())

    def tokens(self) -> dict[str, str]:
        """Every subject's token."""
        with connect(self.path) as conn:
            return dict(conn.execute("SELECT subject, token FROM tokens ORDER BY subject").fetchall())

    def revoke(self, subject: str) -> str:
        """Replace the token of ``subject`` by a new one and return it: the old one opens nothing more
        (its private folder goes at the next publication)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with transaction(self.path) as conn:
            conn.execute(
                "INSERT INTO tokens (subject, token, created) VALUES (?, ?, ?) ON CONFLICT(subject) DO UPDATE"
                " SET token=excluded.token, created=excluded.created",
                (subject, token, self._now()),
            )
        return token

    def subject_of(self, token: str) -> str | None:
        """The subject a token belongs to, or None (compared in constant time, token by token)."""
        found = None
        for subject, known in self.tokens().items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = subject
        return found
