"""Fixed consultation places: rooms × sessions a day, each session with its own crew, targets from
the need of the communes around them (catchments), and KPIs that count those communes."""

from __future__ import annotations

from dataclasses import replace

from planner.check.validate import validate
from planner.domain.instance import HalfDay, Instance, Point, Role, Rules, TimeWindow, Unit, UnitKind
from planner.domain.plan import Shift
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.tours.catchment import catchments
from planner.travel import travel_for
from tests.builders import MONDAY, commune, person

MORNINGS = frozenset((d, HalfDay.MORNING) for d in range(5))
AFTERNOONS = frozenset((d, HalfDay.AFTERNOON) for d in range(5))


def _place(rooms: int = 2, days=frozenset({0, 2})) -> Unit:
    return Unit(
        id="maison",
        name="Maison de santé",
        kind=UnitKind.FIXED,
        depot=Point("Place", 49.90, 1.10),
        days=days,
        hours=TimeWindow(8 * 60 + 30, 17 * 60 + 30),
        lunch=TimeWindow(12 * 60 + 30, 13 * 60 + 30),
        sessions_per_day=2,
        crew={Role.DOCTOR: 1},
        rooms=rooms,
        places=("76000",),
        session_minutes=240,
    )


def _instance(staff, *, need_per_session=200, rooms=2) -> Instance:
    communes = (
        commune("76000", 49.90, 1.10, need=900, visits_per_week=0),  # the place itself
        commune("76001", 49.93, 1.12, need=600, visits_per_week=0),  # a few minutes away
        commune("76002", 49.88, 1.05, need=300, visits_per_week=0, priority=True),
        commune("76003", 50.60, 2.40, need=400, visits_per_week=0),  # far beyond 30 minutes
    )
    rules = Rules(start=MONDAY, weeks=2, session_minutes=240, need_per_weekly_session=need_per_session)
    return Instance("fixed", communes, (_place(rooms),), tuple(staff), rules)


def _doctors(n: int, availability=frozenset((d, h) for d in range(5) for h in HalfDay)):
    return [person(f"d{i}", {Role.DOCTOR}, availability=availability, max_week=5) for i in range(n)]


def test_a_place_serves_the_communes_within_reach_and_its_target_follows_their_need():
    """The three near communes (need 1,800) make the place's catchment: 9 sessions a week at 200
    people a session, capped by 2 rooms × 2 sessions × 2 days = 8."""
    instance = _instance(_doctors(1))
    [found] = catchments(instance, travel_for(instance)).values()
    assert found.place == "76000" and set(found.communes) == {"76000", "76001", "76002"}
    assert found.need == 1800 and found.sessions_per_week == 8
    instance = replace(instance, rules=replace(instance.rules, need_per_weekly_session=1000))
    [found] = catchments(instance, travel_for(instance)).values()
    assert found.sessions_per_week == 2


def test_rooms_times_sessions_a_day_each_with_its_own_crew():
    """Four doctors a day: both rooms hold both sessions (4 consultations a day); each shift is one
    session, at its times, and the plan passes the validator."""
    instance = _instance(_doctors(4))
    result = plan(instance, PlanOptions(time_limit=2))
    assert validate(instance, result, travel=travel_for(instance)) == []
    assert {len(t.sessions) for t in result.tours} == {4}
    assert {s.room for t in result.tours for s in t.sessions} == {0, 1}
    for shift in result.shifts:
        session = next(t for t in result.tours if t.key == shift.tour_key).sessions[shift.session]
        assert (shift.start, shift.end) == (session.start - 15, session.end + 15)  # set-up before and after
    assert result.kpis["need_served_share"] == result.kpis["need_bound_share"]


def test_a_doctor_free_only_in_the_mornings_takes_a_morning_session():
    """One doctor for mornings, one for afternoons, one room: both sessions are held, by different
    doctors; the public timetable shows each consultation once."""
    staff = [person("m", {Role.DOCTOR}, availability=MORNINGS), person("a", {Role.DOCTOR}, availability=AFTERNOONS)]
    instance = _instance(staff, rooms=1)
    result = plan(instance, PlanOptions(time_limit=2))
    assert validate(instance, result, travel=travel_for(instance)) == []
    by_session = {(s.date, s.start): s.staff_id for s in result.shifts}
    assert {who for (_, start), who in by_session.items() if start < 12 * 60} == {"m"}
    assert {who for (_, start), who in by_session.items() if start >= 12 * 60} == {"a"}
    assert all(len(t.sessions) == 2 for t in result.tours)


def test_the_catchment_counts_as_served_and_the_far_commune_as_left_out():
    instance = _instance(_doctors(4))
    result = plan(instance, PlanOptions(time_limit=2))
    assert result.kpis["communes_served"] == 3 and result.kpis["communes_left_out"] == 0
    assert result.kpis["need_served_share"] == 1.0


def test_the_validator_wants_one_crew_per_session_and_no_room_beyond_the_place_s():
    instance = _instance(_doctors(4))
    result = plan(instance, PlanOptions(time_limit=2))
    tour = result.tours[0]
    crewless = tuple(s for s in result.shifts if not (s.tour_key == tour.key and s.session == 0))
    rules = {v.rule for v in validate(instance, replace(result, shifts=crewless))}
    assert "CREW" in rules
    whole_day = tuple(
        replace(s, session=None, start=tour.leave_depot, end=tour.back_at_depot) if s.tour_key == tour.key else s
        for s in result.shifts
    )
    assert "CREW" in {v.rule for v in validate(instance, replace(result, shifts=whole_day))}
    one_room = _instance(_doctors(4), rooms=1)
    assert "SESSION_TIMES" in {v.rule for v in validate(one_room, replace(result, shifts=()))}


def test_a_shift_knows_its_sessions():
    instance = _instance(_doctors(4))
    result = plan(instance, PlanOptions(time_limit=2))
    tour = result.tours[0]
    shift = next(s for s in result.shifts if s.tour_key == tour.key)
    assert shift.sessions_of(tour) == (tour.sessions[shift.session],)
    assert Shift("maison", tour.date, "d0", Role.DOCTOR, 0, 1).sessions_of(tour) == tour.sessions


def test_the_unit_week_names_each_room_s_own_doctor():
    """Two rooms at the same time: each cell of the unit's week names only that session's doctor."""
    from planner.results.week_views import unit_week

    instance = _instance(_doctors(4))
    result = plan(instance, PlanOptions(time_limit=2))
    grid = unit_week(instance, result, "maison", 0)
    label, cells = grid.rows[0]
    doctors = [line for cell in cells for line in cell if line.startswith("médecin")]
    assert len(doctors) == 4 and len(set(doctors)) == 4
