"""Re-planning a published plan after something changed, touching as little as possible.

A doctor cancels, a bus breaks down, a town hall is closed: `replan` removes what can no longer
happen (tours of a unit out of service, sessions in a closed commune), keeps every other tour as
published, and re-crews with the published shifts as the starting point — each changed shift is
costly, and nothing dated before ``today`` ever changes. The result says, in French, who and what
changed, and the new plan has passed the independent validator.

A session whose day is lost (its unit out of service, its commune closed that day) is first moved to
the nearest day, up to `MOVE_WINDOW_DAYS` before or after (never before ``today``), where its unit —
or another unit that may serve the commune — has room and the hard rules hold (the manual moves'
quick checks, `planner.planning.moves.PRECHECKS`, the day routing, a crew, then the validator):
« Envermeu : séance du … déplacée au … (Bus 2) ». Only when no such day exists is it dropped, and said.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from planner.crews.posts import posts_of, without_posts
from planner.crews.rota_rules import staff_name
from planner.crews.rota_search import RotaResult, assign_crews, shift_key
from planner.domain.errors import InputError, Problem
from planner.domain.french import date_fr, hhmm
from planner.domain.instance import Instance, Unit, UnitKind
from planner.domain.plan import Plan, Session, Shift, Tour, shift_times
from planner.domain.travel_matrix import TravelMatrix, whole_minutes
from planner.planning.changes import (
    CarriedOver,
    CarryOverRefused,
    Change,
    CommuneClosed,
    StaffUnavailable,
    UnitOutOfService,
    apply_carried,
    apply_to_instance,
    change_text,
    check_carried,
    check_changes,
    refusal_text,
    unit_name,
)
from planner.tours.day_routing import route_day_by_rules

#: Seconds for the rota when re-planning, unless told otherwise.
REPLAN_ROTA_SECONDS = 10.0

#: How many days before and after a lost day a re-plan looks for a day to move its sessions to.
MOVE_WINDOW_DAYS = 7

#: How many times a re-plan re-crews after a moved session found no crew (or failed the validator)
#: before it drops the sessions it could not move.
MOVE_ATTEMPTS = 3


@dataclass(frozen=True)
class ReplanResult:
    """The new plan and a readable account of what changed.

    ``diff`` lists the changes in French (who, what, when), by date. ``tours_removed`` and
    ``sessions_removed`` count what can no longer happen; ``shifts_changed`` counts published shifts
    of kept tours given to someone else; ``shifts_cancelled`` the shifts of removed tours.
    ``carried`` says, one line per newer version, what was carried over from the versions newer than
    the one re-planned (`planner.planning.changes.CarriedOver.lines`). ``sessions_moved`` counts the
    sessions of lost days moved to a nearby day (not counted in ``sessions_removed``).
    """

    plan: Plan
    diff: tuple[str, ...]
    tours_removed: int
    sessions_removed: int
    shifts_changed: int
    shifts_cancelled: int
    rota: RotaResult
    carried: tuple[str, ...] = ()
    sessions_moved: int = 0


@dataclass(frozen=True)
class LostSession:
    """A session of the published plan whose day was lost (``unit_id`` on ``day``, in ``insee``,
    starting at ``start``), to be moved to a nearby day if one fits."""

    unit_id: str
    day: date
    insee: str
    start: int


@dataclass(frozen=True)
class SessionMoved:
    """Where a `LostSession` went: ``unit_id`` on ``day``."""

    lost: LostSession
    unit_id: str
    day: date

    @property
    def tour_key(self) -> str:
        return f"{self.unit_id}/{self.day.isoformat()}"

    def text(self, instance: Instance) -> str:
        """« Envermeu : séance du mercredi 16 déc. 2026 déplacée au jeudi 17 déc. 2026 (Bus 1) »."""
        name = commune_name(instance, self.lost.insee)
        return (
            f"{name} : séance du {date_fr(self.lost.day)} déplacée au {date_fr(self.day)} "
            f"({unit_name(instance, self.unit_id)})"
        )


def commune_name(instance: Instance, insee: str) -> str:
    return instance.commune(insee).name if instance.has_commune(insee) else insee


def shortened(instance: Instance, tour: Tour, sessions: tuple[Session, ...], travel: TravelMatrix) -> Tour:
    """``tour`` with only ``sessions`` (same times): it leaves just in time for the first and comes
    back straight after the last, and its driving totals are those of its new legs."""

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
        *(travel.index(instance.commune(s.insee).site.point) for s in sessions),
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
    changes: Sequence[tuple[Change, date]],
    today: date,
    travel: TravelMatrix,
) -> tuple[list[Tour], list[tuple[date, str]], int, set[str], list[LostSession]]:
    """Tours still possible after ``changes`` (each with the first day it applies to), the diff lines
    of what was removed, sessions removed, tours removed, and the removed sessions (to move)."""
    out_of_service = [replace(c, first=max(c.first, since)) for c, since in changes if isinstance(c, UnitOutOfService)]
    closed: defaultdict[str, set[date]] = defaultdict(set)
    for c, since in changes:
        if isinstance(c, CommuneClosed):
            closed[c.insee] |= {d for d in c.dates if d >= since}
    tours, lines, sessions_removed, removed = [], [], 0, set()
    lost: list[LostSession] = []
    for tour in published.tours:
        unit_name = instance.unit(tour.unit_id).name
        if tour.date < today:
            tours.append(tour)
            continue
        if any(c.unit_id == tour.unit_id and c.first <= tour.date <= c.last for c in out_of_service):
            lines.append(
                (
                    tour.date,
                    f"{date_fr(tour.date)} — {unit_name} : tournée supprimée (unité hors service)",
                )
            )
            sessions_removed += len(tour.sessions)
            removed.add(tour.key)
            lost += [LostSession(tour.unit_id, tour.date, s.insee, s.start) for s in tour.sessions]
            continue
        kept = tuple(s for s in tour.sessions if tour.date not in closed.get(s.insee, ()))
        for s in tour.sessions:
            if s not in kept:
                name = commune_name(instance, s.insee)
                lost.append(LostSession(tour.unit_id, tour.date, s.insee, s.start))
                lines.append(
                    (
                        tour.date,
                        f"{date_fr(tour.date)} — {unit_name} : séance à {name} supprimée (commune fermée)",
                    )
                )
        sessions_removed += len(tour.sessions) - len(kept)
        if not kept:
            lines.append(
                (
                    tour.date,
                    f"{date_fr(tour.date)} — {unit_name} : tournée supprimée (plus aucune séance)",
                )
            )
            removed.add(tour.key)
            continue
        tours.append(tour if len(kept) == len(tour.sessions) else shortened(instance, tour, kept, travel))
    return tours, lines, sessions_removed, removed, lost


def _move_days(instance: Instance, lost: LostSession, today: date) -> list[tuple[date, Unit]]:
    """Where ``lost`` may go, nearest day first (the day before before the day after), its own unit
    before the others that may serve the commune: within `MOVE_WINDOW_DAYS`, the plan's period, and
    not before ``today``."""
    rules = instance.rules
    units = sorted(
        (u for u in instance.units if u.kind is not UnitKind.FIXED and u.may_serve(lost.insee)),
        key=lambda u: (u.id != lost.unit_id, u.id),
    )
    found = []
    for offset in range(MOVE_WINDOW_DAYS + 1):
        days = [lost.day] if offset == 0 else [lost.day - timedelta(days=offset), lost.day + timedelta(days=offset)]
        for day in days:
            if today <= day and rules.start <= day <= rules.end:
                found += [(day, u) for u in units if (day, u.id) != (lost.day, lost.unit_id)]
    return found


def _place_lost(
    instance: Instance,
    published: Plan,
    tours: Sequence[Tour],
    lost: Sequence[LostSession],
    today: date,
    travel: TravelMatrix,
    refused: set[tuple[str, date, str]],
) -> tuple[list[Tour], list[SessionMoved]]:
    """``tours`` with each of ``lost`` put into the nearest day that passes the quick checks of a
    manual move and the day routing (``refused``: (commune, day, unit) already found wanting), and
    the moves made. A lost session with no such day stays out."""
    from planner.domain.errors import MoveRefused
    from planner.planning.changes import SessionMove
    from planner.planning.moves import PRECHECKS

    placed = list(tours)
    moved: list[SessionMoved] = []
    for item in lost:
        if not instance.has_commune(item.insee):
            continue
        commune = instance.commune(item.insee)
        probe = replace(published, tours=tuple(placed))
        for day, unit in _move_days(instance, item, today):
            if (item.insee, day, unit.id) in refused:
                continue
            move = SessionMove(item.unit_id, item.day, item.insee, day, unit.id)
            try:
                if any(check(instance, probe, move, unit, today) for check in PRECHECKS):
                    continue
            except MoveRefused:
                continue
            key = f"{unit.id}/{day.isoformat()}"
            target = next((t for t in placed if t.key == key), None)
            staying = [] if target is None else [s for s in target.sessions if s.insee != item.insee]
            usual = {s.insee: s.start for s in staying} | {item.insee: item.start}
            communes = [instance.commune(s.insee) for s in staying] + [commune]
            result = route_day_by_rules(unit, day, communes, instance.rules, travel=travel, usual_start=usual)
            if result.tour is None or result.dropped:
                continue
            placed = [t for t in placed if t.key != key] + [result.tour]
            moved.append(SessionMoved(item, unit.id, day))
            break
    return sorted(placed, key=lambda t: (t.date, t.unit_id)), moved


def _retimed_lines(instance: Instance, before: Sequence[Tour], after: Sequence[Tour]) -> list[tuple[date, str]]:
    """Kept sessions whose times changed because a moved session joined their day."""
    old = {(t.unit_id, t.date, s.insee): s for t in before for s in t.sessions}
    lines = []
    for tour in after:
        for s in tour.sessions:
            was = old.get((tour.unit_id, tour.date, s.insee))
            if was is not None and was.start != s.start:
                head = f"{date_fr(tour.date)} — {unit_name(instance, tour.unit_id)}"
                times = f"de {hhmm(s.start)} à {hhmm(s.end)} (au lieu de {hhmm(was.start)})"
                lines.append((tour.date, f"{head} : {commune_name(instance, s.insee)} {times}"))
    return lines


def crew_diff(
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
    for key, role in sorted(set(old_by) | set(new_by), key=lambda k: (by_key[k[0]].date, k[0], k[1].value)):
        gone = sorted(set(old_by[(key, role)]) - set(new_by[(key, role)]))
        came = sorted(set(new_by[(key, role)]) - set(old_by[(key, role)]))
        if not gone and not came:
            continue
        tour = by_key[key]
        head = f"{date_fr(tour.date)} — {instance.unit(tour.unit_id).name}, {role.label_fr}"
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


def changed_plan(
    instance: Instance,
    published: Plan,
    tours: list[Tour],
    shifts: tuple[Shift, ...],
    travel: TravelMatrix,
    warnings: list[str],
    began: float,
    **assemble_options: Any,
) -> Plan:
    """``published`` after a change (a re-plan, a move): its new tours and shifts, assembled with its
    horizon, its left-out reasons and its solver time plus the change's (from ``began``)."""
    from planner.planning.pipeline import assemble

    reasons = {u.insee: u.reason for u in published.unserved}
    seconds = published.solver_seconds + time.perf_counter() - began
    plan = assemble(instance, tours, shifts, travel, warnings, seconds, reasons, **assemble_options)
    return replace(plan, start=published.start, weeks=published.weeks)


