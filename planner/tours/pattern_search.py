"""The weekly pattern by CP-SAT, in lexicographic stages: priority zones' need, then need, then driving.

One model holds the hard rules (`_add_*`, one function each); the stages change its objective and
its floors:

1. maximise the priority zones' need alone (found and proven much faster than weighted above need);
2. holding it, maximise need; the proven bound on need (with that priority-zone need) is the
   plan's "borne prouvée";
3. holding the priority zones' need, and need within ``need_tolerance_percent`` of that bound (the
   tolerance applies to need only, and is counted from the best possible, not from the best
   found), drive as little as possible.

Need is counted over the real dated occurrences (`PatternProblem.value`), in the unit of the plan's
``need_served_share``. The need stage first solves the linear relaxation of the assignment rules
(`planner.tours.pattern_relaxation`): its optimum is a proven bound, and its solution, rounded
(`rounded_pattern`), a first solution. CP-SAT starts from the best solution so far (a complete
hint) and keeps it when it finds nothing better; a stage that finds nothing is said in the
pattern's notes, never hidden. Need is searched by CP-SAT's full portfolio (which proves optima),
driving by its neighbourhood search (which improves fastest); a department-scale model keeps only
its promising visits, the relaxation over all of them giving the bound.

Anytime and monotone: the budget is rounded down to a power of two and spent as a ladder (the
first step, then steps that double the total), each step improving the previous step's answer and
kept only if it is at least as good by (priority need, need, driving); the ladder stops when the
model has no better need and the driving is proven least or gained less than `DRIVE_STALL` in a
step. So the search with budget 2T starts from, and can only improve on, exactly the answer of the
search with budget T, from the first step on (1 s; 16 s on department-scale models, where a smaller
budget is spent in one run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.sat.python import cp_model

from planner.domain.instance import Unit, UnitKind
from planner.tours.cpsat import configure_deterministic
from planner.tours.greedy_pattern import rounded_pattern
from planner.tours.pattern_problem import Pattern, PatternProblem, Slot, Visit, sorted_visits
from planner.tours.pattern_relaxation import Relaxation, Rows, solve_relaxation

#: Driving is counted in tenths of a minute per real occurrence; tie-breaks (earlier in the week)
#: weigh less than a tenth of a minute of driving.
DRIVE_SCALE = 10
TIE_SCALE = 1000
#: Up to this many visit variables, one CP-SAT worker with its full search proves optima fastest;
#: above, four interleaved workers (neighbourhood search only for driving, where it improves
#: fastest). Above `LARGE_MODEL` possible visits, the model keeps only the promising ones
#: (`_Relaxation.promising`, with `PER_COMMUNE` per commune); the bound still comes from the
#: relaxation over every visit. On the Orne département (18,360 visits), 6 a commune kept 1,958 of
#: them and missed the most priority-zone need (99.7 % of it); 16 keep 4,753 and reach it, proven
#: by the relaxation, in 3.6 s.
SMALL_MODEL = 300
LARGE_MODEL = 4000
PER_COMMUNE = 16
#: Above this many (visit, next visit) pairs, driving is estimated per visit instead of per leg.
MAX_PAIR_VARIABLES = 40_000
#: Budgets are in "seconds": about a second of computing on a 2-core machine each. CP-SAT spends
#: them as deterministic time (so the same inputs give the same pattern on any machine), at this
#: rate (measured on the 2-core machine: its neighbourhood search does about this much
#: deterministic work per second).
DETERMINISTIC_PER_SECOND = 0.2
#: First step of the ladder (seconds), larger for large models: each step runs CP-SAT afresh, and a
#: step too short for the priority zones' stage finds little there (Orne département: its most
#: priority-zone need took 9.2 s of computing in one run, and was not found in steps of 8).
SMALLEST_STEP = 1.0
LARGE_MODEL_STEP = 16.0
#: Without a time limit, the budget grows with the possible visits: 2 s up to `AUTO_VISITS`, doubling
#: for every doubling of the visits, `PRIORITY_FACTOR` times that with priority zones (one stage
#: more, and one that needs long runs: Nièvre-Morvan reaches 90.0 % of its priority zones' need in
#: 32 s, 79.1 % in 8), at most `AUTO_MAX` s. The ladder stops early where nothing is left to
#: gain (Creuse: 3.3 s with 16).
AUTO_VISITS = 500
PRIORITY_FACTOR = 4
AUTO_MAX = 32.0
#: Share of a ladder step for the need stage; the driving stage has the rest, and whatever the need
#: stage did not use (proven, or ended early).
NEED_SHARE = 0.6
#: A stage is never given less than this budget (CP-SAT's presolve alone takes about that).
MIN_STAGE = 0.25
#: While the priority zones' need may still grow, it is searched first, alone, with the need
#: stages' share of the step (the need stage has whatever it leaves, at least `MIN_STAGE`). Apart
#: from need it is found and proven much faster: on the Orne département's model, its most
#: priority-zone need in 9.2 s of computing, where priority weighted above need had not found it in
#: 32 s.
PRIORITY_SHARE = 1.0
#: The ladder stops when a step of at least `STALL_STEP`, the need stages proven, gained less than
#: this share of driving.
DRIVE_STALL = 0.002
STALL_STEP = 1.0


def auto_time_limit(possible_visits: int, priority: bool = False) -> float:
    """The default budget (seconds): 2 s, doubled for each doubling of the possible visits above
    `AUTO_VISITS`, times `PRIORITY_FACTOR` with priority zones, at most `AUTO_MAX`."""
    doublings = math.floor(math.log2(max(1.0, possible_visits / AUTO_VISITS)))
    return min(AUTO_MAX, 2.0 * 2**doublings * (PRIORITY_FACTOR if priority else 1))


def effective_budget(time_limit: float) -> float:
    """The budget the search may spend: ``time_limit`` rounded down to a power of two (at least the
    smallest step), so that a larger limit always contains the search of a smaller one."""
    return 2.0 ** math.floor(math.log2(max(time_limit, SMALLEST_STEP)))


def budget_steps(time_limit: float, variables: int) -> list[float]:
    """The ladder: the first step, then steps that double the total, up to `effective_budget`."""
    first = LARGE_MODEL_STEP if variables > LARGE_MODEL else SMALLEST_STEP
    total = effective_budget(time_limit)
    if total <= first:
        return [total]
    steps, done = [first], first
    while done * 2 <= total + 1e-9:
        steps.append(done)
        done *= 2
    return steps


def solve_pattern(
    problem: PatternProblem,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    hint: Pattern | None = None,
    workers: int | None = None,
) -> Pattern:
    """Choose the visits with CP-SAT, in stages: need (priority zones first), then little driving.

    ``time_limit`` is the budget in seconds (`DETERMINISTIC_PER_SECOND`), rounded down to a power of
    two (`effective_budget`); ``None`` sizes it to the problem (`auto_time_limit`). ``hint`` (the
    greedy pattern, or the previous pattern when planning again) is the first solution. ``workers``
    fixes CP-SAT's threads (1 when plans run side by side, as in studies); by default 1 on small
    models and 4 interleaved ones above.
    """
    if not problem.candidates or not problem.slots:
        return Pattern(problem.cycle_weeks, (), "cp-sat", 0, 0, True, True, ("aucune commune à placer",), 0.0)
    start = hint.visits if hint is not None else ()
    relaxation = _Relaxation(problem)
    if time_limit is None:
        time_limit = auto_time_limit(len(relaxation.keys), relaxation.has_priority)
    keys = relaxation.promising(problem, start, PER_COMMUNE) if len(relaxation.keys) > LARGE_MODEL else None
    model = _PatternModel(problem, seed, relaxation, keys, workers)
    first = model.solution_of(start)
    model.keep_pins(first)
    state = _State.initial(first)
    for budget in budget_steps(time_limit, len(relaxation.keys)):
        before = model.drive_of(state.values)
        state = _improve(model, state, budget)
        stalled = budget >= STALL_STEP and before - model.drive_of(state.values) < DRIVE_STALL * before
        if state.need_settled and (state.drive_proven or stalled):
            break
    return model.pattern(state, time_limit)


def tighten_bound(problem: PatternProblem, pattern: Pattern, *, found_in: PatternProblem | None = None) -> Pattern:
    """``pattern`` with the proven bound of ``problem`` at the pattern's priority-zone need, from the
    relaxation with each bus day's sessions as pairs (`_add_day_flow`). Slower to solve than the
    search's relaxation (about 11 s on the Orne département, where it bounds need at 60.6 % where the
    search's relaxation says 68.5 %), so it is solved once, for the pattern the plan keeps.

    A pattern ``found_in`` a narrower problem (days blocked) has its priority-zone need counted
    there (fewer dates, a lower floor, a bound that holds for it), and its search's bound, which is
    that narrower problem's, is dropped; found in ``problem`` itself, the lower of the two bounds is
    kept."""
    found_in = found_in or problem
    own = pattern.need_bound if found_in is problem else None
    if pattern.method != "cp-sat" or (own is not None and pattern.need >= own):
        return replace(pattern, need_bound=own)
    relaxation = _Relaxation(problem, day_flows=True)
    floor = sum(found_in.value(v.insee, v.slot, v.phase, priority=True) for v in pattern.visits)
    bound = relaxation.bound("need", floor if relaxation.has_priority else 0)
    if bound is None:
        return replace(pattern, need_bound=own)
    if own is not None:
        bound = min(bound, own)
    return replace(pattern, need_bound=max(bound, pattern.need))


@dataclass
class _Run:
    """One CP-SAT solve: the solution found (need model variables), its objective and bound."""

    values: np.ndarray | None
    objective: int
    bound: int | None
    optimal: bool
    spent: float
    status: str


@dataclass
class _State:
    """The best answer so far and what the stages have established."""

    values: np.ndarray  # the answer: every variable of the need model
    best: np.ndarray  # the most need found (priority zones first), the floor of the drive stage
    need_bound: int | None = None  # proven bound on need, with the priority zones' need of ``best``
    priority_proven: bool = False  # proven for every visit (also for the model's: settled)
    need_proven: bool = False
    priority_settled: bool = False  # the model has no better answer: no use searching again
    need_settled: bool = False
    drive_proven: bool = False
    improved: bool = False  # better than the first solution
    notes: list[str] = field(default_factory=list)

    @classmethod
    def initial(cls, values: np.ndarray) -> _State:
        return cls(values, values)


def _improve(model: _PatternModel, state: _State, budget: float) -> _State:
    """One ladder step: the two stages from ``state``, kept only if the answer is at least as good."""
    new = replace(state, notes=[])
    spare = 0.0
    if not new.need_settled:
        share = NEED_SHARE * budget
        if model.has_priority and not new.priority_settled:
            floor = model.priority_of(new.best)
            run = model.run("priority", floors=(floor, 0), hint=new.best, budget=PRIORITY_SHARE * share)
            share -= run.spent
            if run.values is not None and model.need_key(run.values) > model.need_key(new.best):
                new.best, new.drive_proven = run.values, False
            reached = _at_least(model.priority_of(new.best), model.priority_bound())
            new.priority_settled = run.optimal or reached
            new.priority_proven = (run.optimal and model.complete) or reached
            new.notes.append(_stage_note("zones prioritaires", run, model.complete))
        floor = model.priority_of(new.best)
        start = model.best_start(floor, [new.best, new.values])
        run = model.run("need", floors=(floor, 0), hint=start, budget=max(share, MIN_STAGE))
        found = run.values if run.values is not None else start
        spare = share - run.spent
        if model.need_key(found) > model.need_key(new.best):
            new.best, new.drive_proven = found, False
        # CP-SAT's bound holds for the visits the model has: for every visit only when it has them all.
        proven = run.optimal and model.complete
        found_bounds: list[int | None] = (
            [run.bound] if model.complete and run.bound is not None and run.values is not None else []
        )
        if not proven:  # the relaxation over every visit (solved only when CP-SAT proved nothing)
            found_bounds.append(model.need_bound(floor))
        bounds = [b for b in found_bounds if b is not None]
        if bounds:
            new.need_bound = min(bounds)
        reached = new.need_bound is not None and model.need_of(new.best) >= new.need_bound
        new.need_settled = (run.optimal or reached) and (not model.has_priority or new.priority_settled)
        new.need_proven = (proven or reached) and (not model.has_priority or new.priority_proven)
        new.notes.append(_stage_note("besoin", run, model.complete))
    else:
        spare = NEED_SHARE * budget
    if not new.drive_proven:
        priority, need = model.priority_of(new.best), model.need_of(new.best)
        same_priority = model.priority_of(state.values) == priority
        floor = max(model.need_floor(need, new.need_bound), model.need_of(state.values) if same_priority else 0)
        options = [new.values, new.best]
        keeps = [v for v in options if model.priority_of(v) >= priority and model.need_of(v) >= floor]
        start = min(keeps or options[1:], key=model.drive_of)
        share = (1 - NEED_SHARE) * budget + spare
        run = model.run("drive", floors=(priority, floor), hint=start, budget=share)
        found = run.values if run.values is not None else start
        new.drive_proven = run.optimal
        new.notes.append(_stage_note("conduite", run, model.complete))
        if model.need_key(found) > model.need_key(new.best):
            new.best = found
        new.values = found
    if model.key(new.values) < model.key(state.values):  # never worse than the previous step
        new.values = state.values
    new.improved = state.improved or model.key(new.values) > model.key(state.values)
    new.notes = new.notes or state.notes
    return new


def _at_least(value: int, bound: int | None) -> bool:
    return bound is not None and value >= bound


def _stage_note(stage: str, run: _Run, complete: bool) -> str:
    """How a stage went, in French; a model of the promising visits only proves nothing for the others."""
    if run.values is None:
        return (
            f"{stage} : aucune solution CP-SAT en {run.spent:.1f} s de calcul ({run.status}), la précédente est gardée"
        )
    if run.optimal:
        found = "optimum prouvé" if complete else "optimum parmi les visites les plus prometteuses"
    else:
        found = "meilleure solution trouvée"
    return f"{stage} : {found} ({run.spent:.1f} s de calcul)"


class _PatternModel:
    """The CP-SAT model of a pattern problem, built once: visit variables, hard rules, and the
    expressions the stages optimise (priority need, need, driving, tie-breaks).

    Two copies share their first variables: the need model (visits and "day used" variables) and
    the drive model, which adds one variable per (visit, next visit) pair for exact driving costs.
    The assignment rules are also kept as linear rows for the relaxation.
    """

    def __init__(
        self, problem: PatternProblem, seed: int, relaxation: _Relaxation, keys=None, workers: int | None = None
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
        _add_assignment_rules(_Rules(model, None), self.x, problem)
        pair_candidates, self.used = _add_compact_days(model, self.x, problem)
        self.keys = list(self.x)
        self.complete = len(self.keys) == len(relaxation.keys)  # every visit, or the promising ones
        self.x_vars = [self.x[k] for k in self.keys]
        self.x_index = np.array([v.index for v in self.x_vars], dtype=np.int64)
        self.need_coef = np.array([problem.value(*k) for k in self.keys], dtype=np.int64)
        self.priority_coef = np.array([problem.value(*k, priority=True) for k in self.keys], dtype=np.int64)
        self.has_priority = relaxation.has_priority
        exact = len(pair_candidates) <= MAX_PAIR_VARIABLES
        self.drive_coef = np.array([_visit_drive_cost(problem, k, exact) for k in self.keys], dtype=np.int64)
        self.tie_coef = np.array([k[1].weekday + k[1].session for k in self.keys], dtype=np.int64)
        self._floors = (
            model.add(cp_model.LinearExpr.weighted_sum(self.x_vars, self.priority_coef.tolist()) >= 0).index,
            model.add(cp_model.LinearExpr.weighted_sum(self.x_vars, self.need_coef.tolist()) >= 0).index,
        )
        self.size = len(model.proto.variables)
        self.pin_floors: list[tuple[np.ndarray, int]] = []  # (visit variables, least visits): `keep_pins`
        self.need_model = model
        self.drive_model = model.clone()
        pairs = _link_pairs(self.drive_model, pair_candidates if exact else [])
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

    def run(self, stage: str, *, floors: tuple[int, int], hint: np.ndarray, budget: float) -> _Run:
        """Solve one stage from ``hint`` with the given floors (priority need, need)."""
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
        solver = cp_model.CpSolver()
        small = len(self.x) <= SMALL_MODEL
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
            return _Run(None, 0, None, False, spent, solver.status_name(status))
        values = np.array(solver.response_proto.solution, dtype=np.int64)[: self.size]
        objectives = {"priority": self.priority_of, "need": self.need_of, "drive": self.drive_of}
        objective = objectives[stage](values)
        bound = math.floor(solver.best_objective_bound + 1e-6) if stage != "drive" else None
        return _Run(values, objective, bound, status == cp_model.OPTIMAL, spent, solver.status_name(status))

    # --- the answer -------------------------------------------------------------------------------

    def pattern(self, state: _State, time_limit: float) -> Pattern:
        problem = self.problem
        visits = self.visits_of(state.values)
        notes = list(state.notes)
        if not state.improved and not state.need_proven:
            notes.insert(0, f"CP-SAT n'a rien trouvé de mieux que la méthode gloutonne en {time_limit:g} s de calcul")
        method = "cp-sat" if state.improved or state.need_proven else "greedy"
        return Pattern(
            problem.cycle_weeks,
            visits,
            method,
            self.need_of(state.values),
            state.need_bound,
            state.need_proven,
            state.drive_proven,
            tuple(notes),
            effective_budget(time_limit),
            self.drive_of(state.values) // TIE_SCALE / DRIVE_SCALE,
        )


class _Rules:
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


class _Relaxation:
    """The linear relaxation over every visit of the problem (`planner.tours.pattern_relaxation`):
    proven bounds, and the fractional solutions that guide the first solutions (solved once each)."""

    @dataclass(frozen=True)
    class _Index:
        index: int

    def __init__(self, problem: PatternProblem, *, day_flows: bool = False) -> None:
        self.keys = [
            (c.insee, slot, phase)
            for c in problem.candidates
            for slot in problem.allowed[c.insee]
            for phase in range(problem.demand[c.insee].period)
            if problem.value(c.insee, slot, phase) > 0
        ]
        x = {key: self._Index(i) for i, key in enumerate(self.keys)}
        self.rows = Rows(len(self.keys))
        _add_assignment_rules(_Rules(None, self.rows), x, problem)
        if day_flows:
            for day in _successive_sessions(x, problem):
                _add_day_flow(self.rows, day, problem)
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
            drive = _visit_drive_cost(problem, key, exact=True)
            by_commune.setdefault(key[0], []).append((-self.coefs["need"][i], drive, i))
        for items in by_commune.values():
            keep |= {self.keys[i] for _, _, i in sorted(items)[:per_commune]}
        return keep


def _add_assignment_rules(rules: _Rules, x, problem: PatternProblem) -> None:
    """The rules that limit what can be served: slot capacity, targets, one a day, gaps."""
    by_commune: dict[str, list[tuple[Slot, int]]] = {}
    by_slot: dict[Slot, list[tuple[str, int]]] = {}
    for insee, slot, phase in x:
        by_commune.setdefault(insee, []).append((slot, phase))
        by_slot.setdefault(slot, []).append((insee, phase))
    _add_slot_capacity(rules, x, problem, by_slot)
    _add_frequency_caps(rules, x, problem, by_commune)
    _add_min_gap(rules, x, problem, by_commune, problem.instance.rules.min_gap_days)
    _add_post_limits(rules, x, problem)


def _add_post_limits(rules: _Rules, x, problem: PatternProblem) -> None:
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


def _add_slot_capacity(rules: _Rules, x, problem: PatternProblem, by_slot) -> None:
    """Hard: a slot holds at most one commune in any week of the cycle (a fixed place: one per room)."""
    for slot, items in by_slot.items():
        for week in range(problem.cycle_weeks):
            rules.at_most(_in_week(x, problem, items, slot, week).values(), 1)


def _add_frequency_caps(rules: _Rules, x, problem: PatternProblem, by_commune) -> None:
    """Hard: never more visits than the commune's target (no over-serving); one a day at most
    (a fixed place may hold several sessions a day)."""
    for insee, keys in by_commune.items():
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


def _add_min_gap(rules: _Rules, x, problem: PatternProblem, by_commune, min_gap_days: int) -> None:
    """Hard: two visits of a commune in one week are at least ``min_gap_days`` apart (also across weeks)."""
    for insee, keys in by_commune.items():
        demand = problem.demand[insee]
        if demand.fixed or demand.per_period < 2 or demand.period != 1:
            continue
        days = sorted({s.weekday for s, _ in keys})
        for i, d1 in enumerate(days):
            for d2 in days[i + 1 :]:
                gap = min(d2 - d1, 7 - (d2 - d1))
                if gap < min_gap_days:
                    rules.at_most((x[insee, s, ph] for s, ph in keys if s.weekday in (d1, d2)), 1)


def _successive_sessions(x, problem: PatternProblem):
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
            there = _in_week(x, problem, by_slot[nxt], nxt, week)
            if there:
                yield slot, nxt, week, _in_week(x, problem, by_slot[slot], slot, week), there


def _add_compact_days(model, x, problem: PatternProblem) -> tuple[list, list]:
    """Hard: a bus's sessions of a day follow one another in slot order, each within reach of the previous.

    Slot ``s + 1`` is used only if slot ``s`` is, and a commune in slot ``s`` is followed by one at most
    ``max_drive_between_sessions`` minutes away, so a day never zigzags across the territory.
    Returns the (this visit, next visit, drive-cost change, real occurrences) candidates for exact
    driving costs, and the (slot used variable, its visit variables) definitions, for complete hints.
    """
    near = problem.near
    costs: dict[tuple[str, str, str], float] = {}  # (unit, a, b): the same for every slot and week
    pairs, used = [], []
    for slot, nxt, week, here, there in _successive_sessions(x, problem):
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
                    costs[unit.id, insee, b] = _pair_cost(problem, unit, insee, b)
                pairs.append((var.index, there[b].index, costs[unit.id, insee, b] * occurrences))
    return pairs, used


def _add_day_flow(rows: Rows, group, problem: PatternProblem) -> None:
    """The compact-day rule (`_add_compact_days`) for the relaxation, exact for one bus slot and
    the next session of its day, one week (``group``, from `_successive_sessions`): one more
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


def _pair_cost(problem: PatternProblem, unit: Unit, a: str, b: str) -> float:
    """Driving a → b instead of a → depot: what following ``a`` by ``b`` adds to the day."""
    sa, sb = problem.instance.commune(a).site.point, problem.instance.commune(b).site.point
    return problem.minutes(sa, sb) - problem.minutes(sa, unit.depot)


def _link_pairs(model: cp_model.CpModel, pairs) -> list[tuple[int, int, int, int]]:
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


def _visit_drive_cost(problem: PatternProblem, key: tuple[str, Slot, int], exact: bool) -> int:
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


def _in_week(x, problem: PatternProblem, items, slot: Slot, week: int) -> dict:
    """The variables that put a commune in ``slot`` in cycle week ``week``, by INSEE code."""
    found = {}
    for insee, phase in items:
        if week % problem.demand[insee].period == phase:
            found[insee] = x[insee, slot, phase]
    return found
