"""How far from home a shift starts, and the soft rule of the rota that weighs it (`soft_travel`).

Apart from the other rules because more than the model uses these distances: the rota's greedy
start (`planner.crews.rota_start`), the shifts far from home and their reasons
(`planner.crews.far_shifts`) and the free capacity (`planner.crews.free_capacity`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from planner.crews.posts import TourOrPost
from planner.crews.rota_costs import RULE_TRAVEL, Cost
from planner.domain.geo import haversine_km
from planner.domain.instance import Instance, Staff, Unit, UnitKind

if TYPE_CHECKING:
    from planner.crews.rota_rules import RotaModel

#: Cost (× the travel weight) of each km a shift starts farther from home than the person's usual
#: place (`usual_place_km`: their nearest, or their preferred unit's); a km from home costs 2 (there
#: and back). 15 km farther cost 600: three times a whole shift away from a person's fair share
#: (fairness 20 × SCALE), so that a person is sent past a nearer unit only when none of its sessions
#: is theirs to take, not for fairness or continuity (Orne département: a doctor living by the bus
#: they prefer was sent 86 km away 8 times). Any margin below 15 km did worse there: with the first
#: 5 km free, 75 shifts far from home instead of 65, and fewer preferences met.
EXTRA_KM_COST = 40


def unit_place(instance: Instance, unit: Unit, tour: TourOrPost) -> tuple[float, float]:
    """Where the crew of ``tour`` reports: a bus's depot; a fixed place's site (its first session's)."""
    if unit.kind is UnitKind.FIXED and tour.sessions and instance.has_commune(tour.sessions[0].insee):
        site = instance.commune(tour.sessions[0].insee).site
        return (site.lat, site.lon)
    return (unit.depot.lat, unit.depot.lon)


def home_km(instance: Instance, person: Staff, unit: Unit, tour: TourOrPost) -> float | None:
    """Straight-line km from the person's home to where the tour's crew reports (None: no home known)."""
    if person.home is None:
        return None
    lat, lon = unit_place(instance, unit, tour)
    return haversine_km(person.home.lat, person.home.lon, lat, lon)


def unit_places(instance: Instance, unit: Unit) -> tuple[tuple[float, float], ...]:
    """Every place the crew of ``unit`` may report to: a bus's depot; each site of a fixed place."""
    if unit.kind is UnitKind.FIXED:
        sites = tuple(
            (c.site.lat, c.site.lon) for c in (instance.commune(i) for i in unit.places if instance.has_commune(i))
        )
        if sites:
            return sites
    return ((unit.depot.lat, unit.depot.lon),)


def serves_on_site(person: Staff, unit: Unit) -> bool:
    """Whether the person has a role the unit's crew needs on site (not a remote one)."""
    return any(n > 0 and role in person.roles and role not in unit.remote_roles for role, n in unit.crew.items())


def nearest_place_km(instance: Instance, person: Staff, units: Iterable[Unit] | None = None) -> float | None:
    """Straight-line km from the person's home to the nearest place of a unit (of ``units``, else
    any) they could serve on site (`serves_on_site`, whatever their preferences); None without a
    home or such a unit."""
    if person.home is None:
        return None
    km = [
        haversine_km(person.home.lat, person.home.lon, lat, lon)
        for unit in (instance.units if units is None else units)
        if serves_on_site(person, unit)
        for lat, lon in unit_places(instance, unit)
    ]
    return min(km, default=None)


def usual_place_km(instance: Instance, person: Staff) -> float | None:
    """How far from home a shift may start without being "farther" for the person: their nearest
    place (`nearest_place_km`) or, when they prefer units they could serve, the nearest place of
    those, so that a shift at a unit one asked for never counts as farther. None without a home."""
    nearest = nearest_place_km(instance, person)
    preferred = [u for u in instance.units if u.id in person.preferred_units]
    chosen = nearest_place_km(instance, person, preferred) if preferred else None
    return max(nearest, chosen) if nearest is not None and chosen is not None else nearest


def travel_km(instance: Instance, person: Staff, unit: Unit, tour: TourOrPost, usual: float | None) -> tuple[int, int]:
    """What a shift on ``tour`` costs the person in travel, in whole km: there and back from home,
    and how much farther than their usual place (``usual``, `usual_place_km`) it starts. (0, 0)
    without a home; the soft rule `soft_travel` and the rota's greedy start both weigh these."""
    km = home_km(instance, person, unit, tour)
    if km is None:
        return (0, 0)
    return (round(2 * km), round(max(0.0, km - usual)) if usual is not None else 0)


def soft_travel(rm: RotaModel) -> list[Cost]:
    """Little travel from home to where the crew reports, a bus's depot or a fixed place (great-circle
    km, there and back), and above all no start farther than the person's usual place, the nearest
    or their preferred unit's (`usual_place_km`): each km farther costs `EXTRA_KM_COST`, so a person
    goes past a nearer unit only when none of its sessions is theirs to take (the reasons of those
    that do: `planner.crews.far_shifts`)."""
    weight = rm.instance.rules.weights.travel
    if weight == 0:
        return []
    costs = []
    for person in rm.instance.staff:
        if person.home is None:
            continue
        there_and_back, farther = [], []
        for tour, role, var in rm.by_person.get(person.id, ()):
            unit = rm.units[tour.key]
            if role in unit.remote_roles:
                continue
            km, extra = travel_km(rm.instance, person, unit, tour, rm.usual_km(person))
            if km > 0:
                there_and_back.append(km * var)
            if extra > 0:
                farther.append(extra * var)
        if there_and_back:
            text = f"{person.name} : {{value}} km aller-retour depuis son domicile"
            costs.append(Cost(RULE_TRAVEL, weight, sum(there_and_back), text))
        if farther:
            text = f"{person.name} : {{value}} km de plus que son lieu de service le plus proche ou préféré"
            costs.append(Cost(RULE_TRAVEL, weight * EXTRA_KM_COST, sum(farther), text))
    return costs
