"""Idle capacity (planner/crews/free_capacity.py): a bus day that could hold one more session while
a commune within reach waits is found, filled with a valid session, or explained by the rule that
keeps each waiting commune out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner import PlanOptions, load_territory, plan, validate
from planner.crews.free_capacity import free_sessions
from planner.domain.instance import CommuneClosure
from planner.planning.pipeline import assemble
from planner.results.kpis import Targets
from planner.travel import travel_for
from tests.support.paths import ROOT

GREEDY = PlanOptions(time_limit=1, method="greedy")


def _with_a_session_removed(instance):
    """The greedy plan of ``instance`` with the last session of its first two-session day removed
    (and its crew kept): a bus day with room, a crew on it, a commune below its target."""
    result = plan(instance, GREEDY)
    travel = travel_for(instance, "estimate")
    tour = next(t for t in result.tours if len(t.sessions) == 2)
    shorter = replace(tour, sessions=tour.sessions[:1])
    tours = [shorter if t.key == tour.key else t for t in result.tours]
    return result, travel, tours, shorter


def test_a_free_session_is_found_and_filled_validly(small_instance):
    result, travel, tours, _ = _with_a_session_removed(small_instance)
    targets = Targets.of(small_instance, travel).visits
    found, _, _ = free_sessions(small_instance, tours, result.shifts, travel, targets)
    assert found and found[0].tour is not None  # a commune can take it
    _, new_tours, new_shifts = free_sessions(small_instance, tours, result.shifts, travel, targets, fill=True)
    filled_plan = assemble(small_instance, new_tours, tuple(new_shifts), travel, [], 0.0)
    assert validate(small_instance, filled_plan) == []
    assert sum(len(t.sessions) for t in new_tours) > sum(len(t.sessions) for t in tours)
    assert (
        filled_plan.kpis["need_served_share"]
        > assemble(small_instance, tours, result.shifts, travel, [], 0.0).kpis["need_served_share"]
    )


def test_each_reason_is_a_fact_of_the_plan(small_instance):
    """With every waiting commune closed on that day, the free session is reported with that rule,
    and nothing is added."""
    result, travel, tours, shorter = _with_a_session_removed(small_instance)
    day = shorter.date
    kept = shorter.sessions[0].insee
    closures = tuple(CommuneClosure(c.insee, frozenset({day})) for c in small_instance.communes if c.insee != kept)
    closed = small_instance.replace(rules=replace(small_instance.rules, commune_closures=closures))
    targets = {c.insee: 5.0 for c in closed.communes if c.insee != kept}  # every other commune waits
    found, new_tours, _ = free_sessions(closed, tours, result.shifts, travel, targets, fill=True)
    on_day = [f for f in found if f.date == day]
    assert on_day and on_day[0].tour is None
    for reason in on_day[0].reasons:
        assert reason.startswith(("commune fermée ce jour-là", "écart minimal", "fréquence"))
    assert any(r.startswith("commune fermée ce jour-là") for r in on_day[0].reasons)
    assert sum(len(t.sessions) for t in new_tours if t.date == day) == 1


def test_the_plan_reports_idle_sessions_with_their_reasons(small_instance):
    result = plan(small_instance, PlanOptions(time_limit=1))
    assert validate(small_instance, result) == []
    assert "idle_sessions" in result.kpis
    told = [w for w in result.warnings if w.startswith("Capacité inutilisée")]
    assert (result.kpis["idle_sessions"] == 0) == (told == [])


@pytest.mark.slow
def test_no_idle_session_is_left_that_a_waiting_commune_can_take():
    """The last pass of the plan fills the days the swaps and exchanges left with room: on Ardennes
    sud, the exchanges moved communes between days and left 4 to 6 Friday sessions that a waiting
    commune could take, reported as idle (« une commune pouvait la prendre »)
    (docs/architecture.md, « The last fill »)."""
    instance = load_territory(ROOT / "bench" / "data" / "unseen" / "ardennes-sud")
    result = plan(instance, PlanOptions(time_limit=2, compare_half_budget=False))
    assert validate(instance, result) == []
    travel = travel_for(instance, "estimate")
    idle = free_sessions(instance, result.tours, result.shifts, travel, Targets.of(instance, travel).visits)[0]
    assert [f for f in idle if f.tour is not None] == []
    assert len(idle) == result.kpis["idle_sessions"]
    assert not any("une commune pouvait la prendre" in w for w in result.warnings)
