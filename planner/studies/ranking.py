"""Ranking a region's territories by the unmet need one unit serves there, among residents far from care.

The criterion, stated in every output (docs/studies.md, « Le classement »): the **priority index**,
people = the unmet need one unit serves in the territory (from its plan, `TerritoryNeed.need_served`) ×
the share of the territory's residents far from care (`TerritoryNeed.share_far`). A territory where one
unit serves suburbs a few km from a town's practices scores near zero however populous it is; ties go to
the need served, then the share, then the code. Neither raw population nor any list of known priority
zones enters it (a region study may label those, after ranking).

**Sensitivity**: the territories are ranked again under each variant of the assumptions
(`planner.studies.priority.sensitivity_variants`); a rank that moves by `SENSITIVE_PLACES` places or
more, or into or out of the first `TOP`, under any variant is marked « rang sensible » with those
variants, and every rank gets its min–max over the variants. Failed territories come last, unranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planner.domain.french import number_fr
from planner.inputs.need_proxy import TOWN_MIN_POPULATION
from planner.studies.figures import COLUMNS, OK
from planner.studies.priority import BASELINE, FAR_FROM_CARE_KM, TerritoryNeed, Weights

#: A rank is sensitive when a variant moves it by this many places or more…
SENSITIVE_PLACES = 3
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
    "sensitive": "rang sensible (variantes qui le déplacent)",
    "rank_range": "rang min–max (variantes)",
    "need_basis": "besoin",
    "pilot": "repère : pilote 2025 (hors classement)",
} | {k: v for k, v in COLUMNS.items() if k not in ("scenario", "territory", "title")}

#: The columns a failed territory leaves empty.
_RANKED_KEYS = ("rank", "priority_index", "need_served_per_unit", "share_far", "sensitive", "rank_range", "need_basis")


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


@dataclass(frozen=True)
class Sensitivity:
    """How a territory's rank moves under the variants: those that move it much, and its min and max."""

    moved_by: tuple[str, ...]
    lowest: int
    highest: int


def sensitivity(needs: Mapping[str, TerritoryNeed], variants: Mapping[str, Weights]) -> dict[str, Sensitivity]:
    """Each territory's `Sensitivity` to ``variants`` (French label → weights), against the baseline."""
    base = ranks(needs)
    moved: dict[str, list[str]] = {key: [] for key in base}
    lowest, highest = dict(base), dict(base)
    for label, weights in variants.items():
        for key, rank in ranks(needs, weights).items():
            lowest[key], highest[key] = min(lowest[key], rank), max(highest[key], rank)
            if abs(rank - base[key]) >= SENSITIVE_PLACES or (rank <= TOP) != (base[key] <= TOP):
                moved[key].append(label)
    return {key: Sensitivity(tuple(moved[key]), lowest[key], highest[key]) for key in base}


def need_basis(need: TerritoryNeed) -> str:
    """Which communes' need is a real figure and which the proxy, in French."""
    proxy, total = need.proxy_communes, len(need.communes)
    if proxy == 0:
        return "chiffres réels"
    if proxy == total:
        return "indicateur de substitution"
    return f"indicateur de substitution pour {proxy} commune(s) sur {total}"


def rank_territories(
    rows: Iterable[dict[str, Any]], needs: Mapping[str, TerritoryNeed], variants: Mapping[str, Weights]
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
    base, moves = ranks(kept), sensitivity(kept, variants)
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
                "rank_range": f"{move.lowest}–{move.highest}",
                "need_basis": need_basis(kept[key]),
            }
        )
    return ranked + sorted(failed, key=lambda r: str(r["territory"]))
