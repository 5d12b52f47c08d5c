"""The workspace's publication lock, so that concurrent publications (the CLI, the app, two
coordinators) run one after the other: `filelock` rather than ``fcntl``, as it must work on Windows
too (``flock`` on POSIX, ``LockFileEx`` on Windows), and is released when the process dies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# filelock rather than fcntl: the lock must work on Windows too (see pyproject.toml)
from filelock import FileLock, Timeout

from planner.domain.errors import TourneeError
from planner.publish.store import PlanStore

LOCK_FILE = "publication.lock"
#: Seconds a publication waits for another one to finish before giving up.
LOCK_WAIT_SECONDS = 120.0


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
