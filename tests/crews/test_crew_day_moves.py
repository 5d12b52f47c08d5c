"""A crew's day moved to a bus parked for want of a crew (planner/crews/crew_day_moves.py): the
move is made only when the plan then serves more, the plan stays valid, and nobody's weekly count
changes."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from planner import validate
from planner.crews.crew_day_moves import move_crew_days
from planner.domain.instance import Instance, Point, Role, Rules
from planner.planning.pipeline import assemble
from planner.results.kpis import Targets, need_shares
from planner.tours.day_routing import route_day_by_rules
from planner.travel import travel_for
from tests.support.builders import MONDAY, bus, commune, person
from tests.support.plan_builders import crew_shifts

TUESDAY = MONDAY + timedelta(days=1)


def _two_buses(west_need: float, east_need: float) -> Instance:
    """Two buses 80 km apart, each with two communes of its own, one doctor who may work one day a
    week, and a driver for each bus."""
    east = Point("Dépôt est", 49.90, 2.20)
    communes = (
        commune("76001", 49.93, 1.13, need=west_need),
        commune("76002", 49.87, 1.07, need=west_need),
        commune("80001", 49.93, 2.23, need=east_need),
        commune("80002", 49.87, 2.17, need=east_need),
    )
    staff = (
        person("d1", {Role.DOCTOR}, max_week=1),
        person("c1", {Role.DRIVER}),
        person("c2", {Role.DRIVER}),
    )
    return Instance(
        name="test",
        communes=communes,
        units=(bus("west"), bus("east", depot=east)),
        staff=staff,
        rules=Rules(start=MONDAY, weeks=1),
    )


def _west_on_tuesday(instance: Instance):
    """The week's one doctor-day on the west bus, Tuesday, with its two communes: the east bus is
    parked all week, the doctor at their weekly maximum."""
    travel = travel_for(instance, "estimate")
    communes = [instance.commune("76001"), instance.commune("76002")]
    tour = route_day_by_rules(instance.unit("west"), TUESDAY, communes, instance.rules, travel=travel).tour
    assert tour is not None and len(tour.sessions) == 2
    shifts = crew_shifts(tour, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}, instance.rules)
    return travel, [tour], shifts


def _moved(west_need: float, east_need: float):
    """The west bus's Tuesday plan (`_west_on_tuesday`), before and after the pass."""
    instance = _two_buses(west_need, east_need)
    travel, tours, shifts = _west_on_tuesday(instance)
    targets = Targets.of(instance, travel)
    return instance, travel, targets, (tours, shifts), move_crew_days(instance, tours, shifts, travel, targets.visits)


def test_the_doctor_day_goes_to_the_parked_bus_whose_communes_need_more():
    instance, travel, targets, (tours, shifts), (new_tours, new_shifts, moved) = _moved(50, 400)
    assert moved == 1
    assert validate(instance, assemble(instance, new_tours, tuple(new_shifts), travel, [], 0.0)) == []
    assert {t.unit_id for t in new_tours} == {"east"}  # the west day closed, its doctor now in the east
    assert {s.insee for t in new_tours for s in t.sessions} == {"80001", "80002"}
    assert need_shares(instance, new_tours, targets).need > need_shares(instance, tours, targets).need
    weeks = Counter((s.staff_id, s.date.isocalendar()[:2]) for s in new_shifts)
    assert weeks == Counter((s.staff_id, s.date.isocalendar()[:2]) for s in shifts)  # the same weekly counts


def test_no_move_when_the_parked_bus_would_serve_less():
    _instance, _travel, _targets, (tours, shifts), (new_tours, new_shifts, moved) = _moved(400, 50)
    assert moved == 0
    assert new_tours == tours and set(new_shifts) == set(shifts)
