"""The real need indicators of the communes, read from the files their publishers distribute and merged
into a territory's communes.csv (`planner data besoin`), and the rule that turns them into need.

The planner's need is **unmet need, in people** (docs/formats.md, « Le besoin »):

- ``sans-medecin``: the Assurance maladie's count of patients without a médecin traitant, as is.
- ``apl``: the DREES's APL to médecins généralistes (consultations et visites accessibles par an et
  par habitant standardisé, doctors aged 65 or under), turned into the care missing below the
  threshold of the zoning of médecins généralistes, in people::

      need = population × max(0, APL_ADEQUATE − apl) / APL_ADEQUATE

  The zoning (arrêté du 13 novembre 2017 relatif à la méthodologie applicable à la profession de
  médecin pour la détermination des zones prévues au 1° de l'article L. 1434-4 du code de la santé
  publique, modifié par l'arrêté du 1er octobre 2021) selects as zones d'intervention prioritaire
  every territory whose APL is below `APL_PRIORITY` (2.5), and draws the zones d'action
  complémentaire from those between 2.5 and `APL_ADEQUATE` (4). So the need is 0 where the zoning
  sees no under-supply (APL ≥ 4), 37.5 % of the population at the priority threshold, and grows as
  the APL falls: the share of the consultations a resident should reach that are missing.
- ``proxy``: the estimate of `planner.inputs.need_proxy`, when neither figure is known.

When both real figures are known the count of patients wins (it is already in people).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from planner.domain.limits import shown
from planner.inputs.data_source import SourceError
from planner.inputs.fields import fold
from planner.inputs.tables import decode, delimiter_of

#: APL below which the zoning selects a territory as a zone d'intervention prioritaire (arrêté du
#: 13 novembre 2017 modifié le 1er octobre 2021).
APL_PRIORITY = 2.5
#: APL up to which a territory may be a zone d'action complémentaire: above it, no under-supply.
APL_ADEQUATE = 4.0

#: The values of the ``need_source`` column (docs/formats.md), by kind of real figure.
SOURCE_APL = "apl"
SOURCE_WITHOUT_GP = "sans-medecin"
SOURCE_PROXY = "proxy"
NEED_SOURCES = (SOURCE_WITHOUT_GP, SOURCE_APL, SOURCE_PROXY)

#: Headers of the commune code column, folded (lower case, no accents, words split on punctuation).
CODE_HEADERS = (
    "code commune insee",
    "code commune",
    "code insee",
    "code insee commune",
    "codgeo",
    "code geographique",
    "depcom",
    "insee",
    "commune code",
)
#: The APL column, by preference: the zoning's (doctors aged 65 or under), else all doctors, else ``apl``.
APL_HEADERS = (
    "apl aux medecins generalistes de 65 ans ou moins",
    "apl aux medecins generalistes de 65 ans et moins",
    "apl aux medecins generalistes",
    "apl medecins generalistes",
    "apl mg",
    "apl",
)
#: Words of the header of the count of patients without a médecin traitant (a share is refused).
WITHOUT_GP_WORDS = ("sans medecin traitant", "sans mt")
SHARE_WORDS = ("part", "taux", "pourcentage", "proportion")
#: Headers of a year column (the latest year's figure is kept).
YEAR_HEADERS = ("annee", "year", "millesime")
#: Cells that mean « no figure » in the publishers' files (secret statistique, not available).
NO_VALUE = {"", "ns", "nd", "na", "s", "secret", "-", "nc"}
#: Rows searched for the header above the table (the DREES's workbook has 8 rows of title and notes).
MAX_HEADER_ROW = 40

_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class IndicatorError(SourceError):
    """A need indicator file that cannot be used; the message says why in French and what to do."""


@dataclass(frozen=True)
class Indicator:
    """The figures of one file: INSEE code -> value, and where they were found."""

    kind: str  # SOURCE_APL or SOURCE_WITHOUT_GP
    values: dict[str, float]
    file: str
    sheet: str | None
    column: str


def apl_need(population: float, apl: float) -> float:
    """The care missing below the zoning's threshold, in people:
    ``population × max(0, APL_ADEQUATE − apl) / APL_ADEQUATE`` (see the module's docstring)."""
    return population * max(0.0, APL_ADEQUATE - apl) / APL_ADEQUATE


def _folded(header: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(str(header))).split())


