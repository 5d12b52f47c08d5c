"""The workspace store across processes: a writer killed (SIGKILL) while saving loses nothing, and
two processes opening a new workspace at once both succeed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from planner.publish.store import PlanStore
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow  # writers killed, workspaces opened by two processes

CHILD = textwrap.dedent(
    """
    import sys
    from planner.publish.store import PlanStore
    from tests.support.builders import small_instance
    from tests.support.plan_builders import sample_plan
    instance = small_instance(weeks=30)
    plan = sample_plan(instance)
    store = PlanStore(sys.argv[1])
    for i in range(10_000):
        store.save(plan, instance, note=f"boucle {i}")
    """
)


def test_killed_writer_loses_nothing(tmp_path, small_instance, sample_plan):
    """A process killed (SIGKILL) while saving in a loop leaves a sound store: every listed version
    loads, and the version published before is still published."""
    ws = tmp_path / "ws"
    store = PlanStore(ws)
    v1 = store.save(sample_plan(small_instance), small_instance, note="publiée")
    store.record_publication(v1, "v1-a")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ws)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    try:
        deadline = time.monotonic() + 30
        while len(store.history()) < 6 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert child.poll() is None, "the writer stopped before it was killed"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
    with sqlite3.connect(ws / "tournee.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    history = store.history()
    assert len(history) >= 6
    for info in history:
        assert store.load(info.version).tours  # every saved version is whole
    assert store.published()[0] == v1


OPEN_ON_GO = """
import sys
from planner.publish.store import PlanStore
sys.stdin.readline()
PlanStore(sys.argv[1])
"""


def test_two_processes_opening_a_new_workspace_at_once_both_succeed(tmp_path: Path) -> None:
    """Two processes open the same new workspace at the same instant, ten times: both succeed (SQLite
    refused one of them the switch to WAL, at once, in about half of such openings)."""
    root = ROOT
    for trial in range(10):
        children = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_ON_GO, str(tmp_path / f"espace-{trial}")],
                cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
            for _ in range(2)
        ]  # fmt: skip
        time.sleep(0.5)  # both have imported the store and wait
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=60)[0] for child in children]
        assert [child.returncode for child in children] == [0, 0], outputs
