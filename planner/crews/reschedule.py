"""Move a tour nobody can crew to another day of the same week that the unit has free.

The weekly pattern only uses weekdays the roster can staff in general; a dated tour can still go
uncrewed (a doctor's dates off, monthly maxima reached). Before giving it up, the planner tries the
unit's free working days of the same horizon week, nearest first, keeping every hard rule: the site
is open, the commune not closed, the gap between visits of a commune kept, the frequency unchanged
(same week). Whether a crew can be found there is left to the rota, which runs again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planner.domain.calendar import closed_dates
from planner.domain.instance import Instance
from planner.domain.plan import Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.day_routing import route_day_by_rules


@dataclass(frozen=True)
class Move:
    """A tour moved from one date to another, with its new times."""

    old: Tour
    new: Tour


def propose_moves(
    instance: Instance, tours: Sequence[Tour], uncrewed: Iterable[str], travel: TravelMatrix
) -> list[Move]:
    """For each uncrewed tour, the nearest free day of its week where all its sessions fit."""
    rules = instance.rules
    closed = closed_dates(rules)
    wanted = set(uncrewed)
    busy = {(t.unit_id, t.date) for t in tours}
    visits: dict[str, set[date]] = {}
    for t in tours:
        if t.key not in wanted:
            for s in t.sessions:
                visits.setdefault(s.insee, set()).add(t.date)
    moves = []
    for tour in sorted((t for t in tours if t.key in wanted), key=lambda t: (t.date, t.unit_id)):
        unit = instance.unit(tour.unit_id)
        communes = [instance.commune(s.insee) for s in tour.sessions]
        usual = {s.insee: s.start for s in tour.sessions}
        for day in _same_week_days(rules.start, rules.week_index(tour.date), tour.date):
            if (
                day.weekday() not in unit.days
                or day in closed
                or rules.unit_closed(unit.id, day)
                or (unit.id, day) in busy
            ):
                continue
            if not all(
                _visit_allowed(instance, c.insee, day, visits) and rules.day_allowed(c.insee, day.weekday(), unit.id)
                for c in communes
            ):
                continue
            result = route_day_by_rules(unit, day, communes, rules, travel=travel, usual_start=usual)
            if result.dropped or result.tour is None:
                continue
            moves.append(Move(tour, result.tour))
            busy.add((unit.id, day))
            for c in communes:
                visits.setdefault(c.insee, set()).add(day)
            break
    return moves


def _same_week_days(start: date, week: int, around: date) -> list[date]:
    """The other dates of horizon week ``week``, nearest to ``around`` first."""
    first = start + timedelta(days=7 * week)
    days = [first + timedelta(days=i) for i in range(7)]
    return sorted((d for d in days if d != around), key=lambda d: (abs((d - around).days), d))


def _visit_allowed(instance: Instance, insee: str, day: date, visits: dict[str, set[date]]) -> bool:
    commune = instance.commune(insee)
    if day.weekday() not in commune.site.open_days or instance.rules.commune_closed(insee, day):
        return False
    gap = instance.rules.min_gap_days
    return all(abs((day - other).days) >= max(gap, 1) for other in visits.get(insee, ()))
