"""`planner publish|feeds|history|diff|tokens|backup|oublier`: plan versions in a workspace, their
publication (calendar feeds, posters), the private subscription addresses, the workspace's backups
and forgetting a person."""

from __future__ import annotations

import argparse
import sys

from planner.cli_args import output_dir_arg, path_arg, positive_int_arg, text_arg, url_arg
from planner.inputs import DEMO_TERRITORY

NO_BASE_URL_WARNING = (
    "Attention : publié sans adresse web (--base-url) : les affiches n'ont ni QR code ni adresse du calendrier "
    "(elles renvoient à la mairie) et index.html n'a pas de lien d'abonnement. Donnez l'adresse où sera mis le "
    "dossier public/ : --base-url https://…"
)


def _cmd_publish(args: argparse.Namespace) -> int:
    from planner.publish import (
        PlanStore,
        check_publishable,
        check_territory,
        inputs_of_plan_file,
        publish_version,
        read_plan_file,
        recover,
    )

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
            print(
                "Attention : ce plan.json ne dit pas avec quels réglages il a été calculé ; sont enregistrés "
                "les fichiers du territoire, l'horizon du plan et les options par défaut.",
                file=sys.stderr,
            )
        inputs = inputs_of_plan_file(plan, recorded, args.territory, store.file_bytes)
        instance = inputs.instance()
        check_publishable(instance, plan, inputs.options.roads)  # before anything is saved
        if not args.dry_run:
            check_territory(store, plan.instance_name, args.out, new_territory=args.new_territory)
        version = store.save(plan, instance, inputs=inputs, note=args.note)
        if args.dry_run:
            print(f"Version {version} enregistrée dans {store.path} (non publiée).")
            return 0
    else:
        version = args.version
    recover(store, args.out)
    previous = store.published_by_territory().get(store.territory_of(version))
    publication = publish_version(
        store, version, args.out, base_url=args.base_url, published_by=args.by, new_territory=args.new_territory
    )
    if not publication.base_url:
        print(NO_BASE_URL_WARNING, file=sys.stderr)
    by = f" par {args.by}" if args.by else ""
    print(f"Version {version} ({publication.territory}) publiée{by} ({store.path}).")
    if previous is not None and previous != version:
        print(store.diff(previous, version).text())
    print(publication.text())
    return 0


def _cmd_feeds(args: argparse.Namespace) -> int:
    from planner.publish import PlanStore, publish_version, recover

    store = PlanStore(args.workspace)
    recover(store, args.out)
    in_force = store.published_by_territory()
    if not in_force:
        print(f"Aucune version publiée dans {store.path} : utilisez d'abord « planner publish ».")
        return 1
    for territory, version in in_force.items():  # each territory of the workspace, in its own folder
        instance = None
        if store.inputs(version) is None:  # a version saved before inputs were kept
            from planner.inputs import load_territory

            instance = load_territory(args.territory or DEMO_TERRITORY)
        print(f"Version publiée ({territory}) : {version}.")
        publication = publish_version(
            store, version, args.out, instance=instance, base_url=args.base_url, published_by=args.by
        )
        if not publication.base_url:
            print(NO_BASE_URL_WARNING, file=sys.stderr)
        print(publication.text())
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    from planner.domain import moment_fr
    from planner.publish import PlanStore, recover

    store = PlanStore(args.workspace)
    recover(store, args.out)
    versions = store.history()
    if not versions:
        print(f"Aucune version enregistrée dans {store.path}.")
        return 0
    print(
        "version  enregistrée le (heure de Paris)  territoire           horizon                "
        "séances  gardes  sous l'objectif  note"
    )
    for v in versions:
        mark = "*" if v.published else " "
        horizon = f"{v.weeks} sem. dès le {v.start:%d/%m/%Y}"
        print(f"{mark}{v.version:>6}  {moment_fr(v.created):<30}  {v.instance_name:<19}  {horizon:<21}  "
              f"{v.sessions:>7}  {v.shifts:>6}  {v.unserved:>15}  {v.note}")  # fmt: skip
        print(f"{'':8} réglages : {v.settings_text}")
    publications = store.publications()
    if publications:
        print("* : version en vigueur. Publications :")
        for p in publications[-10:]:
            by = f" par {p.published_by}" if p.published_by else ""
            print(f"  version {p.version} ({p.territory or '?'}) publiée le {moment_fr(p.published)}{by}")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from planner.publish import PlanStore

    print(PlanStore(args.workspace).diff(args.v1, args.v2).text())
    return 0


