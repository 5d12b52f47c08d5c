"""Tests of the need proxy (`planner.inputs.need_proxy`): unmet need, small near towns, larger far from
them, its assumptions and their plausible variants, in an import too."""

from __future__ import annotations

from dataclasses import asdict, fields

import numpy as np
import pytest

from planner.domain.geo import haversine_km
from planner.inputs.need_proxy import (
    DEFAULT_ASSUMPTIONS,
    PLAUSIBLE_RANGES,
    ProxyAssumptions,
    need_proxy,
    plausible_variants,
    remoteness_factor,
)


def test_need_proxy_is_small_at_a_town_and_grows_with_distance():
    """Same population, farther from a town: a larger proxy, from the near factor to the far one."""
    a = DEFAULT_ASSUMPTIONS
    near, mid, far, full, very_far = (need_proxy(1000, km) for km in (0, 10, 25, a.full_km, 80))
    assert near == pytest.approx(1000 * a.share_without_gp * a.near_factor)
    assert near < mid < far < full
    assert very_far == pytest.approx(full) == pytest.approx(1000 * a.share_without_gp * a.far_factor)
    assert near < 1000 * a.share_without_gp < full  # below the national share near care, above it far away


def test_need_proxy_is_per_inhabitant_and_takes_arrays():
    """Twice the population, twice the need; arrays give the same values as scalars."""
    km = np.array([0.0, 7.5, 40.0])
    values = need_proxy(np.array([100, 200, 300]), km)
    assert list(values) == pytest.approx([need_proxy(p, k) for p, k in zip((100, 200, 300), km)])
    assert need_proxy(200, 7.5) == pytest.approx(2 * need_proxy(100, 7.5))


def test_assumptions_change_the_proxy():
    """Each assumption moves the proxy the way its docstring says."""
    base = need_proxy(1000, 12.0)
    assert need_proxy(1000, 12.0, ProxyAssumptions(share_without_gp=0.13)) > base
    assert need_proxy(1000, 12.0, ProxyAssumptions(far_factor=2.5)) > base
    assert need_proxy(1000, 12.0, ProxyAssumptions(near_factor=0.25)) < base
    assert need_proxy(1000, 12.0, ProxyAssumptions(full_km=40.0)) < base  # farther to reach the far factor
    assert remoteness_factor(0, ProxyAssumptions(near_factor=0.75)) == pytest.approx(0.75)


@pytest.mark.parametrize(
    "values", [{"share_without_gp": 0}, {"full_km": 0}, {"near_factor": 3.0}, {"share_without_gp": 0.6}]
)
def test_impossible_assumptions_are_refused(values):
    with pytest.raises(ValueError, match="hypothèses du besoin estimé"):
        ProxyAssumptions(**values)


def test_plausible_variants_move_one_parameter_to_an_end_of_its_range():
    """Two variants per assumption, each differing from the defaults in that one field only, at an end."""
    variants = plausible_variants()
    assert len(variants) == 2 * len(fields(ProxyAssumptions))
    default = asdict(DEFAULT_ASSUMPTIONS)
    moved = set()
    for label, variant in variants.items():
        changed = {k: v for k, v in asdict(variant).items() if v != default[k]}
        assert len(changed) == 1, label
        ((name, value),) = changed.items()
        assert value in PLAUSIBLE_RANGES[name][:2]
        low, high, _ = PLAUSIBLE_RANGES[name]
        assert low < default[name] < high  # the default lies inside its plausible range
        moved.add((name, value))
    assert len(moved) == len(variants)


def test_nearest_town_distance_and_proxy_in_an_import(territory):
    """The town itself is 0 km away; of two equal communes the farther one gets the larger proxy."""
    assert territory.loc["76006", "nearest_town_km"] == 0
    alpha, far = territory.loc["76001"], territory.loc["76007"]
    expected = haversine_km(alpha["lat"], alpha["lon"], 49.02, 0.92)
    assert alpha["nearest_town_km"] == pytest.approx(expected, rel=1e-6)
    assert far["nearest_town_km"] > alpha["nearest_town_km"]
    assert far["need_proxy"] > alpha["need_proxy"]
    town = territory.loc["76006"]
    assert town["need_proxy"] == pytest.approx(need_proxy(town["population"], 0.0))
