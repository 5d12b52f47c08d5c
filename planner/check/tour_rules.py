"""Hard rules of the validator about tours: days, hours, sessions, travel, speed, sites, frequency, gaps."""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterator

from planner.check.context import (
    DRIVE_KM_TOLERANCE_PER_LEG,
    DRIVE_MINUTES_TOLERANCE_PER_LEG,
    LEG_TOLERANCE_MIN,
    SPEED_TOLERANCE_MIN,
    TOP_SPEED_KMH,
    Context,
    Violation,
    least_minutes,
    minutes_text,
    overlapping_pairs,
    side_by_side,
    straight_km,
)
from planner.domain.french import WEEKDAYS_FR, date_fr, hhmm
from planner.domain.instance import UnitKind
from planner.domain.plan import Session, Tour

# Rule names (constants, as in Timefold's constraint ids).
UNIT_DAY = "UNIT_DAY"
HOLIDAY = "HOLIDAY"
COMMUNE_CLOSED = "COMMUNE_CLOSED"
UNIT_CLOSED = "UNIT_CLOSED"
HOURS = "HOURS"
SESSION_TIMES = "SESSION_TIMES"
TRAVEL = "TRAVEL"
SPEED = "SPEED"
DRIVE_BETWEEN_SESSIONS = "DRIVE_BETWEEN_SESSIONS"
LUNCH = "LUNCH"
SITE_OPEN = "SITE_OPEN"
SITE_CLASH = "SITE_CLASH"
UNIT_PLACES = "UNIT_PLACES"
FREQUENCY = "FREQUENCY"
MIN_GAP = "MIN_GAP"
ONE_TOUR_PER_DAY = "ONE_TOUR_PER_DAY"
PIN = "PIN"
BANNED_DAY = "BANNED_DAY"


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


def check_unit_closed(ctx: Context) -> Iterator[Violation]:
    """No tour of a unit on a date it is out of service (recorded by a re-plan)."""
    rules = ctx.instance.rules
    for tour in ctx.plan.tours:
        if rules.unit_closed(tour.unit_id, tour.date):
            yield Violation(UNIT_CLOSED, f"{ctx.where(tour)} : tournée alors que l'unité est hors service", tour.key)


def check_hours(ctx: Context) -> Iterator[Violation]:
    """The tour leaves the depot and comes back within the unit's working hours."""
    for tour, unit in ctx.tours():
        where, hours = ctx.where(tour), unit.hours
        if tour.leave_depot < hours.start:
            msg = (
                f"{where} : départ du dépôt à {hhmm(tour.leave_depot)}, avant le début du service ({hhmm(hours.start)})"
            )
            yield Violation(HOURS, msg, tour.key)
        if tour.back_at_depot > hours.end:
            msg = f"{where} : retour au dépôt à {hhmm(tour.back_at_depot)}, après la fin du service ({hhmm(hours.end)})"
            yield Violation(HOURS, msg, tour.key)
        if tour.back_at_depot < tour.leave_depot:
            msg = f"{where} : retour au dépôt ({hhmm(tour.back_at_depot)}) avant le départ ({hhmm(tour.leave_depot)})"
            yield Violation(HOURS, msg, tour.key)


