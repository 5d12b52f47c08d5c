"""The soft rules of people and places (planner.crews.rota_soft_rules), one by one: each test builds
the model with the hard constraints and THAT rule on a tiny hand-built case, then checks what it
chooses or what penalty it reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from planner.crews import rota_costs as C
from planner.crews import rota_soft_rules as S
from planner.crews.rota_rules import HARD_CONSTRAINTS as HARD
from planner.domain.instance import HalfDay, Role, Weights
from planner.domain.plan import Shift
from planner.results.staff_load import continuity_share
from tests.crews.rota_solving import chosen, penalties, solve_with
from tests.support.rota import day, instance_of, tour


def test_min_per_month_gives_the_asked_minimum_and_explains_a_shortfall(person):
    """d1 asks for 8 shifts a month but only 4 January tours exist (prorated: 7): shortfall 3."""
    staff = [
        person("d1", {Role.DOCTOR}, min_shifts_per_month=8),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
    ]
    tours = [tour("bus1", day(w, 0)) for w in range(4)]
    rm, costs, solver = solve_with(instance_of(staff), tours, [*HARD, S.soft_min_per_month])
    assert {k for s, k, _ in chosen(rm, solver) if s == "d1"} == {t.key for t in tours}
    [penalty] = penalties(costs, solver, C.RULE_MIN_MONTHLY)
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
        [*HARD, S.soft_preferred_communes],
    )
    assert ("d2", tour("bus1", day(0, 0)).key, Role.DOCTOR) in chosen(rm, solver)
    assert not penalties(costs, solver, C.RULE_PREFERRED_COMMUNES)
    rm, costs, solver = solve_with(
        instance_of(staff[:1] + staff[2:]),
        [tour("bus1", day(0, 0))],
        [*HARD, S.soft_preferred_communes],
    )
    [penalty] = penalties(costs, solver, C.RULE_PREFERRED_COMMUNES)
    assert penalty.amount == Weights().preferences * C.SCALE and "communes préférées" in penalty.explanation


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
        [*HARD, S.soft_preferred_units],
    )
    assert ("d1", tours[1].key, Role.DOCTOR) in chosen(rm, solver)
    assert not penalties(costs, solver, C.RULE_PREFERRED_UNITS)


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
    rm, _, solver = solve_with(instance_of(staff), tours, [*HARD, S.soft_fairness])
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
    rm, costs, solver = solve_with(instance_of(staff), tours, [*HARD, S.soft_continuity])
    assert not penalties(costs, solver, C.RULE_CONTINUITY)
    shifts = [Shift(k.split("/")[0], rm.tour_by_key[k].date, s, r, 0, 1) for s, k, r in chosen(rm, solver)]
    assert continuity_share(tours, shifts, [Role.DOCTOR]) == 1.0
    rotating = [replace(s, staff_id="d1" if s.date.day % 2 else "d2") for s in shifts if s.role is Role.DOCTOR]
    assert continuity_share(tours, rotating, [Role.DOCTOR]) < 1.0
