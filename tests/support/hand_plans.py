"""Hand-made plans for the validator tests: an instance without a time grid, tours timed to the
minute by the estimate (or a given matrix), and the valid plan ``VALID`` each rule test breaks in one way."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import date, timedelta

from planner.check.validate import (
    Violation,
    validate,
)
from planner.domain.instance import (
    Instance,
    Point,
    Role,
    UnitKind,
)
from planner.domain.plan import Plan, Session, Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.travel.estimate import EstimateSource
from tests.support import builders, plan_builders
from tests.support.builders import MONDAY

WEDNESDAY = MONDAY + timedelta(days=2)
NEXT_MONDAY = MONDAY + timedelta(days=7)
SUNDAY = MONDAY + timedelta(days=6)


# --- Hand-made plans ------------------------------------------------------------------------


def gridless_instance(**changes) -> Instance:
    """The builders' instance without a time grid: the hand-made tours here are tight to the minute
    (TIME_GRID and the set-up time have their own tests, in tests/check/test_time_rules.py)."""
    return builders.small_instance(**{"time_step": 1, **changes})


def gridless_shifts(tour: Tour, crew) -> list[Shift]:
    """Shifts of ``tour`` with this module's timing rules (no grid, 15 min of set-up)."""
    return plan_builders.crew_shifts(tour, crew, INSTANCE.rules)


def place_of(instance: Instance, unit_id: str, insee: str | None) -> Point:
    if insee is None:
        return instance.unit(unit_id).depot
    site = instance.commune(insee).site
    return Point(site.name, site.lat, site.lon)


def leg(
    instance: Instance, unit_id: str, a: str | None, b: str | None, travel: TravelMatrix | None = None
) -> tuple[float, float]:
    """Minutes and km between two places (None is the unit's depot): from ``travel``, else estimated."""
    if instance.unit(unit_id).kind is UnitKind.FIXED:
        return 0.0, 0.0
    pa, pb = place_of(instance, unit_id, a), place_of(instance, unit_id, b)
    if travel is not None:
        i, j = travel.index(pa), travel.index(pb)
        return float(travel.minutes[i, j]), float(travel.km[i, j])
    pair = EstimateSource().matrix([pa, pb])
    return float(pair.minutes[0, 1]), float(pair.km[0, 1])


def timed_tour(
    instance: Instance,
    day: date,
    visits: list[tuple[str, int]],
    *,
    unit_id: str = "bus1",
    travel: TravelMatrix | None = None,
) -> Tour:
    """A tour with sessions starting at the given minutes, leaving and coming back just in time
    (by ``travel`` when given, else by the estimate)."""
    length = instance.rules.session_length(instance.unit(unit_id))
    sessions = tuple(
        Session(insee, instance.commune(insee).site.id, start, start, start + length, start + length)
        for insee, start in visits
    )
    stops = [None, *[s.insee for s in sessions], None]
    legs = [leg(instance, unit_id, a, b, travel) for a, b in itertools.pairwise(stops)]
    leave = sessions[0].arrival - math.ceil(legs[0][0])
    back = sessions[-1].departure + math.ceil(legs[-1][0])
    return Tour(unit_id, day, leave, back, sessions, sum(m for m, _ in legs), sum(k for _, k in legs))


def tight_tour(instance: Instance, day: date, morning: str, afternoon: str, *, unit_id: str = "bus1") -> Tour:
    """Two sessions: leaves at the start of service, back exactly at its end, no slack at either end."""
    unit = instance.unit(unit_id)
    length = instance.rules.session_length(unit)
    first = unit.hours.start + math.ceil(leg(instance, unit_id, None, morning)[0])
    last_end = unit.hours.end - math.ceil(leg(instance, unit_id, afternoon, None)[0])
    return timed_tour(instance, day, [(morning, first), (afternoon, last_end - length)], unit_id=unit_id)


def make_plan(instance: Instance, tours: list[Tour], shifts: list[Shift] = ()) -> Plan:
    return Plan(instance.name, instance.rules.start, instance.rules.weeks, tuple(tours), tuple(shifts))


INSTANCE = gridless_instance()
TOUR_A = tight_tour(INSTANCE, MONDAY, "76001", "76002")
TOUR_B = tight_tour(INSTANCE, WEDNESDAY, "76003", "76004")
TOUR_C = tight_tour(INSTANCE, NEXT_MONDAY, "76001", "76002")
VALID = make_plan(
    INSTANCE,
    [TOUR_A, TOUR_B, TOUR_C],
    [
        *gridless_shifts(TOUR_A, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
        *gridless_shifts(TOUR_B, {Role.DOCTOR: ["d2"], Role.DRIVER: ["c2"]}),
        *gridless_shifts(TOUR_C, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
    ],
)

#: The same territory without a roster, for tour rules checked on plans without shifts.
NO_STAFF = INSTANCE.replace(staff=())


def all_places(instance: Instance) -> list[Point]:
    """The depots and sites of ``instance``: the places of its travel matrices."""
    return [u.depot for u in instance.units] + [c.site.point for c in instance.communes]


def scaled_matrix(instance: Instance, *, minutes: float = 1.0, km: float = 1.0, source: str = "road") -> TravelMatrix:
    """The estimate over ``instance``'s places with its minutes and km multiplied: a wrong matrix."""
    estimate = EstimateSource().matrix(all_places(instance))
    return TravelMatrix(estimate.places, estimate.minutes * minutes, estimate.km * km, source, "test")


def rules_of(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def tours_only(*tours: Tour, instance: Instance = NO_STAFF) -> list[Violation]:
    return validate(instance, make_plan(instance, list(tours)))


def with_session(tour: Tour, index: int, **changes: int) -> Tour:
    sessions = list(tour.sessions)
    sessions[index] = replace(sessions[index], **changes)
    return replace(tour, sessions=tuple(sessions))
