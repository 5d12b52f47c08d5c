"""The weekly-pattern problem: slots, visits, and what each visit is worth over the real dates.

A pattern repeats over a cycle of ``cycle_weeks`` weeks. A commune visited every ``p`` weeks takes a
slot ``(unit, weekday, session)`` in the weeks ``phase, phase + p, …`` of the cycle, so it comes back
on the same weekday at the same point of the day: regularity is built into the model rather than
rewarded afterwards. A fixed place has one slot per room and session, so it may hold ``rooms``
consultations at once.

A visit is worth its commune's need times the number of *real dated occurrences* it yields over the
horizon: the dates of its weekday and weeks that are not public holidays, closures or commune
closures, and on which the roster can crew the unit's day up to that session (``crews``). So the
pattern's objective, its proven bound and the plan's ``need_served_share`` count in the same unit,
and the roll-out only lays down the occurrences the model counted. This module derives, once per
plan, what both searches need (`planner.tours.pattern_search` with CP-SAT,
`planner.tours.greedy_pattern`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property, reduce
from itertools import islice

import numpy as np

from planner.domain.calendar import closed_dates
from planner.domain.instance import Commune, Instance, Point, Unit, UnitKind
from planner.domain.travel_matrix import TravelMatrix, whole_minutes

#: Longest cycle considered, in weeks (monthly visits need 4).
MAX_CYCLE_WEEKS = 12
#: The model keeps the best communes until their targets ask for this many times the weekly slots.
SHORTLIST_FACTOR = 3
#: A commune outside priority zones is a candidate for at most this many units (the nearest ones),
#: to keep the model small; a priority-zone commune for every unit in reach (priority zones come
#: first, and a cut of 3 left Gers-Armagnac's at 99.7 % where every bus gives 100 %:
#: docs/architecture.md, « Objectives and lessons »).
MAX_UNITS_PER_COMMUNE = 2
#: A bus is offered, beyond the cut, its nearest communes that could fill this many of its weeks: a
#: bus whose communes are all nearer other buses was left with none it could take over
#: (docs/architecture.md, "The cut, both ways").
NEAREST_WEEKS = 2
#: Need is counted in tenths of a person and visits in quarters: the integer units of the objective
#: (a fortnightly commune over 5 weeks is worth at most 2.5 visits).
NEED_SCALE = 10
VISIT_SCALE = 4

#: ``crews(unit, day, session)``: how many crews the roster can field on ``day`` for the unit's
#: sessions up to ``session`` (a bus: 0 or 1, one crew for the whole day so far; a fixed place: the
#: crews for that session, one per room at most).
Crews = Callable[[Unit, date, int], int]


def any_crew(unit: Unit, day: date, session: int) -> int:
    """Crews when the roster is not considered: every room of every session."""
    return unit.rooms if unit.kind is UnitKind.FIXED else 1


@dataclass(frozen=True)
class PostLimit:
    """What the roster can give over some dates (a week, a month): at most ``limit`` places of one
    role, a tour (a bus's day, a fixed place's session in one room) of a unit taking
    ``per_tour[unit id]`` of them. Weekly and monthly maxima summed over the people who could come."""

    dates: frozenset[date]
    per_tour: Mapping[str, int]
    limit: int


@dataclass(frozen=True)
class Slot:
    """One session slot of a unit's week: session ``session`` of weekday ``weekday`` (in ``room``)."""

    unit_id: str
    weekday: int
    session: int
    room: int = 0


@dataclass(frozen=True)
class Visit:
    """A commune placed in a slot every ``period`` weeks, in the cycle weeks ≡ ``phase`` (mod period)."""

    insee: str
    slot: Slot
    period: int
    phase: int

    def in_cycle_week(self, cycle_week: int) -> bool:
        return cycle_week % self.period == self.phase


