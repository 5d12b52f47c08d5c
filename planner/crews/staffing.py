"""How many crews the roster can field on a date: what the weekly pattern may count on.

Counts and matches, never solves a rota: for a unit, a date and a session, the people who have a
role the unit needs, offer the half-days involved that weekday, are not on leave and may work at
all (non-zero maxima) are matched to the crew's places (one person holds one role). A bus needs one
crew for its whole day up to that session; a fixed place one crew per room for that session. The
maxima per week and month and one tour a day across units are left to the rota: when they leave a
tour uncrewed, the planner blocks that (unit, date) and plans again (`planner.planning.pipeline`).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from functools import cache

from planner.crews.posts import Post
from planner.domain.calendar import closed_dates
from planner.domain.instance import HalfDay, Instance, Role, Staff, Unit, UnitKind, half_days_of
from planner.tours.day_routing import fixed_session_times
from planner.tours.pattern_problem import Crews, PostLimit
from planner.tours.rules_bound import half_sessions


def session_halves(instance: Instance, unit: Unit, session: int) -> frozenset[HalfDay]:
    """The half-days a crew must offer for a unit's sessions up to ``session`` (a bus: one crew for
    the day so far; a fixed place: that session alone, at its own times with the set-up time).

    A bus with several sessions a day holds the first half of them in the morning, the rest in the
    afternoon; a single session spans the day. A bus whose hours, with the set-up, lie within one
    half-day (Cantal nord's morning bus, 08:00-12:45) needs that half-day only: its shifts touch no
    other (the rota crews it with people free in the mornings, which the pattern did not count).
    """
    rules = instance.rules
    if unit.kind is UnitKind.FIXED:
        start, end = fixed_session_times(unit, rules)[session]
        return half_days_of(*rules.shift_span(start, end))
    n = unit.sessions_per_day
    by_session = (
        frozenset(HalfDay)
        if n == 1
        else frozenset(HalfDay.MORNING if s < n / 2 else HalfDay.AFTERNOON for s in range(session + 1))
    )
    return by_session & half_days_of(*rules.shift_span(unit.hours.start, unit.hours.end)) or by_session


def crew_counts(instance: Instance, blocked: Collection[Post] = ()) -> Crews:
    """``crews(unit, day, session)``: the crews the roster can field (see the module docstring).

    ``blocked`` posts, which the rota could not crew with the maxima, get none: a bus's day, or one
    room of a fixed place's session.
    """
    lost: Counter[tuple[str, date, int | None]] = Counter()
    for post in blocked:
        start = None if post.session is None else post.sessions[0].start
        lost[post.unit_id, post.date, start] += 1

    @cache
    def crews(unit: Unit, day: date, session: int) -> int:
        limit = unit.rooms if unit.kind is UnitKind.FIXED else 1
        if unit.kind is UnitKind.FIXED:
            start = fixed_session_times(unit, instance.rules)[session][0]
            limit -= lost[unit.id, day, start]
        elif lost[unit.id, day, None]:
            return 0
        if limit <= 0:
            return 0
        halves = session_halves(instance, unit, session)
        people = [p for p in instance.staff if p.takes_shifts and p.is_available(day, halves)]
        return max_crews(people, unit.crew, limit)

    return crews


def bus_day_sessions(instance: Instance) -> Callable[[Unit, date], int]:
    """``sessions(unit, day)``: the most sessions a bus day can hold for want of crews, for the bound
    of the rules (`planner.tours.rules_bound`): all of them when a crew can work the whole day, what
    fits in a half-day where a crew of that half-day can be formed (`half_sessions`), else 0.

    Unlike `crew_counts`, a bus day of one session may be crewed by people who offer only the
    afternoon, where its hours hold a session there: the plan may time that session there."""

    @cache
    def sessions(unit: Unit, day: date) -> int:
        people = [p for p in instance.staff if p.takes_shifts]
        if max_crews([p for p in people if p.is_available(day, HalfDay)], unit.crew, 1):
            return unit.sessions_per_day
        halves = [
            half for half in HalfDay if max_crews([p for p in people if p.is_available(day, (half,))], unit.crew, 1)
        ]
        return max((half_sessions(instance, unit, half) for half in halves), default=0)

    return sessions


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
    """What the roster can give, role by role, over each date, ISO week and month of the horizon,
    and over the dates of each set of weekdays within a week or a month (Hall's condition: posts on
    Mondays and Fridays need people who offer Mondays or Fridays): the most places the people with
    that role can fill there (`capacity`). A limit is kept only when it can bind: below what the
    units could ask for there and, for a weekday set, below its dates one by one and its whole week
    or month. The pattern plans no more tours than that."""
    closed = closed_dates(instance.rules)
    dates = [d for d in instance.rules.dates() if d not in closed]
    limits = []
    for role in sorted({r for u in instance.units for r, n in u.crew.items() if n > 0}, key=lambda r: r.value):
        per_tour = {u.id: u.crew.get(role, 0) for u in instance.units if u.crew.get(role, 0) > 0}
        working = sorted(d for d in dates if any(d.weekday() in instance.unit(u).days for u in per_tour))
        people = [p for p in instance.staff if role in p.roles]
        workable = {p.id: _workable(p, working) for p in people}
        most = {d: _most_posts(instance, per_tour, d) for d in working}
        single = {d: capacity(people, [d], workable) for d in working}
        limits += [PostLimit(frozenset({d}), per_tour, single[d]) for d in working if single[d] < most[d]]
        periods: dict[tuple, list[date]] = defaultdict(list)
        for d in working:
            periods[("week", *d.isocalendar()[:2])].append(d)
            periods[("month", d.year, d.month)].append(d)
        for days in periods.values():
            whole = capacity(people, days, workable)
            if whole < sum(min(most[d], single[d]) for d in days):
                limits.append(PostLimit(frozenset(days), per_tour, whole))
            weekdays = sorted({d.weekday() for d in days})
            for size in range(2, len(weekdays)):
                for subset in itertools.combinations(weekdays, size):
                    part = [d for d in days if d.weekday() in subset]
                    limit = capacity(people, part, workable)
                    if limit < min(whole, sum(min(most[d], single[d]) for d in part)):
                        limits.append(PostLimit(frozenset(part), per_tour, limit))
    return tuple(limits)


def _most_posts(instance: Instance, per_tour, day: date) -> int:
    """The most places of a role the units could ask for on ``day``: a limit above it never binds."""
    most = 0
    for unit_id, n in per_tour.items():
        unit = instance.unit(unit_id)
        if day.weekday() in unit.days:
            most += n * (unit.rooms * unit.sessions_per_day if unit.kind is UnitKind.FIXED else 1)
    return most


def _workable(person: Staff, days: Sequence[date]) -> frozenset[date]:
    """The ``days`` ``person`` offers (some half-day of that weekday) and is not on leave."""
    return frozenset(
        d for d in days if not person.is_off(d) and any((d.weekday(), h) in person.availability for h in HalfDay)
    )


def capacity(people: Sequence[Staff], days: Sequence[date], workable: Mapping[str, frozenset[date]]) -> int:
    """The most shifts ``people`` can take on ``days``: one a day on the dates they can work
    (``workable``, by person id, from `_workable`), within their weekly and monthly maxima."""
    total = 0
    for person in people:
        months: dict[tuple[int, int], dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
        for d in days:
            if d in workable[person.id]:
                year, week, _ = d.isocalendar()
                months[(d.year, d.month)][(year, week)] += 1
        total += sum(
            min(person.max_shifts_per_month, sum(min(person.max_shifts_per_week, n) for n in weeks.values()))
            for weeks in months.values()
        )
    return total
