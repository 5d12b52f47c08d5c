"""Tests of the independent plan validator: one hand-made plan per rule, breaking exactly that rule."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.check.context import TOP_SPEED_KMH
from planner.check.validate import (
    HARD_RULES,
    RULE_NAMES,
    Violation,
    assert_valid,
    validate,
)
from planner.domain.errors import PlanningError, PlanWarning
from planner.domain.french import date_fr
from planner.domain.geo import great_circle_km, haversine_km
from planner.domain.instance import (
    CommuneClosure,
    DateRange,
    HalfDay,
    Instance,
    Point,
    Role,
    TimeWindow,
    UnitClosure,
    UnitKind,
    hhmm,
)
from planner.domain.plan import Plan, Session, Shift, Tour, shift_times
from planner.domain.travel_matrix import TravelMatrix
from planner.travel.estimate import EstimateSource
from tests import builders, plan_builders
from tests.builders import ALL_HALF_DAYS, MONDAY, bus, commune, person

WEDNESDAY = MONDAY + timedelta(days=2)
NEXT_MONDAY = MONDAY + timedelta(days=7)
SUNDAY = MONDAY + timedelta(days=6)


# --- Hand-made plans ------------------------------------------------------------------------


def small_instance(**changes) -> Instance:
    """The builders' instance without a time grid: the hand-made tours here are tight to the minute
    (TIME_GRID and the set-up time have their own tests, in tests/test_time_grid.py)."""
    return builders.small_instance(**{"time_step": 1, **changes})


def crew_shifts(tour: Tour, crew) -> list[Shift]:
    """Shifts of ``tour`` with this module's timing rules (no grid, 15 min of set-up)."""
    return plan_builders.crew_shifts(tour, crew, INSTANCE.rules)


def _place(instance: Instance, unit_id: str, insee: str | None) -> Point:
    if insee is None:
        return instance.unit(unit_id).depot
    site = instance.commune(insee).site
    return Point(site.name, site.lat, site.lon)


def _leg(
    instance: Instance, unit_id: str, a: str | None, b: str | None, travel: TravelMatrix | None = None
) -> tuple[float, float]:
    """Minutes and km between two places (None is the unit's depot): from ``travel``, else estimated."""
    if instance.unit(unit_id).kind is UnitKind.FIXED:
        return 0.0, 0.0
    pa, pb = _place(instance, unit_id, a), _place(instance, unit_id, b)
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
    legs = [_leg(instance, unit_id, a, b, travel) for a, b in zip(stops, stops[1:])]
    leave = sessions[0].arrival - math.ceil(legs[0][0])
    back = sessions[-1].departure + math.ceil(legs[-1][0])
    return Tour(unit_id, day, leave, back, sessions, sum(m for m, _ in legs), sum(k for _, k in legs))


def tight_tour(instance: Instance, day: date, morning: str, afternoon: str, *, unit_id: str = "bus1") -> Tour:
    """Two sessions: leaves at the start of service, back exactly at its end, no slack at either end."""
    unit = instance.unit(unit_id)
    length = instance.rules.session_length(unit)
    first = unit.hours.start + math.ceil(_leg(instance, unit_id, None, morning)[0])
    last_end = unit.hours.end - math.ceil(_leg(instance, unit_id, afternoon, None)[0])
    return timed_tour(instance, day, [(morning, first), (afternoon, last_end - length)], unit_id=unit_id)


def make_plan(instance: Instance, tours: list[Tour], shifts: list[Shift] = ()) -> Plan:
    return Plan(instance.name, instance.rules.start, instance.rules.weeks, tuple(tours), tuple(shifts))


