"""The one-week tour problem under the planner's rules, as PyVRP and OR-Tools routing models, and the
re-check of their routes by the planner's own code (helper of `bench/bench_peers.py`).

`WeekProblem.of` derives, from the planner's code and nothing else, what a one-week plan of the buses
may do:

- vehicles: one per (bus, working date): the bus works that weekday, the date is no holiday nor
  closure, the bus is in service; at most as many sessions as the roster can crew
  (`planner.crews.staffing.crew_counts`: sessions ``0..k-1`` crewed, the pattern's own count), and when
  that crew covers one half-day only (`session_halves`), the tour kept inside it (the shift, set-up
  included, must not reach the other half);
- candidates: the communes with a bus target (`planner.results.kpis.Targets`: fixed places' catchments
  left out), each visit worth ``need × target / visits`` people (the KPI `_need` on one week: need ×
  min(visits, target)), at most ``ceil(target)`` visits (the validator's FREQUENCY), one a day and
  ``min_gap_days`` apart (MIN_GAP);
- which bus may visit a commune on a date: `Unit.may_serve`, `planner.tours.pattern_problem.reachable`
  (every bus in reach: no nearest-two cut), the site's open days and hours (`site_hours_fit`), pins and
  banned days (`Rules.day_allowed`), commune closures;
- time as `planner.tours.day_routing.route_day` counts it: steps of the rules' time grid, each drive
  rounded up to whole minutes then to whole steps, sessions of the unit's length, the working hours
  rounded inward, two consecutive sessions at most ``max_drive_between_sessions`` minutes apart.

**The lunch break.** `route_day` makes lunch a fixed break of the vehicle that may fall while parked
or inside a drive, never inside a session. Both peers get exactly that by counting time on a *lunch-
less clock*: every minute after the lunch break is moved back by the break's length (`Clock.squeeze`),
so that a drive crossing lunch takes its real length plus the break, and a session start is allowed
only where the session ends before lunch or starts after it. On that clock a session has two start
windows (morning, afternoon): PyVRP, with one window per client, gets one client per window in the
same mutually exclusive group; OR-Tools gets one node whose time window has the gap removed
(`RemoveInterval`). Meant as an exact rendering of the break rather than a conservative one; the
re-check times every route with `route_day` itself and counts any it cannot time (``timing``).

**Objective**, lexicographic as the planner's: priority zones' need, then need, then driving. A visit
is worth ``NEED_UNIT`` per person of need (1 person ≫ any day's driving at ``DRIVE_UNIT`` per
minute); a visit in a priority zone is further multiplied by ``1 + F``, ``F`` such that the smallest
priority visit outweighs every other need together.

**PyVRP** (`solve_pyvrp`): prize-collecting VRPTW, one vehicle type per (bus, date) with its own time
window on a week-long axis (each date has its own stretch), clients (commune, date, clock, half-day)
with prize = value, load 1 against a capacity = sessions the crew allows, per-bus routing profiles
making a commune a bus may not serve unreachable (huge duration), client-client legs over the 30-min
limit likewise. Mutually exclusive client groups (``ClientGroup(required=False)``: at most one client
of the group is visited): a commune with a target of one visit or less has one group over all its
clients; a commune with a target of ``k ≥ 2`` visits gets ``k`` groups, each a run of consecutive
dates, the runs ``min_gap_days`` apart (`gap_runs`; the communes take the partitions that cover the
most dates in turn), which PyVRP cannot express otherwise: a conservative restriction (some legal
pairs of dates are not offered), said in the table's notes.

Time warp and excess load are penalised in the range of the prizes (PyVRP's default penalty range
is far below them), seed fixed, ``MaxRuntime``.

**OR-Tools** (`solve_ortools`): the same vehicles, one node per (commune, date, clock), the buses
allowed per node (its ``VehicleVar`` domain), a time dimension with windows on the lunch-less clock,
a count dimension for the sessions, one disjunction per commune (max cardinality ``ceil(target)``,
``PENALIZE_PER_INACTIVE``: the value of each missing visit), ``ActiveVar`` pairs forbidding two
visits closer than ``min_gap_days``, successors restricted to legs within the 30-min limit; parallel
cheapest insertion, then guided local search for the time limit.

`pyvrp_objective` and `ortools_objective` read the planner's own week into each model: accepted or
not (a model stricter than the rules rejects it) and at what objective, to compare with the peer's.
`check_routes` re-checks every route of a peer with the planner's own functions and drops a route
that breaks one (counted by reason).
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from planner.crews.staffing import crew_counts, session_halves
from planner.domain.calendar import closed_dates
from planner.domain.instance import NOON, Commune, HalfDay, Instance, Unit, UnitKind
from planner.domain.plan import Tour
from planner.domain.travel_matrix import TravelMatrix, whole_minutes
from planner.tours.day_routing import route_day
from planner.tours.pattern_problem import any_crew, reachable, site_hours_fit

#: Objective units per person of need served, and per minute of driving: one person of need is
#: worth 1,000 minutes of driving, more than any bus day drives, so need comes first.
NEED_UNIT = 10_000
DRIVE_UNIT = 10


def _up(minute: int, step: int) -> int:
    return -(-minute // step)


@dataclass(frozen=True)
class Clock:
    """A unit's day in steps of the time grid (as `route_day` counts it), and its lunch-less clock.

    ``start``/``end`` are the working hours rounded inward, ``lunch`` the break ``[begin, end)``
    rounded outward (all in real steps after midnight); ``length`` a session in steps.
    """

    step: int
    start: int
    end: int
    lunch: tuple[int, int] | None
    length: int

    @classmethod
    def of(cls, instance: Instance, unit: Unit) -> Clock:
        step = instance.rules.time_step
        lunch = None if unit.lunch is None else (unit.lunch.start // step, _up(unit.lunch.end, step))
        length = instance.rules.session_length(unit)
        assert length % step == 0, "session lengths are multiples of the time grid (Rules)"
        return cls(step, _up(unit.hours.start, step), unit.hours.end // step, lunch, length // step)

    def squeeze(self, t: int) -> int:
        """A real step on the lunch-less clock: steps after the break move back by its length."""
        if self.lunch is None or t <= self.lunch[0]:
            return t
        return max(self.lunch[0], t - (self.lunch[1] - self.lunch[0]))

    @property
    def span(self) -> tuple[int, int]:
        return self.squeeze(self.start), self.squeeze(self.end)

    def session_windows(self, commune: Commune) -> list[tuple[int, int]]:
        """Where a session at ``commune`` may start, on the lunch-less clock: one window per half of
        the day (a session never holds lunch), within the site's opening hours."""
        lo, hi = self.start, self.end
        hours = commune.site.open_hours
        if hours is not None:
            lo, hi = max(lo, _up(hours.start, self.step)), min(hi, hours.end // self.step)
        parts = [(lo, hi)] if self.lunch is None else [(lo, min(hi, self.lunch[0])), (max(lo, self.lunch[1]), hi)]
        return [(self.squeeze(a), self.squeeze(b - self.length)) for a, b in parts if b - a >= self.length]


@dataclass(frozen=True)
class Vehicle:
    """One bus on one date: its window on the week axis and the sessions its crew allows."""

    unit: Unit
    day: date
    clock: Clock
    sessions: int
    early: int  # week axis
    late: int


@dataclass(frozen=True)
class Option:
    """A commune that may be visited on a date by the buses of one clock: ``vehicles`` (indices)."""

    insee: str
    day: date
    clock: Clock
    windows: tuple[tuple[int, int], ...]  # week axis
    vehicles: tuple[int, ...]


@dataclass(frozen=True)
class Demand:
    visits: int  # most visits in the week
    value: float  # people of need one visit serves
    priority: bool


@dataclass
class WeekProblem:
    """The one-week problem of the buses (module docstring); built by `WeekProblem.of`."""

    instance: Instance
    travel: TravelMatrix
    vehicles: list[Vehicle]
    options: list[Option]
    demand: dict[str, Demand]
    day_index: dict[date, int]
    axis: int  # steps per date on the week axis
    notes: list[str]

    @classmethod
    def of(cls, instance: Instance, travel: TravelMatrix, bus_targets: dict[str, float]) -> WeekProblem:
        rules = instance.rules
        staffed = bool(instance.staff) and any(u.crew for u in instance.units)
        crews = crew_counts(instance) if staffed else any_crew
        closed = closed_dates(rules)
        buses = [u for u in instance.units if u.kind is UnitKind.BUS]
        clocks = {u.id: Clock.of(instance, u) for u in buses}
        axis = 2 * 24 * 60 // rules.time_step
        days = [d for d in rules.dates() if d not in closed]
        day_index = {d: (d - rules.start).days for d in days}
        vehicles: list[Vehicle] = []
        notes: list[str] = []
        for d in days:
            for u in buses:
                if d.weekday() not in u.days or rules.unit_closed(u.id, d):
                    continue
                k = 0
                while k < u.sessions_per_day and crews(u, d, k) >= 1:
                    k += 1
                if k == 0:
                    continue
                clock = clocks[u.id]
                early, late = clock.start, clock.end
                halves = session_halves(instance, u, k - 1) if staffed else frozenset(HalfDay)
                if HalfDay.AFTERNOON not in halves:
                    late = min(late, (NOON - rules.setup_minutes) // rules.time_step)
                if HalfDay.MORNING not in halves:
                    early = max(early, _up(NOON + rules.setup_minutes, rules.time_step))
                if late <= early:
                    continue
                if k < u.sessions_per_day or halves != frozenset(HalfDay):
                    notes.append(f"{u.id} {d}: {k} session(s), crew for {sorted(h.name for h in halves)}")
                base = day_index[d] * axis
                vehicles.append(Vehicle(u, d, clock, k, base + clock.squeeze(early), base + clock.squeeze(late)))

        demand: dict[str, Demand] = {}
        for insee, per_week in sorted(bus_targets.items()):
            c = instance.commune(insee)
            if per_week <= 0:
                continue
            visits = math.ceil(per_week - 1e-9) if per_week >= 1 else 1
            demand[insee] = Demand(visits, c.need * per_week / visits, c.priority)

        unit_ok: dict[tuple[str, str], bool] = {}
        for insee in demand:
            c = instance.commune(insee)
            for u in buses:
                unit_ok[insee, u.id] = (
                    c.site.point in travel
                    and u.may_serve(insee)
                    and reachable(instance, travel, u, c)
                    and site_hours_fit(c, u, rules.session_length(u))
                )
        options: list[Option] = []
        by_day_clock: dict[tuple[date, Clock], list[int]] = defaultdict(list)
        for i, v in enumerate(vehicles):
            by_day_clock[v.day, v.clock].append(i)
        for insee in demand:
            c = instance.commune(insee)
            for (d, clock), indices in by_day_clock.items():
                if d.weekday() not in c.site.open_days or rules.commune_closed(insee, d):
                    continue
                allowed = tuple(
                    i
                    for i in indices
                    if unit_ok[insee, vehicles[i].unit.id]
                    and rules.day_allowed(insee, d.weekday(), vehicles[i].unit.id)
                )
                windows = clock.session_windows(c)
                if allowed and windows:
                    base = day_index[d] * axis
                    options.append(Option(insee, d, clock, tuple((base + a, base + b) for a, b in windows), allowed))
        return cls(instance, travel, vehicles, options, demand, day_index, axis, notes)

    # -- what both models share -------------------------------------------------------------------

    def prizes(self) -> dict[str, int]:
        """Objective units one visit of each commune is worth (priority zones first, module docstring)."""
        offered = {o.insee for o in self.options}
        base = {i: max(1, round(d.value * NEED_UNIT)) for i, d in self.demand.items() if i in offered}
        other = sum(base[i] * self.demand[i].visits for i in base if not self.demand[i].priority)
        least = min((base[i] for i in base if self.demand[i].priority), default=0)
        factor = other // least + 1 if least else 0
        return {i: b * (1 + factor) if self.demand[i].priority else b for i, b in base.items()}

    def points(self) -> tuple[list, dict[str, int], dict[str, int]]:
        """Places the models use (depots, then sites) and their rows in `minutes`."""
        places: list = []
        depot_of: dict[str, int] = {}
        site_of: dict[str, int] = {}
        for v in self.vehicles:
            if v.unit.id not in depot_of:
                depot_of[v.unit.id] = len(places)
                places.append(v.unit.depot)
        for insee in sorted({o.insee for o in self.options}):
            site_of[insee] = len(places)
            places.append(self.instance.commune(insee).site.point)
        return places, depot_of, site_of

    def minutes(self, places) -> np.ndarray:
        idx = [self.travel.index(p) for p in places]
        return np.asarray(self.travel.minutes)[np.ix_(idx, idx)]

    def legs(self, minutes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Drive in steps (as `route_day`), cost units, and which legs may join two sessions."""
        whole = whole_minutes(minutes).astype(np.int64)
        step = self.instance.rules.time_step
        steps = -(-whole // step)
        cost = np.rint(minutes * DRIVE_UNIT).astype(np.int64)
        near = whole <= self.instance.rules.max_drive_between_sessions
        return steps, cost, near


@dataclass(frozen=True)
class PeerRoute:
    unit_id: str
    day: date
    communes: tuple[str, ...]


@dataclass
class PeerRun:
    routes: list[PeerRoute]
    seconds: float
    status: str


def gap_runs(days: Sequence[int], parts: int, gap: int) -> list[tuple[tuple[int, ...], ...]]:
    """Every way of taking ``parts`` runs of consecutive ``days`` (sorted day numbers), each run at
    least ``gap`` days after the previous one, that covers the most days."""
    best: list[tuple[tuple[int, ...], ...]] = []
    most = 0
    n = len(days)
    for bounds in itertools.combinations(range(n + 1), 2 * parts):
        runs = tuple(tuple(days[bounds[2 * r] : bounds[2 * r + 1]]) for r in range(parts))
        if any(not run for run in runs):
            continue
        if any(b[0] - a[-1] < gap for a, b in itertools.pairwise(runs)):
            continue
        covered = sum(len(r) for r in runs)
        if covered > most:
            best, most = [runs], covered
        elif covered == most:
            best.append(runs)
    return best


@dataclass
class _PyvrpModel:
    data: Any  # pyvrp.ProblemData (pyvrp is imported only when the peers run)
    clients: list  # client index -> (option, window on the week axis)
    restricted: int  # communes of k >= 2 visits held to runs of dates


def _pyvrp_model(week: WeekProblem) -> _PyvrpModel | None:
    """The PyVRP problem data of the week (module docstring); None without any client."""
    from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType

    rules = week.instance.rules
    places, depot_of, site_of = week.points()
    minutes = week.minutes(places)
    steps, cost, near = week.legs(minutes)
    prizes = week.prizes()
    gap = max(1, rules.min_gap_days)

    # Locations: one per depot, one per (commune, clock) so that a bus of another clock, or one that
    # may not serve the commune, can be kept away by its profile.
    loc_place = list(range(len(depot_of)))  # location -> row of `places`
    loc_of: dict[tuple[str, Clock], int] = {}
    for o in week.options:
        if (o.insee, o.clock) not in loc_of:
            loc_of[o.insee, o.clock] = len(loc_place)
            loc_place.append(site_of[o.insee])
    rows = np.asarray(loc_place)
    distance = cost[np.ix_(rows, rows)]
    duration = steps[np.ix_(rows, rows)].copy()
    forbid = 2 * week.axis  # a leg no route can drive without time warp
    n_depots = len(depot_of)
    clients_mask = np.arange(len(loc_place)) >= n_depots
    far = ~near[np.ix_(rows, rows)] & clients_mask[:, None] & clients_mask[None, :]
    duration[far] = forbid
    np.fill_diagonal(duration, 0)

    # Profiles: a bus may not drive to a location it may not serve (other clock, places, reach).
    may = defaultdict(set)  # unit id -> locations it may visit
    for o in week.options:
        for i in o.vehicles:
            may[week.vehicles[i].unit.id].add(loc_of[o.insee, o.clock])
    all_clients = set(range(n_depots, len(loc_place)))
    profile_of: dict[str, int] = {}
    profiles: list[frozenset[int]] = []
    for v in week.vehicles:
        banned = frozenset(all_clients - may[v.unit.id])
        if v.unit.id in profile_of:
            continue
        if banned not in profiles:
            profiles.append(banned)
        profile_of[v.unit.id] = profiles.index(banned)
    durations = []
    for banned in profiles:
        d = duration.copy()
        if banned:
            cols = sorted(banned)
            d[:, cols] = forbid
            d[cols, :] = forbid
            np.fill_diagonal(d, 0)
        durations.append(d)

    # Clients and their mutually exclusive groups.
    by_commune: dict[str, list[tuple[Option, tuple[int, int]]]] = defaultdict(list)
    for o in week.options:
        for window in o.windows:
            by_commune[o.insee].append((o, window))
    # Communes with k >= 2 visits take, in turn (most valuable first), the partitions of the dates
    # into k runs `min_gap_days` apart that cover the most dates.
    multi = sorted((i for i in by_commune if week.demand[i].visits > 1), key=lambda i: (-prizes[i], i))
    turn: Counter[tuple] = Counter()
    runs_of: dict[str, tuple[tuple[int, ...], ...]] = {}
    for insee in multi:
        days = sorted({week.day_index[o.day] for o, _ in by_commune[insee]})
        for k in range(week.demand[insee].visits, 0, -1):
            runs = gap_runs(days, k, gap)
            if runs:
                key = (tuple(days), k)
                runs_of[insee] = runs[turn[key] % len(runs)]
                turn[key] += 1
                break
    groups: list[list[tuple[Option, tuple[int, int]]]] = []
    for insee in sorted(by_commune):
        items = by_commune[insee]
        if insee not in runs_of:
            groups.append(items)
            continue
        for run in runs_of[insee]:
            groups.append([(o, w) for o, w in items if week.day_index[o.day] in run])
    restricted = len(runs_of)

    clients: list = []
    client_info: list = []
    group_objs: list = []
    for g, items in enumerate(groups):
        members = []
        for o, (early, late) in items:
            members.append(len(clients))
            clients.append(
                Client(
                    location=loc_of[o.insee, o.clock],
                    delivery=[1],
                    service_duration=o.clock.length,
                    tw_early=early,
                    tw_late=late,
                    prize=prizes[o.insee],
                    required=False,
                    group=g,
                    name=f"{o.insee}/{o.day}",
                )
            )
            client_info.append((o, (early, late)))
        group_objs.append(ClientGroup(members, required=False))
    if not clients:
        return None

    locations = [Location(float(i), 0.0) for i in range(len(loc_place))]
    horizon = (max(week.day_index.values()) + 1) * week.axis
    depots = [Depot(location=i, tw_early=0, tw_late=horizon) for i in range(n_depots)]
    vehicle_types = [
        VehicleType(
            num_available=1,
            capacity=[v.sessions],
            start_depot=depot_of[v.unit.id],
            end_depot=depot_of[v.unit.id],
            tw_early=v.early,
            tw_late=v.late,
            profile=profile_of[v.unit.id],
            name=f"{v.unit.id}/{v.day}",
        )
        for v in week.vehicles
    ]
    data = ProblemData(locations, clients, depots, vehicle_types, [distance] * len(durations), durations, group_objs)
    return _PyvrpModel(data, client_info, restricted)


def solve_pyvrp(week: WeekProblem, seconds: float, seed: int = 0) -> PeerRun:
    """PyVRP's iterated local search on the week (module docstring): ``MaxRuntime(seconds)`` after the
    model is built, seed ``seed``."""
    from pyvrp import PenaltyParams, SolveParams, solve
    from pyvrp.stop import MaxRuntime

    began = time.perf_counter()
    model = _pyvrp_model(week)
    if model is None:
        return PeerRun([], time.perf_counter() - began, "no client")
    data = model.data
    top = max(c.prize for c in data.clients())
    # Penalties of time warp and excess load in the range of the prizes, so that breaking a rule to
    # collect a prize never pays (PyVRP's default range, up to 100,000, is far below them).
    params = SolveParams(penalty=PenaltyParams(min_penalty=max(1.0, top / 100), max_penalty=100.0 * top))
    result = solve(data, MaxRuntime(seconds), seed=seed, collect_stats=False, display=False, params=params)
    seconds_used = time.perf_counter() - began
    if not result.is_feasible():
        return PeerRun([], seconds_used, "no feasible solution")
    routes = []
    for route in result.best.routes():
        v = week.vehicles[route.vehicle_type()]
        visits = [model.clients[a.idx][0].insee for a in route if a.is_client()]
        if visits:
            routes.append(PeerRoute(v.unit.id, v.day, tuple(visits)))
    best = result.best
    status = f"objective {best.distance_cost() + best.uncollected_prizes()}"
    if model.restricted:
        status += f", {model.restricted} commune(s) of k>=2 visits held to runs of dates"
    return PeerRun(routes, seconds_used, status)


def pyvrp_objective(week: WeekProblem, tours: Sequence[Tour]) -> int | None:
    """The planner's bus days read into the PyVRP model (each session the client of its half-day):
    PyVRP's objective, or None when the model rejects them (a model stricter than the rules)."""
    from pyvrp import Route, Solution

    model = _pyvrp_model(week)
    if model is None:
        return None
    vehicle_of = {(v.unit.id, v.day): i for i, v in enumerate(week.vehicles)}
    lookup = defaultdict(list)
    for c, (o, window) in enumerate(model.clients):
        lookup[o.insee, o.day, o.clock].append((c, window))
    routes, chosen = [], []
    for t in tours:
        if week.instance.unit(t.unit_id).kind is not UnitKind.BUS:
            continue
        if (t.unit_id, t.date) not in vehicle_of:
            return None
        v = vehicle_of[t.unit_id, t.date]
        clock = week.vehicles[v].clock
        base = week.day_index[t.date] * week.axis
        visits = []
        for s in t.sessions:
            at = base + clock.squeeze(s.start // clock.step)
            found = [c for c, (a, b) in lookup[s.insee, t.date, clock] if a <= at <= b]
            if not found:
                return None
            visits.append(found[0])
        routes.append(Route(model.data, visits, v))
        chosen += visits
    solution = Solution(model.data, routes)
    groups = Counter(model.data.clients()[c].group for c in chosen)
    if not solution.is_feasible() or any(n > 1 for n in groups.values()):
        return None
    return solution.distance_cost() + solution.uncollected_prizes()


@dataclass
class _OrModel:
    routing: Any  # pywrapcp.RoutingModel (untyped)
    manager: Any  # pywrapcp.RoutingIndexManager
    first: int  # node of the first option
    index_of: dict  # (insee, date, unit id) -> routing index of the option
    built: float  # seconds spent building


def _ortools_model(week: WeekProblem) -> _OrModel:
    """The OR-Tools routing model of the week (module docstring)."""
    from ortools.constraint_solver import pywrapcp

    began = time.perf_counter()
    rules = week.instance.rules
    places, depot_of, site_of = week.points()
    minutes = week.minutes(places)
    steps, cost, near = week.legs(minutes)
    prizes = week.prizes()

    n_v = len(week.vehicles)
    # Nodes: 0..n_v-1 the starts, n_v..2n_v-1 the ends (each at its bus's depot), then the options.
    node_place = [depot_of[v.unit.id] for v in week.vehicles] * 2 + [site_of[o.insee] for o in week.options]
    first = 2 * n_v
    n = len(node_place)
    place = np.asarray(node_place)
    drive_steps = steps[np.ix_(place, place)]
    drive_cost = cost[np.ix_(place, place)]
    length = np.zeros(n, dtype=np.int64)
    for k, o in enumerate(week.options):
        length[first + k] = o.clock.length
    transit_matrix = (drive_steps + length[:, None]).tolist()

    manager = pywrapcp.RoutingIndexManager(n, n_v, list(range(n_v)), list(range(n_v, 2 * n_v)))
    routing = pywrapcp.RoutingModel(manager)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(drive_cost.tolist()))
    horizon = (max(week.day_index.values()) + 1) * week.axis
    routing.AddDimension(routing.RegisterTransitMatrix(transit_matrix), horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitVector([1 if i >= first else 0 for i in range(n)]),
        0,
        [v.sessions for v in week.vehicles],
        True,
        "Sessions",
    )
    for i, v in enumerate(week.vehicles):
        time_dim.CumulVar(routing.Start(i)).SetRange(v.early, v.late)
        time_dim.CumulVar(routing.End(i)).SetRange(v.early, v.late)

    ends_of_day: dict[date, list[int]] = defaultdict(list)
    for i, v in enumerate(week.vehicles):
        ends_of_day[v.day].append(routing.End(i))
    same: dict[tuple[date, Clock], list[int]] = defaultdict(list)
    for k, o in enumerate(week.options):
        same[o.day, o.clock].append(k)
    by_commune: dict[str, list[int]] = defaultdict(list)
    index_of = {}
    for k, o in enumerate(week.options):
        index = manager.NodeToIndex(first + k)
        by_commune[o.insee].append(index)
        for i in o.vehicles:
            index_of[o.insee, o.day, week.vehicles[i].unit.id] = index
        windows = sorted(o.windows)
        cumul = time_dim.CumulVar(index)
        cumul.SetRange(windows[0][0], windows[-1][1])
        for (_, a), (b, _) in itertools.pairwise(windows):
            if b > a + 1:
                cumul.RemoveInterval(a + 1, b - 1)
        routing.VehicleVar(index).SetValues([-1, *o.vehicles])  # -1: not visited
        row = site_of[o.insee]
        successors = [
            manager.NodeToIndex(first + j)
            for j in same[o.day, o.clock]
            if j != k and near[row, site_of[week.options[j].insee]]
        ]
        routing.NextVar(index).SetValues([index, *successors, *ends_of_day[o.day]])
    solver = routing.solver()
    gap = max(1, rules.min_gap_days)
    for insee, indices in sorted(by_commune.items()):
        k = week.demand[insee].visits
        routing.AddDisjunction(indices, prizes[insee], k, routing.PENALIZE_PER_INACTIVE)
        if k > 1:
            for a, b in itertools.combinations(indices, 2):
                da = week.options[manager.IndexToNode(a) - first].day
                db = week.options[manager.IndexToNode(b) - first].day
                if abs((da - db).days) < gap:
                    solver.Add(routing.ActiveVar(a) + routing.ActiveVar(b) <= 1)
    return _OrModel(routing, manager, first, index_of, time.perf_counter() - began)


def solve_ortools(week: WeekProblem, seconds: float) -> PeerRun:
    """OR-Tools routing with guided local search on the week (module docstring): ``seconds`` of
    search after the model is built."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    began = time.perf_counter()
    if not week.options or not week.vehicles:
        return PeerRun([], time.perf_counter() - began, "no client")
    model = _ortools_model(week)
    routing, manager, first = model.routing, model.manager, model.first
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(100, int(seconds * 1000)))
    solution = routing.SolveWithParameters(params)
    seconds_used = time.perf_counter() - began
    if solution is None:
        return PeerRun([], seconds_used, f"no solution (status {routing.status()})")
    routes = []
    for i, v in enumerate(week.vehicles):
        visits = []
        index = solution.Value(routing.NextVar(routing.Start(i)))
        while not routing.IsEnd(index):
            visits.append(week.options[manager.IndexToNode(index) - first].insee)
            index = solution.Value(routing.NextVar(index))
        if visits:
            routes.append(PeerRoute(v.unit.id, v.day, tuple(visits)))
    return PeerRun(routes, seconds_used, f"objective {solution.ObjectiveValue()}")


def ortools_objective(week: WeekProblem, tours: Sequence[Tour]) -> int | None:
    """The planner's bus days read into the OR-Tools model: its objective, or None when the model
    rejects them (a model stricter than the planner's rules). A check of the model, not of a solver."""
    if not week.options or not week.vehicles:
        return None
    model = _ortools_model(week)
    vehicle_of = {(v.unit.id, v.day): i for i, v in enumerate(week.vehicles)}
    routes: list[list[int]] = [[] for _ in week.vehicles]
    for t in tours:
        if (t.unit_id, t.date) not in vehicle_of:
            if week.instance.unit(t.unit_id).kind is UnitKind.BUS:
                return None
            continue
        for s in t.sessions:
            index = model.index_of.get((s.insee, t.date, t.unit_id))
            if index is None:
                return None
            routes[vehicle_of[t.unit_id, t.date]].append(index)
    model.routing.CloseModel()
    assignment = model.routing.ReadAssignmentFromRoutes(routes, True)
    return None if assignment is None else assignment.ObjectiveValue()


@dataclass
class Checked:
    tours: list[Tour]
    dropped: Counter  # reason -> routes dropped


def check_routes(week: WeekProblem, routes: Sequence[PeerRoute]) -> Checked:
    """Each route re-checked by the planner's rules, in this order; a route failing one is dropped:

    - ``place``: the bus works that date (no holiday, closure, unit closure), the commune has a bus
      target, the bus may serve it (`Unit.may_serve`), it is in the bus's reach
      (`planner.tours.pattern_problem.reachable`), its site is open that day and long enough
      (`site_hours_fit`), pins and bans allow it, the commune is not closed that date;
    - ``crew``: no more sessions than the roster can crew that day (`crew_counts`);
    - ``pairing``: two consecutive sessions (in the peer's order) at most
      ``max_drive_between_sessions`` minutes apart, drives in whole minutes as `route_day` counts;
    - ``timing``: `planner.tours.day_routing.route_day` times the day with every session (none dropped);
    - ``week``: across routes, one visit per commune a day, ``min_gap_days``, at most ``ceil(target)``
      visits (a route breaking one with a route kept before it, in date order, is dropped).
    """
    instance, travel = week.instance, week.travel
    rules = instance.rules
    closed = closed_dates(rules)
    sessions_of = {(v.unit.id, v.day): v.sessions for v in week.vehicles}
    dropped: Counter = Counter()
    timed: list[tuple[PeerRoute, Tour]] = []
    for r in sorted(routes, key=lambda r: (r.day, r.unit_id)):
        unit = instance.unit(r.unit_id)
        communes = [instance.commune(i) for i in r.communes]
        if (
            r.day in closed
            or r.day.weekday() not in unit.days
            or rules.unit_closed(unit.id, r.day)
            or not r.communes
            or not all(
                c.insee in week.demand
                and c.site.point in travel
                and unit.may_serve(c.insee)
                and reachable(instance, travel, unit, c)
                and r.day.weekday() in c.site.open_days
                and site_hours_fit(c, unit, rules.session_length(unit))
                and rules.day_allowed(c.insee, r.day.weekday(), unit.id)
                and not rules.commune_closed(c.insee, r.day)
                for c in communes
            )
        ):
            dropped["place"] += 1
            continue
        if len(communes) > sessions_of.get((unit.id, r.day), 0):
            dropped["crew"] += 1
            continue
        legs = [
            float(whole_minutes(travel.minutes[travel.index(a.site.point), travel.index(b.site.point)]))
            for a, b in itertools.pairwise(communes)
        ]
        if any(m > rules.max_drive_between_sessions for m in legs):
            dropped["pairing"] += 1
            continue
        result = route_day(
            unit,
            r.day,
            communes,
            session_minutes=rules.session_length(unit),
            travel=travel,
            time_step=rules.time_step,
            max_drive=rules.max_drive_between_sessions,
        )
        if result.tour is None or result.dropped:
            dropped["timing"] += 1
            continue
        timed.append((r, result.tour))

    kept: list[Tour] = []
    seen: dict[str, list[date]] = defaultdict(list)
    gap = max(1, rules.min_gap_days)
    for r, tour in timed:
        ok = all(
            len(seen[i]) < week.demand[i].visits and all(abs((r.day - d).days) >= gap for d in seen[i])
            for i in r.communes
        ) and len(set(r.communes)) == len(r.communes)
        if not ok:
            dropped["week"] += 1
            continue
        for i in r.communes:
            seen[i].append(r.day)
        kept.append(tour)
    return Checked(kept, dropped)


def bus_routes_of(instance: Instance, tours: Sequence[Tour]) -> list[PeerRoute]:
    """A plan's bus tours as routes (to run the same checks on the planner's own days)."""
    return [
        PeerRoute(t.unit_id, t.date, tuple(s.insee for s in t.sessions))
        for t in tours
        if instance.unit(t.unit_id).kind is UnitKind.BUS
    ]
