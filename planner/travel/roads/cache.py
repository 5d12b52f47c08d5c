"""Download a territory's drive network once (osmnx / Overpass) and keep it as GraphML in a cache.

The cache is a visible folder, ``~/.cache/tournee/roads/`` by default (``$TOURNEE_CACHE/roads/``
when the environment variable ``TOURNEE_CACHE`` is set). Each territory has ``NAME.graphml`` (the
prepared graph) and ``NAME.json`` (bounding box, margin, date, size) so that ``planner roads info``
answers without loading the graph.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from planner.domain.errors import NoRoadData
from planner.domain.geo import BUS_TOP_SPEED_KMH, chord_km, unit_vectors
from planner.domain.instance import Instance, Point
from planner.travel import places_of
from planner.travel.roads.network import prepare_graph, save_graph

OFFLINE_MESSAGE = "pas de réseau : utilisez `--roads estimate` ou fournissez un fichier GraphML"
DEFAULT_MARGIN_KM = 5.0
#: Seconds to wait for the Overpass server to answer a connection, before saying we are offline.
CONNECT_TIMEOUT_S = 10.0

#: Same shape as `planner.planning.pipeline`'s progress: (fraction, message). A download gives no measurable
#: progress (Overpass answers in one go), so the fraction is always 0.0: "started, under way".
Progress = Callable[[float, str], None]
BBox = tuple[float, float, float, float]  # (west, south, east, north), as osmnx 2 wants it

_OSMNX_SETTINGS_LOCK = threading.Lock()


def cache_folder(cache_dir: str | Path | None = None) -> Path:
    """The folder holding road caches (not created here)."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    root = os.environ.get("TOURNEE_CACHE")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "tournee"
    return base / "roads"


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return slug or "territoire"


def cache_paths(instance: Instance, *, cache_dir: str | Path | None = None) -> tuple[Path, Path]:
    """(GraphML file, metadata file) of a territory's cached network."""
    folder = cache_folder(cache_dir)
    stem = _slug(instance.name)
    return folder / f"{stem}.graphml", folder / f"{stem}.json"


#: The population KPI counts homes within 30 minutes of a stop: never farther than this in a
#: straight line (30 minutes at a bus's top speed).
KPI_REACH_KM = BUS_TOP_SPEED_KMH / 2


def territory_points(instance: Instance) -> list[Point]:
    """The places a unit drives between (`planner.travel.places_of`: depots, sites of the communes that
    may be visited), and the town halls and sites of the communes near enough to them to count in the
    population KPI; a communes file of all of France does not make the download all of France.

    Staff homes are left out on purpose: one volunteer living 200 km away would stretch the download
    to a region. Homes inside the downloaded area are routed; others are reported when snapped.
    """
    points = places_of(instance)
    stops = unit_vectors(np.array([p.lat for p in points]), np.array([p.lon for p in points]))
    lat = np.array([c.site.lat for c in instance.communes])
    lon = np.array([c.site.lon for c in instance.communes])
    chords, _ = cKDTree(stops).query(unit_vectors(lat, lon)) if len(lat) else (np.array([]), None)
    for commune, km in zip(instance.communes, chord_km(np.asarray(chords))):
        if km <= KPI_REACH_KM:
            points += [Point(commune.name, commune.lat, commune.lon), commune.site.point]
    return points


def territory_bbox(instance: Instance, *, margin_km: float = DEFAULT_MARGIN_KM) -> BBox:
    """Bounding box (west, south, east, north) of the territory's points, widened by ``margin_km``."""
    points = territory_points(instance)
    if not points:
        msg = f"le territoire « {instance.name} » n'a aucun lieu : rien à télécharger"
        raise NoRoadData(msg)
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    dlat = margin_km / 111.32
    dlon = margin_km / (111.32 * max(0.1, math.cos(math.radians(sum(lats) / len(lats)))))
    return (min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat)


@dataclass(frozen=True)
class CacheInfo:
    """What ``planner roads info`` shows about a territory's cached network."""

    territory: str
    path: Path
    exists: bool
    size_bytes: int = 0
    nodes: int = 0
    edges: int = 0
    created: str = ""
    bbox: BBox | None = None
    margin_km: float | None = None

    def covers(self, instance: Instance) -> bool:
        """Whether the cached area contains every point of the territory (with no margin)."""
        if not self.exists or self.bbox is None:
            return False
        west, south, east, north = self.bbox
        return all(west <= p.lon <= east and south <= p.lat <= north for p in territory_points(instance))


