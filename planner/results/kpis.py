"""Key figures of a plan, and which communes got fewer visits than their target.

Computed from the dated tours only (not from solver bookkeeping), so a re-planned or hand-edited
plan gets the same figures as a freshly solved one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from planner.domain.calendar import closed_dates
from planner.domain.instance import Commune, Instance
from planner.domain.plan import Shift, Tour, Unserved
from planner.domain.travel_matrix import TravelMatrix

#: kg of CO₂ per km for a light-duty diesel vehicle (assumption, ADEME order of magnitude).
CO2_KG_PER_KM = 0.25
#: A visit counts as regular within this many minutes of the commune's usual start time.
REGULAR_START_TOLERANCE = 30


def compute_kpis(
    instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift], travel: TravelMatrix, *, uncrewed: int = 0
) -> dict[str, float]:
    """Every KPI of docs/architecture.md (results), per week of the horizon where it is a flow.

    ``uncrewed`` is the number of tours dropped for want of a crew (the tours no longer say it).
    """
    weeks = instance.rules.weeks
    sessions = [(t, s) for t in tours for s in t.sessions]
    visits = Counter(s.insee for _, s in sessions)
    candidates = [c for c in instance.communes if c.visits_per_week > 0]
    target = sum(c.need * c.visits_per_week for c in candidates)
    served = sum(c.need * min(visits[c.insee] / weeks, c.visits_per_week) for c in candidates)
    drive_km = sum(t.drive_km for t in tours)
    within = _population_within(instance, set(visits), travel)
    return {
        "sessions_per_week": round(len(sessions) / weeks, 2),
        "consultation_hours_per_week": round(sum(s.end - s.start for _, s in sessions) / 60 / weeks, 2),
        "need_served_share": round(served / target, 4) if target else 1.0,
        "communes_served": len(visits),
        "communes_left_out": sum(1 for c in candidates if visits[c.insee] == 0),
        "population_within_15min": within[15],
        "population_within_30min": within[30],
        "drive_minutes_per_week": round(sum(t.drive_minutes for t in tours) / weeks, 1),
        "drive_km_per_week": round(drive_km / weeks, 1),
        "co2_kg_per_week": round(drive_km * CO2_KG_PER_KM / weeks, 1),
        "regularity": regularity(tours, instance),
        "shifts": len(shifts),
        "uncrewed_tours": uncrewed,
    }


def regularity(tours: Iterable[Tour], instance: Instance) -> float:
    """Share of visits in one of their commune's usual weekly slots (weekday, start time ± 30 min).

    A commune visited k times a week has k usual slots: its k most frequent (weekday, start) pairs.
    """
    starts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for t in tours:
        for s in t.sessions:
            starts[s.insee].append((t.date.weekday(), s.start))
    regular = total = 0
    for insee, items in starts.items():
        per_week = max(1, round(instance.commune(insee).visits_per_week))
        usual = [slot for slot, _ in Counter(items).most_common(per_week)]
        regular += sum(1 for d, m in items if any(d == ud and abs(m - um) <= REGULAR_START_TOLERANCE for ud, um in usual))
        total += len(items)
    return round(regular / total, 4) if total else 1.0


def _population_within(instance: Instance, served: set[str], travel: TravelMatrix) -> dict[int, int]:
    """Population whose town hall is within 15 / 30 minutes' drive of a commune with a stop.

    Every commune of the territory counts, not only those in the travel matrix: the homes × stops
    rectangle comes from the matrix's own source (`TravelMatrix.minutes_between`).
    """
    if not served:
        return {15: 0, 30: 0}
    homes = [c.site.point for c in instance.communes]
    stops = [instance.commune(i).site.point for i in sorted(served)]
    nearest = travel.minutes_between(homes, stops).min(axis=1)
    population = np.array([c.population for c in instance.communes])
    return {limit: int(population[nearest <= limit].sum()) for limit in (15, 30)}


def unserved_communes(
    instance: Instance, tours: Sequence[Tour], reasons: Mapping[str, str] | None = None
) -> list[Unserved]:
    """Communes below their target number of visits over the horizon, and why.

    ``reasons`` (by INSEE code) are the planner's own explanations; otherwise a generic one is given.
    """
    reasons = reasons or {}
    rules = instance.rules
    visits = Counter(s.insee for t in tours for s in t.sessions)
    closed = closed_dates(rules)
    result = []
    for c in instance.communes:
        if c.visits_per_week <= 0:
            continue
        target = c.visits_per_week * rules.weeks
        planned = visits[c.insee]
        if planned >= int(target + 1e-9) or (c.visits_per_week < 1 and planned >= int(target)):
            continue
        if c.insee in reasons:
            reason = reasons[c.insee]
        elif planned == 0:
            reason = (
                "priorité moindre : les créneaux disponibles sont allés à des communes au besoin plus élevé"
                " (ou aucun créneau compatible : jours d'ouverture, distance, unité)"
            )
        elif closed:
            reason = "jours fériés ou fermetures pendant l'horizon"
        else:
            reason = "capacité insuffisante pour la fréquence visée"
        result.append(Unserved(c.insee, c.name, round(target, 2), planned, reason))
    return result


def not_targeted(instance: Instance, tours: Sequence[Tour]) -> list[Commune]:
    """Communes with a target of 0 visits and none planned: never visited, by the coordinator's choice.

    They are not left out (`unserved_communes` skips them), but a reader looking for a commune among
    those served or left out must find it somewhere, with that reason.
    """
    visited = {s.insee for t in tours for s in t.sessions}
    return [c for c in instance.communes if c.visits_per_week <= 0 and c.insee not in visited]
