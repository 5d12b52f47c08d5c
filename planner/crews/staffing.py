"""How many crews the roster can field on a date: what the weekly pattern may count on.

Counts and matches, never solves a rota: for a unit, a date and a session, the people who have a
role the unit needs, offer the half-days involved that weekday, are not on leave and may work at
all (non-zero maxima) are matched to the crew's places (one person holds one role). A bus needs one
crew for its whole day up to that session; a fixed place one crew per room for that session. The
maxima per week and month and one tour a day across units are left to the rota: when they leave a
tour uncrewed, the planner blocks that (unit, date) and plans again (`planner.planning.pipeline`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date
from functools import cache

from planner.domain.calendar import closed_dates
from planner.domain.instance import HalfDay, Instance, Role, Staff, Unit, UnitKind, half_days_of
from planner.tours.day_routing import fixed_session_times
from planner.tours.pattern_problem import Crews, PostLimit


def session_halves(instance: Instance, unit: Unit, session: int) -> frozenset[HalfDay]:
    """The half-days a crew must offer for a unit's sessions up to ``session`` (a bus: one crew for
    the day so far; a fixed place: that session alone, at its own times).

    A bus with several sessions a day holds the first half of them in the morning, the rest in the
    afternoon; a single session spans the day.
    """
    if unit.kind is UnitKind.FIXED:
        start, end = fixed_session_times(unit, instance.rules.session_length(unit))[session]
        return half_days_of(start, end)
    n = unit.sessions_per_day
    if n == 1:
        return frozenset(HalfDay)
    return frozenset(HalfDay.MORNING if s < n / 2 else HalfDay.AFTERNOON for s in range(session + 1))


def crew_counts(instance: Instance, blocked: Collection[tuple[str, date]] = ()) -> Crews:
    """``crews(unit, day, session)``: the crews the roster can field (see the module docstring).

    ``blocked`` (unit id, date) pairs get none: the rota found no crew there with the maxima.
    """
    blocked = frozenset(blocked)

    @cache
    def crews(unit: Unit, day: date, session: int) -> int:
        limit = unit.rooms if unit.kind is UnitKind.FIXED else 1
        if (unit.id, day) in blocked:
            return 0
        halves = session_halves(instance, unit, session)
        people = [
            p
            for p in instance.staff
            if p.max_shifts_per_week > 0 and p.max_shifts_per_month > 0 and p.is_available(day, halves)
        ]
        return max_crews(people, unit.crew, limit)

    return crews


def max_crews(people: Sequence[Staff], crew, limit: int) -> int:
    """How many whole crews (role → count) ``people`` can form at once, up to ``limit``."""
    roles = [role for role, n in sorted(crew.items(), key=lambda kv: kv[0].value) for _ in range(max(0, n))]
    if not roles:
        return limit
    for k in range(limit, 0, -1):
        if _matches(people, roles * k):
            return k
    return 0


def _matches(people: Sequence[Staff], places: list[Role]) -> bool:
    """Whether every place (a role) gets its own person who has that role (augmenting paths)."""
    if len(places) > len(people):
        return False
    holder: dict[int, int] = {}  # person index -> place index

    def assign(place: int, seen: set[int]) -> bool:
        for i, person in enumerate(people):
            if places[place] in person.roles and i not in seen:
                seen.add(i)
                if i not in holder or assign(holder[i], seen):
                    holder[i] = place
                    return True
        return False

    return all(assign(place, set()) for place in range(len(places)))


def post_limits(instance: Instance) -> tuple[PostLimit, ...]:
    """For each role, ISO week and month of the horizon: the most places of that role the roster can
    fill there (each person's maximum, capped by the working dates they offer and are not on leave;
    a month also by the weekly maxima of its weeks). The pattern plans no more tours than that."""
    closed = closed_dates(instance.rules)
    dates = [d for d in instance.rules.dates() if d not in closed]
    limits = []
    for role in sorted({r for u in instance.units for r, n in u.crew.items() if n > 0}, key=lambda r: r.value):
        per_tour = {u.id: u.crew.get(role, 0) for u in instance.units if u.crew.get(role, 0) > 0}
        working = {d for d in dates if any(d.weekday() in instance.unit(u).days for u in per_tour)}
        people = [p for p in instance.staff if role in p.roles]
        weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
        months: dict[tuple[int, int], list[date]] = defaultdict(list)
        for d in sorted(working):
            weeks[tuple(d.isocalendar()[:2])].append(d)
            months[(d.year, d.month)].append(d)
        for days in weeks.values():
            limit = sum(min(p.max_shifts_per_week, _offered(p, days)) for p in people)
            limits.append(PostLimit(frozenset(days), per_tour, limit))
        for days in months.values():
            by_week: dict[tuple[int, int], list[date]] = defaultdict(list)
            for d in days:
                by_week[tuple(d.isocalendar()[:2])].append(d)
            limit = sum(
                min(p.max_shifts_per_month, sum(min(p.max_shifts_per_week, _offered(p, w)) for w in by_week.values()))
                for p in people
            )
            limits.append(PostLimit(frozenset(days), per_tour, limit))
    return tuple(limits)


def _offered(person: Staff, days: Sequence[date]) -> int:
    """Dates among ``days`` the person offers at least half of and is not on leave."""
    return sum(1 for d in days if not person.is_off(d) and any((d.weekday(), h) in person.availability for h in HalfDay))
