"""Visits a public holiday takes from the weekly pattern, offered another day at planning time
(issue 25, item 3): found only when the plan does not already make up for them, moved to the
nearest day that keeps the rules (its own unit first), crewed, and checked by the validator; each
one said in French (« déplacée au … » or why not)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from planner.check.validate import validate
from planner.crews.rota_search import assign_crews, shift_key
from planner.domain.french import date_fr
from planner.domain.instance import Instance, Rules
from planner.inputs import load_territory
from planner.planning.holiday_visits import holiday_lost, move_holiday_visits
from planner.planning.lost_visits import LostSession
from planner.planning.options import PlanOptions
from planner.planning.pipeline import assemble
from planner.planning.pipeline import plan as plan_instance
from planner.tours.day_routing import route_day_by_rules
from planner.tours.pattern_problem import Pattern, Slot, Visit
from planner.tours.rollout import roll_out
from planner.travel import travel_for
from tests.support.builders import bus
from tests.support.replan_case import PATTERN, two_bus_territory

EASTER_MONDAY = date(2027, 3, 29)


def _territory(**bus_options) -> Instance:
    """Two buses (bus2 idle), three weeks from 22 March 2027: Easter Monday in the second week."""
    instance = two_bus_territory("holidays")
    units = (bus(**bus_options), instance.unit("bus2")) if bus_options else instance.units
    return instance.replace(units=units, rules=Rules(start=date(2027, 3, 22), weeks=3))


def _pattern(days: dict[int, tuple[str, ...]] = PATTERN) -> Pattern:
    """Each weekday's communes on bus1, every week."""
    visits = tuple(
        Visit(insee, Slot("bus1", weekday, session), 1, 0)
        for weekday, insees in days.items()
        for session, insee in enumerate(insees)
    )
    return Pattern(1, visits)


def _rolled(instance: Instance, pattern: Pattern):
    travel = travel_for(instance)
    tours, _ = roll_out(instance, pattern, travel)
    rota = assign_crews(instance, tours, time_limit=5)
    assert not rota.uncrewed
    return tours, rota.shifts, travel


def test_holiday_visits_move_to_the_nearest_day_that_keeps_the_rules():
    """Easter Monday's two visits go to Tuesday 30 March on their own bus (Sunday: the bus does not
    work); the plan passes the validator and every other tour and shift is kept."""
    instance, pattern = _territory(), _pattern()
    tours, shifts, travel = _rolled(instance, pattern)
    assert not [t for t in tours if t.date == EASTER_MONDAY]
    new_tours, new_shifts, lines = move_holiday_visits(instance, pattern, tours, shifts, travel, PlanOptions())
    tuesday = date(2027, 3, 30)
    assert lines == [
        f"Jour férié (Lundi de Pâques) — Commune {insee} : séance du {date_fr(EASTER_MONDAY)} déplacée au "
        f"{date_fr(tuesday)} (Bus bus1)"
        for insee in PATTERN[0]
    ]
    moved = next(t for t in new_tours if t.key == f"bus1/{tuesday.isoformat()}")
    assert {s.insee for s in moved.sessions} == set(PATTERN[0])
    assert [t for t in new_tours if t.key != moved.key] == sorted(tours, key=lambda t: (t.date, t.unit_id))
    kept = {shift_key(s) for s in new_shifts}
    assert all(shift_key(s) in kept for s in shifts)
    plan = assemble(instance, new_tours, new_shifts, travel, lines, 0.0)
    assert validate(instance, plan) == []


def test_a_holiday_visit_with_no_day_that_keeps_the_rules_stays_out_and_is_said():
    """bus1 works Mondays only and bus2 may not serve the communes: Easter Monday's visits have no
    other day within a week (their other Mondays hold them already)."""
    instance = _territory(days=frozenset({0}))
    instance = instance.replace(units=(instance.unit("bus1"), replace(instance.unit("bus2"), places=("x",))))
    pattern = _pattern({0: PATTERN[0]})
    tours, shifts, travel = _rolled(instance, pattern)
    new_tours, new_shifts, lines = move_holiday_visits(instance, pattern, tours, shifts, travel, PlanOptions())
    assert (new_tours, new_shifts) == (tours, shifts)
    assert lines == [
        f"Jour férié (Lundi de Pâques) — Commune {insee} : séance du {date_fr(EASTER_MONDAY)} non déplacée, "
        "aucun jour à ± 7 jours ne respecte les règles"
        for insee in PATTERN[0]
    ]


def test_a_holiday_visit_the_plan_already_makes_up_for_is_not_lost():
    """76001 has a visit on Tuesday 30 March already (as the dated search or the free days may give):
    only 76002 is lost to Easter Monday; without a holiday nothing is."""
    instance, pattern = _territory(), _pattern()
    tours, _, travel = _rolled(instance, pattern)
    extra = route_day_by_rules(
        instance.unit("bus2"), date(2027, 3, 30), [instance.commune("76001")], instance.rules, travel=travel
    ).tour
    assert extra is not None
    lost = holiday_lost(instance, pattern, [*tours, extra])
    assert [(item.unit_id, item.day, item.insee) for item in lost] == [("bus1", EASTER_MONDAY, "76002")]
    usual = next(s.start for t in tours if t.date.weekday() == 0 for s in t.sessions if s.insee == "76002")
    assert lost == [LostSession("bus1", EASTER_MONDAY, "76002", usual)]
    no_holiday = instance.replace(rules=replace(instance.rules, public_holidays=False))
    assert holiday_lost(no_holiday, pattern, roll_out(no_holiday, pattern, travel)[0]) == []


def test_planning_the_demo_over_11_november_moves_a_visit_and_says_so():
    """The demo planned by the fast method over the two weeks of 11 November 2026: the visits of that
    Wednesday are said, those moved are in the plan on the day said, and the plan passes the validator."""
    instance = load_territory("medicobus-dieppe")
    instance = instance.replace(rules=replace(instance.rules, start=date(2026, 11, 9), weeks=2))
    result = plan_instance(instance, PlanOptions(method="greedy"))
    assert validate(instance, result) == []
    assert not [t for t in result.tours if t.date == date(2026, 11, 11)]
    said = [w for w in result.warnings if w.startswith("Jour férié (Armistice) — ")]
    moved = [re.search(r"— (.+) : séance du .+ déplacée au (.+) \((.+)\)$", w) for w in said]
    assert said and any(moved)
    names = {c.name: c.insee for c in instance.communes}
    held = {(date_fr(t.date), instance.unit(t.unit_id).name, s.insee) for t, s in result.sessions()}
    for found in filter(None, moved):
        assert (found[2], found[3], names[found[1]]) in held
