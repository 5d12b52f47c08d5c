"""Need indicator files made for the tests in their publishers' layouts (docs/formats.md, « Indicateurs
de besoin »); the figures are invented.

- The DREES's APL workbook: a « Lisez-moi » sheet, then one sheet per year « APL 2022 », « APL 2023 »,
  each with 8 rows of title and notes, the header on row 9, a row of units under it, then one row per
  commune (code as text), and notes at the end.
- A CSV export of it (``;``, decimal commas, the title rows kept).
- The Assurance maladie's count of patients without a médecin traitant, as data.ameli.fr exports its
  tables: ``;``-separated, snake_case columns, one row per territory and year.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

APL_HEADER: list[object] = [
    "Code commune INSEE",
    "Commune",
    "APL aux médecins généralistes ",
    "APL aux médecins généralistes de 65 ans ou moins ",
    "APL aux médecins généralistes de 62 ans ou moins",
    "Population standardisée 2023 pour la médecine générale",
    "Population totale 2023",
]
TITLE_ROWS: list[list[object]] = [
    ["Indicateur d'accessibilité potentielle localisée (APL) aux médecins généralistes"],
    [],
    ["Millésime 2023"],
    ["Source : SNIIR-AM 2023, EGB 2023, CNAM ; populations 2021, distancier METRIC, Insee ; traitements Drees."],
    [],
    ["Champ : France entière, hors Mayotte."],
    ["Lecture : les habitants d'Ancourt ont accès à 2,1 consultations par an et par habitant."],
    [],
]
UNITS = "En nombre de consultations/visites accessibles par habitant standardisé"
UNITS_ROW: list[object] = [None, None, UNITS, None, None, None, None]


def apl_rows(apl: Mapping[str, float]) -> list[list[object]]:
    """One row per commune: the zoning's column (65 ans ou moins) holds ``apl``, the all-ages one 0.3 more."""
    return [[code, f"Commune {code}", value + 0.3, value, value - 0.2, 1000, 1000] for code, value in apl.items()]


def write_apl_xlsx(path: Path, apl: Mapping[str, float], older: Mapping[str, float] | None = None) -> Path:
    """The DREES's workbook: « Lisez-moi », « APL 2022 » (``older``), « APL 2023 » (``apl``)."""
    import openpyxl

    book = openpyxl.Workbook()
    readme = book.worksheets[0]
    readme.title = "Lisez-moi"
    readme.append(["Ce classeur présente l'APL aux médecins généralistes par commune."])
    for year, values in (("2022", older or {}), ("2023", apl)):
        sheet = book.create_sheet(f"APL {year}")
        for row in [*TITLE_ROWS, APL_HEADER, UNITS_ROW, *apl_rows(values), [], ["Note : NS = non significatif."]]:
            sheet.append(row)
    book.save(path)
    return path


def apl_csv_text(apl: Mapping[str, float]) -> str:
    """The same table as a French CSV export: ``;``, decimal commas, the title rows kept."""
    out = io.StringIO()
    for row in [*TITLE_ROWS, APL_HEADER, UNITS_ROW, *apl_rows(apl)]:
        cells = ["" if c is None else (f"{c:g}".replace(".", ",") if isinstance(c, float) else str(c)) for c in row]
        out.write(";".join(cells) + "\n")
    return out.getvalue()


WITHOUT_GP_HEADER = (
    "annee;code_commune;libelle_commune;nb_patients_sans_medecin_traitant;part_patients_sans_medecin_traitant"
)


def without_gp_csv_text(counts: Mapping[str, int | str], older: Mapping[str, int] | None = None) -> str:
    """data.ameli.fr's layout: one row per commune and year (``older`` for 2022, ``counts`` for 2023)."""
    lines = [WITHOUT_GP_HEADER]
    for year, values in (("2022", older or {}), ("2023", counts)):
        lines += [f"{year};{code};Commune {code};{n};12,5" for code, n in values.items()]
    return "\n".join(lines) + "\n"
