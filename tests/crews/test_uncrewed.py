"""The explanations of uncrewed tours (planner.crews.uncrewed)."""

from __future__ import annotations

from planner.crews.uncrewed import format_weeks


def test_format_weeks_merges_runs():
    """Consecutive weeks become ranges, the last joined with « et »."""
    assert format_weeks([3, 4]) == "3–4"
    assert format_weeks([1, 2, 3, 5]) == "1–3 et 5"
    assert format_weeks([1, 3, 5]) == "1, 3 et 5"
