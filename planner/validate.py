"""The independent check of a finished plan: every hard constraint, re-checked from scratch.

This module knows nothing of the solvers (it imports none of them): it reads an `Instance` and a
`Plan` and returns every broken hard constraint as a `Violation` whose message, in French, names the
unit, the date, the place, the person and the times involved. Every plan the planner outputs has
passed it (`assert_valid`).

The rules are listed in one place, `HARD_RULES`, one function per rule, under the headings "hard:
tours" and "hard: staff" (the Timefold quickstart shape). Each rule function takes a `Context` and
yields its violations; a rule that cannot judge something another rule reports (an unknown unit, an
unknown commune) skips it, so that one mistake is reported once, by the rule it belongs to.

Travel
------
Travel times are looked up by place: a unit's depot is ``unit.depot`` and a session's place is
``Point(site.name, site.lat, site.lon)`` of its commune's site, exactly the points the core builds
its matrices over. When no matrix is given, an `EstimateSource` matrix over the places the plan uses
is built. When a matrix is given but lacks a place, the legs touching that place are estimated with
`EstimateSource` and a `PlanWarning` says which places were estimated (not a violation: the plan may
be right, the matrix is only incomplete). Units of kind ``fixed`` never drive: every leg is 0.

Crews
-----
Crew rules (CREW) apply whenever the plan has shifts or the instance has staff: a tour without any
shift is then a violation ("tournée sans équipe") unless its unit's crew is empty. A plan of tours
only, for an instance without a roster, is checked for its tours alone.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TypeVar

import holidays as holidays_lib

from planner.errors import PlanningError, PlanWarning
from planner.model import (
    WEEKDAYS_FR,
    Commune,
    HalfDay,
    Instance,
    Plan,
    Point,
    Session,
    Shift,
    Staff,
    Tour,
    Unit,
    UnitKind,
    half_days_of,
    hhmm,
)
from planner.travel import EstimateSource, TravelMatrix

__all__ = [
    "HARD_RULES",
    "RULE_NAMES",
    "Context",
    "Violation",
    "assert_valid",
    "date_fr",
    "validate",
]

#: Minutes of slack allowed on each driving leg, for solvers that round travel times.
TRAVEL_TOLERANCE_MIN = 1.0
#: Allowed gap, per leg, between a tour's drive_minutes / drive_km and the sum of its legs.
DRIVE_MINUTES_TOLERANCE_PER_LEG = 1.0
DRIVE_KM_TOLERANCE_PER_LEG = 0.5

T = TypeVar("T")

# Rule names (constants, as in Timefold's constraint ids).
UNIT_DAY = "UNIT_DAY"
HOLIDAY = "HOLIDAY"
COMMUNE_CLOSED = "COMMUNE_CLOSED"
HOURS = "HOURS"
SESSION_TIMES = "SESSION_TIMES"
TRAVEL = "TRAVEL"
LUNCH = "LUNCH"
SITE_OPEN = "SITE_OPEN"
SITE_CLASH = "SITE_CLASH"
UNIT_PLACES = "UNIT_PLACES"
FREQUENCY = "FREQUENCY"
MIN_GAP = "MIN_GAP"
ONE_TOUR_PER_DAY = "ONE_TOUR_PER_DAY"
CREW = "CREW"
ROLE = "ROLE"
REMOTE = "REMOTE"
AVAILABILITY = "AVAILABILITY"
SHIFT_TIMES = "SHIFT_TIMES"
ONE_PLACE = "ONE_PLACE"
MAX_WEEK = "MAX_WEEK"
MAX_MONTH = "MAX_MONTH"

MONTHS_FR_SHORT = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


@dataclass(frozen=True)
class Violation:
    """One broken hard constraint: which rule, a French message, and the tour / person concerned."""

    rule: str
    message: str
    tour_key: str | None = None
    staff_id: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def date_fr(day: date) -> str:
    """A date as French readers write it: ``mercredi 2 déc. 2026``."""
    return f"{WEEKDAYS_FR[day.weekday()]} {day.day} {MONTHS_FR_SHORT[day.month - 1]} {day.year}"


def _minutes(value: float) -> str:
    """A duration in whole minutes, rounded up (a trip of 24.2 min takes 25 min)."""
    return f"{math.ceil(value - 1e-9)} min"


# --- What every rule reads ------------------------------------------------------------------


def _site_point(commune: Commune) -> Point:
    site = commune.site
    return Point(site.name, site.lat, site.lon)


@dataclass
class _Travel:
    """Minutes and km between two places, from the given matrix or, when a place is missing, estimated."""

    matrix: TravelMatrix
    estimated: set[Point] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._index = {p: i for i, p in enumerate(self.matrix.places)}
        self._fallback = EstimateSource()
        self._estimates: dict[tuple[Point, Point], tuple[float, float]] = {}

    def leg(self, a: Point, b: Point) -> tuple[float, float]:
        if a == b:
            return 0.0, 0.0
        i, j = self._index.get(a), self._index.get(b)
        if i is not None and j is not None:
            return float(self.matrix.minutes[i, j]), float(self.matrix.km[i, j])
        self.estimated.update(p for p, k in ((a, i), (b, j)) if k is None)
        if (a, b) not in self._estimates:
            pair = self._fallback.matrix([a, b])
            self._estimates[(a, b)] = float(pair.minutes[0, 1]), float(pair.km[0, 1])
        return self._estimates[(a, b)]


@dataclass(frozen=True)
class _Stop:
    """A place a tour passes through, with when it gets there and when it leaves."""

    point: Point
    name: str
    arrival: int
    departure: int


@dataclass
class Context:
    """The instance, the plan and the travel lookups every rule reads."""

    instance: Instance
    plan: Plan
    travel: _Travel

    def unit_of(self, unit_id: str) -> Unit | None:
        try:
            return self.instance.unit(unit_id)
        except KeyError:
            return None

    def commune_of(self, insee: str) -> Commune | None:
        return self.instance.commune(insee) if self.instance.has_commune(insee) else None

    def tours(self) -> Iterator[tuple[Tour, Unit]]:
        """Tours whose unit exists (UNIT_DAY reports the others)."""
        for tour in self.plan.tours:
            unit = self.unit_of(tour.unit_id)
            if unit is not None:
                yield tour, unit

    def visits(self) -> Iterator[tuple[Tour, Unit, Session, Commune]]:
        """Sessions of known tours in known communes (UNIT_PLACES reports the others)."""
        for tour, unit in self.tours():
            for session in tour.sessions:
                commune = self.commune_of(session.insee)
                if commune is not None:
                    yield tour, unit, session, commune

    def unit_name(self, unit_id: str) -> str:
        unit = self.unit_of(unit_id)
        return unit.name if unit else unit_id

    def where(self, tour: Tour) -> str:
        """The start of every message about a tour: ``Bus bus1, lundi 4 janv. 2027``."""
        return f"{self.unit_name(tour.unit_id)}, {date_fr(tour.date)}"

    def place_name(self, session: Session) -> str:
        commune = self.commune_of(session.insee)
        return commune.name if commune else session.insee

    def stops(self, tour: Tour, unit: Unit) -> list[_Stop] | None:
        """Depot, sessions, depot; None when a session's commune is unknown."""
        depot = _Stop(unit.depot, unit.depot.name, tour.leave_depot, tour.leave_depot)
        stops = [depot]
        for session in tour.sessions:
            commune = self.commune_of(session.insee)
            if commune is None:
                return None
            point = unit.depot if unit.kind is UnitKind.FIXED else _site_point(commune)
            stops.append(_Stop(point, commune.name, session.arrival, session.departure))
        stops.append(_Stop(unit.depot, unit.depot.name, tour.back_at_depot, tour.back_at_depot))
        return stops

    def leg(self, unit: Unit, a: _Stop, b: _Stop) -> tuple[float, float]:
        if unit.kind is UnitKind.FIXED:
            return 0.0, 0.0
        return self.travel.leg(a.point, b.point)

    @cached_property
    def holidays(self) -> dict[date, str]:
        """Public holidays (with their French names) of every year the plan or horizon touches."""
        rules = self.instance.rules
        if not rules.public_holidays:
            return {}
        years = {rules.start.year, rules.end.year} | {t.date.year for t in self.plan.tours}
        found = holidays_lib.France(
            years=sorted(years), subdiv=rules.holiday_subdivision or None, language="fr"
        )
        return dict(found.items())

    @cached_property
    def tours_by_key(self) -> dict[str, Tour]:
        return {t.key: t for t in self.plan.tours}

    @cached_property
    def shifts_by_tour(self) -> dict[str, list[Shift]]:
        grouped: dict[str, list[Shift]] = defaultdict(list)
        for shift in self.plan.shifts:
            grouped[shift.tour_key].append(shift)
        return grouped

    def person_name(self, staff_id: str) -> str:
        try:
            return self.instance.person(staff_id).name
        except KeyError:
            return staff_id

    def shift_where(self, shift: Shift) -> str:
        """The start of every message about a shift: ``Dr A. Martin, Bus bus1, lundi 4 janv. 2027``."""
        return f"{self.person_name(shift.staff_id)}, {self.unit_name(shift.unit_id)}, {date_fr(shift.date)}"


