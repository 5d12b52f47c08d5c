"""The validator's hard rules about tours (planner.check.tour_rules): one hand-made plan per rule,
breaking exactly that rule."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

from planner.check.context import TOP_SPEED_KMH
from planner.check.validate import (
    Violation,
    validate,
)
from planner.domain.geo import great_circle_km, haversine_km
from planner.domain.instance import (
    CommuneClosure,
    TimeWindow,
    UnitClosure,
    UnitKind,
    hhmm,
)
from planner.domain.plan import Tour
from planner.domain.travel_matrix import TravelMatrix
from tests.support.builders import MONDAY
from tests.support.hand_plans import (
    INSTANCE,
    NO_STAFF,
    SUNDAY,
    TOUR_A,
    TOUR_B,
    WEDNESDAY,
    gridless_instance,
    leg,
    make_plan,
    rules_of,
    scaled_matrix,
    tight_tour,
    timed_tour,
    tours_only,
    with_session,
)

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
    inst = gridless_instance(start=date(2026, 12, 28)).replace(staff=())
    new_year = date(2027, 1, 1)
    tour = tight_tour(inst, new_year, "76001", "76002")
    found = tours_only(tour, instance=inst)
    assert rules_of(found) == {"HOLIDAY"}
    assert "Jour de l'an" in found[0].message
    relaxed = inst.replace(rules=replace(inst.rules, public_holidays=False))
    assert tours_only(tour, instance=relaxed) == []


def test_holiday_subdivision():
    """Good Friday is a holiday in Alsace-Moselle (subdivision 6AE) only."""
    inst = gridless_instance(start=date(2027, 3, 22)).replace(staff=())
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


def test_session_times_too_many_sessions(bus):
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
    minutes = math.ceil(leg(INSTANCE, "bus1", None, "76001")[0])
    arrival = TOUR_A.sessions[0].arrival
    expected = (
        f"Bus bus1, lundi 4 janv. 2027 : arrivée à Commune 76001 à {hhmm(arrival)} mais le trajet "
        f"depuis Dépôt prend {minutes} min (départ {hhmm(late.leave_depot)})"
    )
    assert found[0].message == expected


def test_travel_leaves_no_minute_of_grace():
    """A leg timed a fraction of a minute shorter than its drive breaks TRAVEL: every planning step
    rounds drives up to whole minutes, so the rules are checked as given (a minute of grace once let
    the bound of the rules count days no timetable holds)."""
    minutes = leg(INSTANCE, "bus1", None, "76001")[0]
    assert 0.01 < minutes % 1 < 0.99
    arrival = TOUR_A.sessions[0].arrival
    assert tours_only(replace(TOUR_A, leave_depot=arrival - math.ceil(minutes))) == []
    found = tours_only(replace(TOUR_A, leave_depot=arrival - math.floor(minutes)))
    assert rules_of(found) == {"TRAVEL"}


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


def test_travel_fixed_unit_drives_nowhere(bus):
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


def test_speed_reads_no_matrix_and_exempts_fixed_units(bus):
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
    """A hop between two sessions longer than max_drive_between_sessions breaks it, to the fraction of a minute."""
    hop = leg(NO_STAFF, "bus1", "76001", "76002")[0]
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
    # no slack: the planner never uses it either
    assert rules_of(with_limit(math.floor(hop))) == {"DRIVE_BETWEEN_SESSIONS"}


def test_drive_between_sessions_exempts_fixed_units(bus):
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
    assert leg(NO_STAFF, "bus1", "76001", "76002")[0] > 11
    found = tours_only(tour)
    assert rules_of(found) == {"LUNCH"}
    assert "il reste 10 min" in found[0].message


def test_lunch_tour_ending_during_lunch_is_fine():
    """A morning tour driving back during the lunch window takes no lunch at work: no violation."""
    tour = timed_tour(NO_STAFF, MONDAY, [("76001", 9 * 60 + 30)])
    assert tour.sessions[0].end <= 12 * 60 + 30 < tour.back_at_depot
    assert tours_only(tour) == []


def test_site_open_day_and_hours(commune):
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


def test_site_clash_two_units_same_site(bus):
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


def test_unit_places_not_served(bus):
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
    three_weeks = gridless_instance(weeks=3).replace(staff=())
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
