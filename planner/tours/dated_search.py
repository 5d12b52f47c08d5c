"""Dated visits beyond the weekly pattern: more need where a regular pattern leaves some.

A weekly pattern repeats one slot per commune every period, so it cannot use what changes from
week to week: a Monday only some weeks' crews allow, a monthly maximum that leaves three of four
Fridays, a holiday week whose lost visit could come the next day. The bound of the rules
(`planner.tours.rules_bound`) showed it: Médicobus Dieppe's best pattern serves 92.0 % of need,
where dated plans may reach 97.4 %.

`improve_dated` unrolls the pattern model over the real dates — one variable per (commune, slot,
date) the pattern could use, with the same slots, reach, compact days and crews — and replaces
regularity by the validator's own frequency and gap rules (at most ⌈target⌉ visits a week, one per
period below weekly, ``min_gap_days`` between two visits). CP-SAT then serves the most priority-zone
need, then the most need, starting from the pattern's own dated visits, and last keeps as many of
the pattern's visits as it can, so that the plan stays as regular as that need allows (need
comes before regularity: docs/architecture.md). Deterministic budgets; models above
`MAX_VARIABLES` are left to the pattern (and the free-days pass of the pipeline). Given the bound of
the rules (``need_ceiling``), the need stage stops at the first solution within `NEAR_CEILING` of
it: nothing worth its time is left to find (the demo's week found its best in 0.17 s, then spent
0.27 s failing to prove it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from planner.domain.instance import Unit, UnitKind
from planner.tours.cpsat import configure_deterministic
from planner.tours.pattern_problem import VISIT_SCALE, PatternProblem, Slot, Visit

#: Above this many (commune, slot, date) variables the dated model is not built (department scale:
#: the pattern with its ladder does better there in the same time).
MAX_VARIABLES = 30_000
#: Deterministic budget of each stage (CP-SAT units; about 5 s of computing each on 2 cores at most,
#: far less on the small models it is built for, which it proves).
STAGE_BUDGET = 0.25
#: The need stage stops once its need share is this close to the bound of the rules: closer than
#: the rounding of the model's integer need (Médicobus Dieppe: best 0.926899, bound 0.926942).
NEAR_CEILING = 1e-4

#: One day of one unit with its visits, as `planner.tours.rollout.dated_visits` gives them.
Day = tuple[date, Unit, list[Visit]]


@dataclass(frozen=True)
class DatedResult:
    """The dated visits chosen, their need and priority-zone need (the units of
    `PatternProblem.value`), and how many of the pattern's visits were kept."""

    days: list[Day]
    need: int
    priority: int
    kept: int
    pattern_visits: int
    proven: bool


def improve_dated(
    problem: PatternProblem,
    start: Sequence[Day],
    *,
    seed: int = 0,
    need_ceiling: Callable[[], float | None] | None = None,
) -> DatedResult | None:
    """Dated visits serving more need than ``start`` (the pattern laid over its dates), priority zones
    first, keeping as many of ``start``'s visits as that allows; ``None`` when the model is too large
    or finds nothing better. ``need_ceiling`` gives the bound of the rules on the need share when it
    is known before the plan (no priority zones): asked only once the need stage is to run, it stops
    that stage where nothing is left to gain."""
    if not 0 < dated_visit_count(problem) <= MAX_VARIABLES:
        return None  # counted first: building a department's model cost 5 s for nothing
    model = _DatedModel(problem)
    hint = {(v.insee, v.slot, day) for day, _unit, visits in start for v in visits} & set(model.x)
    model.keep_pins(hint)
    base = model.evaluate(hint)
    chosen, proven = hint, True
    floors = [0, 0]
    for stage in ("priority", "need"):
        if stage == "priority" and not model.has_priority:
            continue
        ceiling = need_ceiling() if stage == "need" and need_ceiling is not None else None
        found, optimal = model.solve(stage, chosen, floors, seed, ceiling=ceiling)
        proven = proven and optimal
        if found is not None and model.evaluate(found) >= model.evaluate(chosen):
            chosen = found
        floors = list(model.evaluate(chosen))
    if model.evaluate(chosen) <= base:
        return None
    found, _ = model.solve("keep", chosen, floors, seed, keep=hint)
    if found is not None and model.evaluate(found) >= model.evaluate(chosen):
        chosen = found
    priority, need = model.evaluate(chosen)
    return DatedResult(model.days(chosen), need, priority, len(chosen & hint), len(hint), proven)


def dated_visit_count(problem: PatternProblem) -> int:
    """How many (commune, slot, date) variables the dated model would have (an upper bound: commune
    closures are not subtracted)."""
    per_slot: dict[Slot, int] = {}
    for (slot, _week), days in problem.dates.items():
        per_slot[slot] = per_slot.get(slot, 0) + len(days)
    return sum(per_slot.get(slot, 0) for c in problem.candidates for slot in problem.allowed.get(c.insee, ()))


