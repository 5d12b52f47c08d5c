"""The `planner` command: a thin face over the library's public API.

Each subcommand parses its arguments (in French, `planner.cli_args`), calls `planner`, and prints;
the commands are in `planner.cli_commands`, by group. Every refusal — a bad argument, a
`TourneeError`, a file that cannot be read or written — is a French message with exit code 2, never a
traceback; warnings about legal but odd inputs are printed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from planner.cli_args import FrenchParser
from planner.cli_commands import accounts, plans, publishing, study, territory
from planner.domain import PlanWarning, TourneeError, describe_os_error


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, in the order `planner --help` lists them."""
    parser = FrenchParser(
        prog="planner",
        description="Tournée : planifie les tournées des unités mobiles de santé et leurs équipes.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    territory.add_check_command(sub)
    plans.add_plan_command(sub)
    territory.add_data_commands(sub)
    territory.add_roads_commands(sub)
    publishing.add_publish_commands(sub)
    plans.add_replan_commands(sub)
    study.add_study_command(sub)
    accounts.add_accounts_command(sub)
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