def check_session_times(ctx: Context) -> Iterator[Violation]:
    """Each session is consistent, lasts the session length, and sessions follow one another; at a
    fixed place, sessions at the same time are in different rooms, at most ``rooms``."""
    rules = ctx.instance.rules
    for tour, unit in ctx.tours():
        where = ctx.where(tour)
        length = rules.session_length(unit)
        rooms = unit.rooms if unit.kind is UnitKind.FIXED else 1
        if not tour.sessions:
            yield Violation(SESSION_TIMES, f"{where} : tournée sans aucune séance", tour.key)
        if len(tour.sessions) > unit.sessions_per_day * rooms:
            msg = f"{where} : {len(tour.sessions)} séances, au plus {unit.sessions_per_day * rooms} par jour"
            yield Violation(SESSION_TIMES, msg, tour.key)
        for s in tour.sessions:
            if not 0 <= s.room < rooms:
                msg = f"{where} : séance en salle {s.room + 1}, l'unité en a {rooms}"
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
        by_room: dict[int, list[Session]] = defaultdict(list)
        for s in tour.sessions:
            by_room[s.room].append(s)
        for prev, nxt in (pair for room in sorted(by_room) for pair in itertools.pairwise(by_room[room])):
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
        for a, b in itertools.pairwise(stops):
            minutes, km = ctx.leg(unit, a, b)
            total_min += minutes
            total_km += km
            if b.arrival + LEG_TOLERANCE_MIN < a.departure + minutes:
                arrival = "retour au dépôt" if b is stops[-1] else "arrivée"
                msg = (
                    f"{where} : {arrival} à {b.name} à {hhmm(b.arrival)} mais le trajet depuis "
                    f"{a.name} prend {minutes_text(minutes)} (départ {hhmm(a.departure)})"
                )
                yield Violation(TRAVEL, msg, tour.key)
        legs = len(stops) - 1
        if abs(tour.drive_minutes - total_min) > DRIVE_MINUTES_TOLERANCE_PER_LEG * legs:
            msg = (
                f"{where} : temps de conduite annoncé {tour.drive_minutes:.0f} min, "
                f"trajets calculés {total_min:.0f} min"
            )
            yield Violation(TRAVEL, msg, tour.key)
        if abs(tour.drive_km - total_km) > DRIVE_KM_TOLERANCE_PER_LEG * legs:
            msg = f"{where} : distance annoncée {tour.drive_km:.1f} km, trajets calculés {total_km:.1f} km"
            yield Violation(TRAVEL, msg, tour.key)


def check_speed(ctx: Context) -> Iterator[Violation]:
    """No leg is driven faster than the straight line at `TOP_SPEED_KMH`, nor declared shorter.

    A physical bound from the coordinates alone, never from a matrix: a wrong travel matrix (0 min,
    10 times too fast) gives a plan that agrees with it, so only this rule can see it. Each leg
    (depot → first session, between sessions, last session → depot) must leave at least the
    great-circle km at `TOP_SPEED_KMH` between leaving and arriving; the tour's ``drive_km`` must be
    at least the sum of its legs' great-circle km, and its ``drive_minutes`` at least the time that
    sum takes at `TOP_SPEED_KMH`. Fixed units never drive: they are exempt.
    """
    speed = f"{TOP_SPEED_KMH:g} km/h"
    for tour, _, stops in ctx.driven_tours():
        where = ctx.where(tour)
        total_km = 0.0
        for a, b in itertools.pairwise(stops):
            km = straight_km(a.point, b.point)
            total_km += km
            taken = b.arrival - a.departure
            if taken + SPEED_TOLERANCE_MIN < least_minutes(km):
                arrival = "retour au dépôt" if b is stops[-1] else "arrivée"
                msg = (
                    f"{where} : {arrival} à {b.name} à {hhmm(b.arrival)}, {taken} min après le départ "
                    f"depuis {a.name} à {hhmm(a.departure)}, pour un trajet de {km:.1f} km à vol d'oiseau : "
                    f"au moins {minutes_text(least_minutes(km))} à {speed}"
                )
                yield Violation(SPEED, msg, tour.key)
        legs = len(stops) - 1
        if tour.drive_km + DRIVE_KM_TOLERANCE_PER_LEG * legs < total_km:
            msg = (
                f"{where} : distance annoncée {tour.drive_km:.1f} km, moins que le trajet de "
                f"{total_km:.1f} km à vol d'oiseau de ses étapes"
            )
            yield Violation(SPEED, msg, tour.key)
        if tour.drive_minutes + DRIVE_MINUTES_TOLERANCE_PER_LEG * legs < least_minutes(total_km):
            msg = (
                f"{where} : temps de conduite annoncé {tour.drive_minutes:.0f} min pour un trajet de "
                f"{total_km:.1f} km à vol d'oiseau : au moins {minutes_text(least_minutes(total_km))} à {speed}"
            )
            yield Violation(SPEED, msg, tour.key)