def _overlapping_pairs(
    items: Iterable[T], group: Callable[[T], Hashable], span: Callable[[T], tuple[int, int]]
) -> Iterator[tuple[T, T]]:
    """Pairs of items of the same group whose ``[start, end)`` spans overlap, earlier one first."""
    groups: dict[Hashable, list[T]] = defaultdict(list)
    for item in items:
        groups[group(item)].append(item)
    for members in groups.values():
        ordered = sorted(members, key=span)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if span(b)[0] >= span(a)[1]:
                    break
                yield a, b


def _side_by_side(ctx: Context, a: tuple[str, int, int], b: tuple[str, int, int]) -> str:
    """``(Bus bus1 09:00-12:00, Bus bus2 09:30-12:30)``: two units' overlapping spans."""
    return ", ".join(f"{ctx.unit_name(u)} {hhmm(start)}-{hhmm(end)}" for u, start, end in (a, b)).join("()")


# --- hard: tours ----------------------------------------------------------------------------


def check_unit_day(ctx: Context) -> Iterator[Violation]:
    """The unit exists, works that weekday, and the date lies inside the planning horizon."""
    rules = ctx.instance.rules
    for tour in ctx.plan.tours:
        unit = ctx.unit_of(tour.unit_id)
        where = ctx.where(tour)
        if unit is None:
            yield Violation(UNIT_DAY, f"{where} : unité « {tour.unit_id} » inconnue", tour.key)
            continue
        if tour.date.weekday() not in unit.days:
            days = ", ".join(WEEKDAYS_FR[d] for d in sorted(unit.days)) or "aucun jour"
            msg = f"{where} : l'unité ne circule pas le {WEEKDAYS_FR[tour.date.weekday()]} (jours : {days})"
            yield Violation(UNIT_DAY, msg, tour.key)
        if not rules.start <= tour.date <= rules.end:
            msg = f"{where} : date hors de l'horizon ({date_fr(rules.start)} – {date_fr(rules.end)})"
            yield Violation(UNIT_DAY, msg, tour.key)


