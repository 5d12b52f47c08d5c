"""The planning core: every plan is checked by the independent validator, never by solver bookkeeping."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.check.validate import validate
from planner.crews.staffing import post_limits
from planner.domain.instance import HalfDay, Instance, Point, Role, Rules, TimeWindow, Unit, UnitKind
from planner.domain.plan import Shift
from planner.planning.options import PlanOptions
from planner.planning.pipeline import _bound_ahead, better_plan, bound_kpis, plan, rules_bound_for
from planner.publish.plan_json import plan_to_dict
from planner.results.kpis import Targets
from planner.tours.catchment import catchments
from planner.travel import travel_for
from tests.support import builders
from tests.support.builders import MONDAY

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
            builders.commune(
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
    units = [builders.bus("b1", sessions_per_day=draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        units.append(builders.bus("b2", depot=Point("Dépôt 2", 49.75, 1.3), lunch=None, days=frozenset({0, 2, 4})))
    staff = (
        builders.person("d1", {Role.DOCTOR}),
        builders.person("d2", {Role.DOCTOR}, max_week=2),
        builders.person("c1", {Role.DRIVER, Role.DOCTOR}),
        builders.person("c2", {Role.DRIVER}),
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


def test_small_instance_serves_all_need(make_small_instance):
    """With enough capacity every commune gets its target, and no more."""
    instance = make_small_instance(weeks=4)
    result = _checked(instance)
    visits = _visits(result)
    assert visits == {"76001": 4, "76002": 4, "76003": 2, "76004": 1}
    assert result.kpis["need_served_share"] == 1.0
    assert not result.unserved


def test_short_capacity_serves_priority_then_need_and_explains(bus, commune, small_instance):
    """One session a week for three communes: the priority zone first, the others listed with a reason."""
    communes = (
        commune("76001", 49.95, 1.15, need=500),
        commune("76002", 49.85, 1.20, need=50, priority=True),
        commune("76003", 49.92, 1.30, need=300),
    )
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    instance = Instance("short", communes, (unit,), small_instance.staff, Rules(start=MONDAY, weeks=2))
    result = _checked(instance)
    assert set(_visits(result)) == {"76002"}
    left = {u.insee: u for u in result.unserved}
    assert set(left) == {"76001", "76003"}
    assert left["76001"].reason.startswith("capacité : les 2 séances") and "passent avant elle" in left["76001"].reason


def test_the_bound_solved_beside_the_search_is_the_bound_solved_after_it(bus, commune, small_instance):
    """Without priority zones the bound of the rules is solved in a thread while the plan is searched
    (it has no priority floor to wait for): the plan shows the very bound solved after it. With a
    priority zone it waits for the plan."""
    communes = [commune("76001", 49.95, 1.15, need=500), commune("76003", 49.92, 1.30, need=300)]
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    instance = Instance("short", tuple(communes), (unit,), small_instance.staff, Rules(start=MONDAY, weeks=2))
    result = _checked(instance)
    travel = travel_for(instance)
    targets, limits = Targets.from_catchments(instance, catchments(instance, travel)), post_limits(instance)
    after = bound_kpis(rules_bound_for(instance, travel, targets, True, limits, 0.0))
    assert after["need_bound_share"] < 1.0
    assert result.kpis["need_bound_share"] == after["need_bound_share"]
    assert _bound_ahead(instance, travel, targets, True, limits) is not None
    communes[1] = replace(communes[1], priority=True)
    zoned = replace(instance, communes=tuple(communes))
    assert _bound_ahead(zoned, travel, Targets.from_catchments(zoned, {}), True, limits) is None


def test_weekly_visits_keep_weekday_and_time_and_skip_holidays(make_small_instance):
    """A weekly commune comes back on the same weekday and start time; Christmas Day is skipped."""
    instance = make_small_instance(weeks=4, start=date(2026, 11, 30))
    result = _checked(instance)
    by_commune: dict[str, set] = {}
    for tour, s in result.sessions():
        assert tour.date != date(2026, 12, 25)
        by_commune.setdefault(s.insee, set()).add((tour.date.weekday(), s.start))
    assert all(len(slots) == 1 for slots in by_commune.values())
    assert result.kpis["regularity"] == 1.0


def test_twice_weekly_visits_respect_min_gap(commune, bus, small_instance):
    """Two visits a week of one commune are at least `min_gap_days` apart."""
    communes = (commune("76001", 49.95, 1.15, visits_per_week=2), commune("76002", 49.85, 1.2))
    instance = Instance("gap", communes, (bus(),), small_instance.staff, Rules(start=MONDAY, weeks=2, min_gap_days=3))
    result = _checked(instance)
    dates = sorted(t.date for t, s in result.sessions() if s.insee == "76001")
    assert len(dates) == 4
    assert all((b - a).days >= 3 for a, b in itertools.pairwise(dates))


def test_site_opening_days_and_closures_are_respected(commune, bus, small_instance):
    """A site open only on Thursdays is visited on Thursdays; closure dates get no tour."""
    closed = MONDAY + timedelta(days=3)
    communes = (commune("76001", 49.95, 1.15, open_days=frozenset({3})), commune("76002", 49.85, 1.2))
    rules = Rules(start=MONDAY, weeks=2, closures=frozenset({closed}))
    instance = Instance("open", communes, (bus(),), small_instance.staff, rules)
    result = _checked(instance)
    days = {t.date for t, s in result.sessions() if s.insee == "76001"}
    assert days == {MONDAY + timedelta(days=10)}
    assert all(t.date != closed for t in result.tours)


def test_same_inputs_same_plan(make_small_instance):
    """Deterministic: the same instance and options give the same plan."""
    instance = make_small_instance(weeks=3)
    first, second = plan(instance, FAST), plan(instance, FAST)

    def strip(p):
        return {k: v for k, v in plan_to_dict(p).items() if k not in ("solver_seconds", "created")}

    assert strip(first) == strip(second)


def test_greedy_baseline_also_gives_valid_plans(make_small_instance):
    """The benchmark's baseline goes through the same roll-out and validator."""
    result = _checked(make_small_instance(weeks=4), PlanOptions(method="greedy"))
    assert result.tours


