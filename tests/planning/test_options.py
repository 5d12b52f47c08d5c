"""Solver options (planner.planning.options) are checked when they are made."""

from __future__ import annotations

import pytest

from planner.planning.options import PlanOptions


def test_options_are_checked():
    """Bad options fail early with a message naming the option."""
    with pytest.raises(ValueError, match="time_limit"):
        PlanOptions(time_limit=0)
    with pytest.raises(ValueError, match="method"):
        PlanOptions(method="magic")


def test_plan_options_threads_must_be_a_positive_whole_number():
    assert PlanOptions(threads=1).threads == 1
    for wrong in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="threads"):
            PlanOptions(threads=wrong)


def test_comparing_with_half_the_budget_is_a_yes_or_no():
    assert PlanOptions(compare_half_budget=False).compare_half_budget is False
    for wrong in (0, "non", None):
        with pytest.raises(ValueError, match="compare_half_budget"):
            PlanOptions(compare_half_budget=wrong)
