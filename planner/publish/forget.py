"""Forgetting a person (``planner oublier``, the app's button): their name and contact data leave
every stored version, the calendar ledger, the tokens, the private folders and the backups; the
public history stays as it was.

In the store, the person (a staff id, or an exact name) gets a pseudonym, « Personne retirée (p07) »:
every version's roster file (``roster.csv`` stored by SHA-256: rewritten with the pseudonym and without
home or contact columns, under its new digest; the old bytes are deleted), every version's names
(``labels``), every calendar event the ledger keeps (crew lists), and their token is deleted and never
made again. On disk, each publication in force is published again with its own ``public/`` copied
byte for byte (public files never named the staff) and new private files, without that person's
folder; a publication whose version cannot be rebuilt loses that person's folder in place. Backups
held the name: they are replaced by one new backup of the forgotten store.

The staff id stays (plans refer to it): a roster whose ids are people's names should be renumbered
by hand, in the territory's files.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from planner.domain.errors import TourneeError
from planner.publish.files import PRIVATE_DIR
from planner.publish.plan_inputs import sha256
from planner.publish.store import PlanStore
from planner.publish.store_schema import connect, transaction

#: Roster columns that say where a person lives or how to reach them: emptied.
CONTACT_COLUMNS = ("home_insee", "home_lat", "home_lon")
_CONTACT_WORDS = ("mail", "tel", "phone", "portable", "adresse", "address", "contact")


@dataclass(frozen=True)
class ForgetReport:
    """What `forget_person` changed."""

    staff_id: str
    pseudonym: str
    versions: tuple[int, ...]
    token_removed: bool
    republished: tuple[str, ...] = ()  # territories published again
    folders_removed: tuple[str, ...] = ()
    backups_replaced: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """The report in French, for the coordinator."""
        lines = [
            f"« {self.staff_id} » est désormais « {self.pseudonym} » dans {len(self.versions)} version(s) "
            "enregistrée(s) (nom et coordonnées retirés du personnel, des noms gardés avec chaque version et "
            "des calendriers).",
            "Son adresse privée est supprimée." if self.token_removed else "Aucune adresse privée à supprimer.",
        ]
        if self.republished:
            lines.append(
                "Republié sans son dossier privé (fichiers publics inchangés) : " + ", ".join(self.republished) + "."
            )
        if self.folders_removed:
            lines.append("Dossiers privés supprimés : " + ", ".join(self.folders_removed) + ".")
        if self.backups_replaced:
            lines.append(
                f"Les {self.backups_replaced} sauvegarde(s) précédente(s), qui pouvaient porter son nom, sont "
                "remplacées par une nouvelle."
            )
        lines += list(self.warnings)
        return "\n".join(lines)


def _roster_rows(data: bytes) -> tuple[str, list[list[str]]]:
    text = data.decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return delimiter, list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _is_contact(column: str) -> bool:
    name = column.strip().lower()
    return name in CONTACT_COLUMNS or any(word in name for word in _CONTACT_WORDS)


def scrub_roster(data: bytes, staff_id: str, pseudonym: str) -> tuple[bytes, str | None]:
    """``roster.csv`` with ``staff_id``'s name replaced by ``pseudonym`` and their contact cells emptied,
    and the name that was there (None when the roster has no such person: bytes unchanged)."""
    delimiter, rows = _roster_rows(data)
    if not rows:
        return data, None
    header = [c.strip().lower().lstrip("\ufeff") for c in rows[0]]
    if "id" not in header or "name" not in header:
        return data, None
    ident, name_col = header.index("id"), header.index("name")
    old = None
    for row in rows[1:]:
        if len(row) > max(ident, name_col) and row[ident].strip() == staff_id:
            old = row[name_col].strip()
            row[name_col] = pseudonym
            for i, column in enumerate(header):
                if i < len(row) and _is_contact(column):
                    row[i] = ""
    if old is None:
        return data, None
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8"), old


def _replace_names(value: Any, names: set[str], pseudonym: str) -> Any:
    """``value`` (JSON data) with every one of ``names`` inside its strings replaced by ``pseudonym``."""
    if isinstance(value, str):
        for name in sorted(names, key=len, reverse=True):
            value = value.replace(name, pseudonym)
        return value
    if isinstance(value, list):
        return [_replace_names(v, names, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: _replace_names(v, names, pseudonym) for k, v in value.items()}
    return value


def resolve_person(store: PlanStore, person: str) -> str:
    """The staff id of ``person`` (a staff id, or an exact name in some version); `TourneeError` if
    none, or if the name is that of several ids."""
    person = person.strip()
    ids: set[str] = set()
    names: set[str] = set()
    with connect(store.path) as conn:
        for (labels,) in conn.execute("SELECT labels_json FROM versions"):
            for ident, name in json.loads(labels).get("staff", {}).items():
                ids.add(ident)
                if name == person:
                    names.add(ident)
        subjects = {row[0] for row in conn.execute("SELECT subject FROM tokens")}
    ids |= {s.split(":", 1)[1] for s in subjects if s.startswith("staff:")}
    if person.removeprefix("staff:") in ids:
        return person.removeprefix("staff:")
    if len(names) == 1:
        return names.pop()
    if names:
        msg = f"« {person} » est le nom de plusieurs personnes ({', '.join(sorted(names))}) : donnez son identifiant"
        raise TourneeError(msg)
    msg = (
        f"« {person} » n'est ni un identifiant ni le nom exact d'une personne de {store.path} : "
        "donnez l'identifiant de roster.csv (voir « planner tokens list »)"
    )
    raise TourneeError(msg)


def _scrub_store(store: PlanStore, staff_id: str) -> tuple[str, tuple[int, ...], bool]:
    """Pseudonymise ``staff_id`` in one transaction; returns the pseudonym, the versions changed and
    whether a token was deleted."""
    subject = f"staff:{staff_id}"
    with transaction(store.path) as conn:
        row = conn.execute("SELECT pseudonym FROM forgotten WHERE subject=?", (subject,)).fetchone()
        if row is not None:
            pseudonym = row[0]
        else:
            count = conn.execute("SELECT COUNT(*) FROM forgotten").fetchone()[0]
            pseudonym = f"Personne retirée (p{count + 1:02d})"
            now = datetime.now(UTC).isoformat(timespec="seconds")
            conn.execute(
                "INSERT INTO forgotten (subject, pseudonym, forgotten) VALUES (?, ?, ?)", (subject, pseudonym, now)
            )
        names: set[str] = set()
        changed: list[int] = []
        rosters: dict[str, str] = {}  # old digest → new digest
        rows = conn.execute("SELECT version, labels_json, inputs_json FROM versions ORDER BY version").fetchall()
        for version, labels_text, inputs_text in rows:
            labels = json.loads(labels_text)
            staff = labels.get("staff", {})
            touched = False
            if staff_id in staff:
                if staff[staff_id] != pseudonym:
                    names.add(staff[staff_id])
                staff[staff_id] = pseudonym
                touched = True
            inputs = None if inputs_text is None else json.loads(inputs_text)
            if inputs is not None:
                digest = inputs["files"]["roster.csv"]
                if digest not in rosters:
                    content = conn.execute("SELECT content FROM files WHERE sha256=?", (digest,)).fetchone()
                    scrubbed, old = (b"", None) if content is None else scrub_roster(content[0], staff_id, pseudonym)
                    if old is not None:
                        if old != pseudonym:
                            names.add(old)
                        new = sha256(scrubbed)
                        conn.execute("INSERT OR IGNORE INTO files (sha256, content) VALUES (?, ?)", (new, scrubbed))
                        rosters[digest] = new
                    else:
                        rosters[digest] = digest
                if rosters[digest] != digest:
                    inputs["files"]["roster.csv"] = rosters[digest]
                    touched = True
            if touched:
                changed.append(version)
                conn.execute(
                    "UPDATE versions SET labels_json=?, inputs_json=? WHERE version=?",
                    (
                        json.dumps(labels, ensure_ascii=False),
                        None if inputs is None else json.dumps(inputs, ensure_ascii=False, sort_keys=True),
                        version,
                    ),
                )
        for old_digest, new_digest in rosters.items():
            if old_digest != new_digest:
                conn.execute("DELETE FROM files WHERE sha256=?", (old_digest,))
        if names:
            for uid, event_json in conn.execute("SELECT uid, event_json FROM ical_events").fetchall():
                event = _replace_names(json.loads(event_json), names, pseudonym)
                scrubbed_event = json.dumps(event, ensure_ascii=False)
                if scrubbed_event != event_json:
                    conn.execute("UPDATE ical_events SET event_json=? WHERE uid=?", (scrubbed_event, uid))
        removed = conn.execute("DELETE FROM tokens WHERE subject=?", (subject,)).rowcount > 0
    return pseudonym, tuple(changed), removed


def forget_person(
    workspace: str | Path, person: str, *, out_dir: str | Path | None = None, store: PlanStore | None = None
) -> ForgetReport:
    """Forget ``person`` (a staff id or an exact name) in the workspace ``workspace`` and its
    publication folder ``out_dir`` (default: ``workspace/publication``, the app's); see the module's
    docstring. Raises `TourneeError` (French) when the person is not found."""
    from planner.publish.backups import create_backup, list_backups
    from planner.publish.publication import publish_version, read_manifest
    from planner.publish.publication_folder import VERSIONS_DIR, _territory_dirs, current_folder
    from planner.publish.publication_lock import publication_lock

    store = store or PlanStore(workspace)
    out = Path(out_dir) if out_dir is not None else store.path.parent / "publication"
    staff_id = resolve_person(store, person)
    token = store.tokens().get(f"staff:{staff_id}")
    with publication_lock(store) as locked:
        if not locked:
            raise TourneeError("une publication est en cours : réessayez dans quelques minutes")
        pseudonym, versions, token_removed = _scrub_store(store, staff_id)
    republished: list[str] = []
    removed: list[str] = []
    warnings: list[str] = []
    if out.is_dir():
        for folder in _territory_dirs(out):
            name = current_folder(folder)
            if name is None or not (folder / VERSIONS_DIR / name).is_dir():
                continue
            manifest = read_manifest(folder / VERSIONS_DIR / name)
            if store.inputs(manifest.version) is not None:
                publish_version(
                    store, manifest.version, out, base_url=manifest.base_url or "", keep_public=True,
                    published_by=manifest.published_by, new_territory=True,
                )  # fmt: skip
                territory = manifest.territory or store.territory_of(manifest.version)
                republished.append(f"{territory} (version {manifest.version})")
            elif token is not None:
                private = folder / VERSIONS_DIR / name / PRIVATE_DIR / token
                if private.is_dir():
                    shutil.rmtree(private)
                    removed.append(str(private))
                warnings.append(
                    f"La version {manifest.version} ne peut être republiée (données d'entrée non enregistrées) : les "
                    "calendriers privés des unités et de la coordination portent encore son nom jusqu'à la prochaine "
                    "publication."
                )
    old_backups = list_backups(store.path)
    for backup in old_backups:
        backup.path.unlink(missing_ok=True)
    create_backup(store.path)
    return ForgetReport(
        staff_id, pseudonym, versions, token_removed, tuple(republished), tuple(removed), len(old_backups),
        tuple(warnings),
    )  # fmt: skip
