"""A territory of two buses and its published plan (bus1 on Mondays, Wednesdays and Fridays, timed
by the day routing and crewed), for the re-planning and manual-move tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from planner.check.validate import validate
from planner.crews.rota_search import assign_crews
from planner.domain.instance import Instance, Rules
from planner.domain.plan import Plan
from planner.tours.day_routing import route_day
from planner.travel import travel_for
from tests.support.builders import MONDAY, bus, commune, small_instance

WEEKS = 3
#: The weekly pattern: weekday → the two communes visited that day.
PATTERN = {0: ("76001", "76002"), 2: ("76003", "76004"), 4: ("76005", "76006")}


def two_bus_territory(name: str = "replan") -> Instance:
    communes = tuple(commune(f"7600{i}", 49.90 + 0.012 * i, 1.10 + (0.01 if i % 2 else -0.01) * i) for i in range(1, 7))
    staff = small_instance().staff  # three doctors d1-d3, two drivers c1-c2
    return Instance(
        name,
        communes,
        (bus(), bus("bus2")),
        staff,
        Rules(start=MONDAY, weeks=WEEKS),
    )


def published_plan(instance: Instance) -> Plan:
    """bus1 on Mondays, Wednesdays, Fridays, timed by routing and crewed, with ``instance``'s timing."""
    travel = travel_for(instance)
    week = {}
    for weekday, insees in PATTERN.items():
        week[("bus1", weekday)] = route_day(
            instance.unit("bus1"),
            MONDAY,
            [instance.commune(i) for i in insees],
            session_minutes=180,
            travel=travel,
            time_step=instance.rules.time_step,
        ).tour
    tours = [
        replace(t, date=MONDAY + timedelta(days=7 * w + weekday))
        for w in range(WEEKS)
        for (_, weekday), t in week.items()
    ]
    rota = assign_crews(instance, tours, time_limit=5)
    assert not rota.uncrewed
    plan = Plan(
        instance.name,
        MONDAY,
        WEEKS,
        tuple(sorted(tours, key=lambda t: t.date)),
        rota.shifts,
        travel_label=travel.label,
    )
    assert validate(instance, plan, travel=travel) == []
    return plan
