"""Every bus day given its communes at once (planner/crews/day_sets.py): the plan stays valid,
serves more, priority zones first, and a plan the pass made is one it cannot better."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner import PlanOptions, load_territory, plan, validate
from planner.crews.day_sets import _DayClock, regroup_days
from planner.planning.pipeline import assemble
from planner.results.kpis import Targets, need_shares
from planner.tours.day_routing import route_day_by_rules
from planner.travel import travel_for
from tests.support.paths import ROOT

GREEDY = PlanOptions(time_limit=1, method="greedy")


def _one_week(name: str):
    instance = load_territory(name)
    return instance.replace(rules=replace(instance.rules, weeks=1))


def test_every_day_at_once_serves_more_than_the_greedy_week_validly():
    instance = _one_week("doctobus-evreux")
    travel = travel_for(instance, "estimate")
    targets = Targets.of(instance, travel)
    greedy = plan(instance, GREEDY)
    tours, shifts, changed = regroup_days(instance, greedy.tours, greedy.shifts, travel, targets.visits)
    assert changed > 0
    regrouped = assemble(instance, tours, tuple(shifts), travel, [], 0.0)
    assert validate(instance, regrouped) == []
    before, after = need_shares(instance, greedy.tours, targets), need_shares(instance, tours, targets)
    assert after.need > before.need
    assert {t.key for t in tours} == {t.key for t in greedy.tours}  # the same bus days, the same crews
    assert {(s.tour_key, s.staff_id) for s in shifts} == {(s.tour_key, s.staff_id) for s in greedy.shifts}
    # what it chose is the best it can find: a second pass changes nothing
    assert regroup_days(instance, tours, shifts, travel, targets.visits)[2] == 0


def test_the_day_sieve_never_turns_away_a_day_the_routing_can_time():
    """Every pair of communes (and every commune alone) the day's routing times within the working day
    is let through by the quick sieve: it only spares the routing sets that cannot fit."""
    instance = load_territory("medicobus-dieppe")
    travel = travel_for(instance, "estimate")
    unit = next(u for u in instance.units if u.sessions_per_day == 2)
    day = instance.rules.dates()[0]
    communes = [instance.commune(insee) for insee in sorted(Targets.of(instance, travel).visits)][:14]
    clock = _DayClock(instance, travel, unit, communes)
    one, two = clock.one_fits(), clock.two_fit()
    timed = 0
    for i, a in enumerate(communes):
        alone = route_day_by_rules(unit, day, [a], instance.rules, travel=travel)
        if alone.tour is not None and not alone.dropped:
            assert one[i], a.name
        for j in range(i + 1, len(communes)):
            b = communes[j]
            both = route_day_by_rules(unit, day, [a, b], instance.rules, travel=travel)
            if both.tour is not None and not both.dropped and len(both.tour.sessions) == 2:
                timed += 1
                assert two[i, j] and two[j, i], (a.name, b.name)
    assert timed > 0  # the test saw days that fit


@pytest.mark.slow
def test_meuse_week_reaches_the_bound_of_its_priority_zones():
    """Meuse-390's week: its best plan is four buses' whole days away from what the swaps reach
    (docs/architecture.md, « Every day at once »); chosen all at once, the plan serves the most any
    valid plan can in its priority zones (the bound of the rules), and says what the pass did."""
    instance = _one_week(str(ROOT / "bench" / "data" / "unseen" / "meuse-390"))
    result = plan(instance, PlanOptions(compare_half_budget=False))
    assert validate(instance, result) == []
    assert result.kpis["priority_need_served_share"] >= result.kpis["priority_bound_share"] - 1e-4
    assert any("recomposée(s) toutes ensemble" in w for w in result.warnings)