class _DatedModel:
    """The pattern model's rules over real dates (see the module docstring)."""

    def __init__(self, problem: PatternProblem) -> None:
        self.problem = problem
        rules = problem.instance.rules
        self.model = cp_model.CpModel()
        self.x: dict[tuple[str, Slot, date], cp_model.IntVar] = {}
        slot_dates: dict[Slot, list[date]] = {}
        for (slot, _week), days in sorted(problem.dates.items(), key=lambda kv: (_slot_order(kv[0][0]), kv[0][1])):
            slot_dates.setdefault(slot, []).extend(days)
        for c in problem.candidates:
            for slot in problem.allowed.get(c.insee, ()):
                for d in sorted(slot_dates.get(slot, ())):
                    if not rules.commune_closed(c.insee, d):
                        self.x[c.insee, slot, d] = self.model.new_bool_var("")
        self.keys = sorted(self.x, key=lambda k: (k[2], _slot_order(k[1]), k[0]))
        self.has_priority = any(problem.demand[c.insee].priority_need for c in problem.candidates)
        self._add_slot_capacity()
        self._add_compact_days()
        self._add_commune_rules()
        self._add_post_limits()

    # --- rules ------------------------------------------------------------------------------------

    def _by(self, part) -> dict:
        grouped: dict = {}
        for key in self.keys:
            grouped.setdefault(part(key), []).append(self.x[key])
        return grouped

    def _add_slot_capacity(self) -> None:
        """A slot holds one commune a date (a fixed place: one per room, each room its own slot)."""
        for variables in self._by(lambda k: (k[1], k[2])).values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    def _add_compact_days(self) -> None:
        """A bus's sessions of a date follow one another in slot order, each within reach of the
        previous (`PatternProblem.near`), as in the pattern."""
        near = self.problem.near
        by_slot_date: dict[tuple[Slot, date], dict[str, cp_model.IntVar]] = {}
        for insee, slot, d in self.keys:
            by_slot_date.setdefault((slot, d), {})[insee] = self.x[insee, slot, d]
        for (slot, d), here in sorted(by_slot_date.items(), key=lambda kv: (_slot_order(kv[0][0]), kv[0][1])):
            unit = self.problem.instance.unit(slot.unit_id)
            nxt = Slot(slot.unit_id, slot.weekday, slot.session + 1)
            there = by_slot_date.get((nxt, d))
            if unit.kind is UnitKind.FIXED or not there:
                continue
            used_next = sum(there.values())
            self.model.add(used_next <= sum(here.values()))
            for insee, var in sorted(here.items()):
                following = [there[b] for b in sorted(there) if b in near[slot.unit_id, insee]]
                self.model.add(var + used_next - sum(following) <= 1)
        for slot, d in sorted(by_slot_date, key=lambda k: (_slot_order(k[0]), k[1])):
            if slot.session > 0 and (Slot(slot.unit_id, slot.weekday, slot.session - 1), d) not in by_slot_date:
                if self.problem.instance.unit(slot.unit_id).kind is not UnitKind.FIXED:
                    for var in by_slot_date[slot, d].values():  # no earlier session can be held that day
                        self.model.add(var == 0)

    def _add_commune_rules(self) -> None:
        """A bus commune: one visit within ``min_gap_days``, at most ⌈target⌉ a week (one per period
        below weekly); every candidate: what it serves, capped at its target over the horizon."""
        rules = self.problem.instance.rules
        self.need_terms: list[tuple[cp_model.IntVar, int]] = []
        self.priority_terms: list[tuple[cp_model.IntVar, int]] = []
        for insee, keys in sorted(self._by_commune().items()):
            demand = self.problem.demand[insee]
            variables = [self.x[k] for k in keys]
            if not demand.fixed:
                self._add_spacing(insee, keys)
            cap = math.floor(VISIT_SCALE * demand.per_week * rules.weeks + 1e-9)
            served = self.model.new_int_var(0, cap, "")
            self.model.add(served <= VISIT_SCALE * sum(variables))
            self.need_terms.append((served, demand.need))
            if demand.priority_need:
                self.priority_terms.append((served, demand.priority_need))

    def _by_commune(self) -> dict[str, list[tuple[str, Slot, date]]]:
        grouped: dict[str, list[tuple[str, Slot, date]]] = {}
        for key in self.keys:
            grouped.setdefault(key[0], []).append(key)
        return grouped

    def _add_spacing(self, insee: str, keys: list[tuple[str, Slot, date]]) -> None:
        rules = self.problem.instance.rules
        commune = self.problem.instance.commune(insee)
        by_date: dict[date, list] = {}
        for k in keys:
            by_date.setdefault(k[2], []).append(self.x[k])
        days = sorted(by_date)
        gap = max(1, rules.min_gap_days)
        for i, d in enumerate(days):
            window = [v for e in days[i:] if (e - d).days < gap for v in by_date[e]]
            if len(window) > 1:
                self.model.add_at_most_one(window)
        weeks: dict[int, list] = {}
        for d in days:
            weeks.setdefault(rules.week_index(d), []).extend(by_date[d])
        v = commune.visits_per_week
        if v >= 1:
            for members in weeks.values():
                self.model.add(sum(members) <= math.ceil(v - 1e-9))
            return
        period = max(1, round(1 / v))
        for first in range(rules.weeks):
            members = [x for w in range(first, first + period) for x in weeks.get(w, [])]
            if len(members) > 1:
                self.model.add_at_most_one(members)

    def _add_post_limits(self) -> None:
        """No more tours a date, week or month than the roster can crew (`PatternProblem.post_limits`):
        a bus's tour counted by its first session, a fixed place's by each session and room."""
        for limit in self.problem.post_limits:
            terms = []
            for insee, slot, d in self.keys:
                unit = self.problem.instance.unit(slot.unit_id)
                per_tour = limit.per_tour.get(slot.unit_id, 0)
                if d in limit.dates and per_tour and (unit.kind is UnitKind.FIXED or slot.session == 0):
                    terms.append((self.x[insee, slot, d], per_tour))
            if sum(c for _, c in terms) > limit.limit:
                self.model.add(
                    cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms]) <= limit.limit
                )

    def keep_pins(self, start: set) -> None:
        """Hard: a pinned commune keeps at least the visits ``start`` gives it, as in the pattern
        (`planner.tours.pattern_search`): a coordinator's pin is never traded for need."""
        rules = self.problem.instance.rules
        for insee, keys in sorted(self._by_commune().items()):
            if rules.pin_of(insee) is not None:
                floor = sum(1 for k in keys if k in start)
                if floor:
                    self.model.add(sum(self.x[k] for k in keys) >= floor)

    # --- solving ----------------------------------------------------------------------------------

    def evaluate(self, chosen: set) -> tuple[int, int]:
        """(priority-zone need, need) that a set of (commune, slot, date) serves, capped at targets."""
        rules = self.problem.instance.rules
        counts: dict[str, int] = {}
        for insee, _slot, _d in chosen:
            counts[insee] = counts.get(insee, 0) + 1
        need = priority = 0
        for insee, n in counts.items():
            demand = self.problem.demand[insee]
            served = min(VISIT_SCALE * n, math.floor(VISIT_SCALE * demand.per_week * rules.weeks + 1e-9))
            need += demand.need * served
            priority += demand.priority_need * served
        return priority, need

    def solve(
        self,
        stage: str,
        hint: set,
        floors: list[int],
        seed: int,
        keep: set | None = None,
        ceiling: float | None = None,
    ) -> tuple[set | None, bool]:
        """One stage from ``hint``: the most priority-zone need, the most need, or (``keep``) the most
        of ``keep``'s visits, never below ``floors`` (priority, need); stopped within `NEAR_CEILING`
        of a ``ceiling`` share (the need stage's)."""
        model = self.model.clone()
        x = {k: model.get_bool_var_from_proto_index(v.index) for k, v in self.x.items()}

        def expr(terms):
            return cp_model.LinearExpr.weighted_sum(
                [model.get_int_var_from_proto_index(v.index) for v, _ in terms], [c for _, c in terms]
            )

        if self.priority_terms:
            model.add(expr(self.priority_terms) >= floors[0])
        model.add(expr(self.need_terms) >= floors[1])
        if stage == "priority":
            model.maximize(expr(self.priority_terms))
        elif stage == "need":
            model.maximize(expr(self.need_terms))
        else:
            model.maximize(sum(x[k] for k in self.keys if k in (keep or set())))
        for k in self.keys:
            model.add_hint(x[k], k in hint)
        solver = cp_model.CpSolver()
        configure_deterministic(solver, time_limit=STAGE_BUDGET, seed=seed, workers=1)
        stop = _StopAt((ceiling - NEAR_CEILING) * self.problem.need_total) if ceiling is not None else None
        status = solver.solve(model, stop)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        return {k for k in self.keys if solver.value(x[k])}, status == cp_model.OPTIMAL

    def days(self, chosen: set) -> list[Day]:
        """The chosen visits by date and unit, in the order of `planner.tours.rollout.dated_visits`."""
        instance = self.problem.instance
        by_day: dict[tuple[date, str], list[Visit]] = {}
        for insee, slot, d in chosen:
            by_day.setdefault((d, slot.unit_id), []).append(Visit(insee, slot, 1, 0))
        order = {u.id: i for i, u in enumerate(instance.units)}
        return [
            (d, instance.unit(unit_id), sorted(visits, key=lambda v: (v.slot.session, v.slot.room)))
            for (d, unit_id), visits in sorted(by_day.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
        ]


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stops the search at its first solution worth ``objective`` or more (one worker: always the
    same solution for the same inputs)."""

    def __init__(self, objective: float) -> None:
        super().__init__()
        self.objective = objective

    def on_solution_callback(self) -> None:
        if self.objective_value >= self.objective:
            self.stop_search()


def _slot_order(slot: Slot) -> tuple:
    return (slot.unit_id, slot.weekday, slot.session, slot.room)
