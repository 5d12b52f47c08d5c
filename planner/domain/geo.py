"""Distances on the Earth's surface: what every stage may compute from coordinates alone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np

EARTH_RADIUS_KM = 6371.0088


class Located(Protocol):
    lat: float
    lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def great_circle_km(places: Sequence[Located]) -> np.ndarray:
    """Pairwise great-circle distances (km) between ``places``, vectorised."""
    lat = np.radians([p.lat for p in places])
    lon = np.radians([p.lon for p in places])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


#: Road distance / straight-line distance, for rural France: an assumption (see docs/roads.md).
DEFAULT_DETOUR_FACTOR = 1.3
#: Average speed on rural roads, km/h: an assumption (see docs/roads.md).
DEFAULT_SPEED_KMH = 60.0


def estimated_km_minutes(
    places: Sequence[Located], *, detour_factor: float = DEFAULT_DETOUR_FACTOR, speed_kmh: float = DEFAULT_SPEED_KMH
) -> tuple[np.ndarray, np.ndarray]:
    """The great-circle estimate of road km and minutes between ``places``: km × detour at a speed."""
    km = great_circle_km(places) * detour_factor
    return km, km / speed_kmh * 60.0
