"""Idle capacity: bus days that could hold one more session while a commune within reach waits.

A regular weekly pattern leaves capacity unused: a bus parked on a Monday its pattern cannot fill
every week, a day of one session where the crew could stay for a second, a half-day volunteer
nobody's regular day fits. `free_sessions` finds every such opportunity in a finished plan — a bus
day (with or without a tour) below its sessions a day, whose unit works that date, for which a
crew is free (a tour already crewed, or people free that day: role, half-days, dates off, weekly and
monthly maxima, one shift a day) and a commune below its target is within reach — and says, for
each, the first commune that can take it, or the rule that keeps each commune out. The planner
fills the first kind (`planner.planning.fill`); the KPI ``idle_sessions`` counts what remains, and
the summary says why.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from planner.crews.rota_facts import iso_week, month_of
from planner.crews.rota_travel import home_km
from planner.crews.staffing import max_crews
from planner.domain.calendar import closed_dates
from planner.domain.french import weekday_date_fr
from planner.domain.instance import Commune, HalfDay, Instance, Role, Staff, Unit, UnitKind, half_days_of
from planner.domain.plan import Shift, Tour, shift_times
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.day_routing import DayResult, route_day_by_rules
from planner.tours.pattern_problem import reachable

#: At most this many communes are tried (timed by routing) for one free session, best first; the
#: others are reported with the reason "non essayée". Keeps a department's pass to seconds.
TRIES_PER_SESSION = 12


@dataclass(frozen=True)
class FreeSession:
    """One more session a bus day could hold: ``tour`` is the day timed with it (``None`` when no
    commune fits), ``crew`` the people it needs when the day had no tour, ``reasons`` why the
    communes within reach could not take it (French, one per rule, with how many communes)."""

    unit_id: str
    date: date
    tour: Tour | None
    crew: tuple[tuple[str, Role], ...]
    reasons: tuple[str, ...]


class CrewLoads:
    """Who works when: each person's dates, weeks and months of shifts."""

    def __init__(self, shifts: Iterable[Shift]) -> None:
        self.days: dict[str, set[date]] = defaultdict(set)
        self.weeks: Counter[tuple[str, tuple[int, int]]] = Counter()
        self.months: Counter[tuple[str, tuple[int, int]]] = Counter()
        for s in shifts:
            self.add(s.staff_id, s.date)

    def add(self, staff_id: str, day: date) -> None:
        if day in self.days[staff_id]:
            return
        self.days[staff_id].add(day)
        self.weeks[staff_id, iso_week(day)] += 1
        self.months[staff_id, month_of(day)] += 1

    def free(self, person: Staff, day: date, tour: Tour, rules) -> bool:
        """Free for ``tour``: the half-days of its shift offered, not on leave, no shift that day,
        below the weekly and monthly maxima."""
        return self.free_on(person, day, half_days_of(*shift_times(tour, None, rules)))

    def free_on(self, person: Staff, day: date, halves: Iterable[HalfDay]) -> bool:
        return (
            day not in self.days[person.id]
            and person.is_available(day, halves)
            and self.weeks[person.id, iso_week(day)] < person.max_shifts_per_week
            and self.months[person.id, month_of(day)] < person.max_shifts_per_month
        )


def free_crew(instance: Instance, loads: CrewLoads, unit: Unit, tour: Tour) -> tuple[tuple[str, Role], ...] | None:
    """A crew for a new ``tour`` among the people free that day (`CrewLoads.free`), roles with the
    fewest candidates first, each role by the nearest home to the depot, then id; ``None`` if none."""
    crew: list[tuple[str, Role]] = []
    taken: set[str] = set()
    needed = sorted(((r, n) for r, n in unit.crew.items() if n > 0), key=lambda rn: rn[0].value)
    pools = {
        role: [p for p in instance.staff if role in p.roles and loads.free(p, tour.date, tour, instance.rules)]
        for role, _ in needed
    }
    for role, n in sorted(needed, key=lambda rn: (len(pools[rn[0]]), rn[0].value)):
        pool = sorted(
            (p for p in pools[role] if p.id not in taken),
            key=lambda p: (home_km(instance, p, unit, tour) or 0.0, p.id),
        )
        if len(pool) < n:
            return None
        for person in pool[:n]:
            crew.append((person.id, role))
            taken.add(person.id)
    return tuple(crew)


class VisitDates:
    """Each commune's visit dates (all units), for the frequency and gap rules."""

    def __init__(self, instance: Instance, tours: Iterable[Tour]) -> None:
        self.instance = instance
        self.dates: dict[str, list[date]] = defaultdict(list)
        for t in tours:
            if instance.unit(t.unit_id).kind is not UnitKind.FIXED:
                for s in t.sessions:
                    self.dates[s.insee].append(t.date)

    def add(self, insee: str, day: date) -> None:
        self.dates[insee].append(day)

    def remove(self, insee: str, day: date) -> None:
        self.dates[insee].remove(day)

    def blocked(self, commune: Commune, day: date) -> str | None:
        """The rule a visit of ``commune`` on ``day`` would break, as a French phrase, or ``None``."""
        rules = self.instance.rules
        seen = self.dates[commune.insee]
        gap = max(1, rules.min_gap_days)
        if any(abs((day - d).days) < gap for d in seen):
            return "écart minimal entre deux visites"
        v = commune.visits_per_week
        week = rules.week_index(day)
        if v >= 1:
            if sum(1 for d in seen if rules.week_index(d) == week) + 1 > math.ceil(v - 1e-9):
                return "fréquence (visites de la semaine)"
        else:
            period = max(1, round(1 / v))
            if any(abs(rules.week_index(d) - week) < period for d in seen):
                return "fréquence (une visite toutes les quelques semaines)"
        return None


