"""Fixed consultation places serve the communes around them: catchments and the targets they set.

Residents of a commune go to the nearest fixed place within ``rules.catchment_minutes`` of their
town hall (by the travel source, `TravelMatrix.minutes_between`: every commune counts, not only those
in the matrix): that place's *catchment*. A place's need is its catchment's need;
its target, in consultation sessions a week, is that need divided by
``rules.need_per_weekly_session`` (rounded up, at least one), capped by what its units can hold
(rooms × sessions a day × working days). The pattern gives the place that target and counts each
session for the need it serves (`catchment_demand`); the KPIs count the catchment's communes as
served in proportion to the sessions held (`planner.results.kpis`). A commune in a catchment is not
a bus stop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from planner.domain.instance import Instance, UnitKind
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.pattern_problem import NEED_SCALE, Demand


@dataclass(frozen=True)
class Catchment:
    """A fixed place (its commune's INSEE code), the communes whose residents go there, their need
    (and the priority zones' part of it), and the place's target in sessions a week."""

    place: str
    communes: tuple[str, ...]
    need: float
    priority_need: float
    sessions_per_week: float


def catchments(instance: Instance, travel: TravelMatrix) -> dict[str, Catchment]:
    """Every fixed place's catchment, by the place's INSEE code (empty without fixed places)."""
    rules = instance.rules
    places = sorted(
        {p for u in instance.units if u.kind is UnitKind.FIXED for p in u.places if instance.has_commune(p)}
    )
    if not places:
        return {}
    sites = [instance.commune(p).site.point for p in places]
    communes = [c for c in instance.communes if c.need > 0 or c.insee in places]
    minutes = travel.minutes_between([c.site.point for c in communes], sites)
    members: dict[str, list[str]] = {p: [] for p in places}
    for c, row in zip(communes, minutes, strict=True):
        best = min(range(len(places)), key=lambda i: (row[i], places[i]))
        if c.insee in members:
            members[c.insee].append(c.insee)  # a place serves its own commune
        elif row[best] <= rules.catchment_minutes:
            members[places[best]].append(c.insee)
    found = {}
    for place, codes in members.items():
        communes = [instance.commune(i) for i in codes]
        need = sum(c.need for c in communes)
        capacity = sum(
            u.rooms * u.sessions_per_day * len(u.days)
            for u in instance.units
            if u.kind is UnitKind.FIXED and place in u.places
        )
        target = min(capacity, max(1, math.ceil(need / rules.need_per_weekly_session)))
        priority = sum(c.need for c in communes if c.priority)
        found[place] = Catchment(place, tuple(codes), need, priority, float(target))
    return found


def catchment_demand(instance: Instance, found: Mapping[str, Catchment]) -> dict[str, Demand]:
    """What the pattern asks of each place (its target; each session serves its share of the
    catchment's need), and no bus visits for the other communes of a catchment."""
    demand: dict[str, Demand] = {}
    for catchment in found.values():
        for insee in catchment.communes:
            if insee != catchment.place:
                demand[insee] = Demand(0.0, 0, 0)
        per_session = NEED_SCALE / catchment.sessions_per_week
        demand[catchment.place] = Demand(
            catchment.sessions_per_week,
            round(catchment.need * per_session),
            round(catchment.priority_need * per_session),
            fixed=True,
        )
    return demand


def catchment_of(found: Mapping[str, Catchment]) -> dict[str, str]:
    """The place each commune of a catchment goes to, by INSEE code."""
    return {insee: c.place for c in found.values() for insee in c.communes}
