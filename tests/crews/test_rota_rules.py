"""The rota rules (planner.crews.rota_rules), one by one: each test builds the model with the hard
constraints and THAT rule on a tiny hand-built case, then checks what it forbids or what penalty it
reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ortools.sat.python import cp_model

from planner.crews import rota_rules as R
from planner.domain.instance import (
    HalfDay,
    Instance,
    Point,
    Role,
    UnitKind,
    Weights,
)
from planner.domain.plan import Shift
from planner.results.staff_load import continuity_share
from tests.support.plan_builders import MORNING
from tests.support.rota import COMMUNES, day, instance_of, tour


def solve_with(instance: Instance, tours, rules, *, keep=(), frozen_shifts=(), frozen_tours=()):
    """Build the model with exactly ``rules``, solve it, return (model, costs, solver)."""
    rm, costs = R.build(
        instance,
        tours,
        rules=rules,
        keep=keep,
        frozen_shifts=frozen_shifts,
        frozen_tours=frozen_tours,
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.Solve(rm.model) == cp_model.OPTIMAL
    return rm, costs, solver


def chosen(rm: R.RotaModel, solver: cp_model.CpSolver) -> set[tuple[str, str, Role]]:
    return {key for key, var in rm.x.items() if solver.Value(var)}


def penalties(costs, solver, name: str) -> list[R.Penalty]:
    return [p for c in costs if c.name == name and (p := c.penalty(solver)) is not None]


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
    assert not penalties(costs, solver, R.RULE_UNCREWED)

    rm, costs, solver = solve_with(instance_of(staff[1:], units=[unit]), [t], [R.add_crew_composition])
    assert chosen(rm, solver) == set()
    [penalty] = penalties(costs, solver, R.RULE_UNCREWED)
    instance = instance_of(staff[1:], units=[unit])
    assert penalty.amount == R.UNCREWED_COST + R.tour_value(instance, t) and t.key in penalty.explanation


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
    assert len(penalties(costs, solver, R.RULE_UNCREWED)) == 1
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
    [penalty] = penalties(costs, solver, R.RULE_UNCREWED)
    assert day(0, 0).isoformat() in penalty.explanation or day(0, 1).isoformat() in penalty.explanation
    weeks = Counter(R.iso_week(rm.tour_by_key[k].date) for s, k, _ in chosen(rm, solver) if s == "d1")
    assert max(weeks.values()) == 1


def test_max_per_month_counts_calendar_months_and_frozen_shifts(person):
    """max 2 a month with one frozen shift in January: one more January tour only."""
    staff = [person("d1", {Role.DOCTOR}, max_month=2), person("c1", {Role.DRIVER})]
    past = tour("bus1", day(0, 0))
    frozen = [Shift("bus1", past.date, "d1", Role.DOCTOR, past.leave_depot, past.back_at_depot)]
    tours = [tour("bus1", day(1, 0)), tour("bus1", day(2, 0), "76003", "76004")]
    rules = [R.add_crew_composition, R.add_max_per_month]
    rm, costs, solver = solve_with(instance_of(staff), tours, rules, frozen_shifts=frozen, frozen_tours=[past])
    assert len(penalties(costs, solver, R.RULE_UNCREWED)) == 1
    assert len(chosen(rm, solver)) == 2  # one doctor + one driver on the one crewed tour


# --- soft rules -----------------------------------------------------------------------------------

HARD = R.HARD_CONSTRAINTS


def test_min_per_month_gives_the_asked_minimum_and_explains_a_shortfall(person):
    """d1 asks for 8 shifts a month but only 4 January tours exist (prorated: 7): shortfall 3."""
    staff = [
        person("d1", {Role.DOCTOR}, min_shifts_per_month=8),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
    ]
    tours = [tour("bus1", day(w, 0)) for w in range(4)]
    rm, costs, solver = solve_with(instance_of(staff), tours, [*HARD, R.soft_min_per_month])
    assert {k for s, k, _ in chosen(rm, solver) if s == "d1"} == {t.key for t in tours}
    [penalty] = penalties(costs, solver, R.RULE_MIN_MONTHLY)
    assert "3 garde(s) de moins que les 7 demandées en janvier 2027" in penalty.explanation


def test_preferred_communes_choose_the_person_who_likes_the_place(person):
    """d1 prefers 76005 (not visited), d2 has no preference: d2 takes the tour, no penalty."""
    staff = [
        person("d1", {Role.DOCTOR}, preferred_communes=frozenset({"76005"})),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
    ]
    rm, costs, solver = solve_with(
        instance_of(staff),
        [tour("bus1", day(0, 0))],
        [*HARD, R.soft_preferred_communes],
    )
    assert ("d2", tour("bus1", day(0, 0)).key, Role.DOCTOR) in chosen(rm, solver)
    assert not penalties(costs, solver, R.RULE_PREFERRED_COMMUNES)
    rm, costs, solver = solve_with(
        instance_of(staff[:1] + staff[2:]),
        [tour("bus1", day(0, 0))],
        [*HARD, R.soft_preferred_communes],
    )
    [penalty] = penalties(costs, solver, R.RULE_PREFERRED_COMMUNES)
    assert penalty.amount == Weights().preferences * R.SCALE and "communes préférées" in penalty.explanation


def test_preferred_units_choose_the_person_who_likes_the_unit(person, bus):
    """Two buses the same day; d1 prefers bus2: d1 is on bus2."""
    staff = [
        person("d1", {Role.DOCTOR}, preferred_units=frozenset({"bus2"})),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
        person("c2", {Role.DRIVER}),
    ]
    tours = [tour("bus1", day(0, 0)), tour("bus2", day(0, 0), "76003", "76004")]
    rm, costs, solver = solve_with(
        instance_of(staff, units=[bus("bus1"), bus("bus2")]),
        tours,
        [*HARD, R.soft_preferred_units],
    )
    assert ("d1", tours[1].key, Role.DOCTOR) in chosen(rm, solver)
    assert not penalties(costs, solver, R.RULE_PREFERRED_UNITS)


def test_fairness_shares_in_proportion_to_what_was_offered(person):
    """d1 offers Mondays and Thursdays, d2 only Mondays: over 4 weeks d1 gets the 4 Thursdays and
    the Mondays are shared so that both are near their share."""
    monday_only = frozenset((0, h) for h in HalfDay)
    staff = [
        person("d1", {Role.DOCTOR}),
        person("d2", {Role.DOCTOR}, availability=monday_only),
        person("c1", {Role.DRIVER}),
    ]
    tours = [
        tour("bus1", day(w, d), *(("76001", "76002") if d == 0 else ("76003", "76004")))
        for w in range(4)
        for d in (0, 3)
    ]
    rm, _, solver = solve_with(instance_of(staff), tours, [*HARD, R.soft_fairness])
    counts = Counter(s for s, _, r in chosen(rm, solver) if r is Role.DOCTOR)
    # Offers 8 and 4 for 8 slots: targets 5.3 and 2.7.
    assert counts == {"d1": 5, "d2": 3}


def test_continuity_keeps_one_doctor_per_commune(person):
    """Mondays in 76001/76002 and Thursdays in 76003/76004, two doctors free every day: each
    commune always sees the same doctor (share 1.0), and no continuity penalty is paid."""
    staff = [
        person("d1", {Role.DOCTOR}),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
    ]
    tours = [
        tour("bus1", day(w, d), *(("76001", "76002") if d == 0 else ("76003", "76004")))
        for w in range(4)
        for d in (0, 3)
    ]
    rm, costs, solver = solve_with(instance_of(staff), tours, [*HARD, R.soft_continuity])
    assert not penalties(costs, solver, R.RULE_CONTINUITY)
    shifts = [Shift(k.split("/")[0], rm.tour_by_key[k].date, s, r, 0, 1) for s, k, r in chosen(rm, solver)]
    assert continuity_share(tours, shifts, [Role.DOCTOR]) == 1.0
    rotating = [replace(s, staff_id="d1" if s.date.day % 2 else "d2") for s in shifts if s.role is Role.DOCTOR]
    assert continuity_share(tours, rotating, [Role.DOCTOR]) < 1.0


def test_travel_prefers_the_doctor_living_near_a_fixed_place(make_tour, bus, person):
    """A fixed consultation place in 76001: the doctor living next door takes it, not the far one."""
    place = COMMUNES[0]
    fixed = replace(bus("cab"), kind=UnitKind.FIXED, crew={Role.DOCTOR: 1}, places=(place.insee,))
    staff = [
        person("far", {Role.DOCTOR}, home=Point("loin", 48.50, 2.00)),
        person("near", {Role.DOCTOR}, home=Point("près", place.lat, place.lon)),
    ]
    t = make_tour("cab", day(0, 0), [(place.insee, *MORNING)])
    rm, costs, solver = solve_with(instance_of(staff, units=[fixed]), [t], [*HARD, R.soft_travel])
    assert chosen(rm, solver) == {("near", t.key, Role.DOCTOR)}
    assert not penalties(costs, solver, R.RULE_TRAVEL)
    rm, costs, solver = solve_with(instance_of(staff[:1], units=[fixed]), [t], [*HARD, R.soft_travel])
    [penalty] = penalties(costs, solver, R.RULE_TRAVEL)
    assert "km aller-retour" in penalty.explanation and penalty.amount > 100


def test_travel_sends_nobody_past_a_nearer_unit_for_fairness(bus, person):
    """Two buses 50 km apart, every weekday; two doctors live by busa, one by busb. Fairness alone
    would send a doctor from busa to busb (one shift closer to each one's share saves 800, more than
    100 km there and back); each km farther than one's nearest place costs `EXTRA_KM_COST`, so
    nobody goes. When the busb doctor does not offer Wednesday, one goes, and the penalty says how
    much farther."""
    home_a, home_b = Point("A", 49.90, 1.10), Point("B", 50.35, 1.10)
    units = [bus("busa", depot=home_a, crew={Role.DOCTOR: 1}), bus("busb", depot=home_b, crew={Role.DOCTOR: 1})]
    staff = [
        person("n1", {Role.DOCTOR}, home=home_a),
        person("n2", {Role.DOCTOR}, home=home_a),
        person("f", {Role.DOCTOR}, home=home_b),
    ]
    tours = [tour(u.id, day(0, d)) for u in units for d in range(5)]

    def far(instance) -> tuple[list, list]:
        rm, costs, solver = solve_with(instance, tours, [*HARD, R.soft_fairness, R.soft_travel])
        sent = sorted((k, s) for s, k, _ in chosen(rm, solver) if s != "f" and k.startswith("busb"))
        return sent, [p for p in penalties(costs, solver, R.RULE_TRAVEL) if "km de plus" in p.explanation]

    assert far(instance_of(staff, units=units, weeks=1, weights=Weights(travel=0)))[0]  # fairness alone
    assert far(instance_of(staff, units=units, weeks=1)) == ([], [])
    assert R.nearest_place_km(instance_of(staff, units=units), staff[0]) == 0.0
    no_wednesday = frozenset((d, h) for d in (0, 1, 3, 4) for h in HalfDay)
    staff[2] = replace(staff[2], availability=no_wednesday)
    sent, [penalty] = far(instance_of(staff, units=units, weeks=1))
    assert [k for k, _ in sent] == [f"busb/{day(0, 2).isoformat()}"]
    assert penalty.explanation.endswith("50 km de plus que son lieu de service le plus proche ou préféré")
    assert penalty.amount == 50 * R.EXTRA_KM_COST
    # the unit one asks for is not "farther": n2 prefers busb, and takes Wednesday (and another day,
    # for fairness) at no extra cost
    staff[1] = replace(staff[1], preferred_units=frozenset({"busb"}))
    instance = instance_of(staff, units=units, weeks=1)
    assert R.nearest_place_km(instance, staff[1]) == 0.0 and 49 < R.usual_place_km(instance, staff[1]) < 51
    sent, extra = far(instance)
    assert {who for _, who in sent} == {"n2"} and f"busb/{day(0, 2).isoformat()}" in dict(sent) and extra == []


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
    assert not penalties(costs, solver, R.RULE_STABILITY)