def check_drive_between_sessions(ctx: Context) -> Iterator[Violation]:
    """Two consecutive sessions of a tour are at most ``max_drive_between_sessions`` minutes apart.

    By the reference legs (the given matrix, else the estimate from coordinates), as the planner
    compares them: the coordinator's limit itself, without the slack legs have for timing (with it,
    a day of a 30.4-min hop passed where every planner step refuses it, and the bound of the rules
    had to count such days). A day never zigzags across the territory. Fixed units never drive:
    they are exempt.
    """
    limit = ctx.instance.rules.max_drive_between_sessions
    for tour, unit, stops in ctx.driven_tours():
        sessions = stops[1:-1]
        for a, b in itertools.pairwise(sessions):
            minutes, _ = ctx.leg(unit, a, b)
            if minutes > limit + 1e-6:
                msg = (
                    f"{ctx.where(tour)} : {minutes_text(minutes)} de route entre les séances à {a.name} "
                    f"et à {b.name}, au plus {limit} min entre deux séances"
                )
                yield Violation(DRIVE_BETWEEN_SESSIONS, msg, tour.key)


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
                msg = (
                    f"{where} : la séance à {ctx.place_name(s)} ({hhmm(s.start)}-{hhmm(s.end)}) "
                    f"empiète sur la pause déjeuner ({lunch})"
                )
                yield Violation(LUNCH, msg, tour.key)
        stops = ctx.stops(tour, unit)
        if stops is None:
            continue
        # Gaps between consulting: depot → first session, between sessions, last session → depot.
        # Only a gap holding the whole lunch window matters: a tour that starts or ends during the
        # window takes its lunch outside working time (a session cutting into it is reported above).
        ends = [tour.leave_depot] + [s.departure for s in stops[1:-1]]
        starts = [s.arrival for s in stops[1:-1]] + [tour.back_at_depot]
        for k, (gap_start, gap_end) in enumerate(zip(ends, starts)):
            if not (gap_start <= lunch.start and lunch.end <= gap_end):
                continue
            minutes, _ = ctx.leg(unit, stops[k], stops[k + 1])
            free = (gap_end - gap_start) - lunch.minutes
            if free + LEG_TOLERANCE_MIN < minutes:
                msg = (
                    f"{where} : entre {hhmm(gap_start)} et {hhmm(gap_end)}, pause déjeuner ({lunch}) "
                    f"déduite, il reste {free} min pour un trajet de {minutes_text(minutes)} "
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
    pairs = overlapping_pairs(visits, lambda v: (v[1].site_id, v[0].date), lambda v: (v[1].start, v[1].end))
    for (ta, sa), (tb, sb) in pairs:
        if ta.unit_id == tb.unit_id:
            continue  # the same unit: ONE_TOUR_PER_DAY or SESSION_TIMES
        both = side_by_side(ctx, (ta.unit_id, sa.start, sa.end), (tb.unit_id, sb.start, sb.end))
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
    """Each commune's visits by a bus. A fixed place's sessions are not visits of its commune: its
    target comes from its catchment and its capacity from rooms × sessions (SESSION_TIMES)."""
    by_commune: dict[str, list[tuple[Tour, Session]]] = defaultdict(list)
    for tour, unit, s, _commune in ctx.visits():
        if unit.kind is not UnitKind.FIXED:
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
            for (ta, _), (tb, _) in itertools.pairwise(visits):
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
        for (ta, _), (tb, _) in itertools.pairwise(visits):
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


def check_pin(ctx: Context) -> Iterator[Violation]:
    """A pinned commune's sessions are on its pinned weekday, with its pinned unit when one is named."""
    pins = {p.insee: p for p in ctx.instance.rules.pins}
    for tour, unit, session, commune in ctx.visits():
        pin = pins.get(session.insee)
        if pin is None:
            continue
        if tour.date.weekday() != pin.weekday:
            msg = (
                f"{ctx.where(tour)} : séance à {commune.name}, épinglée au {WEEKDAYS_FR[pin.weekday]}, "
                f"un {WEEKDAYS_FR[tour.date.weekday()]}"
            )
            yield Violation(PIN, msg, tour.key)
        elif pin.unit_id and pin.unit_id != unit.id:
            pinned = ctx.unit_of(pin.unit_id)
            msg = f"{ctx.where(tour)} : séance à {commune.name}, épinglée à {pinned.name if pinned else pin.unit_id}"
            yield Violation(PIN, msg, tour.key)


def check_banned_day(ctx: Context) -> Iterator[Violation]:
    """No session of a commune on a weekday the coordinator forbade for it."""
    banned = {(b.insee, b.weekday) for b in ctx.instance.rules.banned_days}
    for tour, _unit, session, commune in ctx.visits():
        if (session.insee, tour.date.weekday()) in banned:
            msg = f"{ctx.where(tour)} : séance à {commune.name}, interdite le {WEEKDAYS_FR[tour.date.weekday()]}"
            yield Violation(BANNED_DAY, msg, tour.key)
