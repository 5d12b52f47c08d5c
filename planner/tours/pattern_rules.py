"""The hard rules of the weekly pattern, one function each (as `planner.crews.rota_rules` for the rota).

Each rule adds itself to the CP-SAT model of the search and, as linear rows, to its relaxation (the
bound of the pattern and the guide of first solutions), through one `RuleSink`. `ASSIGNMENT_RULES`
lists the rules that limit what can be served (the relaxation keeps them all); the compact-day rule
(`add_compact_days`) is CP-SAT's alone, and `add_day_flow` is its exact form for the relaxation of
one bus day (`planner.tours.pattern_search.tighten_bound`). The validator checks every one of them
on the finished plan (`planner.check`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from planner.domain.instance import Unit, UnitKind
from planner.tours.pattern_problem import PatternProblem, Slot
from planner.tours.pattern_relaxation import Rows


class RuleSink:
    """Adds a rule to the CP-SAT model (if any) and, as a linear row, to the relaxation (if any)."""

    def __init__(self, model: cp_model.CpModel | None, rows: Rows | None) -> None:
        self.model, self.rows = model, rows

    def at_most(self, variables, limit: int, coefs: list[int] | None = None) -> None:
        """``Σ coef × variable ≤ limit`` (coefficients 1 by default)."""
        variables = list(variables)
        coefs = coefs or [1] * len(variables)
        if self.model is not None and limit == 1 and set(coefs) == {1}:
            self.model.add_at_most_one(variables)
        elif self.model is not None:
            self.model.add(cp_model.LinearExpr.weighted_sum(variables, coefs) <= limit)
        if self.rows is not None:
            self.rows.add((v.index for v in variables), coefs, -np.inf, limit)


def add_assignment_rules(rules: RuleSink, x, problem: PatternProblem) -> None:
    """The rules that limit what can be served (`ASSIGNMENT_RULES`), in their order."""
    for _name, rule in ASSIGNMENT_RULES:
        rule(rules, x, problem)


def _by_commune(x) -> dict[str, list[tuple[Slot, int]]]:
    grouped: dict[str, list[tuple[Slot, int]]] = {}
    for insee, slot, phase in x:
        grouped.setdefault(insee, []).append((slot, phase))
    return grouped


def add_post_limits(rules: RuleSink, x, problem: PatternProblem) -> None:
    """Hard: no more tours over a week or a month than the roster can crew, role by role (their
    weekly and monthly maxima summed over the people who could come). A bus's tour is counted by its
    first session; a fixed place's by each session and room."""
    starts = {}
    for key in x:
        insee, slot, phase = key
        unit = problem.instance.unit(slot.unit_id)
        if unit.kind is UnitKind.FIXED or slot.session == 0:
            starts[key] = problem.occurrences(insee, slot, phase)
    for limit in problem.post_limits:
        terms = [
            (x[key], limit.per_tour.get(key[1].unit_id, 0) * sum(1 for d in dates if d in limit.dates))
            for key, dates in starts.items()
        ]
        terms = [(var, coef) for var, coef in terms if coef > 0]
        if sum(coef for _, coef in terms) > limit.limit:
            rules.at_most((var for var, _ in terms), limit.limit, [coef for _, coef in terms])


def add_slot_capacity(rules: RuleSink, x, problem: PatternProblem) -> None:
    """Hard: a slot holds at most one commune in any week of the cycle (a fixed place: one per room)."""
    by_slot: dict[Slot, list[tuple[str, int]]] = {}
    for insee, slot, phase in x:
        by_slot.setdefault(slot, []).append((insee, phase))
    for slot, items in by_slot.items():
        for week in range(problem.cycle_weeks):
            rules.at_most(in_week(x, problem, items, slot, week).values(), 1)


def add_frequency_caps(rules: RuleSink, x, problem: PatternProblem) -> None:
    """Hard: never more visits than the commune's target (no over-serving); one a day at most
    (a fixed place may hold several sessions a day)."""
    for insee, keys in _by_commune(x).items():
        demand = problem.demand[insee]
        rules.at_most((x[insee, s, ph] for s, ph in keys), demand.per_period)
        if demand.fixed:
            continue
        days: dict[int, list] = {}
        for s, ph in keys:
            days.setdefault(s.weekday, []).append(x[insee, s, ph])
        for same_day in days.values():
            if len(same_day) > 1:
                rules.at_most(same_day, 1)


def add_min_gap(rules: RuleSink, x, problem: PatternProblem) -> None:
    """Hard: two visits of a commune in one week are at least ``min_gap_days`` apart (also across weeks)."""
    min_gap_days = problem.instance.rules.min_gap_days
    for insee, keys in _by_commune(x).items():
        demand = problem.demand[insee]
        if demand.fixed or demand.per_period < 2 or demand.period != 1:
            continue
        days = sorted({s.weekday for s, _ in keys})
        for i, d1 in enumerate(days):
            for d2 in days[i + 1 :]:
                gap = min(d2 - d1, 7 - (d2 - d1))
                if gap < min_gap_days:
                    rules.at_most((x[insee, s, ph] for s, ph in keys if s.weekday in (d1, d2)), 1)