def published_travel(instance: Instance, published: Plan, roads: str = "estimate") -> TravelMatrix:
    """The travel matrix to change ``published`` with: the instance's places and the sites of the
    published sessions, needed even when their commune is no longer to be visited."""
    from planner.travel import travel_for

    sites = [instance.commune(s.insee).site.point for _, s in published.sessions() if instance.has_commune(s.insee)]
    return travel_for(instance, roads, also=sites)


def check_published(instance: Instance, published: Plan, source: str = "plan") -> None:
    """Raise `InputError` naming every unit, commune and person of ``published`` that ``instance``
    lacks: a plan re-planned on another territory (or on edited files) cannot be re-planned."""
    missing = {
        "unité": {t.unit_id for t in published.tours} | {s.unit_id for s in published.shifts},
        "commune": {s.insee for _, s in published.sessions()},
        "personne": {s.staff_id for s in published.shifts},
    }
    known = {
        "unité": {u.id for u in instance.units},
        "commune": {c.insee for c in instance.communes},
        "personne": {p.id for p in instance.staff},
    }
    problems = [
        Problem(
            source,
            None,
            None,
            f"{kind} « {ident} » du plan absente du territoire « {instance.name} » ; "
            "attendu : le plan publié de ce territoire (refaites-le avec « planner plan » si ses fichiers ont changé)",
        )
        for kind, idents in missing.items()
        for ident in sorted(idents - known[kind])
    ]
    if problems:
        raise InputError(problems)


