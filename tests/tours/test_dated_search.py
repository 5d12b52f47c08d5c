"""Dated visits beyond the weekly pattern (planner/tours/dated_search.py): more need where a regular
pattern leaves some, the plan still valid, as regular as that need allows."""

from __future__ import annotations

from planner import PlanOptions, load_territory, plan, validate
from planner.crews.staffing import crew_counts, post_limits
from planner.tours.catchment import catchment_demand, catchments
from planner.tours.dated_search import NEAR_CEILING, improve_dated
from planner.tours.greedy_pattern import greedy_pattern
from planner.tours.pattern_problem import build_problem
from planner.tours.pattern_search import solve_pattern
from planner.tours.rollout import dated_visits
from planner.travel import travel_for


def _pattern_and_problem(instance):
    travel = travel_for(instance, "estimate")
    crews = crew_counts(instance)
    demand = catchment_demand(instance, catchments(instance, travel))
    problem = build_problem(instance, travel, crews=crews, demand=demand, post_limits=post_limits(instance))
    pattern = solve_pattern(problem, time_limit=2, hint=greedy_pattern(problem))
    return problem, pattern, dated_visits(instance, pattern, crews)


def test_dated_visits_serve_more_need_than_the_best_pattern_on_the_demo():
    """Médicobus Dieppe: the best regular pattern (proven) serves 92.0 %; dated visits serve more,
    and keep most of the pattern's visits."""
    instance = load_territory("medicobus-dieppe")
    problem, pattern, days = _pattern_and_problem(instance)
    better = improve_dated(problem, days)
    assert pattern.proven and better is not None
    assert better.need > pattern.need and better.priority >= 0
    assert better.kept >= 0.8 * better.pattern_visits
    result = plan(instance, PlanOptions())
    assert validate(instance, result) == []
    assert result.kpis["need_served_share"] >= problem.need_share(better.need) - 1e-4
    assert "Visites datées" in result.search


def test_nothing_to_gain_leaves_the_pattern(small_instance):
    problem, pattern, days = _pattern_and_problem(small_instance)
    better = improve_dated(problem, days)
    assert better is None or better.need > pattern.need


def test_the_need_stage_stops_at_the_bound_of_the_rules_with_the_same_need():
    """Given the bound of the rules (no priority zones: known before the plan), the need stage stops
    at its first solution that close to it: on the demo that is its best, so the need is unchanged.
    The bound is asked for once, when the need stage starts; a ceiling out of reach changes nothing."""
    instance = load_territory("medicobus-dieppe")
    problem, _pattern, days = _pattern_and_problem(instance)
    free = improve_dated(problem, days)
    asked: list[float] = []

    def bound() -> float:
        asked.append(problem.need_share(free.need) + NEAR_CEILING / 2)
        return asked[-1]

    stopped = improve_dated(problem, days, need_ceiling=bound)
    assert free is not None and stopped is not None and len(asked) == 1
    assert stopped.need == free.need
    beyond = improve_dated(problem, days, need_ceiling=lambda: 1.0)
    assert beyond is not None and beyond.days == free.days