def free_sessions(
    instance: Instance,
    tours: Sequence[Tour],
    shifts: Sequence[Shift],
    travel: TravelMatrix,
    targets: Mapping[str, float],
    *,
    fill: bool = False,
) -> tuple[list[FreeSession], list[Tour], list[Shift]]:
    """Every bus day that could hold one more session while a commune of ``targets`` (bus visits a
    week, by INSEE code) is below its target; with ``fill``, each one a commune can take is taken
    at once (the day re-timed, a crew found for a new tour), in date then unit order, so that later
    days see it. Returns the free sessions found (taken ones have a ``tour``) and the tours and
    shifts after filling."""
    rules = instance.rules
    closed = closed_dates(rules)
    by_key = {t.key: t for t in tours}
    crew_of: dict[str, list[Shift]] = defaultdict(list)
    for s in shifts:
        crew_of[s.tour_key].append(s)
    loads, visits, timings = CrewLoads(shifts), VisitDates(instance, tours), DayTimings(instance, travel)
    counts = Counter(i for t in tours for i in (s.insee for s in t.sessions) if i in targets)
    found: list[FreeSession] = []
    staffed = bool(instance.staff) and any(u.crew for u in instance.units)
    buses = [u for u in instance.units if u.kind is not UnitKind.FIXED]
    for day in rules.dates():
        if day in closed:
            continue
        for unit in buses:
            if day.weekday() not in unit.days or rules.unit_closed(unit.id, day):
                continue
            key = f"{unit.id}/{day.isoformat()}"
            while True:
                current = by_key.get(key)
                if current is not None and len(current.sessions) >= unit.sessions_per_day:
                    break
                waiting = [
                    c
                    for c in waiting_communes(instance, targets, counts)
                    if reachable(instance, travel, unit, c) and unit.may_serve(c.insee)
                ]
                if not waiting or (current is None and staffed and not crew_possible(instance, loads, unit, day)):
                    break
                session = try_day(
                    instance, timings, unit, day, current, crew_of[key], waiting, visits, loads if staffed else None
                )
                found.append(session)
                if not fill or session.tour is None:
                    break
                by_key[key] = session.tour
                added = {s.insee for s in session.tour.sessions} - {
                    s.insee for s in (current.sessions if current else ())
                }
                for insee in sorted(added):
                    counts[insee] += 1
                    visits.add(insee, day)
                crew_of[key] = filled_day_shifts(instance, unit, session, crew_of[key])
                for s in crew_of[key]:
                    loads.add(s.staff_id, day)
    new_tours = sorted(by_key.values(), key=lambda t: (t.date, t.unit_id))
    new_shifts = [s for key in sorted(crew_of) for s in crew_of[key]]
    if not fill:
        return found, list(tours), list(shifts)
    return found, new_tours, new_shifts


def waiting_communes(instance: Instance, targets: Mapping[str, float], counts: Counter) -> list[Commune]:
    """Communes below their target over the horizon, priority zones first, then by need."""
    weeks = instance.rules.weeks
    below = [instance.commune(i) for i, per_week in targets.items() if counts[i] < per_week * weeks - 1e-9]
    return sorted(below, key=lambda c: (not c.priority, -c.need, c.insee))


class DayTimings:
    """Days timed by `route_day_by_rules`, each remembered for one pass over a plan: a day's timing
    depends on its unit, its communes (in order) and their usual starts, never on its date, so the
    same day of every week is timed once (an exchange of sessions re-times its days in every week)."""

    def __init__(self, instance: Instance, travel: TravelMatrix) -> None:
        self.rules, self.travel = instance.rules, travel
        self.known: dict[tuple, DayResult] = {}

    def timed(self, unit: Unit, day: date, communes: list[Commune], usual: Mapping[str, int]) -> DayResult:
        """The day timed, its tour stamped with the date it was first timed for (`tour` re-stamps)."""
        key = (unit.id, tuple(c.insee for c in communes), tuple(sorted(usual.items())))
        if key not in self.known:
            self.known[key] = route_day_by_rules(unit, day, communes, self.rules, travel=self.travel, usual_start=usual)
        return self.known[key]

    def tour(self, unit: Unit, day: date, communes: list[Commune], usual: Mapping[str, int]) -> Tour | None:
        """The day's tour on ``day`` with every one of ``communes``, or ``None`` when one does not fit."""
        result = self.timed(unit, day, communes, usual)
        if result.dropped or result.tour is None:
            return None
        return replace(result.tour, unit_id=unit.id, date=day)