INSTANCE = small_instance()
TOUR_A = tight_tour(INSTANCE, MONDAY, "76001", "76002")
TOUR_B = tight_tour(INSTANCE, WEDNESDAY, "76003", "76004")
TOUR_C = tight_tour(INSTANCE, NEXT_MONDAY, "76001", "76002")
VALID = make_plan(
    INSTANCE,
    [TOUR_A, TOUR_B, TOUR_C],
    [
        *crew_shifts(TOUR_A, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
        *crew_shifts(TOUR_B, {Role.DOCTOR: ["d2"], Role.DRIVER: ["c2"]}),
        *crew_shifts(TOUR_C, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
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


# --- The valid plan and the entry points ----------------------------------------------------


def test_valid_plan_has_no_violation():
    """A hand-made plan that meets every rule, with no slack at the ends of its tours, passes."""
    assert validate(INSTANCE, VALID) == []
    assert_valid(INSTANCE, VALID)  # does not raise


def test_valid_plan_passes_with_an_explicit_matrix_in_any_order():
    """The validator looks places up by Point, whatever their order in the given matrix."""
    places = [u.depot for u in INSTANCE.units] + [Point(c.site.name, c.site.lat, c.site.lon) for c in INSTANCE.communes]
    matrix = EstimateSource().matrix(list(reversed(places)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validate(INSTANCE, VALID, travel=matrix) == []


def test_validator_uses_the_given_matrix():
    """Slower roads than the estimate make the same tight plan late: the given matrix is what counts.

    The Wednesday hop (28.6 min estimated) doubles past the 30-minute limit between sessions too;
    SPEED, which reads the coordinates only, sees nothing wrong.
    """
    slow = scaled_matrix(INSTANCE, minutes=2)
    found = validate(INSTANCE, VALID, travel=slow)
    assert {"TRAVEL", "DRIVE_BETWEEN_SESSIONS"} <= rules_of(found)
    assert rules_of(found) <= {"TRAVEL", "LUNCH", "DRIVE_BETWEEN_SESSIONS"}


def test_missing_place_in_given_matrix_is_estimated_with_a_warning():
    """A matrix without the depot still validates (estimated legs) and warns which place was estimated."""
    sites = [Point(c.site.name, c.site.lat, c.site.lon) for c in INSTANCE.communes]
    matrix = EstimateSource().matrix(sites)
    with pytest.warns(PlanWarning, match="Dépôt"):
        assert validate(INSTANCE, VALID, travel=matrix) == []


def test_assert_valid_lists_every_violation():
    """assert_valid raises a PlanningError naming all the violations, not only the first."""
    late = replace(TOUR_A, back_at_depot=TOUR_A.back_at_depot + 30)
    sunday = replace(TOUR_B, date=SUNDAY)
    plan = make_plan(NO_STAFF, [late, sunday])
    with pytest.raises(PlanningError) as caught:
        assert_valid(NO_STAFF, plan)
    text = str(caught.value)
    assert "[HOURS]" in text and "[UNIT_DAY]" in text
    assert "18:00" in text or "après la fin du service (17:30)" in text


def test_every_rule_is_listed_once_with_a_matching_function():
    """HARD_RULES names each rule once, and each function is named after its rule."""
    assert len(RULE_NAMES) == len(set(RULE_NAMES)) == 28
    for name, rule in HARD_RULES:
        assert rule.__name__ == f"check_{name.lower()}"


def test_date_fr():
    assert date_fr(date(2026, 12, 2)) == "mercredi 2 déc. 2026"


# --- hard: tours ----------------------------------------------------------------------------


def test_unit_day_weekday_not_worked():
    """A tour on a Sunday, when the unit works Monday to Friday, breaks UNIT_DAY only."""
    found = tours_only(replace(TOUR_A, date=SUNDAY))
    assert rules_of(found) == {"UNIT_DAY"}
    assert "dimanche" in found[0].message and found[0].tour_key == "bus1/2027-01-10"


def test_unit_day_outside_horizon():
    """A tour after the last date of the horizon breaks UNIT_DAY."""
    found = tours_only(replace(TOUR_A, date=MONDAY + timedelta(days=14)))
    assert rules_of(found) == {"UNIT_DAY"}
    assert "horizon" in found[0].message


def test_unit_day_unknown_unit():
    """A tour of a unit the instance does not have is reported once, by UNIT_DAY."""
    found = tours_only(replace(TOUR_A, unit_id="ghost"))
    assert rules_of(found) == {"UNIT_DAY"}
    assert "ghost" in found[0].message


def test_holiday_public():
    """A tour on New Year's Day breaks HOLIDAY, unless public holidays are off in the rules."""
    inst = small_instance(start=date(2026, 12, 28)).replace(staff=())
    new_year = date(2027, 1, 1)
    tour = tight_tour(inst, new_year, "76001", "76002")
    found = tours_only(tour, instance=inst)
    assert rules_of(found) == {"HOLIDAY"}
    assert "Jour de l'an" in found[0].message
    relaxed = inst.replace(rules=replace(inst.rules, public_holidays=False))
    assert tours_only(tour, instance=relaxed) == []


def test_holiday_subdivision():
    """Good Friday is a holiday in Alsace-Moselle (subdivision 6AE) only."""
    inst = small_instance(start=date(2027, 3, 22)).replace(staff=())
    tour = tight_tour(inst, date(2027, 3, 26), "76001", "76002")
    assert tours_only(tour, instance=inst) == []
    alsace = inst.replace(rules=replace(inst.rules, holiday_subdivision="6AE"))
    assert rules_of(tours_only(tour, instance=alsace)) == {"HOLIDAY"}


def test_holiday_closure_date():
    """A tour on one of the rules' closure dates breaks HOLIDAY."""
    inst = NO_STAFF.replace(rules=replace(NO_STAFF.rules, closures=frozenset({MONDAY})))
    found = tours_only(TOUR_A, instance=inst)
    assert rules_of(found) == {"HOLIDAY"}
    assert "fermeture" in found[0].message


def test_commune_closed():
    """A session in a commune on one of its closure dates breaks COMMUNE_CLOSED."""
    closure = CommuneClosure("76002", frozenset({MONDAY}))
    inst = NO_STAFF.replace(rules=replace(NO_STAFF.rules, commune_closures=(closure,)))
    found = tours_only(TOUR_A, instance=inst)
    assert rules_of(found) == {"COMMUNE_CLOSED"}
    assert "Commune 76002" in found[0].message


def test_unit_closed():
    """A tour of a unit on a date it is out of service (recorded by a re-plan) breaks UNIT_CLOSED."""
    closure = UnitClosure(TOUR_A.unit_id, frozenset({MONDAY}))
    inst = NO_STAFF.replace(rules=replace(NO_STAFF.rules, unit_closures=(closure,)))
    found = tours_only(TOUR_A, instance=inst)
    assert rules_of(found) == {"UNIT_CLOSED"}
    assert "hors service" in found[0].message


def test_hours_leaves_too_early():
    """Leaving the depot before the start of service breaks HOURS only (there is more time to drive)."""
    found = tours_only(replace(TOUR_A, leave_depot=TOUR_A.leave_depot - 10))
    assert rules_of(found) == {"HOURS"}
    assert "08:20" in found[0].message and "08:30" in found[0].message


def test_hours_back_too_late():
    """Coming back after the end of service breaks HOURS only."""
    found = tours_only(replace(TOUR_A, back_at_depot=TOUR_A.back_at_depot + 15))
    assert rules_of(found) == {"HOURS"}
    assert "17:45" in found[0].message


def test_session_times_wrong_length():
    """A session 10 minutes longer than the session length breaks SESSION_TIMES only."""
    s = TOUR_A.sessions[0]
    found = tours_only(with_session(TOUR_A, 0, end=s.end + 10, departure=s.departure + 10))
    assert rules_of(found) == {"SESSION_TIMES"}
    assert "190 min au lieu de 180 min" in found[0].message


def test_session_times_arrival_after_start():
    """Arriving after the session started breaks SESSION_TIMES."""
    s = TOUR_A.sessions[1]
    found = tours_only(with_session(TOUR_A, 1, arrival=s.start + 5))
    assert rules_of(found) == {"SESSION_TIMES"}


def test_session_times_too_many_sessions():
    """Two sessions for a unit allowed one a day break SESSION_TIMES only."""
    inst = NO_STAFF.replace(units=(bus(sessions_per_day=1),))
    found = tours_only(TOUR_A, instance=inst)
    assert rules_of(found) == {"SESSION_TIMES"}
    assert "au plus 1" in found[0].message


def test_session_times_overlapping_sessions():
    """Two sessions of one tour at the same site and overlapping times break SESSION_TIMES."""
    inst = NO_STAFF.replace(
        communes=tuple(replace(c, visits_per_week=2) for c in NO_STAFF.communes),
        rules=replace(NO_STAFF.rules, min_gap_days=0),
    )
    tour = timed_tour(inst, MONDAY, [("76001", 9 * 60), ("76002", 11 * 60)])
    found = tours_only(tour, instance=inst)
    assert "SESSION_TIMES" in rules_of(found)
    # Arriving at 76002 before leaving 76001 is also a drive too fast for any road (SPEED).
    assert rules_of(found) <= {"SESSION_TIMES", "TRAVEL", "SPEED", "LUNCH"}


def test_session_times_tour_without_session():
    """A tour with no session at all is reported (it would mobilise a crew for nothing)."""
    empty = Tour("bus1", MONDAY, 9 * 60, 9 * 60, ())
    assert rules_of(tours_only(empty)) == {"SESSION_TIMES"}


def test_travel_arrival_too_early():
    """Leaving the depot later with the same arrival leaves too little time to drive: TRAVEL only."""
    late = replace(TOUR_A, leave_depot=TOUR_A.leave_depot + 5)
    found = tours_only(late)
    assert rules_of(found) == {"TRAVEL"}
    minutes = math.ceil(_leg(INSTANCE, "bus1", None, "76001")[0])
    arrival = TOUR_A.sessions[0].arrival
    expected = (
        f"Bus bus1, lundi 4 janv. 2027 : arrivée à Commune 76001 à {hhmm(arrival)} mais le trajet "
        f"depuis Dépôt prend {minutes} min (départ {hhmm(late.leave_depot)})"
    )
    assert found[0].message == expected


def test_travel_back_too_early():
    """Coming back to the depot sooner than the drive allows breaks TRAVEL only."""
    found = tours_only(replace(TOUR_A, back_at_depot=TOUR_A.back_at_depot - 5))
    assert rules_of(found) == {"TRAVEL"}
    assert "retour au dépôt" in found[0].message


def test_travel_drive_totals_must_match_legs():
    """drive_minutes and drive_km that disagree with the legs break TRAVEL."""
    found = tours_only(replace(TOUR_A, drive_minutes=TOUR_A.drive_minutes + 20))
    assert rules_of(found) == {"TRAVEL"}
    found = tours_only(replace(TOUR_A, drive_km=TOUR_A.drive_km + 5))
    assert rules_of(found) == {"TRAVEL"}
    assert "km" in found[0].message


def test_travel_fixed_unit_drives_nowhere():
    """A fixed place has no legs: back-to-back sessions are fine, but any driving reported is not."""
    fixed = replace(bus("fix1"), kind=UnitKind.FIXED)
    inst = NO_STAFF.replace(units=(bus(), fixed))
    tour = timed_tour(inst, MONDAY, [("76001", 8 * 60 + 30), ("76002", 13 * 60 + 30)], unit_id="fix1")
    assert tour.leave_depot == 8 * 60 + 30 and tour.drive_km == 0
    assert tours_only(tour, instance=inst) == []
    assert rules_of(tours_only(replace(tour, drive_km=12.0), instance=inst)) == {"TRAVEL"}


def test_speed_leg_faster_than_the_straight_line():
    """A tour timed on a 10-times-too-fast road matrix agrees with it (no TRAVEL), but breaks SPEED."""
    fast = scaled_matrix(INSTANCE, minutes=0.1)
    tour = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60), ("76002", 14 * 60)], travel=fast)
    assert tour.leave_depot == 9 * 60 - 1  # 0.87 min for 8.7 km, rounded up
    found = validate(NO_STAFF, make_plan(NO_STAFF, [tour]), travel=fast)
    assert rules_of(found) == {"SPEED"}
    depot, site = NO_STAFF.unit("bus1").depot, NO_STAFF.commune("76001").site
    km = haversine_km(depot.lat, depot.lon, site.lat, site.lon)
    least = math.ceil(km / TOP_SPEED_KMH * 60)
    assert least >= 3
    assert found[0].message == (
        f"Bus bus1, lundi 4 janv. 2027 : arrivée à Commune 76001 à 09:00, 1 min après le départ depuis Dépôt "
        f"à 08:59, pour un trajet de {km:.1f} km à vol d'oiseau : au moins {least} min à 110 km/h"
    )
    # Both depot legs and the declared drive are too fast; the 2-hour hop at lunch is not.
    assert len(found) == 3
    assert f"retour au dépôt à Dépôt à {hhmm(tour.back_at_depot)}" in found[1].message
    assert "temps de conduite annoncé" in found[2].message
    # The same tour timed at the top speed exactly passes: the bound is no stricter than it says.
    top = TravelMatrix(fast.places, great_circle_km(fast.places) / TOP_SPEED_KMH * 60, fast.km, "road", "test")
    at_top = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60), ("76002", 14 * 60)], travel=top)
    assert at_top.leave_depot == 9 * 60 - least
    assert validate(NO_STAFF, make_plan(NO_STAFF, [at_top]), travel=top) == []