@dataclass(frozen=True)
class Pattern:
    """The chosen visits, and how they were found.

    ``method`` is ``"cp-sat"`` or ``"greedy"``; ``need`` the need the pattern serves and
    ``need_bound`` a proven upper bound on it (``None`` when none is proven), both in the units of
    `PatternProblem.need_share`; ``proven`` says that the need served (priority zones first) is
    proven the best possible, ``drive_proven`` that the driving is the least possible at that need;
    ``notes`` say in French how the search went and what was kept.
    """

    cycle_weeks: int
    visits: tuple[Visit, ...]
    method: str = "greedy"
    need: int = 0
    need_bound: int | None = None
    proven: bool = False
    drive_proven: bool = False
    notes: tuple[str, ...] = ()
    budget: float = 0.0  # seconds of computing the search could spend
    drive: float = 0.0  # minutes of driving over the horizon, as the search counts them

    def communes_on(self, unit_id: str, weekday: int, cycle_week: int) -> list[Visit]:
        """The visits of one unit's day in a given week of the cycle, in slot order."""
        day = [
            v
            for v in self.visits
            if v.slot.unit_id == unit_id and v.slot.weekday == weekday and v.in_cycle_week(cycle_week)
        ]
        return sorted(day, key=lambda v: (v.slot.session, v.slot.room))


def period_of(visits_per_week: float) -> int:
    """Weeks between two visits: 1 for weekly or more, 2 fortnightly, 4 monthly…"""
    return 1 if visits_per_week >= 1 else max(1, round(1 / visits_per_week))


def visits_per_period(visits_per_week: float) -> int:
    return max(1, round(visits_per_week)) if visits_per_week >= 1 else 1


def need_weight(commune: Commune) -> int:
    """What one visit of a commune is worth to the day routing: its need (at least 1)."""
    return max(1, round(commune.need))


@dataclass(frozen=True)
class Demand:
    """What a candidate asks for and what each of its visits is worth.

    ``per_week`` is the target in visits (sessions, for a fixed place) per week; ``need`` and
    ``priority_need`` the need one visit-occurrence serves (tenths of a person; priority zones' part
    apart), so that serving the target every week serves the commune's whole need.
    """

    per_week: float
    need: int
    priority_need: int
    fixed: bool = False

    @property
    def period(self) -> int:
        return period_of(self.per_week)

    @property
    def per_period(self) -> int:
        return visits_per_period(self.per_week)


def commune_demand(commune: Commune) -> Demand:
    need = round(NEED_SCALE * commune.need)
    return Demand(commune.visits_per_week, need, need if commune.priority else 0)


@dataclass(frozen=True)
class PatternProblem:
    """What the pattern search needs, derived once from the instance, the travel matrix and the crews.

    ``dates[(slot, cycle_week)]`` are the dates a visit in that slot and cycle week really happens
    (its unit works, no holiday nor closure, a crew can be found); ``demand`` what each candidate
    asks for; ``need_total`` the need of every candidate's target over the horizon, the denominator
    of `need_share`.
    """

    instance: Instance
    travel: TravelMatrix
    candidates: tuple[Commune, ...]
    slots: tuple[Slot, ...]
    allowed: Mapping[str, tuple[Slot, ...]]  # insee -> slots it may take
    cycle_weeks: int
    demand: Mapping[str, Demand]
    dates: Mapping[tuple[Slot, int], tuple[date, ...]]
    need_total: int
    post_limits: tuple[PostLimit, ...] = ()

    @cached_property
    def near(self) -> dict[tuple[str, str], frozenset[str]]:
        """For each (unit, candidate), the candidates that may follow it in a day (`neighbours`).

        For membership tests only: a set's order changes from one process to the next with
        ``PYTHONHASHSEED``, and must never reach a model.
        """
        return neighbours(self)

    def minutes(self, a: Point, b: Point) -> float:
        return float(self.travel.minutes[self.travel.index(a), self.travel.index(b)])

    def round_trip(self, unit: Unit, commune: Commune) -> float:
        return _round_trip(self.travel, unit, commune)

    @cached_property
    def _values(self) -> dict[tuple[str, Slot, int, bool], int]:
        return {}

    def occurrences(self, insee: str, slot: Slot, phase: int) -> tuple[date, ...]:
        """The dates a visit of ``insee`` in ``slot`` and ``phase`` really happens."""
        period = self.demand[insee].period
        rules = self.instance.rules
        return tuple(
            d
            for week in range(self.cycle_weeks)
            if week % period == phase
            for d in self.dates.get((slot, week), ())
            if not rules.commune_closed(insee, d)
        )

    def possible_visits(self) -> list[tuple[str, Slot, int]]:
        """Every (commune, slot, phase) a visit could take that serves something: the search's variables."""
        return [
            (c.insee, slot, phase)
            for c in self.candidates
            for slot in self.allowed[c.insee]
            for phase in range(self.demand[c.insee].period)
            if self.value(c.insee, slot, phase) > 0
        ]

    def value(self, insee: str, slot: Slot, phase: int, *, priority: bool = False) -> int:
        """What the visit serves over the horizon: need per occurrence × occurrences (capped by the target)."""
        key = (insee, slot, phase, priority)
        if key not in self._values:
            self._values[key] = self._value(insee, slot, phase, priority)
        return self._values[key]

    def _value(self, insee: str, slot: Slot, phase: int, priority: bool) -> int:
        demand = self.demand[insee]
        per_visit_cap = demand.per_week * self.instance.rules.weeks / demand.per_period
        visits = min(
            VISIT_SCALE * len(self.occurrences(insee, slot, phase)), math.floor(VISIT_SCALE * per_visit_cap + 1e-9)
        )
        return (demand.priority_need if priority else demand.need) * visits

    def need_share(self, value: float) -> float:
        """A need served in model units, as the share of every candidate's target need (the KPI)."""
        return value / self.need_total if self.need_total else 1.0


