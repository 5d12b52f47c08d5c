"""One unit's day timed by OR-Tools routing: order, times, lunch, site hours, dropping what cannot fit."""

from __future__ import annotations

from planner.domain.instance import Point, TimeWindow, Unit, UnitKind
from planner.tours.day_routing import route_day
from planner.travel.estimate import EstimateSource
from tests.support.builders import MONDAY

LUNCH = TimeWindow(12 * 60 + 30, 13 * 60 + 30)


def _route(unit: Unit, communes, length: int = 180):
    places = [unit.depot] + [c.site.point for c in communes]
    travel = EstimateSource().matrix(places)
    return route_day(unit, MONDAY, list(communes), session_minutes=length, travel=travel), travel


def test_two_sessions_around_lunch_with_travel_time(bus, commune):
    """Morning and afternoon sessions: none overlaps lunch, each arrival follows the drive."""
    unit = bus(lunch=LUNCH)
    a, b = commune("76001", 49.95, 1.15), commune("76002", 49.85, 1.2)
    result, travel = _route(unit, [a, b])
    tour = result.tour
    assert result.dropped == ()
    assert len(tour.sessions) == 2
    for s in tour.sessions:
        assert s.end - s.start == 180 and not LUNCH.overlaps(s.start, s.end)
    first = tour.sessions[0]
    depot, site = travel.index(unit.depot), travel.index((a if first.insee == a.insee else b).site.point)
    assert first.arrival - tour.leave_depot >= travel.minutes[depot, site] - 1e-9
    assert unit.hours.start <= tour.leave_depot and tour.back_at_depot <= unit.hours.end


def test_site_hours_decide_the_order(bus, commune):
    """A site open only in the afternoon is visited after lunch, whatever the order given."""
    unit = bus(lunch=LUNCH)
    late = commune("76001", 49.95, 1.15, open_hours=TimeWindow(13 * 60 + 30, 18 * 60))
    early = commune("76002", 49.85, 1.2)
    tour = _route(unit, [late, early])[0].tour
    assert [s.insee for s in tour.sessions] == ["76002", "76001"]


def test_what_cannot_fit_is_dropped_and_reported(bus, commune):
    """Three 3-hour sessions do not fit in 8:30–17:30 with lunch: one is dropped, by name."""
    unit = bus(lunch=LUNCH, sessions_per_day=3)
    communes = [commune(f"7600{i}", 49.9 + i / 50, 1.1) for i in range(3)]
    result, _ = _route(unit, communes)
    assert len(result.dropped) == 1
    assert len(result.tour.sessions) == 2


def test_fixed_place_has_no_driving(commune):
    """A fixed consultation place: no drive time, the day starts with the session."""
    c = commune("61001", 48.43, 0.08)
    unit = Unit(
        "cab",
        "Cabinet",
        UnitKind.FIXED,
        Point("Cabinet", 48.43, 0.08),
        frozenset(range(5)),
        TimeWindow(8 * 60 + 30, 17 * 60 + 30),
        None,
        1,
        {},
        places=("61001",),
    )
    tour = _route(unit, [c], length=480)[0].tour
    assert tour.drive_minutes == 0 and tour.drive_km == 0
    assert tour.leave_depot == tour.sessions[0].start == 8 * 60 + 30


def test_regularity_weight_pulls_a_session_to_its_usual_time(bus, commune):
    """With the regularity weight, a lone morning session starts at its commune's usual time (10:00);
    with weight 0 nothing pulls it there and it starts at the routing's own choice."""
    unit = bus(lunch=LUNCH)
    a = commune("76001", 49.95, 1.15)
    travel = EstimateSource().matrix([unit.depot, a.site.point])
    usual = {a.insee: 10 * 60}
    kept = route_day(unit, MONDAY, [a], session_minutes=120, travel=travel, usual_start=usual, regularity_weight=10)
    free = route_day(unit, MONDAY, [a], session_minutes=120, travel=travel, usual_start=usual, regularity_weight=0)
    assert kept.tour.sessions[0].start == 10 * 60
    assert free.tour.sessions[0].start != 10 * 60


def test_a_usual_time_never_drops_a_session(bus, commune):
    """Two 3-hour sessions whose communes both usually start at 9:00 fit only as one morning and one
    afternoon: the afternoon one starts 4 h 30 from its usual time, and is kept. (A wish costing more
    than a small commune's session once dropped one: docs/architecture.md, « Usual times ».)"""
    unit = bus(lunch=LUNCH)
    a, b = commune("76001", 49.95, 1.15, need=5.0), commune("76002", 49.93, 1.16, need=5.0)
    travel = EstimateSource().matrix([unit.depot, a.site.point, b.site.point])
    usual = {a.insee: 9 * 60, b.insee: 9 * 60}
    result = route_day(unit, MONDAY, [a, b], session_minutes=180, travel=travel, usual_start=usual)
    assert result.dropped == ()
    assert sorted(s.insee for s in result.tour.sessions) == [a.insee, b.insee]
    assert any(s.start == 9 * 60 for s in result.tour.sessions)