def check_holiday(ctx: Context) -> Iterator[Violation]:
    """No tour on a French public holiday (when the rules say so) nor on a closure date."""
    closures = ctx.instance.rules.closures
    for tour in ctx.plan.tours:
        if tour.date in ctx.holidays:
            msg = f"{ctx.where(tour)} : jour férié ({ctx.holidays[tour.date]})"
            yield Violation(HOLIDAY, msg, tour.key)
        if tour.date in closures:
            yield Violation(HOLIDAY, f"{ctx.where(tour)} : jour de fermeture", tour.key)


def check_commune_closed(ctx: Context) -> Iterator[Violation]:
    """No session in a commune on one of its closure dates."""
    rules = ctx.instance.rules
    for tour, _unit, session, commune in ctx.visits():
        if rules.commune_closed(session.insee, tour.date):
            msg = f"{ctx.where(tour)} : séance à {commune.name} alors que la commune est fermée ce jour-là"
            yield Violation(COMMUNE_CLOSED, msg, tour.key)


def check_hours(ctx: Context) -> Iterator[Violation]:
    """The tour leaves the depot and comes back within the unit's working hours."""
    for tour, unit in ctx.tours():
        where, hours = ctx.where(tour), unit.hours
        if tour.leave_depot < hours.start:
            msg = f"{where} : départ du dépôt à {hhmm(tour.leave_depot)}, avant le début du service ({hhmm(hours.start)})"
            yield Violation(HOURS, msg, tour.key)
        if tour.back_at_depot > hours.end:
            msg = f"{where} : retour au dépôt à {hhmm(tour.back_at_depot)}, après la fin du service ({hhmm(hours.end)})"
            yield Violation(HOURS, msg, tour.key)
        if tour.back_at_depot < tour.leave_depot:
            msg = f"{where} : retour au dépôt ({hhmm(tour.back_at_depot)}) avant le départ ({hhmm(tour.leave_depot)})"
            yield Violation(HOURS, msg, tour.key)


