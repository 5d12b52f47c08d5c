"""The hard rules of the rota and the stability of a published one (planner.crews.rota_rules), one
by one: each test builds the model with the hard constraints and THAT rule on a tiny hand-built
case, then checks what it forbids or what penalty it reports."""

from __future__ import annotations

from collections import Counter

from planner.crews import rota_rules as R
from planner.crews.rota_costs import RULE_STABILITY, RULE_UNCREWED
from planner.crews.rota_facts import iso_week, tour_value
from planner.domain.instance import (
    HalfDay,
    Role,
)
from planner.domain.plan import Shift
from tests.crews.rota_solving import chosen, penalties, solve_with
from tests.support.plan_builders import MORNING
from tests.support.rota import day, instance_of, tour

# --- hard rules: eligibility ----------------------------------------------------------------------


def test_rule_has_role_refuses_a_role_the_person_lacks(person, bus):
    """A driver cannot be the doctor; the reason names the person and the role."""
    driver = person("c1", {Role.DRIVER})
    t = tour("bus1", day(0, 0))
    assert R.rule_has_role(driver, t, Role.DRIVER, bus()) is None
    reason = R.rule_has_role(driver, t, Role.DOCTOR, bus())
    assert reason is not None and "médecin" in reason


def test_rule_available_needs_every_half_day_the_tour_touches(person, make_tour, bus):
    """Available Monday morning only: not enough for a tour that runs into the afternoon."""
    morning = person("d1", {Role.DOCTOR}, availability=frozenset({(0, HalfDay.MORNING)}))
    full_day = tour("bus1", day(0, 0))
    short = make_tour("bus1", day(0, 0), [("76001", *MORNING)])
    assert R.rule_available(morning, short, Role.DOCTOR, bus()) is None
    reason = R.rule_available(morning, full_day, Role.DOCTOR, bus())
    assert reason is not None and "lundi après-midi" in reason


def test_rule_not_off_refuses_dates_off(person, bus):
    """A date inside a declared absence is refused, the day after is fine."""
    from planner.domain.instance import DateRange

    away = person("d1", {Role.DOCTOR}, dates_off=(DateRange(day(0, 0), day(0, 1)),))
    assert R.rule_not_off(away, tour("bus1", day(0, 1)), Role.DOCTOR, bus()) is not None
    assert R.rule_not_off(away, tour("bus1", day(0, 2)), Role.DOCTOR, bus()) is None


# --- hard rules: constraints ----------------------------------------------------------------------


def test_crew_composition_is_exact_or_the_tour_is_uncrewed(bus, person):
    """Two doctors needed: with two, both are taken; with one, the tour is marked uncrewed (costly)."""
    unit = bus(crew={Role.DOCTOR: 2, Role.DRIVER: 1})
    staff = [
        person("d1", {Role.DOCTOR}),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
    ]
    t = tour("bus1", day(0, 0))
    rm, costs, solver = solve_with(instance_of(staff, units=[unit]), [t], [R.add_crew_composition])
    assert Counter(role for _, _, role in chosen(rm, solver)) == {
        Role.DOCTOR: 2,
        Role.DRIVER: 1,
    }
    assert not penalties(costs, solver, RULE_UNCREWED)

    rm, costs, solver = solve_with(instance_of(staff[1:], units=[unit]), [t], [R.add_crew_composition])
    assert chosen(rm, solver) == set()
    [penalty] = penalties(costs, solver, RULE_UNCREWED)
    instance = instance_of(staff[1:], units=[unit])
    assert penalty.amount == R.UNCREWED_COST + tour_value(instance, t) and t.key in penalty.explanation


def test_one_tour_per_day_keeps_a_person_in_one_place(bus, person):
    """Two buses on the same date and a single doctor: only one bus gets a crew."""
    units = [bus("bus1"), bus("bus2")]
    staff = [
        person("d1", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
        person("c2", {Role.DRIVER}),
    ]
    tours = [tour("bus1", day(0, 0)), tour("bus2", day(0, 0), "76003", "76004")]
    rules = [R.add_crew_composition, R.add_one_tour_per_day]
    rm, costs, solver = solve_with(instance_of(staff, units=units), tours, rules)
    assert len(penalties(costs, solver, RULE_UNCREWED)) == 1
    assert sum(1 for s, _, _ in chosen(rm, solver) if s == "d1") == 1


def test_max_per_week_counts_iso_weeks(person):
    """max 1 a week: Monday and Tuesday of one week cannot both be crewed; next Monday can."""
    staff = [person("d1", {Role.DOCTOR}, max_week=1), person("c1", {Role.DRIVER})]
    tours = [
        tour("bus1", day(0, 0)),
        tour("bus1", day(0, 1), "76003", "76004"),
        tour("bus1", day(1, 0)),
    ]
    rules = [R.add_crew_composition, R.add_max_per_week]
    rm, costs, solver = solve_with(instance_of(staff), tours, rules)
    [penalty] = penalties(costs, solver, RULE_UNCREWED)
    assert day(0, 0).isoformat() in penalty.explanation or day(0, 1).isoformat() in penalty.explanation
    weeks = Counter(iso_week(rm.tour_by_key[k].date) for s, k, _ in chosen(rm, solver) if s == "d1")
    assert max(weeks.values()) == 1


def test_max_per_month_counts_calendar_months_and_frozen_shifts(person):
    """max 2 a month with one frozen shift in January: one more January tour only."""
    staff = [person("d1", {Role.DOCTOR}, max_month=2), person("c1", {Role.DRIVER})]
    past = tour("bus1", day(0, 0))
    frozen = [Shift("bus1", past.date, "d1", Role.DOCTOR, past.leave_depot, past.back_at_depot)]
    tours = [tour("bus1", day(1, 0)), tour("bus1", day(2, 0), "76003", "76004")]
    rules = [R.add_crew_composition, R.add_max_per_month]
    rm, costs, solver = solve_with(instance_of(staff), tours, rules, frozen_shifts=frozen, frozen_tours=[past])
    assert len(penalties(costs, solver, RULE_UNCREWED)) == 1
    assert len(chosen(rm, solver)) == 2  # one doctor + one driver on the one crewed tour


# --- soft rule of re-planning (the others: test_rota_soft_rules, test_rota_travel) ----------------

HARD = R.HARD_CONSTRAINTS


def test_stability_keeps_published_shifts(person):
    """Both doctors could do it; the published rota had d2: d2 stays, no change is paid."""
    staff = [
        person("d1", {Role.DOCTOR}),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
    ]
    t = tour("bus1", day(0, 0))
    keep = [Shift("bus1", t.date, "d2", Role.DOCTOR, t.leave_depot, t.back_at_depot)]
    rm, costs, solver = solve_with(instance_of(staff), [t], [*HARD, R.soft_stability], keep=keep)
    assert ("d2", t.key, Role.DOCTOR) in chosen(rm, solver)
    assert not penalties(costs, solver, RULE_STABILITY)
