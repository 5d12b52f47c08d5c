"""The ranges of a study's scenarios (planner.studies.grid)."""

from __future__ import annotations

import pytest

from planner.studies.grid import StudyError, parse_range

# --- Ranges, knee, depots, rosters --------------------------------------------------------------


def test_ranges_accept_intervals_steps_and_lists_and_refuse_the_rest():
    assert parse_range("1..4", "--units") == (1, 2, 3, 4)
    assert parse_range("5..20:5", "--doctors") == (5, 10, 15, 20)
    assert parse_range("4,1,2,2", "--units") == (1, 2, 4)
    for wrong in ("0..2", "3..1", "a", "1..4:0", ""):
        with pytest.raises(StudyError, match="--units"):
            parse_range(wrong, "--units")
