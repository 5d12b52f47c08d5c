"""The greedy weekly pattern, "nearest highest-need first": the CP-SAT hint and the benchmark baseline."""

from __future__ import annotations

from planner.domain.instance import UnitKind
from planner.tours.pattern_problem import (
    Pattern,
    PatternProblem,
    Slot,
    Visit,
    period_of,
    sorted_visits,
    visits_per_period,
)


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
            origin = instance.commune(prev_insee).site.point if prev_insee else unit.depot
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
                drive = 0.0 if unit.kind is UnitKind.FIXED else problem.minutes(origin, c.site.point)
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
    return Pattern(cycle, sorted_visits(visits), "greedy")


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
