"""The weekly pattern: which commune each unit serves on which weekday, in which session slot.

A pattern repeats over a cycle of ``cycle_weeks`` weeks. A commune visited every ``p`` weeks takes a
slot ``(unit, weekday, session)`` in the weeks ``phase, phase + p, …`` of the cycle, so it comes back
on the same weekday at the same point of the day: regularity is built into the model rather than
rewarded afterwards. CP-SAT chooses the slots (need first, priority zones before all, then little
driving); `greedy_pattern` gives the "nearest highest-need first" answer used as the CP-SAT hint and
as the benchmark baseline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, reduce

import numpy as np
from ortools.sat.python import cp_model

from planner.cpsat import configure_deterministic
from planner.model import Commune, Instance, Point, Unit, UnitKind
from planner.travel import TravelMatrix, whole_minutes

#: Longest cycle considered, in weeks (monthly visits need 4).
MAX_CYCLE_WEEKS = 12
#: Need and driving are scaled by this before rounding, so the weekday tie-break stays a tie-break.
OBJECTIVE_SCALE = 100
#: The model keeps the best communes until their targets ask for this many times the weekly slots.
SHORTLIST_FACTOR = 3
#: Up to this many visit variables, one CP-SAT worker proves optimality fastest; above, four
#: interleaved workers (still deterministic) search better.
SMALL_MODEL = 300
#: Share of the time limit for the need-first pass when a second, drive-less pass follows.
FIRST_PASS_SHARE = 0.6
#: Above this many (visit, next visit) pairs, driving is estimated per visit instead of per leg.
MAX_PAIR_VARIABLES = 40_000
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


def site_point(commune: Commune) -> Point:
    """The place the travel matrix knows a commune's site by."""
    return Point(commune.site.name, commune.site.lat, commune.site.lon)


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
        """For each (unit, candidate), the candidates that may follow it in a day (`_neighbours`)."""
        return _neighbours(self)

    def minutes(self, a: Point, b: Point) -> float:
        return float(self.travel.minutes[self.travel.index(a), self.travel.index(b)])

    def round_trip(self, unit: Unit, commune: Commune) -> float:
        if unit.kind is UnitKind.FIXED:
            return 0.0
        site = site_point(commune)
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
        units = [u for u in instance.units if u.may_serve(c.insee) and _reachable(problem, u, c)]
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
    site = site_point(commune)
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


# --- CP-SAT ---------------------------------------------------------------------------------


