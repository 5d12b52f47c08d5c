"""The soft rules of the rota about people and places: the monthly minimum each person asked for,
their preferred communes and units, shares in proportion to what they offer, and continuity of care.

Apart from `planner.crews.rota_rules`, which lists them with the hard rules, travel
(`planner.crews.rota_travel`) and the stability of a published rota, so that each module stays one
responsibility a reader can hold.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from planner.crews.posts import TourOrPost
from planner.crews.rota_costs import (
    RULE_CONTINUITY,
    RULE_FAIRNESS,
    RULE_MIN_MONTHLY,
    RULE_PREFERRED_COMMUNES,
    RULE_PREFERRED_UNITS,
    SCALE,
    Cost,
)
from planner.crews.rota_facts import CARE_ROLES, communes_of, month_of, period_is
from planner.domain.instance import Role, Staff

if TYPE_CHECKING:
    from planner.crews.rota_rules import RotaModel

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _tour_month_is(month: tuple[int, int]) -> Callable[[TourOrPost], bool]:
    """Whether a tour falls in ``month`` (year, month)."""
    return lambda tour: month_of(tour.date) == month


def soft_min_per_month(rm: RotaModel) -> list[Cost]:
    """Give each person the minimum shifts per month they asked for (prorated to the horizon)."""
    weight = rm.instance.rules.weights.preferences * SCALE
    horizon_days: dict[tuple[int, int], int] = defaultdict(int)
    for day in rm.instance.rules.dates():
        horizon_days[month_of(day)] += 1
    costs = []
    for person in rm.instance.staff:
        if person.min_shifts_per_month <= 0 or weight == 0:
            continue
        for (year, month), days in sorted(horizon_days.items()):
            fraction = days / calendar.monthrange(year, month)[1]
            target = math.floor(person.min_shifts_per_month * fraction + 1e-9)
            if target <= 0:
                continue
            given = rm.shifts_expr(person.id, _tour_month_is((year, month)))
            given += rm.frozen_count(person.id, period_is(month_of, (year, month)))
            short = rm.model.new_int_var(0, target, f"short(staff={person.id}, month={year}-{month:02d})")
            rm.model.add(short >= target - given)
            text = (
                f"{person.name} : {{value}} garde(s) de moins que les {target} demandées "
                f"en {MONTHS_FR[month - 1]} {year}"
            )
            costs.append(Cost(RULE_MIN_MONTHLY, weight, short, text))
    return costs


def _soft_preferred(
    rm: RotaModel,
    name: str,
    wanted: Callable[[Staff], frozenset[str]],
    matches: Callable[[TourOrPost, frozenset[str]], bool],
    where: str,
) -> list[Cost]:
    weight = rm.instance.rules.weights.preferences * SCALE
    costs = []
    for person in rm.instance.staff:
        preferred = wanted(person)
        if not preferred or weight == 0:
            continue
        outside = [var for tour, _, var in rm.by_person.get(person.id, ()) if not matches(tour, preferred)]
        if outside:
            costs.append(
                Cost(
                    name,
                    weight,
                    sum(outside),
                    f"{person.name} : {{value}} garde(s) hors de {where}",
                )
            )
    return costs


def soft_preferred_communes(rm: RotaModel) -> list[Cost]:
    """Prefer shifts on tours that visit at least one of the person's preferred communes."""
    return _soft_preferred(
        rm,
        RULE_PREFERRED_COMMUNES,
        lambda p: p.preferred_communes,
        lambda t, pref: bool(communes_of(t) & pref),
        "ses communes préférées",
    )


def soft_preferred_units(rm: RotaModel) -> list[Cost]:
    """Prefer shifts on the person's preferred units."""
    return _soft_preferred(
        rm,
        RULE_PREFERRED_UNITS,
        lambda p: p.preferred_units,
        lambda t, pref: t.unit_id in pref,
        "ses unités préférées",
    )