def check_session_times(ctx: Context) -> Iterator[Violation]:
    """Each session is consistent, lasts the session length, and sessions follow one another."""
    rules = ctx.instance.rules
    for tour, unit in ctx.tours():
        where = ctx.where(tour)
        length = rules.session_length(unit)
        if not tour.sessions:
            yield Violation(SESSION_TIMES, f"{where} : tournée sans aucune séance", tour.key)
        if len(tour.sessions) > unit.sessions_per_day:
            msg = f"{where} : {len(tour.sessions)} séances, au plus {unit.sessions_per_day} par jour"
            yield Violation(SESSION_TIMES, msg, tour.key)
        for s in tour.sessions:
            name = ctx.place_name(s)
            if not s.arrival <= s.start < s.end <= s.departure:
                msg = (
                    f"{where} : à {name}, horaires incohérents (arrivée {hhmm(s.arrival)}, "
                    f"séance {hhmm(s.start)}-{hhmm(s.end)}, départ {hhmm(s.departure)})"
                )
                yield Violation(SESSION_TIMES, msg, tour.key)
            if s.end - s.start != length:
                msg = (
                    f"{where} : la séance à {name} ({hhmm(s.start)}-{hhmm(s.end)}) dure "
                    f"{s.end - s.start} min au lieu de {length} min"
                )
                yield Violation(SESSION_TIMES, msg, tour.key)
        for prev, nxt in zip(tour.sessions, tour.sessions[1:]):
            if nxt.arrival < prev.departure or nxt.start < prev.end:
                msg = (
                    f"{where} : la séance à {ctx.place_name(nxt)} (arrivée {hhmm(nxt.arrival)}) "
                    f"commence avant la fin de celle à {ctx.place_name(prev)} (départ {hhmm(prev.departure)})"
                )
                yield Violation(SESSION_TIMES, msg, tour.key)


def check_travel(ctx: Context) -> Iterator[Violation]:
    """Every leg leaves enough time to drive it; the tour's driving totals match its legs."""
    for tour, unit in ctx.tours():
        stops = ctx.stops(tour, unit)
        if stops is None:
            continue
        where = ctx.where(tour)
        total_min = total_km = 0.0
        for a, b in zip(stops, stops[1:]):
            minutes, km = ctx.leg(unit, a, b)
            total_min += minutes
            total_km += km
            if b.arrival + TRAVEL_TOLERANCE_MIN < a.departure + minutes:
                arrival = "retour au dépôt" if b is stops[-1] else "arrivée"
                msg = (
                    f"{where} : {arrival} à {b.name} à {hhmm(b.arrival)} mais le trajet depuis "
                    f"{a.name} prend {_minutes(minutes)} (départ {hhmm(a.departure)})"
                )
                yield Violation(TRAVEL, msg, tour.key)
        legs = len(stops) - 1
        if abs(tour.drive_minutes - total_min) > DRIVE_MINUTES_TOLERANCE_PER_LEG * legs:
            msg = f"{where} : temps de conduite annoncé {tour.drive_minutes:.0f} min, trajets calculés {total_min:.0f} min"
            yield Violation(TRAVEL, msg, tour.key)
        if abs(tour.drive_km - total_km) > DRIVE_KM_TOLERANCE_PER_LEG * legs:
            msg = f"{where} : distance annoncée {tour.drive_km:.1f} km, trajets calculés {total_km:.1f} km"
            yield Violation(TRAVEL, msg, tour.key)