def try_day(
    instance: Instance,
    timings: DayTimings,
    unit: Unit,
    day: date,
    current: Tour | None,
    crew: list[Shift],
    waiting: list[Commune],
    visits: VisitDates,
    loads: CrewLoads | None,
) -> FreeSession:
    """The first waiting commune the day can take, timed and crewed (``loads`` is ``None`` when the
    plan has no crews), or why none could."""
    travel = timings.travel
    rules = instance.rules
    here = [instance.commune(s.insee) for s in current.sessions] if current else []
    usual = {s.insee: s.start for s in current.sessions} if current else {}
    reasons: Counter[str] = Counter()
    tries = 0
    for commune in waiting:
        why = site_rule(instance, unit, commune, day) or visits.blocked(commune, day)
        if why is None and here and not near_any(instance, travel, commune, here):
            why = f"à plus de {rules.max_drive_between_sessions} min des autres séances du jour"
        if why is not None:
            reasons[why] += 1
            continue
        if tries >= TRIES_PER_SESSION:
            reasons["non essayée (limite d'essais)"] += 1
            continue
        tries += 1
        tour = timings.tour(unit, day, [*here, commune], usual)
        if tour is None:
            reasons["ne tient pas dans la journée"] += 1
            continue
        if current is not None:
            if not crew_still_free(instance, crew, tour):
                reasons["équipe du jour indisponible pour la journée allongée"] += 1
                continue
            return FreeSession(unit.id, day, tour, (), ())
        new_crew = free_crew(instance, loads, unit, tour) if loads is not None else ()
        if new_crew is None:
            reasons["aucune équipe libre"] += 1
            continue
        return FreeSession(unit.id, day, tour, new_crew, ())
    text = tuple(f"{why} ({n} commune(s))" for why, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    return FreeSession(unit.id, day, None, (), text)


def crew_possible(instance: Instance, loads: CrewLoads, unit: Unit, day: date) -> bool:
    """Whether a crew for a new tour could be free that day, for the morning, the afternoon or the
    whole day (before the day is timed, which says which)."""
    for halves in ((HalfDay.MORNING,), (HalfDay.AFTERNOON,), tuple(HalfDay)):
        people = [p for p in instance.staff if loads.free_on(p, day, halves)]
        if max_crews(people, unit.crew, 1):
            return True
    return False


def site_rule(instance: Instance, unit: Unit, commune: Commune, day: date) -> str | None:
    rules = instance.rules
    if day.weekday() not in commune.site.open_days:
        return "site fermé ce jour-là"
    if rules.commune_closed(commune.insee, day):
        return "commune fermée ce jour-là"
    if not rules.day_allowed(commune.insee, day.weekday(), unit.id):
        return "jour exclu ou épingle ailleurs"
    return None


def near_any(instance: Instance, travel: TravelMatrix, commune: Commune, here: list[Commune]) -> bool:
    limit = instance.rules.max_drive_between_sessions
    a = travel.index(commune.site.point)
    return any(
        min(travel.minutes[a, travel.index(c.site.point)], travel.minutes[travel.index(c.site.point), a]) <= limit
        for c in here
    )


def crew_still_free(instance: Instance, crew: Iterable[Shift], tour: Tour) -> bool:
    """Every person of the day's ``crew`` can work the re-timed ``tour`` (the half-days of its new shift)."""
    halves = half_days_of(*shift_times(tour, None, instance.rules))
    return all(instance.person(s.staff_id).is_available(tour.date, halves) for s in crew)


def filled_day_shifts(instance: Instance, unit: Unit, session: FreeSession, crew: list[Shift]) -> list[Shift]:
    """The shifts of the filled day: the day's crew re-timed, or the new crew."""
    assert session.tour is not None
    start, end = shift_times(session.tour, None, instance.rules)
    if crew:
        return [Shift(s.unit_id, s.date, s.staff_id, s.role, start, end, s.remote, s.session) for s in crew]
    return [
        Shift(unit.id, session.date, staff_id, role, start, end, role in unit.remote_roles)
        for staff_id, role in session.crew
    ]


#: At most this many idle sessions are told one by one; the rest are counted.
IDLE_LINES = 10


def idle_text(instance: Instance, found: Sequence[FreeSession]) -> list[str]:
    """One French line per idle session (a bus day, its date, why no waiting commune could take it),
    the first `IDLE_LINES`, then how many more: what the summary says of the KPI ``idle_sessions``."""
    lines = []
    for f in found[:IDLE_LINES]:
        why = " ; ".join(f.reasons) if f.reasons else "une commune pouvait la prendre"
        lines.append(
            f"Capacité inutilisée : {instance.unit(f.unit_id).name}, {weekday_date_fr(f.date)}, une séance de plus "
            f"possible (équipe libre) : {why}."
        )
    if len(found) > IDLE_LINES:
        lines.append(f"Capacité inutilisée : {len(found) - IDLE_LINES} autre(s) séance(s) possible(s) de même.")
    return lines
