"""What a region's ranking weighs, per intercommunality: the unmet need one unit serves there and the
share of its residents far from care, under the need proxy's assumptions or a variant of them.

Both come from the plan already made, commune by commune (`CommuneNeed`): a variant of the proxy's
assumptions (`planner.inputs.need_proxy.plausible_variants`) recomputes the need of the communes whose
need is the proxy and re-weighs the visits the SAME plan gives them, pro rata of their target as
`planner.studies.figures.need_served_people` does. Nothing is planned again: the visits a unit makes
would hardly move with the weights, and re-planning every variant would multiply the study's cost by
ten (docs/studies.md, « Sensibilité »).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.inputs import load_territory
from planner.inputs.need_indicators import SOURCE_PROXY
from planner.inputs.need_proxy import (
    DEFAULT_ASSUMPTIONS,
    TOWN_MIN_POPULATION,
    ProxyAssumptions,
    nearest_town_km,
    need_proxy,
    plausible_variants,
)
from planner.publish import read_plan_json

#: A resident is "far from care" when the town hall of their commune is more than this many km (straight
#: line, about 15 minutes by road) from a commune of `TOWN_MIN_POPULATION` inhabitants, where GP practices are.
FAR_FROM_CARE_KM = 10.0
#: Its plausible range (about 10 to 20 minutes by road), whose effect on the ranks the ranking shows.
FAR_FROM_CARE_RANGE = (7.0, 15.0)


@dataclass(frozen=True)
class Weights:
    """The assumptions a ranking is computed under: the proxy's and the distance "far from care"."""

    proxy: ProxyAssumptions = DEFAULT_ASSUMPTIONS
    far_km: float = FAR_FROM_CARE_KM


BASELINE = Weights()


def proxy_variants() -> dict[str, Weights]:
    """French label → weights with one of the need proxy's assumptions at an end of its plausible range, the
    others at their defaults (`plausible_variants`): what « rang sensible » is judged on."""
    return {label: Weights(proxy=assumptions) for label, assumptions in plausible_variants().items()}


def distance_variants() -> dict[str, Weights]:
    """French label → weights with the distance "far from care" at each end of `FAR_FROM_CARE_RANGE`: the
    criterion's own threshold, whose effect the ranking shows in a column of its own."""
    return {f"éloignement des soins = {km:g} km": replace(BASELINE, far_km=km) for km in FAR_FROM_CARE_RANGE}


@dataclass(frozen=True)
class CommuneNeed:
    """One commune of a planned territory, as the ranking weighs it. ``served`` is the share of its
    target the plan's visits meet (0 to 1; 0 without a target), ``town_km`` its distance to a town
    (None when unknown), ``need_source`` where its need comes from (``proxy`` or a real source, docs/formats.md)."""

    insee: str
    name: str
    population: int
    lat: float
    lon: float
    town_km: float | None
    need: float
    need_source: str
    served: float

    @property
    def real(self) -> bool:
        return self.need_source != SOURCE_PROXY


@dataclass(frozen=True)
class TerritoryNeed:
    """A planned territory's communes with the number of units its plan had."""

    territory: str
    units: int
    communes: tuple[CommuneNeed, ...]

    def need_served(self, weights: Weights = BASELINE) -> float:
        """People of unmet need the plan serves, per unit: the planned need under the default assumptions,
        the proxy recomputed under others (real figures and communes without a distance kept)."""
        total = 0.0
        for c in self.communes:
            need = c.need
            if weights.proxy != DEFAULT_ASSUMPTIONS and not c.real and c.town_km is not None:
                need = float(need_proxy(c.population, c.town_km, weights.proxy))
            total += need * c.served
        return total / max(self.units, 1)

    def share_far(self, weights: Weights = BASELINE) -> float:
        """Share (0 to 1) of the residents whose commune is more than ``weights.far_km`` from a town."""
        population = sum(c.population for c in self.communes)
        far = sum(c.population for c in self.communes if c.town_km is not None and c.town_km > weights.far_km)
        return far / population if population else 0.0

    @property
    def proxy_communes(self) -> int:
        """Communes whose need is the proxy rather than a real figure."""
        return sum(not c.real for c in self.communes)


def territory_need(territory: str, instance: Instance, plan: Plan) -> TerritoryNeed:
    """The communes of a planned territory with the share of their target its plan meets, and the source of
    their need as the planner read it (``need_source``: docs/formats.md)."""
    weeks = instance.rules.weeks
    visits = Counter(s.insee for _, s in plan.sessions())
    communes = []
    for c in instance.communes:
        target = c.visits_per_week * weeks
        served = min(1.0, visits[c.insee] / target) if target > 0 else 0.0
        where = (c.lat, c.lon, c.nearest_town_km)
        communes.append(CommuneNeed(c.insee, c.name, c.population, *where, c.need, c.need_source, served))
    return TerritoryNeed(territory, len(instance.units), tuple(communes))


def load_needs(scenarios_dir: str | Path, territories: Iterable[str]) -> dict[str, TerritoryNeed]:
    """The planned territories' communes, read back from their scenario folders (the files and plan.json a
    study wrote), with the distance to a town filled in where the files leave it out (`with_town_km`)."""
    needs = {}
    for territory in territories:
        folder = Path(scenarios_dir) / territory
        instance = load_territory(folder)
        plan = read_plan_json(folder / "plan.json")
        needs[territory] = territory_need(territory, instance, plan)
    return with_town_km(needs)


def with_town_km(needs: Mapping[str, TerritoryNeed]) -> dict[str, TerritoryNeed]:
    """``needs`` with each unknown distance to a town computed from the region's own towns (communes of
    `TOWN_MIN_POPULATION` inhabitants or more): a communes file may leave the column out. Unchanged when
    every distance is known or the region has no town."""
    communes = [c for t in needs.values() for c in t.communes]
    towns = {c.insee: c for c in communes if c.population >= TOWN_MIN_POPULATION}
    if all(c.town_km is not None for c in communes) or not towns:
        return dict(needs)
    lat = np.array([t.lat for t in towns.values()])
    lon = np.array([t.lon for t in towns.values()])

    def filled(c: CommuneNeed) -> CommuneNeed:
        if c.town_km is not None:
            return c
        km = float(nearest_town_km(np.array([c.lat]), np.array([c.lon]), lat, lon)[0])
        return replace(c, town_km=0.0 if c.insee in towns else round(km, 1))

    return {k: replace(t, communes=tuple(filled(c) for c in t.communes)) for k, t in needs.items()}
