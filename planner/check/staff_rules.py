"""Hard rules of the validator about staff: crews, roles, availability, one place at a time, one tour a
day, maxima."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date

from planner.check.context import Context, Violation, overlapping_pairs, side_by_side
from planner.domain.french import MONTHS_FR_SHORT, WEEKDAYS_FR, date_fr, hhmm
from planner.domain.instance import HalfDay, Staff, Unit, UnitKind, half_days_of
from planner.domain.plan import Shift, shift_times

CREW = "CREW"
ROLE = "ROLE"
REMOTE = "REMOTE"
AVAILABILITY = "AVAILABILITY"
SHIFT_TIMES = "SHIFT_TIMES"
ONE_PLACE = "ONE_PLACE"
ONE_TOUR_PER_PERSON_PER_DAY = "ONE_TOUR_PER_PERSON_PER_DAY"
MAX_WEEK = "MAX_WEEK"
MAX_MONTH = "MAX_MONTH"


def check_crew(ctx: Context) -> Iterator[Violation]:
    """Every shift belongs to a tour, and every tour has exactly its unit's crew, role by role; at a
    fixed place, every session (each room) has its own crew, and each shift names its session."""
    if not ctx.plan.shifts and not ctx.instance.staff:
        return  # a plan of tours only, for an instance without a roster
    for shift in ctx.plan.shifts:
        tour = ctx.tours_by_key.get(shift.tour_key)
        if tour is None:
            msg = f"{ctx.shift_where(shift)} : service sans tournée correspondante"
            yield Violation(CREW, msg, shift.tour_key, shift.staff_id)
            continue
        unit = ctx.unit_of(tour.unit_id)
        fixed = unit is not None and unit.kind is UnitKind.FIXED
        if fixed != (shift.session is not None) or (
            shift.session is not None and fixed and not 0 <= shift.session < len(tour.sessions)
        ):
            want = "une séance du lieu" if fixed else "toute la tournée"
            msg = f"{ctx.shift_where(shift)} : le service doit couvrir {want}"
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
        parts = range(len(tour.sessions)) if unit.kind is UnitKind.FIXED else [None]
        for part in parts:
            have = Counter(s.role for s in shifts if s.session == part)
            where = (
                ctx.where(tour) if part is None else f"{ctx.where(tour)}, séance de {hhmm(tour.sessions[part].start)}"
            )
            for role in sorted(set(need) | set(have), key=lambda r: r.value):
                if have[role] != need.get(role, 0):
                    msg = f"{where} : {have[role]} {role.label_fr} au lieu de {need.get(role, 0)}"
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
    """A shift runs from the set-up before its tour leaves the depot to the set-up after it is back
    (at a fixed place: around its session), on the time grid (`planner.domain.plan.shift_times`)."""
    rules = ctx.instance.rules
    for shift in ctx.plan.shifts:
        tour = ctx.tours_by_key.get(shift.tour_key)
        if tour is None or (shift.session is not None and not 0 <= shift.session < len(tour.sessions)):
            continue  # CREW reports it
        if shift.session is None:
            work, what = (tour.leave_depot, tour.back_at_depot), "la tournée va"
        else:
            session = tour.sessions[shift.session]
            work, what = (session.start, session.end), "la séance va"
        want = shift_times(tour, shift.session, rules)
        if (shift.start, shift.end) != want:
            msg = (
                f"{ctx.shift_where(shift)} : service {hhmm(shift.start)}-{hhmm(shift.end)}, "
                f"or {what} de {hhmm(work[0])} à {hhmm(work[1])} ; attendu : {hhmm(want[0])}-{hhmm(want[1])} "
                f"({rules.setup_minutes} min de mise en place avant et après, horaires au pas de {rules.time_step} min)"
            )
            yield Violation(SHIFT_TIMES, msg, shift.tour_key, shift.staff_id)


def check_one_place(ctx: Context) -> Iterator[Violation]:
    """A person has at most one shift at a time."""
    pairs = overlapping_pairs(ctx.plan.shifts, lambda s: (s.staff_id, s.date), lambda s: (s.start, s.end))
    for a, b in pairs:
        both = side_by_side(ctx, (a.unit_id, a.start, a.end), (b.unit_id, b.start, b.end))
        msg = f"{ctx.person_name(a.staff_id)}, {date_fr(a.date)} : deux services en même temps {both}"
        yield Violation(ONE_PLACE, msg, b.tour_key, b.staff_id)


def check_one_tour_per_person_per_day(ctx: Context) -> Iterator[Violation]:
    """A person has at most one shift per date, even at times that do not overlap.

    A crew member's day is one tour, from depot to depot. Overlapping shifts are ONE_PLACE's: this
    rule reports the pairs of one person's shifts on one date that do not overlap.
    """
    by_day: dict[tuple[str, date], list[Shift]] = defaultdict(list)
    for shift in ctx.plan.shifts:
        by_day[shift.staff_id, shift.date].append(shift)
    for (staff_id, day), shifts in by_day.items():
        ordered = sorted(shifts, key=lambda s: (s.start, s.end, s.unit_id))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.start < a.end:
                    continue  # overlapping: ONE_PLACE
                both = side_by_side(ctx, (a.unit_id, a.start, a.end), (b.unit_id, b.start, b.end))
                msg = f"{ctx.person_name(staff_id)}, {date_fr(day)} : deux tournées le même jour {both}"
                yield Violation(ONE_TOUR_PER_PERSON_PER_DAY, msg, b.tour_key, staff_id)


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


def _iso_week(day: date) -> tuple[int, int]:
    """(ISO year, ISO week) of ``day``."""
    year, week, _ = day.isocalendar()
    return year, week


def check_max_week(ctx: Context) -> Iterator[Violation]:
    """Shifts per calendar (ISO, Monday-based) week stay within the person's maximum."""
    over = _over_cap(ctx, _iso_week, lambda p: p.max_shifts_per_week)
    for staff_id, (year, week), count, cap in over:
        msg = f"{ctx.person_name(staff_id)} : {count} services en semaine {week} de {year}, au plus {cap}"
        yield Violation(MAX_WEEK, msg, None, staff_id)


def check_max_month(ctx: Context) -> Iterator[Violation]:
    """Shifts per calendar month stay within the person's maximum."""
    over = _over_cap(ctx, lambda d: (d.year, d.month), lambda p: p.max_shifts_per_month)
    for staff_id, (year, month), count, cap in over:
        msg = f"{ctx.person_name(staff_id)} : {count} services en {MONTHS_FR_SHORT[month - 1]} {year}, au plus {cap}"
        yield Violation(MAX_MONTH, msg, None, staff_id)
