"""The hard rules of the weekly pattern (planner/tours/pattern_rules.py), one test each: a rule added
alone to a model of visit variables forbids the assignment that breaks it and allows one that keeps
it (CP-SAT decides), and the list `ASSIGNMENT_RULES` holds every assignment rule once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from planner.crews.staffing import crew_counts, post_limits
from planner.domain.instance import Instance, Rules
from planner.tours.pattern_problem import build_problem
from planner.tours.pattern_rules import (
    ASSIGNMENT_RULES,
    RuleSink,
    add_compact_days,
    add_frequency_caps,
    add_min_gap,
    add_post_limits,
    add_slot_capacity,
)
from planner.travel import travel_for
from tests.support.builders import MONDAY


def _problem(instance: Instance):
    if not instance.staff:
        return build_problem(instance, travel_for(instance, "estimate"))
    return build_problem(
        instance, travel_for(instance, "estimate"), crews=crew_counts(instance), post_limits=post_limits(instance)
    )


def _feasible(problem, rule, chosen) -> bool:
    """Whether the visits ``chosen`` (commune, slot, phase) alone (every other visit off) meet ``rule``."""
    model = cp_model.CpModel()
    x = {
        (c.insee, slot, phase): model.new_bool_var("")
        for c in problem.candidates
        for slot in problem.allowed[c.insee]
        for phase in range(problem.demand[c.insee].period)
    }
    if rule is add_compact_days:
        rule(model, x, problem)
    else:
        rule(RuleSink(model, None), x, problem)
    for key, var in x.items():
        model.add(var == (key in chosen))
    return cp_model.CpSolver().solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _slots(problem, insee, **where):
    return [s for s in problem.allowed[insee] if all(getattr(s, k) == v for k, v in where.items())]


def test_every_assignment_rule_is_listed_once():
    rules = [rule for _, rule in ASSIGNMENT_RULES]
    assert rules == [add_slot_capacity, add_frequency_caps, add_min_gap, add_post_limits]
    assert len({name for name, _ in ASSIGNMENT_RULES}) == len(ASSIGNMENT_RULES)


def test_slot_capacity_one_commune_per_slot_and_week(small_instance):
    problem = _problem(small_instance)
    slot = _slots(problem, "76001", weekday=0, session=0)[0]
    assert not _feasible(problem, add_slot_capacity, {("76001", slot, 0), ("76002", slot, 0)})
    assert _feasible(problem, add_slot_capacity, {("76001", slot, 0)})


def test_frequency_caps_the_target_and_one_visit_a_day(small_instance):
    problem = _problem(small_instance)  # 76001 is weekly: one visit a week
    monday = _slots(problem, "76001", weekday=0)
    tuesday = _slots(problem, "76001", weekday=1, session=0)[0]
    assert not _feasible(problem, add_frequency_caps, {("76001", monday[0], 0), ("76001", tuesday, 0)})
    assert not _feasible(problem, add_frequency_caps, {("76001", monday[0], 0), ("76001", monday[1], 0)})
    assert _feasible(problem, add_frequency_caps, {("76001", tuesday, 0)})


def test_min_gap_between_two_visits_of_a_week(commune, bus, make_small_instance):
    base = make_small_instance(min_gap_days=2)
    twice = replace(base.communes[0], visits_per_week=2.0)
    instance = base.replace(communes=(twice, *base.communes[1:]))
    problem = _problem(instance)
    monday, tuesday, wednesday = (_slots(problem, "76001", weekday=d, session=0)[0] for d in (0, 1, 2))
    assert not _feasible(problem, add_min_gap, {("76001", monday, 0), ("76001", tuesday, 0)})
    assert _feasible(problem, add_min_gap, {("76001", monday, 0), ("76001", wednesday, 0)})


def test_post_limits_no_more_tours_than_the_roster_allows(small_instance, person):
    from planner.domain.instance import Role

    staff = (person("d1", {Role.DOCTOR}, max_week=1), person("c1", {Role.DRIVER}))
    instance = small_instance.replace(staff=staff)
    problem = _problem(instance)
    assert problem.post_limits
    monday = _slots(problem, "76001", weekday=0, session=0)[0]
    tuesday = _slots(problem, "76002", weekday=1, session=0)[0]
    assert not _feasible(problem, add_post_limits, {("76001", monday, 0), ("76002", tuesday, 0)})
    assert _feasible(problem, add_post_limits, {("76001", monday, 0)})


def test_compact_days_a_second_session_follows_a_first_within_reach(commune, bus):
    near, far = commune("76001", 49.95, 1.15), commune("76002", 49.92, 1.60)  # about 35 km apart
    instance = Instance("t", (near, far), (bus(),), (), Rules(start=MONDAY, weeks=1))
    problem = _problem(instance)
    first, second = (_slots(problem, "76001", weekday=0, session=s)[0] for s in (0, 1))
    far_second = _slots(problem, "76002", weekday=0, session=1)
    assert not _feasible(problem, add_compact_days, {("76001", second, 0)})  # no first session
    if far_second:  # reachable alone in the afternoon, but too far to follow 76001
        assert not _feasible(problem, add_compact_days, {("76001", first, 0), ("76002", far_second[0], 0)})
    assert _feasible(problem, add_compact_days, {("76001", first, 0)})


@pytest.mark.parametrize("name", [name for name, _ in ASSIGNMENT_RULES])
def test_each_listed_rule_has_a_french_name(name):
    assert name and name[0].islower()
