"""The calendar roll-out: the weekly pattern laid over the real dates, each day timed by routing."""

from __future__ import annotations

from datetime import date

from planner.domain.calendar import closed_dates
from planner.domain.french import weekday_date_fr
from planner.domain.instance import Commune, Instance, Unit, UnitKind
from planner.domain.plan import Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.day_routing import DayResult, fixed_day, route_day_by_rules
from planner.tours.pattern_problem import Crews, Pattern, Visit, any_crew


def dated_visits(instance: Instance, pattern: Pattern, crews: Crews = any_crew) -> list[tuple[date, Unit, list[Visit]]]:
    """The pattern's visits on each real date: exactly the occurrences the pattern search counted.

    A date is left out when it is a holiday or a closure; a visit when its commune is closed that
    day, or when no crew can be found for the unit's day up to its session (a fixed place: for its
    room of that session).
    """
    rules = instance.rules
    closed = closed_dates(rules)
    days = []
    for day in rules.dates():
        if day in closed:
            continue
        week = rules.week_index(day) % pattern.cycle_weeks
        for unit in instance.units:
            if day.weekday() not in unit.days or rules.unit_closed(unit.id, day):
                continue
            visits = [
                v
                for v in pattern.communes_on(unit.id, day.weekday(), week)
                if not rules.commune_closed(v.insee, day) and crews(unit, day, v.slot.session) > v.slot.room
            ]
            if visits:
                days.append((day, unit, visits))
    return days


def roll_out(
    instance: Instance,
    pattern: Pattern,
    travel: TravelMatrix,
    crews: Crews = any_crew,
    days: list[tuple[date, Unit, list[Visit]]] | None = None,
) -> tuple[list[Tour], list[str]]:
    """Lay the weekly pattern over the real dates of the horizon and time every day's tour.

    Each distinct bus day (unit, weekday, communes) is routed once. A commune whose partner of the
    day changes from week to week (fortnightly, monthly) could start at slightly different times; a
    second pass asks each such day to start the commune at its latest start of the first pass, so
    residents see one time for their commune. A fixed place's sessions keep their own times.
    ``days`` are the dated visits to lay down when they are not the pattern's own
    (`planner.tours.dated_search`).
    """
    rules = instance.rules
    bus_days: list[tuple[date, Unit, tuple[Commune, ...]]] = []
    tours: list[Tour] = []
    for day, unit, visits in dated_visits(instance, pattern, crews) if days is None else days:
        if unit.kind is UnitKind.FIXED:
            sessions = [(instance.commune(v.insee), v.slot.session, v.slot.room) for v in visits]
            tours.append(fixed_day(unit, day, sessions, rules))
        else:
            bus_days.append((day, unit, tuple(instance.commune(v.insee) for v in visits)))

    def route_all(usual: dict[tuple, int]) -> dict[tuple, DayResult]:
        timed: dict[tuple, DayResult] = {}
        for day, unit, communes in bus_days:
            key = (unit.id, day.weekday(), tuple(c.insee for c in communes))
            if key not in timed:
                usual_start = {c.insee: usual.get((unit.id, day.weekday(), c.insee), 0) for c in communes}
                timed[key] = route_day_by_rules(
                    unit, day, list(communes), rules, travel=travel, usual_start=usual_start
                )
        return timed

    timed = route_all({})
    latest: dict[tuple, set[int]] = {}
    for (unit_id, weekday, _), result in timed.items():
        for s in result.tour.sessions if result.tour else ():
            latest.setdefault((unit_id, weekday, s.insee), set()).add(s.start)
    if any(len(starts) > 1 for starts in latest.values()):
        timed = route_all({key: max(starts) for key, starts in latest.items()})

    warnings: list[str] = []
    for day, unit, communes in bus_days:
        result = timed[(unit.id, day.weekday(), tuple(c.insee for c in communes))]
        if result.dropped:
            names = ", ".join(instance.commune(i).name for i in result.dropped)
            warnings.append(
                f"{unit.name}, {weekday_date_fr(day)} : {names} ne tient pas dans la journée (horaires ou trajets)."
            )
        if result.tour is not None:
            tours.append(_on_date(result.tour, day))
    return tours, warnings


def _on_date(tour: Tour, day: date) -> Tour:
    return Tour(
        tour.unit_id, day, tour.leave_depot, tour.back_at_depot, tour.sessions, tour.drive_minutes, tour.drive_km
    )
