"""The weekly pattern's rules, one by one, on tiny hand-built territories."""

from __future__ import annotations

from planner.domain.instance import Instance, Point, Rules, TimeWindow
from planner.tours.greedy_pattern import greedy_pattern
from planner.tours.pattern_problem import (
    MAX_UNITS_PER_COMMUNE,
    NEAREST_WEEKS,
    build_problem,
    period_of,
    reachable,
    units_for,
    visits_per_period,
)
from planner.tours.pattern_search import solve_pattern
from planner.travel import travel_for
from tests.support import builders
from tests.support.builders import MONDAY


def _instance(communes, unit=None, **rules) -> Instance:
    return Instance("t", tuple(communes), (unit or builders.bus(),), (), Rules(start=MONDAY, weeks=4, **rules))


def _solve(instance, **kwargs):
    problem = build_problem(instance, travel_for(instance), **kwargs)
    return problem, solve_pattern(problem, time_limit=2.0, hint=greedy_pattern(problem))


def test_frequency_words_map_to_periods():
    """Weekly or more is a 1-week period; fortnightly 2; monthly 4; twice a week is 2 visits a period."""
    assert [period_of(v) for v in (2, 1, 0.5, 0.25)] == [1, 1, 2, 4]
    assert [visits_per_period(v) for v in (2, 1, 0.5, 0.25)] == [2, 1, 1, 1]


def test_slot_capacity_one_commune_per_slot_and_week(bus, commune):
    """Two weekly communes and a single weekly slot: only one gets it."""
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    instance = _instance([commune("76001", 49.95, 1.15, need=300), commune("76002", 49.85, 1.2, need=100)], unit)
    _, pattern = _solve(instance)
    assert [v.insee for v in pattern.visits] == ["76001"]


def test_fortnightly_communes_share_a_slot_on_alternate_weeks(bus, commune):
    """Two fortnightly communes fit one weekly slot, in phases 0 and 1."""
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    communes = [commune("76001", 49.95, 1.15, visits_per_week=0.5), commune("76002", 49.85, 1.2, visits_per_week=0.5)]
    _, pattern = _solve(_instance(communes, unit))
    assert sorted(v.phase for v in pattern.visits) == [0, 1]


def test_no_over_serving(commune):
    """A monthly commune gets one visit in the 4-week cycle even when slots are free."""
    _, pattern = _solve(_instance([commune("76001", 49.95, 1.15, visits_per_week=0.25)]))
    assert len(pattern.visits) == 1 and pattern.visits[0].period == 4


def test_min_gap_between_visits_of_a_twice_weekly_commune(commune):
    """With a 3-day gap, Monday + Thursday is fine, Monday + Tuesday is not."""
    _, pattern = _solve(_instance([commune("76001", 49.95, 1.15, visits_per_week=2)], min_gap_days=3))
    days = sorted(v.slot.weekday for v in pattern.visits)
    assert len(days) == 2
    gap = days[1] - days[0]
    assert min(gap, 7 - gap) >= 3


def test_compact_days_keep_far_communes_on_different_days(commune):
    """Two communes 40+ minutes apart are never the morning and afternoon of the same day."""
    communes = [commune("76001", 49.95, 1.15), commune("76002", 49.75, 0.85)]
    _, pattern = _solve(_instance(communes, max_drive_between_sessions=30))
    days = {v.insee: v.slot.weekday for v in pattern.visits}
    assert len(days) == 2 and days["76001"] != days["76002"]


def test_site_opening_days_limit_the_slots(commune):
    """A site open on Wednesdays only may take Wednesday slots only."""
    instance = _instance([commune("76001", 49.95, 1.15, open_days=frozenset({2}))])
    problem = build_problem(instance, travel_for(instance))
    assert {s.weekday for s in problem.allowed["76001"]} == {2}


def test_site_hours_too_short_for_a_session_exclude_it(commune):
    """A site open two hours a day cannot host a three-hour session."""
    c = commune("76001", 49.95, 1.15, open_hours=TimeWindow(9 * 60, 11 * 60))
    instance = _instance([c])
    problem = build_problem(instance, travel_for(instance))
    assert problem.allowed["76001"] == ()


def test_communes_out_of_reach_get_no_slot(commune):
    """A commune too far for a session and the drive to fit in a morning or an afternoon is left out."""
    far = commune("76002", 49.40, 1.9)  # about 1 h 40 from the depot
    instance = _instance([commune("76001", 49.95, 1.15), far])
    problem = build_problem(instance, travel_for(instance))
    assert problem.allowed["76002"] == () and problem.allowed["76001"]


def test_a_site_the_matrix_lacks_is_out_of_reach(commune):
    """Maripasoula and Saül (French Guiana) have no road: the matrix leaves them out, and every step
    that asks whether a bus reaches them hears no (the free-days step once raised instead)."""
    instance = _instance([commune("76001", 49.95, 1.15)])
    travel = travel_for(instance)
    roadless = commune("97353", 3.64, -54.03)
    assert roadless.site.point not in travel
    assert not reachable(instance, travel, instance.units[0], roadless)
    assert reachable(instance, travel, instance.units[0], instance.communes[0])


