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
#: SCIP's bound is raised by this share (and as much in absolute terms) before it is rounded down
#: to the integer objective: its feasibility and optimality tolerances (1e-6, 1e-9) must never put
#: it below the true optimum.
INTEGER_MARGIN = 1e-6


@dataclass
class Rows:
    """Linear rows ``low ≤ Σ coef × var ≤ high`` over the model's variables (by index)."""

    size: int
    #: Upper bounds of the variables added by `new_variable` with one other than 1, by index.
    upper: dict[int, int] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    coefs: list[float] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)

    def new_variable(self, upper: int = 1) -> int:
        """One more variable (in [0, ``upper``], worth nothing in any objective), by its index."""
        self.size += 1
        if upper != 1:
            self.upper[self.size - 1] = upper
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
    """Maximise ``objective · x`` over ``0 ≤ x ≤ upper`` (1 by default) and ``rows``, with
    ``coefs · x ≥ floor`` for each (coefs, floor); ``None`` when GLOP finds no optimum (the caller
    then has no bound)."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    infinity = solver.infinity()
    x = [solver.NumVar(0.0, float(rows.upper.get(i, 1)), "") for i in range(rows.size)]
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


def integer_bound(rows: Rows, objective: np.ndarray, floors: list[tuple[np.ndarray, int]], *, nodes: int) -> int | None:
    """A proven upper bound of ``objective · x`` over the *integer* points of ``rows`` (and floors),
    by SCIP's branch and bound within ``nodes`` nodes (a deterministic budget): its optimum when it
    proves one, else its best bound; at least as tight as the relaxation where fractions loosen it.
    Coefficients must be integers; ``None`` when SCIP finds no solution in its budget (or the rows
    are infeasible).

    SCIP rather than CP-SAT: its cuts close these models at the root (Médicobus Dieppe's, 382
    variables: proven in 0.08 s of CPU where CP-SAT took 0.45 s), and it comes with OR-Tools too.
    Its bound is raised by `INTEGER_MARGIN` (relative) for its floating-point tolerances."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        return None
    infinity = solver.infinity()
    x = [solver.IntVar(0.0, float(rows.upper.get(i, 1)), "") for i in range(rows.size)]
    constraints = [
        solver.Constraint(
            math.ceil(low - 1e-9) if math.isfinite(low) else -infinity,
            math.floor(high + 1e-9) if math.isfinite(high) else infinity,
        )
        for low, high in zip(rows.low, rows.high, strict=True)
    ]
    for row, col, coef in zip(rows.rows, rows.cols, rows.coefs, strict=True):
        constraints[row].SetCoefficient(x[col], float(coef))
    for floor_coefs, floor in floors:
        at_least = solver.Constraint(float(floor), infinity)
        for i in np.flatnonzero(floor_coefs):
            at_least.SetCoefficient(x[i], float(floor_coefs[i]))
    goal = solver.Objective()
    for i in np.flatnonzero(objective):
        goal.SetCoefficient(x[i], float(objective[i]))
    goal.SetMaximization()
    solver.SetSolverSpecificParametersAsString(f"limits/nodes = {nodes}\n")
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None  # no bound is read before SCIP has a solution
    return math.floor(goal.BestBound() * (1 + INTEGER_MARGIN) + INTEGER_MARGIN)


def relaxation_optimum(
    rows: Rows, objective: np.ndarray, floors: list[tuple[np.ndarray, float]]
) -> tuple[float, np.ndarray] | None:
    """The optimum of the same linear program as `solve_relaxation` (``objective · x``, bounds,
    ``rows``, floors), by HiGHS's interior-point method through scipy, for models too large for GLOP
    (measured on the bound of the rules of the Orne département, 49,246 variables: GLOP 112 s, HiGHS's
    simplex 30 s, its interior point 8.3 s, one core busy beside), with the value of every variable.
    ``None`` when it finds no optimum."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    shape = (len(rows.low), rows.size)
    matrix = csr_matrix((rows.coefs, (rows.rows, rows.cols)), shape=shape)
    high, low = np.asarray(rows.high, dtype=float), np.asarray(rows.low, dtype=float)
    parts, limits = [matrix[np.isfinite(high)]], [high[np.isfinite(high)]]
    if np.isfinite(low).any():
        parts.append(-matrix[np.isfinite(low)])
        limits.append(-low[np.isfinite(low)])
    for coefs, floor in floors:
        parts.append(csr_matrix(-np.asarray(coefs, dtype=float)[None, :]))
        limits.append(np.array([-float(floor)]))
    upper = np.ones(rows.size)
    for index, value in rows.upper.items():
        upper[index] = value
    found = linprog(
        -np.asarray(objective, dtype=float),
        A_ub=vstack(parts).tocsr(),
        b_ub=np.concatenate(limits),
        bounds=[(0.0, float(u)) for u in upper],
        method="highs-ipm",
    )
    if found.status != 0 or found.fun is None:
        return None
    return -float(found.fun), np.asarray(found.x, dtype=float)
