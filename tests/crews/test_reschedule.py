"""A tour nobody can crew moves to a free day of its week (planner.crews.reschedule)."""

from __future__ import annotations

from datetime import timedelta

from planner.domain.instance import Instance, Rules
from planner.travel import travel_for
from tests.support.builders import MONDAY


def test_a_tour_nobody_can_crew_moves_to_a_free_day_of_its_week(bus, commune):
    """A Monday tour whose crew is missing moves to the Tuesday of its week, with the same times."""
    from planner.crews.reschedule import propose_moves
    from planner.tours.day_routing import route_day

    communes = (commune("76001", 49.95, 1.15),)
    unit = bus(days=frozenset({0, 1}))
    instance = Instance("move", communes, (unit,), (), Rules(start=MONDAY, weeks=1, min_gap_days=1))
    travel = travel_for(instance)
    monday = route_day(unit, MONDAY, list(communes), session_minutes=180, travel=travel, time_step=15).tour
    [move] = propose_moves(instance, [monday], [monday.key], travel)
    assert move.new.date == MONDAY + timedelta(days=1)
    assert [s.start for s in move.new.sessions] == [s.start for s in monday.sessions]
