"""Swapping two sessions (issue 25, item 2): a swap is a `SessionMove` with ``swap_with``, made by
`move_session` as `swap_sessions` makes it, kept in a plan's inputs and re-applied after a re-plan
like any move; one that no longer applies is said, never dropped silently."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.check.validate import validate
from planner.domain.errors import MoveRefused
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.planning.changes import (
    CarriedOver,
    CarryOverRefused,
    SessionMove,
    StaffUnavailable,
    UnitOutOfService,
)
from planner.planning.move_candidates import swap_options
from planner.planning.moves import move_session, reapply_moves
from planner.planning.replan import replan
from planner.planning.swap import swap_sessions
from planner.publish import PlanInputs, TerritoryFiles
from tests.support.builders import MONDAY
from tests.support.replan_case import published_plan, two_bus_territory


def day(week: int, weekday: int):
    return MONDAY + timedelta(days=7 * week + weekday)


MONDAY_W2 = ("bus1", day(1, 0), "76001")
WEDNESDAY_W2 = ("bus1", day(1, 2), "76003")


@pytest.fixture(scope="module")
def published() -> tuple[Instance, Plan]:
    """bus1 on Mondays, Wednesdays and Fridays, two communes a day, for three weeks; bus2 idle."""
    instance = two_bus_territory("swaps")
    return instance, published_plan(instance)


def _communes_on(plan: Plan, unit_id: str, when) -> set[str]:
    return {s.insee for t in plan.tours if t.key == f"{unit_id}/{when.isoformat()}" for s in t.sessions}


def test_a_swap_move_is_made_as_swap_sessions_makes_it(published):
    instance, plan = published
    swap = SessionMove.swap(MONDAY_W2, WEDNESDAY_W2)
    assert swap.sessions == (MONDAY_W2, WEDNESDAY_W2)
    moved = move_session(instance, plan, swap, today=MONDAY, time_limit=5)
    direct = swap_sessions(instance, plan, MONDAY_W2, WEDNESDAY_W2, today=MONDAY, time_limit=5)
    assert moved.plan.tours == direct.plan.tours and moved.diff == direct.diff
    assert validate(instance, moved.plan) == []
    assert "76003" in _communes_on(moved.plan, "bus1", day(1, 0))
    assert "76001" in _communes_on(moved.plan, "bus1", day(1, 2))
    assert swap.text(instance) == (
        "Commune 76001 : lundi 11 janv. 2027 (Bus bus1) ⇄ Commune 76003 : mercredi 13 janv. 2027 (Bus bus1)"
    )


def test_a_refused_swap_names_its_rule_in_french(published):
    instance, plan = published
    with pytest.raises(MoveRefused) as caught:  # 76001 to week 1's Wednesday: two visits that week
        move_session(instance, plan, SessionMove.swap(MONDAY_W2, ("bus1", day(0, 2), "76003")), today=MONDAY)
    assert caught.value.rule == "FREQUENCY" and str(caught.value).endswith("(règle « fréquence des visites »)")


def test_a_swap_reads_back_from_its_json_form_and_a_move_has_no_swap():
    swap = SessionMove.swap(MONDAY_W2, ("bus2", day(1, 3), "76004"))
    data = swap.as_dict()
    assert data["swap_with"] == "76004" and data["to_unit"] == "bus2"
    assert SessionMove.from_dict(data) == swap
    move = SessionMove("bus1", day(1, 0), "76001", day(1, 1))
    assert "swap_with" not in move.as_dict() and SessionMove.from_dict(move.as_dict()) == move
    assert move.sessions == (MONDAY_W2,)


def test_a_swap_is_kept_with_the_plan_inputs():
    files = TerritoryFiles.load("medicobus-dieppe")
    swap = SessionMove.swap(("medicobus", day(1, 0), "76001"), ("medicobus", day(1, 2), "76003"))
    inputs = PlanInputs(files).with_move(swap, MONDAY)
    again = PlanInputs.from_dict(inputs.to_dict(), _stored(files).get)
    assert again.moves == inputs.moves and again.moves[0].move.swap_with == "76003"


def _stored(files: TerritoryFiles) -> dict[str, bytes]:
    return {digest: files.by_name()[name] for name, digest in files.digests().items()}


def test_swaps_are_reapplied_after_a_replan_or_reported(published):
    """After a re-plan, a swap that still applies is made again; one whose session is gone is a warning."""
    instance, plan = published
    good = SessionMove.swap(MONDAY_W2, WEDNESDAY_W2)
    gone = SessionMove.swap(("bus1", day(2, 0), "76001"), ("bus1", day(2, 4), "76004"))  # no 76004 on Fridays
    doctor = next(s.staff_id for s in plan.shifts if s.date == day(2, 4) and s.role.value == "doctor")
    again = replan(instance, plan, [StaffUnavailable(doctor, day(2, 4), day(2, 4))], today=MONDAY, time_limit=5)
    new, kept = reapply_moves(instance, again.plan, [(good, MONDAY), (gone, MONDAY)], time_limit=5)
    assert kept == (good,)
    assert "76001" in _communes_on(new, "bus1", day(1, 2)) and "76003" in _communes_on(new, "bus1", day(1, 0))
    assert any(w.startswith("échange non réappliqué (Commune 76001") and "pas de séance" in w for w in new.warnings)
    assert validate(instance, new) == []


def test_a_swap_from_an_older_version_carries_the_newer_changes_over(published):
    """A newer version cancelled Wednesday week 2 of 76003's bus: the swap is refused naming it."""
    instance, plan = published
    carried = CarriedOver(1, changes=((UnitOutOfService("bus1", day(1, 2), day(1, 2)), MONDAY, 2),), newest=2)
    with pytest.raises(CarryOverRefused, match="l'une des séances à échanger") as caught:
        move_session(instance, plan, SessionMove.swap(MONDAY_W2, WEDNESDAY_W2), today=MONDAY, carried=carried)
    assert caught.value.versions == (2,)


