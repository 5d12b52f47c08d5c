"""Solving a rota model built with exactly the rules a test names, and reading it back: shared by
the tests of the rules (test_rota_rules, test_rota_soft_rules, test_rota_travel)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.crews import rota_rules as R
from planner.crews.rota_costs import Penalty
from planner.domain.instance import Instance, Role


def solve_with(instance: Instance, tours, rules, *, keep=(), frozen_shifts=(), frozen_tours=()):
    """Build the model with exactly ``rules``, solve it, return (model, costs, solver)."""
    rm, costs = R.build(
        instance,
        tours,
        rules=rules,
        keep=keep,
        frozen_shifts=frozen_shifts,
        frozen_tours=frozen_tours,
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.Solve(rm.model) == cp_model.OPTIMAL
    return rm, costs, solver


def chosen(rm: R.RotaModel, solver: cp_model.CpSolver) -> set[tuple[str, str, Role]]:
    return {key for key, var in rm.x.items() if solver.Value(var)}


def penalties(costs, solver, name: str) -> list[Penalty]:
    return [p for c in costs if c.name == name and (p := c.penalty(solver)) is not None]