def solve_pattern(
    problem: PatternProblem,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int | None = None,
    hint: Pattern | None = None,
) -> Pattern:
    """Choose the visits with CP-SAT: need served first, then little driving; hard rules as constraints.

    With ``rules.need_tolerance_percent`` > 0, a second pass trades at most that share of the need
    served for less driving (`_drive_less`).
    """
    instance, rules = problem.instance, problem.instance.rules
    cycle = problem.cycle_weeks
    model = cp_model.CpModel()
    x: dict[tuple[str, Slot, int], cp_model.IntVar] = {}
    for c in problem.candidates:
        p = period_of(c.visits_per_week)
        for slot in problem.allowed[c.insee]:
            for phase in range(p):
                x[c.insee, slot, phase] = model.new_bool_var(
                    f"visit(commune={c.insee}, unit={slot.unit_id}, day={slot.weekday}, session={slot.session}, phase={phase})"
                )
    by_commune: dict[str, list[tuple[Slot, int]]] = {}
    by_slot: dict[Slot, list[tuple[Commune, int]]] = {}
    for (insee, slot, phase) in x:
        by_commune.setdefault(insee, []).append((slot, phase))
        by_slot.setdefault(slot, []).append((instance.commune(insee), phase))

    _add_slot_capacity(model, x, by_slot, cycle)
    _add_frequency_caps(model, x, problem, by_commune)
    _add_min_gap(model, x, problem, by_commune, rules.min_gap_days)
    candidates_pairs, used = _add_compact_days(model, x, problem, by_slot, cycle)
    exact = len(candidates_pairs) <= MAX_PAIR_VARIABLES
    pairs = _link_pairs(model, candidates_pairs) if exact else []

    need_terms, drive_terms, tie_terms = [], [], []
    for (insee, slot, phase), var in x.items():
        c = instance.commune(insee)
        unit = instance.unit(slot.unit_id)
        weeks_served = cycle // period_of(c.visits_per_week)
        need_terms.append(var * problem.weights[insee] * weeks_served)
        drive_terms.append(var * round(OBJECTIVE_SCALE * _visit_drive(problem, unit, c, slot, exact) * weeks_served))
        tie_terms.append(var * (slot.weekday + slot.session))  # ties only: earlier in the week first
    drive_terms += [pair * round(OBJECTIVE_SCALE * cost) for pair, cost, _ in pairs]
    need, drive, ties = sum(need_terms), sum(drive_terms), sum(tie_terms)
    w = rules.weights
    model.maximize(OBJECTIVE_SCALE * w.need * need - w.travel * drive - ties)

    if hint is not None:
        _add_full_hint(model, x, hint, used, pairs)

    if workers is None:
        workers = 1 if len(x) <= SMALL_MODEL else 4
    budget = time_limit * FIRST_PASS_SHARE if rules.need_tolerance_percent else time_limit
    solver = cp_model.CpSolver()
    configure_deterministic(solver, time_limit=budget, seed=seed, workers=workers)
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint if hint is not None else Pattern(cycle, (), name)
    if rules.need_tolerance_percent and w.travel:
        status, solver = _drive_less(
            model, solver, need, drive, ties, rules.need_tolerance_percent, time_limit - budget, seed, workers
        )
        name = f"{name}, puis {solver.status_name(status)}"
    visits = tuple(
        Visit(insee, slot, period_of(instance.commune(insee).visits_per_week), phase)
        for (insee, slot, phase), var in x.items()
        if solver.boolean_value(var)
    )
    return Pattern(cycle, _sorted(visits), name, solver.objective_value)


def _drive_less(model, first, need, drive, ties, tolerance_percent: int, time_limit, seed, workers):
    """Second pass: keep at least (100 − tolerance) % of the need served found, and drive as little as possible.

    Starts from the first pass's solution, so it can only improve on it. Returns (status, solver)
    of whichever pass's answer stands.
    """
    best = first.value(need)
    model.add(100 * need >= (100 - tolerance_percent) * best)
    model.minimize(drive + ties)
    model.clear_hints()
    for i in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(i)
        model.add_hint(var, first.value(var))
    second = cp_model.CpSolver()
    configure_deterministic(second, time_limit=time_limit, seed=seed, workers=workers)
    status = second.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, second
    return cp_model.FEASIBLE, first




def _add_slot_capacity(model, x, by_slot, cycle: int) -> None:
    """Hard: a slot holds at most one commune in any week of the cycle."""
    for slot, items in by_slot.items():
        for week in range(cycle):
            model.add(sum(_in_week(x, items, slot, week).values()) <= 1)


def _add_frequency_caps(model, x, problem: PatternProblem, by_commune) -> None:
    """Hard: never more visits than the commune's target (no over-serving); one a day at most."""
    for insee, keys in by_commune.items():
        c = problem.instance.commune(insee)
        model.add(sum(x[insee, s, ph] for s, ph in keys) <= visits_per_period(c.visits_per_week))
        days: dict[int, list] = {}
        for s, ph in keys:
            days.setdefault(s.weekday, []).append(x[insee, s, ph])
        for same_day in days.values():
            model.add(sum(same_day) <= 1)


def _add_min_gap(model, x, problem: PatternProblem, by_commune, min_gap_days: int) -> None:
    """Hard: two visits of a commune in one week are at least ``min_gap_days`` apart (also across weeks)."""
    for insee, keys in by_commune.items():
        c = problem.instance.commune(insee)
        if visits_per_period(c.visits_per_week) < 2 or period_of(c.visits_per_week) != 1:
            continue
        days = sorted({s.weekday for s, _ in keys})
        for i, d1 in enumerate(days):
            for d2 in days[i + 1 :]:
                gap = min(d2 - d1, 7 - (d2 - d1))
                if gap < min_gap_days:
                    model.add(
                        sum(x[insee, s, ph] for s, ph in keys if s.weekday in (d1, d2)) <= 1
                    )


