"""The one publishing sequence of the CLI and the app: all or nothing, one publication at a time, on
Linux, macOS and Windows. Kept apart from the folder's layout (`planner.publish.publication_folder`:
pointer file, links, versioned folders, what readers follow) and from the lock
(`planner.publish.publication_lock`), so that the order of the steps below reads in one place.

`publish_version`, under an exclusive lock (``publication.lock`` in the workspace, `filelock`:
``flock`` on POSIX, ``LockFileEx`` on Windows, released when the process dies), so that concurrent
publications run one after the other:

1. `recover` what an interrupted publication left, and back the store up (`planner.publish.backups`);
2. check the plan with the independent validator against its instance: a plan that fails (one made
   for another territory…) is refused before anything is written; a plan of a territory the
   workspace does not publish yet is refused unless ``new_territory=True``;
3. write every file into ``versions/.tmp-…`` with its mode (public 0644/0755, private 0600/0700, set
   explicitly whatever the umask, where the system has Unix modes) and flush files to disk;
4. rename the folder to its final name, then replace ``courante.txt`` by a new file naming it
   (`os.replace`, atomic on POSIX and Windows): readers (`current_path`) see the old publication or
   the new one, whole; where symbolic links are used, ``public`` and ``prive`` follow;
5. record the publication and its ledger changes in the store, in one transaction;
6. remove superseded folders.

Killed at any moment, it leaves ``courante.txt`` on the old publication (before step 4) or on the
new one (after). `recover`, run first by every publication and by readers, records in the store a
switched publication it finds unrecorded (from its ``publication.json``), puts the links back in step
with the pointer and removes every temporary or superseded folder: the store and the folders then
name the same version. A folder of an earlier layout (a ``current`` symbolic link, or real
``public/`` and ``prive/`` folders) is taken over the same way.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from planner.domain.errors import PlanningError, TourneeError
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.event_ledger import LedgerEntry
from planner.publish.feed_names import slug
from planner.publish.files import COORDINATOR_FEED, PRIVATE_DIR, PUBLIC_DIR, write_atomic
from planner.publish.plan_inputs import PlanInputs
from planner.publish.publication_folder import (
    MANIFEST,
    POINTER,
    TERRITORIES_DIR,
    TMP_PREFIX,
    VERSIONS_DIR,
    _clean,
    _ensure_links,
    _fsync_dir,
    _prepare,
    _set_modes,
    _switch,
    _sync_tree,
    _territory_dirs,
    current_folder,
)
from planner.publish.publication_lock import LOCK_WAIT_SECONDS, _lock_or_fail, publication_lock
from planner.publish.store import PlanStore

#: Prefix of the throw-away private folders of forgotten people (removed before the switch).
_FORGOTTEN_PREFIX = ".oubli-"


@dataclass(frozen=True)
class Publication:
    """What a publication wrote: the version, its territory's publication folder, the folder of this
    publication, and its public and private files (their real paths in ``versions/…``)."""

    version: int
    out_dir: Path
    folder: str
    base_url: str | None
    public: tuple[Path, ...]
    private: tuple[Path, ...]
    territory: str = ""
    published_by: str | None = None

    @property
    def path(self) -> Path:
        """The folder of this publication (``public/`` and ``prive/`` inside)."""
        return self.out_dir / VERSIONS_DIR / self.folder

    def text(self) -> str:
        """One French line for the coordinator."""
        return (
            f"{len(self.public) + len(self.private)} fichiers écrits dans {self.out_dir} : {len(self.public)} publics "
            f"(dossier {PUBLIC_DIR}/), {len(self.private)} privés (dossier {PRIVATE_DIR}/, un sous-dossier secret "
            "par personne et par unité : « planner tokens list » donne leurs adresses)."
        )


# --- Manifest -----------------------------------------------------------------------------------


def _manifest(
    version: int,
    folder: str,
    published: datetime,
    base_url: str | None,
    ledger: tuple[LedgerEntry, ...],
    territory: str,
    published_by: str | None,
) -> bytes:
    data = {
        "version": version,
        "folder": folder,
        "territory": territory,
        "published": published.isoformat(timespec="seconds"),
        "published_by": published_by,
        "base_url": base_url,
        "ledger": [
            {"uid": e.uid, "sequence": e.sequence, "hash": e.content_hash, "feeds": list(e.feeds), "event": e.event,
             "cancelled": e.cancelled}
            for e in ledger
        ],
    }  # fmt: skip
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Manifest:
    """What ``publication.json`` says of its publication folder."""

    version: int
    published: datetime
    base_url: str | None
    ledger: tuple[LedgerEntry, ...]
    territory: str | None = None
    published_by: str | None = None


def read_manifest(folder: Path) -> Manifest:
    """Version, time, public address, territory, publisher and ledger changes of a publication folder."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{folder / MANIFEST} est illisible ({exc}) : publiez à nouveau la version voulue"
        raise TourneeError(msg) from None
    ledger = tuple(
        LedgerEntry(e["uid"], e["sequence"], e["hash"], tuple(e["feeds"]), e["event"], e["cancelled"])
        for e in data["ledger"]
    )
    return Manifest(
        int(data["version"]),
        datetime.fromisoformat(data["published"]),
        data.get("base_url"),
        ledger,
        data.get("territory"),
        data.get("published_by"),
    )