def test_speed_declared_km_shorter_than_the_straight_line():
    """A road matrix whose km are half the straight line gives a drive_km no road can have: SPEED."""
    short = scaled_matrix(INSTANCE, km=0.5 / 1.3)
    tour = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60), ("76002", 14 * 60)], travel=short)
    found = validate(NO_STAFF, make_plan(NO_STAFF, [tour]), travel=short)
    assert rules_of(found) == {"SPEED"}
    assert len(found) == 1 and "distance annoncée" in found[0].message and "à vol d'oiseau" in found[0].message
    honest = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60), ("76002", 14 * 60)])
    assert tours_only(honest) == []


def test_speed_declared_drive_minutes_too_short():
    """A tour with a slack timetable but 3 declared minutes of driving for 27 km as the crow flies: SPEED."""
    fast = scaled_matrix(INSTANCE, minutes=0.1)
    declared = replace(TOUR_A, drive_minutes=TOUR_A.drive_minutes / 10)
    found = validate(NO_STAFF, make_plan(NO_STAFF, [declared]), travel=fast)
    assert rules_of(found) == {"SPEED"}
    assert len(found) == 1 and "temps de conduite annoncé 4 min" in found[0].message
    assert "110 km/h" in found[0].message


def test_speed_reads_no_matrix_and_exempts_fixed_units():
    """A zero matrix makes every drive legal for TRAVEL, never for SPEED; a fixed place never drives."""
    zero = scaled_matrix(INSTANCE, minutes=0, km=0)
    teleport = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60), ("76002", 14 * 60)], travel=zero)
    assert teleport.leave_depot == 9 * 60 and teleport.drive_km == 0
    found = validate(NO_STAFF, make_plan(NO_STAFF, [teleport]), travel=zero)
    assert rules_of(found) == {"SPEED"} and len(found) == 4  # two depot legs, km and minutes
    fixed = replace(bus("fix1"), kind=UnitKind.FIXED)
    inst = NO_STAFF.replace(units=(bus(), fixed))
    still = timed_tour(inst, MONDAY, [("76001", 8 * 60 + 30), ("76002", 13 * 60 + 30)], unit_id="fix1")
    assert validate(inst, make_plan(inst, [still]), travel=zero) == []


