"""The command line's argument parsing in French: the parser, its messages, and the argument types.

argparse writes its usage and errors in English and names the type function of a bad value
("invalid _positive_int value"). `FrenchParser` writes them in French, naming the option, and exits
with code 2; each ``*_arg`` type checks one kind of value against `planner.domain.limits` and says
what was expected. Used by `planner.cli` and `planner.cli_commands` only.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

from planner.domain import (
    MAX_SEED,
    MAX_WEEKS,
    date_problem,
    forbidden_character,
    seconds_problem,
    shown,
    text_problem,
)

#: argparse's own messages (Python 3.11–3.13) and their French; ``{0}``… are the parts matched.
_MESSAGES = (
    (r"the following arguments are required: (.*)", "arguments obligatoires manquants : {0}"),
    (r"unrecognized arguments: (.*)", "arguments non reconnus : {0}"),
    (r"invalid choice: (.*) \(choose from (.*)\)", "choix invalide {0} ; attendu : un de {1}"),
    (r"invalid (.*) value: (.*)", "valeur invalide {1}"),
    (r"expected one argument", "une valeur est attendue"),
    (r"expected at most one argument", "une valeur au plus est attendue"),
    (r"expected at least one argument", "au moins une valeur est attendue"),
    (r"expected (\d+) arguments?", "{0} valeurs sont attendues"),
    (r"ambiguous option: (.*) could match (.*)", "option ambiguë : {0} peut désigner {1}"),
    (r"not allowed with argument (.*)", "interdit avec l'argument {0}"),
    (r"ignored explicit argument (.*)", "valeur {0} ignorée : cette option n'en prend pas"),
    (r"one of the arguments (.*) is required", "l'un des arguments {0} est obligatoire"),
    (r"unexpected option string: (.*)", "option inattendue : {0}"),
)
USAGE_PREFIX = "utilisation : "


def french(message: str) -> str:
    """One of argparse's English messages in French, naming the option first; others (the French
    messages of the ``*_arg`` types) are kept as they are, escaped."""
    argument = re.fullmatch(r"argument (.+?): (.*)", message, flags=re.DOTALL)
    if argument:
        return f"{argument[1]} : {french(argument[2])}"
    for pattern, template in _MESSAGES:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            return template.format(*(_unquote(part) for part in match.groups()))
    return shown(message, max_chars=500)


def _unquote(part: str) -> str:
    """``'abc'`` (a repr argparse put in its message) as « abc »; other parts as they are."""
    if len(part) >= 2 and part[0] == part[-1] == "'" and "'" not in part[1:-1]:
        return f"« {shown(part[1:-1])} »"
    return shown(part.replace("'", ""), max_chars=500)


class FrenchParser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` whose help, usage and errors are in French; errors exit with 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="afficher cette aide et quitter"
        )

    def format_usage(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups, prefix=USAGE_PREFIX)
        return formatter.format_help()

    def format_help(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups, prefix=USAGE_PREFIX)
        formatter.add_text(self.description)
        for group in self._action_groups:
            formatter.start_section(group.title)
            formatter.add_text(group.description)
            formatter.add_arguments(group._group_actions)
            formatter.end_section()
        formatter.add_text(self.epilog)
        return formatter.format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {french(message)}\n")


def _refuse(text: str, what: str) -> NoReturn:
    raise argparse.ArgumentTypeError(f"« {shown(text)} » {what}")


def positive_int_arg(text: str) -> int:
    """A whole number ≥ 1 (a version number, a count)."""
    if not re.fullmatch(r"\s*\+?\d{1,18}\s*", text) or int(text) <= 0:
        _refuse(text, "n'est pas un nombre entier positif")
    return int(text)


def weeks_arg(text: str) -> int:
    """A number of weeks, 1 to `MAX_WEEKS`."""
    weeks = positive_int_arg(text)
    if weeks > MAX_WEEKS:
        _refuse(text, f"semaines : c'est trop ; attendu : au plus {MAX_WEEKS} semaines (deux ans)")
    return weeks


def seed_arg(text: str) -> int:
    """A solver seed, 0 to `MAX_SEED`."""
    if not re.fullmatch(r"\s*\+?\d{1,10}\s*", text) or int(text) > MAX_SEED:
        _refuse(text, f"n'est pas une graine valable ; attendu : un nombre entier de 0 à {MAX_SEED}")
    return int(text)


def date_arg(text: str) -> date:
    """A date written ``AAAA-MM-JJ``, in the years `planner.domain.limits` allows."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        _refuse(text, "n'est pas une date AAAA-MM-JJ (ex. 2026-12-07)")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        _refuse(text, "n'est pas une date du calendrier ; attendu : AAAA-MM-JJ (ex. 2026-12-07)")
    problem = date_problem(day)
    if problem:
        raise argparse.ArgumentTypeError(f"{problem} ; attendu : une date de ces années-là")
    return day


