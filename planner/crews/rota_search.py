"""The rota: which person fills which role on which dated tour (CP-SAT).

`assign_crews` builds the model from the rules of `planner.crews.rota_rules` (hard rules always hold; a
tour that cannot be crewed is reported in ``uncrewed``, never as a bare "infeasible"), solves it with
a fixed seed and a fixed number of workers, and returns the shifts with the penalties paid and French
explanations of what could not be crewed. A small rota is solved whole here; a large one starts
from its greedy start (`planner.crews.rota_start`), is crewed further and improved over the whole
horizon (`planner.crews.rota_whole`), then window by window (`planner.crews.rota_windows`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from planner.crews import rota_rules
from planner.crews.posts import TourOrPost, posts_of
from planner.crews.rota_costs import Cost, Penalty
from planner.crews.rota_cpsat import complete_hint, evaluate, hint_shifts, shifts_of_solution, solve
from planner.crews.rota_rules import RotaModel
from planner.crews.rota_start import greedy_hint
from planner.crews.rota_whole import crew_more, improve_whole
from planner.crews.rota_windows import improve_by_windows, windows
from planner.crews.uncrewed import explain_uncrewed
from planner.domain.instance import Instance
from planner.domain.plan import Shift, Tour

__all__ = ["NUM_WORKERS", "RotaResult", "assign_crews", "shift_key"]

#: Fixed so that the same inputs give the same rota on any machine; two interleaved workers let
#: CP-SAT's neighbourhood search run on the windows of large rotas (one worker only searches from
#: the root, and stalls there). A small rota, solved whole, does best with one worker in its short
#: budget (measured on the demo: lower cost in less time), and in its retry (Mobil'Santé: the optimum
#: proven in 0.98 s, where two workers stopped unproven at 1.14 s).
NUM_WORKERS = 2
SMALL_MODEL_WORKERS = 1

#: Deterministic budget (CP-SAT work units, not seconds) of the whole-model run of a small rota.
FULL_BUDGET = 0.1
#: A whole-model rota that leaves a tour uncrewed searches again, this long, before giving it up.
RETRY_BUDGET = 0.5
#: Models with at most this many assignment variables are solved whole.
SMALL_MODEL = 3000


@dataclass(frozen=True)
class RotaResult:
    """The crews found: shifts, posts left uncrewed (their keys: a tour, or a fixed place's session;
    `planner.crews.posts.without_posts` drops them) and why, costs paid.

    ``status`` is CP-SAT's (``optimal``, ``feasible``…); ``changed_vs_keep`` counts the kept shifts
    (on tours that are still planned and not frozen) that the new rota does not keep.
    """

    shifts: tuple[Shift, ...]
    uncrewed: tuple[str, ...]
    explanations: tuple[str, ...]
    penalties: tuple[Penalty, ...]
    status: str
    changed_vs_keep: int
    solver_seconds: float = 0.0


def shift_key(shift: Shift) -> tuple[str, str, str]:
    """What identifies a shift for comparing rotas: tour, person, role."""
    return (shift.post_key, shift.staff_id, shift.role.value)


def assign_crews(
    instance: Instance,
    tours: Sequence[Tour],
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    keep: Sequence[Shift] = (),
    frozen_before: date | None = None,
    workers: int | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> RotaResult:
    """Crew ``tours`` with the instance's staff.

    Parameters
    ----------
    instance
        Staff, units and rules (weights).
    tours
        Dated tours to crew (a fixed place's sessions each get their own crew: `planner.crews.posts`).
    time_limit
        Seconds of computing a large rota (over `SMALL_MODEL` assignment variables) may spend
        improving its greedy start: ``time_limit / rota_windows.WINDOW_SECONDS`` windows of a
        deterministic budget each. A small rota is solved whole on fixed deterministic budgets
        (`FULL_BUDGET`, `RETRY_BUDGET`, `rota_whole.CREWING_BUDGET`), whatever ``time_limit`` says.
    seed
        CP-SAT's random seed; with `NUM_WORKERS` fixed, same inputs give the same rota.
    keep
        A published rota to stay close to (re-planning): each kept shift that changes is costly.
    frozen_before
        Tours dated before this day are not re-crewed: their shifts are exactly those of ``keep``.
    workers
        CP-SAT threads of each run (default `NUM_WORKERS`); 1 when runs go side by side (studies).
    progress
        Called as ``progress(fraction, message)`` (fraction of this step, 0 to 1, French message),
        like the ``progress`` of `planner.planning.pipeline.plan`.

    Returns
    -------
    RotaResult
    """
    say = progress or (lambda fraction, message: None)
    started = time.perf_counter()
    posts = posts_of(instance, tours)
    frozen_tours, open_tours, frozen_shifts = _frozen_part(posts, keep, frozen_before)
    say(0.0, f"Équipes : modèle pour {len(open_tours)} tournée(s), {len(instance.staff)} personne(s)")
    rm, costs = rota_rules.build(
        instance, open_tours, frozen_tours=frozen_tours, frozen_shifts=frozen_shifts, keep=keep
    )
    greedy_hint(rm, keep, large=len(rm.x) > SMALL_MODEL)
    say(0.2, "Équipes : recherche")
    found, optimal = _search(rm, time_limit=float(time_limit), seed=seed, workers=workers or NUM_WORKERS, say=say)
    solver = _solution(rm, found)
    status = "optimal" if optimal else ("feasible" if solver is not None else "unknown")
    new_shifts, uncrewed, penalties = _read_rota(rm, costs, solver)
    shifts = tuple(sorted((*frozen_shifts, *new_shifts), key=lambda s: (s.date, s.unit_id, s.role.value, s.staff_id)))
    explanations = explain_uncrewed(instance, posts, shifts, uncrewed)
    if solver is None:
        explanations = (f"Aucune affectation trouvée (état du solveur : {status}).", *explanations)
    changed = _changed_vs_keep(keep, open_tours, shifts)
    say(1.0, f"Équipes : {len(shifts)} garde(s), {len(uncrewed)} tournée(s) sans équipe")
    return RotaResult(
        shifts=shifts,
        uncrewed=uncrewed,
        explanations=tuple(explanations),
        penalties=penalties,
        status=status,
        changed_vs_keep=changed,
        solver_seconds=time.perf_counter() - started,
    )


def _frozen_part(
    posts: Sequence[TourOrPost], keep: Sequence[Shift], frozen_before: date | None
) -> tuple[tuple[TourOrPost, ...], tuple[TourOrPost, ...], tuple[Shift, ...]]:
    """The posts dated before ``frozen_before`` (not re-crewed), the others, and the kept shifts of
    the former."""
    frozen_tours = tuple(t for t in posts if frozen_before is not None and t.date < frozen_before)
    frozen_keys = {t.key for t in frozen_tours}
    open_tours = tuple(t for t in posts if t.key not in frozen_keys)
    frozen_shifts = tuple(s for s in keep if s.post_key in frozen_keys)
    return frozen_tours, open_tours, frozen_shifts


def _solution(rm: RotaModel, found: list[Shift] | None) -> cp_model.CpSolver | None:
    """A solver holding the rota ``found`` in the whole model ``rm`` (every rule), to read it; None
    when nothing was found."""
    if found is None:
        return None
    hint_shifts(rm, found)
    return evaluate(rm.model, None)


def _changed_vs_keep(keep: Sequence[Shift], open_tours: Sequence[TourOrPost], shifts: Sequence[Shift]) -> int:
    """How many kept shifts on tours still planned and not frozen the new rota ``shifts`` does not keep."""
    kept_open = {shift_key(s) for s in keep if s.post_key in {t.key for t in open_tours}}
    return len(kept_open - {shift_key(s) for s in shifts})


def _read_rota(
    rm: RotaModel, costs: Sequence[Cost], solver: cp_model.CpSolver | None
) -> tuple[list[Shift], tuple[str, ...], tuple[Penalty, ...]]:
    """The new shifts, the posts left uncrewed and the penalties paid in ``solver``'s solution; with
    no solution (cannot happen with a consistent model), no shift and every post uncrewed, to stay
    honest rather than crash."""
    if solver is None:
        return [], tuple(t.key for t in rm.tours), ()
    uncrewed = tuple(t.key for t in rm.tours if solver.Value(rm.uncrewed[t.key]))
    penalties = tuple(
        sorted(
            filter(None, (c.penalty(solver) for c in costs)),
            key=lambda p: (-p.amount, p.name, p.explanation),
        )
    )
    return shifts_of_solution(rm, solver), uncrewed, penalties


def _search(
    rm: RotaModel,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    say: Callable[[float, str], None],
) -> tuple[list[Shift] | None, bool]:
    """The new shifts, and whether they are proven optimal: the whole model solved when it is small
    (`_solve_small`); else the greedy start improved (`_search_large`)."""
    if len(rm.x) <= SMALL_MODEL:
        return _solve_small(rm, seed=seed, workers=min(workers, SMALL_MODEL_WORKERS))
    return _search_large(rm, time_limit=time_limit, seed=seed, workers=workers, say=say), False


def _solve_small(rm: RotaModel, *, seed: int, workers: int) -> tuple[list[Shift] | None, bool]:
    """The whole model solved from the greedy start (`FULL_BUDGET`); when that leaves a tour
    uncrewed unproven, crewed further and solved again (`_retry_small`)."""
    values, _, optimal = solve(rm.model, budget=FULL_BUDGET, seed=seed, workers=workers)
    solver = evaluate(rm.model, values) if values is not None else None
    if solver is not None and not optimal and any(solver.Value(v) for v in rm.uncrewed.values()):
        solver, optimal = _retry_small(rm, solver, seed=seed, workers=workers)
    return (shifts_of_solution(rm, solver), optimal) if solver is not None else (None, False)


def _retry_small(
    rm: RotaModel, solver: cp_model.CpSolver, *, seed: int, workers: int
) -> tuple[cp_model.CpSolver | None, bool]:
    """A tour left uncrewed costs the plan its visits: crew what the hard rules allow (`crew_more`)
    from ``solver``'s rota, and search longer from there (`RETRY_BUDGET`); ``solver`` is kept when
    that run finds nothing."""
    hint_shifts(rm, crew_more(rm, shifts_of_solution(rm, solver), seed=seed))
    complete_hint(rm.model)
    values, _, optimal = solve(rm.model, budget=RETRY_BUDGET, seed=seed, workers=workers)
    return (evaluate(rm.model, values) if values is not None else solver), optimal


def _search_large(
    rm: RotaModel,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    say: Callable[[float, str], None],
) -> list[Shift] | None:
    """The greedy start (crewed further by `crew_more` when it leaves a tour short), improved as a
    whole (`improve_whole`, not when re-planning), then window by window (`improve_by_windows`)."""
    solver = evaluate(rm.model, None)  # the greedy hint
    if solver is None:
        return None
    best = shifts_of_solution(rm, solver)
    if any(solver.Value(v) for v in rm.uncrewed.values()):
        best = crew_more(rm, best, seed=seed)
    offers = {p.id: rm.offered(p) for p in rm.instance.staff}
    if not rm.keep:  # re-planning stays close to the published rota, window by window
        say(0.2, "Équipes : amélioration d'ensemble")
        best = improve_whole(rm, best, seed=seed, offers=offers)
    return improve_by_windows(
        rm, best, _windows_to_run(rm, best), offers=offers, time_limit=time_limit, seed=seed, workers=workers, say=say
    )


def _windows_to_run(rm: RotaModel, best: Sequence[Shift]) -> list[frozenset[str]]:
    """Every window (`windows`); when re-planning, only the weeks where the repaired rota ``best``
    differs from the published one."""
    if not rm.keep:
        return windows(rm.tours)
    open_keys = {t.key for t in rm.tours}
    published = {shift_key(s) for s in rm.keep if s.post_key in open_keys}
    changed = {k[0] for k in published ^ {shift_key(s) for s in best}}
    return [w for w in windows(rm.tours, by_unit=False, weeks=1) if w & changed]
