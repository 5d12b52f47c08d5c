"""The communes files of the built-in territories, made from the source by `planner data builtins`:
which intercommunalities each one takes and which communes it visits how often, and the extents of
every commune of France that `planner check` reads.

Each territory's choices (the Médicobus's stops, the Orne pilot's places, towns never visited) are
data here, each with its reason, apart from the import any territory goes through.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from planner.inputs.data_import import SourceData, import_territory, load_source, write_communes_csv
from planner.inputs.data_source import SourceError
from planner.inputs.need_proxy import TOWN_MIN_POPULATION

DIEPPE_EPCIS = ("247600786", "247600729", "247600588")  # Région Dieppoise, Falaises du Talou, Villes Sœurs
#: The Médicobus's six stops, visits per week (10 half-days a week in all). Saint-Vaast-d'Équiqueville
#: and Saint-Martin-le-Gaillard are stops reported in the press (2024); the four others are our
#: choice of rural communes, two of them in CC des Villes Sœurs as the real scheme has.
MEDICOBUS_STOPS = {
    "76652": 2,  # Saint-Vaast-d'Équiqueville (real stop), CC Falaises du Talou
    "76619": 1,  # Saint-Martin-le-Gaillard (real stop), CC Falaises du Talou
    "76472": 2,  # Notre-Dame-d'Aliermont, CC Falaises du Talou
    "76707": 2,  # Tourville-sur-Arques, CA de la Région Dieppoise
    "76374": 2,  # Incheville, CC des Villes Sœurs
    "76394": 1,  # Longroy, CC des Villes Sœurs
}
EVREUX_EPCI = "200071454"
VICHY_EPCI = "200071363"
ORNE_PILOT_EPCIS = ("200068443", "200068468", "200069458", "200068856", "200071520")
#: One consultation place per intercommunality of the Orne pilot: INSEE code -> visits per week.
#: Each is a small town far from larger ones (15-26 km), central in its intercommunality.
ORNE_PLACES: dict[str, float] = {
    "61324": 1,  # Passais Villages — CC Andaine-Passais
    "61167": 1,  # La Ferté-en-Ouche — CC des Pays de L'Aigle
    "61181": 1,  # Gacé — CC des Vallées d'Auge et du Merlerault
    "61230": 1,  # Longny les Villages — CC des Hauts du Perche
    "61145": 1,  # Domfront en Poiraie — CC Domfront Tinchebray Interco
}


def _visit_only(frame: pd.DataFrame, targets: Mapping[str, float], what: str) -> pd.DataFrame:
    """Set ``visits_per_week`` of ``targets`` and 0 (never visited) everywhere else."""
    missing = set(targets) - set(frame["insee"])
    if missing:
        msg = f"{what} absents du territoire : {sorted(missing)}"
        raise SourceError(msg)
    frame["visits_per_week"] = frame["insee"].map(targets).fillna(0)
    return frame


def _medicobus_dieppe(source: SourceData) -> pd.DataFrame:
    return _visit_only(import_territory(DIEPPE_EPCIS, source=source), MEDICOBUS_STOPS, "arrêts du Médicobus")


def _doctobus_evreux(source: SourceData) -> pd.DataFrame:
    frame = import_territory([EVREUX_EPCI], source=source)
    towns = frame["population"] >= TOWN_MIN_POPULATION
    frame["visits_per_week"] = np.where(towns, "0", "")
    return frame


def _mobilsante_vichy(source: SourceData) -> pd.DataFrame:
    return import_territory([VICHY_EPCI], source=source)


def _orne_solidarite(source: SourceData) -> pd.DataFrame:
    frame = import_territory(ORNE_PILOT_EPCIS, source=source)
    frame["priority"] = 1
    return _visit_only(frame, ORNE_PLACES, "lieux de consultation")


def _orne_departement(source: SourceData) -> pd.DataFrame:
    return import_territory(departement="61", source=source)


#: Built-in territories: name -> how its communes file is made from the source.
BUILTINS: dict[str, Callable[[SourceData], pd.DataFrame]] = {
    "medicobus-dieppe": _medicobus_dieppe,
    "doctobus-evreux": _doctobus_evreux,
    "mobilsante-vichy": _mobilsante_vichy,
    "orne-solidarite": _orne_solidarite,
    "orne-departement": _orne_departement,
}

#: Centre and extent of every commune of France (see `commune_extents`), beside the built-in files.
EXTENTS_FILE = "commune-extents.csv.gz"


def write_commune_extents(source: SourceData, path: str | Path) -> Path:
    """Write ``insee, lat, lon, km`` (`commune_extents`) of every commune with an outline, gzip-compressed
    (`planner check` reads it in 8 ms, where xz took 35 ms; no timestamp inside, so the same data
    gives the same file)."""
    frame = source.communes.dropna(subset=["extent_km"])
    out = pd.DataFrame(
        {
            "insee": frame["insee"],
            "lat": frame["extent_lat"].round(5),
            "lon": frame["extent_lon"].round(5),
            "km": frame["extent_km"].round(2),
        }
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as packed:
        packed.write(out.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path


def builtin_communes_dir() -> Path:
    """Where communes files are written by default (``planner data import|builtins`` without ``--out``):
    ``planner/data/communes`` of a source checkout, else the user's data folder, never the installed package
    (`planner.inputs.data_folders.writable_communes_dir`)."""
    from planner.inputs.data_folders import writable_communes_dir

    return writable_communes_dir()


def write_builtins(
    out_dir: str | Path | None = None,
    *,
    names: Sequence[str] | None = None,
    source_dir: str | Path | None = None,
) -> dict[str, pd.DataFrame]:
    """Regenerate the built-in communes files (all, or ``names``) into ``out_dir`` (default: the built-in
    folder); regenerating all of them writes `EXTENTS_FILE` too."""
    unknown = [n for n in names or () if n not in BUILTINS]
    if unknown:
        msg = f"Territoire(s) intégré(s) inconnu(s) : {', '.join(unknown)} (connus : {', '.join(BUILTINS)})."
        raise SourceError(msg)
    out_dir = Path(out_dir) if out_dir is not None else builtin_communes_dir()
    source = load_source(source_dir)
    frames = {}
    for name in names or BUILTINS:
        frames[name] = BUILTINS[name](source)
        write_communes_csv(frames[name], out_dir / f"{name}.csv")
    if not names:
        write_commune_extents(source, out_dir / EXTENTS_FILE)
    return frames
