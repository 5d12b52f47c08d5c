"""The runs of the rota over its whole horizon (planner.crews.rota_whole), seen through
`assign_crews`: the crewing run under the hard rules crews what the greedy start and the windows
leave short."""

from __future__ import annotations

from planner.check.validate import validate
from planner.crews.rota_rules import build
from planner.crews.rota_search import SMALL_MODEL, assign_crews
from planner.domain.instance import DateRange, HalfDay, Role
from planner.domain.plan import Plan
from tests.support.builders import MONDAY
from tests.support.rota import day, instance_of, tour

STAFF_RULES = {"CREW", "ROLE", "REMOTE", "AVAILABILITY", "SHIFT_TIMES", "ONE_PLACE", "MAX_WEEK", "MAX_MONTH"}


def test_a_large_rota_crews_a_month_the_greedy_start_leaves_short(person, bus):
    """Two doctors for two tours of one week, each allowed one shift a month: ``da`` offers Monday
    and Friday, ``db`` Monday only. The greedy start, in date order, gives Monday to ``da`` (a tie
    broken by id) and leaves Friday uncrewed; the windows, one unit at a time, never see both
    tours. The crewing run over the hard rules finds ``db`` on Monday and ``da`` on Friday. Other
    buses (later dates, their own doctors) make the rota large enough to be solved by windows."""
    mon_fri = frozenset((d, h) for d in (0, 4) for h in HalfDay)
    mondays = frozenset((0, h) for h in HalfDay)
    first_week = (DateRange(day(0, 0), day(0, 4)),)
    staff = [
        person("da", {Role.DOCTOR}, availability=mon_fri, max_month=1),
        person("db", {Role.DOCTOR}, availability=mondays, max_month=1),
        *(person(f"dp{i:02d}", {Role.DOCTOR}, dates_off=first_week) for i in range(20)),
        *(person(f"cp{i:02d}", {Role.DRIVER}) for i in range(20)),
    ]
    units = [bus(f"bus{i}") for i in range(1, 8)]
    tours = [tour("bus1", day(0, 0)), tour("bus2", day(0, 4))]
    tours += [tour(u.id, day(w, d)) for u in units[2:] for w in range(1, 4) for d in range(5)]
    instance = instance_of(staff, units=units)
    rm, _ = build(instance, tours)
    assert len(rm.x) > SMALL_MODEL  # the windowed search, where the greedy start matters
    result = assign_crews(instance, tours, time_limit=1)
    assert result.uncrewed == ()
    doctors = {s.tour_key: s.staff_id for s in result.shifts if s.role is Role.DOCTOR}
    assert (doctors["bus1/" + day(0, 0).isoformat()], doctors["bus2/" + day(0, 4).isoformat()]) == ("db", "da")
    plan = Plan("rota", MONDAY, 4, tuple(tours), result.shifts)
    assert [v for v in validate(instance, plan) if v.rule in STAFF_RULES] == []
