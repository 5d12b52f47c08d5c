"""Road graphs: read from GraphML or OSM XML, keep drivable roads, add speeds and travel times.

A *prepared* graph is an osmnx MultiDiGraph whose edges carry ``length`` (m), ``speed_kph`` and
``travel_time`` (s), restricted to its largest strongly connected component, so that every node can
reach every other (no place gets stuck behind a one-way street or on an island of roads).
"""

from __future__ import annotations

import bz2
import gzip
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx

from planner.domain.errors import NoRoadData

#: Speeds (km/h) for roads without a ``maxspeed`` tag: French defaults (80 on two-lane rural roads
#: since 2018, 50 in built-up areas, 20 in "zones de rencontre"), slower on links and small lanes.
#: Roads of a type absent from this table get osmnx's mean of tagged roads of that type, else
#: `FALLBACK_KPH`.
FRENCH_SPEEDS_KPH: dict[str, float] = {
    "motorway": 130.0,
    "motorway_link": 70.0,
    "trunk": 110.0,
    "trunk_link": 60.0,
    "primary": 80.0,
    "primary_link": 50.0,
    "secondary": 80.0,
    "secondary_link": 50.0,
    "tertiary": 70.0,
    "tertiary_link": 40.0,
    "unclassified": 50.0,
    "residential": 40.0,
    "living_street": 20.0,
    "road": 40.0,
}
FALLBACK_KPH = 40.0

GRAPHML_SUFFIXES = (".graphml",)
OSM_XML_SUFFIXES = (".osm", ".xml", ".osm.bz2", ".osm.gz", ".xml.bz2", ".xml.gz")

# The tags osmnx's "drive" network type excludes (osmnx 2.1, `_overpass._get_network_filter`).
_NOT_DRIVABLE_HIGHWAY = re.compile(
    "abandoned|bridleway|bus_guideway|construction|corridor|cycleway|elevator|escalator|footway|"
    "^no$|path|pedestrian|planned|platform|proposed|raceway|razed|rest_area|service|services|steps|track"
)
_NOT_DRIVABLE_SERVICE = re.compile("alley|driveway|emergency_access|parking|parking_aisle|private")


def is_drivable(tags: dict[str, str]) -> bool:
    """Whether an OSM way with these tags belongs to osmnx's "drive" network (public car roads)."""
    highway = tags.get("highway")
    if not highway or tags.get("area") == "yes":
        return False
    if _NOT_DRIVABLE_HIGHWAY.search(highway):
        return False
    if "private" in tags.get("access", ""):
        return False
    if tags.get("motor_vehicle") == "no" or tags.get("motorcar") == "no":
        return False
    return not _NOT_DRIVABLE_SERVICE.search(tags.get("service", ""))


def _open_text(path: Path):
    name = path.name.lower()
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def filter_drivable_xml(source: Path, target: Path) -> int:
    """Copy an OSM XML file keeping only drivable ways and the nodes they use; returns ways kept.

    `osmnx.graph_from_xml` has no ``network_type``: it would turn footpaths and tracks into roads.
    """
    with _open_text(source) as handle:
        root = ET.parse(handle).getroot()
    ways = [w for w in root.findall("way") if is_drivable({t.get("k", ""): t.get("v", "") for t in w.findall("tag")})]
    used = {nd.get("ref") for w in ways for nd in w.findall("nd")}
    out = ET.Element("osm", {k: v for k, v in root.attrib.items() if k != "generator"})
    out.set("generator", "tournee drivable filter")
    for node in root.findall("node"):
        if node.get("id") in used:
            out.append(node)
    out.extend(ways)
    ET.ElementTree(out).write(target, encoding="utf-8", xml_declaration=True)
    return len(ways)


def prepare_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add speeds and travel times where missing, keep the largest strongly connected part, simplify.

    Speeds are set on the raw OSM segments *before* osmnx merges chains of segments into one edge
    (`osmnx.simplify_graph` then sums ``length`` and ``travel_time``), so a merged edge that is half
    80 km/h road and half village street keeps the time of each part; its ``speed_kph`` becomes the
    effective speed ``length / travel_time``. A graph simplified without travel times (a GraphML
    from elsewhere) gets speeds per merged edge instead, from osmnx's rules.
    """
    import osmnx as ox

    if graph.number_of_edges() == 0:
        msg = "le réseau routier est vide : aucune route carrossable dans ces données"
        raise NoRoadData(msg)
    if any("travel_time" not in d for _, _, d in graph.edges(data=True)):
        graph = ox.add_edge_speeds(graph, hwy_speeds=FRENCH_SPEEDS_KPH, fallback=FALLBACK_KPH)
        graph = ox.add_edge_travel_times(graph)
    graph = ox.truncate.largest_component(graph, strongly=True)
    if not graph.graph.get("simplified"):
        graph = ox.simplify_graph(graph, edge_attr_aggs={"length": sum, "travel_time": sum})
        for _, _, data in graph.edges(data=True):
            if data["travel_time"] > 0:
                data["speed_kph"] = round(3.6 * data["length"] / data["travel_time"], 1)
            elif isinstance(data.get("speed_kph"), list):
                data["speed_kph"] = max(data["speed_kph"])
    return graph


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """A prepared road graph from a GraphML file (osmnx) or an OSM XML extract (.osm, .osm.bz2…).

    Raises
    ------
    NoRoadData
        The file does not exist, has an unknown extension or holds no drivable road.
    """
    import osmnx as ox

    path = Path(path).expanduser()
    name = path.name.lower()
    if not path.is_file():
        msg = f"fichier de réseau routier introuvable : {path}"
        raise NoRoadData(msg)
    if name.endswith(GRAPHML_SUFFIXES):
        return prepare_graph(ox.load_graphml(path))
    if name.endswith(OSM_XML_SUFFIXES):
        with tempfile.TemporaryDirectory(prefix="tournee-osm-") as tmp:
            filtered = Path(tmp) / "drivable.osm"
            if filter_drivable_xml(path, filtered) == 0:
                msg = f"{path} : aucune route carrossable (highway) dans ce fichier OSM"
                raise NoRoadData(msg)
            graph = ox.graph_from_xml(filtered, simplify=False, retain_all=True)
        return prepare_graph(graph)
    msg = f"{path} : format de réseau routier inconnu (attendu : .graphml, .osm, .osm.bz2)"
    raise NoRoadData(msg)


def save_graph(graph: nx.MultiDiGraph, path: str | Path) -> None:
    """Write a graph as GraphML atomically (a crash never leaves half a cache file)."""
    import osmnx as ox

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    ox.save_graphml(graph, tmp)
    tmp.replace(path)
