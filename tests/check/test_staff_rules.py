"""The validator's hard rules about staff (planner.check.staff_rules): the hand-made valid plan with
its shifts changed to break exactly one rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from planner.check.validate import (
    Violation,
    validate,
)
from planner.domain.instance import (
    DateRange,
    HalfDay,
    Instance,
    Role,
    hhmm,
)
from planner.domain.plan import Shift
from tests.support.builders import ALL_HALF_DAYS, MONDAY
from tests.support.hand_plans import (
    INSTANCE,
    TOUR_A,
    TOUR_B,
    TOUR_C,
    VALID,
    WEDNESDAY,
    gridless_shifts,
    make_plan,
    rules_of,
    tight_tour,
    timed_tour,
    tours_only,
)

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


def test_remote_flag_must_match_unit(bus):
    """A driver marked remote, or a doctor on site for a unit with a remote doctor, break REMOTE."""
    shifts = [replace(s, remote=True) if s.staff_id == "c2" else s for s in VALID.shifts]
    found = staff_plan(shifts)
    assert rules_of(found) == {"REMOTE"}
    tele = INSTANCE.replace(units=(replace(bus(), remote_roles=frozenset({Role.DOCTOR})),))
    found = staff_plan(list(VALID.shifts), tele)
    assert rules_of(found) == {"REMOTE"} and len(found) == 3


def test_availability_half_day(person):
    """d2 not available on Wednesday afternoons cannot take the Wednesday tour: AVAILABILITY only."""
    mornings = ALL_HALF_DAYS - {(2, HalfDay.AFTERNOON)}
    staff = tuple(person("d2", {Role.DOCTOR}, availability=mornings) if s.id == "d2" else s for s in INSTANCE.staff)
    found = staff_plan(list(VALID.shifts), INSTANCE.replace(staff=staff))
    assert rules_of(found) == {"AVAILABILITY"}
    assert "mercredi après-midi" in found[0].message


def test_availability_dates_off(person):
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


def test_one_place_at_a_time(bus):
    """One doctor on two units' overlapping tours on one date breaks ONE_PLACE only."""
    inst = INSTANCE.replace(units=(bus(), bus("bus2")))
    one = tight_tour(inst, MONDAY, "76001", "76002")
    two = tight_tour(inst, MONDAY, "76003", "76004", unit_id="bus2")
    shifts = [
        *gridless_shifts(one, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
        *gridless_shifts(two, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c2"]}),
    ]
    found = validate(inst, make_plan(inst, [one, two], shifts))
    assert rules_of(found) == {"ONE_PLACE"}
    assert found[0].staff_id == "d1"


def test_one_tour_per_person_per_day(bus):
    """One doctor on a morning tour and an afternoon tour of two units, hours apart:
    ONE_TOUR_PER_PERSON_PER_DAY only."""
    inst = INSTANCE.replace(units=(bus(), bus("bus2")))
    morning = timed_tour(inst, MONDAY, [("76001", 9 * 60)])
    afternoon = timed_tour(inst, MONDAY, [("76003", 14 * 60)], unit_id="bus2")
    assert morning.back_at_depot < afternoon.leave_depot  # no overlap: ONE_PLACE has nothing to say

    def crews(second_doctor: str) -> list[Shift]:
        return [
            *gridless_shifts(morning, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}),
            *gridless_shifts(afternoon, {Role.DOCTOR: [second_doctor], Role.DRIVER: ["c2"]}),
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


def test_max_week(person):
    """Two shifts in one ISO week for someone allowed one a week break MAX_WEEK only."""
    d1_on_wednesday = gridless_shifts(TOUR_B, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c2"]})
    monday_too = [*VALID.shifts[:2], *d1_on_wednesday, *VALID.shifts[4:]]
    staff = tuple(person("d1", {Role.DOCTOR}, max_week=1) if s.id == "d1" else s for s in INSTANCE.staff)
    found = staff_plan(monday_too, INSTANCE.replace(staff=staff))
    assert rules_of(found) == {"MAX_WEEK"}
    assert found[0].staff_id == "d1" and "semaine 1 de 2027" in found[0].message


def test_max_month(person):
    """Two shifts in January for someone allowed one a month break MAX_MONTH only."""
    staff = tuple(person("d1", {Role.DOCTOR}, max_month=1) if s.id == "d1" else s for s in INSTANCE.staff)
    found = staff_plan(list(VALID.shifts), INSTANCE.replace(staff=staff))
    assert rules_of(found) == {"MAX_MONTH"}
    assert "janv. 2027" in found[0].message
