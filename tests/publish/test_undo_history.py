"""The working copy's history of accepted changes (planner.publish.undo_history): undo step by step,
kept as JSON data with its files, and what a re-plan of a saved version would drop (unpublished)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from planner.domain.errors import TourneeError
from planner.planning.changes import SessionMove, StaffUnavailable
from planner.planning.options import PlanOptions
from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
from planner.publish.undo_history import MAX_STEPS, UndoHistory, keep_unpublished, unpublished
from tests.support.paths import TINY

DAY = date(2027, 1, 4)


@pytest.fixture
def inputs() -> PlanInputs:
    return PlanInputs(TerritoryFiles.load(TINY), Settings({"weeks": 2}), PlanOptions(time_limit=1))


def test_undo_gives_back_each_state_in_turn_and_refuses_in_french_when_empty(inputs, small_instance, sample_plan):
    """Two accepted changes: undo gives the state before the second, then before the first, then says
    in French that nothing is left; the last plan of the history is the one a new plan is compared with."""
    plan = sample_plan(small_instance, weeks=1)
    longer = dataclasses.replace(inputs, settings=Settings({"weeks": 2, "session_minutes": 150}))
    history = UndoHistory().record("Nouveau plan", inputs, None).record("Réglages modifiés", inputs, plan)
    assert history.last_plan() is plan and history.last is not None and history.last.label == "Réglages modifiés"
    step, history = history.undo()
    assert (step.inputs, step.plan) == (inputs, plan)
    step, history = history.undo()
    assert step.label == "Nouveau plan" and step.plan is None and not history
    with pytest.raises(TourneeError, match="aucune modification à annuler"):
        history.undo()
    many = UndoHistory()
    for i in range(MAX_STEPS + 3):
        many = many.record(f"pas {i}", longer, None)
    assert len(many.steps) == MAX_STEPS and many.steps[0].label == "pas 3"  # the oldest go first


def test_history_round_trips_through_json_with_its_files(inputs, small_instance, sample_plan):
    """`to_dict` is JSON data naming files by SHA-256; `from_dict` with those files gives the same
    history (inputs equal, plans equal), and a missing file is a French error."""
    plan = sample_plan(small_instance, weeks=1)
    other = dataclasses.replace(inputs, files=dataclasses.replace(inputs.files, scenario=inputs.files.scenario + b"\n"))
    history = UndoHistory().record("Fichiers du territoire", other, None).record("Nouveau plan", inputs, plan)
    data = json.loads(json.dumps(history.to_dict()))
    files = history.files()
    assert set(files) == set(other.files.digests().values()) | set(inputs.files.digests().values())
    again = UndoHistory.from_dict(data, files.get)
    assert [(s.label, s.inputs, s.plan) for s in again.steps] == [(s.label, s.inputs, s.plan) for s in history.steps]
    with pytest.raises(TourneeError, match="introuvable"):
        UndoHistory.from_dict(data, lambda digest: None)


def test_unpublished_settings_moves_and_changes_are_named_and_kept(inputs):
    """The working copy set a séance of 150 min and moved a session by hand; a re-plan of the saved
    version (its inputs and one new change) would drop both: `unpublished` names them in French,
    `keep_unpublished` keeps them with the re-plan's change."""
    change = StaffUnavailable("dr-a", DAY, DAY)
    move = SessionMove("bus1", DAY, "76217", date(2027, 1, 5))
    work = dataclasses.replace(
        inputs, settings=Settings({"weeks": 2, "session_minutes": 150}), options=PlanOptions(time_limit=5)
    ).with_move(move, DAY)
    accepted = inputs.with_changes([change], DAY)
    lost = unpublished(work, accepted)
    assert len(lost) == 2 and "séance de 150 min" in lost[0] and "1 séance(s) déplacée(s)" in lost[1]
    kept = keep_unpublished(accepted, work)
    assert kept.settings == work.settings and kept.options == work.options
    assert kept.changes == accepted.changes and kept.moves == work.moves
    assert unpublished(kept, accepted) == unpublished(work, accepted)  # what was kept is what was listed
    assert unpublished(accepted, accepted) == []


def test_a_fresh_working_copy_has_nothing_unpublished(inputs):
    """Settings and options left as they come are not the coordinator's: the version's are taken."""
    fresh = PlanInputs(inputs.files)
    accepted = inputs.with_changes([StaffUnavailable("dr-a", DAY, DAY)], DAY)
    assert unpublished(fresh, accepted) == []
    assert keep_unpublished(accepted, fresh) == accepted
    elsewhere = PlanInputs(dataclasses.replace(inputs.files, name="ailleurs"), Settings({"weeks": 3}))
    assert unpublished(elsewhere, accepted) == []