def _four_buses(bus, commune, *, cluster: int = 0):
    """Four buses that all reach a commune and a priority-zone commune side by side (the fourth the
    farthest), and ``cluster`` communes (in priority zones) beside each of the two farthest depots."""
    depots = [(49.93, 1.10), (49.90, 1.25), (49.80, 1.05), (49.75, 1.30)]
    units = tuple(bus(f"bus{i}", depot=Point(f"dépôt {i}", lat, lon)) for i, (lat, lon) in enumerate(depots))
    plain, priority = commune("76001", 49.88, 1.15), commune("76002", 49.87, 1.16, priority=True)
    own = tuple(
        commune(f"76{100 * n + i}", lat - 0.01 + 0.002 * i, lon + 0.01, priority=True)
        for n, (lat, lon) in ((2, depots[2]), (3, depots[3]))
        for i in range(cluster)
    )
    instance = Instance("t", (plain, priority, *own), units, (), Rules(start=MONDAY, weeks=4))
    travel = travel_for(instance)
    assert all(reachable(instance, travel, u, c) for u in units for c in (plain, priority))
    drive = travel.minutes_between([u.depot for u in units], [priority.site.point])[:, 0]
    assert max(range(len(units)), key=lambda i: drive[i]) == 3
    return instance, travel, plain, priority


def test_a_priority_zone_commune_is_offered_every_unit_in_reach(bus, commune):
    """Four buses reach both communes, and the two farthest have enough communes of their own nearer
    them: the commune in a priority zone may be served by every bus, the other by its 2 nearest
    (the model's cut; priority zones come first)."""
    weeks_of_sessions = NEAREST_WEEKS * len(builders.bus().days) * builders.bus().sessions_per_day
    instance, travel, plain, priority = _four_buses(bus, commune, cluster=weeks_of_sessions)
    assert MAX_UNITS_PER_COMMUNE == 2
    assert {u.id for u in units_for(instance, travel, plain)} == {"bus0", "bus1"}
    assert {u.id for u in units_for(instance, travel, priority)} == {u.id for u in instance.units}


def test_a_bus_is_offered_its_nearest_communes_though_others_are_nearer_them(bus, commune):
    """The same four buses with no commune of the fourth's own: both communes are among its nearest,
    so it is offered them beyond the cut — a bus whose communes are all nearer other buses could
    otherwise take over none of their days (docs/architecture.md, "The cut, both ways")."""
    instance, travel, plain, priority = _four_buses(bus, commune)
    every_bus = {u.id for u in instance.units}
    assert {u.id for u in units_for(instance, travel, plain)} == every_bus
    assert {u.id for u in units_for(instance, travel, priority)} == every_bus


def test_unstaffable_weekdays_get_no_slot(commune):
    """A weekday the roster cannot staff is left out of the pattern."""
    instance = _instance([commune("76001", 49.95, 1.15)])
    problem = build_problem(instance, travel_for(instance), crews=lambda unit, day, session: int(day.weekday() != 0))
    assert all(s.weekday != 0 for s in problem.slots)


def test_priority_zone_comes_before_higher_need(bus, commune):
    """A priority-zone commune with little need beats a bigger need outside the zone for the last slot."""
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    communes = [commune("76001", 49.95, 1.15, need=900), commune("76002", 49.85, 1.2, need=10, priority=True)]
    _, pattern = _solve(_instance(communes, unit))
    assert [v.insee for v in pattern.visits] == ["76002"]


def test_greedy_respects_capacity_and_targets(commune):
    """The baseline never puts two communes in one slot-week nor exceeds a target."""
    communes = [commune(f"760{i:02d}", 49.9 + i / 100, 1.1, visits_per_week=0.5) for i in range(12)]
    instance = _instance(communes)
    problem = build_problem(instance, travel_for(instance))
    pattern = greedy_pattern(problem)
    seen = set()
    for v in pattern.visits:
        for week in range(pattern.cycle_weeks):
            if v.in_cycle_week(week):
                assert (v.slot, week) not in seen
                seen.add((v.slot, week))
    assert len({v.insee for v in pattern.visits}) == len(pattern.visits)


def test_need_tolerance_trades_a_little_need_for_much_less_driving(bus, commune):
    """Need 100 far away or need 99 next door: strictly need-first takes the far one; 5 % tolerance the near one."""
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    far, near = commune("76001", 50.15, 1.45, need=100), commune("76002", 49.91, 1.11, need=99)
    picks = {}
    for tolerance in (0, 5):
        _, pattern = _solve(_instance([far, near], unit, need_tolerance_percent=tolerance))
        picks[tolerance] = [v.insee for v in pattern.visits]
    assert picks == {0: ["76001"], 5: ["76002"]}