#: What a re-plan says when the published plan predates the time grid and the set-up time.
UNGRIDDED_PLAN = (
    "plan publié sans grille horaire ni temps de mise en place (version antérieure) : re-planifié avec "
    "ses horaires d'origine ; refaites-le avec « planner plan » pour des horaires ronds"
)


def changed_warnings(published: Plan, explanations: Sequence[str], *, old_timing: bool) -> list[str]:
    """The warnings of ``published`` after a change: its own, the rota's ``explanations``, and
    `UNGRIDDED_PLAN` when the change kept the timing of a plan made before the time grid
    (`published_timing`)."""
    warnings = [*published.warnings, *explanations]
    if old_timing and UNGRIDDED_PLAN not in warnings:
        warnings.append(UNGRIDDED_PLAN)
    return warnings


def published_timing(instance: Instance, published: Plan) -> Instance:
    """``instance`` with the timing rules ``published`` was made with: its own, or — for a plan made
    before the time grid and the set-up time (sessions off the grid, shifts without set-up) — no
    grid and no set-up, so that its kept tours and past shifts stay valid as published."""
    rules = instance.rules
    tours = {t.key: t for t in published.tours}
    on_grid = all(t % rules.time_step == 0 for _, s in published.sessions() for t in (s.start, s.end))
    shifts_agree = all(
        (s.start, s.end) == shift_times(tours[s.tour_key], s.session, rules)
        for s in published.shifts
        if s.tour_key in tours and (s.session is None or 0 <= s.session < len(tours[s.tour_key].sessions))
    )
    if on_grid and shifts_agree:
        return instance
    return instance.replace(rules=replace(rules, time_step=1, setup_minutes=0))


