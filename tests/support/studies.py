"""What the study tests share: short solver budgets, and a plan.json read without what is not the plan."""

from __future__ import annotations

import json
from pathlib import Path

from planner.studies.territory_study import (
    study_options,
)

#: Short budgets: the tests check what a study does, not how good its plans are.
FAST = study_options(0.5, 0.5)


def plan_data(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("solver_seconds")  # a time, not part of the plan
    data.pop("inputs", None)  # what `planner plan` records of its call (file digests, options), not the plan
    return data
