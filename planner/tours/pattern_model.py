"""The CP-SAT model of a weekly-pattern problem and its linear relaxation, built once per search.

`PatternModel` holds the visit variables, the hard rules (`planner.tours.pattern_rules`) and the
expressions the stages of `planner.tours.pattern_search` optimise (priority need, need, driving,
tie-breaks); `PatternRelaxation` is the linear relaxation over every visit (proven bounds,
fractional guides). Driving is counted per visit and, when the model is small enough, per pair of
sessions that follow one another (`link_pairs`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from planner.domain.instance import UnitKind
from planner.tours.cpsat import configure_deterministic
from planner.tours.greedy_pattern import rounded_pattern
from planner.tours.pattern_problem import PatternProblem, Slot, Visit, sorted_visits
from planner.tours.pattern_relaxation import Relaxation, Rows, solve_relaxation
from planner.tours.pattern_rules import (
    RuleSink,
    add_assignment_rules,
    add_compact_days,
    add_day_flow,
    successive_sessions,
)

#: Driving is counted in tenths of a minute per real occurrence; tie-breaks (earlier in the week)
#: weigh less than a tenth of a minute of driving.
DRIVE_SCALE = 10
TIE_SCALE = 1000
#: Up to this many visit variables, one CP-SAT worker with its full search proves optima fastest;
#: above, four interleaved workers (neighbourhood search only for driving, where it improves
#: fastest).
SMALL_MODEL = 300
#: Above this many (visit, next visit) pairs, driving is estimated per visit instead of per leg.
MAX_PAIR_VARIABLES = 40_000
#: Budgets are in "seconds": about a second of computing on a 2-core machine each. CP-SAT spends
#: them as deterministic time (so the same inputs give the same pattern on any machine), at this
#: rate (measured on the 2-core machine: its neighbourhood search does about this much
#: deterministic work per second).
DETERMINISTIC_PER_SECOND = 0.2


@dataclass
class Run:
    """One CP-SAT solve: the solution found (need model variables), its objective and bound."""

    values: np.ndarray | None
    objective: int
    bound: int | None
    optimal: bool
    spent: float
    status: str


class PatternModel:
    """The CP-SAT model of a pattern problem, built once: visit variables, hard rules, and the
    expressions the stages optimise (priority need, need, driving, tie-breaks).

    Two copies share their first variables: the need model (visits and "day used" variables) and
    the drive model, which adds one variable per (visit, next visit) pair for exact driving costs.
    The assignment rules are also kept as linear rows for the relaxation.
    """

    def __init__(
        self, problem: PatternProblem, seed: int, relaxation: PatternRelaxation, keys=None, workers: int | None = None
    ) -> None:
        self.problem, self.seed, self.relaxation, self.workers = problem, seed, relaxation, workers
        rules = problem.instance.rules
        self.tolerance = rules.need_tolerance_percent if rules.weights.travel else 0
        model = cp_model.CpModel()
        self.x: dict[tuple[str, Slot, int], cp_model.IntVar] = {}
        for key in relaxation.keys:
            if keys is None or key in keys:
                insee, slot, phase = key
                name = (
                    f"visit(commune={insee}, unit={slot.unit_id}, day={slot.weekday}, "
                    f"session={slot.session}, room={slot.room}, phase={phase})"
                )
                self.x[key] = model.new_bool_var(name)
        add_assignment_rules(RuleSink(model, None), self.x, problem)
        pair_candidates, self.used = add_compact_days(model, self.x, problem)
        self.keys = list(self.x)
        self.complete = len(self.keys) == len(relaxation.keys)  # every visit, or the promising ones
        self.small = len(self.keys) <= SMALL_MODEL  # searched whole in every stage
        self.x_vars = [self.x[k] for k in self.keys]
        self.x_index = np.array([v.index for v in self.x_vars], dtype=np.int64)
        self.need_coef = np.array([problem.value(*k) for k in self.keys], dtype=np.int64)
        self.priority_coef = np.array([problem.value(*k, priority=True) for k in self.keys], dtype=np.int64)
        self.has_priority = relaxation.has_priority
        exact = len(pair_candidates) <= MAX_PAIR_VARIABLES
        self.drive_coef = np.array([visit_drive_cost(problem, k, exact) for k in self.keys], dtype=np.int64)
        self.tie_coef = np.array([k[1].weekday + k[1].session for k in self.keys], dtype=np.int64)
        self._floors = (
            model.add(cp_model.LinearExpr.weighted_sum(self.x_vars, self.priority_coef.tolist()) >= 0).index,
            model.add(cp_model.LinearExpr.weighted_sum(self.x_vars, self.need_coef.tolist()) >= 0).index,
        )
        self.size = len(model.proto.variables)
        self.pin_floors: list[tuple[np.ndarray, int]] = []  # (visit variables, least visits): `keep_pins`
        self.need_model = model
        self.drive_model = model.clone()
        pairs = link_pairs(self.drive_model, pair_candidates if exact else [])
        self.pair_vars = [self.drive_model.get_bool_var_from_proto_index(p) for p, _, _, _ in pairs]
        self.pair_cost = np.array([c for _, c, _, _ in pairs], dtype=np.int64)
        self.pair_first = np.array([a for _, _, a, _ in pairs], dtype=np.int64)
        self.pair_second = np.array([b for _, _, _, b in pairs], dtype=np.int64)

    def keep_pins(self, start: np.ndarray) -> None:
        """Hard: each pinned commune keeps at least the visits ``start`` gives it (the greedy
        pattern places pins first), so the search never trades a coordinator's pin for need; the
        start keeps the rule, so the model stays feasible."""
        rules = self.problem.instance.rules
        by_commune: dict[str, list[int]] = {}
        for i, (insee, _slot, _phase) in enumerate(self.keys):
            if rules.pin_of(insee) is not None:
                by_commune.setdefault(insee, []).append(i)
        for insee in sorted(by_commune):
            members = by_commune[insee]
            floor = int(start[self.x_index[members]].sum())
            if floor == 0:
                continue
            for model in (self.need_model, self.drive_model):
                visits = [model.get_bool_var_from_proto_index(int(self.x_index[i])) for i in members]
                model.add(cp_model.LinearExpr.sum(visits) >= floor)
            self.pin_floors.append((self.x_index[members], floor))

    def keeps_pins(self, values: np.ndarray) -> bool:
        return all(int(values[indices].sum()) >= floor for indices, floor in self.pin_floors)

    # --- evaluating solutions ---------------------------------------------------------------------

    def solution_of(self, visits) -> np.ndarray:
        """The need model's variables for a set of visits (the "day used" variables follow).

        Visits the model has no variable for (they would serve nothing: no real occurrence left) are
        left out, and so is any later session of a bus's day whose earlier session is then empty, so
        that the start is always a solution.
        """
        values = np.zeros(self.size, dtype=np.int64)
        chosen = {(v.insee, v.slot, v.phase) for v in visits}
        for key, var in self.x.items():
            values[var.index] = key in chosen
        for used, members, earlier in self.used:
            if not any(values[m] for m in earlier):
                values[members] = 0
            values[used] = int(values[members].any())
        return values

    def visits_of(self, values: np.ndarray) -> tuple[Visit, ...]:
        problem = self.problem
        return sorted_visits(
            Visit(insee, slot, problem.demand[insee].period, phase)
            for (insee, slot, phase), var in self.x.items()
            if values[var.index]
        )

    def priority_of(self, values: np.ndarray) -> int:
        return int(self.priority_coef @ values[self.x_index])

    def need_of(self, values: np.ndarray) -> int:
        return int(self.need_coef @ values[self.x_index])

    def drive_of(self, values: np.ndarray) -> int:
        """Driving (tenths of a minute over the horizon) × `TIE_SCALE` + tie-breaks, pairs included."""
        drive = int(self.drive_coef @ values[self.x_index])
        drive += int(self.pair_cost @ (values[self.pair_first] & values[self.pair_second]))
        return TIE_SCALE * drive + int(self.tie_coef @ values[self.x_index])

    def key(self, values: np.ndarray) -> tuple[int, int, int]:
        """What "better" means: more priority-zone need, then more need, then less driving."""
        return (self.priority_of(values), self.need_of(values), -self.drive_of(values))

    # --- the relaxation ---------------------------------------------------------------------------

    def priority_bound(self) -> int | None:
        """Proven bound on the priority zones' need."""
        return self.relaxation.bound("priority", 0) if self.has_priority else None

    def need_bound(self, priority_floor: int) -> int | None:
        """Proven bound on need among the patterns that serve at least ``priority_floor`` in priority zones."""
        return self.relaxation.bound("need", priority_floor)

    def need_floor(self, need: int, bound: int | None) -> int:
        """The least need the driving stage may keep from the best pattern's ``need``: at most
        ``tolerance`` % below the proven ``bound`` (the best possible), never more than ``need``.
        Counted from the bound, not from the best found, so the plan stays within the tolerance of
        the best possible; while the bound is far above the best found, no need is given up."""
        if bound is None:
            return need
        return min(need, math.ceil((100 - self.tolerance) * max(need, bound) / 100))

    def need_key(self, values: np.ndarray) -> tuple[int, int]:
        return (self.priority_of(values), self.need_of(values))

    def best_start(self, priority_floor: int, known: list[np.ndarray]) -> np.ndarray:
        """The best, priority zones first, of the known solutions and of the relaxation rounded
        (alone, and around each known solution's priority-zone visits)."""
        options = list(known)
        scores = self.relaxation.scores("need", priority_floor) if len(self.keys) > SMALL_MODEL else None
        if scores is not None:
            scores = {k: scores.get(k, 0.0) for k in self.keys}
            options.append(self.solution_of(rounded_pattern(self.problem, scores).visits))
            for values in known:
                kept = tuple(v for v in self.visits_of(values) if self.problem.demand[v.insee].priority_need)
                options.append(self.solution_of(rounded_pattern(self.problem, scores, kept).visits))
        options = options[: len(known)] + [v for v in options[len(known) :] if self.keeps_pins(v)]
        return max(options, key=lambda v: (*self.need_key(v), -self.drive_of(v)))

    # --- running a stage --------------------------------------------------------------------------

    def run(
        self,
        stage: str,
        *,
        floors: tuple[int, int],
        hint: np.ndarray,
        budget: float,
        same_communes: bool = False,
        units: frozenset[str] | None = None,
    ) -> Run:
        """Solve one stage from ``hint`` with the given floors (priority need, need). With
        ``same_communes`` (the driving stage), only the communes ``hint`` visits may be visited:
        a model small enough to search whole and prove, where the neighbourhood search of the full
        model stalls on re-pairing them (Creuse-Sud's week: 205.6 min where 168.6 were possible)."""
        model = self.drive_model if stage == "drive" else self.need_model
        if stage in ("priority", "need"):
            coefs = self.priority_coef if stage == "priority" else self.need_coef
            model.maximize(cp_model.LinearExpr.weighted_sum(self.x_vars, coefs.tolist()))
        else:
            coefs = (TIE_SCALE * self.drive_coef + self.tie_coef).tolist() + (TIE_SCALE * self.pair_cost).tolist()
            model.minimize(cp_model.LinearExpr.weighted_sum(self.x_vars + self.pair_vars, coefs))
        for index, floor in zip(self._floors, floors, strict=True):
            model.proto.constraints[index].linear.domain[0] = int(floor)
        full = hint
        if stage == "drive":
            full = np.concatenate([hint, hint[self.pair_first] & hint[self.pair_second]])
        proto_hint = model.proto.solution_hint
        proto_hint.vars.clear()
        proto_hint.values.clear()
        proto_hint.vars.extend(range(len(full)))
        proto_hint.values.extend(int(v) for v in full)
        if same_communes:
            model = self._same_communes(model, hint)
        if units is not None:
            model = self._only_units(model, hint, units)
        solver = cp_model.CpSolver()
        small = self.small or same_communes or units is not None
        search_only = stage == "drive" and not small
        configure_deterministic(
            solver,
            time_limit=budget * DETERMINISTIC_PER_SECOND,
            seed=self.seed,
            workers=self.workers or (1 if small else 4),
            neighbourhoods_only=search_only,
        )
        status = solver.solve(model)
        spent = solver.deterministic_time / DETERMINISTIC_PER_SECOND
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Run(None, 0, None, False, spent, solver.status_name(status))
        values = np.array(solver.response_proto.solution, dtype=np.int64)[: self.size]
        objectives = {"priority": self.priority_of, "need": self.need_of, "drive": self.drive_of}
        objective = objectives[stage](values)
        bound = math.floor(solver.best_objective_bound + 1e-6) if stage != "drive" else None
        return Run(values, objective, bound, status == cp_model.OPTIMAL, spent, solver.status_name(status))

    def unit_pairs(self) -> list[frozenset[str]]:
        """The pairs of units that share a commune they may both visit, in a fixed order."""
        units_of: dict[str, set[str]] = {}
        for insee, slot, _phase in self.keys:
            units_of.setdefault(insee, set()).add(slot.unit_id)
        pairs = {(a, b) for units in units_of.values() for a in units for b in units if a < b}
        return [frozenset(pair) for pair in sorted(pairs)]

    def _only_units(self, model: cp_model.CpModel, hint: np.ndarray, units: frozenset[str]) -> cp_model.CpModel:
        """A copy of ``model`` where the visits of units other than ``units`` are fixed to ``hint``'s."""
        restricted = model.clone()
        for key, var in zip(self.keys, self.x_vars, strict=True):
            if key[1].unit_id not in units:
                domain = restricted.proto.variables[var.index].domain
                domain[0] = domain[1] = int(hint[var.index])
        return restricted

    def _same_communes(self, model: cp_model.CpModel, hint: np.ndarray) -> cp_model.CpModel:
        """A copy of ``model`` where the communes ``hint`` does not visit get no visit."""
        chosen = {self.keys[i][0] for i in np.flatnonzero(hint[self.x_index])}
        restricted = model.clone()
        for key, var in zip(self.keys, self.x_vars, strict=True):
            if key[0] not in chosen:
                restricted.add(restricted.get_bool_var_from_proto_index(var.index) == 0)
        return restricted


