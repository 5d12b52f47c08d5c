"""Running a study into its folder: settings kept, results appended as they come, resumable.

The folder holds ``options.toml`` (``[solver]``: the plan options, read by ``planner plan
--options``; ``[etude]``: what was studied), ``resultats.csv`` (one row per scenario, in the order
they finished) and ``scenarios/<id>/`` (each scenario's three files and its ``plan.json``). A re-run
with the same settings and input files skips the scenarios already planned; others are refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.planning.options import PlanOptions
from planner.publish.files import write_atomic
from planner.studies.grid import StudyError
from planner.studies.results_log import ResultsLog
from planner.studies.runner import DEFAULT_WORKERS, run_on_dask, run_serially
from planner.studies.scenario_files import toml_writer
from planner.studies.task import ScenarioResult, ScenarioTask

RESULTS_FILE = "resultats.csv"
OPTIONS_FILE = "options.toml"
SCENARIOS_DIR = "scenarios"

#: ``progress(done, total, message)``: scenarios finished so far (resumed ones included), in French.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Execution:
    """Where the tasks run: in this process (``workers`` 0), on a `LocalCluster` of ``workers``
    processes, or on the Dask cluster at ``scheduler``."""

    workers: int = 0
    scheduler: str | None = None

    @classmethod
    def local_cluster(cls, workers: int = DEFAULT_WORKERS) -> Execution:
        return cls(workers=workers)

    @property
    def label(self) -> str:
        if self.scheduler:
            return f"cluster Dask {self.scheduler}"
        if self.workers:
            return f"Dask, {self.workers} processus locaux"
        return "en série, dans ce processus"


@dataclass
class RunReport:
    """What a run did: every scenario's row by id (resumed ones too), how many were skipped, the
    wall time of the planning, and the peak memory (MB) of each process that planned."""

    rows: dict[str, dict[str, Any]]
    skipped: int
    seconds: float
    peak_memory_mb: dict[str, float] = field(default_factory=dict)


def options_table(options: PlanOptions) -> dict[str, Any]:
    """The ``[solver]`` table of ``options`` (TOML has no null: unset values are left out)."""
    return {k: v for k, v in dataclasses.asdict(options).items() if v is not None}


def _keep_settings(folder: Path, document: dict[str, Any]) -> None:
    """Write the study's settings, or check that a resumed study had the same ones."""
    path = folder / OPTIONS_FILE
    if path.is_file():
        try:
            previous = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            previous = None
        if previous != document:
            msg = (
                f"{folder} contient déjà une étude faite avec d'autres réglages ({path.name}) ; "
                "choisissez un autre dossier (--out) ou videz celui-ci"
            )
            raise StudyError(msg)
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, toml_writer().dumps(document).encode("utf-8"))


def inputs_fingerprint(tasks: Sequence[ScenarioTask]) -> str:
    """A digest of everything the tasks plan from: a study resumed on changed files is refused."""
    digest = hashlib.sha256()
    for t in tasks:
        base = t.base
        digest.update(repr((t.id, base.communes_csv, base.roster_csv, base.scenario, t.params, t.depots)).encode())
    return digest.hexdigest()[:16]


def _keep_files(folder: Path, result: ScenarioResult) -> None:
    if result.files is not None and result.plan_json is not None:
        scenario = result.files.write(folder / SCENARIOS_DIR / result.id)
        write_atomic(scenario / "plan.json", result.plan_json.encode("utf-8"))


def run_and_record(
    tasks: Sequence[ScenarioTask],
    folder: str | Path,
    settings: dict[str, Any],
    options: PlanOptions,
    *,
    execution: Execution = Execution(),
    progress: Progress | None = None,
) -> RunReport:
    """Plan every task not yet done in ``folder``, recording each as it finishes (module doc)."""
    folder = Path(folder)
    _keep_settings(
        folder, {"solver": options_table(options), "etude": settings | {"empreinte": inputs_fingerprint(tasks)}}
    )
    log = ResultsLog(folder / RESULTS_FILE)
    wanted = {t.id for t in tasks}
    rows: dict[str, dict[str, Any]] = {k: v for k, v in log.start().items() if k in wanted}
    todo = [t for t in tasks if t.id not in rows]
    report = RunReport(rows, skipped=len(rows), seconds=0.0)
    say = progress or (lambda done, total, message: None)
    if rows:
        say(len(rows), len(tasks), f"reprise : {len(rows)} scénario(s) déjà planifié(s), ignoré(s)")

    def record(result: ScenarioResult) -> None:
        log.append(result.row)
        _keep_files(folder, result)
        rows[result.id] = result.row
        if result.process:
            report.peak_memory_mb[result.process] = max(
                report.peak_memory_mb.get(result.process, 0.0), result.peak_memory_mb
            )
        state = "ok" if result.ok else result.row["status"]
        say(len(rows), len(tasks), f"{result.id} ({result.row.get('title') or result.row.get('territory')}) : {state}")

    began = time.perf_counter()
    if todo and (execution.scheduler or execution.workers):
        run_on_dask(todo, record, scheduler=execution.scheduler, workers=execution.workers or DEFAULT_WORKERS)
    elif todo:
        run_serially(todo, record)
    report.seconds = round(time.perf_counter() - began, 2)
    return report
