"""Priority inversions: a priority commune left out while a session it could take serves less need."""

from __future__ import annotations

from planner.domain.instance import Instance, Role, Rules
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.results.inversions import BLOCK_COMPACT, BLOCK_SITE, blocking_rules, inversions, priority_swaps
from planner.travel import travel_for
from tests.support import builders, plan_builders
from tests.support.builders import MONDAY
from tests.support.plan_builders import MORNING


def _case(priority_days=frozenset(range(7)), priority_at=(49.93, 1.12)):
    low = builders.commune("76001", 49.92, 1.11, need=100)
    high = builders.commune("76002", *priority_at, need=500, priority=True, open_days=priority_days)
    instance = Instance("inv", (low, high), (builders.bus(),), (), Rules(start=MONDAY, weeks=1))
    tour = plan_builders.make_tour("bus1", MONDAY, [("76001", *MORNING)])
    return instance, [tour]


def test_a_session_the_priority_commune_could_take_is_an_inversion():
    instance, tours = _case()
    swaps = priority_swaps(instance, tours, travel_for(instance))
    assert [(s.insee, s.holder, s.blocked_by) for s in swaps] == [("76002", "76001", None)]
    assert inversions(swaps) == 1


def test_a_swap_a_rule_forbids_is_not_an_inversion_and_says_the_rule():
    instance, tours = _case(priority_days=frozenset({2}))  # its site opens on Wednesdays only
    swaps = priority_swaps(instance, tours, travel_for(instance))
    assert inversions(swaps) == 0
    assert blocking_rules(swaps, "76002") == [(BLOCK_SITE, 1)]


def test_a_priority_commune_far_from_the_day_s_other_session_is_blocked_by_the_compact_day(make_tour):
    instance, _ = _case(priority_at=(49.75, 1.35))  # in reach of the depot, 30+ min from 76001
    tour = make_tour("bus1", MONDAY, [("76001", *MORNING), ("76001", 14 * 60, 17 * 60)])
    swaps = priority_swaps(instance, [tour], travel_for(instance))
    assert inversions(swaps) == 0 and swaps and all(s.blocked_by == BLOCK_COMPACT for s in swaps)


def test_the_planner_leaves_no_inversion(bus, commune, person):
    """Three weekly slots for six communes, two of them in priority zones with little need: both are
    served, and the KPI says so."""
    unit = bus(days=frozenset({0, 1, 2}), sessions_per_day=1)
    communes = [commune(f"7600{i}", 49.9 + i / 80, 1.1 + i / 90, need=100 * (i + 1), priority=i < 2) for i in range(6)]
    staff = (person("d1", {Role.DOCTOR}), person("c1", {Role.DRIVER}))
    instance = Instance("inv", tuple(communes), (unit,), staff, Rules(start=MONDAY, weeks=2))
    result = plan(instance, PlanOptions(time_limit=2))
    served = {s.insee for _, s in result.sessions()}
    assert {"76000", "76001"} <= served
    assert result.kpis["inversions"] == 0
