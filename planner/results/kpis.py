"""Key figures of a plan, and which communes got fewer visits than their target.

Computed from the dated tours only (not from solver bookkeeping), so a re-planned or hand-edited
plan gets the same figures as a freshly solved one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from planner.crews.far_shifts import far_shifts, start_km
from planner.domain.calendar import closed_dates
from planner.domain.instance import Commune, Instance, UnitKind
from planner.domain.plan import Shift, Tour, Unserved
from planner.domain.travel_matrix import TravelMatrix
from planner.results.inversions import below_target, inversions, priority_swaps
from planner.results.staff_load import continuity_share, preferences_met
from planner.tours.catchment import Catchment, catchment_of, catchments

#: kg of CO₂ per km for a light-duty diesel vehicle (assumption, ADEME order of magnitude).
CO2_KG_PER_KM = 0.25
#: A visit counts as regular within this many minutes of the commune's usual start time.
REGULAR_START_TOLERANCE = 30
# KPI ``far_shifts`` counts the shifts starting more than `planner.crews.far_shifts.FAR_SHIFT_KM`
# (15 km, straight line) farther from home than the person's nearest place. The constant lives with
# the reasons given for each such shift, so that the figure and the list of reasons always agree.


@dataclass(frozen=True)
class Targets:
    """What a plan should serve: each commune's bus visits a week (``visits``), and each fixed
    place's sessions a week with the communes whose residents go there (``places``,
    `planner.tours.catchment`)."""

    visits: Mapping[str, float]
    places: Mapping[str, Catchment]

    @cached_property
    def per_week(self) -> dict[str, float]:
        """Every target a week by INSEE code: a commune's bus visits, a fixed place's sessions."""
        return dict(self.visits) | {p: c.sessions_per_week for p, c in self.places.items()}

    @classmethod
    def of(cls, instance: Instance, travel: TravelMatrix) -> Targets:
        return cls.from_catchments(instance, catchments(instance, travel))

    @classmethod
    def from_catchments(cls, instance: Instance, places: Mapping[str, Catchment]) -> Targets:
        """The targets when the fixed places' catchments are already known (planning computes them)."""
        members = catchment_of(places)
        visits = {
            c.insee: c.visits_per_week for c in instance.communes if c.visits_per_week > 0 and c.insee not in members
        }
        return cls(visits, places)


@dataclass(frozen=True)
class NeedShares:
    """The share of need a plan serves, and of the priority zones' need (``None`` without
    priority-zone targets), unrounded: what a pass that moves sessions says it changed."""

    need: float
    priority: float | None


def need_shares(instance: Instance, tours: Sequence[Tour], targets: Targets) -> NeedShares:
    """The KPIs ``need_served_share`` and ``priority_need_served_share`` of ``tours``, unrounded."""
    return _shares(instance, targets, *_visits(instance, tours))


def _shares(instance: Instance, targets: Targets, bus_visits: Counter, place_sessions: Counter) -> NeedShares:
    target, served = _need(instance, targets, bus_visits, place_sessions, lambda c: True)
    priority_target, priority_served = _need(instance, targets, bus_visits, place_sessions, lambda c: c.priority)
    return NeedShares(
        served / target if target else 1.0, priority_served / priority_target if priority_target else None
    )


def compute_kpis(
    instance: Instance,
    tours: Sequence[Tour],
    shifts: Sequence[Shift],
    travel: TravelMatrix,
    *,
    uncrewed: int = 0,
    targets: Targets | None = None,
) -> dict[str, float]:
    """Every KPI of docs/architecture.md (results), per week of the horizon where it is a flow.

    A commune in a fixed place's catchment counts with its whole need, served in proportion to the
    place's sessions against its target (capped at all of it); other communes with their bus
    visits against their target frequency. ``uncrewed`` is the number of tours dropped for want of
    a crew (the tours no longer say it). ``targets`` (`Targets.of` when not given) are computed once
    by the caller that also needs them."""
    weeks = instance.rules.weeks
    targets = targets or Targets.of(instance, travel)
    sessions = [(t, s) for t in tours for s in t.sessions]
    bus_visits, place_sessions = _visits(instance, tours)
    shares = _shares(instance, targets, bus_visits, place_sessions)
    reached = {i for i in targets.visits if bus_visits[i]}
    reached |= {i for p, c in targets.places.items() if place_sessions[p] for i in c.communes}
    candidates = set(targets.visits) | {i for c in targets.places.values() for i in c.communes}
    drive_km = sum(t.drive_km for t in tours)
    within = _population_within(instance, {s.insee for _, s in sessions}, travel)
    return (
        {
            "sessions_per_week": round(len(sessions) / weeks, 2),
            "consultation_hours_per_week": round(sum(s.end - s.start for _, s in sessions) / 60 / weeks, 2),
            "need_served_share": round(shares.need, 4),
            **({"priority_need_served_share": round(shares.priority, 4)} if shares.priority is not None else {}),
            "communes_served": len(reached | {i for i in bus_visits if bus_visits[i]}),
            "communes_left_out": len(candidates - reached),
            "population_within_15min": within[15],
            "population_within_30min": within[30],
            "drive_minutes_per_week": round(sum(t.drive_minutes for t in tours) / weeks, 1),
            "drive_km_per_week": round(drive_km / weeks, 1),
            "co2_kg_per_week": round(drive_km * CO2_KG_PER_KM / weeks, 1),
            "regularity": regularity(tours, instance),
            "shifts": len(shifts),
            "uncrewed_tours": uncrewed,
        }
        | _home_km(instance, tours, shifts)
        | _staff_kpis(instance, tours, shifts)
        | _inversions(instance, tours, travel, targets)
    )


