"""Sessions exchanged between bus days to drive less (planner/crews/session_exchanges.py): the plan
stays valid, every commune keeps its visits in every week, every day its crew, and the weekly
pattern stays one."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from planner import validate
from planner.crews.session_exchanges import exchange_sessions
from planner.domain.instance import CommuneClosure, Instance, Pin, Role, Rules
from planner.domain.plan import Tour
from planner.planning.pipeline import assemble
from planner.results.kpis import Targets
from planner.tours.day_routing import route_day_by_rules
from planner.travel import travel_for
from tests.support import builders
from tests.support.plan_builders import crew_shifts

WEST = ("76030", "76031")  # west of the depot, beside each other
EAST = ("76032", "76033")  # east of it, beside each other, within 30 minutes of the west ones


def _crossed(pins: tuple[Pin, ...] = ()):
    """One bus on Mondays and Tuesdays for two weeks; each day pairs a west commune with an east one
    (valid: they are within 30 minutes), crewed by a doctor and a driver of its own."""
    communes = (
        builders.commune(WEST[0], 49.90, 1.00),
        builders.commune(WEST[1], 49.91, 1.00),
        builders.commune(EAST[0], 49.90, 1.20),
        builders.commune(EAST[1], 49.91, 1.20),
    )
    unit = builders.bus(days=frozenset({0, 1}))
    staff = tuple(builders.person(p, {Role.DOCTOR}) for p in ("d1", "d2")) + tuple(
        builders.person(p, {Role.DRIVER}) for p in ("c1", "c2")
    )
    rules = Rules(start=builders.MONDAY, weeks=2, pins=pins)
    instance = Instance("echanges", communes, (unit,), staff, rules)
    travel = travel_for(instance, "estimate")
    by_code = {c.insee: c for c in communes}
    tours, shifts = [], []
    for week in range(2):
        for offset, pair, crew in ((0, (WEST[0], EAST[0]), ("d1", "c1")), (1, (WEST[1], EAST[1]), ("d2", "c2"))):
            day = rules.start + timedelta(days=7 * week + offset)
            timed = route_day_by_rules(unit, day, [by_code[c] for c in pair], rules, travel=travel).tour
            assert timed is not None
            tour = Tour(unit.id, day, timed.leave_depot, timed.back_at_depot, timed.sessions, timed.drive_minutes,
                        timed.drive_km)  # fmt: skip
            tours.append(tour)
            shifts += crew_shifts(tour, {Role.DOCTOR: [crew[0]], Role.DRIVER: [crew[1]]}, rules)
    return instance, travel, tours, shifts


def _exchanged(instance, travel, tours, shifts):
    before = assemble(instance, tours, tuple(shifts), travel, [], 0.0)
    assert validate(instance, before) == []
    new_tours, new_shifts, done = exchange_sessions(
        instance, tours, shifts, travel, Targets.of(instance, travel).visits
    )
    after = assemble(instance, new_tours, tuple(new_shifts), travel, [], 0.0)
    return before, after, done


def _days(plan) -> dict[str, set[str]]:
    return {t.key: {s.insee for s in t.sessions} for t in plan.tours}


def test_two_days_that_each_pair_a_west_and_an_east_commune_become_a_west_day_and_an_east_day():
    instance, travel, tours, shifts = _crossed()
    before, after, done = _exchanged(instance, travel, tours, shifts)
    assert validate(instance, after) == []
    assert done.kept == 1 and done.minutes_saved > 0
    per_week = f"{done.minutes_saved / 2:.1f}".replace(".", ",")
    assert done.text(2) == (
        "1 échange(s) de séances entre deux journées de bus (mêmes communes, mêmes semaines, mêmes équipes) : "
        f"{per_week} min de route en moins par semaine."
    )
    assert sorted(sorted(d) for d in _days(after).values()) == [sorted(WEST)] * 2 + [sorted(EAST)] * 2
    mondays = [d for key, d in _days(after).items() if key.endswith(("01-04", "01-11"))]
    assert mondays[0] == mondays[1]  # the same exchange in both weeks: still a weekly pattern
    assert after.kpis["drive_minutes_per_week"] < before.kpis["drive_minutes_per_week"]
    assert after.kpis["drive_minutes_per_week"] == round(
        before.kpis["drive_minutes_per_week"] - done.minutes_saved / instance.rules.weeks, 1
    )
    assert after.kpis["need_served_share"] == before.kpis["need_served_share"]
    visits = Counter((s.insee, instance.rules.week_index(t.date)) for t in after.tours for s in t.sessions)
    assert visits == Counter((s.insee, instance.rules.week_index(t.date)) for t in before.tours for s in t.sessions)
    crews = {key: {s.staff_id for s in after.shifts if s.tour_key == key} for key in _days(after)}
    assert crews == {key: {s.staff_id for s in before.shifts if s.tour_key == key} for key in _days(before)}


def test_a_pinned_session_stays_on_its_weekday():
    """The coordinator pinned both Monday communes to Mondays: either exchange would move one to
    Tuesday, so nothing changes."""
    instance, travel, tours, shifts = _crossed((Pin(EAST[0], 0), Pin(WEST[0], 0)))
    _, after, done = _exchanged(instance, travel, tours, shifts)
    assert done.kept == 0 and _days(after) == {t.key: {s.insee for s in t.sessions} for t in tours}


def test_an_exchange_that_one_week_cannot_take_is_made_in_no_week():
    """Both Monday communes are closed on the second Tuesday only: either exchange fails there, so the
    first week keeps its days too (the weekly pattern is not split) and nothing changes."""
    instance, travel, tours, shifts = _crossed()
    second_tuesday = instance.rules.start + timedelta(days=8)
    closures = tuple(CommuneClosure(c, frozenset({second_tuesday})) for c in (EAST[0], WEST[0]))
    closed = instance.replace(rules=replace(instance.rules, commune_closures=closures))
    _, after, done = _exchanged(closed, travel, tours, shifts)
    assert done.kept == 0 and _days(after) == {t.key: {s.insee for s in t.sessions} for t in tours}


def test_a_week_with_a_closure_date_keeps_its_days():
    """The scenario closes the second Wednesday: that week's visits may have been moved around it,
    and the summary says where, so its days stay as they are; the first week's are exchanged."""
    instance, travel, tours, shifts = _crossed()
    second_wednesday = instance.rules.start + timedelta(days=9)
    closed = instance.replace(rules=replace(instance.rules, closures=frozenset({second_wednesday})))
    before, after, done = _exchanged(closed, travel, tours, shifts)
    assert validate(closed, after) == [] and done.kept == 1

    def week(plan, index: int) -> list[list[str]]:
        days = [t for t in plan.tours if closed.rules.week_index(t.date) == index]
        return sorted(sorted(s.insee for s in t.sessions) for t in days)

    assert week(after, 0) == [sorted(WEST), sorted(EAST)]
    assert week(after, 1) == week(before, 1) != week(after, 0)
