"""`planner study TERRITORY`: every combination of units, doctors and sessions per day planned,
tabled, charted, and the knee said in one French sentence (docs/studies.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.domain.french import date_fr
from planner.inputs import parse_communes
from planner.planning.options import PlanOptions
from planner.results import need_source_sentence
from planner.studies.chart import chart_frame, chart_notes, study_chart, write_chart
from planner.studies.figures import COLUMNS, OK
from planner.studies.grid import ScenarioParameters, combinations
from planner.studies.knee import knee, knee_sentence
from planner.studies.scenario_files import (
    TerritoryTexts,
    read_territory_texts,
    with_rules,
)
from planner.studies.study_run import Execution, Progress, RunReport, run_and_record
from planner.studies.tables import write_table
from planner.studies.task import ScenarioTask

TABLE_STEM = "etude"
CHART_STEM = "graphique"
SUMMARY_FILE = "resume.txt"
NOTES = (
    (
        "Besoin : personnes sans médecin traitant, estimées par un indicateur de substitution là où le chiffre "
        "réel manque (voir planner/data/communes/README.md) ; « besoin servi » les compte au prorata des visites "
        "prévues."
    ),
    (
        "Unités ajoutées : copies de la première unité, dépôt choisi parmi les plus grandes villes "
        "(docs/studies.md) ; équipes : personnes fictives."
    ),
)
TABLE_HEADER = (
    "unités  médecins  personnes  séances/j  besoin couvert  besoin servi  hab. 15 min  hab. 30 min  km/sem  "
    "½ j. médecin/sem  sans équipe"
)
#: Options of every study plan: one CP-SAT thread each, so that plans side by side share no core.
STUDY_THREADS = 1


def study_options(time_limit: float = 5.0, rota_time_limit: float = 1.0, *, roads: str = "estimate") -> PlanOptions:
    """The plan options of studies: the planner's defaults, one CP-SAT thread per search, each plan
    made once at its budget (no second plan at half of it: a study never doubles its budget)."""
    return PlanOptions(
        time_limit=time_limit,
        rota_time_limit=rota_time_limit,
        roads=roads,
        threads=STUDY_THREADS,
        compare_half_budget=False,
    )


@dataclass(frozen=True)
class TerritoryStudy:
    """What to study on one territory (a built-in name, a folder, or `TerritoryTexts`).
    ``doctors``/``sessions_per_day`` None: as the territory has them (doctors scaled with the units);
    ``weeks``/``frequency_by_need`` None: the scenario's."""

    territory: str | Path | TerritoryTexts
    units: tuple[int, ...]
    doctors: tuple[int, ...] | None = None
    sessions_per_day: tuple[int, ...] | None = None
    weeks: int | None = None
    frequency_by_need: tuple[float, ...] | None = None
    depots: tuple[str, ...] = ()
    options: PlanOptions = field(default_factory=study_options)

    def scenarios(self) -> list[ScenarioParameters]:
        return combinations(self.units, self.doctors, self.sessions_per_day)

    def base(self) -> TerritoryTexts:
        texts = self.territory if isinstance(self.territory, TerritoryTexts) else read_territory_texts(self.territory)
        return with_rules(texts, weeks=self.weeks, frequency_by_need=self.frequency_by_need)

    def tasks(self) -> list[ScenarioTask]:
        base = self.base()
        return [ScenarioTask(p.id, base, p, self.options, self.depots) for p in self.scenarios()]

    def settings(self) -> dict[str, Any]:
        """What was studied, as kept in the study folder (TOML: no null values)."""
        found = {
            "territoire": self.territory.name if isinstance(self.territory, TerritoryTexts) else str(self.territory),
            "unites": list(self.units),
            "medecins": list(self.doctors or ()),
            "seances_par_jour": list(self.sessions_per_day or ()),
            "semaines": self.weeks or 0,
            "frequence_selon_besoin": list(self.frequency_by_need or ()),
            "depots": list(self.depots),
        }
        return found


@dataclass
class StudyReport:
    """A finished study: its rows in scenario order, the knee sentences, the files written."""

    title: str
    rows: list[dict[str, Any]]
    sentences: list[str]
    summary: str
    files: list[Path]
    run: RunReport
    chart: Any = None  # the Altair chart, None when no scenario was planned

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r.get("status") != OK]


