"""Stage 1, travel: minutes and km between the places a plan uses (depots, commune sites).

Owns the great-circle estimate (`estimate`) and OpenStreetMap road times (`roads`); both return a
`planner.domain.TravelMatrix`. May import `planner.domain` only.
"""

from __future__ import annotations

from collections.abc import Callable

from planner.domain.instance import Instance, Point
from planner.domain.travel_matrix import TravelMatrix
from planner.travel.estimate import EstimateSource

Progress = Callable[[float, str], None]

__all__ = ["EstimateSource", "places_of", "travel_for"]


def places_of(instance: Instance) -> list[Point]:
    """Every place the planner drives between: unit depots, then commune sites (no duplicates)."""
    seen: dict[Point, None] = {}
    for u in instance.units:
        seen.setdefault(u.depot)
    for c in instance.communes:
        seen.setdefault(c.site.point)
    return list(seen)


def travel_for(instance: Instance, roads: str = "estimate", *, progress: Progress | None = None) -> TravelMatrix:
    """The travel matrix of ``instance``'s places from the ``roads`` choice.

    ``roads`` is ``"estimate"`` (great-circle, offline), ``"road"`` (OpenStreetMap, cached),
    ``"auto"``, or a path to a GraphML / OSM XML file (see `planner.travel.roads.travel_source`).
    """
    if roads == "estimate":
        source = EstimateSource()
    else:
        from planner.travel.roads import (
            travel_source,  # osmnx is slow to import: only when asked
        )

        source = travel_source(roads, instance, progress=progress)
    return source.matrix(places_of(instance))