class PatternRelaxation:
    """The linear relaxation over every visit of the problem (`planner.tours.pattern_relaxation`):
    proven bounds, and the fractional solutions that guide the first solutions (solved once each)."""

    @dataclass(frozen=True)
    class _Index:
        index: int

    def __init__(self, problem: PatternProblem, *, day_flows: bool = False) -> None:
        self.keys = problem.possible_visits()
        x = {key: self._Index(i) for i, key in enumerate(self.keys)}
        self.rows = Rows(len(self.keys))
        add_assignment_rules(RuleSink(None, self.rows), x, problem)
        if day_flows:
            for day in successive_sessions(x, problem):
                add_day_flow(self.rows, day, problem)
        self.coefs = {
            "need": np.array([problem.value(*k) for k in self.keys], dtype=float),
            "priority": np.array([problem.value(*k, priority=True) for k in self.keys], dtype=float),
        }
        self.has_priority = bool(self.coefs["priority"].any())
        self._solved: dict[tuple[str, int], Relaxation | None] = {}

    def _solve(self, objective: str, priority_floor: int) -> Relaxation | None:
        if (objective, priority_floor) not in self._solved:
            floors = [(self.coefs["priority"], priority_floor)] if priority_floor > 0 else []
            self._solved[objective, priority_floor] = solve_relaxation(self.rows, self.coefs[objective], floors)
        return self._solved[objective, priority_floor]

    def bound(self, objective: str, priority_floor: int) -> int | None:
        solved = self._solve(objective, priority_floor)
        return solved.bound if solved is not None else None

    def scores(self, objective: str, priority_floor: int) -> dict[tuple[str, Slot, int], float] | None:
        solved = self._solve(objective, priority_floor)
        return None if solved is None else dict(zip(self.keys, solved.values[: len(self.keys)].tolist(), strict=True))

    def promising(self, problem: PatternProblem, start, per_commune: int) -> set[tuple[str, Slot, int]]:
        """The visits a large model keeps: those the relaxations use, those of ``start``, and each
        commune's ``per_commune`` most valuable (then least driving) ones."""
        keep = {(v.insee, v.slot, v.phase) for v in start}
        floor = round(sum(problem.value(v.insee, v.slot, v.phase, priority=True) for v in start))
        for objective, priority_floor in (("priority", 0), ("need", floor)):
            scores = self.scores(objective, priority_floor) if objective == "need" or self.has_priority else None
            keep |= {k for k, v in (scores or {}).items() if v > 1e-6}
        by_commune: dict[str, list[tuple[float, float, int]]] = {}
        for i, key in enumerate(self.keys):
            drive = visit_drive_cost(problem, key, exact=True)
            by_commune.setdefault(key[0], []).append((-self.coefs["need"][i], drive, i))
        for items in by_commune.values():
            keep |= {self.keys[i] for _, _, i in sorted(items)[:per_commune]}
        return keep