def check_lunch(ctx: Context) -> Iterator[Violation]:
    """No session during lunch, and the drive of the gap that holds lunch fits outside lunch.

    A tour that leaves or comes back during the lunch window is not concerned by the second part:
    its crew is not at work for the whole window.
    """
    for tour, unit in ctx.tours():
        lunch = unit.lunch
        if lunch is None:
            continue
        where = ctx.where(tour)
        for s in tour.sessions:
            if lunch.overlaps(s.start, s.end):
                msg = f"{where} : la séance à {ctx.place_name(s)} ({hhmm(s.start)}-{hhmm(s.end)}) empiète sur la pause déjeuner ({lunch})"
                yield Violation(LUNCH, msg, tour.key)
        stops = ctx.stops(tour, unit)
        if stops is None:
            continue
        # Gaps between consulting: depot → first session, between sessions, last session → depot.
        # Only a gap holding the whole lunch window matters: a tour that starts or ends during the
        # window takes its lunch outside working time (a session cutting into it is reported above).
        ends = [tour.leave_depot] + [s.end for s in tour.sessions]
        starts = [s.start for s in tour.sessions] + [tour.back_at_depot]
        for k, (gap_start, gap_end) in enumerate(zip(ends, starts)):
            if not (gap_start <= lunch.start and lunch.end <= gap_end):
                continue
            minutes, _ = ctx.leg(unit, stops[k], stops[k + 1])
            free = (gap_end - gap_start) - lunch.minutes
            if free + TRAVEL_TOLERANCE_MIN < minutes:
                msg = (
                    f"{where} : entre {hhmm(gap_start)} et {hhmm(gap_end)}, pause déjeuner ({lunch}) "
                    f"déduite, il reste {free} min pour un trajet de {_minutes(minutes)} "
                    f"({stops[k].name} → {stops[k + 1].name})"
                )
                yield Violation(LUNCH, msg, tour.key)


def check_site_open(ctx: Context) -> Iterator[Violation]:
    """Each session falls on a day and within the hours its site can be used."""
    for tour, _unit, s, commune in ctx.visits():
        site = commune.site
        if site.is_open(tour.date.weekday(), s.start, s.end):
            continue
        if tour.date.weekday() not in site.open_days:
            why = f"le site n'ouvre pas le {WEEKDAYS_FR[tour.date.weekday()]}"
        else:
            why = f"le site n'est ouvert que {site.open_hours}"
        msg = f"{ctx.where(tour)} : séance à {commune.name} ({hhmm(s.start)}-{hhmm(s.end)}) mais {why} ({site.name})"
        yield Violation(SITE_OPEN, msg, tour.key)


def check_site_clash(ctx: Context) -> Iterator[Violation]:
    """One unit per site at a time: sessions of two units at one site must not overlap."""
    visits = [(tour, s) for tour, _unit, s, _commune in ctx.visits()]
    pairs = _overlapping_pairs(visits, lambda v: (v[1].site_id, v[0].date), lambda v: (v[1].start, v[1].end))
    for (ta, sa), (tb, sb) in pairs:
        if ta.unit_id == tb.unit_id:
            continue  # the same unit: ONE_TOUR_PER_DAY or SESSION_TIMES
        both = _side_by_side(ctx, (ta.unit_id, sa.start, sa.end), (tb.unit_id, sb.start, sb.end))
        msg = f"{date_fr(ta.date)} : deux unités au même site {sa.site_id} en même temps {both}"
        yield Violation(SITE_CLASH, msg, tb.key)


def check_unit_places(ctx: Context) -> Iterator[Violation]:
    """Each session is in a known commune, at its site, that the unit may serve."""
    for tour, unit in ctx.tours():
        where = ctx.where(tour)
        for s in tour.sessions:
            commune = ctx.commune_of(s.insee)
            if commune is None:
                yield Violation(UNIT_PLACES, f"{where} : commune {s.insee} inconnue", tour.key)
                continue
            if not unit.may_serve(s.insee):
                msg = f"{where} : l'unité ne dessert pas {commune.name} ({s.insee})"
                yield Violation(UNIT_PLACES, msg, tour.key)
            if s.site_id != commune.site.id:
                msg = f"{where} : séance à {commune.name} sur le site {s.site_id}, or son site est {commune.site.id}"
                yield Violation(UNIT_PLACES, msg, tour.key)


def _visits_by_commune(ctx: Context) -> dict[str, list[tuple[Tour, Session]]]:
    by_commune: dict[str, list[tuple[Tour, Session]]] = defaultdict(list)
    for tour, _unit, s, _commune in ctx.visits():
        by_commune[s.insee].append((tour, s))
    for visits in by_commune.values():
        visits.sort(key=lambda v: (v[0].date, v[1].start))
    return by_commune