def _add_compact_days(model, x, problem: PatternProblem, by_slot, cycle: int) -> tuple[list, list]:
    """Hard: a day's sessions follow one another in slot order, each within reach of the previous.

    Slot ``s + 1`` is used only if slot ``s`` is, and a commune in slot ``s`` is followed by one at most
    ``max_drive_between_sessions`` minutes away, so a day never zigzags across the territory.
    Returns the (this visit, next visit, their drive-cost change) candidates for exact driving costs,
    and the (slot used, its visit variables) definitions, for a complete solution hint.
    """
    near = problem.near
    pairs, used = [], []
    for slot, items in by_slot.items():
        nxt = Slot(slot.unit_id, slot.weekday, slot.session + 1)
        if nxt not in by_slot:
            continue
        unit = problem.instance.unit(slot.unit_id)
        for week in range(cycle):
            here = _in_week(x, items, slot, week)
            there = _in_week(x, by_slot[nxt], nxt, week)
            used_next = model.new_bool_var(f"used(unit={nxt.unit_id}, day={nxt.weekday}, session={nxt.session}, week={week})")
            model.add(used_next == sum(there.values()))
            used.append((used_next, list(there.values())))
            model.add(used_next <= sum(here.values()))
            for insee, var in here.items():
                following = [b for b in near[slot.unit_id, insee] if b in there]
                # visit c here and something next ⇒ that next is near c
                model.add(var + used_next - sum(there[b] for b in following) <= 1)
                if unit.kind is not UnitKind.FIXED:
                    pairs += [(var, there[b], _pair_cost(problem, unit, insee, b)) for b in following]
    return pairs, used


def _pair_cost(problem: PatternProblem, unit: Unit, a: str, b: str) -> float:
    """Driving a → b instead of a → depot: what following ``a`` by ``b`` adds to the day."""
    sa, sb = site_point(problem.instance.commune(a)), site_point(problem.instance.commune(b))
    return problem.minutes(sa, sb) - problem.minutes(sa, unit.depot)


def _link_pairs(model, pairs) -> list[tuple]:
    """One boolean per (visit, next visit) that is true exactly when both happen."""
    linked = []
    for first, second, cost in pairs:
        both = model.new_bool_var(f"then({first.name} -> {second.name})")
        model.add_min_equality(both, [first, second])
        linked.append((both, cost, (first, second)))
    return linked


def _add_full_hint(model, x, hint: Pattern, used, pairs) -> None:
    """Hint every variable, auxiliaries included, so CP-SAT starts from the greedy solution at once."""
    chosen = {(v.insee, v.slot, v.phase) for v in hint.visits}
    value = {}
    for key, var in x.items():
        value[var.index] = key in chosen
        model.add_hint(var, value[var.index])
    for var, members in used:
        model.add_hint(var, any(value[m.index] for m in members))
    for both, _, (first, second) in pairs:
        model.add_hint(both, value[first.index] and value[second.index])


def _visit_drive(problem: PatternProblem, unit: Unit, commune: Commune, slot: Slot, exact: bool) -> float:
    """Driving minutes a visit adds to its day, per week it happens.

    Exact model: the drive from the depot for a first session, the drive back to the depot (removed
    by the pair term when another session follows). Otherwise half the round trip, an estimate.
    """
    if unit.kind is UnitKind.FIXED:
        return 0.0
    if not exact:
        return problem.round_trip(unit, commune) / 2
    site = site_point(commune)
    out = problem.minutes(unit.depot, site) if slot.session == 0 else 0.0
    return out + problem.minutes(site, unit.depot)


def _in_week(x, items, slot: Slot, week: int) -> dict[str, cp_model.IntVar]:
    """The variables that put a commune in ``slot`` in cycle week ``week``, by INSEE code."""
    return {c.insee: x[c.insee, slot, phase] for c, phase in items if week % period_of(c.visits_per_week) == phase}