def build_problem(
    instance: Instance,
    travel: TravelMatrix,
    *,
    crews: Crews = any_crew,
    demand: Mapping[str, Demand] | None = None,
    post_limits: tuple[PostLimit, ...] = (),
) -> PatternProblem:
    """Candidates, slots, which slot each commune may take (days, hours, reach, site opening), and
    the dates each slot really happens on.

    ``demand`` (by INSEE code) overrides what candidates ask for (fixed places' catchments); by
    default every commune with a target is a candidate for its own need. ``post_limits`` are what the
    roster can give per week and month (`planner.crews.staffing.post_limits`).
    """
    rules = instance.rules
    demand = dict(demand) if demand is not None else {}
    for c in instance.communes:
        if c.insee not in demand and c.visits_per_week > 0:
            demand[c.insee] = commune_demand(c)
    candidates = tuple(c for c in instance.communes if c.insee in demand and demand[c.insee].per_week > 0)
    periods = {demand[c.insee].period for c in candidates} or {1}
    cycle = min(MAX_CYCLE_WEEKS, reduce(math.lcm, periods, 1))
    dates = _slot_dates(instance, cycle, crews)
    slots = tuple(
        Slot(u.id, d, s, r)
        for u in instance.units
        for d in sorted(u.days)
        for s in range(u.sessions_per_day)
        for r in range(u.rooms if u.kind is UnitKind.FIXED else 1)
        if any(dates.get((Slot(u.id, d, s, r), w)) for w in range(cycle))
    )
    need_total = sum(d.need * VISIT_SCALE * d.per_week * rules.weeks for d in (demand[c.insee] for c in candidates))
    allowed: dict[str, tuple[Slot, ...]] = {}
    for c in candidates:
        fixed = demand[c.insee].fixed  # a fixed place's commune is served by its place, never by a bus
        unit_ids = {u.id for u in units_for(instance, travel, c) if (u.kind is UnitKind.FIXED) == fixed}
        allowed[c.insee] = tuple(
            s
            for s in slots
            if s.unit_id in unit_ids
            and s.weekday in c.site.open_days
            and rules.day_allowed(c.insee, s.weekday, s.unit_id)
            and site_hours_fit(c, instance.unit(s.unit_id), rules.session_length(instance.unit(s.unit_id)))
        )
    kept = _shortlist(candidates, allowed, demand, rules, weekly_slots=len(slots))
    kept_allowed = {c.insee: allowed[c.insee] for c in kept}
    return PatternProblem(
        instance, travel, kept, slots, kept_allowed, cycle, demand, dates, round(need_total), post_limits
    )


def _slot_dates(instance: Instance, cycle: int, crews: Crews) -> dict[tuple[Slot, int], tuple[date, ...]]:
    """For each slot and cycle week, the horizon dates it happens on: unit working and in service, no
    holiday or closure, and a crew for the day up to that session (one crew per room at a fixed place)."""
    rules = instance.rules
    closed = closed_dates(rules)
    found: dict[tuple[Slot, int], list[date]] = {}
    for day in rules.dates():
        if day in closed:
            continue
        week = rules.week_index(day) % cycle
        for unit in instance.units:
            if day.weekday() not in unit.days or rules.unit_closed(unit.id, day):
                continue
            for session in range(unit.sessions_per_day):
                rooms = min(crews(unit, day, session), unit.rooms if unit.kind is UnitKind.FIXED else 1)
                for room in range(rooms):
                    found.setdefault((Slot(unit.id, day.weekday(), session, room), week), []).append(day)
    return {key: tuple(days) for key, days in found.items()}


