"""The visits of a lost day: found, then moved to the nearest day that keeps the rules.

A re-plan loses a day of a unit when the unit is out of service, and a session when its commune is
closed that day (or, later, when its bus day finds no crew). Rather than drop those visits, each is
moved to the nearest day, up to `MOVE_WINDOW_DAYS` before or after (never before ``today``), where
its unit — or another unit that may serve the commune — has room and the quick checks of a manual
move and the day routing hold. Kept apart from `planner.planning.replan`, which decides when to try
again (no crew, the validator refuses) and says what happened; the planning does the same with the
visits a holiday takes from the weekly pattern (`planner.planning.holiday_visits`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.domain.french import date_fr
from planner.domain.instance import Instance, Unit, UnitKind
from planner.domain.plan import Plan, Session, Tour
from planner.domain.travel_matrix import TravelMatrix, whole_minutes
from planner.planning.changes import Change, CommuneClosed, UnitOutOfService, unit_name
from planner.planning.replan_text import commune_name
from planner.tours.day_routing import route_day_by_rules

#: How many days before and after a lost day a re-plan looks for a day to move its sessions to.
MOVE_WINDOW_DAYS = 7


@dataclass(frozen=True)
class LostSession:
    """A session of the published plan whose day was lost (``unit_id`` on ``day``, in ``insee``,
    starting at ``start``), to be moved to a nearby day if one fits."""

    unit_id: str
    day: date
    insee: str
    start: int


@dataclass(frozen=True)
class SessionMoved:
    """Where a `LostSession` went: ``unit_id`` on ``day``."""

    lost: LostSession
    unit_id: str
    day: date

    @property
    def tour_key(self) -> str:
        return f"{self.unit_id}/{self.day.isoformat()}"

    def text(self, instance: Instance) -> str:
        """« Envermeu : séance du mercredi 16 déc. 2026 déplacée au jeudi 17 déc. 2026 (Bus 1) »."""
        name = commune_name(instance, self.lost.insee)
        return (
            f"{name} : séance du {date_fr(self.lost.day)} déplacée au {date_fr(self.day)} "
            f"({unit_name(instance, self.unit_id)})"
        )


def shortened(instance: Instance, tour: Tour, sessions: tuple[Session, ...], travel: TravelMatrix) -> Tour:
    """``tour`` with only ``sessions`` (same times): it leaves just in time for the first and comes
    back straight after the last, and its driving totals are those of its new legs."""

    unit = instance.unit(tour.unit_id)
    if unit.kind is UnitKind.FIXED:
        return replace(
            tour,
            sessions=sessions,
            leave_depot=sessions[0].arrival,
            back_at_depot=sessions[-1].departure,
            drive_minutes=0.0,
            drive_km=0.0,
        )
    stops = [
        travel.index(unit.depot),
        *(travel.index(instance.commune(s.insee).site.point) for s in sessions),
        travel.index(unit.depot),
    ]
    first = int(whole_minutes(travel.minutes[stops[0], stops[1]]))
    last = int(whole_minutes(travel.minutes[stops[-2], stops[-1]]))
    drive_minutes, drive_km = travel.route_totals(stops)
    return replace(
        tour,
        sessions=sessions,
        leave_depot=max(tour.leave_depot, sessions[0].arrival - first),
        back_at_depot=min(tour.back_at_depot, sessions[-1].departure + last),
        drive_minutes=drive_minutes,
        drive_km=drive_km,
    )


def remaining_tours(
    instance: Instance,
    published: Plan,
    changes: Sequence[tuple[Change, date]],
    today: date,
    travel: TravelMatrix,
) -> tuple[list[Tour], list[tuple[date, str]], int, set[str], list[LostSession]]:
    """Tours still possible after ``changes`` (each with the first day it applies to), the diff lines
    of what was removed, sessions removed, tours removed, and the removed sessions (to move)."""
    out_of_service = [replace(c, first=max(c.first, since)) for c, since in changes if isinstance(c, UnitOutOfService)]
    closed: defaultdict[str, set[date]] = defaultdict(set)
    for c, since in changes:
        if isinstance(c, CommuneClosed):
            closed[c.insee] |= {d for d in c.dates if d >= since}
    tours, lines, sessions_removed, removed = [], [], 0, set()
    lost: list[LostSession] = []
    for tour in published.tours:
        unit_name = instance.unit(tour.unit_id).name
        if tour.date < today:
            tours.append(tour)
            continue
        if any(c.unit_id == tour.unit_id and c.first <= tour.date <= c.last for c in out_of_service):
            lines.append(
                (
                    tour.date,
                    f"{date_fr(tour.date)} — {unit_name} : tournée supprimée (unité hors service)",
                )
            )
            sessions_removed += len(tour.sessions)
            removed.add(tour.key)
            lost += [LostSession(tour.unit_id, tour.date, s.insee, s.start) for s in tour.sessions]
            continue
        kept = tuple(s for s in tour.sessions if tour.date not in closed.get(s.insee, ()))
        for s in tour.sessions:
            if s not in kept:
                name = commune_name(instance, s.insee)
                lost.append(LostSession(tour.unit_id, tour.date, s.insee, s.start))
                lines.append(
                    (
                        tour.date,
                        f"{date_fr(tour.date)} — {unit_name} : séance à {name} supprimée (commune fermée)",
                    )
                )
        sessions_removed += len(tour.sessions) - len(kept)
        if not kept:
            lines.append(
                (
                    tour.date,
                    f"{date_fr(tour.date)} — {unit_name} : tournée supprimée (plus aucune séance)",
                )
            )
            removed.add(tour.key)
            continue
        tours.append(tour if len(kept) == len(tour.sessions) else shortened(instance, tour, kept, travel))
    return tours, lines, sessions_removed, removed, lost


def move_days(instance: Instance, lost: LostSession, today: date) -> list[tuple[date, Unit]]:
    """Where ``lost`` may go, nearest day first (the day before before the day after), its own unit
    before the others that may serve the commune: within `MOVE_WINDOW_DAYS`, the plan's period, and
    not before ``today``."""
    rules = instance.rules
    units = sorted(
        (u for u in instance.units if u.kind is not UnitKind.FIXED and u.may_serve(lost.insee)),
        key=lambda u: (u.id != lost.unit_id, u.id),
    )
    found = []
    for offset in range(MOVE_WINDOW_DAYS + 1):
        days = [lost.day] if offset == 0 else [lost.day - timedelta(days=offset), lost.day + timedelta(days=offset)]
        for day in days:
            if today <= day and rules.start <= day <= rules.end:
                found += [(day, u) for u in units if (day, u.id) != (lost.day, lost.unit_id)]
    return found


def place_lost(
    instance: Instance,
    published: Plan,
    tours: Sequence[Tour],
    lost: Sequence[LostSession],
    today: date,
    travel: TravelMatrix,
    refused: set[tuple[str, date, str]],
) -> tuple[list[Tour], list[SessionMoved]]:
    """``tours`` with each of ``lost`` put into the nearest day that passes the quick checks of a
    manual move and the day routing (``refused``: (commune, day, unit) already found wanting), and
    the moves made. A lost session with no such day stays out."""
    from planner.domain.errors import MoveRefused
    from planner.planning.changes import SessionMove
    from planner.planning.move_checks import PRECHECKS

    placed = list(tours)
    moved: list[SessionMoved] = []
    for item in lost:
        if not instance.has_commune(item.insee):
            continue
        commune = instance.commune(item.insee)
        probe = replace(published, tours=tuple(placed))
        for day, unit in move_days(instance, item, today):
            if (item.insee, day, unit.id) in refused:
                continue
            move = SessionMove(item.unit_id, item.day, item.insee, day, unit.id)
            try:
                if any(check(instance, probe, move, unit, today) for check in PRECHECKS):
                    continue
            except MoveRefused:
                continue
            key = f"{unit.id}/{day.isoformat()}"
            target = next((t for t in placed if t.key == key), None)
            staying = [] if target is None else [s for s in target.sessions if s.insee != item.insee]
            usual = {s.insee: s.start for s in staying} | {item.insee: item.start}
            communes = [instance.commune(s.insee) for s in staying] + [commune]
            result = route_day_by_rules(unit, day, communes, instance.rules, travel=travel, usual_start=usual)
            if result.tour is None or result.dropped:
                continue
            placed = [t for t in placed if t.key != key] + [result.tour]
            moved.append(SessionMoved(item, unit.id, day))
            break
    return sorted(placed, key=lambda t: (t.date, t.unit_id)), moved