def check_frequency(ctx: Context) -> Iterator[Violation]:
    """No commune is visited more often than its target frequency allows (weeks of the horizon)."""
    rules = ctx.instance.rules
    for insee, visits in _visits_by_commune(ctx).items():
        commune = ctx.instance.commune(insee)
        v = commune.visits_per_week
        weeks = Counter(rules.week_index(t.date) for t, _ in visits)
        if v <= 0:
            msg = f"{commune.name} : {len(visits)} visite(s) alors que la commune ne doit pas être visitée"
            yield Violation(FREQUENCY, msg, visits[0][0].key)
        elif v >= 1:
            cap = math.ceil(v - 1e-9)
            for week, count in sorted(weeks.items()):
                if count > cap:
                    msg = f"{commune.name} : {count} visites en semaine {week + 1}, au plus {cap} par semaine"
                    tour = next(t for t, _ in visits if rules.week_index(t.date) == week)
                    yield Violation(FREQUENCY, msg, tour.key)
        else:
            period = max(1, round(1 / v))
            for (ta, _), (tb, _) in zip(visits, visits[1:]):
                wa, wb = rules.week_index(ta.date), rules.week_index(tb.date)
                if wb - wa < period:
                    msg = (
                        f"{commune.name} : visites en semaines {wa + 1} ({date_fr(ta.date)}) et {wb + 1} "
                        f"({date_fr(tb.date)}), au plus une toutes les {period} semaines"
                    )
                    yield Violation(FREQUENCY, msg, tb.key)


def check_min_gap(ctx: Context) -> Iterator[Violation]:
    """Two visits of one commune are at least ``min_gap_days`` apart, never on the same date."""
    gap = ctx.instance.rules.min_gap_days
    for insee, visits in _visits_by_commune(ctx).items():
        name = ctx.instance.commune(insee).name
        for (ta, _), (tb, _) in zip(visits, visits[1:]):
            days = (tb.date - ta.date).days
            if days == 0:
                yield Violation(MIN_GAP, f"{name} : deux visites le même jour ({date_fr(ta.date)})", tb.key)
            elif days < gap:
                msg = (
                    f"{name} : visites le {date_fr(ta.date)} et le {date_fr(tb.date)}, "
                    f"{days} jour(s) d'écart au lieu d'au moins {gap}"
                )
                yield Violation(MIN_GAP, msg, tb.key)


def check_one_tour_per_day(ctx: Context) -> Iterator[Violation]:
    """At most one tour per unit and date."""
    counts = Counter(t.key for t in ctx.plan.tours)
    for key, count in counts.items():
        if count > 1:
            tour = ctx.tours_by_key[key]
            yield Violation(ONE_TOUR_PER_DAY, f"{ctx.where(tour)} : {count} tournées le même jour", key)


# --- hard: staff ----------------------------------------------------------------------------


def check_crew(ctx: Context) -> Iterator[Violation]:
    """Every shift belongs to a tour, and every tour has exactly its unit's crew, role by role."""
    if not ctx.plan.shifts and not ctx.instance.staff:
        return  # a plan of tours only, for an instance without a roster
    for shift in ctx.plan.shifts:
        if shift.tour_key not in ctx.tours_by_key:
            msg = f"{ctx.shift_where(shift)} : service sans tournée correspondante"
            yield Violation(CREW, msg, shift.tour_key, shift.staff_id)
    seen: set[str] = set()
    for tour, unit in ctx.tours():
        if tour.key in seen:
            continue  # a repeated tour: ONE_TOUR_PER_DAY
        seen.add(tour.key)
        shifts = ctx.shifts_by_tour.get(tour.key, [])
        need = {role: n for role, n in unit.crew.items() if n > 0}
        if not shifts and need:
            yield Violation(CREW, f"{ctx.where(tour)} : tournée sans équipe", tour.key)
            continue
        have = Counter(s.role for s in shifts)
        for role in sorted(set(need) | set(have), key=lambda r: r.value):
            if have[role] != need.get(role, 0):
                msg = f"{ctx.where(tour)} : {have[role]} {role.label_fr} au lieu de {need.get(role, 0)}"
                yield Violation(CREW, msg, tour.key)


def _known_shifts(ctx: Context) -> Iterator[tuple[Shift, Unit]]:
    for shift in ctx.plan.shifts:
        unit = ctx.unit_of(shift.unit_id)
        if unit is not None:
            yield shift, unit


