"""The planning core: every plan is checked by the independent validator, never by solver bookkeeping."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.check.validate import validate
from planner.domain.instance import Instance, Point, Role, Rules, TimeWindow
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.publish.plan_json import plan_to_dict
from planner.travel import travel_for
from tests.builders import MONDAY, bus, commune, person, small_instance

FAST = PlanOptions(time_limit=2.0)


def _checked(instance: Instance, options: PlanOptions = FAST):
    result = plan(instance, options)
    assert validate(instance, result, travel=travel_for(instance, options.roads)) == []
    return result


def _visits(result) -> Counter:
    return Counter(s.insee for _, s in result.sessions())


@st.composite
def instances(draw) -> Instance:
    """Small random territories: communes around a depot, random frequencies, hours and openings."""
    n = draw(st.integers(2, 7))
    freqs = st.sampled_from([2.0, 1.0, 0.5, 0.25, 0.0])
    communes = []
    for i in range(n):
        days = frozenset(draw(st.sets(st.integers(0, 4), min_size=1, max_size=5)))
        hours = draw(st.sampled_from([None, TimeWindow(9 * 60, 12 * 60 + 30), TimeWindow(13 * 60, 18 * 60)]))
        communes.append(
            commune(
                f"760{i:02d}",
                49.9 + draw(st.floats(-0.2, 0.2)),
                1.1 + draw(st.floats(-0.3, 0.3)),
                need=draw(st.integers(1, 500)),
                visits_per_week=draw(freqs),
                priority=draw(st.booleans()),
                open_days=days,
                open_hours=hours,
            )
        )
    units = [bus("b1", sessions_per_day=draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        units.append(bus("b2", depot=Point("Dépôt 2", 49.75, 1.3), lunch=None, days=frozenset({0, 2, 4})))
    staff = (
        person("d1", {Role.DOCTOR}),
        person("d2", {Role.DOCTOR}, max_week=2),
        person("c1", {Role.DRIVER, Role.DOCTOR}),
        person("c2", {Role.DRIVER}),
    )
    rules = Rules(
        start=MONDAY + timedelta(weeks=draw(st.integers(0, 60))),
        weeks=draw(st.integers(1, 5)),
        session_minutes=draw(st.sampled_from([120, 150, 180])),
    )
    return Instance("random", tuple(communes), tuple(units), staff, rules)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances_give_valid_plans(instance):
    """Whatever the territory, the plan passes every hard rule of the independent validator."""
    result = _checked(instance, PlanOptions(time_limit=1.0))
    visits = _visits(result)
    for c in instance.communes:
        if c.visits_per_week == 0:
            assert visits[c.insee] == 0


def test_small_instance_serves_all_need():
    """With enough capacity every commune gets its target, and no more."""
    instance = small_instance(weeks=4)
    result = _checked(instance)
    visits = _visits(result)
    assert visits == {"76001": 4, "76002": 4, "76003": 2, "76004": 1}
    assert result.kpis["need_served_share"] == 1.0
    assert not result.unserved


def test_short_capacity_serves_priority_then_need_and_explains():
    """One session a week for three communes: the priority zone first, the others listed with a reason."""
    communes = (
        commune("76001", 49.95, 1.15, need=500),
        commune("76002", 49.85, 1.20, need=50, priority=True),
        commune("76003", 49.92, 1.30, need=300),
    )
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    instance = Instance("short", communes, (unit,), small_instance().staff, Rules(start=MONDAY, weeks=2))
    result = _checked(instance)
    assert set(_visits(result)) == {"76002"}
    left = {u.insee: u for u in result.unserved}
    assert set(left) == {"76001", "76003"}
    assert left["76001"].reason.startswith("capacité : les 2 séances") and "passent avant elle" in left["76001"].reason


def test_weekly_visits_keep_weekday_and_time_and_skip_holidays():
    """A weekly commune comes back on the same weekday and start time; Christmas Day is skipped."""
    instance = small_instance(weeks=4, start=date(2026, 11, 30))
    result = _checked(instance)
    by_commune: dict[str, set] = {}
    for tour, s in result.sessions():
        assert tour.date != date(2026, 12, 25)
        by_commune.setdefault(s.insee, set()).add((tour.date.weekday(), s.start))
    assert all(len(slots) == 1 for slots in by_commune.values())
    assert result.kpis["regularity"] == 1.0


def test_twice_weekly_visits_respect_min_gap():
    """Two visits a week of one commune are at least `min_gap_days` apart."""
    communes = (commune("76001", 49.95, 1.15, visits_per_week=2), commune("76002", 49.85, 1.2))
    instance = Instance("gap", communes, (bus(),), small_instance().staff, Rules(start=MONDAY, weeks=2, min_gap_days=3))
    result = _checked(instance)
    dates = sorted(t.date for t, s in result.sessions() if s.insee == "76001")
    assert len(dates) == 4
    assert all((b - a).days >= 3 for a, b in itertools.pairwise(dates))


def test_site_opening_days_and_closures_are_respected():
    """A site open only on Thursdays is visited on Thursdays; closure dates get no tour."""
    closed = MONDAY + timedelta(days=3)
    communes = (commune("76001", 49.95, 1.15, open_days=frozenset({3})), commune("76002", 49.85, 1.2))
    rules = Rules(start=MONDAY, weeks=2, closures=frozenset({closed}))
    instance = Instance("open", communes, (bus(),), small_instance().staff, rules)
    result = _checked(instance)
    days = {t.date for t, s in result.sessions() if s.insee == "76001"}
    assert days == {MONDAY + timedelta(days=10)}
    assert all(t.date != closed for t in result.tours)


def test_same_inputs_same_plan():
    """Deterministic: the same instance and options give the same plan."""
    instance = small_instance(weeks=3)
    first, second = plan(instance, FAST), plan(instance, FAST)
    strip = lambda p: {k: v for k, v in plan_to_dict(p).items() if k not in ("solver_seconds", "created")}
    assert strip(first) == strip(second)


def test_greedy_baseline_also_gives_valid_plans():
    """The benchmark's baseline goes through the same roll-out and validator."""
    result = _checked(small_instance(weeks=4), PlanOptions(method="greedy"))
    assert result.tours


