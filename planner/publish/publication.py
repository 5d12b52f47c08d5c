"""The one publishing sequence of the CLI and the app: all or nothing, one publication at a time, on
Linux, macOS and Windows.

A publication folder ``OUT`` holds one territory's publication (the first territory the workspace
published), and any other territory published beside it under ``OUT/territoires/<slug>/``, laid out
the same way (``T`` below: ``OUT`` or ``OUT/territoires/<slug>``)::

    T/courante.txt                             the name of the publication in force (the pointer)
    T/versions/v7-<random>/public/…            the files of one publication, never changed once written
    T/versions/v7-<random>/prive/<token>/…     private files, one folder per secret token
    T/versions/v7-<random>/publication.json    what it holds: version, territory, time, who, ledger changes
    T/current -> versions/v7-<random>          where the system has symbolic links (Linux, macOS), kept
    T/public -> current/public                 in step with the pointer: what a static web server serves
    T/prive  -> current/prive

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# filelock rather than fcntl: the lock must work on Windows too (see pyproject.toml)
from filelock import FileLock, Timeout

from planner.domain.errors import PlanningError, TourneeError
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.event_ledger import LedgerEntry
from planner.publish.feed_names import slug
from planner.publish.files import COORDINATOR_FEED, PRIVATE_DIR, PUBLIC_DIR, write_atomic
from planner.publish.plan_inputs import PlanInputs
from planner.publish.store import PlanStore

LOCK_FILE = "publication.lock"
VERSIONS_DIR = "versions"
#: The pointer file naming the publication in force (one line: the folder's name in ``versions/``).
POINTER = "courante.txt"
#: The symbolic link to the publication in force where symbolic links are used (`POSIX`), kept in step
#: with the pointer; the publication in force of the first layout, read when there is no pointer.
CURRENT = "current"
TERRITORIES_DIR = "territoires"
MANIFEST = "publication.json"
TMP_PREFIX = ".tmp-"
#: Prefix of the throw-away private folders of forgotten people (removed before the switch).
_FORGOTTEN_PREFIX = ".oubli-"
#: Seconds a publication waits for another one to finish before giving up.
LOCK_WAIT_SECONDS = 120.0
PUBLIC_MODES = (0o755, 0o644)  # folders, files: readable by a web server running as another user
PRIVATE_MODES = (0o700, 0o600)
#: Whether ``public`` and ``prive`` are kept as symbolic links to the publication in force (for static
#: web servers) and folders are flushed with ``fsync``: POSIX only. On Windows (False), readers follow
#: the pointer file through `current_path`; tests set it to False to run the Windows path on Linux.
POSIX = os.name == "posix"


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


# --- The lock -----------------------------------------------------------------------------------


@contextmanager
def publication_lock(store: PlanStore, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[bool]:
    """Hold the workspace's publication lock; yields False (without the lock) if ``wait`` runs out
    while another process holds it. The lock goes with the process, even when it is killed."""
    lock = FileLock(store.path.parent / LOCK_FILE, mode=0o600)
    try:
        lock.acquire(timeout=wait, poll_interval=0.02)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _lock_or_fail(store: PlanStore) -> None:
    msg = (
        f"une autre publication de {store.path.parent} est en cours depuis plus de {LOCK_WAIT_SECONDS:.0f} s : "
        "réessayez plus tard"
    )
    raise TourneeError(msg)


# --- Folder plumbing ----------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    """A folder's entries on disk (POSIX; Windows has no handle on a folder to flush)."""
    if not POSIX:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _chmod(path: Path, mode: int) -> None:
    if POSIX:
        os.chmod(path, mode)


def _link(out: Path, target: str, name: str) -> None:
    """Point ``out/name`` at ``target`` in one atomic step (a new link renamed over the old one; POSIX)."""
    tmp = out / f"{TMP_PREFIX}{name}-{secrets.token_hex(4)}"
    os.symlink(target, tmp)
    os.replace(tmp, out / name)


def _switch(out: Path, name: str) -> None:
    """Make ``versions/name`` the publication in force: the pointer file replaced in one atomic step."""
    write_atomic(out / POINTER, f"{name}\n".encode())
    _chmod(out / POINTER, PUBLIC_MODES[1])
    _fsync_dir(out)


