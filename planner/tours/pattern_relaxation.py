"""The linear relaxation of the weekly pattern's assignment rules, solved by HiGHS (through scipy).

Its optimum is a proven upper bound on the need any pattern can serve (it keeps the rules that limit
need — one commune per slot and week, targets, one visit a day, gaps — and drops only the
compact-day rule, so it bounds the real model from above), and its fractional solution says which
visits are worth most: `planner.tours.greedy_pattern.rounded_pattern` turns it into a first
solution. Cheap on department-scale models where CP-SAT's own bound comes slowly.
"""

from __future__ import annotations

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
    (coefs, floor); ``None`` when HiGHS finds no optimum (the caller then has no bound)."""
    from scipy.optimize import linprog  # slow to import: only when a relaxation is solved
    from scipy.sparse import csr_matrix, vstack

    matrix = csr_matrix((rows.coefs, (rows.rows, rows.cols)), shape=(len(rows.low), rows.size))
    low, high = np.array(rows.low, dtype=float), np.array(rows.high, dtype=float)
    extra = [coefs for coefs, _ in floors]
    parts = [matrix[np.isfinite(high)], -matrix[np.isfinite(low)]]
    bounds = [high[np.isfinite(high)], -low[np.isfinite(low)]]
    if extra:
        parts.append(csr_matrix(-np.vstack(extra).astype(float)))
        bounds.append(-np.array([floor for _, floor in floors], dtype=float))
    result = linprog(
        -objective.astype(float) / OBJECTIVE_DIVISOR,
        A_ub=vstack(parts).tocsr(),
        b_ub=np.concatenate(bounds),
        bounds=(0, 1),
        method="highs",
    )
    if result.status != 0:
        return None
    return Relaxation(int(np.floor(-result.fun * OBJECTIVE_DIVISOR + 1e-3)), np.asarray(result.x))
