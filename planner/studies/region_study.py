"""`planner study --region … --each-epci`: one unit in every intercommunality of a region, planned
as independent tasks (Dask by default), ranked by what the unit brings (docs/studies.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.planning.options import PlanOptions
from planner.studies.grid import ScenarioParameters
from planner.studies.ranking import RANKING_COLUMNS, rank_territories
from planner.studies.region import PRIORITY_EPCIS, region_territories
from planner.studies.study_run import Execution, Progress, RunReport, run_and_record
from planner.studies.tables import write_table
from planner.studies.task import ScenarioTask
from planner.studies.territory_study import study_options

#: Pattern budget of each territory's plan (CP-SAT deterministic seconds): shorter than the planner's
#: 5 so that a region of 70 intercommunalities plans in minutes (docs/studies.md).
REGION_TIME_LIMIT = 2.0
RANKING_STEM = "classement"
SUMMARY_FILE = "resume.txt"
TOP = 10


@dataclass(frozen=True)
class RegionStudy:
    """One unit in each intercommunality of ``region`` (a communes file or département codes)."""

    region: str
    weeks: int = 4
    options: PlanOptions = field(default_factory=lambda: study_options(REGION_TIME_LIMIT))
    source_dir: str | None = None
    limit: int | None = None  # the first intercommunalities in code order only (a sample)

    def tasks(self) -> list[ScenarioTask]:
        territories = region_territories(self.region, weeks=self.weeks, source_dir=self.source_dir, limit=self.limit)
        return [ScenarioTask(t.name, t, ScenarioParameters(units=1), self.options) for t in territories]

    def settings(self) -> dict[str, Any]:
        return {"region": self.region, "unites": 1, "semaines": self.weeks}


@dataclass
class RegionReport:
    """A finished region study: territories ranked (failures last), the summary, the files."""

    ranking: list[dict[str, Any]]
    summary: str
    files: list[Path]
    run: RunReport

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.ranking if r["rank"] == ""]


def _line(row: dict[str, Any]) -> str:
    return (
        f"{row['rank']:>3}. {row['title']} ({row['territory']}) : {row['need_served_per_unit']} personnes servies, "
        f"{row['within15_per_unit']} habitants à 15 min, besoin couvert {row['need_served_share'] * 100:.0f} %, "
        f"{row['communes']} communes, dépôt {row['depots']}"
    )


def region_summary(ranking: list[dict[str, Any]], run: RunReport, execution: Execution) -> str:
    """The French summary: the top ten, where the priority intercommunalities stand, the failures."""
    planned = [r for r in ranking if r["rank"] != ""]
    failed = [r for r in ranking if r["rank"] == ""]
    lines = [
        (
            f"{len(ranking)} intercommunalité(s) : {len(planned)} planifiée(s), {len(failed)} en échec "
            f"({run.skipped} reprise(s) d'une exécution précédente) ; calcul : {execution.label}, {run.seconds:.0f} s."
        ),
        (
            "Classement par besoin servi par unité (personnes sans médecin traitant, estimées, au prorata des "
            "visites), puis par habitants amenés à 15 min d'un arrêt."
        ),
        "",
        f"Les {min(TOP, len(planned))} premières :",
        *(_line(r) for r in planned[:TOP]),
    ]
    priority = [r for r in planned if str(r["territory"]) in PRIORITY_EPCIS]
    if priority:
        lines += ["", f"Intercommunalités prioritaires (pilote 2025) : {len(priority)} dans la région étudiée"]
        lines += [_line(r) for r in priority]
    if failed:
        lines += ["", "En échec (relancez la même commande pour les reprendre) :"]
        lines += [f"- {r['title'] or r['territory']} ({r['territory']}) : {r['status']}" for r in failed]
    return "\n".join(lines)


def run_region_study(
    study: RegionStudy, out_dir: str | Path, *, execution: Execution | None = None, progress: Progress | None = None
) -> RegionReport:
    """Plan one unit in every territory of the region into ``out_dir`` (resumable), rank, summarise;
    by default on a local Dask cluster."""
    out_dir = Path(out_dir)
    execution = execution or Execution.local_cluster()
    tasks = study.tasks()
    run = run_and_record(tasks, out_dir, study.settings(), study.options, execution=execution, progress=progress)
    ranking = rank_territories(run.rows[t.id] for t in tasks)
    summary = region_summary(ranking, run, execution)
    files = write_table(ranking, RANKING_COLUMNS, out_dir / RANKING_STEM, notes=summary.splitlines())
    summary_path = out_dir / SUMMARY_FILE
    summary_path.write_text(summary + "\n", encoding="utf-8")
    return RegionReport(ranking, summary, [*files, summary_path], run)
