"""Travel times and distances between places, behind one interface.

The planner asks a `TravelSource` for a `TravelMatrix` over the places it needs (depots, sites,
homes). Two sources exist: `EstimateSource` (great-circle distance × a detour factor at an average
speed; always available, labelled "estimate" wherever it is shown) and the road source of
`planner.roads` (OpenStreetMap through osmnx). Matrices may be asymmetric (one-way streets).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from planner.model import Point

EARTH_RADIUS_KM = 6371.0088

#: Road distance / straight-line distance, for rural France. See bench/ for its calibration.
DEFAULT_DETOUR_FACTOR = 1.3
#: Average speed on rural roads, km/h.
DEFAULT_SPEED_KMH = 60.0


@dataclass(frozen=True)
class TravelMatrix:
    """Minutes and km from every place to every other, in the order of ``places``.

    ``source`` is ``"road"`` or ``"estimate"``; ``label`` is the human description shown in outputs.
    ``legs`` optionally holds road polylines ``[(lat, lon), …]`` keyed by (from index, to index).
    """

    places: tuple[Point, ...]
    minutes: np.ndarray
    km: np.ndarray
    source: str
    label: str
    legs: dict[tuple[int, int], list[tuple[float, float]]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_position", {p: i for i, p in reversed(list(enumerate(self.places)))})
        n = len(self.places)
        for name in ("minutes", "km"):
            arr = getattr(self, name)
            if arr.shape != (n, n):
                msg = f"travel matrix `{name}` has shape {arr.shape}, expected ({n}, {n})"
                raise ValueError(msg)

    @property
    def is_estimate(self) -> bool:
        return self.source == "estimate"

    def index(self, place: Point) -> int:
        """Position of ``place`` in the matrix (ValueError when it is not there)."""
        try:
            return self._position[place]  # type: ignore[attr-defined]
        except KeyError:
            msg = f"{place.name} is not a place of this travel matrix"
            raise ValueError(msg) from None

    def route_totals(self, stops: Sequence[int]) -> tuple[float, float]:
        """Minutes and km of driving through ``stops`` (matrix indices) in order."""
        legs = list(itertools.pairwise(stops))
        return (
            float(sum(self.minutes[a, b] for a, b in legs)),
            float(sum(self.km[a, b] for a, b in legs)),
        )

    def geometry(self, i: int, j: int) -> list[tuple[float, float]]:
        """The leg's polyline; a straight segment when no road geometry is known."""
        if (i, j) in self.legs:
            return self.legs[(i, j)]
        a, b = self.places[i], self.places[j]
        return [(a.lat, a.lon), (b.lat, b.lon)]


def whole_minutes(minutes):
    """Drive minutes rounded up to whole minutes, as tours are timed (scalar or array).

    Every planning step rounds the same way, so what one step finds fits, the next finds fits too.
    """
    return np.ceil(np.asarray(minutes) - 1e-9)


class TravelSource(Protocol):
    """Anything that turns places into a travel matrix."""

    def matrix(self, places: Sequence[Point]) -> TravelMatrix: ...


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def great_circle_km(places: Sequence[Point]) -> np.ndarray:
    """Pairwise great-circle distances (km), vectorised."""
    lat = np.radians([p.lat for p in places])
    lon = np.radians([p.lon for p in places])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


@dataclass(frozen=True)
class EstimateSource:
    """Straight-line distance × ``detour_factor`` driven at ``speed_kmh``: an estimate, said so."""

    detour_factor: float = DEFAULT_DETOUR_FACTOR
    speed_kmh: float = DEFAULT_SPEED_KMH

    def __post_init__(self) -> None:
        if self.detour_factor < 1 or self.speed_kmh <= 0:
            msg = "the estimate needs detour_factor >= 1 and speed_kmh > 0"
            raise ValueError(msg)

    @property
    def label(self) -> str:
        return (
            f"estimation (distance à vol d'oiseau × {self.detour_factor:g}, "
            f"{self.speed_kmh:g} km/h) — pas un temps routier"
        )

    def matrix(self, places: Sequence[Point]) -> TravelMatrix:
        km = great_circle_km(places) * self.detour_factor
        minutes = km / self.speed_kmh * 60.0
        return TravelMatrix(tuple(places), minutes, km, "estimate", self.label)
