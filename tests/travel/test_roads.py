"""Road travel times (planner.travel.roads) on a hand-written OSM extract; no network anywhere."""

from __future__ import annotations

import itertools
import os
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox
import pytest
import requests
import scipy.sparse as sp

from planner.cli import main
from planner.domain.errors import NoRoadData, PlanWarning
from planner.domain.geo import haversine_km
from planner.domain.instance import Point
from planner.travel.estimate import EstimateSource
from planner.travel.roads import (
    FRENCH_SPEEDS_KPH,
    OFFLINE_MESSAGE,
    ROAD_LABEL,
    PlacesOffRoad,
    RoadSource,
    _kernel,
    cache,
    cache_info,
    clear_cache,
    fetch_graph,
    load_graph,
    road_source_from_file,
    save_graph,
    travel_source,
)
from planner.travel.roads.network import filter_drivable_xml
from tests.support.paths import VILLAGE

MAIN_NODES = {1, 2, 3, 4, 5, 6, 13, 14, 15, 16}


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return load_graph(VILLAGE)


@pytest.fixture(scope="module")
def source(graph) -> RoadSource:
    return RoadSource(graph)


def at(graph: nx.MultiDiGraph, node: int, name: str | None = None) -> Point:
    """A place standing on a node of the graph."""
    return Point(name or f"n{node}", graph.nodes[node]["y"], graph.nodes[node]["x"])


def raw_graph(tmp_path: Path) -> nx.MultiDiGraph:
    """The village with speeds but *not* cut to its strongly connected part (dead end and island kept)."""
    filtered = tmp_path / "drivable.osm"
    filter_drivable_xml(VILLAGE, filtered)
    g = ox.graph_from_xml(filtered, simplify=False, retain_all=True)
    g = ox.add_edge_speeds(g, hwy_speeds=FRENCH_SPEEDS_KPH, fallback=40)
    return ox.add_edge_travel_times(g)


def test_only_drivable_roads_of_the_largest_strong_component_are_kept(graph):
    """Footway, parking aisle and track are dropped; the island and the one-way dead end too."""
    assert set(graph.nodes) == MAIN_NODES


def test_speeds_come_from_maxspeed_else_french_defaults(graph):
    """A tagged maxspeed wins; an untagged residential street gets the French default."""
    one_way = graph.edges[2, 5, 0]
    assert one_way["speed_kph"] == 30
    untagged = graph.edges[5, 6, 0]
    assert untagged["speed_kph"] == FRENCH_SPEEDS_KPH["residential"]
    assert untagged["travel_time"] == pytest.approx(untagged["length"] / 1000 / 40 * 3600, rel=1e-3)


def test_matrix_matches_networkx_for_all_pairs(graph, source):
    """Minutes are networkx's fastest times; km are the lengths along those fastest paths."""
    nodes = sorted(graph.nodes)
    places = [at(graph, n) for n in nodes]
    m = source.matrix(places)
    for i, a in enumerate(nodes):
        for j, b in enumerate(nodes):
            seconds = nx.shortest_path_length(graph, a, b, weight="travel_time")
            path = nx.shortest_path(graph, a, b, weight="travel_time")
            metres = sum(min(d["length"] for d in graph[u][v].values()) for u, v in itertools.pairwise(path))
            assert m.minutes[i, j] == pytest.approx(seconds / 60, abs=1e-4), (a, b)
            assert m.km[i, j] == pytest.approx(metres / 1000, abs=2e-3), (a, b)
    assert m.source == "road" and m.label == ROAD_LABEL


def test_one_way_street_makes_the_matrix_asymmetric(graph, source):
    """n2 → n5 takes the one-way street; coming back must go around the block."""
    m = source.matrix([at(graph, 2), at(graph, 5)])
    assert m.km[0, 1] == pytest.approx(0.445, abs=0.002)
    assert m.km[1, 0] > 1.2
    assert m.minutes[1, 0] > m.minutes[0, 1] + 0.2


