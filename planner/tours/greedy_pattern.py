"""The greedy weekly pattern, "nearest highest-need first": the CP-SAT hint and the benchmark baseline."""

from __future__ import annotations

from planner.domain.instance import UnitKind
from planner.tours.pattern_problem import Pattern, PatternProblem, Slot, Visit, sorted_visits


def greedy_pattern(problem: PatternProblem) -> Pattern:
    """Nearest highest-need commune first: fill each slot-week in turn with the best commune left.

    For every slot in week order, take the commune that serves a priority zone if any can, else the
    one with the highest value (need × real occurrences) per minute of driving from the previous
    stop (the depot for the first session), that still has visits left, respects the gap and day
    rules, and is within reach of the previous session.
    """
    instance, cycle = problem.instance, problem.cycle_weeks
    taken: dict[tuple[Slot, int], str] = {}  # (slot, cycle week) -> insee
    used: dict[str, list[Visit]] = {}
    visits: list[Visit] = []
    for week in range(cycle):
        for slot in problem.slots:
            if (slot, week) in taken:
                continue
            unit = instance.unit(slot.unit_id)
            fixed = unit.kind is UnitKind.FIXED
            prev_insee = taken.get((Slot(slot.unit_id, slot.weekday, slot.session - 1), week))
            if not fixed and slot.session > 0 and prev_insee is None:
                continue
            origin = instance.commune(prev_insee).site.point if prev_insee else unit.depot
            best, best_score = None, (False, 0.0)
            for c in problem.candidates:
                if slot not in problem.allowed[c.insee]:
                    continue
                period = problem.demand[c.insee].period
                visit = Visit(c.insee, slot, period, week % period)
                if not _greedy_fits(problem, visit, used.get(c.insee, []), taken, cycle):
                    continue
                if not fixed and not _chain_fits(problem.near, visit, taken, cycle):
                    continue
                value = problem.value(c.insee, slot, visit.phase)
                if value <= 0:
                    continue
                drive = 0.0 if fixed else problem.minutes(origin, c.site.point)
                score = (problem.demand[c.insee].priority_need > 0, value / (1.0 + drive))
                if best is None or score > best_score:
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
    demand = problem.demand[visit.insee]
    if len(previous) >= demand.per_period:
        return False
    if not demand.fixed:
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



def rounded_pattern(problem: PatternProblem, scores, keep: tuple[Visit, ...] = ()) -> Pattern:
    """Visits placed in decreasing ``scores`` (by (insee, slot, phase): the linear relaxation's
    solution), each when it still fits every rule, then the rest by value: a first solution that is
    near the relaxation's bound where the baseline greedy pattern is far from it. The visits of
    ``keep`` are placed first (the priority zones' visits already won)."""
    instance, cycle = problem.instance, problem.cycle_weeks
    taken: dict[tuple[Slot, int], str] = {}
    used: dict[str, list[Visit]] = {}
    for visit in keep:
        used.setdefault(visit.insee, []).append(visit)
        for w in range(cycle):
            if visit.in_cycle_week(w):
                taken[visit.slot, w] = visit.insee
    keys = [
        (c.insee, slot, phase)
        for c in problem.candidates
        for slot in problem.allowed[c.insee]
        for phase in range(problem.demand[c.insee].period)
    ]
    keys.sort(key=lambda k: (-round(scores.get(k, 0.0), 6), k[1].session, -problem.value(*k), k[0], k[1].unit_id, k[1].weekday, k[1].room, k[2]))
    chosen = [k for k in keys if scores.get(k, 0.0) > 1e-6]
    for insee, slot, phase in chosen + keys:  # a second chance once the earlier sessions are placed
        visit = Visit(insee, slot, problem.demand[insee].period, phase)
        fixed = instance.unit(slot.unit_id).kind is UnitKind.FIXED
        if problem.value(insee, slot, phase) <= 0:
            continue
        if not _greedy_fits(problem, visit, used.get(insee, []), taken, cycle):
            continue
        if not fixed and not _chain_fits(problem.near, visit, taken, cycle):
            continue
        used.setdefault(insee, []).append(visit)
        for w in range(cycle):
            if visit.in_cycle_week(w):
                taken[slot, w] = insee
    return Pattern(cycle, sorted_visits(v for vs in used.values() for v in vs), "greedy")