def session_arg(text: str) -> tuple[str, date, str]:
    """A session of a plan, ``UNITÉ:AAAA-MM-JJ:INSEE`` (e.g. ``medicobus:2027-01-12:76259``)."""
    parts = text.strip().split(":")
    if len(parts) != 3 or not parts[0] or not parts[2]:
        _refuse(text, "n'est pas une séance ; attendu : UNITÉ:AAAA-MM-JJ:INSEE (ex. medicobus:2027-01-12:76259)")
    return parts[0], date_arg(parts[1]), parts[2]


def time_arg(text: str) -> int:
    """A time of day, ``HH:MM`` (or ``9h15``), as minutes after midnight."""
    from planner.domain import parse_time

    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        _refuse(text, f"n'est pas {what}")


def seconds_arg(text: str) -> float:
    """A solver time budget in seconds: finite, above 0, at most `MAX_TIME_LIMIT`."""
    value = _number(text, "un nombre de secondes (ex. 5)")
    problem = seconds_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(f"{problem} ; attendu : un nombre de secondes positif (ex. 5)")
    return value


def margin_km_arg(text: str) -> float:
    """A margin around a territory, 0 to 50 km."""
    value = _number(text, "un nombre de km")
    if not (math.isfinite(value) and 0 <= value <= 50):
        _refuse(text, "km : une marge entre 0 et 50 km est attendue")
    return value


def text_arg(text: str) -> str:
    """A free text kept in outputs (a note): one line, no control character."""
    problem = text_problem(text, max_chars=1000, what="texte trop long")
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def url_arg(text: str) -> str:
    """The web address of a publication: ``http(s)://…`` without spaces or control characters."""
    if not re.fullmatch(r"https?://[^\s]+", text) or forbidden_character(text) or len(text) > 2000:
        _refuse(text, "n'est pas une adresse web ; attendu : https://… sans espace (ex. https://exemple.fr/bus)")
    return text


def path_arg(text: str) -> str:
    """A file or folder name (or a built-in territory name): not empty, no control character."""
    if not text or forbidden_character(text) or len(text) > 4096:
        _refuse(
            text,
            "n'est pas un chemin utilisable ; attendu : un nom de fichier ou de dossier sans caractère de contrôle",
        )
    return text


def file_stem_arg(text: str) -> str:
    """A name that becomes a file name (``NOM.csv``): letters, digits, ``-``, ``_`` and ``.``."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", text):
        _refuse(text, "n'est pas un nom de fichier simple ; attendu : lettres, chiffres, - ou _ (ex. mon-territoire)")
    return text


def output_dir_arg(text: str) -> str:
    """A folder to write into: existing or creatable, and writable, checked before any work is done."""
    path = Path(path_arg(text)).expanduser()
    if path.exists() and not path.is_dir():
        _refuse(text, "est un fichier ; attendu : un dossier (existant ou à créer)")
    parent = path
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        _refuse(text, f"ne peut pas être créé : « {shown(parent)} » est un fichier, pas un dossier")
    if not os.access(parent, os.W_OK | os.X_OK):
        _refuse(text, f"ne peut pas être écrit : pas le droit d'écrire dans « {shown(parent)} »")
    return text