# --- Recovery -----------------------------------------------------------------------------------


def _recover_dir(store: PlanStore, out: Path) -> None:
    name = current_folder(out)
    if name is not None and not (out / VERSIONS_DIR / name).is_dir():
        name = None  # a pointer to nothing (removed by hand): nothing in force here
    if name is not None:
        if not store.is_recorded(name):  # switched, then interrupted before being recorded
            m = read_manifest(out / VERSIONS_DIR / name)
            store.record_publication(
                m.version, name, m.ledger, published=m.published, base_url=m.base_url, territory=m.territory,
                published_by=m.published_by,
            )  # fmt: skip
        if current_folder(out) != name or not (out / POINTER).is_file():
            _switch(out, name)  # the first layout's `current` link becomes the pointer
        _ensure_links(out, name)
    if (out / VERSIONS_DIR).is_dir():
        _clean(out, keep=name)


def _recover_locked(store: PlanStore, out: Path) -> None:
    for folder in _territory_dirs(out):
        _recover_dir(store, folder)


def recover(store: PlanStore, out_dir: str | Path, *, wait: float = LOCK_WAIT_SECONDS) -> bool:
    """Bring the store and the folder ``out_dir`` (every territory in it) back in step after an
    interrupted publication (see the module's docstring); False when another publication held the
    lock for ``wait`` seconds."""
    out = Path(out_dir)
    if not out.is_dir():
        return True
    with publication_lock(store, wait=wait) as locked:
        if locked:
            _recover_locked(store, out)
        return locked


# --- Publishing ---------------------------------------------------------------------------------


def check_publishable(instance: Instance, plan: Plan, roads: str = "estimate") -> None:
    """Raise `PlanningError` (French) unless ``plan`` passes the validator against ``instance``.

    ``roads`` is the travel choice the plan was made with: a plan made on roads is checked against the
    road matrix (as `planner.planning.pipeline` does), else against the validator's own estimate.
    """
    from planner.check.validate import validate, validate_as_made  # publishing only: `history` stays quick

    if roads == "estimate":
        violations = validate(instance, plan)
    else:
        from planner.travel import travel_for

        violations = validate_as_made(instance, plan, travel_for(instance, roads))
    if violations:
        listed = "\n".join(f"- {v.message}" for v in violations[:10])
        more = f"\n… et {len(violations) - 10} autre(s)" if len(violations) > 10 else ""
        msg = (
            f"ce plan ne peut pas être publié pour « {instance.name} » : il enfreint {len(violations)} règle(s).\n"
            f"{listed}{more}\nVérifiez qu'il a été calculé pour ce territoire et ces données, ou recalculez-le "
            "(planner plan) ; rien n'a été publié."
        )
        raise PlanningError(msg)


def check_territory(store: PlanStore, territory: str, out_dir: str | Path, *, new_territory: bool = False) -> Path:
    """The publication folder of ``territory`` in ``out_dir``; raises `TourneeError` (French) when the
    workspace already publishes other territories and ``new_territory`` was not asked."""
    out = Path(out_dir)
    known = store.published_territories()
    if not known or known[0] == territory:
        return out
    beside = out / TERRITORIES_DIR / slug(territory)
    if territory in known or new_territory:
        return beside
    names = ", ".join(f"« {t} »" for t in known)
    msg = (
        f"l'espace de travail {store.path.parent} publie déjà {names} ; le plan à publier est celui de "
        f"« {territory} ». Rien n'a été publié. Pour publier « {territory} » à côté, sans toucher à la publication "
        f"de {names} (dans {beside}), relancez avec --territoire-nouveau ; sinon choisissez l'espace de travail "
        f"de « {territory} » (--workspace)."
    )
    raise TourneeError(msg)


class _Tokens:
    """Each private subject's folder: its secret token, made on first use; a throw-away folder for a
    forgotten person (removed before the publication is switched)."""

    def __init__(self, store: PlanStore, instance: Instance) -> None:
        self.store = store
        self.forgotten = set(store.forgotten())
        units = [f"unit:{u.id}" for u in instance.units]
        wanted = [COORDINATOR_FEED, *units, *(f"staff:{s.id}" for s in instance.staff)]
        self.known = store.ensure_tokens([s for s in wanted if s not in self.forgotten])

    def __call__(self, subject: str) -> str:
        if subject in self.forgotten:
            return f"{_FORGOTTEN_PREFIX}{slug(subject)}"
        if subject not in self.known:
            self.known.update(self.store.ensure_tokens([subject]))
        return self.known[subject]


