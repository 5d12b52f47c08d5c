"""Write a plan's files into an output folder.

``plan.json``; for people, in French (``;``-separated, French headers and values, UTF-8 with a BOM: a French
Excel opens them in columns): ``seances.csv`` and ``gardes.csv``; for programs, comma-separated with English
headers, ISO dates and ``HH:MM`` times (as before): ``sessions.csv`` and ``shifts.csv``; ``plan.xlsx`` and
``summary.txt``. docs/plan-schema.md lists them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.files import write_atomic
from planner.publish.plan_inputs import PlanInputs
from planner.publish.plan_json import write_plan_json
from planner.publish.safe_csv import FRENCH_DELIMITER, write_csv
from planner.publish.spreadsheet import write_workbook
from planner.results.summary import summary
from planner.results.tables import for_people, sessions_table, shifts_table

#: The CSV files for people (French) and for programs (the machine-readable columns), by table.
SESSIONS_FR, SHIFTS_FR = "seances.csv", "gardes.csv"
SESSIONS_DATA, SHIFTS_DATA = "sessions.csv", "shifts.csv"


def write_table(path: Path, table: pd.DataFrame, *, delimiter: str = ",") -> Path:
    """A table as a formula-safe CSV file (comma-separated unless ``delimiter``)."""
    return write_csv(path, list(table.columns), table.itertuples(index=False, name=None), delimiter=delimiter)


def write_french_table(path: Path, table: pd.DataFrame) -> Path:
    """A machine table as the CSV file a person in France opens: `for_people`, ``;``-separated."""
    return write_table(path, for_people(table), delimiter=FRENCH_DELIMITER)


def write_outputs(
    instance: Instance, plan: Plan, out_dir: str | Path, *, inputs: PlanInputs | None = None
) -> list[Path]:
    """Write every output of a plan into ``out_dir`` (created if needed); returns the paths written.

    ``plan.json`` keeps ``inputs`` (what the plan was made from) when given, so that `planner
    publish` stores them with the version. ``gardes.csv``, ``shifts.csv`` and ``plan.xlsx`` name the staff:
    they are for the coordinator, not for publication.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sessions, shifts = sessions_table(instance, plan), shifts_table(instance, plan)
    return [
        write_plan_json(plan, out / "plan.json", inputs=inputs.to_dict() if inputs else None),
        write_french_table(out / SESSIONS_FR, sessions),
        write_french_table(out / SHIFTS_FR, shifts),
        write_table(out / SESSIONS_DATA, sessions),
        write_table(out / SHIFTS_DATA, shifts),
        write_workbook(instance, plan, out / "plan.xlsx"),
        write_atomic(out / "summary.txt", summary(instance, plan).encode("utf-8")),
    ]