def test_drive_between_sessions_too_far():
    """A hop between two sessions longer than max_drive_between_sessions breaks it, with 1 min of slack."""
    hop = _leg(NO_STAFF, "bus1", "76001", "76002")[0]
    assert 14 < hop < 16

    def with_limit(limit: int) -> list[Violation]:
        rules = replace(NO_STAFF.rules, max_drive_between_sessions=limit)
        return tours_only(TOUR_A, instance=NO_STAFF.replace(rules=rules))

    found = with_limit(math.floor(hop) - 1)
    assert rules_of(found) == {"DRIVE_BETWEEN_SESSIONS"}
    assert found[0].message == (
        f"Bus bus1, lundi 4 janv. 2027 : {math.ceil(hop)} min de route entre les séances à Commune 76001 "
        f"et à Commune 76002, au plus {math.floor(hop) - 1} min entre deux séances"
    )
    assert with_limit(math.ceil(hop)) == []  # what the pattern solver allows
    assert with_limit(math.floor(hop)) == []  # within the 1-minute slack


def test_drive_between_sessions_exempts_fixed_units():
    """A fixed place's sessions in two communes are 0 min apart, even with no drive allowed at all."""
    fixed = replace(bus("fix1"), kind=UnitKind.FIXED)
    rules = replace(NO_STAFF.rules, max_drive_between_sessions=0)
    inst = NO_STAFF.replace(units=(bus(), fixed), rules=rules)
    still = timed_tour(inst, MONDAY, [("76001", 8 * 60 + 30), ("76002", 13 * 60 + 30)], unit_id="fix1")
    assert tours_only(still, instance=inst) == []
    moving = timed_tour(inst, MONDAY, [("76001", 9 * 60), ("76002", 14 * 60)])
    assert rules_of(tours_only(moving, instance=inst)) == {"DRIVE_BETWEEN_SESSIONS"}


