"""The weekly-pattern problem: slots, visits, which slot each candidate commune may take.

A pattern repeats over a cycle of ``cycle_weeks`` weeks. A commune visited every ``p`` weeks takes a
slot ``(unit, weekday, session)`` in the weeks ``phase, phase + p, …`` of the cycle, so it comes back
on the same weekday at the same point of the day: regularity is built into the model rather than
rewarded afterwards. This module derives, once per plan, what both searches need
(`planner.tours.pattern_search` with CP-SAT, `planner.tours.greedy_pattern`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, reduce

import numpy as np

from planner.domain.instance import Commune, Instance, Point, Unit, UnitKind
from planner.domain.travel_matrix import TravelMatrix, whole_minutes

#: Longest cycle considered, in weeks (monthly visits need 4).
MAX_CYCLE_WEEKS = 12
#: Need and driving are scaled by this before rounding, so the weekday tie-break stays a tie-break.
#: The model keeps the best communes until their targets ask for this many times the weekly slots.
SHORTLIST_FACTOR = 3
#: Up to this many visit variables, one CP-SAT worker proves optimality fastest; above, four
#: A commune is a candidate for at most this many units (the nearest ones), to keep the model small.
MAX_UNITS_PER_COMMUNE = 2


@dataclass(frozen=True)
class Slot:
    """One session slot of a unit's week: session ``session`` of weekday ``weekday``."""

    unit_id: str
    weekday: int
    session: int


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
    """The chosen visits; ``status`` says how CP-SAT ended (or ``"greedy"``)."""

    cycle_weeks: int
    visits: tuple[Visit, ...]
    status: str
    objective: float = 0.0

    def communes_on(self, unit_id: str, weekday: int, cycle_week: int) -> list[Visit]:
        """The visits of one unit's day in a given week of the cycle, in slot order."""
        day = [
            v
            for v in self.visits
            if v.slot.unit_id == unit_id and v.slot.weekday == weekday and v.in_cycle_week(cycle_week)
        ]
        return sorted(day, key=lambda v: v.slot.session)


def period_of(visits_per_week: float) -> int:
    """Weeks between two visits: 1 for weekly or more, 2 fortnightly, 4 monthly…"""
    return 1 if visits_per_week >= 1 else max(1, round(1 / visits_per_week))


def visits_per_period(visits_per_week: float) -> int:
    return max(1, round(visits_per_week)) if visits_per_week >= 1 else 1


def need_weight(commune: Commune) -> int:
    """What one visit-week of a commune is worth outside priority zones: its need (at least 1)."""
    return max(1, round(commune.need))


def need_weights(communes: tuple[Commune, ...]) -> dict[str, int]:
    """Visit-week values: a priority-zone commune is worth more than any other, then need decides."""
    bonus = max((need_weight(c) for c in communes), default=0) + 1
    return {c.insee: need_weight(c) + (bonus if c.priority else 0) for c in communes}


@dataclass(frozen=True)
class PatternProblem:
    """What the pattern search needs, derived once from the instance and the travel matrix."""

    instance: Instance
    travel: TravelMatrix
    candidates: tuple[Commune, ...]
    slots: tuple[Slot, ...]
    allowed: Mapping[str, tuple[Slot, ...]]  # insee -> slots it may take
    cycle_weeks: int
    weights: Mapping[str, int]  # insee -> value of one visit-week (see `need_weights`)

    @cached_property
    def near(self) -> dict[tuple[str, str], set[str]]:
        """For each (unit, candidate), the candidates that may follow it in a day (`neighbours`)."""
        return neighbours(self)

    def minutes(self, a: Point, b: Point) -> float:
        return float(self.travel.minutes[self.travel.index(a), self.travel.index(b)])

    def round_trip(self, unit: Unit, commune: Commune) -> float:
        if unit.kind is UnitKind.FIXED:
            return 0.0
        site = commune.site.point
        return self.minutes(unit.depot, site) + self.minutes(site, unit.depot)


def build_problem(
    instance: Instance,
    travel: TravelMatrix,
    *,
    staffable: Callable[[Unit, int, int], bool] = lambda unit, weekday, session: True,
) -> PatternProblem:
    """Candidates, slots and which slot each commune may take (days, hours, reach, site opening)."""
    rules = instance.rules
    candidates = tuple(c for c in instance.communes if c.visits_per_week > 0)
    periods = {period_of(c.visits_per_week) for c in candidates} or {1}
    cycle = min(MAX_CYCLE_WEEKS, reduce(math.lcm, periods, 1))
    slots = tuple(
        Slot(u.id, d, s)
        for u in instance.units
        for d in sorted(u.days)
        for s in range(u.sessions_per_day)
        if staffable(u, d, s)
    )
    weights = need_weights(candidates)
    problem = PatternProblem(instance, travel, candidates, slots, {}, cycle, weights)
    allowed: dict[str, tuple[Slot, ...]] = {}
    for c in candidates:
        # A site the matrix lacks is out of every unit's reach (`planner.travel.may_be_visited`).
        in_matrix = c.site.point in travel
        units = [u for u in instance.units if in_matrix and u.may_serve(c.insee) and _reachable(problem, u, c)]
        units.sort(key=lambda u: (problem.round_trip(u, c), u.id))
        if len(units) > MAX_UNITS_PER_COMMUNE and not any(u.places for u in units):
            units = units[:MAX_UNITS_PER_COMMUNE]
        unit_ids = {u.id for u in units}
        allowed[c.insee] = tuple(
            s
            for s in slots
            if s.unit_id in unit_ids
            and s.weekday in c.site.open_days
            and _site_hours_fit(c, instance.unit(s.unit_id), rules.session_length(instance.unit(s.unit_id)))
        )
    kept = _shortlist(candidates, allowed, weights, weekly_slots=len(slots))
    kept_allowed = {c.insee: allowed[c.insee] for c in kept}
    return PatternProblem(instance, travel, kept, slots, kept_allowed, cycle, weights)


