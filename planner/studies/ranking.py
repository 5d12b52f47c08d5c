"""Ranking a region's territories by the unmet need one unit serves there, among residents far from care.

The criterion, stated in every output (docs/studies.md, « Le classement »): the **priority index**,
people = the unmet need one unit serves in the territory (from its plan, `TerritoryNeed.need_served`) ×
the share of the territory's residents far from care (`TerritoryNeed.share_far`). A territory where one
unit serves suburbs a few km from a town's practices scores near zero however populous it is; ties go to
the need served, then the share, then the code. Neither raw population nor any list of known priority
zones enters it (a region study may label those, after ranking).

**Sensitivity**: the territories are ranked again under each variant of the need proxy's assumptions
(`planner.studies.priority.proxy_variants`); a rank that moves by `sensitive_places` places or more, or
into or out of the first `TOP`, under any variant is marked « rang sensible » with those variants. The
criterion's own threshold, the distance "far from care", is varied too (`distance_variants`), and the
rank under each end of its range shown in a column of its own: a hard threshold moves many ranks, and a
reader should see how much rather than find every territory marked. Every rank gets its min–max over
all the variants. Failed territories come last, unranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planner.domain.french import number_fr
from planner.inputs.need_proxy import TOWN_MIN_POPULATION
from planner.studies.figures import COLUMNS, OK
from planner.studies.priority import BASELINE, FAR_FROM_CARE_KM, TerritoryNeed, Weights

#: A rank is sensitive when a variant moves it by this many places or more (or `SENSITIVE_SHARE` of the
#: ranked territories when that is more: 4 of Normandy's 71, 62 of France's 1,250)…
SENSITIVE_PLACES = 3
SENSITIVE_SHARE = 0.05
#: … or moves it into or out of the first ``TOP``.
TOP = 10

CRITERION = (
    "indice de priorité = besoin non couvert qu'une unité servirait (personnes, d'après son plan) × part des "
    f"habitants éloignés des soins (commune à plus de {FAR_FROM_CARE_KM:g} km à vol d'oiseau d'une ville de "
    f"{number_fr(TOWN_MIN_POPULATION, 0)} habitants ou plus)"
)

RANKING_COLUMNS: dict[str, str] = {
    "rank": "rang (indice de priorité)",
    "territory": "code",
    "title": "intercommunalité",
    "priority_index": "indice de priorité = besoin servi × part éloignée (personnes)",
    "need_served_per_unit": "besoin non couvert servi par une unité (personnes)",
    "share_far": f"part des habitants à plus de {FAR_FROM_CARE_KM:g} km d'une ville (%)",
    "sensitive": "rang sensible (variantes du besoin estimé qui le déplacent)",
    "rank_by_distance": "rang selon la distance « éloigné des soins »",
    "rank_range": "rang min–max (toutes les variantes)",
    "need_basis": "besoin",
    "pilot": "repère : pilote 2025 (hors classement)",
} | {k: v for k, v in COLUMNS.items() if k not in ("scenario", "territory", "title")}

#: The columns a failed territory leaves empty.
_RANKED_KEYS = (
    "rank", "priority_index", "need_served_per_unit", "share_far", "sensitive", "rank_by_distance", "rank_range",
    "need_basis",
)  # fmt: skip


@dataclass(frozen=True)
class Score:
    """A territory's figures under one set of assumptions."""

    need_served: float
    share_far: float

    @property
    def index(self) -> float:
        return self.need_served * self.share_far


def score(need: TerritoryNeed, weights: Weights = BASELINE) -> Score:
    return Score(need.need_served(weights), need.share_far(weights))


def ranks(needs: Mapping[str, TerritoryNeed], weights: Weights = BASELINE) -> dict[str, int]:
    """Each territory's rank (1 = first) by the priority index under ``weights`` (module doc)."""
    scores = {key: score(need, weights) for key, need in needs.items()}
    order = sorted(scores, key=lambda k: (-scores[k].index, -scores[k].need_served, -scores[k].share_far, k))
    return {key: rank for rank, key in enumerate(order, start=1)}


