"""Re-planning a published plan after something changed, touching as little as possible.

A doctor cancels, a bus breaks down, a town hall is closed: `replan` removes what can no longer
happen (tours of a unit out of service, sessions in a closed commune), keeps every other tour as
published, and re-crews with the published shifts as the starting point — each changed shift is
costly, and nothing dated before ``today`` ever changes. The result says, in French, who and what
changed, and the new plan has passed the independent validator.

A session whose day is lost (its unit out of service, its commune closed that day) is first moved to
the nearest day, up to `MOVE_WINDOW_DAYS` before or after (never before ``today``), where its unit —
or another unit that may serve the commune — has room and the hard rules hold (the manual moves'
quick checks, `planner.planning.move_checks.PRECHECKS`, the day routing, a crew, then the validator):
« Envermeu : séance du … déplacée au … (Bus 2) ». Only when no such day exists is it dropped, and said.

Finding and placing the lost sessions is `planner.planning.lost_visits`; the wording of the change
list and the summary, `planner.planning.replan_text`; what a re-plan shares with the manual moves
around the published plan (its checks, travel, timing, reassembly), `planner.planning.published_plan`.
This module decides: what to remove, when to try a move again, what to carry over from newer versions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from planner.crews.posts import posts_of, without_posts
from planner.crews.rota_search import RotaResult, assign_crews, shift_key
from planner.domain.french import date_fr, hhmm
from planner.domain.instance import Instance, UnitKind
from planner.domain.plan import Plan, Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.changes import (
    CarriedOver,
    CarryOverRefused,
    Change,
    StaffUnavailable,
    UnitOutOfService,
    apply_carried,
    apply_to_instance,
    change_text,
    check_carried,
    check_changes,
    refusal_text,
)
from planner.planning.lost_visits import MOVE_WINDOW_DAYS, LostSession, SessionMoved, place_lost, remaining_tours
from planner.planning.published_plan import (
    changed_plan,
    changed_warnings,
    check_published,
    published_timing,
    published_travel,
)
from planner.planning.replan_text import commune_name, crew_diff, retimed_lines

#: Seconds for the rota when re-planning, unless told otherwise.
REPLAN_ROTA_SECONDS = 10.0

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
    remaining, lines, sessions_removed, removed, lost = remaining_tours(current, published, dated, today, travel)
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
    lines += retimed_lines(current, remaining, tours)
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
        tours, moved = place_lost(
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
