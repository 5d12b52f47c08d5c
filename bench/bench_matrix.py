"""Benchmark: a 400 × 400 road travel matrix on a generated road-like graph of > 100,000 nodes.

Compares `planner.travel.roads.RoadSource.matrix` (scipy Dijkstra, lexicographic time/length weights,
worker processes for large jobs) with the plain networkx approach (one
`single_source_dijkstra_path_length` per source). Prints times, the ratio, agreement of the two,
and the detour ratio road km / straight-line km on the *synthetic* graph.

The graph: a jittered grid (~250 m blocks) with 15 % of the streets missing, random speed limits
(30–90 km/h), curvy lengths (1.0–1.3 × straight) and 8 % one-way streets — a rough stand-in for a
rural road network. It is NOT real road data: its detour ratio says nothing about France, and the
estimate's detour factor cannot be calibrated here (no real network is reachable offline).

Usage: ``python bench/bench_matrix.py [--side 340] [--places 400] [--runs 3] [--nx-sources 400]``.
``--nx-sources K`` times networkx on K sources only and extrapolates to all of them (said so).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import networkx as nx
import numpy as np

from planner.domain.geo import great_circle_km, haversine_km
from planner.domain.instance import Point
from planner.travel.roads import RoadSource, _kernel

BLOCK_KM = 0.25
SPEEDS_KPH = np.array([30, 50, 50, 70, 80, 80, 90], dtype=float)


def road_like_graph(side: int, seed: int = 1) -> nx.MultiDiGraph:
    """A jittered grid of side × side nodes with missing streets, random speeds and one-ways."""
    rng = np.random.default_rng(seed)
    lat0, lon0 = 49.0, 1.0
    dlat = BLOCK_KM / 111.32
    dlon = BLOCK_KM / (111.32 * np.cos(np.radians(lat0)))
    rows, cols = np.divmod(np.arange(side * side), side)
    lat = lat0 + (rows + rng.uniform(-0.3, 0.3, rows.size)) * dlat
    lon = lon0 + (cols + rng.uniform(-0.3, 0.3, cols.size)) * dlon
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    keep = rng.random(a.size) > 0.15
    a, b = a[keep], b[keep]
    straight = np.array([haversine_km(lat[i], lon[i], lat[j], lon[j]) for i, j in zip(a.tolist(), b.tolist())])
    metres = straight * 1000 * rng.uniform(1.0, 1.3, a.size)
    seconds = metres / 1000 / rng.choice(SPEEDS_KPH, a.size) * 3600
    one_way = rng.random(a.size) < 0.08
    flip = rng.random(a.size) < 0.5
    g: nx.MultiDiGraph[int] = nx.MultiDiGraph()
    g.add_nodes_from((int(i), {"y": float(lat[i]), "x": float(lon[i])}) for i in range(side * side))
    for u, v, m, s, ow, fl in zip(a.tolist(), b.tolist(), metres.tolist(), seconds.tolist(), one_way, flip):
        data = {"length": m, "travel_time": s}
        if not ow or not fl:
            g.add_edge(u, v, **data)
        if not ow or fl:
            g.add_edge(v, u, **data)
    return g


def random_places(g: nx.MultiDiGraph, count: int, seed: int = 2) -> list[Point]:
    """Places scattered over the graph's extent, 20–80 m off the node they are near."""
    rng = np.random.default_rng(seed)
    nodes = rng.choice(np.array(list(g.nodes)), count, replace=False)
    return [
        Point(
            f"lieu {k}",
            g.nodes[n]["y"] + rng.uniform(-4e-4, 4e-4),
            g.nodes[n]["x"] + rng.uniform(-4e-4, 4e-4),
        )
        for k, n in enumerate(nodes.tolist())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=340, help="grid side (340 → 115,600 nodes)")
    parser.add_argument("--places", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3, help="runs of our routine (median reported)")
    parser.add_argument(
        "--nx-sources",
        type=int,
        default=None,
        help="networkx on this many sources, extrapolated",
    )
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")

    t = time.perf_counter()
    g = road_like_graph(args.side)
    print(
        f"graph: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges "
        f"(built in {time.perf_counter() - t:.1f} s)"
    )

    t = time.perf_counter()
    road = RoadSource(g)
    print(f"RoadSource compile (arrays, largest SCC, k-d tree): {time.perf_counter() - t:.2f} s")
    places = random_places(g, args.places)

    runs = {}
    for label, workers in (("1 process", 1), ("auto (processes by job size)", None)):
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            m = road.matrix(places, workers=workers)
            times.append(time.perf_counter() - t)
        runs[label] = statistics.median(times)
        print(
            f"ours, {label}: median {runs[label]:.2f} s over {args.runs} runs ({', '.join(f'{x:.2f}' for x in times)})"
        )
    ours = min(runs.values())

    nodes = [road.node_id(s.node) for s in road.snap(places)]
    sample = args.nx_sources or len(nodes)
    note = "" if sample == len(nodes) else f" (extrapolated from {sample} sources)"
    worst = 0.0
    # osmnx hands over a MultiDiGraph; a DiGraph (no parallel edges here) is networkx's faster form.
    for label, graph in (
        ("MultiDiGraph (as osmnx gives it)", g),
        ("DiGraph", nx.DiGraph(g)),
    ):
        t = time.perf_counter()
        for i in range(sample):
            dist = nx.single_source_dijkstra_path_length(graph, nodes[i], weight="travel_time")
            row = np.array([dist[n] for n in nodes]) / 60
            worst = max(worst, float(np.abs(row - m.minutes[i]).max()))
        nx_time = (time.perf_counter() - t) * len(nodes) / sample
        print(f"networkx per-source Dijkstra loop on a {label}: {nx_time:.1f} s{note}")
        print(f"  ratio networkx / ours (best): {nx_time / ours:.1f}×")
    print(f"largest difference in minutes vs networkx: {worst:.5f} (edge times are rounded to 1 ms)")

    straight = great_circle_km(places)
    far = straight > 1.0
    ratio = m.km[far] / straight[far]
    q = np.percentile(ratio, [10, 50, 90])
    print(
        "SYNTHETIC graph, not real roads — detour ratio road km / straight km over pairs > 1 km: "
        f"p10 {q[0]:.2f}, median {q[1]:.2f}, p90 {q[2]:.2f}; "
        f"mean speed {np.sum(m.km) / np.sum(m.minutes) * 60:.0f} km/h"
    )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"(encoding limits: paths < {_kernel.LENGTH_SPAN / 1e3:,.0f} km and < {_kernel.MAX_PATH_MS / 3.6e6:.0f} h)")


if __name__ == "__main__":
    main()