def _shortlist(candidates, allowed, demand, rules, *, weekly_slots: int) -> tuple[Commune, ...]:
    """The candidates worth a place in the model: pinned communes first, then priority zones, then by need, until their
    targets could fill the week many times.

    A commune ranked below communes whose targets already ask for ``SHORTLIST_FACTOR`` times the
    weekly capacity cannot get a slot unless all of those are out of reach, so the model leaves it out
    (`planner.planning.left_out` says so). Keeps department-scale models small.
    """
    reachable = [c for c in candidates if allowed[c.insee]]
    pinned = {p.insee for p in rules.pins}
    ranked = sorted(
        reachable, key=lambda c: (c.insee not in pinned, -demand[c.insee].priority_need, -demand[c.insee].need, c.insee)
    )
    kept, asked = [], 0.0
    for c in ranked:
        if asked >= SHORTLIST_FACTOR * weekly_slots:
            break
        kept.append(c)
        asked += demand[c.insee].per_week
    unreachable = [c for c in candidates if not allowed[c.insee]]
    return tuple(sorted(kept + unreachable, key=lambda c: c.insee))


def units_for(instance: Instance, travel: TravelMatrix, commune: Commune) -> list[Unit]:
    """The units that may visit a commune: those allowed to serve it and within reach
    (`reachable`): all of them in a priority zone; elsewhere the `MAX_UNITS_PER_COMMUNE` nearest
    when no unit lists its places, and every bus for which it is one of its nearest communes
    (`NEAREST_WEEKS`). A site the matrix lacks is out of every unit's reach
    (`planner.travel.may_be_visited`)."""
    if commune.site.point not in travel:
        return []
    units = [u for u in instance.units if u.may_serve(commune.insee) and reachable(instance, travel, u, commune)]
    units.sort(key=lambda u: (_round_trip(travel, u, commune), u.id))
    if not commune.priority and len(units) > MAX_UNITS_PER_COMMUNE and not any(u.places for u in units):
        nearest = _NearestCommunes.of(instance, travel)
        units = [u for i, u in enumerate(units) if i < MAX_UNITS_PER_COMMUNE or commune.insee in nearest.of_unit(u)]
    return units


class _NearestCommunes:
    """Each bus's nearest communes it may serve and reach, by round trip: `NEAREST_WEEKS` of its weeks'
    sessions of them (`units_for`). Kept for the last instance and matrix asked about (by identity):
    `units_for` is asked once per commune."""

    _last: _NearestCommunes | None = None

    def __init__(self, instance: Instance, travel: TravelMatrix) -> None:
        self.instance, self.travel = instance, travel
        self.found: dict[str, frozenset[str]] = {}

    @classmethod
    def of(cls, instance: Instance, travel: TravelMatrix) -> _NearestCommunes:
        last = cls._last
        if last is None or last.instance is not instance or last.travel is not travel:
            last = cls._last = cls(instance, travel)
        return last

    def of_unit(self, unit: Unit) -> frozenset[str]:
        """``unit``'s nearest communes."""
        if unit.id not in self.found:
            instance, travel = self.instance, self.travel
            most = NEAREST_WEEKS * len(unit.days) * unit.sessions_per_day
            near = sorted(
                (c for c in instance.communes if c.site.point in travel and unit.may_serve(c.insee)),
                key=lambda c: (_round_trip(travel, unit, c), c.insee),
            )
            kept = islice((c.insee for c in near if reachable(instance, travel, unit, c)), most)
            self.found[unit.id] = frozenset(kept)
        return self.found[unit.id]


def _round_trip(travel: TravelMatrix, unit: Unit, commune: Commune) -> float:
    if unit.kind is UnitKind.FIXED:
        return 0.0
    depot, site = travel.index(unit.depot), travel.index(commune.site.point)
    return float(travel.minutes[depot, site] + travel.minutes[site, depot])


