"""Tests of the need proxy (`planner.inputs.need_proxy`): larger far from towns, in an import too."""

from __future__ import annotations

import pytest

from planner.domain.geo import haversine_km
from planner.inputs.need_proxy import SHARE_WITHOUT_GP, need_proxy


def test_need_proxy_increases_with_remoteness():
    """Same population, farther from a town: a larger proxy, up to twice the national share."""
    near, mid, far, very_far = (need_proxy(1000, km) for km in (0, 10, 25, 80))
    assert near == pytest.approx(1000 * SHARE_WITHOUT_GP)
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