def _staff_kpis(instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift]) -> dict[str, float]:
    """Continuity of care and preferences met (the staff objectives), for a plan with shifts."""
    if not shifts:
        return {}
    kpis = {"continuity_share": round(continuity_share(tours, shifts), 4)}
    met = preferences_met(instance, tours, shifts)
    if met is not None:
        kpis["preferences_met_share"] = round(met, 4)
    return kpis


def _inversions(instance: Instance, tours: Sequence[Tour], travel: TravelMatrix, targets: Targets) -> dict[str, float]:
    """Priority communes left below target while a session they could take serves less need
    (`planner.results.inversions`); only for territories with priority zones served by buses."""
    if not any(instance.commune(i).priority for i in targets.visits):
        return {}
    return {"inversions": inversions(priority_swaps(instance, tours, travel, targets.visits))}


def _home_km(instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift]) -> dict[str, float]:
    """Median and longest straight-line km from home to where a shift starts (a bus's depot, a fixed
    place's session), over the on-site shifts of people whose home is known; and how many of them
    start far (`far_shifts`: more than `FAR_SHIFT_KM` farther than the person's nearest place)."""
    by_key = {t.key: t for t in tours}
    people = {p.id: p for p in instance.staff}
    km = []
    for s in shifts:
        if s.remote or s.tour_key not in by_key or s.staff_id not in people:
            continue
        value = start_km(instance, people[s.staff_id], s, by_key[s.tour_key])
        if value is not None:
            km.append(value)
    if not km:
        return {}
    return {
        "home_km_median": round(float(np.median(km)), 1),
        "home_km_max": round(max(km), 1),
        "far_shifts": len(far_shifts(instance, tours, shifts)),
    }


def _need(
    instance: Instance, targets: Targets, bus_visits: Counter, place_sessions: Counter, keep
) -> tuple[float, float]:
    """(target, served) need of the communes ``keep`` selects: bus visits against each commune's
    target, a catchment's communes in proportion to their place's sessions against its target."""
    weeks = instance.rules.weeks
    target = served = 0.0
    for insee, per_week in targets.visits.items():
        c = instance.commune(insee)
        if keep(c):
            target += c.need * per_week
            served += c.need * min(bus_visits[insee] / weeks, per_week)
    for place, catchment in targets.places.items():
        share = min(1.0, place_sessions[place] / (catchment.sessions_per_week * weeks))
        for c in (instance.commune(i) for i in catchment.communes):
            if keep(c):
                target += c.need
                served += c.need * share
    return target, served


def _visits(instance: Instance, tours: Iterable[Tour]) -> tuple[Counter[str], Counter[str]]:
    """Bus visits by commune, and sessions at fixed places by place."""
    bus: Counter[str] = Counter()
    fixed: Counter[str] = Counter()
    for t in tours:
        counter = fixed if instance.unit(t.unit_id).kind is UnitKind.FIXED else bus
        counter.update(s.insee for s in t.sessions)
    return bus, fixed


def regularity(tours: Iterable[Tour], instance: Instance) -> float:
    """Share of bus visits in one of their commune's usual weekly slots (weekday, start time ± 30 min).

    A commune visited k times a week has k usual slots: its k most frequent (weekday, start) pairs.
    A fixed place's sessions keep their set times, so they are not counted.
    """
    starts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for t in tours:
        if instance.unit(t.unit_id).kind is UnitKind.FIXED:
            continue
        for s in t.sessions:
            starts[s.insee].append((t.date.weekday(), s.start))
    regular = total = 0
    for insee, items in starts.items():
        per_week = max(1, round(instance.commune(insee).visits_per_week))
        usual = [slot for slot, _ in Counter(items).most_common(per_week)]
        regular += sum(
            1 for d, m in items if any(d == ud and abs(m - um) <= REGULAR_START_TOLERANCE for ud, um in usual)
        )
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
    instance: Instance,
    tours: Sequence[Tour],
    travel: TravelMatrix,
    reasons: Mapping[str, str] | None = None,
    targets: Targets | None = None,
) -> list[Unserved]:
    """Communes below their target number of visits over the horizon, and why; a fixed place below
    its target of sessions (its catchment's communes are served through it).

    ``reasons`` (by INSEE code) are the planner's own explanations; otherwise a generic one is given.
    """
    reasons = reasons or {}
    rules = instance.rules
    targets = targets or Targets.of(instance, travel)
    bus_visits, place_sessions = _visits(instance, tours)
    closed = closed_dates(rules)
    result = []
    per_week = targets.per_week
    for c in instance.communes:
        if c.insee not in per_week:
            continue
        target = per_week[c.insee] * rules.weeks
        planned = (place_sessions if c.insee in targets.places else bus_visits)[c.insee]
        if not below_target(per_week[c.insee], planned, rules.weeks):
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