def test_half_days_nobody_can_crew_get_no_session(person, commune, bus):
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


def test_a_date_nobody_can_crew_gets_no_tour_and_its_visits_go_where_crews_are(bus, person, commune):
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


def test_the_pattern_plans_no_more_tours_than_the_roster_can_crew(person, commune, bus):
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


# --- Fixed consultation places: rooms × sessions a day, each session with its own crew, catchments ---

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
        builders.commune("76000", 49.90, 1.10, need=900, visits_per_week=0),  # the place itself
        builders.commune("76001", 49.93, 1.12, need=600, visits_per_week=0),  # a few minutes away
        builders.commune("76002", 49.88, 1.05, need=300, visits_per_week=0, priority=True),
        builders.commune("76003", 50.60, 2.40, need=400, visits_per_week=0),  # far beyond 30 minutes
    )
    rules = Rules(start=MONDAY, weeks=2, session_minutes=240, need_per_weekly_session=need_per_session)
    return Instance("fixed", communes, (_place(rooms),), tuple(staff), rules)


def _doctors(n: int, availability=frozenset((d, h) for d in range(5) for h in HalfDay)):
    return [builders.person(f"d{i}", {Role.DOCTOR}, availability=availability, max_week=5) for i in range(n)]


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


def test_a_doctor_free_only_in_the_mornings_takes_a_morning_session(person):
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
    _label, cells = grid.rows[0]
    doctors = [line for cell in cells for line in cell if line.startswith("médecin")]
    assert len(doctors) == 4 and len(set(doctors)) == 4


def test_progress_moves_through_the_pattern_search_and_never_goes_back(small_instance):
    """The command line and the app draw what ``progress`` hears: the pattern's ladder reports each
    step between 10 % and 50 % with the need found so far, and the fractions never go back."""
    heard: list[tuple[float, str]] = []
    result = plan(small_instance, PlanOptions(time_limit=2), progress=lambda f, m: heard.append((f, m)))
    assert validate(small_instance, result) == []
    fractions = [f for f, _ in heard]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    steps = [(f, m) for f, m in heard if "étape 1/" in m]
    assert steps and all(0.1 <= f <= 0.5 for f, _ in steps) and "besoin servi" in steps[0][1]


def test_a_budget_above_the_default_keeps_the_better_of_it_and_half_of_it():
    """The passes after the pattern are local searches: from the pattern of a larger budget they may
    end lower (Gers-Armagnac, 32 → 64 s: priority zones 99.66 → 99.51 %). Above the default budget
    (8 s here), the plan at half the budget is made too, down to the default, and the better kept."""
    from planner import load_territory

    instance = load_territory("orne-solidarite")
    heard: list[tuple[float, str]] = []
    default = plan(instance)
    larger = plan(instance, PlanOptions(time_limit=32), progress=lambda f, m: heard.append((f, m)))
    assert validate(instance, larger) == []
    key = ("priority_need_served_share", "need_served_share")
    assert [larger.kpis[k] for k in key] >= [default.kpis[k] for k in key]
    assert "budget de 16 s" in larger.search
    fractions = [f for f, _ in heard]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    compared = {budget for _, m in heard for budget in re.findall(r"Comparaison avec le budget de (\d+) s", m)}
    assert compared == {"16", "8"}
    alone = plan(instance, PlanOptions(time_limit=32, compare_half_budget=False))
    assert "budget de 16 s" not in alone.search


def test_the_better_plan_is_priority_zones_first_then_need_then_less_driving(small_instance):
    result = plan(small_instance, FAST)

    def with_kpis(priority: float, need: float, drive: float):
        kpis = {"priority_need_served_share": priority, "need_served_share": need, "drive_minutes_per_week": drive}
        return replace(result, kpis={**result.kpis, **kpis}, search="motif.")

    full, half = with_kpis(0.99, 0.60, 100.0), with_kpis(0.995, 0.55, 120.0)
    kept = better_plan(full, half, 32)
    assert kept.kpis["need_served_share"] == 0.55
    assert "en zones prioritaires (99,00\u202f% contre 99,50\u202f%)" in kept.search
    kept = better_plan(full, with_kpis(0.99, 0.60, 90.0), 32)
    assert kept.kpis["drive_minutes_per_week"] == 90.0 and "plus de route" in kept.search
    kept = better_plan(full, with_kpis(0.99, 0.60, 100.0), 32)
    assert kept is not full and kept.kpis["drive_minutes_per_week"] == 100.0 and "ne servait pas plus" in kept.search
    assert better_plan(full, with_kpis(0.98, 0.70, 10.0), 32).kpis["need_served_share"] == 0.60
