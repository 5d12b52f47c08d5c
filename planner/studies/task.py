"""One scenario planned, start to end: the unit of work a study runs serially or on a Dask worker.

A task carries everything as plain data (texts, dataclasses) and returns its result as plain data
(the plan as JSON), so that it pickles to and from another process or machine. A failure never
escapes: it becomes a result with its reason, and the other tasks go on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.domain.errors import TourneeError
from planner.inputs import parse_territory
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.publish.plan_json import plan_to_json
from planner.studies.figures import failed_row, scenario_row
from planner.studies.grid import ScenarioParameters
from planner.studies.scenario_files import ScenarioFiles, TerritoryTexts, scenario_files


@dataclass(frozen=True)
class ScenarioTask:
    """Plan ``params`` on ``base`` with ``options``; ``id`` names the scenario's folder and instance."""

    id: str
    base: TerritoryTexts
    params: ScenarioParameters
    options: PlanOptions
    depots: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioResult:
    """A task's outcome: its table row (``status`` says ``ok`` or why not), its files and plan when
    planned, and the peak memory of the process that ran it (MB) with that process's id."""

    id: str
    row: dict[str, Any] = field(hash=False)
    files: ScenarioFiles | None = None
    plan_json: str | None = None
    peak_memory_mb: float = 0.0
    process: str = ""

    @property
    def ok(self) -> bool:
        return self.files is not None and self.plan_json is not None


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB (0 where the OS does not say).

    Linux's ``VmHWM`` when there is one: ``ru_maxrss`` would count the memory of the parent a
    spawned worker was forked from before it started Python anew.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _one_line(text: str) -> str:
    return " ; ".join(line.strip() for line in text.splitlines() if line.strip())


def run_task(task: ScenarioTask) -> ScenarioResult:
    """Write the scenario's files (in memory), read them as `planner plan` would, plan, measure."""
    identity = {
        "scenario": task.id,
        "territory": task.base.name,
        "title": task.base.scenario.get("name", task.base.name),
    }
    process = f"{os.uname().nodename}:{os.getpid()}" if hasattr(os, "uname") else str(os.getpid())
    try:
        files = scenario_files(task.base, task.params, task.depots)
        instance = parse_territory(files.communes_csv, files.roster_csv, files.scenario_toml, name=task.id)
        result = plan(instance, task.options)
        row = scenario_row(instance, result, **identity)
        return ScenarioResult(task.id, row, files, plan_to_json(result), peak_memory_mb(), process)
    except TourneeError as exc:
        reason = _one_line(str(exc))
    except Exception as exc:
        reason = f"erreur inattendue {type(exc).__name__} : {_one_line(str(exc))}"
    return ScenarioResult(task.id, failed_row(reason, **identity), peak_memory_mb=peak_memory_mb(), process=process)
