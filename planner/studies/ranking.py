"""Ranking a region's territories by what one unit brings there.

First the need served per unit (people without a regular doctor, pro rata of the visits they get),
then the people brought within 15 minutes of a weekly stop per unit, then the territory's code.
Territories that failed come last, unranked, with their reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from planner.studies.figures import COLUMNS, OK

RANKING_COLUMNS: dict[str, str] = {
    "rank": "rang",
    "territory": "code",
    "title": "intercommunalité",
    "need_served_per_unit": "besoin servi par unité (personnes)",
    "within15_per_unit": "habitants à 15 min d'un arrêt, par unité",
} | {k: v for k, v in COLUMNS.items() if k not in ("scenario", "territory", "title")}


def rank_territories(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their rank and per-unit figures, best first; failures last, without a rank."""
    planned, failed = [], []
    for row in rows:
        if row.get("status") != OK:
            failed.append(row | {"rank": "", "need_served_per_unit": "", "within15_per_unit": ""})
            continue
        units = max(int(row["units"]), 1)
        planned.append(
            row
            | {
                "need_served_per_unit": round(row["need_served_people"] / units),
                "within15_per_unit": round(row["population_within_15min"] / units),
            }
        )
    planned.sort(key=lambda r: (-r["need_served_per_unit"], -r["within15_per_unit"], str(r["territory"])))
    ranked = [row | {"rank": index} for index, row in enumerate(planned, start=1)]
    return ranked + sorted(failed, key=lambda r: str(r["territory"]))
