"""Big communes files: only the communes that can receive a visit enter the travel matrix (issue 13).

A file of thousands of communes never visited plans exactly like the territory alone; the population
KPI still counts every commune of the file, through the matrix source's homes × stops rectangle; a
commune no unit can reach in a day, even at a bus's top speed in a straight line, is left out of the
matrix without changing any plan; too many places to link is a clear refusal.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from planner.domain.errors import TourneeError
from planner.domain.instance import Point
from planner.domain.limits import MAX_TRAVEL_PLACES
from planner.inputs import load_territory
from planner.inputs.territory import data_dir
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.tours.pattern_problem import build_problem
from planner.travel import EstimateSource, may_be_visited, places_of, travel_for
from planner.travel.roads import RoadSource, load_graph
from tests.support.paths import VILLAGE

DEMO = "medicobus-dieppe"
FAST = PlanOptions(time_limit=1.0, rota_time_limit=0.3, method="greedy")


def padded_territory(tmp_path, rows: int):
    """The demo territory's files, its communes file followed by ``rows`` never-visited communes spread
    over central and southern France (far from Dieppe: none is within 30 minutes of a stop)."""
    folder = tmp_path / "grand"
    folder.mkdir()
    shutil.copy(data_dir() / "roster" / f"{DEMO}.csv", folder / "roster.csv")
    shutil.copy(data_dir() / "scenarios" / f"{DEMO}.toml", folder / "scenario.toml")
    text = (data_dir() / "communes" / f"{DEMO}.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    rng = np.random.default_rng(0)
    lines = []
    for i in range(rows):
        values = dict.fromkeys(header, "")
        values.update(
            insee=f"{10000 + i:05d}",
            name=f"Commune fictive {i}",
            population=str(int(rng.integers(50, 3000))),
            lat=f"{rng.uniform(43.5, 47.5):.5f}",
            lon=f"{rng.uniform(-1.0, 6.0):.5f}",
            epci="CC fictive",
            visits_per_week="0",
        )
        lines.append(",".join(values[h] for h in header))
    (folder / "communes.csv").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.slow  # a big input, planned twice
def test_a_file_of_5000_never_visited_communes_plans_like_the_territory_alone(tmp_path):
    """Same matrix, same tours, same KPIs (who crews a tour is left to the rota's own test: its
    wall-clock safety net may cut a search short on a loaded machine)."""
    alone = load_territory(DEMO)
    big = load_territory(padded_territory(tmp_path, 5_000))
    assert len(big.communes) == len(alone.communes) + 5_000
    assert places_of(big) == places_of(alone)  # one depot and the six stops, whatever the file's size
    assert len(places_of(big)) == 1 + sum(c.visits_per_week > 0 for c in alone.communes)
    first, second = plan(alone, FAST), plan(big, FAST)
    assert second.tours == first.tours
    assert dict(second.kpis) == dict(first.kpis)


def test_the_population_kpi_counts_communes_outside_the_matrix():
    """All 68 communes of the demo are within 30 minutes of a stop; only 7 places are in the matrix."""
    instance = load_territory(DEMO)
    result = plan(instance, FAST)
    matrix = travel_for(instance)
    assert len(matrix.places) == 7 < len(instance.communes)
    assert result.kpis["population_within_30min"] == sum(c.population for c in instance.communes)


def test_a_commune_out_of_a_days_reach_stays_out_of_the_matrix(commune, small_instance):
    """A commune 600 km from every depot cannot be visited even at 110 km/h in a straight line."""
    near, far = commune("76001", 49.95, 1.15), commune("13001", 43.3, 5.4)
    instance = small_instance.replace(communes=(near, far))
    assert may_be_visited(instance, near) and not may_be_visited(instance, far)
    assert far.site.point not in travel_for(instance) and near.site.point in travel_for(instance)
    assert not may_be_visited(instance, replace(near, visits_per_week=0.0))


@pytest.mark.parametrize("name", ["medicobus-dieppe", "doctobus-evreux", "mobilsante-vichy", "orne-solidarite"])
def test_leaving_unreachable_communes_out_changes_no_slot(name):
    """The pattern problem on the full square matrix of every commune (as before) and on the reduced
    matrix allows the same slots to the same communes."""
    instance = load_territory(name)
    every = [u.depot for u in instance.units] + [c.site.point for c in instance.communes]
    full = build_problem(instance, EstimateSource().matrix(list(dict.fromkeys(every))))
    reduced = build_problem(instance, travel_for(instance))
    assert dict(reduced.allowed) == dict(full.allowed)
    assert reduced.near == {k: v for k, v in full.near.items() if full.allowed.get(k[1])}


def test_estimate_rectangle_is_the_square_matrix_arithmetic():
    places = [Point(f"p{i}", 49 + i / 10, 1 + i / 7) for i in range(6)]
    source = EstimateSource()
    square = source.matrix(places)
    assert np.array_equal(source.minutes_between(places[:4], places[2:]), square.minutes[:4, 2:])
    assert np.array_equal(square.minutes_between(places[:4], places[2:]), square.minutes[:4, 2:])
    outside = Point("ailleurs", 48.0, 2.0)
    rect = square.minutes_between([outside, *places[:2]], places[3:])
    assert np.array_equal(rect[1:], square.minutes[:2, 3:]) and rect.shape == (3, 3)


def test_road_rectangle_is_the_square_matrix_and_unreachable_places_are_infinite():
    """Same minutes as the road matrix for the same pairs, either way round; a place far from every
    road is infinitely far (it cannot count as near a stop), not an error."""
    graph = load_graph(VILLAGE)
    source = RoadSource(graph)
    nodes = sorted(graph.nodes)
    places = [Point(f"n{n}", graph.nodes[n]["y"] + 0.0003, graph.nodes[n]["x"]) for n in nodes]
    square = source.matrix(places)
    many, few = places, places[:3]
    np.testing.assert_array_equal(source.minutes_between(many, few), square.minutes[:, :3])
    np.testing.assert_array_equal(source.minutes_between(few, many), square.minutes[:3, :])
    far = Point("au large", places[0].lat + 1.0, places[0].lon)
    rect = square.minutes_between([far, *few], few)
    assert np.isinf(rect[0]).all() and np.array_equal(rect[1:], square.minutes[:3, :3])


def test_too_many_places_to_link_is_a_clear_refusal(commune, small_instance):
    """Above `MAX_TRAVEL_PLACES`, a French refusal before any matrix is built (never a MemoryError)."""
    communes = tuple(
        commune(f"{i:05d}", 49.5 + (i % 100) / 200, 0.8 + (i // 100) / 100) for i in range(MAX_TRAVEL_PLACES + 1)
    )
    instance = small_instance.replace(communes=communes)
    with pytest.raises(TourneeError, match=r"lieux à relier.*au plus"):
        travel_for(instance)
