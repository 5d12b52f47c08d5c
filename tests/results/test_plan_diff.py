"""The differences between two plans (planner.results.plan_diff)."""

from __future__ import annotations

from dataclasses import replace

from planner.results.plan_diff import diff_plans


def test_diff_moves_a_visit_to_another_day_of_the_same_week(small_instance, sample_plan, make_tour):
    """A commune visited on Thursday instead of Monday of the same week is moved, not removed + added."""
    plan = sample_plan(small_instance, weeks=1)
    monday, thursday = plan.tours
    new_thursday = make_tour("bus1", thursday.date, [("76003", 9 * 60, 12 * 60), ("76001", 14 * 60, 17 * 60)])
    new_monday = make_tour("bus1", monday.date, [("76004", 9 * 60, 12 * 60), ("76002", 14 * 60, 17 * 60)])
    d = diff_plans(plan, replace(plan, tours=(new_monday, new_thursday)))
    assert sorted((a.insee, a.date.day, b.date.day) for a, b in d.moved) == [("76001", 4, 7), ("76004", 7, 4)]
    assert d.added == () and d.removed == ()
