"""Tournée: plans the weekly tours of mobile health units and the shifts of their crews.

Public API: load a territory (`load_territory`), plan it (`plan`), check a plan (`validate`),
re-plan after a change (`replan`), write the outputs (`write_outputs`), and publish
(`planner.calendars`, `planner.posters`, `planner.store`).
"""

from planner.errors import InputError, TourneeError
from planner.exports import write_outputs
from planner.io import builtin_territories, load_territory
from planner.model import Instance, Plan
from planner.replan import replan
from planner.solve import PlanOptions, plan
from planner.validate import validate

__all__ = [
    "InputError",
    "Instance",
    "Plan",
    "PlanOptions",
    "TourneeError",
    "builtin_territories",
    "load_territory",
    "plan",
    "replan",
    "validate",
    "write_outputs",
]