def test_swap_options_are_the_swaps_the_rules_accept(published):
    """Each swap listed is accepted as it stands and gives the time listed; every other session from
    ``today`` on, of another tour and commune, is refused by `move_session`."""
    instance, plan = published
    today = day(1, 0)
    options = swap_options(instance, plan, MONDAY_W2, today=today, time_limit=5)
    assert options and all(o.move.swap_with and o.move.sessions[0] == MONDAY_W2 for o in options)
    listed = {o.move.sessions[1] for o in options}
    for option in options:
        made = move_session(instance, plan, option.move, today=today, time_limit=5).plan
        assert validate(instance, made) == []
        there = next(t for t in made.tours if t.key == f"{option.unit_id}/{option.to_day.isoformat()}")
        assert any(s.insee == "76001" and s.start == option.start for s in there.sessions)
        assert option.text(instance).startswith(f"échange avec Commune {option.move.swap_with} : ")
    for tour, other in plan.sessions():
        candidate = (tour.unit_id, tour.date, other.insee)
        if tour.date < today or tour.date == day(1, 0) or other.insee == "76001" or candidate in listed:
            continue
        with pytest.raises(MoveRefused):
            move_session(instance, plan, SessionMove.swap(MONDAY_W2, candidate), today=today, time_limit=5)


def test_a_carried_swap_is_named_as_a_swap(published):
    instance, _ = published
    swap = SessionMove.swap(MONDAY_W2, WEDNESDAY_W2)
    carried = CarriedOver(1, moves=((swap, MONDAY, 2),), newest=2)
    assert carried.lines(instance) == [
        f"Changements repris de la version 2 : séances échangées ({swap.text(instance)})"
    ]
    assert carried.texts(instance) == [f"séances échangées, {swap.text(instance)} (version 2)"]