def replan(
    instance: Instance,
    published: Plan,
    changes: Sequence[Change],
    *,
    today: date,
    time_limit: float | None = None,
    travel: TravelMatrix | None = None,
    seed: int = 0,
    carried: CarriedOver | None = None,
) -> ReplanResult:
    """Re-plan ``published`` after ``changes``; dates before ``today`` never change.

    Parameters
    ----------
    time_limit
        Seconds for the rota (``None``: `REPLAN_ROTA_SECONDS`).
    travel
        The travel matrix the plan was made with (for KPIs and the validator); ``None`` uses the
        planner's default (great-circle estimate).
    carried
        What the versions newer than ``published`` accepted (`changes_since`): its changes are applied
        first, each from the day it was accepted on, and its moves made again on the new plan, which
        so respects them all; ``ReplanResult.carried`` says what was carried over.

    Raises
    ------
    InputError
        When a change names an unknown person, unit or commune, or a reversed period, or the published
        plan names a unit, commune or person the instance lacks.
    CarryOverRefused
        When something ``carried`` holds cannot be carried over: it names someone the instance lacks,
        it would change a day before ``today``, or a carried move no longer applies (its session is
        gone, or the requested changes forbid it).
    PlanningError
        When the new plan fails the independent validator (a defect to report).
    """
    from planner.planning.pipeline import raise_if_invalid

    began = time.perf_counter()
    check_published(instance, published)
    check_changes(instance, changes)
    check_carried(instance, carried)
    _refuse_past_carried(instance, published, carried, today)
    updated = apply_to_instance(apply_carried(instance, carried), changes, today=today)
    current = published_timing(updated, published)
    travel = travel or published_travel(current, published)
    dated = [(c, max(since, today)) for c, since, _ in (carried.changes if carried else ())]
    dated += [(c, today) for c in changes]
    remaining, lines, sessions_removed, removed, lost = _remaining_tours(current, published, dated, today, travel)
    tours, moved, rota, kept, crewed, plan, unstaffed, lost = _crewed_with_moves(
        current,
        published,
        remaining,
        lost,
        today,
        travel,
        time_limit,
        seed,
        old_timing=current is not updated,
        began=began,
    )
    uncrewed = set(rota.uncrewed)
    for tour in unstaffed:
        lines.append(
            (tour.date, f"{date_fr(tour.date)} — {current.unit(tour.unit_id).name} : tournée supprimée faute d'équipe")
        )
        sessions_removed += len(tour.sessions)
        removed.add(tour.key)
    for post in posts_of(current, tours):
        if post.key in uncrewed:
            what = (
                "tournée supprimée" if post.session is None else f"séance de {hhmm(post.sessions[0].start)} supprimée"
            )
            lines.append(
                (post.date, f"{date_fr(post.date)} — {current.unit(post.unit_id).name} : {what} faute d'équipe")
            )
            sessions_removed += len(post.sessions)
    went = {m.lost: m for m in moved}
    for item in lost:
        if item in went:
            lines.append((item.day, went[item].text(current)))
        else:
            lines.append(
                (
                    item.day,
                    f"{commune_name(current, item.insee)} : séance du {date_fr(item.day)} non déplacée, "
                    f"aucun jour à ± {MOVE_WINDOW_DAYS} jours ne respecte les règles",
                )
            )
    sessions_removed -= len(moved)
    lines += _retimed_lines(current, remaining, tours)
    removed |= {t.key for t in remaining} - {t.key for t in kept}
    removed -= {t.key for t in kept}  # a day emptied by a closure may take in a moved session
    tours = kept
    lines += crew_diff(current, tours, published.shifts, crewed)

    kept_keys = {t.key for t in tours}
    old_kept = {shift_key(s) for s in published.shifts if s.tour_key in kept_keys}
    shifts_changed = len(old_kept - {shift_key(s) for s in crewed})
    shifts_cancelled = sum(1 for s in published.shifts if s.tour_key in removed)
    diff = tuple(text for _, text in sorted(lines, key=lambda item: item[0]))

    raise_if_invalid(current, plan, travel, "le plan re-calculé")
    if carried and carried.moves:
        plan, carried_lines = _carry_moves(updated, plan, carried, today, travel, time_limit, seed)
        diff += tuple(carried_lines)
        new_keys = {shift_key(s) for s in plan.shifts}
        shifts_changed = sum(1 for s in published.shifts if s.tour_key not in removed and shift_key(s) not in new_keys)
    return ReplanResult(
        plan,
        diff,
        len(removed),
        sessions_removed,
        shifts_changed,
        shifts_cancelled,
        rota,
        tuple(carried.lines(instance)) if carried else (),
        len(moved),
    )