def test_lunch_session_overlaps_lunch():
    """An afternoon session starting at 13:00 eats into the 12:30-13:30 lunch: LUNCH only."""
    tour = timed_tour(NO_STAFF, MONDAY, [("76001", 8 * 60 + 45), ("76002", 13 * 60)])
    found = tours_only(tour)
    assert rules_of(found) == {"LUNCH"}
    assert "pause déjeuner" in found[0].message


def test_lunch_leaves_no_time_to_drive():
    """Sessions 12:25 and 13:35 leave 10 min outside lunch for a longer drive: LUNCH only."""
    tour = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60 + 25), ("76002", 13 * 60 + 35)])
    assert _leg(NO_STAFF, "bus1", "76001", "76002")[0] > 11
    found = tours_only(tour)
    assert rules_of(found) == {"LUNCH"}
    assert "il reste 10 min" in found[0].message


def test_lunch_tour_ending_during_lunch_is_fine():
    """A morning tour driving back during the lunch window takes no lunch at work: no violation."""
    tour = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60 + 30)])
    assert tour.sessions[0].end <= 12 * 60 + 30 < tour.back_at_depot
    assert tours_only(tour) == []


def test_site_open_day_and_hours():
    """A session on a day, or at hours, the site is not open breaks SITE_OPEN only."""
    closed_monday = commune("76001", 49.95, 1.15, open_days=frozenset({1, 2, 3, 4}))
    inst = NO_STAFF.replace(communes=(closed_monday, *NO_STAFF.communes[1:]))
    found = tours_only(TOUR_A, instance=inst)
    assert rules_of(found) == {"SITE_OPEN"}
    assert "lundi" in found[0].message

    afternoons = commune("76001", 49.95, 1.15, open_hours=TimeWindow(13 * 60, 19 * 60))
    inst = NO_STAFF.replace(communes=(afternoons, *NO_STAFF.communes[1:]))
    found = tours_only(TOUR_A, instance=inst)
    assert rules_of(found) == {"SITE_OPEN"}
    assert "13:00-19:00" in found[0].message


def test_site_clash_two_units_same_site():
    """Two units at one site (shared by two communes) at overlapping times break SITE_CLASH only."""
    base = NO_STAFF.commune("76001")
    neighbour = replace(base, insee="76005", name="Commune 76005")  # same site as 76001
    inst = NO_STAFF.replace(communes=(*NO_STAFF.communes, neighbour), units=(bus(), bus("bus2")))
    one = timed_tour(inst, MONDAY, [("76001", 9 * 60)])
    two = timed_tour(inst, MONDAY, [("76005", 9 * 60 + 30)], unit_id="bus2")
    found = tours_only(one, two, instance=inst)
    assert rules_of(found) == {"SITE_CLASH"}
    later = timed_tour(inst, MONDAY, [("76005", 13 * 60 + 30)], unit_id="bus2")
    assert tours_only(one, later, instance=inst) == []


def test_unit_places_not_served():
    """A unit limited to 76001 visiting 76002 breaks UNIT_PLACES only."""
    inst = NO_STAFF.replace(units=(bus(places=("76001",)),))
    found = tours_only(TOUR_A, instance=inst)
    assert rules_of(found) == {"UNIT_PLACES"}
    assert "76002" in found[0].message


def test_unit_places_unknown_commune_and_wrong_site():
    """A session in an unknown commune, or at another commune's site, breaks UNIT_PLACES."""
    found = tours_only(with_session(TOUR_A, 1, insee="99999"))
    assert rules_of(found) == {"UNIT_PLACES"}
    assert "99999" in found[0].message
    found = tours_only(with_session(TOUR_A, 1, site_id="76003"))
    assert rules_of(found) == {"UNIT_PLACES"}


def test_frequency_never_visit():
    """A commune with a frequency of 0 must get no visit at all."""
    inst = NO_STAFF.replace(communes=(*NO_STAFF.communes[:3], replace(NO_STAFF.communes[3], visits_per_week=0)))
    found = tours_only(TOUR_B, instance=inst)
    assert rules_of(found) == {"FREQUENCY"}
    assert "Commune 76004" in found[0].message


