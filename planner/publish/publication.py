"""The one publishing sequence of the CLI and the app: all or nothing, one publication at a time.

A publication folder ``OUT`` holds::

    OUT/versions/v7-<random>/public/…           the files of one publication, never changed once written
    OUT/versions/v7-<random>/prive/<token>/…     private files, one folder per secret token
    OUT/versions/v7-<random>/publication.json    what it holds: version, time, calendar-ledger changes
    OUT/current -> versions/v7-<random>          the publication in force
    OUT/public  -> current/public                what a web server serves
    OUT/prive   -> current/prive

`publish_version`, under an exclusive lock (``publication.lock`` in the workspace, `fcntl.flock`), so
that concurrent publications run one after the other:

1. `recover` what an interrupted publication left;
2. check the plan with the independent validator against its instance: a plan that fails (one made
   for another territory…) is refused before anything is written;
3. write every file into ``versions/.tmp-…`` with its mode (public 0644/0755, private 0600/0700, set
   explicitly whatever the umask) and flush files and folders to disk;
4. rename the folder to its final name, then switch ``current`` to it by renaming a new symbolic link
   over it (`os.replace`, atomic on POSIX): readers see the old publication or the new one, whole;
5. record the publication and its ledger changes in the store, in one transaction;
6. remove superseded folders.

Killed at any moment, it leaves ``current`` on the old publication (before step 4) or on the new one
(after). `recover`, run first by every publication and by readers, records in the store a switched
publication it finds unrecorded (from its ``publication.json``) and removes every temporary or
superseded folder: the store and both folders then name the same version.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from planner.domain.errors import PlanningError, TourneeError
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.event_ledger import LedgerEntry
from planner.publish.files import COORDINATOR_FEED, PRIVATE_DIR, PUBLIC_DIR, write_atomic
from planner.publish.plan_inputs import PlanInputs
from planner.publish.store import PlanStore

LOCK_FILE = "publication.lock"
VERSIONS_DIR = "versions"
CURRENT = "current"
MANIFEST = "publication.json"
TMP_PREFIX = ".tmp-"
#: Seconds a publication waits for another one to finish before giving up.
LOCK_WAIT_SECONDS = 120.0
PUBLIC_MODES = (0o755, 0o644)  # folders, files: readable by a web server running as another user
PRIVATE_MODES = (0o700, 0o600)


@dataclass(frozen=True)
class Publication:
    """What a publication wrote: the version, its folder, and its public and private files (reached
    through ``OUT/public`` and ``OUT/prive``)."""

    version: int
    out_dir: Path
    folder: str
    base_url: str | None
    public: tuple[Path, ...]
    private: tuple[Path, ...]

    def text(self) -> str:
        """One French line for the coordinator."""
        return (
            f"{len(self.public) + len(self.private)} fichiers écrits dans {self.out_dir} : {len(self.public)} publics "
            f"(dossier {PUBLIC_DIR}/), {len(self.private)} privés (dossier {PRIVATE_DIR}/, un sous-dossier secret "
            "par personne et par unité : « planner tokens list » donne leurs adresses)."
        )


# --- The lock -----------------------------------------------------------------------------------


@contextmanager
def publication_lock(store: PlanStore, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[bool]:
    """Hold the workspace's publication lock; yields False (without the lock) if ``wait`` runs out
    while another process holds it. The lock goes with the process, even when it is killed."""
    import fcntl  # POSIX only, like the atomic switch of a symbolic link

    fd = os.open(store.path.parent / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.02)
            else:
                break
        yield True
    finally:
        os.close(fd)  # releases the lock


def _lock_or_fail(store: PlanStore) -> None:
    msg = (
        f"une autre publication de {store.path.parent} est en cours depuis plus de {LOCK_WAIT_SECONDS:.0f} s : "
        "réessayez plus tard"
    )
    raise TourneeError(msg)


# --- Folder plumbing ----------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link(out: Path, target: str, name: str) -> None:
    """Point ``out/name`` at ``target`` in one atomic step (a new link renamed over the old one)."""
    tmp = out / f"{TMP_PREFIX}{name}-{secrets.token_hex(4)}"
    os.symlink(target, tmp)
    os.replace(tmp, out / name)
    _fsync_dir(out)


def _set_modes(folder: Path) -> None:
    """Public files world-readable, private ones owner-only, whatever the umask."""
    os.chmod(folder, PUBLIC_MODES[0])
    for sub, (dir_mode, file_mode) in ((PUBLIC_DIR, PUBLIC_MODES), (PRIVATE_DIR, PRIVATE_MODES)):
        for root, dirs, files in os.walk(folder / sub):
            os.chmod(root, dir_mode)
            for name in files:
                os.chmod(Path(root) / name, file_mode)
            for name in dirs:
                os.chmod(Path(root) / name, dir_mode)
    os.chmod(folder / MANIFEST, PRIVATE_MODES[1])


def _sync_tree(folder: Path) -> None:
    """Every folder's entries on disk (files were flushed as they were written)."""
    for root, _, _ in os.walk(folder):
        _fsync_dir(Path(root))


def current_folder(out_dir: str | Path) -> str | None:
    """Name of the publication folder ``OUT/current`` points to, or None before the first publication."""
    try:
        return Path(os.readlink(Path(out_dir) / CURRENT)).name
    except (FileNotFoundError, OSError):
        return None


