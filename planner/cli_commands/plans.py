"""`planner plan`, `planner replan` and `planner move`: a plan of a territory, re-planned after a change
or with one session moved (or two swapped) by hand, written to an output folder with, after a change,
who to tell (a-prevenir.txt)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli_args import (
    date_arg,
    output_dir_arg,
    path_arg,
    positive_int_arg,
    seconds_arg,
    seed_arg,
    session_arg,
    time_arg,
    weeks_arg,
)
from planner.cli_commands.output import print_files, print_warnings
from planner.cli_commands.progress import ProgressBar
from planner.cli_commands.publishing import add_places
from planner.domain import TourneeError
from planner.inputs import DEMO_TERRITORY

if TYPE_CHECKING:
    from datetime import date

    from planner.domain import Instance, Plan, TravelMatrix
    from planner.planning import CarriedOver
    from planner.publish import PlanInputs


def _cmd_plan(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from planner import summary
    from planner.domain import horizon_problem
    from planner.inputs import load_territory, territory_warnings
    from planner.planning import PlanOptions, plan
    from planner.publish import PlanInputs, Settings, TerritoryFiles, write_outputs

    instance = load_territory(args.territory)
    if args.start or args.weeks:
        start, weeks = args.start or instance.rules.start, args.weeks or instance.rules.weeks
        if problem := horizon_problem(start, weeks):
            raise TourneeError(f"--start / --weeks : {problem}")
        instance = instance.replace(rules=replace(instance.rules, start=start, weeks=weeks))
    print_warnings(territory_warnings(instance, territory=args.territory), file=sys.stderr)
    options = PlanOptions.from_file(args.options) if args.options else PlanOptions()
    given = {k: getattr(args, k) for k in ("time_limit", "seed", "roads", "method") if getattr(args, k) is not None}
    options = replace(options, **given)

    with ProgressBar() as progress:
        result = plan(instance, options, progress=progress)
    print(summary(instance, result))
    files = TerritoryFiles.load(args.territory)  # kept in plan.json, so that `planner publish` stores them
    inputs = PlanInputs(files, Settings.between(files.instance(), instance), options)
    print_files(write_outputs(instance, result, args.out, inputs=inputs))
    return 0


def add_plan_command(sub: argparse._SubParsersAction) -> None:
    """`planner plan`: plan a territory and write the output folder."""
    p = sub.add_parser("plan", help="planifier les tournées et les équipes d'un territoire")
    p.add_argument(
        "territory", type=path_arg, nargs="?", default=DEMO_TERRITORY, help="nom intégré ou dossier (défaut : démo)"
    )
    p.add_argument("--start", type=date_arg, help="premier jour de l'horizon, AAAA-MM-JJ (défaut : celui du scénario)")
    p.add_argument("--weeks", type=weeks_arg, help="nombre de semaines, 104 au plus (défaut : celui du scénario)")
    p.add_argument("--out", type=output_dir_arg, default="out", help="dossier de sortie (défaut : out)")
    p.add_argument(
        "--options", type=path_arg, metavar="FICHIER", help="réglages du calcul : table [solver] d'un fichier TOML"
    )
    p.add_argument(
        "--time-limit",
        type=seconds_arg,
        help="budget du calcul du motif hebdomadaire, en secondes de calcul sur 2 cœurs (temps déterministe : "
        "même plan sur toute machine), arrondi à la puissance de 2 inférieure ; plus de temps ne donne jamais "
        "un moins bon motif (dès 16 s pour un territoire de la taille d'un département) ; au-dessus du défaut, "
        "le plan est aussi calculé avec la moitié du budget et le meilleur des deux est gardé (plus de budget ne "
        "donne jamais un moins bon plan ; le calcul dure alors plus longtemps) "
        "(défaut : selon la taille du territoire, de 2 à 32 s) ; la durée « calculé en » du résumé est celle de "
        "l'horloge pour tout le plan (trajets, équipes, bornes) et varie avec la charge de la machine, pas le plan",
    )
    p.add_argument("--seed", type=seed_arg, help="graine des solveurs (défaut : 0)")
    p.add_argument("--roads", type=path_arg, help="estimate (défaut), road, auto, ou un fichier GraphML/OSM")
    p.add_argument("--method", choices=("cp-sat", "greedy"), help="méthode (défaut : cp-sat)")
    p.set_defaults(func=_cmd_plan)


def _published(args: argparse.Namespace) -> tuple[PlanInputs, Instance, Plan, CarriedOver | None]:
    """The plan ``--plan`` or ``--version`` names, its inputs and its instance (`planner replan|move`),
    and, for a version older than the newest, what the newer versions accepted (carried over)."""
    from planner.planning import changes_since, check_published
    from planner.publish import PlanStore, inputs_of_plan_file, read_plan_file

    if (args.plan is None) == (args.version is None):
        raise TourneeError("donnez --plan plan.json ou --version N (une version enregistrée), l'un des deux.")
    carried = None
    if args.version is not None:
        store = PlanStore(args.workspace)
        inputs, instance, published = store.rebuild(args.version)
        carried = changes_since(store, args.version)
    else:
        published, recorded = read_plan_file(args.plan)
        inputs = inputs_of_plan_file(published, recorded, args.territory)
        instance = inputs.instance()
    check_published(instance, published)
    return inputs, instance, published, carried


#: What `planner replan` and `planner move` write beside the plan: the message to send to each person
#: and town hall.
NOTICES_FILE = "a-prevenir.txt"


def _cmd_replan(args: argparse.Namespace) -> int:
    from datetime import date, timedelta

    from planner import replan
    from planner.planning import change_warnings, check_changes, parse_changes, published_travel, summary_text
    from planner.publish import write_outputs

    lines = [f"unavailable {v}" for v in args.unavailable]
    lines += [f"out-of-service {v}" for v in args.out_of_service]
    lines += [f"closed {v}" for v in args.closed]
    if (args.plan is None) != (args.version is None) and not lines:
        print("Aucun changement donné (--unavailable, --out-of-service ou --closed).", file=sys.stderr)
        return 2
    changes = parse_changes(lines)
    inputs, instance, published, carried = _published(args)
    check_changes(instance, changes)
    today = args.today or date.today()
    last = published.start + timedelta(days=7 * published.weeks - 1)
    print_warnings(change_warnings(changes, published.start, last, today), file=sys.stderr)
    travel = published_travel(instance, published, args.roads or inputs.options.roads)
    result = replan(
        instance, published, changes, today=today, time_limit=args.time_limit, travel=travel,
        seed=inputs.options.seed, carried=carried,
    )  # fmt: skip
    print(summary_text(result))
    accepted = (carried.into(inputs) if carried else inputs).with_changes(changes, today)
    written = write_outputs(accepted.instance(), result.plan, args.out, inputs=accepted)
    print_files([*written, _write_notices(instance, published, result.plan, args.out)])
    print(f"Pour le publier : planner publish {args.out}/plan.json --workspace {args.workspace}")
    return 0


def _cmd_move(args: argparse.Namespace) -> int:
    from datetime import date

    from planner.domain import MoveRefused
    from planner.planning import CarryOverRefused, SessionMove, move_session, published_travel
    from planner.publish import write_outputs

    inputs, instance, published, carried = _published(args)
    unit, day, insee = args.session
    today = args.today or date.today()
    travel = published_travel(instance, published, args.roads or inputs.options.roads)
    if args.swap_with is not None:
        if args.options or args.to or args.unit or args.start is not None:
            msg = "--swap-with échange deux séances telles quelles : retirez --to, --unit, --start et --options."
            print(msg, file=sys.stderr)
            return 2
        move = SessionMove.swap(args.session, args.swap_with)
    elif args.options:
        return _print_move_options(instance, published, args, today, travel, carried)
    elif args.to is None:
        msg = (
            "Donnez le nouveau jour (--to AAAA-MM-JJ), --options pour voir les possibles, "
            "ou --swap-with UNITÉ:DATE:INSEE pour un échange."
        )
        print(msg, file=sys.stderr)
        return 2
    else:
        move = SessionMove(unit, day, insee, args.to, args.unit or "", args.start)
    try:
        result = move_session(
            instance, published, move, today=today, travel=travel, time_limit=args.time_limit, carried=carried
        )
    except (MoveRefused, CarryOverRefused) as refusal:
        print(refusal, file=sys.stderr)
        return 2
    print(f"{result.shifts_changed} garde(s) changée(s).")
    print("\n".join([*result.carried, *(f"- {line}" for line in result.diff)]))
    accepted = (carried.into(inputs) if carried else inputs).with_move(move, today)
    written = write_outputs(accepted.instance(), result.plan, args.out, inputs=accepted)
    print_files([*written, _write_notices(instance, published, result.plan, args.out)])
    print(f"Pour le publier : planner publish {args.out}/plan.json --workspace {args.workspace}")
    return 0


def _write_notices(instance: Instance, before: Plan, after: Plan, out: str) -> Path:
    """Who to tell that ``before`` became ``after`` (`planner.notices`): the count printed, every
    message written to `NOTICES_FILE` in ``out``, whose path is returned."""
    from planner import notices

    to_tell = notices(instance, before, after)
    print(to_tell.headline)
    messages = Path(out) / NOTICES_FILE
    messages.write_text(to_tell.text(), encoding="utf-8")
    return messages


def _print_move_options(
    instance: Instance,
    published: Plan,
    args: argparse.Namespace,
    today: date,
    travel: TravelMatrix,
    carried: CarriedOver | None,
) -> int:
    """`planner move --options`: the days, units and starts the rules accept for the session, then the
    sessions it may be swapped with, one a line, with the arguments that make each (a version older
    than the newest: after carrying over what the newer versions accepted)."""
    from planner.domain import MoveRefused, date_fr, hhmm
    from planner.planning import CarryOverRefused, move_options, swap_options

    found = {"déplacement(s)": move_options, "échange(s)": swap_options}
    try:
        lists = {
            what: options(
                instance, published, args.session, today=today, travel=travel, time_limit=args.time_limit,
                carried=carried,
            )
            for what, options in found.items()
        }  # fmt: skip
    except (MoveRefused, CarryOverRefused) as refusal:
        print(refusal, file=sys.stderr)
        return 2
    unit, day, insee = args.session
    name = instance.commune(insee).name
    for what, options in lists.items():
        if not options:
            print(
                f"Aucun {what[:-3]} possible pour la séance de {name} du {date_fr(day)} : les règles les refusent tous."
            )
            continue
        print(f"{len(options)} {what} possible(s) pour la séance de {name} du {date_fr(day)} :")
        for option in options:
            if option.move.swap_with:
                flags = f"--swap-with {option.unit_id}:{option.to_day.isoformat()}:{option.move.swap_with}"
            else:
                to_unit = f" --unit {option.unit_id}" if option.unit_id != unit else ""
                flags = f"--to {option.to_day.isoformat()}{to_unit} --start {hhmm(option.start)}"
            print(f"- {option.text(instance)}   ({flags})")
    return 0


def add_replan_commands(sub: argparse._SubParsersAction) -> None:
    """`planner replan` and `planner move`: re-plan after a cancellation, a breakdown, a closure; move
    one session by hand, or swap two (``--swap-with``)."""
    p = sub.add_parser("replan", help="re-planifier après une absence, une panne ou une fermeture")
    _add_published(p, "plan.json publié (écrit par « planner plan »)")
    p.add_argument(
        "--unavailable", action="append", default=[], metavar="PERSONNE:DATE[..DATE]", help="une personne absente"
    )
    p.add_argument(
        "--out-of-service", action="append", default=[], metavar="UNITÉ:DATE[..DATE]", help="une unité hors service"
    )
    p.add_argument("--closed", action="append", default=[], metavar="INSEE:DATE[;DATE…]", help="une commune fermée")
    _add_change_run(p, "secondes de recherche (défaut : 10)")
    p.set_defaults(func=_cmd_replan)

    m = sub.add_parser(
        "move", help="déplacer une séance vers un autre jour, une autre unité ou une autre heure, ou l'échanger"
    )
    _add_published(m, "plan.json (écrit par « planner plan » ou « planner replan »)")
    m.add_argument(
        "--session",
        type=session_arg,
        required=True,
        metavar="UNITÉ:DATE:INSEE",
        help="la séance à déplacer (ou à échanger)",
    )
    m.add_argument("--to", type=date_arg, metavar="DATE", help="le nouveau jour, AAAA-MM-JJ")
    m.add_argument("--unit", metavar="UNITÉ", help="une autre unité (défaut : la même)")
    m.add_argument(
        "--start", type=time_arg, metavar="HH:MM", help="l'heure de début voulue (défaut : au plus près de l'ancienne)"
    )
    m.add_argument(
        "--options",
        action="store_true",
        help="lister les jours, unités et heures, et les échanges, que les règles acceptent",
    )
    m.add_argument(
        "--swap-with", type=session_arg, metavar="UNITÉ:DATE:INSEE",
        help="échanger la séance avec celle-ci : chacune prend le jour et l'unité de l'autre",
    )  # fmt: skip
    _add_change_run(m, "secondes pour les équipes (défaut : 10)")
    m.set_defaults(func=_cmd_move)


def _add_published(p: argparse.ArgumentParser, plan_help: str) -> None:
    """Which plan a change starts from: a plan.json or a version of the workspace (`_published`)."""
    p.add_argument(
        "territory", type=path_arg, nargs="?", help="territoire du plan (défaut : celui enregistré dans plan.json)"
    )
    p.add_argument("--plan", type=path_arg, help=plan_help)
    p.add_argument(
        "--version", type=positive_int_arg, metavar="N", help="partir de la version N de l'espace de travail"
    )
    add_places(p)


def _add_change_run(p: argparse.ArgumentParser, time_help: str) -> None:
    """When a change applies from, where it is written, its time and its travel."""
    p.add_argument(
        "--today", type=date_arg, help="aujourd'hui, AAAA-MM-JJ : rien avant ne change (défaut : la date du jour)"
    )
    p.add_argument("--out", type=output_dir_arg, default="out", help="dossier de sortie (défaut : out)")
    p.add_argument("--time-limit", type=seconds_arg, default=10.0, help=time_help)
    p.add_argument(
        "--roads", type=path_arg, help="trajets du plan : estimate, road, auto, ou un fichier (défaut : ceux du plan)"
    )
