"""`planner comptes ajouter|liste|retirer`: the coordinator accounts of the app (one password each,
hashed with Argon2 in ``comptes.json`` of the app's workspace, `planner.publish.AccountStore`)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from planner.cli_args import path_arg

#: The app's workspace when neither --espace nor TOURNEE_WORKSPACE says otherwise (as in the app).
DEFAULT_WORKSPACE = "out/app"


def _workspace(args: argparse.Namespace) -> str:
    return args.espace or os.environ.get("TOURNEE_WORKSPACE") or DEFAULT_WORKSPACE


def _read_password() -> str | None:
    """The new password: typed twice, hidden, at a terminal; else the first line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Mot de passe (encore) : ") != first:
        print("Erreur : les deux mots de passe diffèrent ; rien n'est changé.", file=sys.stderr)
        return None
    return first


def _cmd_add(args: argparse.Namespace) -> int:
    from planner.publish import DEFAULT_ACCOUNT, AccountStore

    password = _read_password()
    if password is None:
        return 2
    store = AccountStore(_workspace(args))
    new = store.set_password(args.nom, password)
    print(f"Compte « {args.nom.strip()} » {'ajouté' if new else 'modifié (nouveau mot de passe)'} ({store.path}).")
    if args.nom.strip() == DEFAULT_ACCOUNT:
        print(
            f"Attention : si TOURNEE_PASSWORD (ou « password » de secrets.toml) est défini, c'est lui qui ouvre le "
            f"compte « {DEFAULT_ACCOUNT} ».",
            file=sys.stderr,
        )
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from planner.publish import AccountStore

    names = AccountStore(_workspace(args)).names()
    if not names:
        print("Aucun compte (ajoutez-en un : planner comptes ajouter NOM).")
    for name in names:
        print(name)
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    from planner.publish import AccountStore

    if not AccountStore(_workspace(args)).remove(args.nom):
        print(f"Erreur : aucun compte « {args.nom} ».", file=sys.stderr)
        return 2
    print(f"Compte « {args.nom} » retiré.")
    return 0


def add_accounts_command(sub: argparse._SubParsersAction) -> None:
    """`planner comptes ajouter|liste|retirer`."""
    accounts = sub.add_parser("comptes", help="comptes de la coordination dans l'application (un mot de passe chacun)")
    accounts.add_argument(
        "--espace", type=path_arg, metavar="DOSSIER",
        help=f"espace de travail de l'application (défaut : $TOURNEE_WORKSPACE, sinon {DEFAULT_WORKSPACE})",
    )  # fmt: skip
    actions = accounts.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "ajouter", help="ajouter un compte, ou changer son mot de passe (demandé deux fois, ou lu sur l'entrée)"
    )
    add.add_argument("nom", type=path_arg, help="nom du compte (ex. claire)")
    add.set_defaults(func=_cmd_add)
    actions.add_parser("liste", help="les comptes").set_defaults(func=_cmd_list)
    remove = actions.add_parser("retirer", help="retirer un compte")
    remove.add_argument("nom", type=path_arg, help="nom du compte")
    remove.set_defaults(func=_cmd_remove)