def _ensure_links(out: Path) -> None:
    """``OUT/public`` and ``OUT/prive`` as links through ``current``; real folders of the old layout
    (before versioned folders) are moved aside first and removed with the other leftovers."""
    for name in (PUBLIC_DIR, PRIVATE_DIR):
        path = out / name
        if path.is_symlink():
            continue
        if path.exists():
            os.replace(path, out / VERSIONS_DIR / f"{TMP_PREFIX}ancien-{name}-{secrets.token_hex(4)}")
        _link(out, f"{CURRENT}/{name}", name)


def _clean(out: Path, keep: str | None) -> None:
    """Remove temporary links and every publication folder but ``keep``."""
    for path in out.glob(f"{TMP_PREFIX}*"):
        path.unlink(missing_ok=True)
    for path in (out / VERSIONS_DIR).iterdir():
        if path.name != keep:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)


def _prepare(out: Path) -> None:
    (out / VERSIONS_DIR).mkdir(parents=True, exist_ok=True)
    os.chmod(out, PUBLIC_MODES[0])
    os.chmod(out / VERSIONS_DIR, PUBLIC_MODES[0])


# --- Manifest -----------------------------------------------------------------------------------


def _manifest(
    version: int, folder: str, published: datetime, base_url: str | None, ledger: tuple[LedgerEntry, ...]
) -> bytes:
    data = {
        "version": version,
        "folder": folder,
        "published": published.isoformat(timespec="seconds"),
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


def read_manifest(folder: Path) -> Manifest:
    """Version, time, public address and ledger changes of a publication folder."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"{folder / MANIFEST} est illisible ({exc}) : publiez à nouveau la version voulue"
        raise TourneeError(msg) from None
    ledger = tuple(
        LedgerEntry(e["uid"], e["sequence"], e["hash"], tuple(e["feeds"]), e["event"], e["cancelled"])
        for e in data["ledger"]
    )
    return Manifest(int(data["version"]), datetime.fromisoformat(data["published"]), data.get("base_url"), ledger)


# --- Recovery -----------------------------------------------------------------------------------


def _recover_locked(store: PlanStore, out: Path) -> None:
    name = current_folder(out)
    if name is not None:
        last = store.last_publication()
        if last is None or last.folder != name:  # switched, then interrupted before being recorded
            m = read_manifest(out / VERSIONS_DIR / name)
            store.record_publication(m.version, name, m.ledger, published=m.published, base_url=m.base_url)
        _ensure_links(out)
    if (out / VERSIONS_DIR).is_dir():
        _clean(out, keep=name)


def recover(store: PlanStore, out_dir: str | Path, *, wait: float = LOCK_WAIT_SECONDS) -> bool:
    """Bring the store and the folder ``out_dir`` back in step after an interrupted publication
    (see the module's docstring); False when another publication held the lock for ``wait`` seconds."""
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


class _Tokens:
    """Each private subject's folder: its secret token, made on first use."""

    def __init__(self, store: PlanStore, instance: Instance) -> None:
        self.store = store
        units = [f"unit:{u.id}" for u in instance.units]
        self.known = store.ensure_tokens([COORDINATOR_FEED, *units, *(f"staff:{s.id}" for s in instance.staff)])

    def __call__(self, subject: str) -> str:
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
) -> Publication:
    """Publish saved ``version`` into ``out_dir``, all or nothing (see the module's docstring).

    ``instance`` is rebuilt from the version's stored inputs unless given (a version saved without its
    inputs needs it). ``base_url`` is the public address of ``OUT/public`` (links, QR codes); None
    keeps the one of the last publication, "" publishes without one.
    Raises `PlanningError` when the plan fails the validator, `TourneeError` when another
    publication holds the lock too long; nothing is published then.
    """
    out = Path(out_dir)
    inputs: PlanInputs | None
    if instance is None:
        inputs, instance, plan = store.rebuild(version)
    else:
        inputs, plan = store.inputs(version), store.load(version)
    check_publishable(instance, plan, inputs.options.roads if inputs else "estimate")
    out.mkdir(parents=True, exist_ok=True)
    with publication_lock(store) as locked:
        if not locked:
            _lock_or_fail(store)
        _prepare(out)
        _recover_locked(store, out)
        if base_url is None:
            last = store.last_publication()
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
        published = datetime.now(UTC).replace(microsecond=0)
        write_atomic(tmp / MANIFEST, _manifest(version, name, published, base_url, feeds.ledger_changes))
        _set_modes(tmp)
        _sync_tree(tmp)
        os.rename(tmp, out / VERSIONS_DIR / name)
        _fsync_dir(out / VERSIONS_DIR)
        _link(out, f"{VERSIONS_DIR}/{name}", CURRENT)  # the one step that publishes
        store.record_publication(version, name, feeds.ledger_changes, published=published, base_url=base_url)
        _ensure_links(out)
        _clean(out, keep=name)
    files = [*feeds.all_paths(), feeds.private_index, *pages]
    seen = [out / p.relative_to(tmp) for p in files]
    return Publication(
        version,
        out,
        name,
        base_url,
        tuple(p for p in seen if p.parts[len(out.parts)] == PUBLIC_DIR),
        tuple(p for p in seen if p.parts[len(out.parts)] == PRIVATE_DIR),
    )
