"""Where a study puts the units it adds (planner.studies.depots, planner.studies.scenario_files)."""

from __future__ import annotations

from planner import load_territory
from planner.domain.instance import Point
from planner.inputs import parse_territory
from planner.studies.depots import choose_depots
from planner.studies.grid import ScenarioParameters
from planner.studies.scenario_files import read_territory_texts, scenario_files


def test_an_added_depot_goes_to_the_large_town_nearest_the_need(commune):
    """West: eleven towns, little need; east: villages with all the need, one of them the tenth largest
    commune (4,000). Only the ten largest may host a depot: that village wins, not a nearer, smaller one."""
    west = [commune(f"760{i:02d}", 49.9 + 0.01 * i, 1.0, need=1, population=9000 - i) for i in range(9)]
    east_town = commune("76100", 49.9, 1.55, need=10, population=4000)
    villages = [commune(f"762{i:02d}", 49.9 + 0.01 * i, 1.62, need=500, population=100) for i in range(5)]
    communes = [*west, east_town, *villages]
    assert choose_depots(communes, [Point("Dépôt", 49.9, 1.0)], 1) == [east_town]
    assert choose_depots(communes, [], 1) == [east_town]  # no fixed depot: the same
    second = choose_depots(communes, [], 2)[1]
    assert second in west  # another of the ten largest


def test_an_added_fixed_place_serves_its_own_commune():
    """Orne's five consultation places, and a sixth: a fixed place at a new town, serving that town."""
    orne = read_territory_texts("orne-solidarite")
    files = scenario_files(orne, ScenarioParameters(6))
    instance = parse_territory(files.communes_csv, files.roster_csv, files.scenario_toml, name="orne-6")
    own = [u.places for u in load_territory("orne-solidarite").units]
    added = instance.units[-1]
    assert [u.places for u in instance.units[:5]] == own
    assert added.id == "passais-6" and added.kind.value == "fixed"
    assert len(added.places) == 1 and added.places not in own
    assert instance.commune(added.places[0]).name == added.depot.name