def _shortlist(candidates, allowed, weights, *, weekly_slots: int) -> tuple[Commune, ...]:
    """The candidates worth a place in the model: by value, until they could fill the week many times.

    A commune ranked below communes whose targets already ask for ``SHORTLIST_FACTOR`` times the
    weekly capacity cannot get a slot unless all of those are out of reach, so the model leaves it out
    (it is reported as left out for capacity). Keeps department-scale models small.
    """
    reachable = [c for c in candidates if allowed[c.insee]]
    ranked = sorted(reachable, key=lambda c: (-weights[c.insee], c.insee))
    kept, demand = [], 0.0
    for c in ranked:
        if demand >= SHORTLIST_FACTOR * weekly_slots:
            break
        kept.append(c)
        demand += c.visits_per_week
    unreachable = [c for c in candidates if not allowed[c.insee]]
    return tuple(sorted(kept + unreachable, key=lambda c: c.insee))


def _reachable(problem: PatternProblem, unit: Unit, commune: Commune) -> bool:
    """A session there fits in the unit's day, driving included.

    With a lunch break the session must fit in the morning after the drive out, or in the
    afternoon before the drive back (the other drive may overlap the break).
    """
    length = problem.instance.rules.session_length(unit)
    if unit.kind is UnitKind.FIXED:
        return length <= unit.hours.minutes
    site = commune.site.point
    out, back = (whole_minutes(problem.minutes(a, b)) for a, b in ((unit.depot, site), (site, unit.depot)))
    if unit.lunch is None:
        return out + length + back <= unit.hours.minutes
    morning = unit.lunch.start - unit.hours.start
    afternoon = unit.hours.end - unit.lunch.end
    return out + length <= morning or length + back <= afternoon


def _site_hours_fit(commune: Commune, unit: Unit, length: int) -> bool:
    hours = commune.site.open_hours
    if hours is None:
        return True
    start, end = max(hours.start, unit.hours.start), min(hours.end, unit.hours.end)
    return end - start >= length


def neighbours(problem: PatternProblem) -> dict[tuple[str, str], set[str]]:
    """For each (unit, candidate that has a slot), the candidates that may follow it in the unit's day.

    Within ``max_drive_between_sessions`` minutes of it, and such that depot → it → the next → depot
    fits in the working day (`_pair_fits`).
    """
    instance = problem.instance
    limit = instance.rules.max_drive_between_sessions
    reachable = [c for c in problem.candidates if problem.allowed.get(c.insee)]
    codes = [c.insee for c in reachable]
    idx = [problem.travel.index(c.site.point) for c in reachable]
    minutes = problem.travel.minutes[np.ix_(idx, idx)]
    near: dict[tuple[str, str], set[str]] = {}
    for unit in instance.units:
        if unit.kind is UnitKind.FIXED:
            fits = np.ones_like(minutes, dtype=bool)
        else:
            d = problem.travel.index(unit.depot)
            out, back = problem.travel.minutes[d, idx], problem.travel.minutes[idx, d]
            fits = _pair_fits(unit, instance.rules.session_length(unit), *(whole_minutes(m) for m in (out, minutes, back)))
        ok = (minutes <= limit) & fits
        np.fill_diagonal(ok, False)
        for i, a in enumerate(codes):
            near[unit.id, a] = {codes[j] for j in np.flatnonzero(ok[i])}
    return near


def _pair_fits(unit: Unit, length: int, out: np.ndarray, hop: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Whether depot → a → b → depot with two sessions fits the unit's day, for every (a, b).

    With a lunch break and two sessions a day, the first session must fit in the morning after the
    drive out, and the second in the afternoon before the drive back; the hop between them is driven
    in the morning's slack or after lunch. Otherwise the whole day is one stretch of time.
    """
    if unit.lunch is None or unit.sessions_per_day != 2:
        spare = unit.hours.minutes - 2 * length - (unit.lunch.minutes if unit.lunch else 0)
        return out[:, None] + hop + back[None, :] <= spare
    morning = unit.lunch.start - unit.hours.start
    afternoon = unit.hours.end - unit.lunch.end
    slack = morning - length - out[:, None]
    first_fits = slack >= 0
    hop_before_lunch = (hop <= slack) & (length + back[None, :] <= afternoon)
    hop_after_lunch = hop + length + back[None, :] <= afternoon
    return first_fits & (hop_before_lunch | hop_after_lunch)


def sorted_visits(visits) -> tuple[Visit, ...]:
    return tuple(sorted(visits, key=lambda v: (v.slot.unit_id, v.slot.weekday, v.slot.session, v.phase, v.insee)))