def test_places_snap_only_to_the_largest_strongly_connected_component(tmp_path):
    """A place on the one-way dead end or on the island joins the main network, so all times exist."""
    g = raw_graph(tmp_path)
    assert {8, 10, 11} <= set(g.nodes)
    road = RoadSource(g)
    places = [at(g, 8, "Impasse"), at(g, 10, "Îlot"), at(g, 2)]
    snapped = {road.node_id(s.node) for s in road.snap(places)}
    assert snapped <= MAIN_NODES
    m = road.matrix(places)
    assert np.isfinite(m.minutes).all() and np.isfinite(m.km).all()


def test_a_place_far_from_any_road_is_reported_by_name(graph, source):
    """Places more than 2 km from the network are named in the error, none is moved silently."""
    places = [
        at(graph, 2),
        Point("Mairie de Loin-des-Routes (test)", 49.95, 1.30),
        Point("Ferme isolée", 49.80, 1.00),
    ]
    with pytest.raises(PlacesOffRoad) as err:
        source.matrix(places)
    assert [p.name for p, _ in err.value.places] == [
        "Mairie de Loin-des-Routes (test)",
        "Ferme isolée",
    ]
    assert "Loin-des-Routes" in str(err.value) and "Ferme isolée" in str(err.value)
    assert all(km > 2 for _, km in err.value.places)


def test_leg_polyline_follows_the_road_geometry(graph, source):
    """The drawn leg goes from place to place through the bend (node 9) of the Route de Dieppe."""
    a, b = Point("Départ", 49.8801, 1.1261), at(graph, 3, "Arrivée")
    m = source.matrix([a, b], legs=[(0, 1)])
    line = m.geometry(0, 1)
    assert line[0] == (a.lat, a.lon) and line[-1] == (b.lat, b.lon)
    assert (49.8795, 1.1290) in line
    assert m.geometry(1, 0) == [
        (b.lat, b.lon),
        (a.lat, a.lon),
    ]  # not requested: a straight segment


def test_graphml_round_trip_gives_the_same_matrix(graph, source, tmp_path):
    """Writing the prepared graph as GraphML and reading it back changes no minute and no km."""
    path = tmp_path / "village.graphml"
    save_graph(graph, path)
    again = RoadSource(load_graph(path))
    places = [at(graph, n) for n in sorted(MAIN_NODES)]
    first, second = source.matrix(places), again.matrix(places)
    assert np.array_equal(first.minutes, second.minutes)
    assert np.array_equal(first.km, second.km)


def test_estimate_source_says_it_is_an_estimate(small_instance):
    """The fallback is labelled as an estimate wherever the matrix goes."""
    m = travel_source("estimate", small_instance).matrix([Point("A", 49.9, 1.1), Point("B", 49.8, 1.2)])
    assert m.source == "estimate" and "estimation" in m.label
    assert isinstance(travel_source("ESTIMATE", small_instance), EstimateSource)


def test_unknown_choice_or_missing_file_is_a_clear_error(tmp_path, small_instance):
    """A typo in --roads is not taken for a file silently."""
    with pytest.raises(NoRoadData, match="auto, road, estimate"):
        travel_source("rooad", small_instance)
    with pytest.raises(NoRoadData, match="introuvable"):
        load_graph(tmp_path / "absent.graphml")


def test_a_file_path_choice_loads_that_network(graph, source, small_instance):
    """`--roads FILE.osm` routes on that file: the matrix of the village's network."""
    road = travel_source(str(VILLAGE), small_instance)
    places = [at(graph, n) for n in sorted(MAIN_NODES)]
    assert isinstance(road, RoadSource)
    assert np.array_equal(road.matrix(places).minutes, source.matrix(places).minutes)


def fake_download(graph_to_return=None, error: Exception | None = None, calls: list | None = None):
    def download(bbox, **kwargs):
        if calls is not None:
            calls.append(bbox)
        if error is not None:
            raise error
        return graph_to_return.copy()

    return download


def break_overpass(monkeypatch, error: Exception) -> None:
    """Pass the reachability check, then fail the osmnx download itself with ``error``."""
    monkeypatch.setattr(cache, "_check_reachable", lambda url: None)
    monkeypatch.setattr(ox, "graph_from_bbox", fake_download(error=error))


