"""Distances from home and the soft rule of travel (planner.crews.rota_travel): the model built with
the hard constraints and the travel rule (and fairness, which it must outweigh) on tiny cases."""

from __future__ import annotations

from dataclasses import replace

from planner.crews import rota_travel as T
from planner.crews.rota_costs import RULE_TRAVEL
from planner.crews.rota_rules import HARD_CONSTRAINTS as HARD
from planner.crews.rota_soft_rules import soft_fairness
from planner.domain.instance import HalfDay, Point, Role, UnitKind, Weights
from tests.crews.rota_solving import chosen, penalties, solve_with
from tests.support.plan_builders import MORNING
from tests.support.rota import COMMUNES, day, instance_of, tour


def test_travel_prefers_the_doctor_living_near_a_fixed_place(make_tour, bus, person):
    """A fixed consultation place in 76001: the doctor living next door takes it, not the far one."""
    place = COMMUNES[0]
    fixed = replace(bus("cab"), kind=UnitKind.FIXED, crew={Role.DOCTOR: 1}, places=(place.insee,))
    staff = [
        person("far", {Role.DOCTOR}, home=Point("loin", 48.50, 2.00)),
        person("near", {Role.DOCTOR}, home=Point("près", place.lat, place.lon)),
    ]
    t = make_tour("cab", day(0, 0), [(place.insee, *MORNING)])
    rm, costs, solver = solve_with(instance_of(staff, units=[fixed]), [t], [*HARD, T.soft_travel])
    assert chosen(rm, solver) == {("near", t.key, Role.DOCTOR)}
    assert not penalties(costs, solver, RULE_TRAVEL)
    rm, costs, solver = solve_with(instance_of(staff[:1], units=[fixed]), [t], [*HARD, T.soft_travel])
    [penalty] = penalties(costs, solver, RULE_TRAVEL)
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
        rm, costs, solver = solve_with(instance, tours, [*HARD, soft_fairness, T.soft_travel])
        sent = sorted((k, s) for s, k, _ in chosen(rm, solver) if s != "f" and k.startswith("busb"))
        return sent, [p for p in penalties(costs, solver, RULE_TRAVEL) if "km de plus" in p.explanation]

    assert far(instance_of(staff, units=units, weeks=1, weights=Weights(travel=0)))[0]  # fairness alone
    assert far(instance_of(staff, units=units, weeks=1)) == ([], [])
    assert T.nearest_place_km(instance_of(staff, units=units), staff[0]) == 0.0
    no_wednesday = frozenset((d, h) for d in (0, 1, 3, 4) for h in HalfDay)
    staff[2] = replace(staff[2], availability=no_wednesday)
    sent, [penalty] = far(instance_of(staff, units=units, weeks=1))
    assert [k for k, _ in sent] == [f"busb/{day(0, 2).isoformat()}"]
    assert penalty.explanation.endswith("50 km de plus que son lieu de service le plus proche ou préféré")
    assert penalty.amount == 50 * T.EXTRA_KM_COST
    # the unit one asks for is not "farther": n2 prefers busb, and takes Wednesday (and another day,
    # for fairness) at no extra cost
    staff[1] = replace(staff[1], preferred_units=frozenset({"busb"}))
    instance = instance_of(staff, units=units, weeks=1)
    assert T.nearest_place_km(instance, staff[1]) == 0.0 and 49 < T.usual_place_km(instance, staff[1]) < 51
    sent, extra = far(instance)
    assert {who for _, who in sent} == {"n2"} and f"busb/{day(0, 2).isoformat()}" in dict(sent) and extra == []
