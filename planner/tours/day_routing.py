"""One unit's working day as a vehicle route, with OR-Tools routing.

Given the communes a unit should serve on a date, the routing model orders them and sets times:
each session is a node with its length as service time and its site's opening hours as a time
window; the lunch break is a fixed break of the vehicle (it may fall while parked or between two
drives, never inside a session); the route starts and ends at the depot within the working hours.
Every session is optional with a penalty proportional to its need, so a first solution always
exists (docs/architecture.md: tight windows without disjunctions can leave the solver with nothing), and
a session that cannot fit is dropped and reported rather than breaking the day. Time is counted in
steps of the rules' time grid, so that every published session time is round (docs/formats.md),
and two sessions farther apart than the rules' longest drive between sessions never follow each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planner.domain.instance import Commune, Rules, Unit, UnitKind, ceil_to
from planner.domain.plan import Session, Tour
from planner.domain.travel_matrix import TravelMatrix, whole_minutes
from planner.tours.pattern_problem import need_weight

#: How long a fixed place or a parked bus may wait between sessions, at most (minutes).
MAX_WAIT = 24 * 60
#: Penalty per minute a session starts away from its commune's usual time, per point of the
#: regularity weight (`Weights.regularity`, 10 by default: 100 per minute).
USUAL_TIME_PENALTY_PER_WEIGHT = 10
#: Penalty for dropping a session, per unit of need weight (drives every session in if possible).
DROP_PENALTY_PER_NEED = 1_000
#: Guided local search on a day of more than three sessions stops after this many solutions, a
#: count that does not depend on the machine's speed or load (a wall-clock limit gave different
#: days under load; docs/architecture.md). A day holds a handful of sessions: its search
#: converges long before.
DAY_SOLUTION_LIMIT = 200


@dataclass(frozen=True)
class DayResult:
    """The timed tour (None when no session fits) and the communes that had to be dropped."""

    tour: Tour | None
    dropped: tuple[str, ...]


def route_day(
    unit: Unit,
    day,
    communes: list[Commune],
    *,
    session_minutes: int,
    travel: TravelMatrix,
    solution_limit: int = DAY_SOLUTION_LIMIT,
    usual_start: Mapping[str, int] | None = None,
    regularity_weight: int = 10,
    time_step: int = 1,
    max_drive: int | None = None,
) -> DayResult:
    """Order and time the sessions of one unit's day; drop (and report) any that cannot fit.

    ``usual_start`` (minutes, by INSEE code) is each commune's usual start time, kept when the day
    allows it (a soft bound both ways, costing ``regularity_weight`` × 10 per minute away from it).
    Sessions start and end on the grid of ``time_step`` minutes (``session_minutes`` is a multiple
    of it): the model counts time in steps, each leg's drive rounded up to whole steps and every
    window rounded inward, so each start it finds is on the grid and leaves the real drive. Two
    sessions more than ``max_drive`` minutes apart never follow each other (the day drops one).
    A day of more than three sessions is improved by guided local search for ``solution_limit``
    solutions: no wall clock decides the day.
    """
    if not communes:
        return DayResult(None, ())
    fixed = unit.kind is UnitKind.FIXED
    places = [unit.depot] + [c.site.point for c in communes]
    idx = [travel.index(p) for p in places]

    def drive(i: int, j: int) -> int:
        if fixed or i == j:
            return 0
        return int(whole_minutes(travel.minutes[idx[i], idx[j]]))

    step = time_step

    def up(minute: int) -> int:  # minutes → steps, rounded up
        return -(-minute // step)

    n = len(places)
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    length = session_minutes // step
    service = [0] + [length] * len(communes)
    time_matrix = [[up(drive(i, j)) + service[i] for j in range(n)] for i in range(n)]
    transit = routing.RegisterTransitMatrix(time_matrix)
    routing.SetArcCostEvaluatorOfAllVehicles(
        routing.RegisterTransitMatrix([[drive(i, j) for j in range(n)] for i in range(n)])
    )
    day_start, day_end = up(unit.hours.start), unit.hours.end // step
    routing.AddDimension(transit, MAX_WAIT // step, day_end, False, "Time")
    time = routing.GetDimensionOrDie("Time")
    start, end = routing.Start(0), routing.End(0)
    time.CumulVar(start).SetRange(day_start, day_end)
    time.CumulVar(end).SetRange(day_start, day_end)
    # A usual time is a wish, never a reason to drop a session: dropping one costs more than every
    # session of the day kept as far as can be from its usual time (Gers-Armagnac lost a priority
    # zone's visits on three days that held them at other times: docs/architecture.md, « Usual times »).
    regularity = USUAL_TIME_PENALTY_PER_WEIGHT * regularity_weight * step
    most_regularity = regularity * (day_end - day_start) * len(communes) if usual_start else 0
    for node, c in enumerate(communes, start=1):
        index = manager.NodeToIndex(node)
        open_start, open_end = day_start, day_end
        if c.site.open_hours is not None:
            open_start = max(open_start, up(c.site.open_hours.start))
            open_end = min(open_end, c.site.open_hours.end // step)
        latest_start = open_end - length
        if latest_start < open_start:
            routing.AddDisjunction([index], 0)  # cannot fit at all: free to drop
            time.CumulVar(index).SetRange(open_start, open_start)
            continue
        time.CumulVar(index).SetRange(open_start, latest_start)
        routing.AddDisjunction([index], DROP_PENALTY_PER_NEED * need_weight(c) + most_regularity)
        usual = (usual_start or {}).get(c.insee, 0) // step
        if usual and regularity_weight:
            usual = min(max(usual, open_start), latest_start)
            time.SetCumulVarSoftLowerBound(index, usual, regularity)
            time.SetCumulVarSoftUpperBound(index, usual, regularity)
    if max_drive is not None and not fixed:
        for i in range(1, n):
            for j in range(1, n):
                if i != j and drive(i, j) > max_drive:
                    routing.NextVar(manager.NodeToIndex(i)).RemoveValue(manager.NodeToIndex(j))
    if unit.lunch is not None:
        solver = routing.solver()
        begin = unit.lunch.start // step
        lunch = solver.FixedDurationIntervalVar(begin, begin, up(unit.lunch.end) - begin, False, "lunch")
        time.SetBreakIntervalsOfVehicle([lunch], 0, service)
    # Short days: leave as late and come back as early as the sessions allow.
    time.SetSpanCostCoefficientForVehicle(1, 0)
    routing.AddVariableMinimizedByFinalizer(time.CumulVar(end))
    routing.AddVariableMaximizedByFinalizer(time.CumulVar(start))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    if len(communes) > 3:
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        params.solution_limit = solution_limit
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return DayResult(None, tuple(c.insee for c in communes))
    order: list[int] = []
    index = solution.Value(routing.NextVar(start))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    dropped = tuple(c.insee for k, c in enumerate(communes, start=1) if k not in order)
    if not order:
        return DayResult(None, dropped)
    starts = [solution.Min(time.CumulVar(manager.NodeToIndex(k))) * step for k in order]
    return DayResult(
        _timed_tour(unit, day, communes, order, starts, session_minutes, drive, travel, idx, fixed), dropped
    )


def route_day_by_rules(
    unit: Unit,
    day,
    communes: list[Commune],
    rules: Rules,
    *,
    travel: TravelMatrix,
    usual_start: Mapping[str, int] | None = None,
) -> DayResult:
    """`route_day` as the planner calls it: the session length of ``unit``, the regularity weight, the
    time grid and the longest drive between sessions of ``rules``."""
    return route_day(
        unit,
        day,
        communes,
        session_minutes=rules.session_length(unit),
        travel=travel,
        usual_start=usual_start,
        regularity_weight=rules.weights.regularity,
        time_step=rules.time_step,
        max_drive=rules.max_drive_between_sessions,
    )


def fixed_session_times(unit: Unit, rules: Rules) -> list[tuple[int, int]]:
    """When each session of a fixed place's day takes place: one after the other from the start of
    the day (rounded up to the time grid), a session that would cross the lunch break starting after
    it (on the grid too)."""
    length, step = rules.session_length(unit), rules.time_step
    times, start = [], ceil_to(unit.hours.start, step)
    for _ in range(unit.sessions_per_day):
        if unit.lunch is not None and unit.lunch.overlaps(start, start + length):
            start = max(start, ceil_to(unit.lunch.end, step))
        times.append((start, start + length))
        start += length
    return times


def fixed_day(unit: Unit, day, sessions: list[tuple[Commune, int, int]], rules: Rules) -> Tour:
    """A fixed place's day: each (commune, session, room) at the session's own times, no driving."""
    times = fixed_session_times(unit, rules)
    timed = [
        Session(c.insee, c.site.id, times[s][0], times[s][0], times[s][1], times[s][1], room) for c, s, room in sessions
    ]
    timed.sort(key=lambda t: (t.start, t.room))
    return Tour(unit.id, day, timed[0].start, max(t.end for t in timed), tuple(timed))


def _timed_tour(unit, day, communes, order, starts, length, drive, travel, idx, fixed) -> Tour:
    """Times of the tour from the session starts: arrive as late as the drive allows, leave at once."""
    sessions = []
    prev, prev_departure = 0, None
    for k, begin in zip(order, starts, strict=True):
        c = communes[k - 1]
        if prev_departure is None:
            arrival = begin
        else:
            arrival = min(begin, _earliest_arrival(unit, prev_departure, drive(prev, k)))
        sessions.append(Session(c.insee, c.site.id, arrival, begin, begin + length, begin + length))
        prev, prev_departure = k, begin + length
    leave = _with_lunch(unit, sessions[0].arrival - drive(0, order[0]), sessions[0].arrival, before=True)
    back = _with_lunch(unit, sessions[-1].departure, sessions[-1].departure + drive(order[-1], 0), before=False)
    legs = [0, *order, 0]
    minutes, km = (0.0, 0.0) if fixed else travel.route_totals([idx[k] for k in legs])
    return Tour(unit.id, day, leave, back, tuple(sessions), round(minutes, 2), round(km, 2))


def _earliest_arrival(unit: Unit, departure: int, drive_minutes: int) -> int:
    """Arrival after leaving at ``departure``; a lunch break met on the way is taken first."""
    arrival = departure + drive_minutes
    if unit.lunch is not None and unit.lunch.overlaps(departure, arrival):
        arrival = unit.lunch.end + drive_minutes
    return arrival


def _with_lunch(unit: Unit, leave: int, arrive: int, *, before: bool) -> int:
    """Stretch a depot leg that crosses the lunch break by the break's length.

    ``before``: the leg ends at a fixed arrival, so it starts earlier; otherwise it ends later.
    """
    if unit.lunch is None or not unit.lunch.overlaps(leave, arrive):
        return leave if before else arrive
    return leave - unit.lunch.minutes if before else arrive + unit.lunch.minutes
