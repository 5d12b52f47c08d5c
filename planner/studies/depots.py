"""Where an added unit is based: a greedy p-median over the territory's largest towns.

A bus sleeps and is serviced in a town, so the candidates are the `CANDIDATES` most populous
communes. Depots already fixed (the territory's own units, or those the user lists) stay; each
added unit goes to the candidate that most lowers the need-weighted travel time from every commune
with a visit target to its nearest depot (a commune's weight: need × visits per week). Travel is
the straight-line estimate, so the choice needs no road data and is the same on every machine.
Ties go to the larger town, then to the smaller INSEE code.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from planner.domain.instance import Commune, Point
from planner.travel.estimate import EstimateSource

#: How many of the most populous communes may host a depot.
CANDIDATES = 10


def candidate_towns(communes: Sequence[Commune]) -> list[Commune]:
    """The `CANDIDATES` most populous communes (ties: smaller INSEE code first)."""
    return sorted(communes, key=lambda c: (-c.population, c.insee))[:CANDIDATES]


def _weights(communes: Sequence[Commune]) -> np.ndarray:
    """need × visits per week; when no commune has a target, need alone (the whole territory)."""
    targeted = np.array([c.need * c.visits_per_week for c in communes], dtype=float)
    if targeted.sum() > 0:
        return targeted
    return np.array([max(c.need, 1.0) for c in communes], dtype=float)


def choose_depots(communes: Sequence[Commune], fixed: Sequence[Point], count: int) -> list[Commune]:
    """``count`` more depot towns, chosen one after the other (greedy p-median, see the module doc).

    A town already chosen is chosen again only when every candidate is taken.
    """
    towns = candidate_towns(communes)
    if count <= 0 or not towns:
        return []
    sites = [c.site.point for c in communes]
    places = list(dict.fromkeys([*fixed, *(t.site.point for t in towns), *sites]))
    matrix = EstimateSource().matrix(places)
    to_sites = [matrix.index(p) for p in sites]
    weights = _weights(communes)
    nearest = np.full(len(sites), np.inf)
    for depot in fixed:
        nearest = np.minimum(nearest, matrix.minutes[matrix.index(depot), to_sites])
    chosen: list[Commune] = []
    for _ in range(count):
        free = [t for t in towns if t not in chosen] or towns
        costs = [
            float(np.sum(weights * np.minimum(nearest, matrix.minutes[matrix.index(t.site.point), to_sites])))
            for t in free
        ]
        best = free[int(np.argmin(costs))]  # first minimum: towns are in (population, INSEE) order
        chosen.append(best)
        nearest = np.minimum(nearest, matrix.minutes[matrix.index(best.site.point), to_sites])
    return chosen
