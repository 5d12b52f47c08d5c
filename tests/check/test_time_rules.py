"""Published times on a grid (`Rules.time_step`) and shifts with their set-up time
(`Rules.setup_minutes`): the routing, the fixed places, the scenario file and the validator."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from planner.check.validate import validate
from planner.domain.errors import InputError
from planner.domain.french import hhmm
from planner.domain.instance import Instance, Role, TimeWindow
from planner.domain.plan import Plan, Tour, shift_times
from planner.domain.travel_matrix import TravelMatrix
from planner.inputs import load_territory
from planner.tours.day_routing import fixed_session_times, route_day
from planner.tours.pattern_problem import build_problem, neighbours
from planner.travel import travel_for
from tests.support import builders, plan_builders
from tests.support.builders import MONDAY
from tests.support.paths import TINY

CREW = {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]}


def routed(instance: Instance, insees: list[str], *, max_drive: int | None = None):
    """bus1's Monday through ``insees``, timed by the day routing with the instance's grid."""
    return route_day(
        instance.unit("bus1"), MONDAY, [instance.commune(i) for i in insees], session_minutes=180,
        travel=travel_for(instance), time_step=instance.rules.time_step, max_drive=max_drive,
    )  # fmt: skip


def one_tour_plan(instance: Instance, tour: Tour, shifts=None) -> Plan:
    shifts = plan_builders.crew_shifts(tour, CREW, instance.rules) if shifts is None else shifts
    return Plan(instance.name, instance.rules.start, instance.rules.weeks, (tour,), tuple(shifts))


def violations(instance: Instance, plan: Plan, rule: str) -> list[str]:
    return [v.message for v in validate(instance, plan) if v.rule == rule]


@pytest.mark.parametrize("step", [15, 30])
def test_a_routed_day_is_on_the_grid_and_valid(step, make_small_instance):
    """Both sessions start and end on the grid; the drives and the lunch break still hold (the whole
    validator passes, TRAVEL and LUNCH included)."""
    instance = make_small_instance(time_step=step)
    tour = routed(instance, ["76001", "76002"]).tour
    assert len(tour.sessions) == 2
    assert all(t % step == 0 for s in tour.sessions for t in (s.start, s.end))
    assert validate(instance, one_tour_plan(instance, tour)) == []


def test_fixed_place_sessions_start_on_the_grid(bus, small_instance):
    """A day from 08:10 with lunch until 13:20: sessions at 08:15 and 13:30, not 08:10 and 13:20."""
    unit = replace(bus(), hours=TimeWindow(8 * 60 + 10, 17 * 60 + 30), lunch=TimeWindow(12 * 60 + 20, 13 * 60 + 20))
    rules = small_instance.rules
    assert fixed_session_times(unit, rules) == [(8 * 60 + 15, 11 * 60 + 15), (13 * 60 + 30, 16 * 60 + 30)]
    assert fixed_session_times(unit, replace(rules, time_step=1)) == [(490, 670), (800, 980)]


def test_a_shift_is_the_work_with_its_set_up_rounded_outward(small_instance):
    """15 min of set-up before and after, start rounded down and end up to the 15-min grid."""
    rules = small_instance.rules
    assert rules.shift_span(8 * 60 + 37, 16 * 60 + 41) == (8 * 60 + 15, 17 * 60)
    assert replace(rules, setup_minutes=0, time_step=1).shift_span(517, 1001) == (517, 1001)


def test_time_grid_reports_a_session_off_the_grid(small_instance, make_small_instance):
    """A session moved by 5 minutes breaks TIME_GRID, which names the place, the date and the times."""
    instance = small_instance
    tour = routed(instance, ["76001", "76002"]).tour
    first = tour.sessions[0]
    moved = replace(first, start=first.start + 5, end=first.end + 5, departure=first.departure + 5)
    plan = one_tour_plan(instance, replace(tour, sessions=(moved, *tour.sessions[1:])))
    [message] = violations(instance, plan, "TIME_GRID")
    assert message.startswith(f"Bus bus1, lundi 4 janv. 2027, séance à Commune {moved.insee} ({hhmm(moved.start)}-")
    assert "hors de la grille de 15 min" in message
    assert violations(make_small_instance(time_step=1), plan, "TIME_GRID") == []  # no grid, nothing to say


def test_time_grid_reports_a_shift_off_the_grid(small_instance, crew_shifts):
    instance = small_instance
    tour = routed(instance, ["76001", "76002"]).tour
    shifts = crew_shifts(tour, CREW, instance.rules)
    shifts[0] = replace(shifts[0], start=shifts[0].start + 5)
    plan = one_tour_plan(instance, tour, shifts)
    [message] = violations(instance, plan, "TIME_GRID")
    assert message.startswith("Dr D1 Exemple (exemple), Bus bus1, lundi 4 janv. 2027 : service ")
    assert "SHIFT_TIMES" in {v.rule for v in validate(instance, plan)}


def test_a_shift_without_its_set_up_breaks_shift_times(make_small_instance, crew_shifts):
    """Shifts from depot to depot only (no set-up), even on the grid, break SHIFT_TIMES, which says
    what was expected."""
    instance = make_small_instance(time_step=1)
    tour = routed(instance, ["76001", "76002"]).tour
    bare = [replace(s, start=tour.leave_depot, end=tour.back_at_depot) for s in crew_shifts(tour, CREW, instance.rules)]
    found = violations(instance, one_tour_plan(instance, tour, bare), "SHIFT_TIMES")
    start, end = shift_times(tour, None, instance.rules)
    assert len(found) == 2
    assert f"attendu : {hhmm(start)}-{hhmm(end)} (15 min de mise en place avant et après" in found[0]


def test_sessions_farther_apart_than_the_limit_never_follow_each_other(commune, small_instance, bus):
    """Two communes 47 min apart on either side of the depot: without a limit the day holds both;
    with `max_drive_between_sessions` = 30 one is dropped and reported, never driven to."""
    west, east = commune("76001", 49.90, 0.85, need=300), commune("76002", 49.90, 1.35, need=200)
    instance = small_instance.replace(communes=(west, east), units=(bus(hours=TimeWindow(8 * 60, 18 * 60)),))
    free = routed(instance, ["76001", "76002"]).tour
    assert len(free.sessions) == 2
    assert "DRIVE_BETWEEN_SESSIONS" in {v.rule for v in validate(instance, one_tour_plan(instance, free))}
    limited = routed(instance, ["76001", "76002"], max_drive=30)
    assert len(limited.tour.sessions) == 1 and limited.dropped == ("76002",)  # the smaller need goes
    assert validate(instance, one_tour_plan(instance, limited.tour)) == []


def test_scenario_sets_the_grid_and_the_set_up(tmp_path):
    """`[rules] time_step` and `setup_minutes` are read from scenario.toml (defaults 15 and 15)."""
    assert (load_territory(TINY).rules.time_step, load_territory(TINY).rules.setup_minutes) == (15, 15)
    folder = tmp_path / "terr"
    shutil.copytree(TINY, folder)
    scenario = folder / "scenario.toml"
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(
        text.replace("session_minutes = 180", "session_minutes = 180\ntime_step = 30\nsetup_minutes = 20"),
        encoding="utf-8",
    )
    rules = load_territory(folder).rules
    assert (rules.time_step, rules.setup_minutes) == (30, 20)


def test_sessions_that_fit_only_off_the_grid_are_refused(tmp_path):
    """Two 210-min sessions fit 08:35-16:35 minus lunch to the minute (420 min) but not once the
    hours are rounded inward to the grid (08:45-16:30: 405 min): refused at load time."""
    folder = tmp_path / "terr"
    shutil.copytree(TINY, folder)
    scenario = folder / "scenario.toml"
    text = scenario.read_text(encoding="utf-8").replace("session_minutes = 180", "session_minutes = 210")
    scenario.write_text(text.replace('hours = "08:30-17:30"', 'hours = "08:35-16:35"'), encoding="utf-8")
    with pytest.raises(InputError, match="2 séance\\(s\\) de 210 min ne tiennent pas dans 08:35-16:35 \\(405 min"):
        load_territory(folder)
    scenario.write_text(text.replace('hours = "08:30-17:30"', 'hours = "08:30-16:30"'), encoding="utf-8")
    assert load_territory(folder).rules.session_minutes == 210


def test_rules_refuse_a_step_that_does_not_divide_the_hour(make_small_instance):
    with pytest.raises(ValueError, match="pas horaire de 25 min : il doit diviser l'heure"):
        make_small_instance(time_step=25)


def _two_stop_day(time_step: int):
    """bus1's depot, A 47 min out, B 9 min on from A and 47 min back: two sessions fit to the minute
    (47 + 180 leaves 13 min before lunch for the 9-min hop), not on a 15-min grid (the drive out
    takes 4 steps, the morning has no slack left, and after lunch 15 + 180 + 60 > 240)."""
    a, b = builders.commune("76001", 49.95, 1.15), builders.commune("76002", 49.96, 1.16)
    instance = replace(builders.small_instance(time_step=time_step), communes=(a, b))
    unit = instance.unit("bus1")
    minutes = np.array([[0, 47, 47], [47, 0, 9], [47, 9, 0]], dtype=float)
    travel = TravelMatrix((unit.depot, a.site.point, b.site.point), minutes, minutes, "estimate", "test")
    near = neighbours(build_problem(instance, travel))["bus1", "76001"]
    day = route_day(unit, MONDAY, [a, b], session_minutes=180, travel=travel, time_step=time_step)
    return near, day


def test_the_pattern_pairs_sessions_as_the_timed_day_does():
    """Whether B may follow A in the weekly pattern agrees with the day's timing, grid included: on a
    15-min grid the pattern no longer plans a day the roll-out must cut (on the Orne département,
    9 sessions were dropped that way)."""
    near, day = _two_stop_day(1)
    assert "76002" in near and day.dropped == ()
    near, day = _two_stop_day(15)
    assert "76002" not in near and len(day.dropped) == 1