def link_pairs(model: cp_model.CpModel, pairs) -> list[tuple[int, int, int, int]]:
    """One boolean per (visit, next visit) that may be true only when both happen.

    A pair saves driving when it costs less than going back to the depot (the usual case): then it
    only needs to be at most each visit; a pair that costs more must be true when both happen.
    Returns (pair variable, cost, first, second) as indices, cost in tenths of a minute.
    """
    linked = []
    for first, second, minutes in pairs:
        cost = round(DRIVE_SCALE * minutes)
        if cost == 0:
            continue
        a, b = model.get_bool_var_from_proto_index(first), model.get_bool_var_from_proto_index(second)
        both = model.new_bool_var(f"then({a.name} -> {b.name})")
        if cost < 0:
            model.add_implication(both, a)
            model.add_implication(both, b)
        else:
            model.add_bool_or([both, ~a, ~b])
        linked.append((both.index, cost, first, second))
    return linked


def visit_drive_cost(problem: PatternProblem, key: tuple[str, Slot, int], exact: bool) -> int:
    """Driving a visit adds to its days over the horizon (tenths of a minute).

    Exact model: the drive from the depot for a first session, the drive back to the depot (removed
    by the pair term when another session follows). Otherwise half the round trip, an estimate.
    """
    insee, slot, phase = key
    unit = problem.instance.unit(slot.unit_id)
    if unit.kind is UnitKind.FIXED:
        return 0
    commune = problem.instance.commune(insee)
    occurrences = len(problem.occurrences(insee, slot, phase))
    if not exact:
        minutes = problem.round_trip(unit, commune) / 2
    else:
        site = commune.site.point
        minutes = (problem.minutes(unit.depot, site) if slot.session == 0 else 0.0) + problem.minutes(site, unit.depot)
    return round(DRIVE_SCALE * minutes * occurrences)