def _code_of(cell: object) -> str | None:
    """An INSEE code from a cell (``1001`` and ``1001.0`` of a spreadsheet are ``01001``), else None."""
    text = str(cell).strip().upper() if cell is not None else ""
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        text = text.split(".")[0].zfill(5)
    return text if _INSEE.match(text) else None


def _number(cell: object) -> float | None:
    if isinstance(cell, (int, float)):
        return float(cell) if cell == cell else None
    text = str(cell or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if fold(text) in NO_VALUE:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _value_column(headers: list[str], kind: str) -> int | None:
    folded = [_folded(h) for h in headers]
    if kind == SOURCE_APL:
        for wanted in APL_HEADERS:
            for index, header in enumerate(folded):
                if header == wanted or (wanted != "apl" and header.startswith(wanted + " ")):
                    return index
        return None
    for index, header in enumerate(folded):
        words = header.split()
        if any(w in header for w in WITHOUT_GP_WORDS) and not any(w in words for w in SHARE_WORDS):
            return index
    return None


def _header_row(rows: list[list[object]]) -> int | None:
    for number, row in enumerate(rows[:MAX_HEADER_ROW]):
        if any(_folded(cell) in CODE_HEADERS for cell in row):
            return number
    return None


def _csv_rows(text: str) -> list[list[object]]:
    """The rows of a CSV, with the delimiter whose header row has the most cells (``;`` or ``,``)."""
    best: list[list[object]] = []
    best_width = -1
    for delimiter in (";", ",", "\t"):
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
        header = _header_row(rows)
        width = len(rows[header]) if header is not None else 0
        if width > best_width:
            best, best_width = rows, width
    return best


def _sheets(data: bytes) -> Iterator[tuple[str, list[list[object]]]]:
    """The sheets of a workbook, the newest ``APL <year>`` first, then in the workbook's order."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = list(book.sheetnames)
        years = sorted((int(m.group(1)), n) for n in names if (m := re.search(r"(\d{4})\s*$", n.strip())))
        ordered = [n for _, n in reversed(years)] + [n for n in names if n not in {n for _, n in years}]
        for name in ordered:
            yield name, [list(row) for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()


def _tables(data: bytes, label: str) -> Iterator[tuple[str | None, list[list[object]]]]:
    if data[:4] == b"PK\x03\x04":
        try:
            yield from _sheets(data)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            msg = f"{label} : classeur illisible ({exc}) ; attendu : le fichier xlsx tel que téléchargé, ou un CSV."
            raise IndicatorError(msg) from exc
        return
    if b"\x00" in data[:4096]:
        msg = f"{label} : fichier illisible (ni un classeur xlsx ni un CSV) ; attendu : le fichier tel que publié."
        raise IndicatorError(msg)
    yield None, _csv_rows(decode(data))


def _year_column(headers: list[str]) -> int | None:
    return next((i for i, h in enumerate(headers) if _folded(h) in YEAR_HEADERS), None)


def _values(rows: list[list[object]], code: int, column: int, year: int | None) -> dict[str, float]:
    """INSEE code -> figure of the rows that are communes with a figure; of the latest year when the
    file has a year column (data.ameli.fr's exports hold one row per territory and year)."""
    found: dict[str, tuple[float, float]] = {}
    for row in rows:
        insee = _code_of(row[code]) if code < len(row) else None
        value = _number(row[column]) if column < len(row) else None
        if insee is None or value is None or value < 0:
            continue
        when = (_number(row[year]) if year is not None and year < len(row) else None) or 0.0
        if insee not in found or when >= found[insee][0]:
            found[insee] = (when, value)
    return {insee: value for insee, (_, value) in found.items()}


def _kind_label(kind: str) -> str:
    return "de l'APL aux médecins généralistes" if kind == SOURCE_APL else "de patients sans médecin traitant"


def read_indicator(source: str | Path | bytes, kind: str, label: str | None = None) -> Indicator:
    """The figures of an APL file (DREES, xlsx or CSV) or of a count of patients without a médecin
    traitant (Assurance maladie, CSV or xlsx), as their publishers lay them out: rows of title above the
    table are skipped, the commune code and value columns are found by name (`CODE_HEADERS`,
    `APL_HEADERS`, `WITHOUT_GP_WORDS`), rows that are not communes (units, notes) and cells without a
    figure (« NS ») are left out.

    Raises
    ------
    IndicatorError
        An unreadable file, no commune code column, no value column, or no commune with a figure.
    """
    if kind not in (SOURCE_APL, SOURCE_WITHOUT_GP):
        raise ValueError(kind)
    if isinstance(source, bytes):
        data, label = source, label or "fichier"
    else:
        path = Path(source)
        label = label or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            msg = f"{label} : fichier illisible ({exc.strerror or exc}) ; attendu : un fichier xlsx ou CSV existant."
            raise IndicatorError(msg) from exc
    without_value: list[str] = []
    for sheet, rows in _tables(data, label):
        header = _header_row(rows)
        if header is None:
            continue
        headers = [str(h or "").strip() for h in rows[header]]
        code = next(i for i, h in enumerate(headers) if _folded(h) in CODE_HEADERS)
        column = _value_column(headers, kind)
        if column is None:
            without_value.append(sheet or label)
            continue
        values = _values(rows[header + 1 :], code, column, _year_column(headers))
        if not values:
            msg = (
                f"{label} : aucune commune avec un chiffre dans la colonne « {headers[column]} » ; "
                "attendu : une ligne par commune."
            )
            raise IndicatorError(msg)
        return Indicator(kind, values, label, sheet, headers[column])
    if without_value:
        wanted = "« APL aux médecins généralistes »" if kind == SOURCE_APL else "« … sans médecin traitant »"
        msg = (
            f"{label} : pas de colonne {_kind_label(kind)} (attendu : une colonne {wanted} ; "
            "docs/formats.md, « Indicateurs de besoin »)."
        )
        raise IndicatorError(msg)
    msg = (
        f"{label} : pas de colonne de code commune (attendu : « Code commune INSEE », « code_commune » ou "
        f"« codgeo » dans les {MAX_HEADER_ROW} premières lignes) ; est-ce bien le fichier {_kind_label(kind)} ?"
    )
    raise IndicatorError(msg)


# --- Merging into a territory's communes.csv -----------------------------------------------------


@dataclass(frozen=True)
class MergeReport:
    """What `merge_indicators` did: how many communes of the territory got each real figure."""

    path: Path
    communes: int
    apl: int
    without_gp: int
    real: int  # communes whose need is now a real figure (either)


def communes_file(territory: str | Path) -> Path:
    """The communes.csv of a territory folder (as `planner data import` writes it), or the file itself.

    Raises
    ------
    IndicatorError
        A built-in territory (its files are not edited), or no communes file there.
    """
    path = Path(territory)
    if path.is_dir():
        path = path / "communes.csv"
    if path.is_file():
        return path
    from planner.inputs.territory import builtin_territories

    if str(territory) in builtin_territories():
        msg = (
            f"« {shown(territory)} » est un territoire intégré, dont les fichiers ne se modifient pas : créez "
            "d'abord votre dossier (planner data import --epci SIREN --name NOM), puis relancez sur ce dossier."
        )
    else:
        msg = f"« {shown(territory)} » : ni un dossier de territoire avec communes.csv, ni un fichier communes.csv."
    raise IndicatorError(msg)


def _cell_text(indicator: Indicator, insee: str) -> str:
    value = indicator.values[insee]
    return f"{value:g}" if indicator.kind == SOURCE_APL else str(round(value))


def merge_indicators(territory: str | Path, *indicators: Indicator) -> MergeReport:
    """Write the figures of ``indicators`` into the territory's communes.csv (`communes_file`): the
    ``apl`` and ``patients_without_gp`` columns of the communes the files cover (others keep theirs),
    and ``need_source`` of every row (docs/formats.md). Nothing is written when no commune matches.

    Raises
    ------
    IndicatorError
        No commune of the territory in one of the files (the wrong file, or another territory's).
    """
    import pandas as pd

    path = communes_file(territory)
    text = decode(path.read_bytes())
    delimiter = delimiter_of(text)  # a communes.csv saved by a French spreadsheet keeps its « ; »
    frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    if "insee" not in frame.columns or "population" not in frame.columns:
        msg = f"{path} : colonnes insee et population attendues (docs/formats.md) ; est-ce bien un communes.csv ?"
        raise IndicatorError(msg)
    codes = frame["insee"].str.strip().str.upper()
    matched = {}
    for indicator in indicators:
        hits = codes.isin(list(indicator.values))
        if not hits.any():
            departements = ", ".join(sorted({c[:2] for c in codes if c})[:6])
            msg = (
                f"{indicator.file} : aucune des {len(frame)} communes du territoire (départements {departements}) "
                f"n'y figure ({len(indicator.values)} communes lues) ; attendu : le fichier national, ou celui "
                "de ces départements."
            )
            raise IndicatorError(msg)
        matched[indicator.kind] = int(hits.sum())
        column = "apl" if indicator.kind == SOURCE_APL else "patients_without_gp"
        if column not in frame.columns:
            frame[column] = ""
        frame.loc[hits, column] = codes[hits].map(lambda c, i=indicator: _cell_text(i, c))
    sources = pd.Series(SOURCE_PROXY, index=frame.index)
    if "apl" in frame.columns:
        sources[frame["apl"].str.strip() != ""] = SOURCE_APL
    if "patients_without_gp" in frame.columns:
        sources[frame["patients_without_gp"].str.strip() != ""] = SOURCE_WITHOUT_GP
    frame["need_source"] = sources
    path.write_text(frame.to_csv(index=False, sep=delimiter, lineterminator="\n"), encoding="utf-8", newline="")
    return MergeReport(
        path,
        len(frame),
        matched.get(SOURCE_APL, 0),
        matched.get(SOURCE_WITHOUT_GP, 0),
        int((sources != SOURCE_PROXY).sum()),
    )


def add_need_figures(
    territory: str | Path,
    *,
    apl: str | Path | None = None,
    without_gp: str | Path | None = None,
    download: bool = False,
) -> tuple[MergeReport, list[str]]:
    """`planner data besoin`: read the files (or download the APL), merge them into the territory's
    communes.csv; returns the report and French notes (what was not downloaded and why).

    Raises
    ------
    IndicatorError
        Nothing to merge, a wrong territory (said before any download), or a wrong file.
    """
    communes_file(territory)
    if not (apl or without_gp or download):
        msg = "rien à fusionner ; donnez --apl FICHIER, --sans-medecin FICHIER ou --telecharger."
        raise IndicatorError(msg)
    indicators, notes = [], []
    if download:
        from planner.inputs.need_download import WITHOUT_GP_PAGE, download_apl

        indicators.append(download_apl())
        if not without_gp:
            notes.append(
                "Patients sans médecin traitant : l'Assurance maladie ne les publie que par département "
                f"({WITHOUT_GP_PAGE}) ; demandez le fichier par commune à votre CPAM et donnez-le avec --sans-medecin."
            )
    elif apl:
        indicators.append(read_indicator(apl, SOURCE_APL))
    if without_gp:
        indicators.append(read_indicator(without_gp, SOURCE_WITHOUT_GP))
    return merge_indicators(territory, *indicators), notes


def merge_report_fr(report: MergeReport) -> str:
    """The French lines `planner data besoin` prints."""
    lines = [
        f"{report.real} commune(s) sur {report.communes} ont un besoin réel ; "
        f"les {report.communes - report.real} autres gardent l'indicateur de substitution.",
        f"- APL aux médecins généralistes (DREES) : {report.apl} commune(s)",
        f"- patients sans médecin traitant (Assurance maladie) : {report.without_gp} commune(s)",
        f"- écrit dans {report.path}",
    ]
    return "\n".join(lines)