def _token_subject(person: str) -> str:
    return person if person == "coordination" or person.startswith(("unit:", "staff:")) else f"staff:{person}"


def _cmd_tokens_list(args: argparse.Namespace) -> int:
    from planner.publish import PlanStore, private_feed_path, subject_label

    store = PlanStore(args.workspace)
    tokens = {s: t for s, t in store.tokens().items() if s not in store.forgotten()}
    if not tokens:
        print(f"Aucune adresse privée dans {store.path} : elles sont créées à la première publication.")
        return 0
    published = store.published_version()
    labels = store.labels(published) if published else {}
    base = args.url.rstrip("/") if args.url else None
    for subject, token in tokens.items():
        path = private_feed_path(subject, token)
        where = f"{base}/{path}" if base else path
        print(f"{subject_label(subject, labels):<40} {where}")
    if not base:
        print("Adresses relatives au dossier de publication ; --url ADRESSE donne les adresses complètes.")
    return 0


def _cmd_tokens_revoke(args: argparse.Namespace) -> int:
    from planner.publish import PlanStore, private_feed_path, publish_version, recover

    store = PlanStore(args.workspace)
    subject = _token_subject(args.person)
    if subject not in store.tokens():
        print(f"Erreur : « {args.person} » n'a pas d'adresse privée (voir « planner tokens list »).", file=sys.stderr)
        return 2
    token = store.revoke(subject)
    print(f"Ancienne adresse de {args.person} révoquée ; nouvelle adresse : {private_feed_path(subject, token)}")
    recover(store, args.out)
    for version in store.published_by_territory().values():
        if store.inputs(version) is not None:
            publish_version(store, version, args.out, base_url=args.base_url)
            print(f"Version {version} republiée dans {args.out} : l'ancienne adresse ne mène plus à rien.")
        else:
            print("L'ancienne adresse disparaîtra à la prochaine publication (« planner feeds TERRITOIRE »).")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.publish import DB_NAME, PlanStore, create_backup, list_backups, restore_backup

    workspace = Path(args.workspace)
    db = workspace if workspace.suffix in (".sqlite", ".db") else workspace / DB_NAME
    if args.restore is not None:
        aside = restore_backup(db, args.restore)
        PlanStore(args.workspace)  # checked and opened as any command does
        kept = f" ; l'ancien fichier est gardé dans {aside}" if aside else ""
        print(f"Sauvegarde {args.restore} restaurée dans {db}{kept}.")
        print("Republiez ensuite la version voulue (planner publish --version N) si la publication a changé depuis.")
        return 0
    if args.create:
        PlanStore(args.workspace)  # a damaged store is refused, not backed up
        print(f"Sauvegarde écrite : {create_backup(db)}")
        return 0
    backups = list_backups(db)
    if not backups:
        print(f"Aucune sauvegarde de {db} : « planner backup --creer » en fait une (chaque publication aussi).")
        return 0
    print(f"Sauvegardes de {db} (la plus récente d'abord) :")
    for b in backups:
        print(f"  {b.path}  {b.made:%d/%m/%Y %H:%M:%S} UTC  {b.size / 1024:.0f} Ko")
    print("Pour en restaurer une : planner backup --restaurer FICHIER")
    return 0


def _cmd_forget(args: argparse.Namespace) -> int:
    from planner.publish import PlanStore, forget_person

    report = forget_person(args.workspace, args.person, out_dir=args.out, store=PlanStore(args.workspace))
    print(report.text())
    return 0


def add_places(parser: argparse.ArgumentParser, *, out: bool = False, base_url: bool = False) -> None:
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