def publish_version(
    store: PlanStore,
    version: int,
    out_dir: str | Path,
    *,
    instance: Instance | None = None,
    base_url: str | None = None,
    stamp: datetime | None = None,
    published_by: str | None = None,
    new_territory: bool = False,
    keep_public: bool = False,
) -> Publication:
    """Publish saved ``version`` into ``out_dir``, all or nothing (see the module's docstring).

    ``instance`` is rebuilt from the version's stored inputs unless given (a version saved without its
    inputs needs it). ``base_url`` is the public address of ``public/`` (links, QR codes); None
    keeps the one of the territory's last publication, "" publishes without one. ``published_by``
    (the coordinator's name) is kept with the publication and shown by ``planner history``. A plan of
    a territory the workspace does not publish yet is refused unless ``new_territory``: it then goes
    to ``out_dir/territoires/<slug>/``, beside the others. ``keep_public`` republishes the private
    files only: ``public/`` is copied byte for byte from the publication in force (`forget_person`).
    Raises `PlanningError` when the plan fails the validator, `TourneeError` when the territory is
    refused or another publication holds the lock too long; nothing is published then.
    """
    inputs: PlanInputs | None
    if instance is None:
        inputs, instance, plan = store.rebuild(version)
    else:
        inputs, plan = store.inputs(version), store.load(version)
    check_publishable(instance, plan, inputs.options.roads if inputs else "estimate")
    territory = plan.instance_name
    check_territory(store, territory, out_dir, new_territory=new_territory)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with publication_lock(store) as locked:
        if not locked:
            _lock_or_fail(store)
        if (Path(out_dir) / VERSIONS_DIR).is_dir() or (Path(out_dir) / TERRITORIES_DIR).is_dir():
            _recover_locked(store, Path(out_dir))
        out = check_territory(store, territory, out_dir, new_territory=new_territory)
        _prepare(out)
        from planner.publish.backups import create_backup  # before anything changes

        create_backup(store.path)
        if base_url is None:
            last = store.last_publication(territory)
            base_url = last.base_url if last else None
        base_url = base_url or None
        name = f"v{version}-{secrets.token_hex(8)}"
        tmp = out / VERSIONS_DIR / f"{TMP_PREFIX}{name}"
        tokens = _Tokens(store, instance)
        from planner.publish.feeds import publish_feeds  # publishing only: `history` stays quick
        from planner.publish.posters import write_posters

        feeds = publish_feeds(
            instance, plan, tmp, store=store, base_url=base_url, record=False, private_folder=tokens, stamp=stamp
        )
        pages = write_posters(instance, plan, tmp, base_url=base_url, private_folder=tokens)
        for folder in (tmp / PRIVATE_DIR).glob(f"{_FORGOTTEN_PREFIX}*"):
            shutil.rmtree(folder)
        if keep_public:
            _copy_public(out, tmp)
        published = datetime.now(UTC).replace(microsecond=0)
        manifest = _manifest(version, name, published, base_url, feeds.ledger_changes, territory, published_by)
        write_atomic(tmp / MANIFEST, manifest)
        _set_modes(tmp)
        _sync_tree(tmp)
        os.rename(tmp, out / VERSIONS_DIR / name)
        _fsync_dir(out / VERSIONS_DIR)
        _switch(out, name)  # the one step that publishes
        _ensure_links(out, name)
        store.record_publication(
            version, name, feeds.ledger_changes, published=published, base_url=base_url, territory=territory,
            published_by=published_by,
        )  # fmt: skip
        _clean(out, keep=name)
    final = out / VERSIONS_DIR / name
    seen = [final / p.relative_to(tmp) for p in (*feeds.all_paths(), feeds.private_index, *pages)]
    seen = sorted({p for p in seen if p.is_file()})
    if keep_public:
        seen = sorted({*seen, *(p for p in (final / PUBLIC_DIR).rglob("*") if p.is_file())})
    return Publication(
        version,
        out,
        name,
        base_url,
        tuple(p for p in seen if p.parts[len(final.parts)] == PUBLIC_DIR),
        tuple(p for p in seen if p.parts[len(final.parts)] == PRIVATE_DIR),
        territory,
        published_by,
    )


def _copy_public(out: Path, tmp: Path) -> None:
    """Replace the new ``public/`` by a byte-for-byte copy of the one in force (if any)."""
    current = current_folder(out)
    source = None if current is None else out / VERSIONS_DIR / current / PUBLIC_DIR
    if source is None or not source.is_dir():
        return
    shutil.rmtree(tmp / PUBLIC_DIR)
    shutil.copytree(source, tmp / PUBLIC_DIR)
