"""Greedy weekly patterns: "nearest highest-need first" (the CP-SAT hint and the benchmark baseline),
and the rounding of the linear relaxation (a first solution near its bound)."""

from __future__ import annotations

from planner.domain.instance import UnitKind
from planner.tours.pattern_problem import Pattern, PatternProblem, Slot, Visit, sorted_visits


class _Placement:
    """Visits placed one by one, each only when it keeps every rule of the pattern: slot capacity,
    targets, one visit a day and gaps, compact days, and what the roster can crew per week/month."""

    def __init__(self, problem: PatternProblem) -> None:
        self.problem = problem
        self.taken: dict[tuple[Slot, int], str] = {}  # (slot, cycle week) -> insee
        self.used: dict[str, list[Visit]] = {}
        self.posts = [limit.limit for limit in problem.post_limits]
        self._needs: dict[tuple[str, Slot, int], list[int]] = {}

    def fits(self, visit: Visit) -> bool:
        problem = self.problem
        if problem.value(visit.insee, visit.slot, visit.phase) <= 0:
            return False
        if not _greedy_fits(problem, visit, self.used.get(visit.insee, []), self.taken, problem.cycle_weeks):
            return False
        fixed = problem.instance.unit(visit.slot.unit_id).kind is UnitKind.FIXED
        if not fixed and not _chain_fits(problem.near, visit, self.taken, problem.cycle_weeks):
            return False
        return all(need <= left for need, left in zip(self._posts(visit), self.posts, strict=True))

    def place(self, visit: Visit) -> None:
        self.used.setdefault(visit.insee, []).append(visit)
        for w in range(self.problem.cycle_weeks):
            if visit.in_cycle_week(w):
                self.taken[visit.slot, w] = visit.insee
        self.posts = [left - need for need, left in zip(self._posts(visit), self.posts, strict=True)]

    def _posts(self, visit: Visit) -> list[int]:
        """Places of the roster the visit takes in each post limit (a bus's first session starts a tour)."""
        key = (visit.insee, visit.slot, visit.phase)
        if key not in self._needs:
            problem = self.problem
            unit = problem.instance.unit(visit.slot.unit_id)
            dates = () if unit.kind is not UnitKind.FIXED and visit.slot.session > 0 else problem.occurrences(*key)
            self._needs[key] = [
                limit.per_tour.get(unit.id, 0) * sum(1 for d in dates if d in limit.dates)
                for limit in problem.post_limits
            ]
        return self._needs[key]

    def pattern(self) -> Pattern:
        visits = [v for vs in self.used.values() for v in vs]
        return Pattern(self.problem.cycle_weeks, sorted_visits(visits), "greedy")


def greedy_pattern(problem: PatternProblem) -> Pattern:
    """Nearest highest-need commune first: fill each slot-week in turn with the best commune left.

    For every slot in week order, take a pinned commune if any can, else one that serves a priority zone, else the
    one with the highest value (need × real occurrences) per minute of driving from the previous
    stop (the depot for the first session), that still has visits left and keeps every rule.
    """
    instance = problem.instance
    placed = _Placement(problem)
    for week in range(problem.cycle_weeks):
        for slot in problem.slots:
            if (slot, week) in placed.taken:
                continue
            unit = instance.unit(slot.unit_id)
            fixed = unit.kind is UnitKind.FIXED
            prev_insee = placed.taken.get((Slot(slot.unit_id, slot.weekday, slot.session - 1), week))
            if not fixed and slot.session > 0 and prev_insee is None:
                continue
            origin = instance.commune(prev_insee).site.point if prev_insee else unit.depot
            best, best_score = None, (False, False, 0.0)
            for c in problem.candidates:
                if slot not in problem.allowed[c.insee]:
                    continue
                period = problem.demand[c.insee].period
                visit = Visit(c.insee, slot, period, week % period)
                if not placed.fits(visit):
                    continue
                drive = 0.0 if fixed else problem.minutes(origin, c.site.point)
                score = (
                    instance.rules.pin_of(c.insee) is not None,
                    problem.demand[c.insee].priority_need > 0,
                    problem.value(c.insee, slot, visit.phase) / (1.0 + drive),
                )
                if best is None or score > best_score:
                    best, best_score = visit, score
            if best is not None:
                placed.place(best)
    return placed.pattern()


def rounded_pattern(problem: PatternProblem, scores, keep: tuple[Visit, ...] = ()) -> Pattern:
    """Visits placed in decreasing ``scores`` (by (insee, slot, phase): the linear relaxation's
    solution; only these keys are considered), each when it still fits every rule, then the rest by
    value: a first solution near the relaxation's bound where the baseline greedy pattern is far from
    it. The visits of ``keep`` are placed first (the priority zones' visits already won)."""
    placed = _Placement(problem)
    for visit in keep:
        if placed.fits(visit):
            placed.place(visit)
    keys = sorted(
        scores,
        key=lambda k: (
            -round(scores[k], 6),
            k[1].session,
            -problem.value(*k),
            k[0],
            k[1].unit_id,
            k[1].weekday,
            k[1].room,
            k[2],
        ),
    )
    chosen = [k for k in keys if scores[k] > 1e-6]
    for insee, slot, phase in chosen + keys:  # a second chance once the earlier sessions are placed
        visit = Visit(insee, slot, problem.demand[insee].period, phase)
        if placed.fits(visit):
            placed.place(visit)
    return placed.pattern()


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
