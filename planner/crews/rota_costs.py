"""What a soft rule of the rota costs, and the sentence that says so.

Apart from `planner.crews.rota_rules` so that the rules living in their own modules
(`planner.crews.rota_travel`, `planner.crews.rota_soft_rules`) build their costs without importing
the model and the rule lists that import them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

#: Costs are in tenths of a shift so that integer weights stay meaningful.
SCALE = 10

RULE_UNCREWED = "tournée sans équipe"
RULE_MIN_MONTHLY = "minimum mensuel"
RULE_PREFERRED_COMMUNES = "communes préférées"
RULE_PREFERRED_UNITS = "unités préférées"
RULE_FAIRNESS = "équité"
RULE_CONTINUITY = "continuité des soins"
RULE_TRAVEL = "trajet domicile"
RULE_STABILITY = "stabilité du planning publié"


@dataclass(frozen=True)
class Penalty:
    """One soft cost paid by the rota, with the sentence that justifies it."""

    name: str
    amount: int
    explanation: str


@dataclass(frozen=True)
class Cost:
    """A term of the objective: ``coefficient × expr``; ``explanation`` may use ``{value}``."""

    name: str
    coefficient: int
    expr: cp_model.LinearExprT
    explanation: str

    def penalty(self, solver: cp_model.CpSolver) -> Penalty | None:
        """The penalty paid in the solver's solution, or ``None`` when it is zero."""
        value = int(solver.Value(self.expr))
        amount = self.coefficient * value
        if amount <= 0:
            return None
        return Penalty(self.name, amount, self.explanation.format(value=value))