def add_publish_commands(sub: argparse._SubParsersAction) -> None:
    """`planner publish|feeds|history|diff|tokens`: plan versions in a workspace, calendar feeds, posters."""

    pub = sub.add_parser("publish", help="enregistrer un plan, le publier, écrire calendriers et affiches")
    pub.add_argument(
        "plan", type=path_arg, nargs="?", help="fichier plan.json écrit par « planner plan » ou « planner replan »"
    )
    pub.add_argument(
        "territory", type=path_arg, nargs="?", help="territoire du plan (défaut : celui enregistré dans plan.json)"
    )
    pub.add_argument("--version", type=positive_int_arg, metavar="N", help="publier la version N déjà enregistrée")
    add_places(pub, out=True, base_url=True)
    pub.add_argument("--note", type=text_arg, default="", help="note gardée dans l'historique")
    pub.add_argument("--dry-run", action="store_true", help="enregistrer la version sans la publier")
    pub.add_argument("--par", dest="by", type=text_arg, metavar="NOM", help="qui publie (gardé, montré par history)")
    pub.add_argument(
        "--territoire-nouveau",
        dest="new_territory",
        action="store_true",
        help="publier un territoire de plus dans cet espace de travail (dossier territoires/<nom>/ de la publication)",
    )
    pub.set_defaults(func=_cmd_publish)

    feeds = sub.add_parser("feeds", help="réécrire calendriers et affiches de la version publiée")
    feeds.add_argument(
        "territory", type=path_arg, nargs="?", help="territoire, pour une version enregistrée sans ses données"
    )
    add_places(feeds, out=True, base_url=True)
    feeds.add_argument("--par", dest="by", type=text_arg, metavar="NOM", help="qui publie (gardé, montré par history)")
    feeds.set_defaults(func=_cmd_feeds)

    hist = sub.add_parser("history", help="les versions enregistrées, leurs données et celle qui est publiée")
    add_places(hist, out=True)
    hist.set_defaults(func=_cmd_history)

    diff = sub.add_parser("diff", help="ce qui a changé entre deux versions")
    diff.add_argument("v1", type=positive_int_arg, help="version de départ")
    diff.add_argument("v2", type=positive_int_arg, help="version d'arrivée")
    add_places(diff)
    diff.set_defaults(func=_cmd_diff)

    tokens = sub.add_parser("tokens", help="adresses privées d'abonnement (une par personne) : lister, révoquer")
    tokens_sub = tokens.add_subparsers(dest="tokens_command", metavar="ACTION", required=True)
    listing = tokens_sub.add_parser("list", help="l'adresse privée de chaque personne, unité et de la coordination")
    add_places(listing)
    listing.add_argument(
        "--url", type=url_arg, metavar="ADRESSE", help="adresse web du dossier de publication (qui contient prive/)"
    )
    listing.set_defaults(func=_cmd_tokens_list)
    revoke = tokens_sub.add_parser("revoke", help="remplacer l'adresse privée d'une personne et republier")
    revoke.add_argument(
        "person", type=text_arg, metavar="PERSONNE", help="identifiant dans roster.csv (ou unit:ID, coordination)"
    )
    add_places(revoke, out=True, base_url=True)
    revoke.set_defaults(func=_cmd_tokens_revoke)

    backup = sub.add_parser("backup", help="sauvegardes de l'espace de travail : lister, créer, restaurer")
    add_places(backup)
    what = backup.add_mutually_exclusive_group()
    what.add_argument("--creer", dest="create", action="store_true", help="faire une sauvegarde maintenant")
    what.add_argument(
        "--restaurer", dest="restore", type=path_arg, metavar="FICHIER", help="remettre cette sauvegarde (vérifiée)"
    )
    backup.set_defaults(func=_cmd_backup, create=False, restore=None)

    forget = sub.add_parser("oublier", help="retirer le nom et les coordonnées d'une personne de tout l'espace")
    forget.add_argument("person", type=text_arg, metavar="PERSONNE", help="identifiant dans roster.csv ou nom exact")
    add_places(forget, out=True)
    forget.set_defaults(func=_cmd_forget)
