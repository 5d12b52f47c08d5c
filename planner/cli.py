"""The `planner` command: a thin face over the library's public API.

Each subcommand parses its arguments, calls `planner`, and prints. Errors of `TourneeError` are
printed as messages (never a traceback) with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from planner.errors import TourneeError

DEMO_TERRITORY = "medicobus-dieppe"


def _cmd_check(args: argparse.Namespace) -> int:
    from planner.io import load_territory

    instance = load_territory(args.territory)
    print(f"{instance.title or instance.name} : données valides.")
    print(f"- {len(instance.communes)} communes, {len(instance.units)} unité(s), {len(instance.staff)} personnes")
    print(f"- horizon : {instance.rules.weeks} semaine(s) à partir du {instance.rules.start.isoformat()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Tournée : planifie les tournées des unités mobiles de santé et leurs équipes.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    check = sub.add_parser("check", help="charger et vérifier un territoire (toutes les erreurs)")
    check.add_argument("territory", nargs="?", default=DEMO_TERRITORY, help="nom intégré ou dossier")
    check.set_defaults(func=_cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except TourneeError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
