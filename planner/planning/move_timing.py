"""The two days of a manual move or swap, re-timed by the day routing, and what their times became.

Kept apart because a move (`planner.planning.moves`) and a swap (`planner.planning.swap`) re-time
their days the same way: each day through `planner.tours.day_routing.route_day_by_rules`, the
sessions as close to their old times as they can be; a day that cannot hold its sessions is refused
(``HOURS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from planner.domain.french import date_fr, hhmm
from planner.domain.instance import Commune, Instance, TimeWindow, Unit
from planner.domain.plan import Plan, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.changes import SessionMove
from planner.planning.move_checks import refused
from planner.tours.day_routing import route_day_by_rules


def moved_tours(
    instance: Instance,
    plan: Plan,
    move: SessionMove,
    source: Tour,
    unit: Unit,
    commune: Commune,
    travel: TravelMatrix,
) -> list[Tour]:
    """The source day without the session and the target day with it, both timed by `route_day`."""
    target_key = f"{unit.id}/{move.to_day.isoformat()}"
    target = next((t for t in plan.tours if t.key == target_key), None)
    usual = {s.insee: s.start for s in source.sessions}
    tours = []
    if target_key != source.key:
        rest = [instance.commune(s.insee) for s in source.sessions if s.insee != move.insee]
        if rest:
            tours.append(timed_day(instance, instance.unit(source.unit_id), source.date, rest, usual, travel))
    staying = [] if target is None else [s for s in target.sessions if s.insee != move.insee]
    usual |= {s.insee: s.start for s in staying}
    moved = commune
    if move.start is not None:
        length = instance.rules.session_length(unit)
        moved = replace(commune, site=replace(commune.site, open_hours=TimeWindow(move.start, move.start + length)))
    day = [instance.commune(s.insee) for s in staying] + [moved]
    tours.append(timed_day(instance, unit, move.to_day, day, usual, travel, moved=move))
    return tours


def timed_day(
    instance: Instance,
    unit: Unit,
    day: date,
    communes: list[Commune],
    usual: Mapping[str, int],
    travel: TravelMatrix,
    *,
    moved: SessionMove | None = None,
) -> Tour:
    result = route_day_by_rules(unit, day, communes, instance.rules, travel=travel, usual_start=usual)
    if result.tour is None or result.dropped:
        at = f" à {hhmm(moved.start)}" if moved is not None and moved.start is not None else ""
        if moved is None or moved.insee in result.dropped:
            names = ", ".join(instance.commune(i).name for i in result.dropped) or "la journée"
            what = f"{names} ne tient pas{at}"
        else:
            names = ", ".join(instance.commune(i).name for i in result.dropped)
            what = f"avec {instance.commune(moved.insee).name}{at}, {names} ne tient plus"
        msg = (
            f"Refusé : {what} dans la journée de {unit.name} le {date_fr(day)} "
            f"(heures de service {unit.hours}, trajets, pause)"
        )
        raise refused("HOURS", msg)
    return result.tour


def timing_lines(instance: Instance, before: Sequence[Tour], after: Sequence[Tour]) -> list[str]:
    """Sessions of the two days whose times changed (or that the day no longer holds)."""
    lines = []
    old = {(t.unit_id, t.date, s.insee): s for t in before for s in t.sessions}
    for tour in after:
        name = instance.unit(tour.unit_id).name
        for s in tour.sessions:
            was = old.get((tour.unit_id, tour.date, s.insee))
            if was is None or was.start != s.start:
                since = "" if was is None else f" (au lieu de {hhmm(was.start)})"
                commune = instance.commune(s.insee).name
                lines.append(f"{date_fr(tour.date)} — {name} : {commune} de {hhmm(s.start)} à {hhmm(s.end)}{since}")
    kept = {t.key for t in after}
    for tour in before:
        if tour.key not in kept:
            lines.append(
                f"{date_fr(tour.date)} — {instance.unit(tour.unit_id).name} : tournée supprimée (plus aucune séance)"
            )
    return lines
