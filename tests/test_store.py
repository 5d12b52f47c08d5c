"""Tests of the workspace store: versions, publication, history, diffs, ledger, crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import planner.publish.store
from planner.domain.errors import TourneeError
from planner.domain.instance import Role
from planner.publish.fingerprint import instance_fingerprint
from planner.publish.store import LedgerEntry, PlanStore
from planner.results.plan_diff import diff_plans
from tests.builders import small_instance
from tests.plan_builders import AFTERNOON, crew_shifts, make_tour, sample_plan

ROOT = Path(__file__).resolve().parents[1]


def fixed_clock() -> datetime:
    return datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def instance():
    return small_instance()


@pytest.fixture
def store(tmp_path):
    return PlanStore(tmp_path / "ws", clock=fixed_clock)


def replanned(instance):
    """The sample plan after a re-plan: Monday week 1 afternoon moved to 15:00, Thursday week 2 dropped,
    and d3 instead of d1 on Monday week 1."""
    plan = sample_plan(instance)
    first, *rest = plan.tours
    moved = make_tour(
        first.unit_id, first.date, [(first.sessions[0].insee, 9 * 60, 12 * 60), ("76002", 15 * 60, 18 * 60)]
    )
    kept = [t for t in rest if t.key != "bus1/2027-01-14"]
    shifts = [s for s in plan.shifts if s.tour_key not in (first.key, "bus1/2027-01-14")]
    shifts += crew_shifts(moved, {Role.DOCTOR: ["d3"], Role.DRIVER: ["c1"]})
    return replace(plan, tours=(moved, *kept), shifts=tuple(shifts))


def test_save_load_and_history(store, instance):
    """Versions are numbered 1, 2…, load back equal, and the history lists counts, note, fingerprint."""
    plan = sample_plan(instance)
    v1 = store.save(plan, instance, note="premier essai")
    v2 = store.save(replanned(instance), instance)
    assert (v1, v2) == (1, 2)
    assert store.load(v1) == plan
    first, second = store.history()
    assert (first.version, first.note, first.tours, first.sessions, first.shifts) == (1, "premier essai", 4, 8, 8)
    assert first.fingerprint == instance_fingerprint(instance)
    assert first.created == fixed_clock()
    assert second.sessions == 6 and not first.published and not second.published


def test_publish_and_published(store, instance):
    """published() is None until a version is published, then that version and its plan."""
    assert store.published() is None
    v1 = store.save(sample_plan(instance), instance)
    v2 = store.save(replanned(instance), instance)
    store.record_publication(v2, "v2-a")
    store.record_publication(v1, "v1-b")
    version, plan = store.published()
    assert version == v1 and plan == sample_plan(instance)
    assert [v.published for v in store.history()] == [True, False]


def test_unknown_version_is_a_french_error(store):
    """Loading or publishing a version that does not exist says so."""
    with pytest.raises(TourneeError, match="la version 7 n'existe pas"):
        store.record_publication(7, "v7-a")
    with pytest.raises(TourneeError, match="la version 3 n'existe pas"):
        store.load(3)


def test_store_reopens_with_its_data(tmp_path, instance):
    """A second PlanStore on the same folder sees the same versions (nothing kept in memory only)."""
    v = PlanStore(tmp_path).save(sample_plan(instance), instance)
    PlanStore(tmp_path).record_publication(v, "v1-a")
    assert PlanStore(tmp_path).published()[0] == v


def test_diff_lists_moved_removed_and_crew_changes(store, instance):
    """Diff: the moved afternoon, the removed Thursday (two sessions), d1 → d3 on the first Monday."""
    v1 = store.save(sample_plan(instance), instance)
    v2 = store.save(replanned(instance), instance)
    d = store.diff(v1, v2)
    assert [(a.insee, a.start, b.start) for a, b in d.moved] == [("76002", AFTERNOON[0], 15 * 60)]
    assert sorted(s.insee for s in d.removed) == ["76003", "76004"]
    assert d.added == ()
    doctor = [c for c in d.shifts_changed if c.role is Role.DOCTOR]
    assert [(c.before, c.after) for c in doctor] == [(("d1",), ("d3",)), (("d2",), ())]
    text = d.text()
    assert "version 1 et la version 2" in text
    assert (
        "passage déplacé : Commune 76002 le 04/01/2027 14:00–17:00 (Bus bus1) → Commune 76002 le 04/01/2027 15:00–18:00"
        in text
    )
    assert "médecin : Dr D1 Exemple (exemple) → Dr D3 Exemple (exemple)" in text
    assert store.diff(v1, v1).text().endswith("aucune.")


def test_diff_moves_a_visit_to_another_day_of_the_same_week(instance):
    """A commune visited on Thursday instead of Monday of the same week is moved, not removed + added."""
    plan = sample_plan(instance, weeks=1)
    monday, thursday = plan.tours
    new_thursday = make_tour("bus1", thursday.date, [("76003", 9 * 60, 12 * 60), ("76001", 14 * 60, 17 * 60)])
    new_monday = make_tour("bus1", monday.date, [("76004", 9 * 60, 12 * 60), ("76002", 14 * 60, 17 * 60)])
    d = diff_plans(plan, replace(plan, tours=(new_monday, new_thursday)))
    assert sorted((a.insee, a.date.day, b.date.day) for a, b in d.moved) == [("76001", 4, 7), ("76004", 7, 4)]
    assert d.added == () and d.removed == ()


def test_event_ledger_round_trip(store):
    """Ledger entries are stored and updated by UID."""
    entry = LedgerEntry("u1", 0, "h", ("commune:76001",), {"summary": "Médicobus, « test »"})
    store.update_event_ledger([entry])
    store.update_event_ledger([replace(entry, sequence=1, cancelled=True)])
    assert store.event_ledger() == {"u1": replace(entry, sequence=1, cancelled=True)}


def test_exception_mid_save_loses_nothing(store, instance, monkeypatch):
    """An exception between the two statements of a save rolls it back: earlier versions, the
    published one and the version numbering are untouched."""
    v1 = store.save(sample_plan(instance), instance)
    store.record_publication(v1, "v1-a")

    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(planner.publish.store, "_session_rows", boom)
    with pytest.raises(RuntimeError, match="panne simulée"):
        store.save(replanned(instance), instance)
    monkeypatch.undo()
    assert [v.version for v in store.history()] == [v1]
    assert store.published() == (v1, sample_plan(instance))
    assert store.save(replanned(instance), instance) == v1 + 1


CHILD = textwrap.dedent(
    """
    import sys
    from planner.publish.store import PlanStore
    from tests.builders import small_instance
    from tests.plan_builders import sample_plan
    instance = small_instance(weeks=30)
    plan = sample_plan(instance)
    store = PlanStore(sys.argv[1])
    for i in range(10_000):
        store.save(plan, instance, note=f"boucle {i}")
    """
)


def test_killed_writer_loses_nothing(tmp_path, instance):
    """A process killed (SIGKILL) while saving in a loop leaves a sound store: every listed version
    loads, and the version published before is still published."""
    ws = tmp_path / "ws"
    store = PlanStore(ws)
    v1 = store.save(sample_plan(instance), instance, note="publiée")
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


def test_cli_history_and_diff(tmp_path, instance, capsys):
    """`planner history` marks the published version; `planner diff` prints the French diff; an unknown
    version is an error message with exit code 2."""
    from planner.cli import main

    store = PlanStore(tmp_path)
    v1 = store.save(sample_plan(instance), instance, note="essai")
    v2 = store.save(replanned(instance), instance)
    store.record_publication(v2, "v2-a")
    assert main(["history", "--workspace", str(tmp_path), "--out", str(tmp_path / "publication")]) == 0
    out = capsys.readouterr().out
    assert "essai" in out and f"*{v2:>6}" in out and f" {v1:>6}" in out
    assert main(["diff", str(v1), str(v2), "--workspace", str(tmp_path)]) == 0
    assert "passage déplacé" in capsys.readouterr().out
    assert main(["diff", "1", "5", "--workspace", str(tmp_path)]) == 2
    assert "la version 5 n'existe pas" in capsys.readouterr().err


OPEN_ON_GO = """
import sys
from planner.publish.store import PlanStore
sys.stdin.readline()
PlanStore(sys.argv[1])
"""


def test_two_processes_opening_a_new_workspace_at_once_both_succeed(tmp_path: Path) -> None:
    """Two processes open the same new workspace at the same instant, ten times: both succeed (SQLite
    refused one of them the switch to WAL, at once, in about half of such openings)."""
    root = Path(__file__).resolve().parents[1]
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
