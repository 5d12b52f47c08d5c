"""What the ranking weighs per territory (planner.studies.priority): the need served re-weighed under a
variant of the proxy, the share far from care, the distances a communes file leaves out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.inputs.need_proxy import plausible_variants
from planner.studies.priority import FAR_FROM_CARE_KM, Weights, distance_variants, proxy_variants, with_town_km
from tests.support.region_needs import commune, territory


def test_every_proxy_variant_and_both_ends_of_the_distance_far_from_care_are_studied() -> None:
    assert set(plausible_variants()) == set(proxy_variants())
    assert all(w.far_km == FAR_FROM_CARE_KM for w in proxy_variants().values())
    distances = sorted(w.far_km for w in distance_variants().values())
    assert distances[0] < FAR_FROM_CARE_KM < distances[-1]


def test_the_share_far_from_care_counts_residents_by_their_commune_distance() -> None:
    mixed = territory("mixte", commune("61001", 3_000, 4.0), commune("61002", 1_000, 18.0))
    assert mixed.share_far() == pytest.approx(0.25)
    assert mixed.share_far(Weights(far_km=20.0)) == 0.0


def test_a_variant_of_the_proxy_recomputes_the_need_of_proxy_communes_only() -> None:
    far = territory("loin", commune("61003", 1_000, 30.0))
    variant = next(w for label, w in plausible_variants().items() if label.startswith("facteur loin"))
    assert far.need_served(Weights(proxy=variant)) == pytest.approx(
        1_000 * variant.share_without_gp * variant.far_factor
    )


def test_missing_distances_are_computed_from_the_region_s_own_towns() -> None:
    town = replace(commune("76001", 8_000, None), lat=49.0, lon=1.0)
    village = replace(commune("76002", 300, None), lat=49.1, lon=1.0)  # 11 km north of the town
    filled = with_town_km({"a": territory("a", town), "b": territory("b", village)})
    assert filled["a"].communes[0].town_km == 0.0
    assert filled["b"].communes[0].town_km == pytest.approx(11.1, abs=0.1)
