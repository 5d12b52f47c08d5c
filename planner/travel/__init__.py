"""Stage 1, travel: minutes and km between the places a plan uses (depots, commune sites).

Owns the great-circle estimate (`estimate`) and OpenStreetMap road times (`roads`); both return a
`planner.domain.TravelMatrix`.

May import `planner.domain` only.

A matrix holds only the places a unit may drive between: the depots and the sites of the communes
that can receive a visit (`may_be_visited`). A communes file of all of France with a territory of a
few hundred candidates thus costs about what the territory alone costs; figures that reach every
commune (the population near a stop) use `TravelMatrix.minutes_between`.

This face exports what the other stages, the command line and the app use of travel. The road
network's names (`roads`: osmnx, NetworkX and SciPy, slow to import) are imported on first use
(`__getattr__`), so that the estimate never pays for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from planner.domain.errors import TourneeError
from planner.domain.geo import BUS_TOP_SPEED_KMH, haversine_km
from planner.domain.instance import Commune, Instance, Point, Unit, UnitKind
from planner.domain.lazy_names import import_on_first_use
from planner.domain.limits import MAX_TRAVEL_PLACES
from planner.domain.travel_matrix import TravelMatrix, TravelSource
from planner.travel.estimate import EstimateSource

Progress = Callable[[float, str], None]

#: Names of the road network, imported on first use (`__getattr__`).
_EXPORTS = {
    "CacheInfo": "planner.travel.roads",
    "PlacesOffRoad": "planner.travel.roads",
    "cache_info": "planner.travel.roads",
    "clear_cache": "planner.travel.roads",
    "fetch_graph": "planner.travel.roads",
}

__all__ = [
    "CacheInfo",
    "EstimateSource",
    "PlacesOffRoad",
    "Progress",
    "cache_info",
    "clear_cache",
    "fetch_graph",
    "may_be_visited",
    "places_of",
    "travel_for",
]

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.travel.roads import CacheInfo, PlacesOffRoad, cache_info, clear_cache, fetch_graph
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)


def _in_reach(instance: Instance, unit: Unit, commune: Commune) -> bool:
    """Whether a session of ``unit`` at the commune's site could fit in the unit's day if the drive
    were the straight line at a bus's top speed. Every travel source is slower (the estimate detours
    at 60 km/h, road times are capped at that speed), so a commune out of this reach is out of reach
    whatever the matrix: leaving it out changes no plan."""
    if not unit.may_serve(commune.insee):
        return False
    length = instance.rules.session_length(unit)
    if unit.kind is UnitKind.FIXED:
        return length <= unit.hours.minutes
    site = commune.site
    drive = haversine_km(unit.depot.lat, unit.depot.lon, site.lat, site.lon) / BUS_TOP_SPEED_KMH * 60.0
    if unit.lunch is None:
        return 2 * drive + length <= unit.hours.minutes
    morning = unit.lunch.start - unit.hours.start
    afternoon = unit.hours.end - unit.lunch.end
    return drive + length <= morning or length + drive <= afternoon


def may_be_visited(instance: Instance, commune: Commune) -> bool:
    """A target of visits above zero and some unit that may serve the commune within its day's reach;
    or a fixed consultation place (its target comes from the communes around it)."""
    if any(u.kind is UnitKind.FIXED and commune.insee in u.places for u in instance.units):
        return True
    return commune.visits_per_week > 0 and any(_in_reach(instance, u, commune) for u in instance.units)


def places_of(instance: Instance, also: Iterable[Point] = ()) -> list[Point]:
    """Every place the planner may drive between: unit depots, then the sites of the communes that
    may be visited, then ``also`` (no duplicates)."""
    seen: dict[Point, None] = {}
    for u in instance.units:
        seen.setdefault(u.depot)
    for c in instance.communes:
        if may_be_visited(instance, c):
            seen.setdefault(c.site.point)
    for place in also:
        seen.setdefault(place)
    return list(seen)


def travel_for(
    instance: Instance, roads: str = "estimate", *, also: Iterable[Point] = (), progress: Progress | None = None
) -> TravelMatrix:
    """The travel matrix of ``instance``'s places (and ``also``) from the ``roads`` choice.

    ``roads`` is ``"estimate"`` (great-circle, offline), ``"road"`` (OpenStreetMap, cached),
    ``"auto"``, or a path to a GraphML / OSM XML file (see `planner.travel.roads.travel_source`).
    More than `MAX_TRAVEL_PLACES` places are refused (`TourneeError`), before any memory is spent.
    """
    places = places_of(instance, also)
    if len(places) > MAX_TRAVEL_PLACES:
        msg = (
            f"{len(places)} lieux à relier (dépôts et communes pouvant recevoir une visite) : c'est trop pour "
            f"un calcul de trajets ; attendu : au plus {MAX_TRAVEL_PLACES}. Limitez les communes candidates "
            "(visits_per_week = 0 pour celles à ne pas desservir, ou places de l'unité)."
        )
        raise TourneeError(msg)
    source: TravelSource
    if roads == "estimate":
        source = EstimateSource()
    else:
        from planner.travel.roads import (
            travel_source,  # osmnx is slow to import: only when asked
        )

        source = travel_source(roads, instance, progress=progress)
    return source.matrix(places)