def test_frequency_weekly_cap():
    """A weekly commune visited twice in one week breaks FREQUENCY; 1.5 a week allows two."""
    monday = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60)])
    wednesday = timed_tour(NO_STAFF, WEDNESDAY, [("76001", 9 * 60)])
    found = tours_only(monday, wednesday)
    assert rules_of(found) == {"FREQUENCY"}
    assert "semaine 1" in found[0].message
    inst = NO_STAFF.replace(communes=(replace(NO_STAFF.communes[0], visits_per_week=1.5), *NO_STAFF.communes[1:]))
    assert tours_only(monday, wednesday, instance=inst) == []
    friday = timed_tour(NO_STAFF, MONDAY + timedelta(days=4), [("76001", 9 * 60)])
    assert rules_of(tours_only(monday, wednesday, friday, instance=inst)) == {"FREQUENCY"}


def test_frequency_fortnightly():
    """A fortnightly commune (0.5 a week) visited in weeks 1 and 2 breaks FREQUENCY; weeks 1 and 3 do not."""
    first = timed_tour(NO_STAFF, WEDNESDAY, [("76003", 9 * 60)])
    second = timed_tour(NO_STAFF, WEDNESDAY + timedelta(days=7), [("76003", 9 * 60)])
    assert rules_of(tours_only(first, second)) == {"FREQUENCY"}
    three_weeks = small_instance(weeks=3).replace(staff=())
    third = timed_tour(three_weeks, WEDNESDAY + timedelta(days=14), [("76003", 9 * 60)])
    assert tours_only(first, third, instance=three_weeks) == []


def test_min_gap_consecutive_days():
    """Visits on Monday and Tuesday, with a two-day minimum gap, break MIN_GAP only."""
    inst = NO_STAFF.replace(communes=(replace(NO_STAFF.communes[0], visits_per_week=2), *NO_STAFF.communes[1:]))
    monday = timed_tour(inst, MONDAY, [("76001", 9 * 60)])
    tuesday = timed_tour(inst, MONDAY + timedelta(days=1), [("76001", 9 * 60)])
    found = tours_only(monday, tuesday, instance=inst)
    assert rules_of(found) == {"MIN_GAP"}
    assert "1 jour(s) d'écart au lieu d'au moins 2" in found[0].message


def test_min_gap_same_day_even_without_gap_rule():
    """Two visits of a commune on the same date break MIN_GAP even when min_gap_days is 0."""
    inst = NO_STAFF.replace(
        communes=(replace(NO_STAFF.communes[0], visits_per_week=2), *NO_STAFF.communes[1:]),
        rules=replace(NO_STAFF.rules, min_gap_days=0),
    )
    tour = timed_tour(inst, MONDAY, [("76001", 9 * 60), ("76001", 13 * 60 + 30)])
    found = tours_only(tour, instance=inst)
    assert rules_of(found) == {"MIN_GAP"}
    assert "même jour" in found[0].message


def test_one_tour_per_day():
    """Two tours of one unit on one date break ONE_TOUR_PER_DAY only."""
    morning = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60)])
    afternoon = timed_tour(NO_STAFF, MONDAY, [("76002", 13 * 60 + 30)])
    found = tours_only(morning, afternoon)
    assert rules_of(found) == {"ONE_TOUR_PER_DAY"}


# --- hard: staff ----------------------------------------------------------------------------


def staff_plan(shifts: list[Shift], instance: Instance = INSTANCE) -> list[Violation]:
    return validate(instance, replace(VALID, shifts=tuple(shifts)))


def test_crew_missing_member():
    """A tour without its driver breaks CREW only."""
    shifts = [s for s in VALID.shifts if not (s.tour_key == TOUR_B.key and s.role is Role.DRIVER)]
    found = staff_plan(shifts)
    assert rules_of(found) == {"CREW"}
    assert found[0].message == "Bus bus1, mercredi 6 janv. 2027 : 0 chauffeur au lieu de 1"


def test_crew_tours_without_any_shift():
    """With a roster, a plan of tours and no shift at all is 'tournée sans équipe' for every tour."""
    found = staff_plan([])
    assert rules_of(found) == {"CREW"}
    assert len(found) == 3 and all("tournée sans équipe" in v.message for v in found)


def test_crew_not_checked_without_roster_nor_shifts():
    """An instance without staff and a plan without shifts is checked for its tours only."""
    assert tours_only(TOUR_A, TOUR_B, TOUR_C) == []


def test_crew_shift_without_tour():
    """A shift on a date where its unit has no tour breaks CREW."""
    extra = Shift("bus1", MONDAY + timedelta(days=1), "d3", Role.DOCTOR, 8 * 60 + 30, 17 * 60 + 30)
    found = staff_plan([*VALID.shifts, extra])
    assert rules_of(found) == {"CREW"}
    assert found[0].staff_id == "d3"


