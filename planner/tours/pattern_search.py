"""The weekly pattern by CP-SAT, in lexicographic stages: priority zones' need, then need, then driving.

One model holds the hard rules (`_add_*`, one function each); the stages change its objective and
its floors:

1. maximise the priority zones' need alone (found and proven much faster than weighted above need);
2. holding it, maximise need; the proven bound on need (with that priority-zone need) is the
   plan's "borne prouvée"; on a large model where CP-SAT proves nothing, the search then goes on
   one pair of units at a time (`search_by_unit_pairs`);
3. holding the priority zones' need, and need within ``need_tolerance_percent`` of that bound (the
   tolerance applies to need only, and is counted from the best possible, not from the best
   found), drive as little as possible: on a model too large to search whole (and on a small one
   once its whole search proved nothing), the communes already chosen are first re-paired by a
   whole search over them alone (half the stage's budget), then the search of the full model goes
   on from there.

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
model has no better need and the driving is proven least (stopping also when a step gained little
driving cut Vichy's and Cantal nord's weeks short: docs/architecture.md). So the search with budget
2T starts from, and can only improve on, exactly the answer of the search with budget T, from the
first step on (1 s; 16 s on department-scale models, where a smaller budget is spent in one run).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from planner.domain.french import percent_fr
from planner.tours.pattern_model import (
    DRIVE_SCALE,
    TIE_SCALE,
    PatternModel,
    PatternRelaxation,
    Run,
)
from planner.tours.pattern_problem import Pattern, PatternProblem

#: Above `LARGE_MODEL` possible visits, the model keeps only the promising ones
#: (`PatternRelaxation.promising`, with `PER_COMMUNE` per commune); the bound still comes from the
#: relaxation over every visit. On the Orne département (18,360 visits), 6 a commune kept 1,958 of
#: them and missed the most priority-zone need (99.7 % of it); 16 keep 4,753 and reach it, proven
#: by the relaxation, in 3.6 s.
LARGE_MODEL = 4000
PER_COMMUNE = 16
#: First step of the ladder (seconds), larger for large models: each step runs CP-SAT afresh, and a
#: step too short for the priority zones' stage finds little there (Orne département: its most
#: priority-zone need took 9.2 s of computing in one run, and was not found in steps of 8).
SMALLEST_STEP = 1.0
LARGE_MODEL_STEP = 16.0
#: Above this many possible visits (commune × slot × phase), `tighten_bound` leaves the pattern's
#: bound out: on the Orne département (18,360) its relaxation has 473,000 variables and GLOP took
#: 12.6 s of CPU for a figure shown for information only, beside the bound of the rules (always
#: computed); Nièvre-Morvan, the next largest benchmark territory, has 2,610.
TIGHTEN_MAX_VISITS = 10_000
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
#: Where the need stage proves nothing on a large model, the search goes on by pairs of units that
#: share a commune, every other unit's visits kept (`search_by_unit_pairs`): each pair is given
#: `PAIR_BUDGET`, all of them at most `PAIRS_SHARE` of the ladder step (taken from the driving
#: stage's share). On the 22 quality territories it raised Gers-Armagnac's pattern from 57.9 to
#: 68.2 % of need at the same priority-zone need (docs/architecture.md, « The search by pairs of units »).
PAIR_BUDGET = 2.0
PAIRS_SHARE = 0.4
#: A stage is never given less than this budget (CP-SAT's presolve alone takes about that).
MIN_STAGE = 0.25
#: While the priority zones' need may still grow, it is searched first, alone, with the need
#: stages' share of the step (the need stage has whatever it leaves, at least `MIN_STAGE`). Apart
#: from need it is found and proven much faster: on the Orne département's model, its most
#: priority-zone need in 9.2 s of computing, where priority weighted above need had not found it in
#: 32 s.
PRIORITY_SHARE = 1.0


def auto_time_limit(possible_visits: int, priority: bool = False) -> float:
    """The default budget (seconds): 2 s, doubled for each doubling of the possible visits above
    `AUTO_VISITS`, times `PRIORITY_FACTOR` with priority zones, at most `AUTO_MAX`."""
    doublings = math.floor(math.log2(max(1.0, possible_visits / AUTO_VISITS)))
    return min(AUTO_MAX, 2.0 * 2**doublings * (PRIORITY_FACTOR if priority else 1))


def default_budget(problem: PatternProblem) -> float:
    """The budget the search spends when given no time limit: `auto_time_limit`, as `effective_budget`
    rounds it."""
    visits = problem.possible_visits()
    priority = any(problem.value(*visit, priority=True) > 0 for visit in visits)
    return effective_budget(auto_time_limit(len(visits), priority))


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
    progress: Callable[[float, str], None] | None = None,
) -> Pattern:
    """Choose the visits with CP-SAT, in stages: need (priority zones first), then little driving.

    ``time_limit`` is the budget in seconds (`DETERMINISTIC_PER_SECOND`), rounded down to a power of
    two (`effective_budget`); ``None`` sizes it to the problem (`auto_time_limit`). ``hint`` (the
    greedy pattern, or the previous pattern when planning again) is the first solution. ``workers``
    fixes CP-SAT's threads (1 when plans run side by side, as in studies); by default 1 on small
    models and 4 interleaved ones above. ``progress(fraction, message)`` hears of each step of the
    ladder: the share of the budget spent and the need found so far (French).
    """
    if not problem.candidates or not problem.slots:
        return Pattern(problem.cycle_weeks, (), "cp-sat", 0, 0, True, True, ("aucune commune à placer",), 0.0)
    start = hint.visits if hint is not None else ()
    relaxation = PatternRelaxation(problem)
    if time_limit is None:
        time_limit = auto_time_limit(len(relaxation.keys), relaxation.has_priority)
    keys = relaxation.promising(problem, start, PER_COMMUNE) if len(relaxation.keys) > LARGE_MODEL else None
    model = PatternModel(problem, seed, relaxation, keys, workers)
    first = model.solution_of(start)
    model.keep_pins(first)
    state = _State.initial(first)
    steps = budget_steps(time_limit, len(relaxation.keys))
    for index, budget in enumerate(steps):
        if progress is not None:
            found = percent_fr(problem.need_share(model.need_of(state.values)))
            progress(sum(steps[:index]) / sum(steps), f"étape {index + 1}/{len(steps)}, besoin servi {found} jusqu'ici")
        state = _improve(model, state, budget)
        if state.need_settled and state.drive_proven:
            break
    return _answer(model, state, time_limit)


def tighten_bound(problem: PatternProblem, pattern: Pattern, *, found_in: PatternProblem | None = None) -> Pattern:
    """``pattern`` with the proven bound of ``problem`` at the pattern's priority-zone need, from the
    relaxation with each bus day's sessions as pairs (`add_day_flow`). Slower to solve than the
    search's relaxation (about 11 s on the Orne département, where it bounds need at 60.6 % where the
    search's relaxation says 68.5 %), so it is solved once, for the pattern the plan keeps.

    A pattern ``found_in`` a narrower problem (days blocked) has its priority-zone need counted
    there (fewer dates, a lower floor, a bound that holds for it), and its search's bound, which is
    that narrower problem's, is dropped; found in ``problem`` itself, the lower of the two bounds is
    kept. Above `TIGHTEN_MAX_VISITS` possible visits only the search's own bound is kept (none for a
    pattern found in a narrower problem)."""
    found_in = found_in or problem
    own = pattern.need_bound if found_in is problem else None
    possible = sum(len(problem.allowed[c.insee]) * problem.demand[c.insee].period for c in problem.candidates)
    if pattern.method != "cp-sat" or (own is not None and pattern.need >= own) or possible > TIGHTEN_MAX_VISITS:
        return replace(pattern, need_bound=own)
    relaxation = PatternRelaxation(problem, day_flows=True)
    floor = sum(found_in.value(v.insee, v.slot, v.phase, priority=True) for v in pattern.visits)
    bound = relaxation.bound("need", floor if relaxation.has_priority else 0)
    if bound is None:
        return replace(pattern, need_bound=own)
    if own is not None:
        bound = min(bound, own)
    return replace(pattern, need_bound=max(bound, pattern.need))


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
    drive_searched: bool = False  # a driving stage ran (and, the ladder going on, proved nothing)
    need_optimal: bool = False  # the last need stage proved its optimum at its priority-zone floor
    improved: bool = False  # better than the first solution
    notes: list[str] = field(default_factory=list)

    @classmethod
    def initial(cls, values: np.ndarray) -> _State:
        return cls(values, values)


def _improve(model: PatternModel, state: _State, budget: float) -> _State:
    """One ladder step: the two stages from ``state``, kept only if the answer is at least as good."""
    new = replace(state, notes=[])
    share = NEED_SHARE * budget
    spare = share if new.need_settled else _need_stages(model, new, share)
    if not new.need_settled and not new.need_optimal and not model.small:
        found, spent = search_by_unit_pairs(model, new.best, PAIRS_SHARE * budget)
        spare -= spent
        if model.need_key(found) > model.need_key(new.best):
            new.best, new.drive_proven = found, False
    if not new.drive_proven:
        _drive_stage(model, new, state, max(MIN_STAGE, (1 - NEED_SHARE) * budget + spare))
    if model.key(new.values) < model.key(state.values):  # never worse than the previous step
        new.values = state.values
    new.improved = state.improved or model.key(new.values) > model.key(state.values)
    new.notes = new.notes or state.notes
    return new


def _need_stages(model: PatternModel, new: _State, share: float) -> float:
    """The priority zones' stage (while it may still gain) and the need stage, updating ``new``;
    returns the part of ``share`` they left for the driving stage."""
    if model.has_priority and not new.priority_settled:
        share -= _priority_stage(model, new, PRIORITY_SHARE * share)
    floor = model.priority_of(new.best)
    start = model.best_start(floor, [new.best, new.values])
    run = model.run("need", floors=(floor, 0), hint=start, budget=max(share, MIN_STAGE))
    found = run.values if run.values is not None else start
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
    new.need_optimal = run.optimal
    return share - run.spent


def search_by_unit_pairs(model: PatternModel, values: np.ndarray, budget: float) -> tuple[np.ndarray, float]:
    """``values`` improved one pair of units at a time (`PAIR_BUDGET` each), every other unit's
    visits kept: the most need at no less priority-zone need, in rounds until one gains nothing or
    ``budget`` is spent. CP-SAT's own neighbourhoods over the whole model rarely free a bus's
    sessions for another's large commune (a priority-zone commune must move from one bus to the
    other in the same step); a pair's model is small enough to prove. Returns the values and the
    budget spent."""
    spent, pairs = 0.0, model.unit_pairs()
    while True:
        before = model.need_key(values)
        for pair in pairs:
            if spent + PAIR_BUDGET > budget:
                return values, spent
            run = model.run("need", floors=model.need_key(values), hint=values, budget=PAIR_BUDGET, units=pair)
            spent += run.spent
            if run.values is not None and model.need_key(run.values) > model.need_key(values):
                values = run.values
        if model.need_key(values) == before:
            return values, spent


def _priority_stage(model: PatternModel, new: _State, budget: float) -> float:
    """The most priority-zone need from ``new.best``, updating ``new``; returns the budget spent."""
    floor = model.priority_of(new.best)
    run = model.run("priority", floors=(floor, 0), hint=new.best, budget=budget)
    if run.values is not None and model.need_key(run.values) > model.need_key(new.best):
        new.best, new.drive_proven = run.values, False
    reached = _at_least(model.priority_of(new.best), model.priority_bound())
    new.priority_settled = run.optimal or reached
    new.priority_proven = (run.optimal and model.complete) or reached
    new.notes.append(_stage_note("zones prioritaires", run, model.complete))
    return run.spent


def _drive_stage(model: PatternModel, new: _State, state: _State, budget: float) -> None:
    """The least driving that keeps the priority zones' need of ``new.best`` and need within the
    tolerance of the bound (never below the previous step's answer at the same priority-zone need)."""
    priority, need = model.priority_of(new.best), model.need_of(new.best)
    same_priority = model.priority_of(state.values) == priority
    floor = max(model.need_floor(need, new.need_bound), model.need_of(state.values) if same_priority else 0)
    options = [new.values, new.best]
    keeps = [v for v in options if model.priority_of(v) >= priority and model.need_of(v) >= floor]
    start = min(keeps or options[1:], key=model.drive_of)
    if not model.small or state.drive_searched:  # the chosen communes re-paired exactly first, then the rest
        paired = model.run("drive", floors=(priority, floor), hint=start, budget=budget / 2, same_communes=True)
        if paired.values is not None and model.drive_of(paired.values) < model.drive_of(start):
            start = paired.values
        budget /= 2
    run = model.run("drive", floors=(priority, floor), hint=start, budget=budget)
    found = run.values if run.values is not None else start
    new.drive_proven, new.drive_searched = run.optimal, True
    new.notes.append(_stage_note("conduite", run, model.complete))
    if model.need_key(found) > model.need_key(new.best):
        new.best = found
    new.values = found


def _answer(model: PatternModel, state: _State, time_limit: float) -> Pattern:
    """The pattern of the search's best answer, with how it was found."""
    visits = model.visits_of(state.values)
    notes = list(state.notes)
    if not state.improved and not state.need_proven:
        notes.insert(0, f"CP-SAT n'a rien trouvé de mieux que la méthode gloutonne en {time_limit:g} s de calcul")
    method = "cp-sat" if state.improved or state.need_proven else "greedy"
    return Pattern(
        model.problem.cycle_weeks,
        visits,
        method,
        model.need_of(state.values),
        state.need_bound,
        state.need_proven,
        state.drive_proven,
        tuple(notes),
        effective_budget(time_limit),
        model.drive_of(state.values) // TIE_SCALE / DRIVE_SCALE,
    )


def _at_least(value: int, bound: int | None) -> bool:
    return bound is not None and value >= bound


def _stage_note(stage: str, run: Run, complete: bool) -> str:
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
