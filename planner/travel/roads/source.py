"""`RoadSource`: travel matrices on a real road network (OpenStreetMap through osmnx).

Each place is snapped to the nearest road node of the graph's largest strongly connected component
(a k-d tree on locally projected coordinates); places farther than ``max_snap_km`` from any road are
refused by name (`PlacesOffRoad`), never moved silently. Minutes and km then come from one
many-to-many Dijkstra run (`planner.travel.roads._kernel`) and keep the asymmetry of one-way streets.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from planner.domain.errors import TourneeError
from planner.domain.geo import BUS_TOP_SPEED_KMH, EARTH_RADIUS_KM, haversine_km
from planner.domain.instance import Point
from planner.domain.travel_matrix import TravelMatrix
from planner.travel.roads import _kernel

ROAD_LABEL = "routier (OpenStreetMap, osmnx)"
#: Top speed of a health bus (a heavy vehicle: 110 km/h on French motorways for 3.5–12 t), km/h.
VEHICLE_TOP_SPEED_KPH = BUS_TOP_SPEED_KMH
#: Speed of the stretch between a place and its nearest road node (a village street), km/h.
ACCESS_SPEED_KPH = 30.0
#: A place farther than this from any road node is reported, not snapped.
DEFAULT_MAX_SNAP_KM = 2.0
#: The error message names this many places; `PlacesOffRoad.places` holds them all.
MAX_NAMES_SHOWN = 12


class PlacesOffRoad(TourneeError):
    """Some places are too far from every road of the network to be snapped to it.

    ``places`` holds each such place with its distance (km) to the nearest road node.
    """

    def __init__(self, places: Sequence[tuple[Point, float]], max_km: float) -> None:
        self.places = tuple(places)
        self.max_km = max_km
        shown = self.places[:MAX_NAMES_SHOWN]
        names = ", ".join(f"{p.name} ({d:.1f} km)" for p, d in shown)
        if len(self.places) > len(shown):
            names += f" et {len(self.places) - len(shown)} autre(s)"
        super().__init__(
            f"{len(self.places)} lieu(x) à plus de {max_km:g} km de toute route du réseau chargé : {names}. "
            "Vérifiez leurs coordonnées, ou téléchargez un réseau qui les couvre (`planner roads fetch`)."
        )


@dataclass(frozen=True)
class Snap:
    """Where a place joins the network: node index and straight-line distance to it (km)."""

    node: int
    km: float


def _project(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    """Equirectangular projection around latitude ``lat0`` (km); fine over a territory."""
    x = np.radians(lon) * math.cos(math.radians(lat0)) * EARTH_RADIUS_KM
    y = np.radians(lat) * EARTH_RADIUS_KM
    return np.column_stack([x, y])


class RoadSource:
    """A `TravelSource` over an osmnx road graph.

    The graph needs ``x``/``y`` (lon/lat) on nodes and ``travel_time`` (s) and ``length`` (m) on
    edges (`planner.travel.roads.load_graph` and `fetch_graph` give such graphs). Of parallel edges the
    fastest is kept. Building the source compiles the graph to arrays once; `matrix` is then cheap.

    Parameters
    ----------
    graph
        The road graph; it is not modified.
    max_snap_km
        Places farther than this from any road node raise `PlacesOffRoad`.
    workers
        Processes for large matrices; ``None`` decides from the size of the job.
    """

    label = ROAD_LABEL

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        *,
        max_snap_km: float = DEFAULT_MAX_SNAP_KM,
        workers: int | None = None,
    ) -> None:
        if graph.number_of_nodes() == 0:
            msg = "le réseau routier est vide"
            raise TourneeError(msg)
        self.graph = graph
        self.max_snap_km = max_snap_km
        self.workers = workers
        self._node_ids = list(graph.nodes)
        position = {node: i for i, node in enumerate(self._node_ids)}
        self._lat = np.fromiter((d["y"] for _, d in graph.nodes(data=True)), float, len(position))
        self._lon = np.fromiter((d["x"] for _, d in graph.nodes(data=True)), float, len(position))
        self._weights = self._compile(graph, position)
        self._snappable = self._largest_strong_component()
        self._lat0 = float(np.mean(self._lat))
        coords = _project(self._lat[self._snappable], self._lon[self._snappable], self._lat0)
        self._tree = cKDTree(coords)

    @staticmethod
    def _compile(graph: nx.MultiDiGraph, position: dict) -> csr_matrix:
        """CSR of lexicographic (time, length) weights; one edge per node pair, the fastest."""
        edges = list(graph.edges(keys=True, data=True))
        if not edges:
            msg = "le réseau routier n'a aucune route"
            raise TourneeError(msg)
        u = np.fromiter((position[e[0]] for e in edges), np.int64, len(edges))
        v = np.fromiter((position[e[1]] for e in edges), np.int64, len(edges))
        seconds = np.fromiter((float(e[3]["travel_time"]) for e in edges), float, len(edges))
        metres = np.fromiter((float(e[3]["length"]) for e in edges), float, len(edges))
        # A health bus is a heavy vehicle: no road, however fast its limit, is driven above this.
        seconds = np.maximum(seconds, metres / (VEHICLE_TOP_SPEED_KPH / 3.6))
        weight = _kernel.encode_weights(seconds, metres)
        order = np.lexsort((weight, v, u))  # by u, then v, then weight: the first of a pair is best
        u, v, weight = u[order], v[order], weight[order]
        first = np.ones(len(u), dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        n = len(position)
        return csr_matrix((weight[first], (u[first], v[first])), shape=(n, n))

    def _largest_strong_component(self) -> np.ndarray:
        """Node indices of the largest strongly connected component: the only ones places snap to.

        A shortest path between two nodes of that component never leaves it, so running Dijkstra on
        the whole graph gives the same answers as on the component alone.
        """
        _, labels = connected_components(self._weights, directed=True, connection="strong")
        largest = np.bincount(labels).argmax()
        return np.flatnonzero(labels == largest)

    def _nearest(self, places: Sequence[Point]) -> list[Snap]:
        """The nearest snappable road node of each place, however far."""
        if not places:
            return []
        lat = np.array([p.lat for p in places], dtype=float)
        lon = np.array([p.lon for p in places], dtype=float)
        _, found = self._tree.query(_project(lat, lon, self._lat0))
        nodes = self._snappable[np.atleast_1d(found)]
        return [Snap(int(n), haversine_km(p.lat, p.lon, self._lat[n], self._lon[n])) for p, n in zip(places, nodes)]

    def snap(self, places: Sequence[Point]) -> list[Snap]:
        """The road node each place joins; raises `PlacesOffRoad` naming every place too far."""
        snaps = self._nearest(places)
        far = [(p, s.km) for p, s in zip(places, snaps) if s.km > self.max_snap_km]
        if far:
            raise PlacesOffRoad(far, self.max_snap_km)
        return snaps

    def node_id(self, index: int):
        """The graph's own id (OSM node id) of a node index."""
        return self._node_ids[index]

    def matrix(
        self,
        places: Sequence[Point],
        *,
        legs: Iterable[tuple[int, int]] = (),
        workers: int | None = None,
    ) -> TravelMatrix:
        """Minutes and km between all places along the fastest roads; ``legs``: pairs to draw.

        ``workers`` overrides the source's setting for this call.

        Raises
        ------
        PlacesOffRoad
            One or more places are farther than ``max_snap_km`` from any road.
        """
        places = tuple(places)
        pairs = set(legs)
        snaps = self.snap(places)
        nodes = np.array([s.node for s in snaps], dtype=np.int64)
        unique, inverse = np.unique(nodes, return_inverse=True)
        encoded = _kernel.many_to_many(self._weights, unique, unique, workers=workers or self.workers)
        encoded = encoded[np.ix_(inverse, inverse)]
        minutes, km = _kernel.decode(encoded)
        # From each place to its road node and back: the last stretch of every leg is driven too.
        access = np.array([s.km for s in snaps])
        ends = access[:, None] + access[None, :]
        np.fill_diagonal(ends, 0.0)
        km = km + ends
        minutes = minutes + ends / ACCESS_SPEED_KPH * 60.0
        polylines = self._polylines(places, nodes, pairs) if pairs else {}
        return TravelMatrix(places, minutes, km, "road", self.label, polylines, rectangle=self.minutes_between)

    @cached_property
    def _reversed_weights(self) -> csr_matrix:
        return self._weights.T.tocsr()

    def minutes_between(self, origins: Sequence[Point], targets: Sequence[Point]) -> np.ndarray:
        """Minutes from each origin to each target, as `matrix` computes them; ``inf`` for a place
        farther than ``max_snap_km`` from the network (it cannot be reached, not an error here).

        One Dijkstra run per place of the smaller side: from the targets on the reversed graph when
        they are fewer (many homes, a few stops).
        """
        first, second = self._nearest(origins), self._nearest(targets)
        a = np.array([s.node for s in first], dtype=np.int64)
        b = np.array([s.node for s in second], dtype=np.int64)
        if len(b) < len(a):
            encoded = _kernel.many_to_many(self._reversed_weights, np.unique(b), np.unique(a), workers=self.workers).T
        else:
            encoded = _kernel.many_to_many(self._weights, np.unique(a), np.unique(b), workers=self.workers)
        rows = np.searchsorted(np.unique(a), a)
        cols = np.searchsorted(np.unique(b), b)
        minutes, _ = _kernel.decode(encoded[np.ix_(rows, cols)])
        access_a = np.array([s.km for s in first])
        access_b = np.array([s.km for s in second])
        minutes = minutes + (access_a[:, None] + access_b[None, :]) / ACCESS_SPEED_KPH * 60.0
        columns: dict[Point, list[int]] = {}
        for j, place in enumerate(targets):
            columns.setdefault(place, []).append(j)
        for i, place in enumerate(origins):
            minutes[i, columns.get(place, [])] = 0.0  # a place to itself, as on the matrix's diagonal
        minutes[access_a > self.max_snap_km, :] = np.inf
        minutes[:, access_b > self.max_snap_km] = np.inf
        return minutes

    def _polylines(
        self, places: Sequence[Point], nodes: np.ndarray, pairs: set[tuple[int, int]]
    ) -> dict[tuple[int, int], list]:
        """Polylines for the requested (from, to) place pairs, along the same paths as the matrix.

        Each starts at the first place and ends at the second, so that a map joins its markers.
        """
        by_source: dict[int, list[tuple[int, int]]] = {}
        for i, j in pairs:
            by_source.setdefault(int(nodes[i]), []).append((i, j))
        sources = np.array(sorted(by_source), dtype=np.int64)
        out: dict[tuple[int, int], list[tuple[float, float]]] = {}
        if not len(sources):
            return out
        pred = _kernel.predecessors(self._weights, sources)
        for row, source in enumerate(sources):
            for i, j in by_source[int(source)]:
                path = _kernel.walk_back(pred[row], int(source), int(nodes[j]))
                a, b = places[i], places[j]
                line = [(a.lat, a.lon), *self._path_line(path), (b.lat, b.lon)]
                out[(i, j)] = [p for k, p in enumerate(line) if k == 0 or not _close(p, line[k - 1])]
        return out

    def _edge_data(self, a: int, b: int) -> dict:
        """Attributes of the edge the matrix uses from node index ``a`` to ``b`` (the fastest)."""
        parallel = self.graph.get_edge_data(self._node_ids[a], self._node_ids[b])
        return min(
            parallel.values(),
            key=lambda d: _kernel.encode_weights(np.array([d["travel_time"]]), np.array([d["length"]]))[0],
        )

    def _path_line(self, path: list[int]) -> list[tuple[float, float]]:
        """Lat/lon points along a node path, following each edge's curved geometry when known."""
        if not path:
            return []
        line = [(float(self._lat[path[0]]), float(self._lon[path[0]]))]
        for a, b in itertools.pairwise(path):
            geometry = self._edge_data(a, b).get("geometry")
            if geometry is not None:
                points = [(float(y), float(x)) for x, y in geometry.coords]
                if points and _close(points[-1], line[-1]) and not _close(points[0], line[-1]):
                    points.reverse()
                line.extend(points[1:])
            else:
                line.append((float(self._lat[b]), float(self._lon[b])))
        return line


def _close(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 1e-7 and abs(a[1] - b[1]) < 1e-7