def soft_fairness(rm: RotaModel) -> list[Cost]:
    """Share shifts in proportion to what each person offered.

    Per role, the demand (slots of that role, frozen ones included) is shared out in proportion to
    the offers (`planner.crews.rota_rules.offered_tours`): each person's target. Two costs, in
    tenths of a shift: each person's distance to their target (a multi-role person's target is the
    mean over their roles), and the spread ``hi − lo`` of shifts per role, each scaled to an average
    volunteer's offer.
    """
    weight = rm.instance.rules.weights.fairness
    if weight == 0:
        return []
    demand: dict[Role, int] = defaultdict(int)
    for tour in (*rm.tours, *rm.frozen_tours):
        for role, needed in rm.units[tour.key].crew.items():
            demand[role] += max(0, needed)
    offers = {p.id: rm.offered(p) for p in rm.instance.staff}
    supply = {r: sum(offers[p.id] for p in rm.instance.staff if r in p.roles) for r in demand}
    costs = []
    for person in rm.instance.staff:
        roles = [r for r in person.roles if supply.get(r)]
        if not offers[person.id] or not roles:
            continue
        target = round(SCALE * sum(demand[r] * offers[person.id] / supply[r] for r in roles) / len(roles))
        total = SCALE * rm.total_shifts(person.id)
        bound = SCALE * (len(rm.by_person.get(person.id, ())) + rm.frozen_count(person.id)) + target
        gap = rm.model.new_int_var(0, bound, f"fair_gap(staff={person.id})")
        rm.model.add(gap >= total - target)
        rm.model.add(gap >= target - total)
        text = (
            f"{person.name} : {{value}} dixième(s) de garde d'écart à sa part "
            f"({target / SCALE:.1f} gardes pour ce qu'il·elle propose)"
        )
        costs.append(Cost(RULE_FAIRNESS, weight, gap, text))
    for role in sorted(demand, key=lambda r: r.value):
        people = [p for p in rm.instance.staff if role in p.roles and offers[p.id] > 0]
        if len(people) < 2:
            continue
        scale = max(1, round(sum(offers[p.id] for p in people) / len(people) * SCALE))
        top = max(scale * (len(rm.by_person.get(p.id, ())) + rm.frozen_count(p.id)) // offers[p.id] + 1 for p in people)
        hi = rm.model.new_int_var(0, top, f"fair_hi(role={role.value})")
        lo = rm.model.new_int_var(0, top, f"fair_lo(role={role.value})")
        for p in people:
            total = rm.total_shifts(p.id)
            rm.model.add(offers[p.id] * hi >= scale * total)
            rm.model.add(offers[p.id] * lo <= scale * total)
        text = f"écart entre {role.label_fr}s : {{value}} dixième(s) de garde, rapporté à la disponibilité offerte"
        costs.append(Cost(RULE_FAIRNESS, weight, hi - lo, text))
    return costs


def soft_continuity(rm: RotaModel) -> list[Cost]:
    """Keep the same person for the same commune (care roles): count extra distinct people."""
    weight = rm.instance.rules.weights.continuity * SCALE
    if weight == 0:
        return []
    chosen: dict[tuple[str, Role], dict[str, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for (staff_id, key, role), var in rm.x.items():
        if role in CARE_ROLES:
            for insee in communes_of(rm.tour_by_key[key]):
                chosen[(insee, role)][staff_id].append(var)
    fixed: dict[tuple[str, Role], set[str]] = defaultdict(set)
    for s in rm.frozen_shifts:
        if s.role in CARE_ROLES and s.post_key in rm.tour_by_key:
            for insee in communes_of(rm.tour_by_key[s.post_key]):
                fixed[(insee, s.role)].add(s.staff_id)
    costs = []
    for insee, role in sorted(set(chosen) | set(fixed), key=lambda k: (k[0], k[1].value)):
        people = chosen.get((insee, role), {})
        if len(set(people) | fixed[(insee, role)]) < 2:
            continue
        used = []
        for staff_id, vars_ in sorted(people.items()):
            if staff_id in fixed[(insee, role)]:
                continue
            y = rm.model.new_bool_var(f"serves(staff={staff_id}, commune={insee}, role={role.value})")
            for var in vars_:
                rm.model.add_implication(var, y)
            used.append(y)
        extra = sum(used) + len(fixed[(insee, role)]) - 1
        name = rm.instance.commune(insee).name if rm.instance.has_commune(insee) else insee
        text = f"{name} ({insee}) : {{value}} {role.label_fr}(s) différent(s) de plus qu'un seul"
        costs.append(Cost(RULE_CONTINUITY, weight, extra, text))
    return costs