def successive_sessions(x, problem: PatternProblem):
    """Each bus slot and the next session of its day, week by week of the cycle, with the variables
    that put a commune in each (by INSEE code): (slot, next slot, week, here, there). Slots in a
    fixed order, never that of a set; weeks where nothing can take the next slot are left out."""
    by_slot: dict[Slot, list[tuple[str, int]]] = {}
    for insee, slot, phase in x:
        by_slot.setdefault(slot, []).append((insee, phase))
    for slot in sorted(by_slot, key=lambda s: (s.unit_id, s.weekday, s.session, s.room)):
        nxt = Slot(slot.unit_id, slot.weekday, slot.session + 1)
        if problem.instance.unit(slot.unit_id).kind is UnitKind.FIXED or nxt not in by_slot:
            continue
        for week in range(problem.cycle_weeks):
            there = in_week(x, problem, by_slot[nxt], nxt, week)
            if there:
                yield slot, nxt, week, in_week(x, problem, by_slot[slot], slot, week), there


def add_compact_days(model, x, problem: PatternProblem) -> tuple[list, list]:
    """Hard: a bus's sessions of a day follow one another in slot order, each within reach of the previous.

    Slot ``s + 1`` is used only if slot ``s`` is, and a commune in slot ``s`` is followed by one at most
    ``max_drive_between_sessions`` minutes away, so a day never zigzags across the territory.
    Returns the (this visit, next visit, drive-cost change, real occurrences) candidates for exact
    driving costs, and the (slot used variable, its visit variables) definitions, for complete hints.
    """
    near = problem.near
    costs: dict[tuple[str, str, str], float] = {}  # (unit, a, b): the same for every slot and week
    pairs, used = [], []
    for slot, nxt, week, here, there in successive_sessions(x, problem):
        unit = problem.instance.unit(slot.unit_id)
        used_next = model.new_bool_var(
            f"used(unit={nxt.unit_id}, day={nxt.weekday}, session={nxt.session}, week={week})"
        )
        model.add(used_next == sum(there.values()))
        model.add(used_next <= sum(here.values()))
        used.append((used_next.index, [v.index for v in there.values()], [v.index for v in here.values()]))
        occurrences = len(problem.dates.get((nxt, week), ()))
        for insee, var in here.items():
            # in the order of `there`, never of the set `near` (hashed strings: the order would vary by process)
            following = [b for b in there if b in near[slot.unit_id, insee]]
            # visit c here and something next ⇒ that next is near c
            model.add(var + used_next - sum(there[b] for b in following) <= 1)
            for b in following:
                if (unit.id, insee, b) not in costs:
                    costs[unit.id, insee, b] = pair_cost(problem, unit, insee, b)
                pairs.append((var.index, there[b].index, costs[unit.id, insee, b] * occurrences))
    return pairs, used


def add_day_flow(rows: Rows, group, problem: PatternProblem) -> None:
    """The compact-day rule (`add_compact_days`) for the relaxation, exact for one bus slot and
    the next session of its day, one week (``group``, from `successive_sessions`): one more
    variable per pair (a commune in slot ``s``, one within reach in slot ``s + 1``); a commune in
    slot ``s + 1`` is at most the pairs that lead to it, and a commune in slot ``s`` leads to at
    most itself. A whole pattern meets them (its pairs are the sessions that follow one another),
    so the bound still holds; fractional answers that mix far-apart sessions do not."""
    slot, _nxt, _week, here, there = group
    into: dict[str, list[int]] = {b: [] for b in there}
    for a, var in here.items():
        near = problem.near[slot.unit_id, a]
        pairs = []
        for b in there:
            if b in near:
                pairs.append(rows.new_variable())
                into[b].append(pairs[-1])
        if pairs:
            rows.add([*pairs, var.index], [1] * len(pairs) + [-1], -np.inf, 0)
    for b, var in there.items():
        rows.add([var.index, *into[b]], [1] + [-1] * len(into[b]), -np.inf, 0)


def pair_cost(problem: PatternProblem, unit: Unit, a: str, b: str) -> float:
    """Driving a → b instead of a → depot: what following ``a`` by ``b`` adds to the day."""
    sa, sb = problem.instance.commune(a).site.point, problem.instance.commune(b).site.point
    return problem.minutes(sa, sb) - problem.minutes(sa, unit.depot)


def in_week(x, problem: PatternProblem, items, slot: Slot, week: int) -> dict:
    """The variables that put a commune in ``slot`` in cycle week ``week``, by INSEE code."""
    found = {}
    for insee, phase in items:
        if week % problem.demand[insee].period == phase:
            found[insee] = x[insee, slot, phase]
    return found


#: The rules that limit what can be served, in the order `add_assignment_rules` adds them.
ASSIGNMENT_RULES: tuple[tuple[str, Callable[[RuleSink, Any, PatternProblem], None]], ...] = (
    ("une commune par créneau et par semaine", add_slot_capacity),
    ("objectif de visites, une par jour", add_frequency_caps),
    ("écart minimal entre deux visites", add_min_gap),
    ("équipes : maxima de la semaine et du mois", add_post_limits),
)
