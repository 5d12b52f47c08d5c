"""The greedy start of the rota (planner.crews.rota_start): who comes first for a shift."""

from __future__ import annotations

from planner.crews.rota_rules import build
from planner.crews.rota_start import Greedy
from planner.domain.instance import Point, Role
from tests.support.rota import day, instance_of, tour


def test_the_greedy_start_of_a_large_rota_sends_the_nearer_of_two_equal_people(person, bus):
    """A large rota keeps most of its greedy start: of two doctors with the same offer, the one
    living by the depot comes before the one 60 km away (on the Orne département, the median
    distance from home fell from 22.9 to 15.5 km)."""
    depot = bus().depot
    near = person("dn", {Role.DOCTOR}, home=Point("près", depot.lat, depot.lon))
    far = person("df", {Role.DOCTOR}, home=Point("loin", depot.lat + 0.54, depot.lon))
    instance = instance_of([far, near, person("c1", {Role.DRIVER})])
    tours = [tour("bus1", day(0, 0))]
    rm, _ = build(instance, tours)

    def ranked(*, large: bool) -> list[str]:
        greedy = Greedy(rm, set(), large)
        return [p.id for p in sorted([far, near], key=lambda p: greedy.score(p, tours[0], Role.DOCTOR))]

    assert ranked(large=False) == ["df", "dn"]  # a small rota is solved whole: its start keeps to fairness and ids
    assert ranked(large=True) == ["dn", "df"]