def _crewed_with_moves(
    current: Instance,
    published: Plan,
    remaining: Sequence[Tour],
    lost: Sequence[LostSession],
    today: date,
    travel: TravelMatrix,
    time_limit: float | None,
    seed: int,
    *,
    old_timing: bool,
    began: float,
) -> tuple[list[Tour], list[SessionMoved], RotaResult, list[Tour], list[Shift], Plan, list[Tour], list[LostSession]]:
    """``remaining`` with the ``lost`` sessions moved where they fit, crewed: the tours before and
    after dropping uncrewed posts, the moves, the rota, the kept shifts, the assembled plan (not yet
    validated when nothing moved), the bus tours of ``remaining`` left without a crew (an absence)
    whose sessions were then moved like the lost ones, and all the lost sessions. A move whose day
    finds no crew, or that the validator refuses, is tried on its next day; after `MOVE_ATTEMPTS`
    passes, nothing more is moved."""
    from planner.check.validate import validate_as_made

    remaining, lost = list(remaining), list(lost)
    unstaffed: list[Tour] = []
    refused: set[tuple[str, date, str]] = set()
    attempt = 0
    while True:  # ends: each pass refuses a (commune, day, unit) or, past MOVE_ATTEMPTS, moves nothing
        attempt += 1
        tours, moved = _place_lost(
            current, published, remaining, lost if attempt <= MOVE_ATTEMPTS else (), today, travel, refused
        )
        rota = assign_crews(
            current,
            tours,
            time_limit=time_limit or REPLAN_ROTA_SECONDS,
            seed=seed,
            keep=published.shifts,
            frozen_before=today,
        )
        uncrewed = set(rota.uncrewed)
        failed = [m for m in moved if any(k.partition("#")[0] == m.tour_key for k in uncrewed)]
        if failed:  # no crew for the day it went to: try the next day
            refused |= {(m.lost.insee, m.day, m.unit_id) for m in failed}
            continue
        targets = {m.tour_key for m in moved}
        gone = [
            t
            for t in remaining
            if t.key in uncrewed
            and t.key not in targets
            and t.date >= today
            and current.unit(t.unit_id).kind is not UnitKind.FIXED
        ]
        if gone and attempt <= MOVE_ATTEMPTS:  # a bus day lost for want of a crew: move its sessions too
            unstaffed += gone
            remaining = [t for t in remaining if t not in gone]
            lost += [LostSession(t.unit_id, t.date, s.insee, s.start) for t in gone for s in t.sessions]
            continue
        kept, crewed = without_posts(current, tours, rota.shifts, uncrewed)
        warnings = changed_warnings(published, rota.explanations, old_timing=old_timing)
        plan = changed_plan(
            current,
            published,
            kept,
            tuple(crewed),
            travel,
            warnings,
            began,
            uncrewed=len(uncrewed),
            search=published.search,
        )
        if moved:
            broken = {v.tour_key for v in validate_as_made(current, plan, travel)}
            if broken:  # the validator refuses: drop the moves it names (all, if it names none)
                named = [m for m in moved if m.tour_key in broken]
                refused |= {(m.lost.insee, m.day, m.unit_id) for m in named or moved}
                continue
        return tours, moved, rota, kept, list(crewed), plan, unstaffed, lost