def sensitive_places(ranked: int) -> int:
    """How many places a variant must move a rank for it to be sensitive, among ``ranked`` territories."""
    return max(SENSITIVE_PLACES, round(SENSITIVE_SHARE * ranked))


@dataclass(frozen=True)
class Sensitivity:
    """How a territory's rank moves: the proxy's variants that move it much, its rank at each distance "far
    from care" varied (``("7 km", 12)``), and its min and max under all the variants."""

    moved_by: tuple[str, ...]
    by_distance: tuple[tuple[str, int], ...]
    lowest: int
    highest: int
    moved_by_distance: bool = False


def sensitivity(
    needs: Mapping[str, TerritoryNeed], proxy: Mapping[str, Weights], distance: Mapping[str, Weights]
) -> dict[str, Sensitivity]:
    """Each territory's `Sensitivity` to the ``proxy`` and ``distance`` variants (French label → weights)."""
    base = ranks(needs)
    places = sensitive_places(len(base))
    moved: dict[str, list[str]] = {key: [] for key in base}
    at_distance: dict[str, list[tuple[str, int]]] = {key: [] for key in base}
    lowest, highest = dict(base), dict(base)
    for label, weights in [*proxy.items(), *distance.items()]:
        for key, rank in ranks(needs, weights).items():
            lowest[key], highest[key] = min(lowest[key], rank), max(highest[key], rank)
            if label in distance:
                at_distance[key].append((f"{weights.far_km:g} km", rank))
            elif abs(rank - base[key]) >= places or (rank <= TOP) != (base[key] <= TOP):
                moved[key].append(label)
    return {
        key: Sensitivity(
            tuple(moved[key]),
            tuple(at_distance[key]),
            lowest[key],
            highest[key],
            any(abs(rank - base[key]) >= places for _, rank in at_distance[key]),
        )
        for key in base
    }


def need_basis(need: TerritoryNeed) -> str:
    """Which communes' need is a real figure and which the proxy, in French."""
    proxy, total = need.proxy_communes, len(need.communes)
    if proxy == 0:
        return "chiffres réels"
    if proxy == total:
        return "indicateur de substitution"
    return f"indicateur de substitution pour {proxy} commune(s) sur {total}"


def rank_territories(
    rows: Iterable[dict[str, Any]],
    needs: Mapping[str, TerritoryNeed],
    proxy: Mapping[str, Weights],
    distance: Mapping[str, Weights],
) -> list[dict[str, Any]]:
    """The rows with their rank, criterion figures and sensitivity, best first; failures (and territories
    without their communes in ``needs``) last, without a rank."""
    planned, failed = {}, []
    for row in rows:
        key = str(row["territory"])
        if row.get("status") == OK and key in needs:
            planned[key] = row
        else:
            failed.append(row | dict.fromkeys(_RANKED_KEYS, ""))
    kept = {key: needs[key] for key in planned}
    base, moves = ranks(kept), sensitivity(kept, proxy, distance)
    ranked = []
    for key in sorted(planned, key=base.__getitem__):
        figures, move = score(kept[key]), moves[key]
        ranked.append(
            planned[key]
            | {
                "rank": base[key],
                "priority_index": round(figures.index),
                "need_served_per_unit": round(figures.need_served),
                "share_far": round(100 * figures.share_far, 1),
                "sensitive": "; ".join(move.moved_by),
                "rank_by_distance": " ; ".join(f"{km} : {rank}" for km, rank in move.by_distance),
                "rank_range": f"{move.lowest}–{move.highest}",
                "moved_by_distance": move.moved_by_distance,  # for the summary, not a column
                "need_basis": need_basis(kept[key]),
            }
        )
    return ranked + sorted(failed, key=lambda r: str(r["territory"]))