def test_role_not_held():
    """A doctor put in as the driver (the crew counts still match) breaks ROLE only."""
    shifts = [
        replace(s, staff_id="d3") if s.tour_key == TOUR_B.key and s.role is Role.DRIVER else s for s in VALID.shifts
    ]
    found = staff_plan(shifts)
    assert rules_of(found) == {"ROLE"}
    assert "chauffeur" in found[0].message and found[0].staff_id == "d3"


def test_role_unknown_person():
    """A shift of someone not in the roster breaks ROLE."""
    shifts = [replace(s, staff_id="x9") if s.staff_id == "d2" else s for s in VALID.shifts]
    assert rules_of(staff_plan(shifts)) == {"ROLE"}


def test_remote_flag_must_match_unit():
    """A driver marked remote, or a doctor on site for a unit with a remote doctor, break REMOTE."""
    shifts = [replace(s, remote=True) if s.staff_id == "c2" else s for s in VALID.shifts]
    found = staff_plan(shifts)
    assert rules_of(found) == {"REMOTE"}
    tele = INSTANCE.replace(units=(replace(bus(), remote_roles=frozenset({Role.DOCTOR})),))
    found = staff_plan(list(VALID.shifts), tele)
    assert rules_of(found) == {"REMOTE"} and len(found) == 3


def test_availability_half_day():
    """d2 not available on Wednesday afternoons cannot take the Wednesday tour: AVAILABILITY only."""
    mornings = ALL_HALF_DAYS - {(2, HalfDay.AFTERNOON)}
    staff = tuple(person("d2", {Role.DOCTOR}, availability=mornings) if s.id == "d2" else s for s in INSTANCE.staff)
    found = staff_plan(list(VALID.shifts), INSTANCE.replace(staff=staff))
    assert rules_of(found) == {"AVAILABILITY"}
    assert "mercredi après-midi" in found[0].message


def test_availability_dates_off():
    """A shift on one of the person's dates off breaks AVAILABILITY only."""
    off = (DateRange(WEDNESDAY, WEDNESDAY + timedelta(days=3)),)
    staff = tuple(person("d2", {Role.DOCTOR}, dates_off=off) if s.id == "d2" else s for s in INSTANCE.staff)
    found = staff_plan(list(VALID.shifts), INSTANCE.replace(staff=staff))
    assert rules_of(found) == {"AVAILABILITY"}
    assert "absence" in found[0].message


def test_shift_times_must_match_tour():
    """A shift that ends before its tour is back breaks SHIFT_TIMES only."""
    shifts = [replace(s, end=s.end - 60) if s.staff_id == "c2" else s for s in VALID.shifts]
    found = staff_plan(shifts)
    assert rules_of(found) == {"SHIFT_TIMES"}


