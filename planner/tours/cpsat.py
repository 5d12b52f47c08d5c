"""CP-SAT settings shared by the pattern and the rota models."""

from __future__ import annotations

from ortools.sat.python import cp_model


def configure_deterministic(solver: cp_model.CpSolver, *, time_limit: float, seed: int, workers: int = 2) -> None:
    """Same inputs, same answer: interleaved workers and a deterministic time budget.

    The wall-clock limit is only a safety net (three times the budget) on a slow machine.
    """
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_limit
    # Probing in presolve can eat the whole budget on our models; keep most of it for the search.
    solver.parameters.presolve_probing_deterministic_time_limit = 0.05 * time_limit
    solver.parameters.probing_deterministic_time_limit = 0.05 * time_limit
    solver.parameters.max_time_in_seconds = 20 * time_limit
