"""The exceptions and warnings of Tournée, in one place.

Fatal problems are exceptions whose message says what is wrong and what to do next; the CLI and the
app show that message, never a traceback. Non-fatal problems are warnings of `PlanWarning`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is, what is wrong, what is expected."""

    file: str
    row: int | None  # as a spreadsheet shows it: the header is row 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", ligne {self.row}"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


class TourneeError(Exception):
    """Base class of every error Tournée raises on purpose."""


class InputError(TourneeError):
    """One or more input files are wrong; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problème(s) dans les données :"]
        lines += [f"- {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class TerritoryNotFound(TourneeError):
    """A territory name or folder does not resolve to its three files."""


class NoRoadData(TourneeError):
    """Road data is needed but cannot be had (offline, no cache, no file)."""


class PlanningError(TourneeError):
    """The planner could not produce a valid plan; the message explains what blocks it."""


class MoveRefused(TourneeError):
    """A manual move that would break a hard rule; ``rule`` names it (the validator's rule names)."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


class PlanWarning(UserWarning):
    """Something non-fatal the coordinator should know (a commune left out, a day without crew…)."""


#: French words for the OS errors a user's paths give (permissions, missing folders, full disks…).
_OS_ERRORS_FR = {
    "EACCES": "permission refusée",
    "EPERM": "opération non permise",
    "ENOENT": "fichier ou dossier introuvable",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "EISDIR": "c'est un dossier, pas un fichier",
    "EEXIST": "un fichier de ce nom existe déjà",
    "ENOSPC": "plus de place sur le disque",
    "EROFS": "disque en lecture seule",
    "ENAMETOOLONG": "nom de fichier trop long",
    "ELOOP": "trop de liens symboliques",
    "EINVAL": "nom de fichier invalide",
}


def describe_os_error(exc: OSError) -> str:
    """``/etc/x : permission refusée``: an OS error in French, naming the file when known."""
    import errno

    from planner.domain.limits import shown

    code = errno.errorcode.get(exc.errno or -1, "")
    what = _OS_ERRORS_FR.get(code) or exc.strerror or exc.__class__.__name__
    name = "" if exc.filename is None else shown(exc.filename, max_chars=200)
    return f"{name} : {what}" if name else what
