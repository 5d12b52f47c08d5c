"""CP-SAT settings shared by the pattern and the rota models."""

from __future__ import annotations

from ortools.sat.python import cp_model

#: Share of a run's deterministic budget that each presolve step may take at most, so that presolve
#: (clique merging, probing, symmetry) never eats the search: on the weekly pattern of 100 communes,
#: clique merging alone used to take the whole budget and leave CP-SAT with no solution.
PRESOLVE_SHARE = 0.05
#: CP-SAT counts some presolve steps in work units rather than time; its default for clique merging
#: (1e8 units) took several deterministic seconds on department-scale pattern models. This many units
#: per second of budget keeps those steps within `PRESOLVE_SHARE` too.
WORK_PER_DETERMINISTIC_SECOND = 2e7


def configure_deterministic(
    solver: cp_model.CpSolver, *, time_limit: float, seed: int, workers: int = 2, neighbourhoods_only: bool = False
) -> None:
    """Same inputs, same answer: interleaved workers and a deterministic time budget.

    Interleaved workers run one task at a time, so that the budget is checked often (by default a
    batch of tasks may overrun it several times over). Every presolve step is limited to
    `PRESOLVE_SHARE` of the budget. ``neighbourhoods_only`` keeps CP-SAT to improving its hint by
    large-neighbourhood search (large models: fastest progress, no bound; the hint must be a
    complete solution). No wall-clock limit: under load it cut runs at different points from one
    run to the next, and the same inputs gave different plans (docs/architecture.md).
    """
    params = solver.parameters
    params.num_workers = workers
    params.interleave_search = workers > 1
    params.interleave_batch_size = 1
    params.use_lns_only = neighbourhoods_only
    # Neighbourhood search starts from the hint (always complete and feasible here) and presolves
    # each neighbourhood; presolving the whole model first only delays it.
    params.cp_model_presolve = not neighbourhoods_only
    params.random_seed = seed
    params.max_deterministic_time = time_limit
    presolve = PRESOLVE_SHARE * time_limit
    params.presolve_probing_deterministic_time_limit = presolve
    params.probing_deterministic_time_limit = presolve
    params.symmetry_detection_deterministic_time_limit = presolve
    params.merge_at_most_one_work_limit = presolve * WORK_PER_DETERMINISTIC_SECOND
    params.presolve_inclusion_work_limit = round(presolve * WORK_PER_DETERMINISTIC_SECOND)
