"""The region ranking (planner.studies.ranking): a stated criterion that puts a rural territory far from
care before a populous one near a town, the sensitivity of the ranks to the assumptions, no list of
priority zones in it."""

from __future__ import annotations

import inspect

from planner.studies import priority, ranking
from planner.studies.figures import OK
from planner.studies.priority import distance_variants, proxy_variants
from planner.studies.ranking import CRITERION, RANKING_COLUMNS, TOP, rank_territories, ranks
from planner.studies.region import PRIORITY_EPCIS
from tests.support.region_needs import commune, one_commune, territory


def _rows(needs, failed=()):
    rows = [{"territory": key, "title": f"CC {key} (exemple)", "status": OK, "units": 1} for key in needs]
    return rows + [{"territory": key, "title": key, "status": "échec : test"} for key in failed]


def test_a_rural_territory_far_from_care_ranks_before_a_populous_one_near_a_town() -> None:
    """The city-like territory has the larger need served (population would put it first); the criterion
    does not, because nobody there lives far from care."""
    city = territory("ville", *(commune(f"1400{i}", 4_000, 3.0) for i in range(5)), commune("14010", 60_000, 0.0))
    rural = territory("rural", *(commune(f"6100{i}", 800, 25.0) for i in range(5)))
    needs = {"ville": city, "rural": rural}
    assert city.need_served() > rural.need_served()
    assert city.share_far() == 0 and rural.share_far() == 1
    result = rank_territories(_rows(needs, failed=["cassee"]), needs, proxy_variants(), distance_variants())
    assert [r["territory"] for r in result] == ["rural", "ville", "cassee"]
    assert [r["rank"] for r in result] == [1, 2, ""]
    first = result[0]
    assert first["priority_index"] == round(rural.need_served()) and first["share_far"] == 100.0
    assert first["need_basis"] == "indicateur de substitution"
    assert result[2]["priority_index"] == "" and result[2]["sensitive"] == ""


def _borderline_region():
    """Nine territories well ahead, a borderline pair around the 10th place, two well behind.

    A (rank 10) is 12 km from a town, B (rank 11) 30 km: moving the proxy's factor near a town or the
    distance "far from care" swaps them across the top ten, and moves nobody else much."""
    needs = {f"haut{i}": one_commune(f"haut{i}", i, 4_000 - 250 * i, 30.0) for i in range(9)}
    b_population = 600
    a_population = round(1.02 * b_population * 2.0 / 1.1)  # index of A 2 % above B's
    needs["A"] = one_commune("A", 20, a_population, 12.0)
    needs["B"] = one_commune("B", 21, b_population, 30.0)
    needs |= {f"bas{i}": one_commune(f"bas{i}", 30 + i, 300 - 50 * i, 30.0) for i in range(2)}
    return needs


def test_a_borderline_pair_is_marked_sensitive_and_clear_ranks_are_not() -> None:
    needs = _borderline_region()
    result = {r["territory"]: r for r in rank_territories(_rows(needs), needs, proxy_variants(), distance_variants())}
    assert (result["A"]["rank"], result["B"]["rank"]) == (TOP, TOP + 1)
    moved_a, moved_b = result["A"]["sensitive"], result["B"]["sensitive"]
    assert any(label.startswith("facteur près") for label in moved_a.split("; "))
    assert moved_b  # B enters the top ten under the same variants
    assert f"15 km : {len(needs)}" in result["A"]["rank_by_distance"]  # A's commune is no longer far from care
    assert result["A"]["moved_by_distance"] and not result["haut0"]["moved_by_distance"]
    assert result["A"]["rank_range"] == f"{TOP}–{len(needs)}"
    for key in [k for k in needs if k.startswith(("haut", "bas"))]:
        assert result[key]["sensitive"] == "", key


def test_real_figures_keep_their_need_under_every_variant_and_the_proxy_s_move() -> None:
    real = territory("reel", commune("50001", 1_000, 25.0, real_need=400.0))
    estimated = territory("estime", commune("50002", 1_000, 25.0))
    for label, weights in (proxy_variants() | distance_variants()).items():
        assert real.need_served(weights) == 400.0, label
        if weights.proxy != priority.DEFAULT_ASSUMPTIONS:
            assert estimated.need_served(weights) != estimated.need_served(), label


def test_the_need_served_counts_the_visits_the_plan_gives_pro_rata_of_the_target() -> None:
    half = territory("demi", commune("27001", 1_000, 20.0, served=0.5), commune("27002", 1_000, 20.0, served=0.0))
    assert half.need_served() == 0.5 * half.communes[0].need


def test_no_list_of_priority_zones_enters_the_ranking() -> None:
    """The ranking's modules never name the pilot's list, and a territory's rank does not change when its
    code is one of the pilot's."""
    for module in (ranking, priority):
        assert "PRIORITY_EPCIS" not in inspect.getsource(module)
    needs = _borderline_region()
    before = ranks(needs)
    pilot = next(iter(PRIORITY_EPCIS))
    renamed = {pilot if key == "bas1" else key: need for key, need in needs.items()}
    assert ranks(renamed)[pilot] == before["bas1"]


def test_the_criterion_is_stated_in_the_table_header() -> None:
    headers = " ".join(RANKING_COLUMNS.values())
    assert "indice de priorité = besoin servi × part éloignée" in headers
    assert "rang sensible" in headers and "rang min–max" in headers
    assert "part des habitants" in CRITERION and "10 km" in CRITERION
