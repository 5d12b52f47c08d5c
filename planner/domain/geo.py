"""Distances on the Earth's surface: what every stage may compute from coordinates alone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # numpy is imported where it is used, so that reading files does not pay for it
    import numpy as np

EARTH_RADIUS_KM = 6371.0088


class Located(Protocol):
    """Anything with coordinates (read-only, so that frozen dataclasses such as `Point` qualify)."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def great_circle_km(places: Sequence[Located], targets: Sequence[Located] | None = None) -> np.ndarray:
    """Great-circle distances (km) from each of ``places`` to each of ``targets`` (default: ``places``)."""
    import numpy as np

    targets = places if targets is None else targets
    lat, lon = np.radians([p.lat for p in places]), np.radians([p.lon for p in places])
    lat2, lon2 = np.radians([p.lat for p in targets]), np.radians([p.lon for p in targets])
    dlat = lat[:, None] - lat2[None, :]
    dlon = lon[:, None] - lon2[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat2)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points as 3-D unit vectors: a k-d tree over them finds nearest points on the sphere."""
    import numpy as np

    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def chord_km(chord: np.ndarray) -> np.ndarray:
    """Great-circle km from the straight chord between two `unit_vectors`."""
    import numpy as np

    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.asarray(chord) / 2))


#: Road distance / straight-line distance, for rural France: an assumption (see docs/roads.md).
DEFAULT_DETOUR_FACTOR = 1.3
#: Average speed on rural roads, km/h: an assumption (see docs/roads.md).
DEFAULT_SPEED_KMH = 60.0


def estimated_km_minutes(
    places: Sequence[Located],
    targets: Sequence[Located] | None = None,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> tuple[np.ndarray, np.ndarray]:
    """The great-circle estimate of road km and minutes from ``places`` to ``targets`` (default: between
    ``places``): km × detour at a speed."""
    km = great_circle_km(places, targets) * detour_factor
    return km, km / speed_kmh * 60.0


#: The fastest a health bus drives, km/h (a heavy vehicle: 110 km/h on French motorways for 3.5–12 t).
#: No travel source is faster than the straight line at this speed: the bound of what is in reach.
BUS_TOP_SPEED_KMH = 110.0