def test_options_are_checked():
    """Bad options fail early with a message naming the option."""
    with pytest.raises(ValueError, match="time_limit"):
        PlanOptions(time_limit=0)
    with pytest.raises(ValueError, match="method"):
        PlanOptions(method="magic")


def test_half_days_nobody_can_crew_get_no_session():
    """Drivers only offer Wednesday mornings: Wednesday afternoons are not planned, mornings are."""
    from planner.domain.instance import HalfDay

    week = frozenset((d, h) for d in range(5) for h in HalfDay if (d, h) != (2, HalfDay.AFTERNOON))
    staff = (person("d1", {Role.DOCTOR}), person("c1", {Role.DRIVER}, availability=week))
    communes = tuple(commune(f"7600{i}", 49.9 + i / 40, 1.1 + i / 40, visits_per_week=1) for i in range(6))
    instance = Instance("halves", communes, (bus(),), staff, Rules(start=MONDAY, weeks=1))
    result = _checked(instance)
    wednesday = [t for t in result.tours if t.date.weekday() == 2]
    assert wednesday, "the Wednesday morning can be crewed and should be planned"
    assert all(s.end <= 13 * 60 for t in wednesday for s in t.sessions)


def test_a_date_nobody_can_crew_gets_no_tour_and_its_visits_go_where_crews_are():
    """The only driver is off on the first Monday: no tour that day, and the pattern puts both
    weekly communes on Tuesdays, where every date can be crewed, so no visit is lost."""
    from planner.domain.instance import DateRange

    off = DateRange(MONDAY, MONDAY)
    staff = (person("d1", {Role.DOCTOR}), person("c1", {Role.DRIVER}, dates_off=(off,)))
    communes = (commune("76001", 49.95, 1.15), commune("76002", 49.93, 1.17))
    unit = bus(days=frozenset({0, 1}))
    instance = Instance("move", communes, (unit,), staff, Rules(start=MONDAY, weeks=2, min_gap_days=1))
    result = _checked(instance)
    assert MONDAY not in {t.date for t in result.tours}
    assert _visits(result) == {"76001": 2, "76002": 2}
    assert result.kpis["need_served_share"] == result.kpis["need_bound_share"] == 1.0


def test_a_tour_nobody_can_crew_moves_to_a_free_day_of_its_week():
    """A Monday tour whose crew is missing moves to the Tuesday of its week, with the same times."""
    from planner.crews.reschedule import propose_moves
    from planner.tours.day_routing import route_day

    communes = (commune("76001", 49.95, 1.15),)
    unit = bus(days=frozenset({0, 1}))
    instance = Instance("move", communes, (unit,), (), Rules(start=MONDAY, weeks=1, min_gap_days=1))
    travel = travel_for(instance)
    monday = route_day(unit, MONDAY, list(communes), session_minutes=180, travel=travel, time_step=15).tour
    [move] = propose_moves(instance, [monday], [monday.key], travel)
    assert move.new.date == MONDAY + timedelta(days=1)
    assert [s.start for s in move.new.sessions] == [s.start for s in monday.sessions]


def test_the_pattern_plans_no_more_tours_than_the_roster_can_crew():
    """The only doctor works one day a week: one tour a week is planned, for the neediest communes,
    and none is left without a crew."""
    staff = (person("d1", {Role.DOCTOR}, max_week=1), person("c1", {Role.DRIVER}))
    needs = (400, 300, 20, 10)
    communes = tuple(commune(f"7600{i}", 49.9 + i / 100, 1.1 + i / 100, need=n) for i, n in enumerate(needs))
    instance = Instance("short", communes, (bus(),), staff, Rules(start=MONDAY, weeks=2))
    result = _checked(instance)
    per_week = Counter(instance.rules.week_index(t.date) for t in result.tours)
    assert per_week == {0: 1, 1: 1}
    assert not any("sans équipe" in w or "aucun" in w for w in result.warnings)
    assert set(_visits(result)) == {"76000", "76001"}


def test_the_same_territory_gives_the_same_plan_in_processes_with_other_string_hashing(tmp_path):
    """Same inputs, same plan in every process: `PYTHONHASHSEED` changes the order of sets of strings,
    which must never reach a model (CC Andaine-Passais gave two plans when it did)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    territory = Path(__file__).parent / "data" / "andaine-passais"
    options = tmp_path / "options.toml"
    options.write_text("[solver]\ntime_limit = 2.0\nthreads = 1\n", encoding="utf-8")
    plans = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        command = [
            sys.executable,
            "-m",
            "planner.cli",
            "plan",
            str(territory),
            "--options",
            str(options),
            "--out",
            str(out),
        ]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        data.pop("solver_seconds")
        plans.append(data)
    assert plans[0] == plans[1]