def _points(study: TerritoryStudy, rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Planned scenarios with their parameters, for the knee and the chart."""
    points = []
    for params in study.scenarios():
        row = rows.get(params.id)
        if row and row.get("status") == OK:
            sessions = params.sessions_per_day if params.sessions_per_day is not None else row["sessions_per_day"]
            points.append(
                row | {"units": params.units, "doctors": row["doctors"], "sessions": sessions, "params": params}
            )
    return points


def _series(points: list[dict[str, Any]], axis: str, study: TerritoryStudy) -> list[dict[str, Any]]:
    """The points along ``axis`` ("units" or "doctors") with the other parameters at their largest."""
    top_sessions = max(study.sessions_per_day) if study.sessions_per_day else None
    top_doctors = max(study.doctors) if study.doctors else None
    top_units = max(study.units)

    def keep(p: dict[str, Any]) -> bool:
        params: ScenarioParameters = p["params"]
        if axis == "units" and top_doctors is not None and params.doctors != top_doctors:
            return False
        if axis == "doctors" and params.units != top_units:
            return False
        return params.sessions_per_day == top_sessions

    return [p for p in points if keep(p)]


def knee_sentences(study: TerritoryStudy, points: list[dict[str, Any]]) -> tuple[list[str], int | None, int | None]:
    """The French sentences of the knee (units, then doctors when varied) and the two knees."""
    by_units = [(p["units"], p["need_served_share"]) for p in _series(points, "units", study)]
    sentences = [knee_sentence(by_units, "unité", "unités")]
    knee_units, knee_doctors = knee(by_units), None
    if study.doctors and len(study.doctors) > 1:
        by_doctors = [(p["params"].doctors, p["need_served_share"]) for p in _series(points, "doctors", study)]
        sentences.append(knee_sentence(by_doctors, "médecin", "médecins"))
        knee_doctors = knee(by_doctors)
    return sentences, knee_units, knee_doctors


def _summary(title: str, rows: list[dict[str, Any]], sentences: list[str], base: dict) -> str:
    horizon = base.get("horizon", {})
    start = horizon.get("start")
    planned = sum(r.get("status") == OK for r in rows)
    since = f" à partir du {date_fr(start)}." if start else "."
    head = (
        f"Étude « {title} » : {len(rows)} scénario(s), {planned} planifié(s), {len(rows) - planned} en échec ; "
        f"{horizon.get('weeks', '?')} semaine(s){since}"
    )
    lines = [head, *sentences, "", TABLE_HEADER]
    for r in rows:
        if r.get("status") != OK:
            lines.append(f"{r['scenario']:<8} {r['status']}")
            continue
        lines.append(
            f"{r['units']:>6}  {r['doctors']:>8}  {r['staff']:>9}  {r['sessions_per_day']:>9}  "
            f"{r['need_served_share'] * 100:>13.1f} %  {r['need_served_people']:>12}  "
            f"{r['population_within_15min']:>11}  "
            f"{r['population_within_30min']:>11}  {r['drive_km_per_week']:>6}  {r['doctor_half_days_per_week']:>16}  "
            f"{r['uncrewed_tours']:>11}"
        )
    lines += ["", *NOTES]
    return "\n".join(lines)


def run_territory_study(
    study: TerritoryStudy, out_dir: str | Path, *, execution: Execution | None = None, progress: Progress | None = None
) -> StudyReport:
    """Plan every scenario of ``study`` into ``out_dir`` (resumable; serially by default) and write the
    table, chart and summary."""
    out_dir = Path(out_dir)
    execution = execution or Execution()
    tasks = study.tasks()
    base = tasks[0].base.scenario
    title = str(base.get("name", study.territory))
    run = run_and_record(tasks, out_dir, study.settings(), study.options, execution=execution, progress=progress)
    rows = [run.rows[t.id] for t in tasks]
    points = _points(study, run.rows)
    sentences, knee_units, knee_doctors = knee_sentences(study, points)
    sentences.append(need_source_sentence(parse_communes(tasks[0].base.communes_csv)))
    summary = _summary(title, rows, sentences, base)
    files = write_table(rows, COLUMNS, out_dir / TABLE_STEM, notes=summary.splitlines())
    notes, chart = [], None
    if points:
        by_doctors = (
            chart_frame(_series(points, "doctors", study)) if study.doctors and len(study.doctors) > 1 else None
        )
        notes_of_chart = chart_notes(points, str(base.get("source", "")))
        chart = study_chart(
            chart_frame(_series(points, "units", study)), knee_units, by_doctors, knee_doctors, notes=notes_of_chart
        )
        written, note = write_chart(chart, out_dir / CHART_STEM)
        files += written
        notes += [note] if note else []
    summary = "\n".join([summary, *notes])
    summary_path = out_dir / SUMMARY_FILE
    summary_path.write_text(summary + "\n", encoding="utf-8")
    return StudyReport(title, rows, sentences, summary, [*files, summary_path], run, chart)
