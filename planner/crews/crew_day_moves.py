"""A crew's day moved to a bus left parked for want of a crew, chosen with the fortnight's days.

When the doctors are the scarce resource, every one at their monthly maximum, a bus can stay parked
while communes within its reach wait, and no pass that keeps each crew on its bus day can use it:
the fill finds no crew (`planner.crews.free_capacity`), the swaps and the regrouping change a day's
communes, never its bus (`planner.crews.day_sets`). On the Orne département the Mortagne bus stood
idle on three Mondays while the Alençon bus ran every Tuesday to Thursday (docs/architecture.md,
« A crew's day moved »). Here a parked bus day may take the crew of another bus's day of the same
ISO week and month, so that nobody's weekly or monthly count changes: the two weeks from the parked
day are given their communes at once (`planner.crews.day_sets.regroup_weeks`) with two more
choices, the parked day open (a crew free once one of those days closes) and each of those days
closed. Which day closes is the program's choice: the one whose communes the other days of the
fortnight take back best; then, need held, as few days changed as it can (regularity comes after
need). The plan changes only when it then serves more, priority zones first.

Each parked day costs a fortnight's program (57,000 to 71,000 choices, about 8 s on the Orne
département), so the work is counted, never timed: the parked days worth most first (what their bus
could add there, crew aside), until `MOVE_SETS` choices have been offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from planner.crews.day_sets import Opening, regroup_weeks
from planner.crews.free_capacity import CrewLoads, DayTimings, crew_possible, try_day, waiting_communes
from planner.crews.rota_facts import iso_week, month_of
from planner.crews.session_swaps import PlanDays
from planner.domain.calendar import closed_dates
from planner.domain.instance import Instance, Unit, UnitKind
from planner.domain.plan import Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.pattern_problem import reachable

#: Choices offered to the parked days' programs, all tries together, before the pass stops: about
#: two of the Orne département's fortnights (docs/architecture.md, « A crew's day moved »).
MOVE_SETS = 120_000
#: Weeks given their communes at once with a parked day, from the parked day's: on the Orne
#: département one week gained nothing, two gained 0.2 points of need (docs/architecture.md,
#: « The exact floor »).
WINDOW_WEEKS = 2


def move_crew_days(
    instance: Instance,
    tours: Sequence[Tour],
    shifts: Sequence[Shift],
    travel: TravelMatrix,
    targets: Mapping[str, float],
) -> tuple[list[Tour], list[Shift], int]:
    """The plan with crews' days moved to parked buses where it then serves more (see the module
    docstring), and how many moved; ``targets``: bus visits a week, by INSEE code."""
    days = PlanDays(instance, tours, shifts, travel, targets)
    rules = instance.rules
    moved = offered = 0
    for unit, day in _parked_days(instance, days, travel, targets):
        if offered >= MOVE_SETS:
            break
        sources = _sources(instance, days, unit, day)
        if not sources:
            continue
        key = days.park(unit.id, day)
        first = max(0, min(rules.week_index(day), rules.weeks - WINDOW_WEEKS))
        _changed, sets = regroup_weeks(days, range(first, first + WINDOW_WEEKS), Opening(key, sources))
        offered += sets
        if days.by_key[key].sessions:
            moved += 1
        else:
            days.drop(key)
    return days.tours(), days.shifts(), moved


def _parked_days(
    instance: Instance, days: PlanDays, travel: TravelMatrix, targets: Mapping[str, float]
) -> list[tuple[Unit, date]]:
    """Bus days without a tour, the unit working, no crew free, whose bus could time a waiting
    commune there (crew aside), those worth most first (priority zones' need, then need)."""
    rules = instance.rules
    closed = closed_dates(rules)
    loads, timings = CrewLoads(days.shifts()), DayTimings(instance, travel)
    waiting = waiting_communes(instance, targets, days.counts)
    worth: list[tuple[float, float, date, str, Unit]] = []
    for unit in (u for u in instance.units if u.kind is not UnitKind.FIXED):
        within = [c for c in waiting if reachable(instance, travel, unit, c) and unit.may_serve(c.insee)]
        for day in rules.dates() if within else ():
            if (
                day in closed
                or day.weekday() not in unit.days
                or rules.unit_closed(unit.id, day)
                or f"{unit.id}/{day.isoformat()}" in days.by_key
                or crew_possible(instance, loads, unit, day)
            ):
                continue
            tour: Tour | None = None
            for _ in range(unit.sessions_per_day):  # the day's sessions, crew aside, each the first that fits
                others = [c for c in within if not tour or all(s.insee != c.insee for s in tour.sessions)]
                longer = try_day(instance, timings, unit, day, tour, [], others, days.visits, None).tour
                if longer is None:
                    break
                tour = longer
            if tour is not None:
                communes = [instance.commune(s.insee) for s in tour.sessions]
                need = [days.worth(c) for c in communes]
                priority = sum(n for c, n in zip(communes, need) if c.priority)
                worth.append((-priority, -sum(need), day, unit.id, unit))
    return [(unit, day) for *_, day, _id, unit in sorted(worth, key=lambda w: w[:4])]


def _sources(instance: Instance, days: PlanDays, unit: Unit, day: date) -> tuple[str, ...]:
    """Other buses' days of ``day``'s ISO week and month, none of their communes pinned, without
    which a crew for ``unit`` is free on ``day``."""
    rules = instance.rules
    shifts = days.shifts()
    found = []
    for key in days.bus_days():
        tour = days.by_key[key]
        if (
            tour.unit_id != unit.id
            and tour.sessions
            and iso_week(tour.date) == iso_week(day)
            and month_of(tour.date) == month_of(day)
            and all(rules.pin_of(s.insee) is None for s in tour.sessions)
            and crew_possible(instance, CrewLoads(s for s in shifts if s.tour_key != key), unit, day)
        ):
            found.append(key)
    return tuple(found)