def check_role(ctx: Context) -> Iterator[Violation]:
    """Each shift's person exists and has the role they fill."""
    for shift in ctx.plan.shifts:
        try:
            person = ctx.instance.person(shift.staff_id)
        except KeyError:
            msg = f"{ctx.shift_where(shift)} : personne « {shift.staff_id} » inconnue"
            yield Violation(ROLE, msg, shift.tour_key, shift.staff_id)
            continue
        if shift.role not in person.roles:
            msg = f"{ctx.shift_where(shift)} : affecté·e comme {shift.role.label_fr} sans avoir ce rôle"
            yield Violation(ROLE, msg, shift.tour_key, shift.staff_id)


def check_remote(ctx: Context) -> Iterator[Violation]:
    """A shift is remote exactly when its role is one the unit fills by teleconsultation."""
    for shift, unit in _known_shifts(ctx):
        should = shift.role in unit.remote_roles
        if shift.remote != should:
            how = "à distance" if shift.remote else "sur place"
            want = "à distance" if should else "sur place"
            msg = f"{ctx.shift_where(shift)} : {shift.role.label_fr} {how}, alors que ce rôle s'exerce {want}"
            yield Violation(REMOTE, msg, shift.tour_key, shift.staff_id)


def check_availability(ctx: Context) -> Iterator[Violation]:
    """The person is available for every half-day the shift touches, and not on a date off."""
    for shift in ctx.plan.shifts:
        try:
            person = ctx.instance.person(shift.staff_id)
        except KeyError:
            continue  # ROLE reports it
        where = ctx.shift_where(shift)
        if person.is_off(shift.date):
            yield Violation(AVAILABILITY, f"{where} : jour d'absence déclaré", shift.tour_key, shift.staff_id)
        weekday = shift.date.weekday()
        missing = [h for h in sorted(half_days_of(shift.start, shift.end)) if (weekday, h) not in person.availability]
        if missing:
            halves = " et ".join(f"{WEEKDAYS_FR[weekday]} {HalfDay(h).label_fr}" for h in missing)
            msg = f"{where} : service {hhmm(shift.start)}-{hhmm(shift.end)} mais pas disponible le {halves}"
            yield Violation(AVAILABILITY, msg, shift.tour_key, shift.staff_id)


def check_shift_times(ctx: Context) -> Iterator[Violation]:
    """A shift starts when its tour leaves the depot and ends when it is back."""
    for shift in ctx.plan.shifts:
        tour = ctx.tours_by_key.get(shift.tour_key)
        if tour is None:
            continue  # CREW reports it
        if (shift.start, shift.end) != (tour.leave_depot, tour.back_at_depot):
            msg = (
                f"{ctx.shift_where(shift)} : service {hhmm(shift.start)}-{hhmm(shift.end)}, "
                f"or la tournée va de {hhmm(tour.leave_depot)} à {hhmm(tour.back_at_depot)}"
            )
            yield Violation(SHIFT_TIMES, msg, shift.tour_key, shift.staff_id)


def check_one_place(ctx: Context) -> Iterator[Violation]:
    """A person has at most one shift at a time."""
    pairs = _overlapping_pairs(ctx.plan.shifts, lambda s: (s.staff_id, s.date), lambda s: (s.start, s.end))
    for a, b in pairs:
        both = _side_by_side(ctx, (a.unit_id, a.start, a.end), (b.unit_id, b.start, b.end))
        msg = f"{ctx.person_name(a.staff_id)}, {date_fr(a.date)} : deux services en même temps {both}"
        yield Violation(ONE_PLACE, msg, b.tour_key, b.staff_id)


def _over_cap(
    ctx: Context, period: Callable[[date], tuple[int, int]], cap_of: Callable[[Staff], int]
) -> Iterator[tuple[str, tuple[int, int], int, int]]:
    """(person, period, shifts, maximum) wherever a known person has more shifts in a period than allowed."""
    counts = Counter((s.staff_id, period(s.date)) for s in ctx.plan.shifts)
    for (staff_id, key), count in counts.items():
        try:
            cap = cap_of(ctx.instance.person(staff_id))
        except KeyError:
            continue  # ROLE reports it
        if count > cap:
            yield staff_id, key, count, cap