def test_one_place_at_a_time():
    """One doctor on two units' overlapping tours on one date breaks ONE_PLACE only."""
    inst = INSTANCE.replace(units=(bus(), bus("bus2")))
    one = tight_tour(inst, MONDAY, "76001", "76002")
    two = tight_tour(inst, MONDAY, "76003", "76004", unit_id="bus2")
    shifts = [
        *crew_shifts(one, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
        *crew_shifts(two, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c2"]}),
    ]
    found = validate(inst, make_plan(inst, [one, two], shifts))
    assert rules_of(found) == {"ONE_PLACE"}
    assert found[0].staff_id == "d1"


def test_one_tour_per_person_per_day():
    """One doctor on a morning tour and an afternoon tour of two units, hours apart: ONE_TOUR_PER_PERSON_PER_DAY only."""
    inst = INSTANCE.replace(units=(bus(), bus("bus2")))
    morning = timed_tour(inst, MONDAY, [("76001", 9 * 60)])
    afternoon = timed_tour(inst, MONDAY, [("76003", 14 * 60)], unit_id="bus2")
    assert morning.back_at_depot < afternoon.leave_depot  # no overlap: ONE_PLACE has nothing to say

    def crews(second_doctor: str) -> list[Shift]:
        return [
            *crew_shifts(morning, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
            *crew_shifts(afternoon, {Role.DOCTOR: [second_doctor], Role.DRIVER: ["c2"]}),
        ]

    found = validate(inst, make_plan(inst, [morning, afternoon], crews("d1")))
    assert rules_of(found) == {"ONE_TOUR_PER_PERSON_PER_DAY"}
    assert len(found) == 1 and found[0].staff_id == "d1" and found[0].tour_key == afternoon.key
    assert found[0].message == (
        f"Dr D1 Exemple (exemple), lundi 4 janv. 2027 : deux tournées le même jour "
        f"(Bus bus1 {hhmm(morning.leave_depot - 15)}-{hhmm(morning.back_at_depot + 15)}, "
        f"Bus bus2 {hhmm(afternoon.leave_depot - 15)}-{hhmm(afternoon.back_at_depot + 15)})"
    )
    assert validate(inst, make_plan(inst, [morning, afternoon], crews("d2"))) == []


def test_max_week():
    """Two shifts in one ISO week for someone allowed one a week break MAX_WEEK only."""
    d1_on_wednesday = crew_shifts(TOUR_B, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c2"]})
    monday_too = [*VALID.shifts[:2], *d1_on_wednesday, *VALID.shifts[4:]]
    staff = tuple(person("d1", {Role.DOCTOR}, max_week=1) if s.id == "d1" else s for s in INSTANCE.staff)
    found = staff_plan(monday_too, INSTANCE.replace(staff=staff))
    assert rules_of(found) == {"MAX_WEEK"}
    assert found[0].staff_id == "d1" and "semaine 1 de 2027" in found[0].message


def test_max_month():
    """Two shifts in January for someone allowed one a month break MAX_MONTH only."""
    staff = tuple(person("d1", {Role.DOCTOR}, max_month=1) if s.id == "d1" else s for s in INSTANCE.staff)
    found = staff_plan(list(VALID.shifts), INSTANCE.replace(staff=staff))
    assert rules_of(found) == {"MAX_MONTH"}
    assert "janv. 2027" in found[0].message


# --- Property: any single perturbation of the valid plan is reported ------------------------


def _on_tour(plan: Plan, change) -> Plan:
    """Apply ``change`` to the first tour and keep its shifts' times and dates in step with it."""
    tour = plan.tours[0]
    new = change(tour)
    shifts = tuple(
        replace(
            s,
            date=new.date,
            start=shift_times(new, None, INSTANCE.rules)[0],
            end=shift_times(new, None, INSTANCE.rules)[1],
        )
        if s.tour_key == tour.key
        else s
        for s in plan.shifts
    )
    return replace(plan, tours=(new, *plan.tours[1:]), shifts=shifts)


def _session(i: int, field: str, delta: int):
    return lambda plan: _on_tour(plan, lambda t: with_session(t, i, **{field: getattr(t.sessions[i], field) + delta}))


def _tour(field: str, delta: int):
    return lambda plan: _on_tour(plan, lambda t: replace(t, **{field: getattr(t, field) + delta}))


def _shift(i: int, field: str, delta: int):
    def change(plan: Plan) -> Plan:
        shifts = list(plan.shifts)
        shifts[i] = replace(shifts[i], **{field: getattr(shifts[i], field) + delta})
        return replace(plan, shifts=tuple(shifts))

    return change


def _drop_shift(i: int):
    return lambda plan: replace(plan, shifts=plan.shifts[:i] + plan.shifts[i + 1 :])


def _to_sunday(plan: Plan) -> Plan:
    return _on_tour(plan, lambda t: replace(t, date=t.date + timedelta(days=6 - t.date.weekday())))


#: (name, perturbation of the valid plan given k ≥ 2 minutes, rule that must catch it).
PERTURBATIONS = [
    ("leave earlier", lambda k: _tour("leave_depot", -k), "HOURS"),
    ("leave later", lambda k: _tour("leave_depot", +k), "TRAVEL"),
    ("back later", lambda k: _tour("back_at_depot", +k), "HOURS"),
    ("back earlier", lambda k: _tour("back_at_depot", -k), "TRAVEL"),
    *[(f"session {i} start {sign:+}", lambda k, i=i, sign=sign: _session(i, "start", sign * k), "SESSION_TIMES")
      for i in (0, 1) for sign in (-1, 1)],
    *[(f"session {i} end {sign:+}", lambda k, i=i, sign=sign: _session(i, "end", sign * k), "SESSION_TIMES")
      for i in (0, 1) for sign in (-1, 1)],
    *[(f"session {i} arrives late", lambda k, i=i: _session(i, "arrival", +k), "SESSION_TIMES") for i in (0, 1)],
    *[(f"session {i} leaves early", lambda k, i=i: _session(i, "departure", -k), "SESSION_TIMES") for i in (0, 1)],
    ("first arrival earlier", lambda k: _session(0, "arrival", -k), "TRAVEL"),
    ("last departure later", lambda k: _session(1, "departure", +k), "TRAVEL"),
    *[(f"shift {i} {f} {sign:+}", lambda k, i=i, f=f, sign=sign: _shift(i, f, sign * k), "SHIFT_TIMES")
      for i in range(6) for f in ("start", "end") for sign in (-1, 1)],
    *[(f"drop shift {i}", lambda k, i=i: _drop_shift(i), "CREW") for i in range(6)],
    ("tour to Sunday", lambda k: _to_sunday, "UNIT_DAY"),
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PERTURBATIONS), st.integers(min_value=2, max_value=120))
def test_any_single_perturbation_is_reported(perturbation, k):
    """Shifting one time by k ≥ 2 minutes, dropping a crew member or moving a tour to Sunday is caught."""
    _name, make, rule = perturbation
    broken = make(k)(VALID)
    found = validate(INSTANCE, broken)
    assert rule in rules_of(found), (_name, k, found)


def test_perturbations_cover_the_valid_plan_shape():
    """The property test's perturbations index real sessions and shifts of the valid plan."""
    assert len(TOUR_A.sessions) == 2 and len(VALID.shifts) == 6
    assert TOUR_A.leave_depot == INSTANCE.unit("bus1").hours.start
    assert TOUR_A.back_at_depot == INSTANCE.unit("bus1").hours.end
    assert not np.isnan(TOUR_A.drive_minutes)
