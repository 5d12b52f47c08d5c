"""Re-planning a published plan after something changed, touching as little as possible.

A doctor cancels, a bus breaks down, a town hall is closed: `replan` removes what can no longer
happen (tours of a unit out of service, sessions in a closed commune), keeps every other tour as
published, and re-crews with the published shifts as the starting point — each changed shift is
costly, and nothing dated before ``today`` ever changes. The result says, in French, who and what
changed, and the new plan has passed the independent validator.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.errors import InputError, PlanningError, Problem
from planner.model import (
    CommuneClosure,
    DateRange,
    Instance,
    Plan,
    Session,
    Shift,
    Tour,
    UnitKind,
)
from planner.roster import RotaResult, assign_crews, shift_key
from planner.rota_rules import staff_name
from planner.travel import TravelMatrix, whole_minutes


@dataclass(frozen=True)
class StaffUnavailable:
    """A person cannot work from ``first`` to ``last`` (both included)."""

    staff_id: str
    first: date
    last: date


@dataclass(frozen=True)
class UnitOutOfService:
    """A unit (bus, consultation place) cannot work from ``first`` to ``last`` (both included)."""

    unit_id: str
    first: date
    last: date


@dataclass(frozen=True)
class CommuneClosed:
    """A commune cannot host a session on ``dates`` (the site is closed, an event…)."""

    insee: str
    dates: frozenset[date]


Change = StaffUnavailable | UnitOutOfService | CommuneClosed


@dataclass(frozen=True)
class ReplanResult:
    """The new plan and a readable account of what changed.

    ``diff`` lists the changes in French (who, what, when), by date. ``tours_removed`` and
    ``sessions_removed`` count what can no longer happen; ``shifts_changed`` counts published shifts
    of kept tours given to someone else; ``shifts_cancelled`` the shifts of removed tours.
    """

    plan: Plan
    diff: tuple[str, ...]
    tours_removed: int
    sessions_removed: int
    shifts_changed: int
    shifts_cancelled: int
    rota: RotaResult


def _fr(day: date) -> str:
    from planner.validate import date_fr

    return date_fr(day)


def _check(instance: Instance, changes: Sequence[Change]) -> None:
    problems = []
    for i, change in enumerate(changes, start=1):
        where = f"changement {i}"
        if isinstance(change, StaffUnavailable) and not any(
            p.id == change.staff_id for p in instance.staff
        ):
            problems.append(
                Problem(
                    where,
                    None,
                    None,
                    f"personne « {change.staff_id} » inconnue dans l'équipe",
                )
            )
        if isinstance(change, UnitOutOfService) and not any(
            u.id == change.unit_id for u in instance.units
        ):
            problems.append(
                Problem(where, None, None, f"unité « {change.unit_id} » inconnue")
            )
        if isinstance(change, CommuneClosed) and not instance.has_commune(change.insee):
            problems.append(
                Problem(
                    where,
                    None,
                    None,
                    f"commune « {change.insee} » inconnue dans le territoire",
                )
            )
        if (
            isinstance(change, StaffUnavailable | UnitOutOfService)
            and change.last < change.first
        ):
            problems.append(
                Problem(
                    where,
                    None,
                    None,
                    f"période du {change.first} au {change.last} à l'envers",
                )
            )
    if problems:
        raise InputError(problems)


def apply_to_instance(
    instance: Instance, changes: Sequence[Change], *, today: date
) -> Instance:
    """The instance as it now is: new dates off and commune closures (from ``today`` on only)."""
    staff = list(instance.staff)
    closures = list(instance.rules.commune_closures)
    for change in changes:
        if isinstance(change, StaffUnavailable) and change.last >= today:
            span = DateRange(max(change.first, today), change.last)
            staff = [
                replace(p, dates_off=(*p.dates_off, span))
                if p.id == change.staff_id
                else p
                for p in staff
            ]
        elif isinstance(change, CommuneClosed):
            days = frozenset(d for d in change.dates if d >= today)
            if days:
                closures.append(CommuneClosure(change.insee, days))
    rules = replace(instance.rules, commune_closures=tuple(closures))
    return instance.replace(staff=tuple(staff), rules=rules)


def shortened(
    instance: Instance, tour: Tour, sessions: tuple[Session, ...], travel: TravelMatrix
) -> Tour:
    """``tour`` with only ``sessions`` (same times): it leaves just in time for the first and comes
    back straight after the last, and its driving totals are those of its new legs."""
    from planner.pattern import site_point

    unit = instance.unit(tour.unit_id)
    if unit.kind is UnitKind.FIXED:
        return replace(
            tour,
            sessions=sessions,
            leave_depot=sessions[0].arrival,
            back_at_depot=sessions[-1].departure,
            drive_minutes=0.0,
            drive_km=0.0,
        )
    stops = [
        travel.index(unit.depot),
        *(travel.index(site_point(instance.commune(s.insee))) for s in sessions),
        travel.index(unit.depot),
    ]
    first = int(whole_minutes(travel.minutes[stops[0], stops[1]]))
    last = int(whole_minutes(travel.minutes[stops[-2], stops[-1]]))
    drive_minutes, drive_km = travel.route_totals(stops)
    return replace(
        tour,
        sessions=sessions,
        leave_depot=max(tour.leave_depot, sessions[0].arrival - first),
        back_at_depot=min(tour.back_at_depot, sessions[-1].departure + last),
        drive_minutes=drive_minutes,
        drive_km=drive_km,
    )


def _remaining_tours(
    instance: Instance,
    published: Plan,
    changes: Sequence[Change],
    today: date,
    travel: TravelMatrix,
) -> tuple[list[Tour], list[tuple[date, str]], int, set[str]]:
    """Tours still possible, the diff lines of what was removed, sessions removed, tours removed."""
    out_of_service = [c for c in changes if isinstance(c, UnitOutOfService)]
    closed = defaultdict(set)
    for c in changes:
        if isinstance(c, CommuneClosed):
            closed[c.insee] |= set(c.dates)
    tours, lines, sessions_removed, removed = [], [], 0, set()
    for tour in published.tours:
        unit_name = instance.unit(tour.unit_id).name
        if tour.date < today:
            tours.append(tour)
            continue
        if any(
            c.unit_id == tour.unit_id and c.first <= tour.date <= c.last
            for c in out_of_service
        ):
            lines.append(
                (
                    tour.date,
                    f"{_fr(tour.date)} — {unit_name} : tournée supprimée (unité hors service)",
                )
            )
            sessions_removed += len(tour.sessions)
            removed.add(tour.key)
            continue
        kept = tuple(
            s for s in tour.sessions if tour.date not in closed.get(s.insee, ())
        )
        for s in tour.sessions:
            if s not in kept:
                name = (
                    instance.commune(s.insee).name
                    if instance.has_commune(s.insee)
                    else s.insee
                )
                lines.append(
                    (
                        tour.date,
                        f"{_fr(tour.date)} — {unit_name} : séance à {name} supprimée (commune fermée)",
                    )
                )
        sessions_removed += len(tour.sessions) - len(kept)
        if not kept:
            lines.append(
                (
                    tour.date,
                    f"{_fr(tour.date)} — {unit_name} : tournée supprimée (plus aucune séance)",
                )
            )
            removed.add(tour.key)
            continue
        tours.append(
            tour
            if len(kept) == len(tour.sessions)
            else shortened(instance, tour, kept, travel)
        )
    return tours, lines, sessions_removed, removed


def _crew_diff(
    instance: Instance,
    tours: Sequence[Tour],
    old: Sequence[Shift],
    new: Sequence[Shift],
) -> list[tuple[date, str]]:
    """Per tour and role: who left and who came in, paired as replacements where possible."""
    lines = []
    by_key = {t.key: t for t in tours}
    old_by = defaultdict(list)
    new_by = defaultdict(list)
    for s in old:
        if s.tour_key in by_key:
            old_by[(s.tour_key, s.role)].append(s.staff_id)
    for s in new:
        new_by[(s.tour_key, s.role)].append(s.staff_id)
    for key, role in sorted(
        set(old_by) | set(new_by), key=lambda k: (by_key[k[0]].date, k[0], k[1].value)
    ):
        gone = sorted(set(old_by[(key, role)]) - set(new_by[(key, role)]))
        came = sorted(set(new_by[(key, role)]) - set(old_by[(key, role)]))
        if not gone and not came:
            continue
        tour = by_key[key]
        head = f"{_fr(tour.date)} — {instance.unit(tour.unit_id).name}, {role.label_fr}"
        for a, b in zip(gone, came, strict=False):
            lines.append(
                (
                    tour.date,
                    f"{head} : {staff_name(instance, a)} remplacé·e par {staff_name(instance, b)}",
                )
            )
        for a in gone[len(came) :]:
            lines.append((tour.date, f"{head} : {staff_name(instance, a)} retiré·e"))
        for b in came[len(gone) :]:
            lines.append((tour.date, f"{head} : {staff_name(instance, b)} ajouté·e"))
    return lines


def replan(
    instance: Instance,
    published: Plan,
    changes: Sequence[Change],
    *,
    today: date,
    time_limit: float = 10.0,
    travel: TravelMatrix | None = None,
    seed: int = 0,
) -> ReplanResult:
    """Re-plan ``published`` after ``changes``; dates before ``today`` never change.

    Parameters
    ----------
    travel
        The travel matrix the plan was made with (for KPIs and the validator); ``None`` uses the
        planner's default (great-circle estimate).

    Raises
    ------
    InputError
        When a change names an unknown person, unit or commune, or a reversed period.
    PlanningError
        When the new plan fails the independent validator (a defect to report).
    """
    from planner.solve import assemble, travel_for
    from planner.validate import validate

    began = time.perf_counter()
    _check(instance, changes)
    current = apply_to_instance(instance, changes, today=today)
    travel = travel or travel_for(current)
    tours, lines, sessions_removed, removed = _remaining_tours(
        current, published, changes, today, travel
    )
    rota = assign_crews(
        current,
        tours,
        time_limit=time_limit,
        seed=seed,
        keep=published.shifts,
        frozen_before=today,
    )
    uncrewed = set(rota.uncrewed)
    for tour in tours:
        if tour.key in uncrewed:
            lines.append(
                (
                    tour.date,
                    f"{_fr(tour.date)} — {current.unit(tour.unit_id).name} : tournée supprimée faute d'équipe",
                )
            )
            sessions_removed += len(tour.sessions)
    removed |= uncrewed
    tours = [t for t in tours if t.key not in uncrewed]
    lines += _crew_diff(current, tours, published.shifts, rota.shifts)

    kept_keys = {t.key for t in tours}
    old_kept = {shift_key(s) for s in published.shifts if s.tour_key in kept_keys}
    shifts_changed = len(old_kept - {shift_key(s) for s in rota.shifts})
    shifts_cancelled = sum(1 for s in published.shifts if s.tour_key in removed)
    diff = tuple(text for _, text in sorted(lines, key=lambda item: item[0]))

    reasons = {u.insee: u.reason for u in published.unserved}
    warnings = [*published.warnings, *rota.explanations]
    plan = assemble(
        current,
        tours,
        rota.shifts,
        travel,
        warnings,
        published.solver_seconds + time.perf_counter() - began,
        reasons,
    )
    plan = replace(plan, start=published.start, weeks=published.weeks)
    violations = validate(current, plan, travel=travel)
    if violations:
        listed = "\n".join(f"- {v.message}" for v in violations[:20])
        msg = f"le plan re-calculé enfreint {len(violations)} règle(s) ; merci de signaler ce défaut :\n{listed}"
        raise PlanningError(msg)
    return ReplanResult(
        plan,
        diff,
        len(removed),
        sessions_removed,
        shifts_changed,
        shifts_cancelled,
        rota,
    )


def summary_text(result: ReplanResult) -> str:
    """The French account of a re-planning, for the CLI and the app."""
    head = (
        f"{result.tours_removed} tournée(s) supprimée(s), {result.sessions_removed} séance(s) supprimée(s), "
        f"{result.shifts_changed} garde(s) réaffectée(s), {result.shifts_cancelled} garde(s) annulée(s)."
    )
    lines = [head]
    lines += [f"- {line}" for line in result.diff] or ["- aucun changement de planning"]
    lines += [f"Attention : {text}" for text in result.rota.explanations]
    return "\n".join(lines)


# --- Parsing changes (CLI) ------------------------------------------------------------------------

_KINDS = {
    "unavailable": "unavailable",
    "indisponible": "unavailable",
    "out-of-service": "out-of-service",
    "hors-service": "out-of-service",
    "closed": "closed",
    "fermee": "closed",
    "fermée": "closed",
}
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$")


def _dates(text: str) -> tuple[date, date]:
    match = _SPAN.match(text.strip())
    if not match:
        msg = f"« {text} » n'est pas une date AAAA-MM-JJ ni une période AAAA-MM-JJ..AAAA-MM-JJ"
        raise ValueError(msg)
    try:
        first = date.fromisoformat(match[1])
        last = date.fromisoformat(match[2]) if match[2] else first
    except ValueError as exc:
        msg = f"« {text} » : date impossible ({exc})"
        raise ValueError(msg) from None
    if last < first:
        msg = f"« {text} » : la période finit avant de commencer"
        raise ValueError(msg)
    return first, last


def parse_change(line: str) -> Change:
    """One change from ``KIND ID:DATES``: ``unavailable d1:2026-12-02..2026-12-04``,
    ``out-of-service bus1:2026-12-03``, ``closed 76217:2026-12-02;2026-12-09``."""
    kind_text, _, rest = line.strip().partition(" ")
    kind = _KINDS.get(kind_text.lower())
    if kind is None:
        msg = f"changement « {kind_text} » inconnu : attendu unavailable, out-of-service ou closed"
        raise ValueError(msg)
    ident, sep, spans = rest.strip().partition(":")
    if not sep or not ident or not spans:
        msg = (
            f"« {rest.strip()} » : format attendu IDENTIFIANT:AAAA-MM-JJ[..AAAA-MM-JJ]"
        )
        raise ValueError(msg)
    periods = [_dates(part) for part in re.split(r"[;,]", spans) if part.strip()]
    if kind == "closed":
        days = frozenset(
            a + timedelta(days=i) for a, b in periods for i in range((b - a).days + 1)
        )
        return CommuneClosed(ident.strip(), days)
    if len(periods) != 1:
        msg = f"« {spans} » : une seule période par changement"
        raise ValueError(msg)
    first, last = periods[0]
    if kind == "unavailable":
        return StaffUnavailable(ident.strip(), first, last)
    return UnitOutOfService(ident.strip(), first, last)


def parse_changes(lines: Iterable[str]) -> list[Change]:
    """Every change of ``lines`` (see `parse_change`); raises `InputError` listing every bad line."""
    changes, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            changes.append(parse_change(line))
        except ValueError as exc:
            problems.append(Problem("changements", number, None, str(exc)))
    if problems:
        raise InputError(problems)
    return changes
