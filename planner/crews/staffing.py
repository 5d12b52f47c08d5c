"""Which weekdays and half-days the roster can crew at all: what the weekly pattern may use.

Counts, never solves: a day nobody can staff is not planned (`staffable_slots`).
"""

from __future__ import annotations

from collections.abc import Callable

from planner.domain.instance import HalfDay, Instance, Unit, half_days_of


def staffable_weekdays(instance: Instance) -> dict[tuple[str, int, HalfDay], bool]:
    """For each unit, working weekday and half-day of its hours: can its whole crew be found?

    Counts, role by role, the people offering that weekday and half-day with non-zero maxima. A day
    nobody can staff should not be planned at all. (Dates off are ignored: they are dated.)
    """
    result = {}
    for unit in instance.units:
        for weekday in sorted(unit.days):
            for half in sorted(half_days_of(unit.hours.start, unit.hours.end)):
                ok = True
                for role, needed in unit.crew.items():
                    offering = sum(
                        1
                        for p in instance.staff
                        if role in p.roles
                        and (weekday, half) in p.availability
                        and p.max_shifts_per_week > 0
                        and p.max_shifts_per_month > 0
                    )
                    ok = ok and offering >= needed
                result[(unit.id, weekday, half)] = ok
    return result


def staffable_slots(instance: Instance) -> Callable[[Unit, int, int], bool]:
    """A session slot whose half-day the roster cannot crew is not planned.

    With several sessions a day, the first half of them are mornings and the rest afternoons; a
    single session spans the whole day and needs both half-days.
    """
    crewable = staffable_weekdays(instance)

    def ok(unit: Unit, weekday: int, session: int) -> bool:
        n = unit.sessions_per_day
        halves = list(HalfDay) if n == 1 else [HalfDay.MORNING if session < n / 2 else HalfDay.AFTERNOON]
        return all(crewable.get((unit.id, weekday, h), True) for h in halves)

    return ok
