"""The publication folder's layout, apart from the sequence that writes it: the pointer file, the
links for static web servers, the versioned folders, their modes and flushing, and what readers
(`current_path`, `published_file`) follow, so that the app's pages read a publication without
loading the publishing sequence.

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

`POSIX` is read here only, at call time, so that tests can switch it off to run the Windows path.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from planner.publish.feed_names import slug
from planner.publish.files import PRIVATE_DIR, PUBLIC_DIR, write_atomic

VERSIONS_DIR = "versions"
#: The pointer file naming the publication in force (one line: the folder's name in ``versions/``).
POINTER = "courante.txt"
#: The symbolic link to the publication in force where symbolic links are used (`POSIX`), kept in step
#: with the pointer; the publication in force of the first layout, read when there is no pointer.
CURRENT = "current"
TERRITORIES_DIR = "territoires"
MANIFEST = "publication.json"
TMP_PREFIX = ".tmp-"
PUBLIC_MODES = (0o755, 0o644)  # folders, files: readable by a web server running as another user
PRIVATE_MODES = (0o700, 0o600)
#: Whether ``public`` and ``prive`` are kept as symbolic links to the publication in force (for static
#: web servers) and folders are flushed with ``fsync``: POSIX only. On Windows (False), readers follow
#: the pointer file through `current_path`; tests set it to False to run the Windows path on Linux.
POSIX = os.name == "posix"


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


def _territory_dirs(out: Path) -> list[Path]:
    """``out`` and each territory's folder published beside the first one."""
    beside = out / TERRITORIES_DIR
    return [out, *(sorted(p for p in beside.iterdir() if p.is_dir() and not p.is_symlink()) if beside.is_dir() else [])]