def check_max_week(ctx: Context) -> Iterator[Violation]:
    """Shifts per calendar (ISO, Monday-based) week stay within the person's maximum."""
    over = _over_cap(ctx, lambda d: tuple(d.isocalendar()[:2]), lambda p: p.max_shifts_per_week)
    for staff_id, (year, week), count, cap in over:
        msg = f"{ctx.person_name(staff_id)} : {count} services en semaine {week} de {year}, au plus {cap}"
        yield Violation(MAX_WEEK, msg, None, staff_id)


def check_max_month(ctx: Context) -> Iterator[Violation]:
    """Shifts per calendar month stay within the person's maximum."""
    over = _over_cap(ctx, lambda d: (d.year, d.month), lambda p: p.max_shifts_per_month)
    for staff_id, (year, month), count, cap in over:
        msg = f"{ctx.person_name(staff_id)} : {count} services en {MONTHS_FR_SHORT[month - 1]} {year}, au plus {cap}"
        yield Violation(MAX_MONTH, msg, None, staff_id)


#: Every hard rule, in the order they are checked and reported.
HARD_RULES: tuple[tuple[str, Callable[[Context], Iterable[Violation]]], ...] = (
    # hard: tours
    (UNIT_DAY, check_unit_day),
    (HOLIDAY, check_holiday),
    (COMMUNE_CLOSED, check_commune_closed),
    (HOURS, check_hours),
    (SESSION_TIMES, check_session_times),
    (TRAVEL, check_travel),
    (LUNCH, check_lunch),
    (SITE_OPEN, check_site_open),
    (SITE_CLASH, check_site_clash),
    (UNIT_PLACES, check_unit_places),
    (FREQUENCY, check_frequency),
    (MIN_GAP, check_min_gap),
    (ONE_TOUR_PER_DAY, check_one_tour_per_day),
    # hard: staff
    (CREW, check_crew),
    (ROLE, check_role),
    (REMOTE, check_remote),
    (AVAILABILITY, check_availability),
    (SHIFT_TIMES, check_shift_times),
    (ONE_PLACE, check_one_place),
    (MAX_WEEK, check_max_week),
    (MAX_MONTH, check_max_month),
)
RULE_NAMES: tuple[str, ...] = tuple(name for name, _ in HARD_RULES)


# --- Entry points ---------------------------------------------------------------------------


def _plan_places(instance: Instance, plan: Plan) -> list[Point]:
    """Depots of the plan's units and sites of its communes, each once, in first-seen order."""
    unit_ids = {u.id for u in instance.units}
    places: dict[Point, None] = {}
    for tour in plan.tours:
        if tour.unit_id in unit_ids:
            places[instance.unit(tour.unit_id).depot] = None
        for s in tour.sessions:
            if instance.has_commune(s.insee):
                places[_site_point(instance.commune(s.insee))] = None
    return list(places)


def validate(instance: Instance, plan: Plan, *, travel: TravelMatrix | None = None) -> list[Violation]:
    """Every hard constraint the plan breaks, as readable French violations (empty: the plan is valid).

    Parameters
    ----------
    instance
        The territory, units, roster and rules the plan was made for.
    plan
        The finished plan: dated tours and their shifts.
    travel
        The travel matrix the plan was built with; ``None`` estimates one (`EstimateSource`). Places
        missing from a given matrix are estimated, and a `PlanWarning` names them.

    Returns
    -------
    list[Violation]
        In the order of `HARD_RULES`, then of the plan.
    """
    matrix = travel if travel is not None else EstimateSource().matrix(_plan_places(instance, plan))
    ctx = Context(instance, plan, _Travel(matrix))
    violations = [v for _name, rule in HARD_RULES for v in rule(ctx)]
    if travel is not None and ctx.travel.estimated:
        names = ", ".join(sorted(p.name for p in ctx.travel.estimated))
        msg = f"validation : trajets estimés à vol d'oiseau pour des lieux absents de la matrice fournie ({names})"
        warnings.warn(msg, PlanWarning, stacklevel=2)
    return violations


def assert_valid(instance: Instance, plan: Plan, *, travel: TravelMatrix | None = None) -> None:
    """Raise `PlanningError` listing every violation when the plan breaks a hard constraint.

    Raises
    ------
    PlanningError
        With one line per violation.
    """
    violations = validate(instance, plan, travel=travel)
    if violations:
        lines = [f"Le plan enfreint {len(violations)} contrainte(s) impérative(s) :"]
        lines += [f"- {v}" for v in violations]
        raise PlanningError("\n".join(lines))