def cache_info(instance: Instance, *, cache_dir: str | Path | None = None) -> CacheInfo:
    """Describe the cached network of a territory (without loading it)."""
    graph_path, meta_path = cache_paths(instance, cache_dir=cache_dir)
    if not graph_path.is_file():
        return CacheInfo(instance.name, graph_path, exists=False)
    meta: dict = {}
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
    bbox = meta.get("bbox")
    return CacheInfo(
        territory=instance.name,
        path=graph_path,
        exists=True,
        size_bytes=graph_path.stat().st_size,
        nodes=int(meta.get("nodes", 0)),
        edges=int(meta.get("edges", 0)),
        created=str(meta.get("created", "")),
        bbox=tuple(bbox) if bbox else None,
        margin_km=meta.get("margin_km"),
    )


def clear_cache(instance: Instance, *, cache_dir: str | Path | None = None) -> list[Path]:
    """Delete a territory's cached network; returns the files removed."""
    removed = []
    for path in cache_paths(instance, cache_dir=cache_dir):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def store_graph(
    instance: Instance,
    graph: nx.MultiDiGraph,
    *,
    bbox: BBox,
    margin_km: float,
    cache_dir: str | Path | None = None,
) -> CacheInfo:
    """Write a prepared graph and its metadata to the territory's cache."""
    graph_path, meta_path = cache_paths(instance, cache_dir=cache_dir)
    save_graph(graph, graph_path)
    meta = {
        "territory": instance.name,
        "bbox": list(bbox),
        "margin_km": margin_km,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "source": "OpenStreetMap (Overpass API) via osmnx, réseau « drive »",
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return cache_info(instance, cache_dir=cache_dir)


@contextmanager
def _osmnx_cache_folder(folder: Path) -> Iterator[None]:
    """Point osmnx's HTTP cache into our cache folder for one download (osmnx's default is ./cache)."""
    import osmnx as ox

    with _OSMNX_SETTINGS_LOCK:
        previous = ox.settings.cache_folder
        ox.settings.cache_folder = folder
        try:
            yield
        finally:
            ox.settings.cache_folder = previous


def _check_reachable(url: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Fail fast when the server cannot be reached (osmnx would first pause up to 60 s)."""
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    with socket.create_connection((parsed.hostname, port), timeout=timeout):
        pass


def _download_drive_network(bbox: BBox) -> nx.MultiDiGraph:
    """The network boundary: the drive network of a bounding box from the Overpass API."""
    import osmnx as ox

    _check_reachable(ox.settings.overpass_url)
    return ox.graph_from_bbox(
        bbox,
        network_type="drive",
        simplify=False,
        retain_all=True,
        truncate_by_edge=True,
    )


def fetch_graph(
    instance: Instance,
    *,
    margin_km: float = DEFAULT_MARGIN_KM,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> nx.MultiDiGraph:
    """Download the territory's drive network (bounding box + ``margin_km``), prepare and cache it.

    Raises
    ------
    NoRoadData
        No connection to the Overpass server, a server error, or no road in the area.
    """
    import requests
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    def say(message: str) -> None:
        if progress is not None:
            progress(0.0, message)

    bbox = territory_bbox(instance, margin_km=margin_km)
    folder = cache_folder(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    west, south, east, north = bbox
    say(
        f"Téléchargement du réseau routier OpenStreetMap de « {instance.name} » "
        f"(lon {west:.3f}…{east:.3f}, lat {south:.3f}…{north:.3f}, marge {margin_km:g} km)…"
    )
    try:
        with _osmnx_cache_folder(folder / "overpass"):
            graph = _download_drive_network(bbox)
    except InsufficientResponseError as exc:
        msg = f"OpenStreetMap n'a renvoyé aucune route pour « {instance.name} » ({exc})"
        raise NoRoadData(msg) from exc
    except ResponseStatusCodeError as exc:
        msg = (
            f"le serveur OpenStreetMap (Overpass) a refusé la demande ({exc}) ; réessayez plus tard. {OFFLINE_MESSAGE}"
        )
        raise NoRoadData(msg) from exc
    except (requests.RequestException, OSError) as exc:
        raise NoRoadData(OFFLINE_MESSAGE) from exc
    say(f"{graph.number_of_nodes():,} nœuds reçus ; calcul des vitesses et des temps de parcours…".replace(",", " "))
    graph = prepare_graph(graph)
    info = store_graph(instance, graph, bbox=bbox, margin_km=margin_km, cache_dir=cache_dir)
    say(f"Réseau enregistré : {info.path} ({info.nodes} nœuds, {info.edges} tronçons).")
    return graph
