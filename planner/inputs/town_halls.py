"""Where each commune of the source is: its town hall when the point can be trusted, else a point of
its outline; and the circle around each commune that `planner.inputs.locations` checks points against.

The source's town-hall point is missing for a few dozen communes, and lies outside its own commune
for about 5 % of them (some by more than 10 km, one with its longitude's sign flipped). The point is
kept only when it lies in the commune's polygon or within `MAIRIE_TOLERANCE_KM` of it; otherwise a
point inside the polygon (`point_on_surface`) is used. ``location_source`` says which, and every
import counts each case (`location_counts`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from planner.domain.geo import chord_km, haversine_km

#: A town-hall point this close to its commune's polygon is trusted (geocoding noise at borders).
MAIRIE_TOLERANCE_KM = 1.0
#: Offsets beyond this are counted apart in the audit (plainly wrong points).
FAR_OFFSET_KM = 10.0

# Status of each commune's town-hall point, in the source frame's ``mairie_status`` column.
STATUS_INSIDE = "inside"  # in its polygon: kept
STATUS_NEAR = "near"  # outside but within MAIRIE_TOLERANCE_KM: kept
STATUS_FAR = "far"  # farther: replaced by a point of the polygon
STATUS_MISSING = "missing"  # no point: a point of the polygon
STATUS_UNCHECKED = "unchecked"  # no polygon to check it against: kept as is


def _offset_km(polygon: BaseGeometry, point: BaseGeometry) -> float:
    """Straight-line km from ``point`` to the nearest point of ``polygon`` (0 inside)."""
    if polygon.contains(point):
        return 0.0
    (lon1, lat1), (lon2, lat2) = shapely.shortest_line(point, polygon).coords
    return haversine_km(lat1, lon1, lat2, lon2)


def locate_town_halls(polygons: Sequence | np.ndarray, points: Sequence | np.ndarray) -> pd.DataFrame:
    """Choose each commune's point: its town hall when trustworthy, else a point of its polygon.

    Parameters
    ----------
    polygons, points
        Shapely geometries (lon/lat, WGS84) or ``None``, one of each per commune, in the same order.

    Returns
    -------
    DataFrame
        One row per commune: ``lat``, ``lon`` (NaN when neither geometry is known),
        ``location_source`` (``mairie``/``polygon``/empty), ``mairie_status``, ``mairie_offset_km``
        and ``flipped_longitude`` (the point falls in the polygon once its longitude's sign is flipped).
    """
    polygons = np.asarray(polygons, dtype=object)
    points = np.asarray(points, dtype=object)
    has_polygon = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    has_point = ~(shapely.is_missing(points) | shapely.is_empty(points))  # `POINT EMPTY` occurs
    inside = np.zeros(len(points), dtype=bool)
    both = has_polygon & has_point
    inside[both] = shapely.contains(polygons[both], points[both])
    offset = np.full(len(points), np.nan)
    offset[inside] = 0.0
    flipped = np.zeros(len(points), dtype=bool)
    for i in np.flatnonzero(both & ~inside):
        offset[i] = _offset_km(polygons[i], points[i])
        mirrored = shapely.Point(-points[i].x, points[i].y)
        flipped[i] = bool(polygons[i].contains(mirrored))

    status = np.full(len(points), STATUS_MISSING, dtype=object)
    status[has_point & ~has_polygon] = STATUS_UNCHECKED
    status[inside] = STATUS_INSIDE
    outside = both & ~inside
    status[outside & (offset <= MAIRIE_TOLERANCE_KM)] = STATUS_NEAR
    status[outside & (offset > MAIRIE_TOLERANCE_KM)] = STATUS_FAR

    use_mairie = np.isin(status, [STATUS_INSIDE, STATUS_NEAR, STATUS_UNCHECKED])
    use_polygon = ~use_mairie & has_polygon
    lon = np.full(len(points), np.nan)
    lat = np.full(len(points), np.nan)
    if use_mairie.any():
        lon[use_mairie] = shapely.get_x(points[use_mairie])
        lat[use_mairie] = shapely.get_y(points[use_mairie])
    if use_polygon.any():
        surface = shapely.point_on_surface(polygons[use_polygon])
        lon[use_polygon] = shapely.get_x(surface)
        lat[use_polygon] = shapely.get_y(surface)
    source = np.where(use_mairie, "mairie", np.where(use_polygon, "polygon", ""))
    return pd.DataFrame(
        {
            "lat": lat,
            "lon": lon,
            "location_source": source,
            "mairie_status": status,
            "mairie_offset_km": offset,
            "flipped_longitude": flipped,
        }
    )


def commune_extents(polygons: Sequence | np.ndarray) -> pd.DataFrame:
    """A circle around each commune: its outline's centroid (``extent_lat``, ``extent_lon``) and the
    km to the outline's farthest vertex (``extent_km``; NaN without an outline).

    Every point of the commune lies within ``extent_km`` of the centre, so a point farther than that
    is outside the commune by at least the difference: what `planner.inputs.locations` checks town
    halls, sites and depots against without the outlines themselves.
    """
    polygons = np.asarray(polygons, dtype=object)
    has_polygon = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    lat = np.full(len(polygons), np.nan)
    lon = np.full(len(polygons), np.nan)
    km = np.full(len(polygons), np.nan)
    centres = shapely.centroid(polygons[has_polygon])
    lon[has_polygon], lat[has_polygon] = shapely.get_x(centres), shapely.get_y(centres)
    coords, owner = shapely.get_coordinates(polygons[has_polygon], return_index=True)
    rows = np.flatnonzero(has_polygon)[owner]
    phi1, phi2 = np.radians(lat[rows]), np.radians(coords[:, 1])
    h = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(coords[:, 0] - lon[rows]) / 2) ** 2
    )
    farthest = np.zeros(len(polygons))
    np.maximum.at(farthest, rows, chord_km(2 * np.sqrt(h)))
    km[has_polygon] = farthest[has_polygon]
    return pd.DataFrame({"extent_lat": lat, "extent_lon": lon, "extent_km": km})


def location_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How each commune's point was obtained, for summaries and the data README."""
    status = frame["mairie_status"]
    offset = frame["mairie_offset_km"]
    return {
        "communes": len(frame),
        "mairie_inside": int((status == STATUS_INSIDE).sum()),
        "mairie_near_kept": int((status == STATUS_NEAR).sum()),
        "mairie_far_replaced": int((status == STATUS_FAR).sum()),
        "mairie_over_10_km": int((offset > FAR_OFFSET_KM).sum()),
        "mairie_flipped_longitude": int(frame["flipped_longitude"].sum()),
        "mairie_missing": int((status == STATUS_MISSING).sum()),
        "no_outline": int((status == STATUS_UNCHECKED).sum()),
    }
