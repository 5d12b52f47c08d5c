"""The linear relaxation of the weekly pattern's assignment rules, solved by GLOP (OR-Tools' LP solver).

Its optimum is a proven upper bound on the need any pattern can serve (it keeps the rules that limit
need — one commune per slot and week, targets, one visit a day, gaps — and drops only the
compact-day rule, so it bounds the real model from above), and its fractional solution says which
visits are worth most: `planner.tours.greedy_pattern.rounded_pattern` turns it into a first
solution. Cheap on department-scale models where CP-SAT's own bound comes slowly. GLOP rather than
scipy's HiGHS: it comes with OR-Tools, loads in 20 ms where scipy.optimize takes 0.5 s — a quarter
of the demo's whole run — and solves these models in about the same time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: The objective is divided by this before solving (need × occurrences reaches millions).
OBJECTIVE_DIVISOR = 1e4


@dataclass
class Rows:
    """Linear rows ``low ≤ Σ coef × var ≤ high`` over the model's variables (by index)."""

    size: int
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    coefs: list[float] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)

    def new_variable(self) -> int:
        """One more variable (in [0, 1], worth nothing in any objective), by its index."""
        self.size += 1
        return self.size - 1

    def add(self, variables, coefs, low: float, high: float) -> None:
        row = len(self.low)
        variables = list(variables)
        self.rows += [row] * len(variables)
        self.cols += variables
        self.coefs += list(coefs)
        self.low.append(low)
        self.high.append(high)


@dataclass(frozen=True)
class Relaxation:
    """The relaxation's optimum (an upper bound, in model units) and its value of every variable."""

    bound: int
    values: np.ndarray


def solve_relaxation(rows: Rows, objective: np.ndarray, floors: list[tuple[np.ndarray, int]]) -> Relaxation | None:
    """Maximise ``objective · x`` over ``0 ≤ x ≤ 1`` and ``rows``, with ``coefs · x ≥ floor`` for each
    (coefs, floor); ``None`` when GLOP finds no optimum (the caller then has no bound)."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    infinity = solver.infinity()
    x = [solver.NumVar(0.0, 1.0, "") for _ in range(rows.size)]
    constraints = [
        solver.Constraint(low if math.isfinite(low) else -infinity, high if math.isfinite(high) else infinity)
        for low, high in zip(rows.low, rows.high, strict=True)
    ]
    for row, col, coef in zip(rows.rows, rows.cols, rows.coefs, strict=True):
        constraints[row].SetCoefficient(x[col], float(coef))
    for coefs, floor in floors:
        at_least = solver.Constraint(float(floor), infinity)
        for i in np.flatnonzero(coefs):
            at_least.SetCoefficient(x[i], float(coefs[i]))
    goal = solver.Objective()
    for i in np.flatnonzero(objective):
        goal.SetCoefficient(x[i], float(objective[i]) / OBJECTIVE_DIVISOR)
    goal.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return Relaxation(math.floor(goal.Value() * OBJECTIVE_DIVISOR + 1e-3), np.array([v.solution_value() for v in x]))
