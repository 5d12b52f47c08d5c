"""Tests of the workspace store: versions, publication, history, diffs, crash safety, the inputs kept
with each version (the ledger: test_event_ledger.py; the file and its migration: test_store_schema.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import planner.publish.store
from planner.domain.errors import TourneeError
from planner.domain.instance import Role
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as make_plan
from planner.publish.fingerprint import instance_fingerprint
from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
from planner.publish.store import PlanStore
from tests.support.paths import TINY
from tests.support.plan_builders import AFTERNOON


def fixed_clock() -> datetime:
    return datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def instance(small_instance):
    return small_instance


@pytest.fixture
def store(tmp_path):
    return PlanStore(tmp_path / "ws", clock=fixed_clock)


def test_save_load_and_history(store, instance, sample_plan, replanned_sample_plan):
    """Versions are numbered 1, 2…, load back equal, and the history lists counts, note, fingerprint."""
    plan = sample_plan(instance)
    v1 = store.save(plan, instance, note="premier essai")
    v2 = store.save(replanned_sample_plan(instance), instance)
    assert (v1, v2) == (1, 2)
    assert store.load(v1) == plan
    first, second = store.history()
    assert (first.version, first.note, first.tours, first.sessions, first.shifts) == (1, "premier essai", 4, 8, 8)
    assert first.fingerprint == instance_fingerprint(instance)
    assert first.created == fixed_clock()
    assert second.sessions == 6 and not first.published and not second.published


def test_publish_and_published(store, instance, sample_plan, replanned_sample_plan):
    """published() is None until a version is published, then that version and its plan."""
    assert store.published() is None
    v1 = store.save(sample_plan(instance), instance)
    v2 = store.save(replanned_sample_plan(instance), instance)
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


def test_store_reopens_with_its_data(tmp_path, instance, sample_plan):
    """A second PlanStore on the same folder sees the same versions (nothing kept in memory only)."""
    v = PlanStore(tmp_path).save(sample_plan(instance), instance)
    PlanStore(tmp_path).record_publication(v, "v1-a")
    assert PlanStore(tmp_path).published()[0] == v


def test_diff_lists_moved_removed_and_crew_changes(store, instance, sample_plan, replanned_sample_plan):
    """Diff: the moved afternoon, the removed Thursday (two sessions), d1 → d3 on the first Monday."""
    v1 = store.save(sample_plan(instance), instance)
    v2 = store.save(replanned_sample_plan(instance), instance)
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


def test_exception_mid_save_loses_nothing(store, instance, monkeypatch, sample_plan, replanned_sample_plan):
    """An exception between the two statements of a save rolls it back: earlier versions, the
    published one and the version numbering are untouched."""
    v1 = store.save(sample_plan(instance), instance)
    store.record_publication(v1, "v1-a")

    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(planner.publish.store, "_session_rows", boom)
    with pytest.raises(RuntimeError, match="panne simulée"):
        store.save(replanned_sample_plan(instance), instance)
    monkeypatch.undo()
    assert [v.version for v in store.history()] == [v1]
    assert store.published() == (v1, sample_plan(instance))
    assert store.save(replanned_sample_plan(instance), instance) == v1 + 1


# --- Versions keep their inputs ---------------------------------------------------------------------


def test_saving_inputs_that_do_not_give_the_instance_is_refused(tmp_path: Path, sample_plan, small_instance) -> None:
    """store.save checks that the inputs rebuild the plan's instance; otherwise nothing is saved."""
    inputs = PlanInputs(TerritoryFiles.load(TINY))
    other = inputs.instance().replace(rules=replace(inputs.instance().rules, weeks=5))
    store = PlanStore(tmp_path)
    with pytest.raises(TourneeError, match="ne redonnent pas le territoire"):
        store.save(sample_plan(small_instance), other, inputs=inputs)
    assert store.history() == []


def test_input_files_are_stored_once(tmp_path: Path) -> None:
    """Two versions of the same files store each file once; an edited roster adds one file."""
    files = TerritoryFiles.load(TINY)
    inputs = PlanInputs(files, options=PlanOptions(time_limit=1))
    plan = make_plan(inputs.instance(), inputs.options)
    store = PlanStore(tmp_path)
    store.save(plan, inputs.instance(), inputs=inputs)
    store.save(plan, inputs.instance(), inputs=replace(inputs, settings=Settings({"min_gap_days": 2})))
    edited = replace(inputs, files=replace(files, roster=files.roster + b"\n"))
    store.save(plan, edited.instance(), inputs=edited)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM files").fetchone() == (4,)
    assert store.inputs(3) == edited
