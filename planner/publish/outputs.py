"""Write a plan's files into an output folder: plan.json, sessions.csv, shifts.csv, plan.xlsx, summary.txt."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.files import write_atomic
from planner.publish.plan_inputs import PlanInputs
from planner.publish.plan_json import write_plan_json
from planner.publish.safe_csv import write_csv
from planner.publish.spreadsheet import write_workbook
from planner.results.summary import summary
from planner.results.tables import sessions_table, shifts_table


def write_table(path: Path, table: pd.DataFrame) -> Path:
    """A table as a formula-safe CSV file."""
    return write_csv(path, list(table.columns), table.itertuples(index=False, name=None))


def write_outputs(
    instance: Instance, plan: Plan, out_dir: str | Path, *, inputs: PlanInputs | None = None
) -> list[Path]:
    """Write every output of a plan into ``out_dir`` (created if needed); returns the paths written.

    ``plan.json`` keeps ``inputs`` (what the plan was made from) when given, so that `planner
    publish` stores them with the version. ``shifts.csv`` and ``plan.xlsx`` name the staff: they are
    for the coordinator, not for publication.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_plan_json(plan, out / "plan.json", inputs=inputs.to_dict() if inputs else None),
        write_table(out / "sessions.csv", sessions_table(instance, plan)),
        write_table(out / "shifts.csv", shifts_table(instance, plan)),
        write_workbook(instance, plan, out / "plan.xlsx"),
        write_atomic(out / "summary.txt", summary(instance, plan).encode("utf-8")),
    ]
