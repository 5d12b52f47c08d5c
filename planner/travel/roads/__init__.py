"""Road travel times from OpenStreetMap: load or download a network, cache it, build matrices.

The planner calls ``travel_source(options.roads, instance).matrix(places)`` (through
`planner.travel.travel_for`), where the choice is:

- ``"estimate"``: great-circle distance × detour factor (`planner.travel.estimate.EstimateSource`);
- ``"road"``: the territory's cached network, downloaded first if not cached;
- ``"auto"``: the cached network when there is one, else the estimate (with a `PlanWarning`);
- a path to a GraphML or OSM XML file.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

from planner.domain.errors import NoRoadData, PlanWarning, TourneeError
from planner.domain.instance import Instance
from planner.domain.limits import shown
from planner.domain.travel_matrix import TravelSource
from planner.travel.estimate import EstimateSource
from planner.travel.roads.cache import (
    DEFAULT_MARGIN_KM,
    OFFLINE_MESSAGE,
    CacheInfo,
    Progress,
    cache_folder,
    cache_info,
    cache_paths,
    clear_cache,
    fetch_graph,
    territory_bbox,
    territory_points,
)
from planner.travel.roads.network import (
    FRENCH_SPEEDS_KPH,
    is_drivable,
    load_graph,
    prepare_graph,
    save_graph,
)
from planner.travel.roads.source import (
    DEFAULT_MAX_SNAP_KM,
    ROAD_LABEL,
    PlacesOffRoad,
    RoadSource,
    Snap,
)

ROAD_CHOICES = ("auto", "road", "estimate")

__all__ = [
    "DEFAULT_MARGIN_KM",
    "DEFAULT_MAX_SNAP_KM",
    "FRENCH_SPEEDS_KPH",
    "OFFLINE_MESSAGE",
    "ROAD_CHOICES",
    "ROAD_LABEL",
    "CacheInfo",
    "PlacesOffRoad",
    "RoadSource",
    "Snap",
    "cache_folder",
    "cache_info",
    "cache_paths",
    "clear_cache",
    "fetch_graph",
    "is_drivable",
    "load_graph",
    "prepare_graph",
    "road_source_from_file",
    "save_graph",
    "territory_bbox",
    "territory_points",
    "travel_source",
]


def road_source_from_file(path: str | Path) -> RoadSource:
    """A `RoadSource` over a GraphML / OSM file, reused while the file is unchanged.

    Loading and compiling a territory's network takes seconds; the app and re-planning ask for the
    same one again and again. The memo is keyed on path, size and modification time, and a
    `RoadSource` is never changed after it is built, so sharing it between users is safe.
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        return _read_road_source(path)  # load_graph raises the readable error
    stat = path.stat()
    return _memo_road_source(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _memo_road_source(path: str, _size: int, _mtime_ns: int) -> RoadSource:
    """The road source of ``path``; size and modification time are only the memo's key (a file that
    changed is read again)."""
    return _read_road_source(Path(path))


def _read_road_source(path: Path) -> RoadSource:
    """The road source of a file; a file osmnx cannot read, or a graph without the attributes of an
    osmnx road network, is refused in French (`NoRoadData`) whatever the reader's exception."""
    try:
        return RoadSource(load_graph(path))
    except TourneeError:
        raise
    except Exception as exc:  # a broken file makes XML, GraphML or networkx readers fail in many ways
        msg = (
            f"{shown(path, max_chars=200)} : fichier de réseau routier illisible ({type(exc).__name__} : "
            f"{shown(exc, max_chars=200)}) ; attendu : un fichier GraphML écrit par osmnx "
            "(`planner roads fetch`) ou un extrait OpenStreetMap XML (.osm, .osm.bz2)"
        )
        raise NoRoadData(msg) from None


def travel_source(
    choice: str,
    instance: Instance,
    *,
    progress: Progress | None = None,
    cache_dir: str | Path | None = None,
) -> TravelSource:
    """The travel source the user asked for (see the module docstring for the choices).

    Raises
    ------
    NoRoadData
        ``"road"`` without cache and without network, or a file that cannot be read.
    """
    key = choice.strip().lower()
    if key == "estimate":
        return EstimateSource()
    if key in ("road", "auto"):
        info = cache_info(instance, cache_dir=cache_dir)
        if info.covers(instance):
            return road_source_from_file(info.path)
        if key == "road":
            fetch_graph(instance, cache_dir=cache_dir, progress=progress)
            return road_source_from_file(info.path)
        msg = (
            f"pas de réseau routier en cache couvrant « {instance.name} » : les temps de trajet sont estimés "
            f"(vol d'oiseau × détour). Lancez `planner roads fetch {instance.name}` pour des temps routiers."
        )
        warnings.warn(msg, PlanWarning, stacklevel=2)
        return EstimateSource()
    path = Path(choice).expanduser()
    if not path.exists():
        msg = (
            f"choix de trajets inconnu : « {shown(choice, max_chars=200)} » (attendu : auto, road, estimate, "
            "ou le chemin d'un fichier GraphML / OSM)"
        )
        raise NoRoadData(msg)
    return road_source_from_file(path)
