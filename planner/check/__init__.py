"""The independent check: every hard rule of a finished plan, re-checked without any solver code.

`context` (what rules read: the reference legs, from the given road matrix or from the validator's
own great-circle estimate, and the straight-line bound at `context.TOP_SPEED_KMH`), `tour_rules`,
`staff_rules`, `time_rules` (published times on the grid), `rule_names` (each rule's French name,
for messages), and `validate` (the list of rules and the entry points).
SPEED checks every leg against the coordinates alone (no leg faster than the straight line at
110 km/h), TRAVEL, LUNCH and DRIVE_BETWEEN_SESSIONS against the road matrix when the plan was made
on roads, else against the estimate the validator computes itself (see `validate`).

May import `planner.domain` only, so that a mistake in a solver or in a travel matrix cannot hide
itself here.

This face exports what the other stages use of the check, imported at once (no module here runs a
solver). The validator itself is `planner.validate`: its name is also this stage's module's, which
`from planner.check import validate` gives.
"""

from __future__ import annotations

from planner.check.context import Violation
from planner.check.rule_names import RULE_NAMES_FR, rule_fr
from planner.check.validate import validate_as_made

__all__ = ["RULE_NAMES_FR", "Violation", "rule_fr", "validate_as_made"]