def _set_modes(folder: Path) -> None:
    """Public files world-readable, private ones owner-only, whatever the umask."""
    if not POSIX:
        return
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
    """Name of the publication in force in the folder ``out_dir`` (its pointer file, or the ``current``
    link of the first layout), or None before the first publication."""
    out = Path(out_dir)
    try:
        name = (out / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        name = ""
    except OSError:
        return None
    if not name:
        try:
            name = Path(os.readlink(out / CURRENT)).name
        except (OSError, ValueError, NotImplementedError):
            return None
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return name


def territory_dir(out_dir: str | Path, territory: str | None = None) -> Path:
    """The publication folder of ``territory`` inside ``out_dir``: ``out_dir/territoires/<slug>`` for a
    territory published beside the first one, else ``out_dir`` itself."""
    out = Path(out_dir)
    if territory:
        beside = out / TERRITORIES_DIR / slug(territory)
        if beside.is_dir():
            return beside
    return out


def current_path(out_dir: str | Path, territory: str | None = None) -> Path | None:
    """The folder of the publication in force (``public/`` and ``prive/`` inside) of ``territory`` (default:
    the first territory published in ``out_dir``), or None. What readers follow, on every system."""
    folder = territory_dir(out_dir, territory)
    name = current_folder(folder)
    path = None if name is None else folder / VERSIONS_DIR / name
    return path if path is not None and path.is_dir() else None


def published_file(out_dir: str | Path, relative: str, territory: str | None = None) -> Path | None:
    """A file of the publication in force (``public/commune-76217.ics``), or None when there is none."""
    root = current_path(out_dir, territory)
    if root is None or relative.startswith(("/", "\\")) or ".." in Path(relative).parts:
        return None
    path = root / relative
    return path if path.is_file() else None


def _ensure_links(out: Path, name: str) -> None:
    """Where symbolic links are used (`POSIX`), ``current`` points at ``versions/name`` (replaced in one
    atomic step) and ``public``, ``prive`` at ``current/public``, ``current/prive``: a static web server
    switches to the new publication whole. Elsewhere such links are removed. Real ``public/`` and
    ``prive/`` folders of the first layout are moved aside and removed with the other leftovers."""
    for sub in (PUBLIC_DIR, PRIVATE_DIR):
        path = out / sub
        if path.exists() and not path.is_symlink():
            os.replace(path, out / VERSIONS_DIR / f"{TMP_PREFIX}ancien-{sub}-{secrets.token_hex(4)}")
    if POSIX:
        target = f"{VERSIONS_DIR}/{name}"
        if not ((out / CURRENT).is_symlink() and os.readlink(out / CURRENT) == target):
            _link(out, target, CURRENT)
        for sub in (PUBLIC_DIR, PRIVATE_DIR):
            if not (out / sub).is_symlink():
                _link(out, f"{CURRENT}/{sub}", sub)
    else:
        for link in (CURRENT, PUBLIC_DIR, PRIVATE_DIR):
            if (out / link).is_symlink():
                (out / link).unlink()
    _fsync_dir(out)


def _remove(path: Path) -> None:
    """Remove a file, link or folder; one still open elsewhere (Windows: a web server reading a file) is
    left for the next run's cleaning."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except PermissionError:
        if POSIX:
            raise


def _clean(out: Path, keep: str | None) -> None:
    """Remove temporary links and files and every publication folder but ``keep``."""
    for path in [*out.glob(f"{TMP_PREFIX}*"), *out.glob(".*.tmp")]:
        _remove(path)
    for path in (out / VERSIONS_DIR).iterdir():
        if path.name != keep:
            _remove(path)


def _prepare(out: Path) -> None:
    (out / VERSIONS_DIR).mkdir(parents=True, exist_ok=True)
    _chmod(out, PUBLIC_MODES[0])
    _chmod(out / VERSIONS_DIR, PUBLIC_MODES[0])


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


def _territory_dirs(out: Path) -> list[Path]:
    """``out`` and each territory's folder published beside the first one."""
    beside = out / TERRITORIES_DIR
    return [out, *(sorted(p for p in beside.iterdir() if p.is_dir() and not p.is_symlink()) if beside.is_dir() else [])]


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