def _neighbours(problem: PatternProblem) -> dict[tuple[str, str], set[str]]:
    """For each (unit, candidate), the candidates that may follow it in the unit's day.

    Within ``max_drive_between_sessions`` minutes of it, and such that depot → it → the next → depot
    fits in the working day (`_pair_fits`).
    """
    instance = problem.instance
    limit = instance.rules.max_drive_between_sessions
    codes = [c.insee for c in problem.candidates]
    idx = [problem.travel.index(site_point(c)) for c in problem.candidates]
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


def _sorted(visits) -> tuple[Visit, ...]:
    return tuple(sorted(visits, key=lambda v: (v.slot.unit_id, v.slot.weekday, v.slot.session, v.phase, v.insee)))


# --- Greedy baseline ------------------------------------------------------------------------


def greedy_pattern(problem: PatternProblem) -> Pattern:
    """Nearest highest-need commune first: fill each slot-week in turn with the best commune left.

    For every slot in week order, take the commune with the highest need weight per minute of
    driving from the previous stop (the depot for the first session) that still has visits left,
    respects the gap and day rules, and is within reach of the previous session.
    """
    instance, cycle = problem.instance, problem.cycle_weeks
    near = problem.near
    taken: dict[tuple[Slot, int], str] = {}  # (slot, cycle week) -> insee
    used: dict[str, list[Visit]] = {}
    visits: list[Visit] = []
    for week in range(cycle):
        for slot in problem.slots:
            if (slot, week) in taken:
                continue
            unit = instance.unit(slot.unit_id)
            prev_insee = taken.get((Slot(slot.unit_id, slot.weekday, slot.session - 1), week))
            if slot.session > 0 and prev_insee is None:
                continue
            origin = site_point(instance.commune(prev_insee)) if prev_insee else unit.depot
            best, best_score = None, -1.0
            for c in problem.candidates:
                if slot not in problem.allowed[c.insee]:
                    continue
                period = period_of(c.visits_per_week)
                visit = Visit(c.insee, slot, period, week % period)
                if not _greedy_fits(problem, visit, used.get(c.insee, []), taken, cycle):
                    continue
                if not _chain_fits(near, visit, taken, cycle):
                    continue
                drive = 0.0 if unit.kind is UnitKind.FIXED else problem.minutes(origin, site_point(c))
                score = problem.weights[c.insee] / (1.0 + drive)
                if score > best_score:
                    best, best_score = visit, score
            if best is None:
                continue
            visits.append(best)
            used.setdefault(best.insee, []).append(best)
            for w in range(cycle):
                if best.in_cycle_week(w):
                    taken[slot, w] = best.insee
    return Pattern(cycle, _sorted(visits), "greedy")


def _greedy_fits(problem: PatternProblem, visit: Visit, previous: list[Visit], taken, cycle: int) -> bool:
    c = problem.instance.commune(visit.insee)
    if len(previous) >= visits_per_period(c.visits_per_week):
        return False
    if any(v.slot.weekday == visit.slot.weekday for v in previous):
        return False
    min_gap = problem.instance.rules.min_gap_days
    for v in previous:
        d = abs(v.slot.weekday - visit.slot.weekday)
        if min(d, 7 - d) < min_gap:
            return False
    return all((visit.slot, w) not in taken for w in range(cycle) if visit.in_cycle_week(w))


def _chain_fits(near, visit: Visit, taken, cycle: int) -> bool:
    """In every week the visit happens, the session before it is taken by a commune it may follow,
    and the session after it (if taken) by one that may follow it: the compact-day rule."""
    slot = visit.slot
    before = Slot(slot.unit_id, slot.weekday, slot.session - 1)
    after = Slot(slot.unit_id, slot.weekday, slot.session + 1)
    for week in range(cycle):
        if not visit.in_cycle_week(week):
            continue
        prev = taken.get((before, week))
        if slot.session > 0 and (prev is None or visit.insee not in near[slot.unit_id, prev]):
            return False
        nxt = taken.get((after, week))
        if nxt is not None and nxt not in near[slot.unit_id, visit.insee]:
            return False
    return True