def test_offline_download_raises_no_road_data_with_the_message(monkeypatch, tmp_path, small_instance):
    """The Overpass request fails to connect: NoRoadData says what to do, nothing is cached."""
    break_overpass(monkeypatch, requests.exceptions.ConnectionError("no route"))
    with pytest.raises(NoRoadData) as err:
        fetch_graph(small_instance, cache_dir=tmp_path)
    assert str(err.value) == OFFLINE_MESSAGE
    assert not cache_info(small_instance, cache_dir=tmp_path).exists


def test_unresolvable_server_is_reported_as_offline(monkeypatch, tmp_path, small_instance):
    """No DNS: the quick reachability check fails before osmnx's long pauses."""

    def no_dns(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(cache.socket, "create_connection", no_dns)
    monkeypatch.setattr(ox, "graph_from_bbox", fake_download(error=AssertionError("must not be called")))
    with pytest.raises(NoRoadData, match="pas de réseau"):
        fetch_graph(small_instance, cache_dir=tmp_path)


def test_cli_prints_the_offline_message_without_traceback(monkeypatch, tmp_path, capsys):
    """`planner roads fetch` offline: exit code 2 and one readable line."""
    monkeypatch.setenv("TOURNEE_CACHE", str(tmp_path))
    break_overpass(monkeypatch, requests.exceptions.ConnectionError("down"))
    assert main(["roads", "fetch", "medicobus-dieppe"]) == 2
    err = capsys.readouterr().err
    assert OFFLINE_MESSAGE in err and "Traceback" not in err


def test_fetch_caches_once_then_road_and_auto_use_the_cache(monkeypatch, tmp_path, graph, small_instance):
    """A download is stored as GraphML; later choices read it without downloading again."""
    instance = small_instance
    calls: list = []
    raw = ox.graph_from_xml(VILLAGE, simplify=False, retain_all=True)  # unfiltered is fine for the fake
    monkeypatch.setattr(cache, "_check_reachable", lambda url: None)
    monkeypatch.setattr(ox, "graph_from_bbox", fake_download(raw, calls=calls))
    messages: list[str] = []
    fetch_graph(
        instance,
        margin_km=2,
        cache_dir=tmp_path,
        progress=lambda f, m: messages.append(m),
    )
    assert len(calls) == 1 and messages
    info = cache_info(instance, cache_dir=tmp_path)
    assert info.exists and info.size_bytes > 0 and info.nodes > 0 and info.created and info.covers(instance)

    road = travel_source("road", instance, cache_dir=tmp_path)
    auto = travel_source("auto", instance, cache_dir=tmp_path)
    assert isinstance(road, RoadSource) and isinstance(auto, RoadSource) and len(calls) == 1

    assert clear_cache(instance, cache_dir=tmp_path) and not cache_info(instance, cache_dir=tmp_path).exists
    with pytest.warns(PlanWarning, match="roads fetch"):
        assert isinstance(travel_source("auto", instance, cache_dir=tmp_path), EstimateSource)


def test_road_without_cache_and_offline_raises(monkeypatch, tmp_path, small_instance):
    """`--roads road` cannot fall back silently: it says how to proceed."""
    break_overpass(monkeypatch, requests.exceptions.ConnectTimeout("t"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NoRoadData, match="--roads estimate"):
            travel_source("road", small_instance, cache_dir=tmp_path)


def test_cli_info_and_clear(monkeypatch, tmp_path, capsys, graph):
    """`roads info` shows path, size and counts; `roads clear` removes the files."""
    from planner.inputs import load_territory
    from planner.travel.roads.cache import store_graph, territory_bbox

    monkeypatch.setenv("TOURNEE_CACHE", str(tmp_path))
    instance = load_territory("medicobus-dieppe")
    store_graph(instance, graph, bbox=territory_bbox(instance), margin_km=5)
    assert main(["roads", "info", "medicobus-dieppe"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path) in out and f"nœuds : {len(MAIN_NODES)}" in out
    assert main(["roads", "clear", "medicobus-dieppe"]) == 0
    assert not any(tmp_path.rglob("*.graphml"))
    assert main(["roads", "info", "medicobus-dieppe"]) == 1


def test_encoding_splits_exactly_into_minutes_and_km():
    """Sums of lexicographic weights decode to the sums of times and lengths."""
    seconds = np.array([0.0004, 12.3456, 3600.0, 59.9])
    metres = np.array([0.0, 1234.4, 99_999.6, 7.0])
    minutes, km = _kernel.decode(np.array([_kernel.encode_weights(seconds, metres).sum()]))
    assert minutes[0] == pytest.approx((0.001 + 12.346 + 3600 + 59.9) / 60, abs=1e-9)
    assert km[0] == pytest.approx((0 + 1234 + 100_000 + 7) / 1000, abs=1e-9)


@pytest.mark.parametrize("start_method", ["fork", None])
def test_worker_processes_give_the_same_matrix(monkeypatch, start_method):
    """Forked workers, or one process when threads run (a web server), give the same matrix."""
    monkeypatch.setattr(_kernel, "_start_method", lambda: start_method)
    rng = np.random.default_rng(3)
    n = 300
    u, v = rng.integers(0, n, 1500), rng.integers(0, n, 1500)
    w = _kernel.encode_weights(rng.uniform(5, 60, 1500), rng.uniform(50, 900, 1500))
    g = sp.csr_matrix((w, (u, v)), shape=(n, n))
    sources = rng.choice(n, 12, replace=False)
    single = _kernel.many_to_many(g, sources, sources, workers=1)
    assert np.array_equal(_kernel.many_to_many(g, sources, sources, workers=2), single)


def test_a_network_file_is_loaded_once_while_unchanged(graph, tmp_path):
    """Re-planning reuses the compiled network; a rewritten file is read again."""
    path = tmp_path / "village.graphml"
    save_graph(graph, path)
    first = road_source_from_file(path)
    assert road_source_from_file(path) is first
    save_graph(graph, path)
    os.utime(path, ns=(1, 1))
    assert road_source_from_file(path) is not first


def test_no_places_gives_an_empty_matrix(source):
    """An empty request is not an error."""
    m = source.matrix([])
    assert m.minutes.shape == (0, 0) and m.km.shape == (0, 0)


def test_a_cache_that_no_longer_covers_the_territory_is_not_used(tmp_path, graph, small_instance):
    """After communes are added outside the cached box, `auto` falls back to the estimate and says so."""
    from planner.travel.roads.cache import store_graph

    instance = small_instance
    store_graph(
        instance,
        graph,
        bbox=(1.11, 49.87, 1.14, 49.89),
        margin_km=0,
        cache_dir=tmp_path,
    )
    assert cache_info(instance, cache_dir=tmp_path).exists
    with pytest.warns(PlanWarning, match="couvrant"):
        assert isinstance(travel_source("auto", instance, cache_dir=tmp_path), EstimateSource)


def test_a_long_list_of_off_road_places_is_shortened_in_the_message(source):
    """The message stays readable; the exception still carries every place."""
    far = [Point(f"Hameau {k} (test)", 48.0 + k / 100, 2.0) for k in range(20)]
    with pytest.raises(PlacesOffRoad) as err:
        source.matrix(far)
    assert len(err.value.places) == 20
    assert "Hameau 0 (test)" in str(err.value) and "et 8 autre(s)" in str(err.value)
    assert "Hameau 19 (test)" not in str(err.value)


def test_road_legs_are_never_shorter_nor_faster_than_the_straight_line(graph, source):
    """Places off the nodes: each leg counts the stretch to and from the road (30 km/h), so road km are
    never below the straight line and no leg beats the validator's 110 km/h bound."""
    nodes = sorted(graph.nodes)[:4]
    places = [Point(f"p{k}", graph.nodes[n]["y"] + 0.002, graph.nodes[n]["x"] - 0.002) for k, n in enumerate(nodes)]
    matrix = source.matrix(places)
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            if i != j:
                line = haversine_km(a.lat, a.lon, b.lat, b.lon)
                assert matrix.km[i, j] >= line - 1e-9
                assert matrix.minutes[i, j] >= line / 110 * 60 - 1e-9
