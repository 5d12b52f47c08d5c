"""A hand-built plan with shifts far from home, one for each reason `planner.crews.far_shifts` gives.

Four buses, one doctor each: ``busa`` by the homes of ``dn`` and ``dg``; ``busb`` and ``busc`` 50 km
north, by the homes of ``df`` (one shift a week at most) and ``dh`` (Mondays only); ``busd`` 50 km
east, where nobody lives. ``dn`` does not offer Thursday afternoons. ``dn`` is sent far six times:

======  =======================  =============================================================
date    shifts                   why ``dn`` is far
======  =======================  =============================================================
W1 Mon  a: dg, b: df             (nobody far)
W1 Tue  b: dn                    no session of busa; df at her weekly maximum
W1 Wed  a: dg, b: dn             busa has its crew (dg); df at her weekly maximum
W1 Thu  a: dg, b (morning): dn   dn does not offer busa's afternoon; df at her weekly maximum
W1 Fri  d: dn                    no session of busa; nobody lives near busd
W2 Mon  a: dg, b: dn             busa has its crew (dg); df at her weekly maximum, dh free
W2 Tue  c: df, b: dn             no session of busa; df on duty at busc
======  =======================  =============================================================
"""

from __future__ import annotations

from planner.domain.instance import HalfDay, Instance, Point, Role, Rules
from planner.domain.plan import Plan, Tour
from tests.support.builders import ALL_HALF_DAYS, MONDAY, bus, person
from tests.support.plan_builders import MORNING, crew_shifts, make_tour
from tests.support.rota import COMMUNES, day, tour

HOME_A = Point("Dépôt A", 49.90, 1.10)
HOME_B = Point("Dépôt B", 50.35, 1.10)  # 50 km north of A
DEPOT_D = Point("Dépôt D", 49.90, 1.80)  # 50 km east of A
DOCTOR = {Role.DOCTOR: 1}


def far_instance() -> Instance:
    units = (
        bus("busa", depot=HOME_A, crew=DOCTOR),
        bus("busb", depot=HOME_B, crew=DOCTOR),
        bus("busc", depot=HOME_B, crew=DOCTOR),
        bus("busd", depot=DEPOT_D, crew=DOCTOR),
    )
    staff = (
        person("dn", {Role.DOCTOR}, home=HOME_A, availability=ALL_HALF_DAYS - {(3, HalfDay.AFTERNOON)}),
        person("dg", {Role.DOCTOR}, home=HOME_A),
        person("df", {Role.DOCTOR}, home=HOME_B, max_week=1),
        person("dh", {Role.DOCTOR}, home=HOME_B, availability=frozenset((0, h) for h in HalfDay)),
    )
    return Instance("loin", COMMUNES, units, staff, Rules(start=MONDAY, weeks=2))


def far_plan(instance: Instance) -> Plan:
    crews: list[tuple[Tour, str]] = [
        (tour("busa", day(0, 0)), "dg"),
        (tour("busb", day(0, 0)), "df"),
        (tour("busb", day(0, 1)), "dn"),
        (tour("busa", day(0, 2)), "dg"),
        (tour("busb", day(0, 2)), "dn"),
        (tour("busa", day(0, 3)), "dg"),
        (make_tour("busb", day(0, 3), [("76003", *MORNING)]), "dn"),
        (tour("busd", day(0, 4)), "dn"),
        (tour("busa", day(1, 0)), "dg"),
        (tour("busb", day(1, 0)), "dn"),
        (tour("busc", day(1, 1)), "df"),
        (tour("busb", day(1, 1)), "dn"),
    ]
    tours = tuple(t for t, _ in crews)
    shifts = tuple(s for t, who in crews for s in crew_shifts(t, {Role.DOCTOR: [who]}, instance.rules))
    return Plan(instance.name, MONDAY, 2, tours, shifts)