def reachable(instance: Instance, travel: TravelMatrix, unit: Unit, commune: Commune) -> bool:
    """A session there fits in the unit's day, driving included.

    With a lunch break the session must fit in the morning after the drive out, or in the
    afternoon before the drive back (the other drive may overlap the break).
    """
    length = instance.rules.session_length(unit)
    if unit.kind is UnitKind.FIXED:
        return length <= unit.hours.minutes
    if commune.site.point not in travel or unit.depot not in travel:
        return False  # no road there (Maripasoula, Saül: reached by air or river only)
    depot, site = travel.index(unit.depot), travel.index(commune.site.point)
    step = instance.rules.time_step
    out, back = grid_minutes(travel.minutes[depot, site], step), grid_minutes(travel.minutes[site, depot], step)
    if unit.lunch is None:
        return out + length + back <= unit.hours.minutes
    morning = unit.lunch.start - unit.hours.start
    afternoon = unit.hours.end - unit.lunch.end
    return out + length <= morning or length + back <= afternoon


def grid_minutes(minutes, step: int):
    """Drive minutes as the day's timing counts them (`planner.tours.day_routing`): rounded up to
    whole minutes, then to whole steps of the time grid, since sessions start and end on it."""
    return np.ceil(whole_minutes(minutes) / step - 1e-9) * step


def site_hours_fit(commune: Commune, unit: Unit, length: int) -> bool:
    """The commune's site is open long enough, within the unit's hours, for one session."""
    hours = commune.site.open_hours
    if hours is None:
        return True
    start, end = max(hours.start, unit.hours.start), min(hours.end, unit.hours.end)
    return end - start >= length


def neighbours(problem: PatternProblem) -> dict[tuple[str, str], frozenset[str]]:
    """For each (unit, candidate that has a slot), the candidates that may follow it in the unit's
    day.

    Within ``max_drive_between_sessions`` minutes of it, and such that depot → it → the next → depot
    fits in the working day (`_pair_fits`).
    """
    instance = problem.instance
    limit = instance.rules.max_drive_between_sessions
    reachable = [c for c in problem.candidates if problem.allowed.get(c.insee)]
    codes = [c.insee for c in reachable]
    idx = [problem.travel.index(c.site.point) for c in reachable]
    minutes = problem.travel.minutes[np.ix_(idx, idx)]
    near: dict[tuple[str, str], frozenset[str]] = {}
    for unit in instance.units:
        if unit.kind is UnitKind.FIXED:
            fits = np.ones_like(minutes, dtype=bool)
        else:
            d = problem.travel.index(unit.depot)
            out, back = problem.travel.minutes[d, idx], problem.travel.minutes[idx, d]
            step = instance.rules.time_step
            fits = _pair_fits(
                unit, instance.rules.session_length(unit), *(grid_minutes(m, step) for m in (out, minutes, back))
            )
        ok = (minutes <= limit) & fits
        np.fill_diagonal(ok, False)
        for i, a in enumerate(codes):
            near[unit.id, a] = frozenset(codes[j] for j in np.flatnonzero(ok[i]))
    return near


def _pair_fits(unit: Unit, length: int, out: np.ndarray, hop: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Whether depot → a → b → depot with two sessions fits the unit's day, for every (a, b).

    With a lunch break and two sessions a day, the first session must fit in the morning after the
    drive out, and the second in the afternoon before the drive back; the hop between them is driven
    in the morning's slack, after lunch, or partly in each (the validator's lunch rule counts the
    gap's time outside the break: a pair whose hop straddles lunch was refused here although the day
    routing times it; PyVRP used one on Yonne-Puisaye). Otherwise the whole day is one stretch.
    """
    if unit.lunch is None or unit.sessions_per_day != 2:
        spare = unit.hours.minutes - 2 * length - (unit.lunch.minutes if unit.lunch else 0)
        return out[:, None] + hop + back[None, :] <= spare
    morning = unit.lunch.start - unit.hours.start
    afternoon = unit.hours.end - unit.lunch.end
    slack = morning - length - out[:, None]
    first_fits = slack >= 0
    afternoon_slack = afternoon - length - back[None, :]
    return first_fits & (afternoon_slack >= 0) & (hop <= slack + afternoon_slack)


def sorted_visits(visits) -> tuple[Visit, ...]:
    return tuple(
        sorted(visits, key=lambda v: (v.slot.unit_id, v.slot.weekday, v.slot.session, v.slot.room, v.phase, v.insee))
    )