def _refuse_past_carried(instance: Instance, published: Plan, carried: CarriedOver | None, today: date) -> None:
    """Raise `CarryOverRefused` when a carried change, accepted on a day before ``today``, forbids
    something ``published`` holds before ``today``: carrying it over would change the past."""
    found: list[tuple[int, str]] = []
    for change, since, version in carried.changes if carried else ():
        if since >= today:
            continue
        if isinstance(change, StaffUnavailable):
            span = (change.first, change.last)
            hit = [s.date for s in published.shifts if s.staff_id == change.staff_id and span[0] <= s.date <= span[1]]
        elif isinstance(change, UnitOutOfService):
            span = (change.first, change.last)
            hit = [t.date for t in published.tours if t.unit_id == change.unit_id and span[0] <= t.date <= span[1]]
        else:
            hit = [t.date for t, s in published.sessions() if s.insee == change.insee and t.date in change.dates]
        hit = sorted(d for d in hit if since <= d < today)
        if hit:
            found.append((version, f"« {change_text(instance, change)} » touche le {date_fr(hit[0])}"))
    if found:
        why = f"ils changeraient des jours de ce plan antérieurs à aujourd'hui, {date_fr(today)}"
        raise CarryOverRefused((v for v, _ in found), refusal_text(carried, [t for _, t in found], why))


def _carry_moves(
    instance: Instance,
    plan: Plan,
    carried: CarriedOver,
    today: date,
    travel: TravelMatrix,
    time_limit: float | None,
    seed: int,
) -> tuple[Plan, list[str]]:
    """``plan`` with the carried moves made again (none before ``today``), and the lines saying so;
    `CarryOverRefused` naming the version and the move when one no longer applies."""
    from planner.domain.errors import MoveRefused
    from planner.planning.moves import move_session

    lines: list[str] = []
    for move, since, version in carried.moves:
        try:
            result = move_session(
                instance, plan, move, today=max(since, today), travel=travel, time_limit=time_limit, seed=seed
            )
        except MoveRefused as refusal:
            item = f"séance déplacée ({move.text(instance)}) : {str(refusal).removeprefix('Refusé : ')}"
            why = "un déplacement ne s'applique plus au plan re-calculé"
            raise CarryOverRefused([version], refusal_text(carried, [item], why)) from None
        plan = result.plan
        lines += result.diff
    return plan, lines


def summary_text(result: ReplanResult) -> str:
    """The French account of a re-planning, for the CLI and the app."""
    moved = f"{result.sessions_moved} séance(s) déplacée(s), " if result.sessions_moved else ""
    head = (
        f"{result.tours_removed} tournée(s) supprimée(s), {result.sessions_removed} séance(s) supprimée(s), {moved}"
        f"{result.shifts_changed} garde(s) réaffectée(s), {result.shifts_cancelled} garde(s) annulée(s)."
    )
    lines = [head, *result.carried]
    lines += [f"- {line}" for line in result.diff] or ["- aucun changement de planning"]
    lines += [f"Attention : {text}" for text in result.rota.explanations]
    return "\n".join(lines)
